"""Typo tolerance for the matcher: a word the dictionary does not know may stand for one it knows.

Correcting words one by one does not work on letters: most unknown words are real words one letter away
from a dictionary stem ("contention" → "contenu", "prévention" → "présent", measured on the dev set). So
a correction is only a hypothesis that the matcher keeps when it completes a multi-word wording whose other
words match exactly ("insufisance cardiaque"): one corrected word per mention, never a one-word mention.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz.distance import OSA

MIN_STEM = 5  # shorter stems have too many neighbours one edit away
MAX_CANDIDATES = 3


class StemCorrector:
    """Known stems one edit away (substitution, insertion, deletion or transposition) from an unknown one."""

    def __init__(self, known: Iterable[str]) -> None:
        self.known = frozenset(known)
        # Typos rarely touch the first letter: comparing within the first letter's bucket keeps this cheap; each
        # bucket is kept by length.
        self._by_first_and_length: dict[tuple[str, int], list[str]] = defaultdict(list)
        for stem in self.known:
            if len(stem) >= MIN_STEM - 1:
                self._by_first_and_length[(stem[0], len(stem))].append(stem)
        self._cache: dict[str, tuple[str, ...]] = {}

    def candidates(self, stem: str) -> tuple[str, ...]:
        """Known stems at one edit from `stem` (nothing for a known or short stem), closest length first."""
        if stem in self.known or len(stem) < MIN_STEM:
            return ()
        cached = self._cache.get(stem)
        if cached is not None:
            return cached
        # Only the stems one letter shorter, as long or one longer can be one edit away: read from their own
        # buckets, not filtered out of the whole first letter's (most of what a correction cost).
        found = sorted(
            (
                other
                for length in (len(stem) - 1, len(stem), len(stem) + 1)
                for other in self._by_first_and_length.get((stem[0], length), ())
                if OSA.distance(stem, other, score_cutoff=1) <= 1
            ),
            key=lambda other: (abs(len(other) - len(stem)), other),
        )[:MAX_CANDIDATES]
        self._cache[stem] = result = tuple(found)
        return result
