"""Long-term treatments read from the drugs a letter names: "FA sous Eliquis 5 mg x2" → Z92.1.

Coders code the long-term use of an anticoagulant (Z92.1) or of another drug that weighs on the care, such as
an antiplatelet agent (Z92.2), from the treatment list as much as from the text (ATIH Guide méthodologique
MCO, chapitre IV: a DAS is any condition or status that changed the stay's care; CIM-10 Z92, antécédents
personnels de traitement médical). Brand and international names are data
(`terminologies/rules/status_drugs.csv`) for a DIM to extend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coding_assistant.errors import TerminologyFileError
from coding_assistant.rules.data import DEFAULT_RULES_DIR, read_rows
from coding_assistant.text.normalize import strip_accents

STATUS_DRUGS_FILE = "status_drugs.csv"
# Letters drop or change accents at will ("Kardegic", "Préviscan"): each vowel matches its accented forms.
_ACCENTED = {"a": "[aàâä]", "e": "[eéèêë]", "i": "[iîï]", "o": "[oôö]", "u": "[uùûü]", "c": "[cç]"}


@dataclass(frozen=True, slots=True)
class DrugMention:
    start: int
    end: int
    text: str
    code: str


def name_pattern(name: str) -> str:
    """A drug name as a regex that accepts its accented and unaccented spellings."""
    folded = strip_accents(name).lower()
    return "".join(_char_pattern(ch) for ch in folded)


def _char_pattern(ch: str) -> str:
    return _ACCENTED.get(ch, re.escape(ch))


def read_named_codes(
    path: Path, code_format: str, needed: str, *, before: str = r"\b", after: str = r"\b"
) -> re.Pattern[str]:
    """A `name,code` list (drugs, agents…) as one regex whose named groups give each name's code; `code_format`
    is the regex a code must match, `needed` what a bad row lacks ("a drug name and a Z code"), `before` and
    `after` where a name may start and end. A bad row is an error naming its line."""
    alternatives: dict[str, list[str]] = {}
    first_letters: set[str] = set()
    for line, row in enumerate(read_rows(path), start=2):
        name, code = row.get("name", ""), row.get("code", "").upper()
        if not name or not re.fullmatch(code_format, code):
            raise TerminologyFileError(f"{path}:{line}: {needed} are needed")
        alternatives.setdefault(code, []).append(name_pattern(name))
        first_letters.add(strip_accents(name).lower()[:1])
    groups = "|".join(
        f"(?P<{code}>{'|'.join(sorted(names, key=len, reverse=True))})" for code, names in alternatives.items()
    )
    # Where no name can start, a lookahead on the names' first letters fails at once: without it the regex
    # engine tries every name at every word boundary of a letter (half of what reading the drugs costs). It
    # changes no match; a name that folds to nothing (no first letter) leaves it out.
    first = "" if "" in first_letters else f"(?={'|'.join(sorted(_char_pattern(ch) for ch in first_letters))})"
    return re.compile(rf"{before}{first}(?:{groups}){after}", re.IGNORECASE)


def read_status_drugs(path: Path) -> re.Pattern[str]:
    """One regex whose named groups give each drug's code; a bad row is an error naming its line."""
    return read_named_codes(path, r"Z\d{2,5}", "a drug name and a Z code")


@lru_cache(maxsize=4)
def _default_pattern(directory: str) -> re.Pattern[str]:
    return read_status_drugs(Path(directory) / STATUS_DRUGS_FILE)


def find_status_drugs(text: str, directory: Path | str = DEFAULT_RULES_DIR) -> list[DrugMention]:
    """Each named drug that implies a long-term treatment code, with its offsets."""
    found = []
    for match in _default_pattern(str(directory)).finditer(text):
        code = match.lastgroup or ""
        found.append(DrugMention(match.start(), match.end(), match.group(), code))
    return found
