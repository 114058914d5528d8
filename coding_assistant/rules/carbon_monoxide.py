"""A carbon monoxide poisoning the letter establishes by its carboxyhaemoglobin, though it never writes
« intoxication ».

Urgences and hyperbaric-care letters often tell the story (a boiler, a stove, the firemen's detector) and give
the value (« HbCO 24 % chez ce non-fumeur ») without naming the poisoning. The value defines it: a
carboxyhaemoglobin of 6 % or more is a carbon monoxide poisoning even in a smoker (Haut Conseil de la santé
publique, « Définition des cas d'intoxication au monoxyde de carbone », 2012: ≥ 6 % in a smoker, ≥ 3 % in a
non-smoker), coded T58 « effet toxique du monoxyde de carbone » (CIM-10 FR), the stay's DP when it was for it
(guide méthodologique MCO, chapitre IV: the poisoning first, then its manifestations). The lower limit for a
non-smoker is left out: a letter rarely says the patient does not smoke in the value's sentence.
"""

from __future__ import annotations

import re

from coding_assistant.rules.status_drugs import DrugMention
from coding_assistant.text.normalize import may_hold_text

CARBON_MONOXIDE_POISONING = "T58"
POISONING_LIMIT_PERCENT = 6.0
# What every match holds once folded: most letters hold none and are not scanned.
_ANALYTE_WORDS = ("hbco", "cohb", "carboxy")
# The analyte, a few words at most (« était à », « mesurée à »), then the value in per cent.
_CARBOXYHAEMOGLOBIN = re.compile(
    r"(?<!\w)(?:HbCO|COHb|carboxyh[ée]moglobin(?:e|[ée]mie))(?!\w)[^.;\n\d%]{0,25}?(\d{1,2}(?:[.,]\d+)?)\s*%",
    re.IGNORECASE,
)


def find_carbon_monoxide_poisoning(text: str) -> list[DrugMention]:
    """Each carboxyhaemoglobin at or above the limit, read as a T58 mention spanning the analyte and its value."""
    if not may_hold_text(text, _ANALYTE_WORDS):
        return []
    found = []
    for match in _CARBOXYHAEMOGLOBIN.finditer(text):
        if float(match.group(1).replace(",", ".")) >= POISONING_LIMIT_PERCENT:
            found.append(DrugMention(match.start(), match.end(), match.group(0), CARBON_MONOXIDE_POISONING))
    return found
