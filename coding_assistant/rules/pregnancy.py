"""Chapter XV first: a condition of the mother during a pregnancy, a delivery or the puerperium.

The CIM-10 (volume 2, chapter XV's note, and the guide méthodologique MCO, chapitre IV on obstetric stays)
gives chapter XV codes priority over the other chapters for conditions that complicate a pregnancy, a
delivery or the puerperium: an anaemia of a pregnant woman or after a delivery is O99.0, not D50-D64; a
urinary infection O23.x, not N39.0. The ranges and their chapter XV codes are data
(`terminologies/rules/pregnancy_codes.csv`) for a DIM to extend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coding_assistant.errors import TerminologyFileError
from coding_assistant.rules.data import DEFAULT_RULES_DIR, parse_range, read_rows
from coding_assistant.rules.ranges import CodeRange

PREGNANCY_CODES_FILE = "pregnancy_codes.csv"


@dataclass(frozen=True, slots=True)
class PregnancyCode:
    codes: CodeRange
    code: str  # the chapter XV code that takes its place
    basis: str


def read_pregnancy_codes(path: Path) -> tuple[PregnancyCode, ...]:
    rules = []
    for line, row in enumerate(read_rows(path), start=2):
        code = row.get("code", "").upper()
        if not re.fullmatch(r"O\d{2,4}", code):
            raise TerminologyFileError(f"{path}:{line}: a chapter XV code (O00-O99) is needed")
        rules.append(PregnancyCode(parse_range(path, line, row.get("from", ""), row.get("to", "")), code, row["basis"]))
    return tuple(rules)


@lru_cache(maxsize=4)
def _default_rules(directory: str) -> tuple[PregnancyCode, ...]:
    return read_pregnancy_codes(Path(directory) / PREGNANCY_CODES_FILE)


def is_obstetric(code: str) -> bool:
    """A code of chapter XV (pregnancy, delivery, puerperium)."""
    return code.startswith("O")


def pregnancy_code(code: str, directory: Path | str = DEFAULT_RULES_DIR) -> PregnancyCode | None:
    """The chapter XV code that replaces `code` in an obstetric stay, when there is one."""
    return next((rule for rule in _default_rules(str(directory)) if code in rule.codes), None)
