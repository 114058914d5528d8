"""What a qualifier engine answers for one mention, and how its cues read in the reasons shown to coders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

QualifierEngine = Literal["rules", "edsnlp"]


@dataclass(slots=True)
class Qualifiers:
    """How one mention text[start:end] is meant. `cues` say why, e.g. "negation: 'pas de'"."""

    start: int
    end: int
    negated: bool = False
    hypothetical: bool = False
    family: bool = False
    history: bool = False
    cues: list[str] = field(default_factory=list)

    @property
    def is_current(self) -> bool:
        """A condition of the patient now: neither negated, hypothetical nor family (history is separate)."""
        return not (self.negated or self.hypothetical or self.family)


class Cue(Protocol):
    """A matched cue: token offsets (for nesting) and its text as written."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def text(self) -> str: ...


def cue_names(kind: str, cues: Sequence[Cue]) -> list[str]:
    """Readable cues, one per stretch of text: "pas de" hides the "pas" inside it, duplicates go."""
    if len(cues) == 0:  # most mentions, for most kinds (four calls a mention); a non-sequence still fails
        return []
    kept: list[Cue] = []
    for cue in sorted(cues, key=lambda c: (c.start, -(c.end - c.start))):
        if not any(other.start <= cue.start and cue.end <= other.end for other in kept):
            kept.append(cue)
    return list(dict.fromkeys(f"{kind}: '{cue.text.lower()}'" for cue in kept))
