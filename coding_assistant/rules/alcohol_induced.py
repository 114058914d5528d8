"""A condition whose own sentence names alcohol as its cause, coded by the one CIM-10 code that says so.

The CIM-10 names the alcoholic form of several organ diseases (K70 maladie alcoolique du foie, K85.2 and K86.0
pancréatites alcooliques, K29.2 gastrite alcoolique, I42.6 myocardiopathie alcoolique, G62.1 polynévrite
alcoolique, G31.2 dégénérescence liée à l'alcool): « cirrhose Child B sur éthylisme chronique » is K70.3, not
K74.6. The pairs are data (`terminologies/rules/alcohol_induced_codes.csv`: the condition coded without its
cause → the code that names both) for a DIM to extend. The alcohol use itself (F10) is coded apart, as the
guide méthodologique MCO asks.
"""

from __future__ import annotations

import re
from pathlib import Path

from coding_assistant.rules.data import DEFAULT_RULES_DIR, code_pairs_in, names_undenied, paired_code, read_code_pairs

ALCOHOL_INDUCED_FILE = "alcohol_induced_codes.csv"
_CAUSE = "alcohol"
# « alcoolique », « éthylique », « sur éthylisme », « OH chronique », « alcoolo-tabagique ».
_ALCOHOL = re.compile(r"\b(?:alcool\w*|[ée]thyli\w*|[ée]thylo-\w*)|\bOH\b", re.IGNORECASE)
# « stéatose non alcoolique », « pas d'intoxication alcoolique », « sans consommation d'alcool ».


def read_alcohol_induced(path: Path) -> dict[str, str]:
    """condition code → alcoholic code; a row whose codes are not CIM-10 codes is an error naming its line."""
    return read_code_pairs(path, _CAUSE)


def code_naming_alcohol(condition: str, directory: str = str(DEFAULT_RULES_DIR)) -> str | None:
    """The code of the condition's alcoholic form, if the CIM-10 has one."""
    return paired_code(code_pairs_in(directory, ALCOHOL_INDUCED_FILE, _CAUSE), condition)


def codes_naming_alcohol(directory: str = str(DEFAULT_RULES_DIR)) -> frozenset[str]:
    """Every alcohol-induced code of the pairs: a code the letter reaches only by stating alcohol as the cause."""
    return frozenset(code_pairs_in(directory, ALCOHOL_INDUCED_FILE, _CAUSE).values())


def names_alcohol(sentence: str) -> bool:
    """The sentence names alcohol, not to deny it (« non alcoolique », « pas d'alcool »)."""
    return names_undenied(_ALCOHOL, sentence)
