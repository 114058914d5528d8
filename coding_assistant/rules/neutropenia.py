"""A severe neutropenia the letter establishes by its neutrophil count, though it names no neutropenia.

Haematology and oncology letters report the count (« les polynucléaires neutrophiles étaient à 0,12 G/L »,
« PNN 300/mm³ ») and call the episode an « aplasie » or a fever, or nothing at all. A count below 0.5 G/L is a
severe neutropenia (agranulocytosis) by its definition, coded D70 « agranulocytose » in CIM-10 FR, which holds
neutropenia whatever its cause (a drug's, chemotherapy's, with its Y code). The count needs its unit: « PNN 120 »
alone could be either scale. A count in a fluid (« ponction d'ascite : PNN 120/mm³ », the LCR, a joint or a
pleural effusion, on the count's line) tells an infection of that fluid, not the blood's neutrophils.
"""

from __future__ import annotations

import re

from coding_assistant.rules.status_drugs import DrugMention
from coding_assistant.text.normalize import may_hold_text

AGRANULOCYTOSIS = "D70"
SEVERE_LIMIT_G_PER_L = 0.5
# What every match holds once folded: most letters hold none and are not scanned.
_ANALYTE_WORDS = ("pnn", "neutrophile")
# The analyte, a few words (« étaient à », « : »), the count and its unit; G/L (10⁹/L) or per mm³ (= per µL).
_NEUTROPHILS = re.compile(
    r"(?<!\w)(?:PNN|polynucl[ée]aires? neutrophiles?|neutrophiles?)(?!\w)[^.;\n\d]{0,25}?"
    r"(\d+(?:[.,]\d+)?)\s*(?:(?P<g>G/L|giga/L|x\s?10\s?(?:\^|e)?\s?9\s?/L)|(?P<mm>/\s?mm\s?(?:3|³)|/\s?[µu]L))",
    re.IGNORECASE,
)

# A fluid named before the count on its line.
_FLUID = re.compile(
    r"ascit|liquide|ponction|\bLCR\b|c[ée]phalo|pleur|articul|synovi|p[ée]riton|urin|ECBU|LBA|lavage",
    re.IGNORECASE,
)
_LOOK_BACK = 200  # a fluid's count may be checked again a sentence later (« PNN 110/mm³ à J3 »)


def find_severe_neutropenia(text: str) -> list[DrugMention]:
    """Each neutrophil count below the limit, read as a D70 mention spanning the analyte and its value."""
    if not may_hold_text(text, _ANALYTE_WORDS):
        return []
    found = []
    for match in _NEUTROPHILS.finditer(text):
        count = float(match.group(1).replace(",", "."))
        if match.group("mm"):
            count /= 1000.0
        before = text[max(0, match.start() - _LOOK_BACK) : match.start()]
        line = before.rsplit("\n", 1)[-1]
        if count < SEVERE_LIMIT_G_PER_L and not _FLUID.search(line + match.group(0)):
            found.append(DrugMention(match.start(), match.end(), match.group(0), AGRANULOCYTOSIS))
    return found
