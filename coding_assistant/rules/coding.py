"""One RUM's diagnoses and acts, normalised once for every check (ATIH form: 'i21.1' -> 'I211')."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from coding_assistant.errors import CodeValidationError
from coding_assistant.rules.warning import RuleWarning
from coding_assistant.terminology.codes import normalise_code

# FG return codes for a code that does not follow the CIM-10 format, per position.
_FG_MALFORMED = {"DP": "41", "DR": "51", "DAS": "42"}
_SEX = {"M": "M", "H": "M", "1": "M", "F": "F", "2": "F"}


@dataclass(frozen=True, slots=True)
class Diagnosis:
    position: str  # "DP", "DR" or "DAS"
    code: str


@dataclass(frozen=True, slots=True)
class StayCoding:
    """The coding under check; malformed codes are left out (and reported by `normalise_coding`)."""

    dp: str | None
    dr: str | None
    das: tuple[str, ...]
    sex: str | None = None  # "M" or "F"
    age: int | None = None
    acts: tuple[str, ...] = ()
    acts_given: bool = False
    diagnoses: tuple[Diagnosis, ...] = field(default=())

    def codes(self) -> list[str]:
        """Every diagnosis code, DP then DR then DAS, repeats removed."""
        return list(dict.fromkeys(d.code for d in self.diagnoses))


def _normalise(raw: str | None, position: str, warnings: list[RuleWarning]) -> str | None:
    if raw is None or not str(raw).strip():
        return None
    try:
        return normalise_code(str(raw))
    except CodeValidationError as exc:
        fg = _FG_MALFORMED[position]
        warnings.append(
            RuleWarning(
                "malformed-code",
                str(raw),
                f"{raw!s} en {position} n'a pas le format d'un code CIM-10 ({exc})",
                fg,
            )
        )
        return None


def normalise_coding(
    dp: str | None,
    dr: str | None,
    das: Sequence[str],
    sex: str | None,
    age: int | None,
    acts: Sequence[str] = (),
) -> tuple[StayCoding, list[RuleWarning]]:
    warnings: list[RuleWarning] = []
    dp_code = _normalise(dp, "DP", warnings)
    dr_code = _normalise(dr, "DR", warnings)
    das_codes = tuple(c for c in (_normalise(d, "DAS", warnings) for d in das) if c)
    diagnoses = [Diagnosis("DP", dp_code)] if dp_code else []
    if dr_code:
        diagnoses.append(Diagnosis("DR", dr_code))
    diagnoses.extend(Diagnosis("DAS", c) for c in das_codes)
    # CCAM acts may come with their activity/phase ("JQGD010-1-0"): the first 7 characters are the act.
    act_codes = tuple(a.strip().upper()[:7] for a in acts if a and a.strip())
    return (
        StayCoding(
            dp_code,
            dr_code,
            das_codes,
            _SEX.get(str(sex).strip().upper()) if sex is not None else None,
            age,
            act_codes,
            bool(act_codes),
            tuple(diagnoses),
        ),
        warnings,
    )
