"""The HIV disease coded by what it caused during the stay: B20-B22 instead of the plain HIV code.

The CIM-10 FR codes a human immunodeficiency virus disease by its manifestation (B20 « à l'origine de maladies
infectieuses et parasitaires », B21 « … de tumeurs malignes », B22 « … d'autres affections précisées »), and the
guide méthodologique MCO keeps the manifestation's own code beside it: « pneumocystose chez un patient VIH » is
B20.6 with B48.5, not B24 with B48.5. The pairs are data (`terminologies/rules/hiv_manifestation_codes.csv`: the
manifestation's code or category → the B20-B22 code) for a DIM to extend. Two manifestations of one category
make its « multiples » code (B20.7, B21.7), of two categories B22.7.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from coding_assistant.rules.data import DEFAULT_RULES_DIR, code_pairs_in, read_code_pairs

HIV_MANIFESTATION_FILE = "hiv_manifestation_codes.csv"
_CAUSE = "the HIV disease"
# The plain HIV codes a manifestation makes more precise: B24 (sans précision) and Z21 (infection asymptomatique,
# which a manifestation contradicts).
PLAIN_HIV = ("B24", "Z21")
_MULTIPLE = {"B20": "B207", "B21": "B217"}
_MULTIPLE_CATEGORIES = "B227"


def read_hiv_manifestations(path: Path) -> dict[str, str]:
    """manifestation code or category → B20-B22 code; a bad row is an error naming its line."""
    return read_code_pairs(path, _CAUSE)


def hiv_code_for(manifestation: str, directory: str = str(DEFAULT_RULES_DIR)) -> str | None:
    """The B20-B22 code of one manifestation: its own code's pair, else its subdivision's, else its category's."""
    pairs = code_pairs_in(directory, HIV_MANIFESTATION_FILE, _CAUSE)
    return next((pairs[key] for key in (manifestation, manifestation[:4], manifestation[:3]) if key in pairs), None)


def hiv_code_for_all(codes: Iterable[str]) -> str | None:
    """One code for the HIV disease that caused all of these (None when none of them is a manifestation)."""
    found = sorted({code for code in (hiv_code_for(c) for c in codes) if code is not None})
    if len(found) <= 1:
        return found[0] if found else None
    categories = {code[:3] for code in found}
    return _MULTIPLE.get(categories.pop(), _MULTIPLE_CATEGORIES) if len(categories) == 1 else _MULTIPLE_CATEGORIES
