"""Train a model folder end to end: the classifier (TF-IDF or transformer backend), then the pipeline's fusion
fitted on stays the classifier never learned from, its figures written into the model card."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coding_assistant.errors import CodingAssistantError
from coding_assistant.schema import Stay

if TYPE_CHECKING:  # the training stack (scikit-learn, ONNX…) loads only when a model is trained
    from coding_assistant.classifier.bundle import ModelBundle


class Backend(StrEnum):
    tfidf = "tfidf"
    transformer = "transformer"


@dataclass(frozen=True)
class GpuOptions:
    """The transformer backend's device options (the TF-IDF backend ignores them)."""

    device: str = "auto"
    accumulation: int = 1
    checkpoints: str | None = None
    epochs: int | None = None


@dataclass(frozen=True)
class TrainedModel:
    """What a training wrote: the bundle and its card (held-out figures of the classifier and the pipeline)."""

    bundle: ModelBundle
    card: dict[str, Any]


def train_model(
    stays: Sequence[Stay],
    output: Path,
    backend: Backend = Backend.tfidf,
    *,
    base_model: Path | None = None,
    min_count: int = 5,
    dev_stays: Sequence[Stay] | None = None,
    name: str | None = None,
    jobs: int = 2,
    gpu: GpuOptions | None = None,
) -> TrainedModel:
    """Train, calibrate and threshold the classifier on `stays`, export it to `output`, then fit the fusion on
    its validation split and record the pipeline's figures on its test split (and on `dev_stays`)."""
    from coding_assistant.classifier.bundle import read_bundle
    from coding_assistant.classifier.train import TrainSettings, split_of
    from coding_assistant.pipeline.training import fit_model_fusion

    model_name = name or output.name
    if backend is Backend.tfidf:
        from coding_assistant.classifier.train import train_tfidf

        bundle = train_tfidf(stays, output, model_name, TrainSettings(min_count=min_count, n_jobs=jobs), dev_stays)
    else:
        bundle = _train_transformer(stays, output, model_name, base_model, min_count, dev_stays, gpu or GpuOptions())
    split = TrainSettings()
    validation = [s for s in stays if split_of(s.stay_id, split) == "validation" and s.codes and s.documents]
    test = [s for s in stays if split_of(s.stay_id, split) == "test" and s.codes and s.documents]
    fit_model_fusion(output, validation, test, dev_stays)
    return TrainedModel(bundle, read_bundle(output).card)


def _train_transformer(
    stays: Sequence[Stay],
    output: Path,
    model_name: str,
    base_model: Path | None,
    min_count: int,
    dev_stays: Sequence[Stay] | None,
    gpu: GpuOptions,
) -> ModelBundle:
    if base_model is None:
        raise CodingAssistantError("--backend transformer needs --base-model PATH (a local encoder folder)")
    try:
        from coding_assistant.classifier.transformer_train import TransformerSettings, train_transformer
    except ImportError as exc:
        raise CodingAssistantError(
            f"the transformer backend needs the 'transformer' extra (pip install '.[transformer]'): {exc}"
        ) from exc
    settings = TransformerSettings(
        min_count=min_count,
        device=gpu.device,
        accumulation=gpu.accumulation,
        checkpoint_dir=gpu.checkpoints,
    )
    if gpu.epochs is not None:
        settings.epochs = gpu.epochs
    return train_transformer(stays, output, model_name, base_model, settings, dev_stays)
