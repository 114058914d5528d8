"""Serving a fine-tuned encoder with onnxruntime, `tokenizers` and numpy only (no torch, no transformers).

A transformer bundle holds, besides the common files, `tokenizer.json` (the fast tokenizer, read with the
`tokenizers` library) and `calibration.json` (per-label Platt parameters). The graph returns one logit per
chunk and label; this module cuts texts into chunks exactly as training did (transformer_text), pools the
chunk logits per text (max by default, as recorded in the card), then applies Platt scaling
p = sigmoid(a·z + b). Calibration is applied here, after pooling, rather than folded into the graph's
head: folding commutes with max pooling only for a > 0, which the pooled fallback of fit_platt does not
guarantee.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from coding_assistant.classifier.bundle import ModelBundle, ModelBundleError
from coding_assistant.classifier.predictor import onnx_session
from coding_assistant.classifier.transformer_text import (
    Chunking,
    chunk_texts,
    pad_chunks,
    platt_probabilities,
    pool_logits,
    prepare_tokenizer,
)

TOKENIZER_FILE = "tokenizer.json"
CALIBRATION_FILE = "calibration.json"
# Chunks per onnxruntime call: bounds activation memory (chunks × tokens × hidden) on long batches.
CHUNK_BATCH = 32


def read_calibration(bundle: ModelBundle) -> tuple[np.ndarray, np.ndarray]:
    """Platt (a, b) per label, in the bundle's label order.

    Stored as lists beside the labels and levels rather than keyed by label: a category and a DP category
    share a name ("I50") but not their calibration."""
    path = bundle.path / CALIBRATION_FILE
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
        a = np.asarray(entries["a"], dtype=np.float32)
        b = np.asarray(entries["b"], dtype=np.float32)
        same_outputs = entries["labels"] == bundle.labels and entries["levels"] == bundle.levels
    except FileNotFoundError as exc:
        raise ModelBundleError(f"{bundle.path}: {CALIBRATION_FILE} is missing") from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelBundleError(f"{path}: unreadable ({exc})") from exc
    if not same_outputs or a.shape != (len(bundle.labels),) or b.shape != a.shape:
        raise ModelBundleError(f"{path}: does not match the bundle's labels")
    return a, b


def calibration_document(
    labels: list[str], levels: list[str], a: np.ndarray, b: np.ndarray
) -> dict[str, list[str] | list[float]]:
    """What read_calibration reads back."""
    return {"labels": labels, "levels": levels, "a": [float(v) for v in a], "b": [float(v) for v in b]}


def read_chunking(bundle: ModelBundle) -> Chunking:
    try:
        return Chunking.from_card(bundle.card["chunking"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelBundleError(f"{bundle.path}: the card's chunking settings are missing or invalid ({exc})") from exc


class OnnxTransformerPredictor:
    """tokenizer.json → overlapping chunks → ONNX encoder + head → pooled, calibrated probabilities."""

    def __init__(self, bundle: ModelBundle, threads: int | None = None) -> None:
        from tokenizers import Tokenizer

        self.bundle = bundle
        self.chunking = read_chunking(bundle)
        self.platt_a, self.platt_b = read_calibration(bundle)
        try:
            self.tokenizer = prepare_tokenizer(Tokenizer.from_file(str(bundle.path / TOKENIZER_FILE)))
        except Exception as exc:  # tokenizers raises plain Exception on a missing or malformed file
            raise ModelBundleError(f"{bundle.path / TOKENIZER_FILE}: tokenizers cannot load it ({exc})") from exc
        self.session = onnx_session(bundle.model_file, threads)
        self.output_name = self.session.get_outputs()[0].name

    @property
    def labels(self) -> list[str]:
        return self.bundle.labels

    def chunk_logits(self, chunks: Sequence[Sequence[int]]) -> np.ndarray:
        """(chunks, labels) logits, CHUNK_BATCH chunks per call, each call padded to its longest chunk."""
        outputs = []
        for start in range(0, len(chunks), CHUNK_BATCH):
            input_ids, attention_mask = pad_chunks(chunks[start : start + CHUNK_BATCH], self.chunking.pad_id)
            feed = {"input_ids": input_ids, "attention_mask": attention_mask}
            outputs.append(self.session.run([self.output_name], feed)[0])
        return np.vstack(outputs)

    def predict_scores(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        per_text = chunk_texts(self.tokenizer, texts, self.chunking)
        flat = [chunk for chunks in per_text for chunk in chunks]
        logits = pool_logits(self.chunk_logits(flat), [len(chunks) for chunks in per_text], self.chunking.pooling)
        return platt_probabilities(logits, self.platt_a, self.platt_b).astype(np.float32)
