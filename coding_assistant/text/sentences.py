"""Sentences of a letter, and the stretches of whole sentences that hold given spans.

Both qualifier engines read only those stretches: a 1,500-word letter with 30 mentions is qualified on a
fraction of its text, and no cue reaches across a sentence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from functools import lru_cache

# A sentence ends at a line break, or at . ! ? ; followed by a space and a capital, digit or bullet.
_SENTENCE_END = re.compile(r"\n|(?<=[.!?;])[ \t]+(?=[A-ZÀ-Ý0-9«\"(\-•])")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty sentence, in order."""
    return list(_sentence_bounds(text))


# Both qualifier passes (diagnoses, then acts) and the act reader split the same documents one after the other:
# each text is split once (a tuple in the cache, a fresh list for each caller).
@lru_cache(maxsize=64)
def _sentence_bounds(text: str) -> tuple[tuple[int, int], ...]:
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > start:
            bounds.append((start, match.start()))
        start = match.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return tuple(bounds)


def mention_chunks(
    text: str, spans: Sequence[tuple[int, int]], sentences: Sequence[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """Sorted, disjoint stretches of `text` made of the whole sentences that hold at least one span."""
    if sentences is None:
        sentences = sentence_bounds(text)
    if not sentences:
        return []
    starts = [start for start, _ in sentences]
    wanted: list[tuple[int, int]] = []
    for span_start, span_end in spans:
        first = max(bisect.bisect_right(starts, span_start) - 1, 0)
        last = max(bisect.bisect_right(starts, max(span_end - 1, span_start)) - 1, first)
        wanted.append((sentences[first][0], max(sentences[last][1], span_end)))
    wanted.sort()
    merged: list[tuple[int, int]] = []
    for start, end in wanted:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
