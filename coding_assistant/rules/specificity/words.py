"""Word lists that justify a more specific code, read from `terminologies/rules/specificity_words.csv` and
`insulin_drugs.csv` (data apart from logic: a DIM edits the lists, not the code).

Patterns are matched on the folded text (lower case, no accents: `fold`). A match preceded in its clause by a
negation cue ("pas de", "sans", "absence de" …) is not evidence: a guard only, the pipeline's qualifiers
(negation, hypothesis, history) should already have removed such mentions from what is passed here.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coding_assistant.errors import TerminologyFileError, unreadable
from coding_assistant.rules.data import DEFAULT_RULES_DIR
from coding_assistant.text.normalize import fold
from coding_assistant.text.regex_words import may_match

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_CLAUSE_BREAK = re.compile(r"[,:;()\n]|\.\s")
NEGATION_WINDOW = 40  # characters looked at before a match for a negation cue


# Compared and hashed by identity (eq=False): the searches below are cached on the lists they read.
@dataclass(frozen=True, slots=True, eq=False)
class WordLists:
    patterns: dict[tuple[str, str], re.Pattern[str]]
    insulin_drugs: re.Pattern[str]

    def pattern(self, family: str, key: str) -> re.Pattern[str] | None:
        return self.patterns.get((family, key))


def load_word_lists(directory: Path | str = DEFAULT_RULES_DIR) -> WordLists:
    root = Path(directory)
    patterns: dict[tuple[str, str], re.Pattern[str]] = {}
    path = root / "specificity_words.csv"
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    patterns[(row["family"], row["key"])] = re.compile(fold(row["pattern"]))
                except re.error as exc:
                    raise TerminologyFileError(f"{path}:{line}: bad pattern ({exc})") from exc
        with (root / "insulin_drugs.csv").open(encoding="utf-8", newline="") as handle:
            names = [fold(row["name"]) for row in csv.DictReader(handle) if row["name"].strip()]
    except OSError as exc:
        raise TerminologyFileError(unreadable(exc.filename, exc)) from exc
    alternatives = "|".join(re.escape(name).replace(r"\-", "[ -]?") for name in sorted(names, key=len, reverse=True))
    return WordLists(patterns, re.compile(rf"\b(?:{alternatives})\b"))


@lru_cache(maxsize=4)
def default_word_lists(directory: str = str(DEFAULT_RULES_DIR)) -> WordLists:
    return load_word_lists(directory)


@lru_cache(maxsize=32)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence: a break is a sentence mark followed by a space, or a new line."""
    spans, start = [], 0
    for brk in _SENTENCE_END.finditer(text):
        spans.append((start, brk.start()))
        start = brk.end()
    spans.append((start, len(text)))
    return tuple((a, b) for a, b in spans if text[a:b].strip())


@lru_cache(maxsize=256)  # each refiner asks again for the same stay text and anchor
def _anchored_sentences(text: str, anchor: re.Pattern[str]) -> tuple[tuple[int, int], ...]:
    if not may_match(text, anchor):
        return ()
    return tuple((a, b) for a, b in sentence_spans(text) if anchor.search(text, a, b))


def negated(text: str, start: int, words: WordLists) -> bool:
    """Whether a negation cue precedes position `start` within its clause."""
    cue = words.pattern("negation", "cue")
    if cue is None:
        return False
    # One character of the match is kept so that a cue ending in an apostrophe ("pas d'OAP") meets a word boundary.
    before = text[max(0, start - NEGATION_WINDOW) : start + 1]
    before = _CLAUSE_BREAK.split(before)[-1]
    return cue.search(before) is not None


def matches(
    text: str, pattern: re.Pattern[str] | None, words: WordLists, *, guard: bool = True
) -> Iterator[re.Match[str]]:
    """Matches of `pattern` in folded `text`, negated ones left out when `guard`."""
    if pattern is None or not may_match(text, pattern):
        return
    for match in pattern.finditer(text):
        if guard and negated(text, match.start(), words):
            continue
        yield match


def evidence_span(
    text: str, family: str, key: str, words: WordLists, *, anchor: str | None = None, guard: bool = True
) -> tuple[int, int] | None:
    """Where the first (non-negated) words of folded `text` matching `family/key` are, or None; with `anchor`,
    only sentences matching `family/anchor` count (the site words of an infarct must be about the infarct)."""
    return _evidence_span(text, family, key, words, anchor, guard)


# Cached: each candidate of a stay asks again for the same words in the same stay text (the refiner of E11 for
# every diabetes candidate, and again in the second pass), and each search reads the whole text.
@lru_cache(maxsize=1024)
def _evidence_span(
    text: str, family: str, key: str, words: WordLists, anchor: str | None, guard: bool
) -> tuple[int, int] | None:
    pattern = words.pattern(family, key)
    if pattern is None:
        return None
    scopes: Sequence[tuple[int, int]] = [(0, len(text))]
    anchor_pattern = words.pattern(family, anchor) if anchor else None
    if anchor_pattern is not None:
        scopes = _anchored_sentences(text, anchor_pattern)
    for a, b in scopes:
        for match in matches(text[a:b], pattern, words, guard=guard):
            return a + match.start(), a + match.end()
    return None


def first_evidence(
    text: str, family: str, key: str, words: WordLists, *, anchor: str | None = None, guard: bool = True
) -> str | None:
    """The words of `evidence_span`, as found in the folded text."""
    span = evidence_span(text, family, key, words, anchor=anchor, guard=guard)
    return text[span[0] : span[1]].strip() if span else None


def insulin_treated_from_text(text: str, words: WordLists | None = None) -> bool | None:
    """True when the text says the patient takes insulin (a drug name of `insulin_drugs.csv`, "sous insuline",
    "insulinotraité" …), False when it says the contrary ("non insulinotraité", "pas d'insuline"), None when it
    says nothing. A negated drug mention ("arrêt de la Lantus") is not evidence of treatment.

    >>> insulin_treated_from_text("DT2 sous Lantus 20 UI le soir")
    True
    >>> insulin_treated_from_text("Diabète de type 2 non insulinotraité")
    False
    >>> insulin_treated_from_text("Diabète de type 2 sous metformine") is None
    True
    """
    words = words or default_word_lists()
    folded = fold(text)
    if first_evidence(folded, "insulin", "negative", words, guard=False):
        return False
    if first_evidence(folded, "insulin", "positive_phrase", words):
        return True
    if _first_drug(folded, words) is not None:
        return True
    return None


def insulin_evidence(text: str, words: WordLists) -> str | None:
    """The words that show insulin treatment (for a refinement's reason)."""
    folded = fold(text)
    found = first_evidence(folded, "insulin", "positive_phrase", words)
    if found:
        return found
    span = _first_drug(folded, words)
    return folded[span[0] : span[1]] if span else None


@lru_cache(maxsize=256)  # asked by both functions above, for each diabetes candidate of a stay
def _first_drug(folded: str, words: WordLists) -> tuple[int, int] | None:
    """Where the first non-negated insulin drug name of folded text is."""
    match = next(matches(folded, words.insulin_drugs, words), None)
    return match.span() if match else None
