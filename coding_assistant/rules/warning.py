"""What a PMSI check reports: one warning per rule broken, naming the rule, the code and the FG return code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from coding_assistant.schema import Note

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class RuleWarning:
    """One broken rule.

    `rule` is a stable identifier (the review UI and the metrics group by it); `message` is one French line for
    a DIM coder that names the code, not the rule (`str()` adds the rule and the FG code, for a terminal);
    `fg_error` is the number of the ATIH fonction groupage return code that reports the same fault
    (`terminologies/rules/fg_mco_codes_retour_erreurs.csv`), when one exists.
    `error`: the FG or the ATIH rules refuse the coding; `warning`: a coder should look again.
    """

    rule: str
    code: str | None
    message: str
    fg_error: str | None = None
    severity: Severity = "error"

    def note(self) -> Note:
        """The same warning as the proposals carry it (pipeline → batch → store → UI)."""
        return Note(
            rule=self.rule,
            message=self.message,
            kind="check",
            severity=self.severity,
            fg_error=self.fg_error,
            code=self.code,
        )

    def __str__(self) -> str:
        return str(self.note())
