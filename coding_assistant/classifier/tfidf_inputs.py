"""What the TF-IDF graph reads, computed from raw texts with the standard library and numpy only.

Two string inputs, one row per text:
- `text`: the whole text in normal form (lower case, no accents, signs spelt out, every run of other
  characters one space) — the graph takes word 1–2-grams from it;
- `chars`: a bounded window of that normal form, its beginning and its end (where the motif and the
  conclusion sit) — the graph takes character 4-grams from it. Over a whole 2,000-word letter they cost
  3.0 CPU ms in onnxruntime against 1.1 for the word n-grams (measured); on the window, coded as
  integers (export_text.py), 0.28 ms.

Accent stripping is not expressible with ONNX string operators, hence this step before the graph. Training
computes its features from the same functions, so the graph and its scikit-learn reference see the
same strings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

TEXT_INPUT = "text"
CHARS_INPUT = "chars"

# The normal form that coding_assistant.text.normalize.normalise_text gives, computed about 10× faster on
# long letters (0.25 vs 2.3 ms for 12,000 characters, one core): the accent folding runs on the distinct
# non-ASCII characters only, and case folding and punctuation go through one bytes.translate. Kept here,
# apart from the text package, because a trained model depends on this exact form: changing it needs a
# new bundle format (tests/classifier/test_classifier.py holds it to a plain regex version).
# "ST+" / "K+" and a trailing "-" carry meaning in their sign: spelt out. Each pattern starts with its
# literal sign so that the regex engine jumps from sign to sign.
_SIGN_PLUS = re.compile(r"\+(?<=[0-9A-Za-z]\+)")
_SIGN_MINUS = re.compile(r"-(?<=[A-Za-z]-)(?=\s|$|[,;.)])")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "'", "µ": "u"})
# Bytes kept by the normal form: digits and lower-case letters; upper case is lowered; anything else
# becomes a space, and runs of spaces collapse in the split/join that follows.
_KEEP = b"0123456789abcdefghijklmnopqrstuvwxyz"
_ASCII_BYTES = bytes(range(128))
_ASCII_FOLD = bytes(byte if byte in _KEEP else byte + 32 if 65 <= byte <= 90 else 32 for byte in range(256))


@lru_cache(maxsize=4096)
def _fold_non_ascii(character: str) -> str:
    """'é' -> 'e', 'Œ' -> 'oe', '°' -> '': compatibility decomposition, then only the ASCII that remains.

    Folding character by character gives what folding the whole text gives: decomposition only reorders
    combining marks, which are non-ASCII and dropped."""
    return unicodedata.normalize("NFKD", character.translate(_LIGATURES)).encode("ascii", "ignore").decode("ascii")


def normal_form(text: str) -> str:
    """'SCA ST+ inférieur, Œdème' -> 'sca st plus inferieur oedeme'."""
    if "+" in text:
        text = _SIGN_PLUS.sub(" plus ", text)
    if "-" in text:
        text = _SIGN_MINUS.sub(" moins ", text)
    if not text.isascii():
        # A letter holds a handful of distinct non-ASCII characters among thousands of ASCII ones: find them
        # by deleting the ASCII bytes of its UTF-8 form (one C pass), then fold each with one str.replace.
        # 8× faster than a regex callback per accented run (measured on 2,000-word letters).
        for character in set(text.encode("utf-8").translate(None, _ASCII_BYTES).decode("utf-8")):
            text = text.replace(character, _fold_non_ascii(character))
    return b" ".join(text.encode("ascii", "ignore").translate(_ASCII_FOLD).split()).decode("ascii")


@dataclass(frozen=True)
class CharWindow:
    """How much of the normal form the character n-grams read: `head` characters from the start and `tail`
    from the end, both cut back to whole words; a text no longer than head + tail is read whole.

    Most synthetic stays (353 words on average) fit in the default window. On the demo corpus's held-out
    split, windows of 1,500 + 1,500, 2,000 + 1,000, 3,000 + 1,500 characters and the whole text gave the
    same micro-F1 and Recall@10 within 0.003 (measured with the former C = 1 fit)."""

    head: int = 2000
    tail: int = 1000

    def apply(self, normal: str) -> str:
        if len(normal) <= self.head + self.tail + 1:
            return normal
        # Cut at spaces so that the window holds whole words, and join with one space: scikit-learn's char
        # analyzer collapses runs of white space and onnxruntime does not, so the two must never see two.
        head_end = normal.rfind(" ", 0, self.head + 1)
        head = normal[: head_end if head_end > 0 else self.head]
        tail_start = normal.find(" ", len(normal) - self.tail - 1)
        tail = normal[tail_start + 1 :] if tail_start >= 0 else normal[-self.tail :]
        return f"{head} {tail}" if head and tail else head or tail

    def as_card(self) -> dict[str, int]:
        return {"char_head": self.head, "char_tail": self.tail}

    @classmethod
    def from_card(cls, entry: dict[str, int]) -> CharWindow:
        return cls(head=int(entry["char_head"]), tail=int(entry["char_tail"]))


def graph_feeds(normal_texts: Sequence[str], window: CharWindow) -> dict[str, np.ndarray]:
    """The graph's inputs for texts already in normal form."""
    return {
        TEXT_INPUT: np.array(normal_texts, dtype=object),
        CHARS_INPUT: np.array([window.apply(text) for text in normal_texts], dtype=object),
    }
