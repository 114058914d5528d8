"""The CIM-10 FR table in memory: one entry per code, its hierarchy, and the ATIH usage rules."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from coding_assistant.errors import CodeValidationError
from coding_assistant.terminology.codes import chapter_of, normalise_code

_DELETED_RE = re.compile(r"^\s*\*+\s*SU(\d{2})\s*\*+\s*")


class Position(StrEnum):
    """Where a diagnosis sits in a RUM."""

    DP = "DP"
    DR = "DR"
    DAS = "DAS"


# ATIH "type MCO" of each code (CIM-10 FR à usage PMSI): which positions each type allows.
#   0 no restriction; 1 not DP/DR; 2 external cause, not DP/DR; 3 never codable; 4 not DP.
ALLOWED_TYPES: dict[Position, frozenset[int]] = {
    Position.DP: frozenset({0}),
    Position.DR: frozenset({0, 4}),
    Position.DAS: frozenset({0, 1, 2, 4}),
}

TYPE_MEANINGS: dict[int, str] = {
    0: "no restriction",
    1: "forbidden as DP and DR",
    2: "external cause, forbidden as DP and DR",
    3: "never codable (category with subdivisions or deleted code)",
    4: "forbidden as DP",
}


@dataclass(slots=True)
class CodeEntry:
    """One row of the CIM-10 FR table."""

    code: str
    label: str
    short_label: str = ""
    mco_type: int = 0
    deleted: bool = False
    deleted_year: str | None = None
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    chapter: str = ""
    # Extra wordings for search: ClaML inclusion terms, for instance.
    synonyms: list[str] = field(default_factory=list)

    @property
    def codable(self) -> bool:
        return self.mco_type != 3 and not self.deleted

    @property
    def category(self) -> str:
        return self.code[:3]


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether a code may sit in a position, and why not."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


class Terminology:
    """CIM-10 FR codes with hierarchy, chapters and ATIH usage types."""

    def __init__(self, entries: Iterable[CodeEntry], source: str, version: str) -> None:
        self.source = source
        self.version = version
        self._entries: dict[str, CodeEntry] = {}
        for entry in entries:
            self._entries[entry.code] = entry
        self._link_hierarchy()

    def _link_hierarchy(self) -> None:
        # The parent is the longest existing proper prefix: I21100 -> I2110 -> I211 -> I21.
        for entry in self._entries.values():
            entry.children = []
        for code in sorted(self._entries):
            entry = self._entries[code]
            entry.chapter = entry.chapter or chapter_of(code)
            entry.parent = None
            for cut in range(len(code) - 1, 2, -1):
                parent = self._entries.get(code[:cut])
                if parent is not None:
                    entry.parent = parent.code
                    parent.children.append(code)
                    break

    # --- look-ups -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._entries

    def __iter__(self) -> Iterator[CodeEntry]:
        return iter(self._entries.values())

    def get(self, code: str) -> CodeEntry | None:
        """The entry for a code in any written form ('I21.1', 'i211'), or None."""
        entry = self._entries.get(code)
        if entry is not None:  # most look-ups already hold the ATIH form: no need to normalise it
            return entry
        try:
            return self._entries.get(normalise_code(code))
        except CodeValidationError:
            return None

    def validate(self, raw: str) -> CodeEntry:
        """The entry for a code, or CodeValidationError saying why the code is not usable."""
        code = normalise_code(raw)
        entry = self._entries.get(code)
        if entry is None:
            raise CodeValidationError(f"unknown code {raw!r}: not in CIM-10 FR ({self.source} {self.version})")
        return entry

    def label(self, code: str) -> str:
        entry = self.get(code)
        return entry.label if entry else ""

    def codes_with_prefix(self, prefix: str) -> list[str]:
        return sorted(code for code in self._entries if code.startswith(prefix))

    # --- hierarchy ------------------------------------------------------------------------------
    def parent(self, code: str) -> str | None:
        entry = self.get(code)
        return entry.parent if entry else None

    def children(self, code: str) -> list[str]:
        entry = self.get(code)
        return list(entry.children) if entry else []

    def ancestors(self, code: str) -> list[str]:
        """Parents from nearest to the 3-character category."""
        result: list[str] = []
        entry = self.get(code)
        while entry is not None and entry.parent is not None:
            result.append(entry.parent)
            entry = self._entries.get(entry.parent)
        return result

    def descendants(self, code: str) -> list[str]:
        entry = self.get(code)
        if entry is None:
            return []
        result: list[str] = []
        stack = list(reversed(entry.children))
        while stack:
            child = stack.pop()
            result.append(child)
            stack.extend(reversed(self._entries[child].children))
        return result

    def codable_descendants(self, code: str) -> list[str]:
        """Codes a coder may actually use for a category: the code itself if codable, else its codable
        descendants (CIM-10 FR à usage PMSI: a category with subdivisions is type 3, never codable)."""
        entry = self.get(code)
        if entry is None:
            return []
        if entry.codable:
            return [entry.code]
        return [c for c in self.descendants(entry.code) if self._entries[c].codable]

    # --- ATIH rules -----------------------------------------------------------------------------
    def allowed(self, code: str, position: Position | str) -> Decision:
        """Whether the ATIH usage type of a code allows it in a position (DP, DR or DAS)."""
        position = Position(str(position).upper())
        entry = self.get(code)
        if entry is None:
            return Decision(False, f"unknown code {code!r}")
        if entry.deleted:
            return Decision(False, f"{entry.code} was deleted in 20{entry.deleted_year or '??'}")
        if entry.mco_type not in ALLOWED_TYPES[position]:
            meaning = TYPE_MEANINGS.get(entry.mco_type, "unknown type")
            return Decision(
                False, f"{entry.code} has ATIH type {entry.mco_type} ({meaning}): not allowed as {position}"
            )
        return Decision(True)


def parse_deleted(label: str) -> tuple[bool, str | None, str]:
    """Split the ATIH deletion mark off a label: '*** SU11 *** Histiocytose…' -> (True, '11', 'Histiocytose…')."""
    match = _DELETED_RE.match(label)
    if not match:
        return False, None, label
    return True, match.group(1), label[match.end() :].strip()
