"""A condition whose own sentence names the blood loss that causes it, coded by the one CIM-10 code that says so.

The CIM-10 names the form of an iron deficiency that a blood loss causes (D50.0 « anémie par carence en fer
secondaire à une perte de sang (chronique) »): « anémie ferriprive sur ménorragies » is D50.0, not D50.9. The pairs
are data (`terminologies/rules/blood_loss_codes.csv`: the condition coded without its cause → the code that names
it) for a DIM to extend, as the alcohol- and drug-induced pairs are.
"""

from __future__ import annotations

import re
from pathlib import Path

from coding_assistant.rules.data import DEFAULT_RULES_DIR, code_pairs_in, paired_code, read_code_pairs

BLOOD_LOSS_FILE = "blood_loss_codes.csv"
_CAUSE = "a blood loss"
# The blood losses a condition is written « sur » or « par » (not a transfusion, not a bleeding risk).
_BLOOD_LOSS = re.compile(
    r"\b(?:sur|par|secondaire [àa]|li[ée]e? [àa]|due? [àa]|dans un contexte de)\s+(?:des |de |d['’]une? |une? |les )?"
    r"(?:m[ée]norragies?|m[ée]trorragies?|rectorragies?|m[ée]l[ée]na|h[ée]maturies?|[ée]pistaxis"
    r"|saignements?|h[ée]morragies?|pertes? sanguines?|spoliation sanguine|angiodysplasies?)",
    re.IGNORECASE,
)


def read_blood_loss(path: Path) -> dict[str, str]:
    """condition code → the code of its blood-loss form; a row whose codes are not CIM-10 codes names its line."""
    return read_code_pairs(path, _CAUSE)


def code_naming_blood_loss(condition: str, directory: str = str(DEFAULT_RULES_DIR)) -> str | None:
    """The code of the condition's blood-loss form, if the CIM-10 has one."""
    return paired_code(code_pairs_in(directory, BLOOD_LOSS_FILE, _CAUSE), condition)


def names_blood_loss(sentence: str) -> bool:
    """The sentence names a blood loss as a cause (« par ménorragies », « sur saignement digestif »)."""
    return bool(_BLOOD_LOSS.search(sentence))
