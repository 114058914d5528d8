"""A fine-tuned transformer → a model bundle: the ONNX graph of encoder + head, tokenizer.json,
calibration.json and the card with held-out figures.

The graph maps (input_ids, attention_mask) → chunk logits.

Written with torch's TorchScript exporter (`dynamo=False`): optimum's exporter fails with transformers 5,
and the dynamo exporter needs onnxscript, which the project does not otherwise depend on. Pooling over a
letter's chunks and Platt scaling stay outside the graph (see transformer_predictor), so the graph has one
job and one shape contract.
"""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np
import onnx
import torch

from coding_assistant.classifier.bundle import ModelBundle, write_bundle, write_text_atomic
from coding_assistant.classifier.train import classifier_card, library_versions
from coding_assistant.classifier.transformer_predictor import (
    CALIBRATION_FILE,
    TOKENIZER_FILE,
    calibration_document,
)
from coding_assistant.classifier.transformer_text import pad_chunks
from coding_assistant.classifier.transformer_train import FittedTransformer, torch_threads
from coding_assistant.schema import Stay

INPUTS = ("input_ids", "attention_mask")
OUTPUT = "chunk_logits"
OPSET = 17
# Largest |torch − onnxruntime| accepted on the export check; float32 kernels differ by ~1e-6 in practice.
EXPORT_TOLERANCE = 1e-4


class ExportError(RuntimeError):
    """The exported graph does not reproduce the torch model."""


def export_chunk_classifier(
    model: torch.nn.Module, input_ids: np.ndarray, attention_mask: np.ndarray, opset: int = OPSET
) -> bytes:
    """Serialized ONNX of `model(input_ids, attention_mask) -> (chunks, labels)`, with chunks and tokens
    dynamic. The example should hold padding: the graph is traced, and a mask without zeros could let a
    library take a no-padding shortcut that the trace would then keep."""
    # The exporter restores the module's training flag afterwards: a model left in training mode would keep
    # dropout on for the caller, so it is put in eval mode here and stays there.
    model.eval()
    example = (torch.from_numpy(input_ids), torch.from_numpy(attention_mask))
    buffer = io.BytesIO()
    dynamic = {name: {0: "chunks", 1: "tokens"} for name in INPUTS}
    with warnings.catch_warnings(), torch.no_grad():
        # The TorchScript exporter is deprecated upstream and says so on every call; tracer warnings about
        # Python conditionals are expected for a shape-generic encoder.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            example,
            buffer,  # type: ignore[arg-type]  # the TorchScript exporter (dynamo=False) writes to file objects
            dynamo=False,
            input_names=list(INPUTS),
            output_names=[OUTPUT],
            dynamic_axes={**dynamic, OUTPUT: {0: "chunks"}},
            opset_version=opset,
            do_constant_folding=True,
        )
    model.eval()
    model_bytes = buffer.getvalue()
    onnx.checker.check_model(onnx.load_from_string(model_bytes))
    return model_bytes


def check_export(
    model_bytes: bytes, model: torch.nn.Module, input_ids: np.ndarray, attention_mask: np.ndarray
) -> float:
    """The largest difference between torch and onnxruntime on the given chunks; raises beyond tolerance."""
    import onnxruntime as ort

    session = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    onnx_logits = session.run([OUTPUT], {INPUTS[0]: input_ids, INPUTS[1]: attention_mask})[0]
    model.eval()
    with torch.no_grad():
        torch_logits = model(torch.from_numpy(input_ids), torch.from_numpy(attention_mask)).numpy()
    gap = float(np.max(np.abs(onnx_logits - torch_logits))) if torch_logits.size else 0.0
    if not gap <= EXPORT_TOLERANCE:
        raise ExportError(f"ONNX export differs from torch by {gap:.2e} (tolerance {EXPORT_TOLERANCE:.0e})")
    return gap


def _export_sample(fitted: FittedTransformer) -> tuple[np.ndarray, np.ndarray]:
    """Validation chunks plus a shortened copy of the first, so the traced example holds padding."""
    sample = [chunk for chunks in fitted.chunks([s.text for s in fitted.parts["validation"][:4]]) for chunk in chunks]
    first = sample[0]
    cut = max(len(fitted.chunking.prefix) + 1, (len(first) - len(fitted.chunking.suffix)) // 2)
    sample = [*sample[:8], [*first[:cut], *fitted.chunking.suffix]]
    return pad_chunks(sample, fitted.chunking.pad_id)


def export_transformer(
    fitted: FittedTransformer, output: Path, name: str, dev_stays: Sequence[Stay] | None = None
) -> ModelBundle:
    """Export encoder + head to ONNX (checked against torch), write tokenizer.json, calibration.json and the
    bundle with held-out (and dev set) figures in the card. The card is written last."""
    labels, thresholds, parts, settings = fitted.labels, fitted.thresholds, fitted.parts, fitted.settings
    input_ids, attention_mask = _export_sample(fitted)
    with torch_threads(settings.threads):
        model_bytes = export_chunk_classifier(fitted.model, input_ids, attention_mask, settings.opset)
        export_gap = check_export(model_bytes, fitted.model, input_ids, attention_mask)

    def scores(texts: list[str]) -> np.ndarray:
        with torch_threads(settings.threads):
            return fitted.scores(texts)

    card = classifier_card(
        name=name,
        backend="transformer",
        model_bytes=model_bytes,
        parts=parts,
        labels=labels,
        thresholds=thresholds,
        scores=scores,
        dev_stays=dev_stays,
    )
    card |= {
        "settings": asdict(settings),
        "libraries": library_versions(("torch", "transformers", "tokenizers", "onnx", "onnxruntime", "numpy")),
        "training_seconds": round(fitted.seconds, 1),
        "training_loss": [round(loss, 5) for loss in fitted.epoch_losses],
        "base_model": fitted.base_model,
        "chunking": fitted.chunking.to_card(),
        "calibration": f"Platt per label on pooled letter logits, applied by the predictor ({CALIBRATION_FILE})",
        "tokenizer": TOKENIZER_FILE,
        "onnx_export_max_gap": export_gap,
    }
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    write_text_atomic(output / TOKENIZER_FILE, fitted.tokenizer.to_str())
    calibration = calibration_document(labels.labels, labels.levels, fitted.platt_a, fitted.platt_b)
    write_text_atomic(output / CALIBRATION_FILE, json.dumps(calibration))
    return write_bundle(output, model_bytes, labels.labels, labels.levels, thresholds, card)
