"""The configurable lists behind the PMSI checks, read from `terminologies/rules/` (see its README).

Logic lives in the modules of this package; every list a DIM may want to change (sex and age constraints,
DP -> DR conventions, codes forbidden as DP, delivery acts, FG return codes …) lives in a data file there.
Nothing under `../shared` is read at run time.
"""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from coding_assistant.config import BUNDLED_TERMINOLOGIES
from coding_assistant.errors import TerminologyFileError, unreadable
from coding_assistant.rules.ranges import CodeRange
from coding_assistant.rules.warning import Severity

DEFAULT_RULES_DIR = BUNDLED_TERMINOLOGIES / "rules"


@dataclass(frozen=True, slots=True)
class SexConstraint:
    codes: CodeRange
    sex: str  # "M" or "F"
    basis: str


@dataclass(frozen=True, slots=True)
class AgeConstraint:
    codes: CodeRange
    sex: str | None
    min_age: int
    max_age: int
    fg_by_position: dict[str, str]
    severity: Severity
    basis: str


@dataclass(frozen=True, slots=True)
class ForbiddenDp:
    codes: CodeRange
    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class ExternalCauseCompanion:
    causes: CodeRange
    companions: CodeRange
    basis: str


@dataclass(frozen=True, slots=True)
class DrConvention:
    dp: CodeRange
    dr: CodeRange
    description: str
    basis: str


@dataclass(frozen=True, slots=True)
class RulesData:
    """Everything the checks read, loaded once per directory."""

    fg_errors: dict[str, str]
    dagger_pairs: tuple[tuple[str, str], ...]  # (dagger, asterisk)
    sex: tuple[SexConstraint, ...]
    age: tuple[AgeConstraint, ...]
    forbidden_dp: tuple[ForbiddenDp, ...]
    external_causes: tuple[ExternalCauseCompanion, ...]
    dr_conventions: tuple[DrConvention, ...]
    delivery_acts: frozenset[str]
    settings: dict[str, Any]

    def fg_label(self, number: str | None) -> str:
        return self.fg_errors.get(number or "", "")

    @property
    def dp_prefixes_allowing_dr(self) -> tuple[str, ...]:
        return tuple(self.settings["dr"]["dp_prefixes_allowing_dr"])

    @property
    def delivery_diagnoses(self) -> tuple[CodeRange, ...]:
        return tuple(CodeRange.parse(a, b) for a, b in self.settings["obstetrics"]["delivery_diagnoses"])


def read_rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    """The rows of a rule list (header first), values stripped; an unreadable file is one clear error."""
    try:
        with Path(path).open(encoding="utf-8", newline="") as handle:
            rows = []
            for line, row in enumerate(csv.DictReader(handle, delimiter=delimiter), start=2):
                if None in row:  # more fields than the header names: a comma left unquoted
                    raise TerminologyFileError(f"{path}:{line}: more fields than the header names")
                rows.append({k: (v or "").strip() for k, v in row.items()})
            return rows
    except OSError as exc:
        raise TerminologyFileError(unreadable(path, exc)) from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise TerminologyFileError(f"{path}: cannot be read ({type(exc).__name__})") from exc


_CONDITION_CODE = re.compile(r"[A-Z]\d{2,4}")


def read_code_pairs(path: Path, cause: str) -> dict[str, str]:
    """condition code → the code of its form with a named cause (alcohol, a drug); a row whose codes are not
    CIM-10 codes is an error naming its line."""
    pairs: dict[str, str] = {}
    for line, row in enumerate(read_rows(path), start=2):
        condition, code = row.get("condition", ""), row.get("code", "")
        if not _CONDITION_CODE.fullmatch(condition) or not _CONDITION_CODE.fullmatch(code):
            raise TerminologyFileError(f"{path}:{line}: expected a condition code and the code that names {cause}")
        pairs[condition] = code
    return pairs


@lru_cache(maxsize=16)
def code_pairs_in(directory: str, filename: str, cause: str) -> dict[str, str]:
    """`read_code_pairs` of one file of a rules folder, read once per process and folder."""
    return read_code_pairs(Path(directory) / filename, cause)


# A denial right before a cause's word: « non alcoolique », « pas d'alcool », « sans ostéoporose », « aucune
# consommation d'alcool ».
_DENIED_BEFORE = re.compile(
    r"(?:\bnon[- ]?|\bpas d[e'’]\s*|\bsans\s+|\baucune?\s+)(?:\w+\s+){0,2}?(?:d[e'’]\s*)?$", re.IGNORECASE
)


def names_undenied(cause: re.Pattern[str], sentence: str) -> bool:
    """Whether the sentence names the cause (`cause`'s words) at least once without denying it."""
    return any(not _DENIED_BEFORE.search(sentence[: match.start()]) for match in cause.finditer(sentence))


def paired_code(pairs: dict[str, str], condition: str) -> str | None:
    """The pair of a code, or of its 4-character subdivision (« K8590 » is read as K85.9)."""
    return pairs.get(condition[:4]) or pairs.get(condition)


def parse_range(path: Path, line: int, start: str, end: str) -> CodeRange:
    """A code range of a rule list's row; a bad one is an error naming the file and line."""
    try:
        return CodeRange.parse(start, end)
    except ValueError as exc:
        raise TerminologyFileError(f"{path}:{line}: {exc}") from exc


def _severity(path: Path, line: int, value: str) -> Severity:
    if value not in ("error", "warning"):
        raise TerminologyFileError(f"{path}:{line}: severity must be 'error' or 'warning', not {value!r}")
    return "error" if value == "error" else "warning"


def load_rules_data(directory: Path | str = DEFAULT_RULES_DIR) -> RulesData:
    """Read the rule lists of `directory`; TerminologyFileError names the file and line of a bad row."""
    root = Path(directory)
    fg = {r["code_erreur"]: r["libelle"] for r in read_rows(root / "fg_mco_codes_retour_erreurs.csv", ";")}
    pairs = tuple(
        (r["code_dague"], r["code_asterisque"]) for r in read_rows(root / "dague_asterisque_derive_libelles.csv")
    )

    path = root / "sex_codes.csv"
    sex = []
    for line, r in enumerate(read_rows(path), start=2):
        if r["sex"] not in ("M", "F"):
            raise TerminologyFileError(f"{path}:{line}: sex must be M or F, not {r['sex']!r}")
        sex.append(SexConstraint(parse_range(path, line, r["code_from"], r["code_to"]), r["sex"], r["basis"]))

    path = root / "age_constraints.csv"
    age = []
    for line, r in enumerate(read_rows(path), start=2):
        try:
            low, high = int(r["min_age"]), int(r["max_age"])
        except ValueError as exc:
            raise TerminologyFileError(f"{path}:{line}: min_age and max_age must be whole years") from exc
        age.append(
            AgeConstraint(
                parse_range(path, line, r["code_from"], r["code_to"]),
                r["sex"] or None,
                low,
                high,
                {"DP": r["fg_dp"], "DR": r["fg_dr"], "DAS": r["fg_das"]},
                _severity(path, line, r["severity"]),
                r["basis"],
            )
        )

    path = root / "forbidden_dp.csv"
    forbidden = tuple(
        ForbiddenDp(parse_range(path, line, r["code_from"], r["code_to"]), r["rule"], r["reason"])
        for line, r in enumerate(read_rows(path), start=2)
    )
    path = root / "external_causes.csv"
    external = tuple(
        ExternalCauseCompanion(
            parse_range(path, line, r["cause_from"], r["cause_to"]),
            parse_range(path, line, r["companion_from"], r["companion_to"]),
            r["basis"],
        )
        for line, r in enumerate(read_rows(path), start=2)
    )
    path = root / "dr_requirements.csv"
    conventions = tuple(
        DrConvention(
            parse_range(path, line, r["dp_from"], r["dp_to"]),
            parse_range(path, line, r["dr_from"], r["dr_to"]),
            r["description"],
            r["basis"],
        )
        for line, r in enumerate(read_rows(path), start=2)
    )
    acts = frozenset(r["code"].upper() for r in read_rows(root / "delivery_acts.csv"))
    try:
        settings = tomllib.loads((root / "settings.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TerminologyFileError(f"{root / 'settings.toml'}: cannot be read ({exc})") from exc
    return RulesData(fg, pairs, tuple(sex), tuple(age), forbidden, external, conventions, acts, settings)


@lru_cache(maxsize=4)
def default_rules_data(directory: str = str(DEFAULT_RULES_DIR)) -> RulesData:
    """The bundled rule lists, loaded once per process."""
    return load_rules_data(directory)
