"""Codes that leave a condition's site or agent unspecified, and the codes that specify it.

The CIM-10 keeps a category for a condition whose agent or site is not known (A09 « gastro-entérites et colites
d'origine non précisée », J18 « pneumopathie à micro-organisme non précisé », N39.0 « infection des voies
urinaires, siège non précisé ») beside the categories that name it (A08.0 « entérite à rotavirus », J13, N10).
A letter that names both (« diarrhées … gastro-entérite aiguë à rotavirus ») says one condition twice: it is
coded once, at the precise code (guide méthodologique MCO, chapitre IV: code at the most precise level the
documents allow). The pairs are data (`terminologies/rules/specified_categories.csv`: the vague code or category
→ the range of codes that specify it) for a DIM to extend.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from coding_assistant.errors import TerminologyFileError
from coding_assistant.rules.data import DEFAULT_RULES_DIR, read_rows

SPECIFIED_CATEGORIES_FILE = "specified_categories.csv"
_CODE = re.compile(r"[A-Z]\d{2}[0-9A-Z+]{0,4}")


def read_specified_categories(path: Path) -> tuple[tuple[str, str, str], ...]:
    """(vague code or category, first, last code that specify it); a bad row is an error naming its line."""
    rows = []
    for line, row in enumerate(read_rows(path), start=2):
        vague, first, last = row.get("vague", ""), row.get("specified_from", ""), row.get("specified_to", "")
        if not all(_CODE.fullmatch(code) for code in (vague, first, last)) or first > last:
            raise TerminologyFileError(f"{path}:{line}: expected a vague code and the range of codes that specify it")
        rows.append((vague, first, last))
    return tuple(rows)


@lru_cache(maxsize=4)
def _rows_in(directory: str) -> tuple[tuple[str, str, str], ...]:
    return read_specified_categories(Path(directory) / SPECIFIED_CATEGORIES_FILE)


def specifies(precise: str, vague: str, directory: str = str(DEFAULT_RULES_DIR)) -> bool:
    """Whether `precise` names the agent or the site that `vague` leaves unspecified (A08.0 for A09.9)."""
    for unspecified, first, last in _rows_in(directory):
        if vague.startswith(unspecified) and first <= precise[: len(first)] and precise[: len(last)] <= last:
            return True
    return False
