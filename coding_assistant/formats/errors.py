"""Errors of RSS reading and writing; each message names where (file:line or stay) and why."""

from __future__ import annotations

from coding_assistant.errors import CodingAssistantError


class RssLayoutError(CodingAssistantError, ValueError):
    """An unsupported RUM format, or layout data in the package that cannot be used."""


class RssFormatError(CodingAssistantError, ValueError):
    """A RUM line that cannot be read. `where` is "file:line" (or what the caller named), `reason` the cause."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}" if where else reason)
        self.where = where
        self.reason = reason

    @property
    def line(self) -> int | None:
        """The line number when `where` ends with ":<number>"."""
        tail = self.where.rpartition(":")[2]
        return int(tail) if tail.isdigit() else None


class RssWriteError(CodingAssistantError, ValueError):
    """A stay or record that cannot be written as a RUM (a value too long, a missing mandatory field)."""
