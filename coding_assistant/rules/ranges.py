"""Inclusive CIM-10 code ranges written as ATIH prefixes ("C00"-"D48", "Z492"-"Z492", "N40"-"N51")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CodeRange:
    """Codes between two prefixes, bounds included: each bound is compared with the code cut to its length,
    so "Z492"-"Z492" holds Z492, Z4920 and Z4921, and "C00"-"D48" holds every code of chapter II."""

    start: str
    end: str

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, str) or not code:
            return False
        return code[: len(self.start)] >= self.start and code[: len(self.end)] <= self.end

    def __str__(self) -> str:
        return self.start if self.start == self.end else f"{self.start}-{self.end}"

    @classmethod
    def parse(cls, start: str, end: str | None = None) -> CodeRange:
        start = start.strip().upper().replace(".", "")
        end = (end or start).strip().upper().replace(".", "")
        if not start or not end or end < start[: len(end)]:
            raise ValueError(f"invalid code range {start!r}-{end!r}")
        return cls(start, end)


def in_any(code: str, ranges: Iterable[CodeRange]) -> bool:
    return any(code in r for r in ranges)


# Chapters the rules name (see coding_assistant.terminology.codes for the full table).
INJURY_POISONING = CodeRange("S00", "T98")  # chapter XIX
EXTERNAL_CAUSES = CodeRange("V01", "Y98")  # chapter XX
TUMOURS = CodeRange("C00", "D48")  # chapter II
