"""Long letters → fixed-size token chunks, and chunk logits → one score per letter.

Shared by training (torch) and serving (onnxruntime), so that both cut a text at exactly the same places.
Needs numpy only: the tokenizer is passed in (a `tokenizers.Tokenizer`), never imported here.

A discharge letter is often 1,000–3,000 tokens, longer than an encoder's 512 positions. Each text is
tokenised once without special tokens, cut into windows of `max_length - specials` tokens that overlap by
`stride` tokens (so a mention cut at a window's edge is whole in the next one), and each window gets the
tokenizer's own special tokens back ([CLS] … [SEP] for BERT, <s> … </s> for CamemBERT).

Pooling over a letter's chunks is a max of the chunk logits by default: a code is present if one passage
says so, wherever it sits in the letter, and averaging would dilute a diagnosis mentioned once in a long
letter. "mean" is offered for comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

POOLINGS = ("max", "mean")


@dataclass(frozen=True)
class Chunking:
    """How a text becomes chunks: written in the card at training, read back by the predictor."""

    max_length: int  # tokens per chunk, special tokens included (the encoder's input length)
    stride: int  # tokens shared by two consecutive chunks
    max_chunks: int  # chunks kept per text; longer texts keep evenly spaced chunks, first and last included
    prefix: tuple[int, ...]  # special token ids before each chunk
    suffix: tuple[int, ...]  # special token ids after each chunk
    pad_id: int
    pooling: str = "max"

    def __post_init__(self) -> None:
        if self.window < 1:
            raise ValueError(f"max_length {self.max_length} leaves no room for text after the special tokens")
        if not 0 <= self.stride < self.window:
            raise ValueError(f"stride {self.stride} must be in [0, {self.window})")
        if self.max_chunks < 1:
            raise ValueError("max_chunks must be at least 1")
        if self.pooling not in POOLINGS:
            raise ValueError(f"pooling {self.pooling!r} is not one of {POOLINGS}")

    @property
    def window(self) -> int:
        """Text tokens per chunk."""
        return self.max_length - len(self.prefix) - len(self.suffix)

    def to_card(self) -> dict[str, Any]:
        return {**asdict(self), "prefix": list(self.prefix), "suffix": list(self.suffix)}

    @classmethod
    def from_card(cls, entry: dict[str, Any]) -> Chunking:
        return cls(
            max_length=int(entry["max_length"]),
            stride=int(entry["stride"]),
            max_chunks=int(entry["max_chunks"]),
            prefix=tuple(int(i) for i in entry["prefix"]),
            suffix=tuple(int(i) for i in entry["suffix"]),
            pad_id=int(entry["pad_id"]),
            pooling=str(entry.get("pooling", "max")),
        )


def special_tokens(tokenizer: Tokenizer) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The ids the tokenizer's post-processor puts before and after a single text.

    Read from the tokenizer itself rather than assumed, because BERT, RoBERTa/CamemBERT and others differ."""
    encoding = tokenizer.encode("a", add_special_tokens=True)
    ids, special = encoding.ids, encoding.special_tokens_mask
    lead = next((i for i, flag in enumerate(special) if not flag), len(ids))
    tail = next((i for i, flag in enumerate(reversed(special)) if not flag), 0)
    return tuple(ids[:lead]), tuple(ids[len(ids) - tail :])


def prepare_tokenizer(tokenizer: Tokenizer) -> Tokenizer:
    """Switch off the tokenizer's own truncation and padding: chunking does both, the same way everywhere."""
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def chunk_ids(ids: Sequence[int], chunking: Chunking) -> list[list[int]]:
    """Overlapping windows of a text's token ids, each framed by the special tokens. An empty text gives one
    chunk of special tokens only, so every text has a score."""
    window, step = chunking.window, chunking.window - chunking.stride
    starts = [0]
    while starts[-1] + window < len(ids):
        starts.append(starts[-1] + step)
    if len(starts) > chunking.max_chunks:
        # Evenly spaced, so that the conclusion at the end of a letter is read as well as its opening.
        keep = np.unique(np.linspace(0, len(starts) - 1, chunking.max_chunks).round().astype(int))
        starts = [starts[k] for k in keep]
    return [[*chunking.prefix, *ids[start : start + window], *chunking.suffix] for start in starts]


def chunk_texts(tokenizer: Tokenizer, texts: Sequence[str], chunking: Chunking) -> list[list[list[int]]]:
    """For each text, its chunks of token ids."""
    encodings = tokenizer.encode_batch(list(texts), add_special_tokens=False)
    return [chunk_ids(encoding.ids, chunking) for encoding in encodings]


def pad_chunks(chunks: Sequence[Sequence[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """(input_ids, attention_mask), both int64 (chunks, longest chunk), padded on the right."""
    width = max(len(chunk) for chunk in chunks)
    input_ids = np.full((len(chunks), width), pad_id, dtype=np.int64)
    attention_mask = np.zeros((len(chunks), width), dtype=np.int64)
    for row, chunk in enumerate(chunks):
        input_ids[row, : len(chunk)] = chunk
        attention_mask[row, : len(chunk)] = 1
    return input_ids, attention_mask


def pool_logits(chunk_logits: np.ndarray, counts: Sequence[int], pooling: str) -> np.ndarray:
    """(texts, labels) logits from (chunks, labels) chunk logits, `counts[i]` consecutive chunks per text."""
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    if pooling == "max":
        return np.maximum.reduceat(chunk_logits, offsets, axis=0)
    if pooling == "mean":
        sums = np.add.reduceat(chunk_logits, offsets, axis=0)
        means: np.ndarray = sums / np.asarray(counts, dtype=chunk_logits.dtype)[:, None]
        return means
    raise ValueError(f"pooling {pooling!r} is not one of {POOLINGS}")


def platt_probabilities(logits: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """sigmoid(a·z + b) per label, computed without overflow for large |z|."""
    z = a * logits + b
    probabilities: np.ndarray = np.exp(-np.logaddexp(0.0, -z))
    return probabilities
