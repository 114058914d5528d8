"""Prediction with onnxruntime and numpy only (no scikit-learn, no torch at prediction time)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from coding_assistant.classifier.bundle import ModelBundle, ModelBundleError, read_bundle
from coding_assistant.text.normalize import normalise_text

# Documents per onnxruntime call: bounds the memory of the (batch, labels, kept weights) gather.
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
    """A CPU onnxruntime session for a bundle's graph; a file it cannot load is a ModelBundleError."""
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


def prepare_text(text: str) -> str:
    """The text the TF-IDF graph reads: lower case, no accents, punctuation as spaces.

    Done in Python because accent stripping is not expressible in ONNX's string operators."""
    return normalise_text(text)


class OnnxTfidfPredictor:
    """TF-IDF + sparse linear + sigmoid, the whole text → scores path in one ONNX graph."""

    def __init__(self, bundle: ModelBundle, threads: int | None = None) -> None:
        self.bundle = bundle
        self.session = onnx_session(bundle.model_file, threads)
        self.input_name = self.session.get_inputs()[0].name

    @property
    def labels(self) -> list[str]:
        return self.bundle.labels

    def predict_scores(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        prepared = [prepare_text(text) for text in texts]
        outputs = []
        for start in range(0, len(prepared), BATCH_SIZE):
            batch = np.array(prepared[start : start + BATCH_SIZE], dtype=object).reshape(-1, 1)
            outputs.append(self.session.run(None, {self.input_name: batch})[0])
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
