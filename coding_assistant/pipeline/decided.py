"""A candidate once decided: its code, whether it is selected, its role (DP, DR, DAS) and the notes that say
why (`roles.assign_roles` decides; `combined_codes` may change a code into the one that names two things)."""

from __future__ import annotations

from dataclasses import dataclass, field

from coding_assistant.pipeline.candidates import Candidate
from coding_assistant.schema import Note


@dataclass
class Decided:
    candidate: Candidate
    code: str
    reason: str = ""
    selected: bool = False
    role: str | None = None
    notes: list[Note] = field(default_factory=list)
    refined: bool = False  # `code` comes from `specific_code` (text and measurements read), not `rough_code`
