"""CCAM acts (procedures): code, labels, valid activity/phase pairs, sex compatibility, searchable."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from coding_assistant.errors import CodeValidationError, TerminologyFileError, unreadable

_CCAM_RE = re.compile(r"^[A-Z]{4}[0-9]{3}$")
_CCAM_PREFIX_RE = re.compile(r"^\s*([A-Za-z]{4}\s*[0-9]{0,3})\s*$")

# compatibilite_sexe in the CCAM table: 0 both sexes, 1 male only, 2 female only (inferred from counts).
SEX_COMPATIBILITY = {"0": None, "1": "M", "2": "F"}


@dataclass(slots=True)
class CcamAct:
    code: str
    label: str
    short_label: str
    sex: str | None  # None: both sexes
    activity_phases: dict[str, set[str]] = field(default_factory=dict)
    start_date: str = ""
    end_date: str = ""

    def allows(self, activity: str, phase: str) -> bool:
        return str(phase) in self.activity_phases.get(str(activity), set())

    def allowed_for_sex(self, sex: str) -> bool:
        return self.sex is None or self.sex == sex.upper()


def normalise_ccam(raw: str) -> str:
    code = re.sub(r"\s", "", str(raw or "")).upper()
    if not _CCAM_RE.match(code):
        raise CodeValidationError(f"malformed CCAM code {raw!r}: expected 4 letters and 3 digits (e.g. JAFA019)")
    return code


def ccam_prefix(text: str) -> str | None:
    match = _CCAM_PREFIX_RE.match(text)
    return re.sub(r"\s", "", match.group(1)).upper() if match else None


def _open_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except OSError as exc:
        raise TerminologyFileError(unreadable(path, exc)) from exc
    except UnicodeDecodeError as exc:
        raise TerminologyFileError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc


def read_ccam(directory: Path) -> dict[str, CcamAct]:
    """Acts of `ccam_actes.csv` with the pairs of `ccam_code_activite_phase_dernier_tarif.csv`."""
    acts_path = directory / "ccam_actes.csv"
    acts: dict[str, CcamAct] = {}
    for line, row in enumerate(_open_csv(acts_path), start=2):
        try:
            code = normalise_ccam(row.get("code", ""))
        except CodeValidationError as exc:
            raise TerminologyFileError(f"{acts_path}:{line}: {exc}") from exc
        acts[code] = CcamAct(
            code=code,
            label=(row.get("libelle_long") or row.get("libelle_court") or "").strip(),
            short_label=(row.get("libelle_court") or "").strip(),
            sex=SEX_COMPATIBILITY.get((row.get("compatibilite_sexe") or "0").strip()),
            start_date=(row.get("date_debut") or "").strip(),
            end_date=(row.get("date_fin") or "").strip(),
        )
    pairs_path = directory / "ccam_code_activite_phase_dernier_tarif.csv"
    for line, row in enumerate(_open_csv(pairs_path), start=2):
        act = acts.get((row.get("code") or "").strip())
        if act is None:
            raise TerminologyFileError(f"{pairs_path}:{line}: act {row.get('code')!r} is not in {acts_path.name}")
        act.activity_phases.setdefault(row["activite"].strip(), set()).add(row["phase"].strip())
    return acts
