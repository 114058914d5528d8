"""Prediction with onnxruntime and numpy only (no scikit-learn, no torch at prediction time)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from coding_assistant.classifier.bundle import ModelBundle, ModelBundleError, read_bundle
from coding_assistant.classifier.tfidf_inputs import TEXT_INPUT, CharWindow, graph_feeds, normal_form

OUTPUT = "scores"

# Texts per onnxruntime call: bounds the memory of the linear layer's gather; 32 gave no more throughput than
# 16 (the linear layer's batched form: 0.68 CPU ms per text either way, measured).
BATCH_SIZE = 16


class Predictor(Protocol):
    """What the pipeline asks of any model: per-label calibrated probabilities for texts."""

    bundle: ModelBundle

    @property
    def labels(self) -> list[str]: ...

    def predict_scores(self, texts: Sequence[str]) -> np.ndarray:
        """An array (len(texts), len(labels)) of calibrated probabilities."""
        ...


def onnx_session(model_file: Path, threads: int | None = None) -> Any:
    """A CPU onnxruntime session for a bundle's graph; a file it cannot load is a ModelBundleError.

    `threads` bounds the threads of one call (intra-op); None lets onnxruntime use every core."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    options.log_severity_level = 3
    try:
        return ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types
        raise ModelBundleError(f"{model_file}: onnxruntime cannot load it ({exc})") from exc


def read_char_window(bundle: ModelBundle) -> CharWindow:
    try:
        return CharWindow.from_card(bundle.card["inputs"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelBundleError(
            f"{bundle.path}: the card's graph input settings are missing or invalid ({exc})"
        ) from exc


class OnnxTfidfPredictor:
    """TF-IDF + sparse linear + sigmoid, the whole text → scores path in one ONNX graph.

    Python prepares the graph's two string inputs (normal form and its character window, 0.25 ms for a
    2,000-word letter). Each onnxruntime call runs on one thread, and a call with more than one batch runs
    `threads` batches at once: with 2,000 labels on 2 cores shared with other work, one call at a time
    with 2 intra-op threads gave 162–200 texts/s for 5–6 CPU ms per text (its pool threads spin while
    they wait), against 333–339 texts/s and 3.0 CPU ms for two one-thread calls at once (measured)."""

    def __init__(self, bundle: ModelBundle, threads: int | None = None) -> None:
        self.bundle = bundle
        # Format 2 graphs read the normal form alone, as a (texts, 1) column (see bundle.py).
        single_input = bundle.card.get("bundle_format") == 2
        self.window = None if single_input else read_char_window(bundle)
        # One thread per onnxruntime call, `threads` calls at once (see the class docstring).
        self.session = onnx_session(bundle.model_file, threads=1)
        self.workers = threads or os.cpu_count() or 1
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = 0  # a forked process inherits the pool but not its threads: it makes its own

    @property
    def labels(self) -> list[str]:
        return self.bundle.labels

    def _run(self, texts: Sequence[str]) -> np.ndarray:
        # The normal form is computed here, batch by batch: while one thread holds the GIL for it, the
        # other's onnxruntime call (which releases the GIL) keeps running. Measured against computing it for
        # all texts before the threads start, 2,000 labels, same run: 648–736 vs 525–677 texts/s.
        normal = [normal_form(text) for text in texts]
        if self.window is None:
            feeds = {TEXT_INPUT: np.array(normal, dtype=object).reshape(-1, 1)}
        else:
            feeds = graph_feeds(normal, self.window)
        scores: np.ndarray = self.session.run([OUTPUT], feeds)[0]
        return scores

    def predict_scores(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        batches = [texts[start : start + BATCH_SIZE] for start in range(0, len(texts), BATCH_SIZE)]
        if len(batches) == 1 or self.workers == 1:
            outputs = [self._run(batch) for batch in batches]
        else:
            if self._pool is None or self._pool_pid != os.getpid():
                self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="tfidf")
                self._pool_pid = os.getpid()
            outputs = list(self._pool.map(self._run, batches))
        return np.vstack(outputs).astype(np.float32)


def load_predictor(path: Path, threads: int | None = None) -> Predictor:
    """The predictor for a model folder, whatever its backend."""
    bundle = read_bundle(Path(path))
    if bundle.backend == "tfidf":
        return OnnxTfidfPredictor(bundle, threads)
    if bundle.backend == "transformer":
        from coding_assistant.classifier.transformer_predictor import OnnxTransformerPredictor

        return OnnxTransformerPredictor(bundle, threads)
    raise ModelBundleError(f"{path}: unknown backend {bundle.backend!r}")
