"""The codable code to propose for a category when the text justifies no particular child (a category with
subdivisions is type 3 in the CIM-10 FR à usage PMSI, never codable).

Order of preference among the children (deleted and type-3 codes never proposed; a non-codable child is
followed down):
1. a child whose label says "sans précision" / "non précisé(e)", the one ending in 9 first (E669 -> E6699, not
   E6694 "Obésité sans précision de l'adulte avec IMC 30-35");
2. the child ending in 9 (the CIM-10 convention for "unspecified");
3. otherwise the first codable descendant in code order, flagged "à vérifier" (Z37: Z37.9 is type 3 in the
   table, so Z370 is proposed).
When nothing below is codable, the category itself comes back with a reason.
"""

from __future__ import annotations

import re
from functools import lru_cache

from coding_assistant.terminology.model import Terminology
from coding_assistant.text.normalize import strip_accents

UNSPECIFIED = re.compile(r"sans precision|non precise")


# Its own cache: through `fold`'s small one, the many labels read per stay pushed out the stay's folded text.
@lru_cache(maxsize=8192)
def is_unspecified(label: str) -> bool:
    return UNSPECIFIED.search(strip_accents(label).lower()) is not None


def _ordered_children(code: str, terminology: Terminology) -> tuple[list[str], list[str]]:
    children = [c for c in terminology.children(code) if (e := terminology.get(c)) is not None and not e.deleted]
    unspecified = [c for c in children if is_unspecified(terminology.label(c))]
    unspecified.sort(key=lambda c: (not c.endswith("9"), c))
    nines = [c for c in children if c.endswith("9") and c not in unspecified]
    preferred = unspecified + nines
    return preferred, [c for c in children if c not in preferred]


def default_codable(code: str, terminology: Terminology) -> tuple[str, bool] | None:
    """(codable code, whether it is a "sans précision"/9 default rather than a first-codable guess), or None when
    nothing below `code` is codable. A codable `code` is returned as it is."""
    entry = terminology.get(code)
    if entry is None or entry.deleted:
        return None
    if entry.codable:
        return entry.code, True
    preferred, others = _ordered_children(entry.code, terminology)
    for child in preferred:
        found = default_codable(child, terminology)
        if found is not None:
            return found
    for child in others:
        found = default_codable(child, terminology)
        if found is not None:
            return found[0], False
    return None
