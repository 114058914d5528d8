"""The ways a diagnosis is written in a letter: clinical wordings from the data files, the clinical lexicon
rows whose codes match, and the ATIH label made to read like prose; sometimes with a typo."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from coding_assistant.synth.typos import misspell
from coding_assistant.synth.wording import lower_first
from coding_assistant.terminology.lexicon import LexiconEntry
from coding_assistant.terminology.model import Terminology

_UNSPECIFIED = re.compile(r",?\s*(sans précision|non précisée?s?|SAI|autres et sans précision)\s*$", re.IGNORECASE)
_SITE = re.compile(r"\s+-\s+Siège non précisé\s*$")


def label_variants(label: str) -> list[str]:
    """Prose versions of an ATIH label: with and without its bracketed and parenthesised parts."""
    base = _SITE.sub("", label).strip()
    base = _UNSPECIFIED.sub("", base).strip(" ,") or base
    kept = re.sub(r"[\[\]()]", "", base)
    dropped = re.sub(r"\s*[\[(][^\])]*[\])]", "", base)
    variants = []
    for text in (kept, dropped):
        text = re.sub(r"\s+", " ", text).strip(" ,")
        if text and text not in variants:
            variants.append(lower_first(text))
    return variants


class SurfaceForms:
    """Wordings of codes, from the lexicon and the terminology."""

    def __init__(self, terminology: Terminology, lexicon: Sequence[LexiconEntry]) -> None:
        self.terminology = terminology
        self._lexicon: dict[str, list[str]] = {}
        for entry in lexicon:
            # Only unambiguous rows: a wording that means two codes would make the gold arbitrary.
            if len(entry.codes) != 1:
                continue
            forms = self._lexicon.setdefault(entry.codes[0], [])
            for text in (entry.term, entry.expansion):
                if text not in forms:
                    forms.append(text)

    def lexicon_forms(self, code: str) -> list[str]:
        return self._lexicon.get(code, [])

    def label_forms(self, code: str) -> list[str]:
        return label_variants(self.terminology.label(code))

    def pick(self, rng: random.Random, code: str, extra: Sequence[str] = (), typo_rate: float = 0.08) -> str:
        """One wording: a clinical form when the data give one, else lexicon or label; sometimes misspelt."""
        pools = [list(extra), self.lexicon_forms(code), self.label_forms(code)]
        weights = [0.5 if pools[0] else 0.0, 0.25 if pools[1] else 0.0, 0.25 if pools[2] else 0.0]
        if not any(weights):
            return code
        pool = rng.choices(pools, weights=weights)[0]
        text = rng.choice(pool)
        if rng.random() < typo_rate:
            text = misspell(text, rng)
        return text
