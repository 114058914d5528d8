"""How the exclusion lists of the Manuel des GHM (volume 1, annexes 4 and 5) name codes and roots.

Annex 5 (exclusions by the DP) writes CIM-10 codes with dots and in three shapes, read here as:
- a code or prefix, "A00" or "K4": that code and every code below it (its extensions);
- a range, "R05-R07": every code between the two in alphabetical order, the extensions of the end included;
- a starred bound, "O72.0*" or "M46.8-M62.89*": as above, except the bound's own "0" extension (O72.00),
  which the manual leaves out of the list.
Annex 4 (exclusions by the GHM root) names roots ("01C03"), whole CMDs ("CMD26"), root types
("Racines_en_C": surgical roots) or root types in a CMD ("Sous_CMD02_C").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


def atih(code: str) -> str:
    """The ATIH spelling of a code written with dots ("C16.9+0" -> "C169+0")."""
    return code.replace(".", "").strip().upper()


@dataclass(frozen=True, slots=True)
class _Bound:
    prefix: str
    starred: bool

    def covers(self, code: str) -> bool:
        return code.startswith(self.prefix) and not (self.starred and code == self.prefix + "0")


def _bound(text: str) -> _Bound:
    return _Bound(atih(text.replace("*", "")), text.endswith("*"))


@dataclass(frozen=True, slots=True)
class CodeRangeItem:
    """One element of an annex-5 list, compiled."""

    text: str
    start: _Bound
    end: _Bound | None  # None: a single code or prefix

    def covers(self, code: str) -> bool:
        if self.end is None:
            return self.start.covers(code)
        return code >= self.start.prefix and (code <= self.end.prefix or self.end.covers(code))


def compile_item(text: str) -> CodeRangeItem:
    first, _, last = text.partition("-")
    return CodeRangeItem(text, _bound(first), _bound(last) if last else None)


class CodeRangeList:
    """An annex-5 list: which of its elements covers a DP (codes in ATIH spelling, no dot).

    Plain prefixes go to a dictionary looked up with each prefix of the code; ranges and starred bounds are
    tested one by one (a list has few of them)."""

    __slots__ = ("others", "prefixes")

    def __init__(self, elements: Sequence[str]) -> None:
        items = [compile_item(element) for element in elements]
        self.prefixes: dict[str, str] = {}
        for item in items:
            if item.end is None and not item.start.starred:
                self.prefixes.setdefault(item.start.prefix, item.text)
        self.others = tuple(item for item in items if item.end is not None or item.start.starred)

    def first_cover(self, code: str) -> str | None:
        prefixes = self.prefixes
        for end in range(1, len(code) + 1):
            found = prefixes.get(code[:end])
            if found is not None:
                return found
        for item in self.others:
            if item.covers(code):
                return item.text
        return None


_CMD_RE = re.compile(r"^CMD(\d{2})$")
_TYPE_RE = re.compile(r"^Racines_en_([CKMZ])$")
_SUB_CMD_RE = re.compile(r"^Sous_CMD(\d{2})_([CKMZ])$")


def root_item_covers(item: str, root: str) -> bool:
    """Does an annex-4 element name this GHM root ("01C03")?"""
    if match := _CMD_RE.match(item):
        return root[:2] == match.group(1)
    if match := _TYPE_RE.match(item):
        return root[2:3] == match.group(1)
    if match := _SUB_CMD_RE.match(item):
        return root[:2] == match.group(1) and root[2:3] == match.group(2)
    return item == root
