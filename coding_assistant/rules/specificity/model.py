"""What a refinement returns, and what every family refiner reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coding_assistant.rules.specificity.words import WordLists, evidence_span
from coding_assistant.terminology.model import Terminology
from coding_assistant.text.measurements import Measurement


@dataclass(frozen=True, slots=True)
class Refinement:
    """The code to propose instead of `from_code`, and why (one short French sentence naming the evidence)."""

    code: str
    reason: str
    from_code: str

    @property
    def changed(self) -> bool:
        return self.code != self.from_code


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A family refiner's answer: a code (checked afterwards) and the evidence behind it."""

    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class Context:
    text: str  # folded (lower case, no accents)
    original: str  # as written, to quote the evidence
    measurements: Sequence[Measurement]
    terminology: Terminology
    words: WordLists
    insulin_treated: bool | None
    default_infarct_care: str  # "initial" or "other"

    def evidence(self, family: str, key: str, *, anchor: str | None = None, guard: bool = True) -> str | None:
        """The words that match `family/key` (see `words.evidence_span`), quoted as written when possible."""
        span = evidence_span(self.text, family, key, self.words, anchor=anchor, guard=guard)
        if span is None:
            return None
        source = self.original if len(self.original) == len(self.text) else self.text
        return source[span[0] : span[1]].strip()

    def exists(self, code: str) -> bool:
        entry = self.terminology.get(code)
        return entry is not None and entry.codable


def fr_number(value: float) -> str:
    """30.0 -> '30', 6.8 -> '6,8' (French decimal comma)."""
    return f"{value:g}".replace(".", ",")


def quoted(words: str) -> str:
    return f"« {words} »"


def sentence(text: str) -> str:
    """The first letter in upper case: 'infarctus inférieur' -> 'Infarctus inférieur'."""
    return text[:1].upper() + text[1:] if text[:1].isalpha() else text
