"""A fracture whose own sentence names osteoporosis as its cause, coded by the CIM-10 code that says so.

CIM-10 FR M80 « Ostéoporose avec fracture pathologique »: a vertebral fracture « sur ostéoporose », an
« ostéoporotique » hip fracture is M80.- by its site (the 5th character), post-menopausal (M80.0-) when the
letter says so, not the traumatic S code with the osteoporosis apart (M81, ostéoporose sans fracture). The pairs
are data (`terminologies/rules/osteoporotic_fracture_codes.csv`: the fracture's code → the M80.9- code of its
site) for a DIM to extend, as the alcohol and blood-loss pairs are.
"""

from __future__ import annotations

import re
from pathlib import Path

from coding_assistant.rules.data import DEFAULT_RULES_DIR, code_pairs_in, names_undenied, paired_code, read_code_pairs

OSTEOPOROTIC_FRACTURE_FILE = "osteoporotic_fracture_codes.csv"
_CAUSE = "osteoporosis"
# « sur ostéoporose », « ostéoporotique », « fracture de fragilité sur ostéoporose densitométrique ».
_OSTEOPOROSIS = re.compile(r"\bost[ée]oporo(?:se|tique)s?\b", re.IGNORECASE)
_POST_MENOPAUSAL = re.compile(r"\bpost-?m[ée]nopaus", re.IGNORECASE)
_UNSPECIFIED_KIND, _POST_MENOPAUSAL_KIND = "M809", "M800"


def read_osteoporotic_fractures(path: Path) -> dict[str, str]:
    """fracture code → its M80 code; a row whose codes are not CIM-10 codes is an error naming its line."""
    return read_code_pairs(path, _CAUSE)


def code_naming_osteoporosis(fracture: str, directory: str = str(DEFAULT_RULES_DIR)) -> str | None:
    """The M80 code of the fracture's site, if the pairs have one (M80.9-, osteoporosis unspecified)."""
    return paired_code(code_pairs_in(directory, OSTEOPOROTIC_FRACTURE_FILE, _CAUSE), fracture)


def names_osteoporosis(sentence: str) -> bool:
    """The sentence names osteoporosis, not negated (« sur ostéoporose », « ostéoporotique »)."""
    return names_undenied(_OSTEOPOROSIS, sentence)


def with_its_kind(code: str, sentence: str) -> str:
    """M80.9- becomes M80.0- when the sentence says the osteoporosis is post-menopausal."""
    if code.startswith(_UNSPECIFIED_KIND) and _POST_MENOPAUSAL.search(sentence):
        return _POST_MENOPAUSAL_KIND + code[4:]
    return code
