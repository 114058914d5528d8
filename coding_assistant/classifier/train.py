"""`coding-assistant train --backend tfidf`: from coded stays to a model bundle, with held-out figures."""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from coding_assistant.classifier.bundle import ModelBundle, write_bundle
from coding_assistant.classifier.features import FeatureSettings, TextFeatures, fit_text_features
from coding_assistant.classifier.labels import ACT, CATEGORY, CODE, DP_CATEGORY, LabelSet, choose_labels
from coding_assistant.classifier.linear import (
    FitSettings,
    SparseLinear,
    calibrate,
    fit_platt,
    fit_sparse_linear,
    tune_thresholds,
)
from coding_assistant.classifier.proposals import model_only_proposals
from coding_assistant.classifier.tfidf_inputs import normal_form
from coding_assistant.errors import CodingAssistantError
from coding_assistant.schema import ModelInfo, Stay

logger = logging.getLogger(__name__)


@dataclass
class TrainSettings:
    min_count: int = 5  # a code or category needs this many training stays to become a label
    # The linear layer's fit, see linear.FitSettings for what each setting does and the figures behind it.
    c: float = 16.0  # inverse L2 regularisation of each logistic regression
    kept_weights: int = 400  # weights kept per label after pruning
    candidate_features: int = 500  # features each label's regression may use
    max_stays_per_label: int = 12_000  # stays each label's regression reads at most (negatives sampled)
    tolerance: float = 1e-2  # liblinear's stopping tolerance
    validation_share: float = 0.15  # calibration and thresholds
    test_share: float = 0.15  # held-out figures in the card
    n_jobs: int = 2
    features: FeatureSettings = field(default_factory=FeatureSettings)

    def fit_settings(self) -> FitSettings:
        return FitSettings(
            c=self.c,
            kept=self.kept_weights,
            candidates=self.candidate_features,
            max_stays=self.max_stays_per_label,
            tolerance=self.tolerance,
            threads=self.n_jobs,
        )


def split_of(stay_id: str, settings: TrainSettings) -> str:
    """A stable split from the stay id (not its position), so adding stays never reshuffles the others."""
    bucket = int(hashlib.sha256(stay_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    if bucket < settings.test_share:
        return "test"
    if bucket < settings.test_share + settings.validation_share:
        return "validation"
    return "train"


def library_versions(packages: Sequence[str]) -> dict[str, str]:
    versions = {}
    for package in packages:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "absent"
    return versions


def headline_metrics(gold: Sequence[Stay], predictions: Sequence[Any]) -> dict[str, float]:
    from coding_assistant.evaluation import evaluate

    result = evaluate(gold, predictions)
    return {
        "stays": len(gold),
        "dp_accuracy_exact": result.dp_accuracy["exact"],
        "dp_accuracy_3char": result.dp_accuracy["3char"],
        "micro_f1_exact": result.selected["exact"].micro.f1,
        "micro_f1_3char": result.selected["3char"].micro.f1,
        "recall_at_10_exact": result.ranking["exact"].recall_at[10],
        "recall_at_10_3char": result.ranking["3char"].recall_at[10],
        "ece": result.calibration.ece,
    }


@dataclass
class FittedTfidf:
    """The fitted scikit-learn side of a TF-IDF model: the reference the ONNX graph must reproduce."""

    features: TextFeatures
    linear: SparseLinear
    labels: LabelSet
    thresholds: np.ndarray
    parts: dict[str, list[Stay]]
    seconds: float
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities computed with scikit-learn and scipy (texts as written)."""
        return self.linear.scores(self.features.transform([normal_form(t) for t in texts]))


def fit_tfidf(stays: Sequence[Stay], settings: TrainSettings | None = None) -> FittedTfidf:
    """Split, choose labels, fit features and the pruned linear layer, calibrate, tune thresholds."""
    settings = settings or TrainSettings()
    started = time.perf_counter()
    usable = [s for s in stays if s.codes is not None and s.codes.dp and s.documents]
    if len(usable) < 20:
        raise CodingAssistantError(f"training needs at least 20 coded stays with documents, got {len(usable)}")
    parts: dict[str, list[Stay]] = {"train": [], "validation": [], "test": []}
    for stay in usable:
        parts[split_of(stay.stay_id, settings)].append(stay)
    if not parts["validation"] or not parts["test"]:
        raise CodingAssistantError("too few stays to hold out validation and test splits")
    labels = choose_labels(parts["train"], settings.min_count)
    if len(labels) == 0:
        raise CodingAssistantError(f"no code appears in {settings.min_count} training stays: lower --min-count")
    logger.info(
        "training on %d stays (%d validation, %d test), %d labels",
        len(parts["train"]),
        len(parts["validation"]),
        len(parts["test"]),
        len(labels),
    )
    stages: dict[str, float] = {}
    clock = time.perf_counter()
    texts = {part: [normal_form(s.text) for s in parts[part]] for part in ("train", "validation")}
    features, x_train = fit_text_features(texts["train"], settings.features)
    x_validation = features.transform(texts["validation"])
    y_train, y_validation = labels.targets(parts["train"]), labels.targets(parts["validation"])
    stages["features"], clock = time.perf_counter() - clock, time.perf_counter()
    logger.info("features: %d × %d in %.1f s", x_train.shape[0], x_train.shape[1], stages["features"])

    linear = fit_sparse_linear(x_train, y_train, settings.fit_settings())
    stages["linear"], clock = time.perf_counter() - clock, time.perf_counter()
    logger.info("linear layer: %d labels in %.1f s", y_train.shape[1], stages["linear"])
    a, b = fit_platt(linear.decision(x_validation), y_validation)
    linear = calibrate(linear, a, b)
    thresholds = tune_thresholds(linear.scores(x_validation), y_validation)
    stages["calibration"] = time.perf_counter() - clock
    logger.info("fitted in %s", ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in stages.items()))
    return FittedTfidf(features, linear, labels, thresholds, parts, time.perf_counter() - started, stages)


def classifier_card(
    name: str,
    backend: str,
    model_bytes: bytes,
    parts: dict[str, list[Stay]],
    labels: LabelSet,
    thresholds: np.ndarray,
    scores: Callable[[list[str]], np.ndarray],
    dev_stays: Sequence[Stay] | None,
) -> dict[str, Any]:
    """The card fields every backend shares: identity, training data summary, and the classifier's figures
    on the held-out split (and the dev set) as "model only" proposals."""
    from coding_assistant.terminology.loader import terminology_version

    created = datetime.now(UTC)
    model_version = f"{created:%Y%m%d%H%M%S}-{hashlib.sha256(model_bytes).hexdigest()[:8]}"
    info = ModelInfo(name=name, version=model_version)

    def figures(items: Sequence[Stay]) -> dict[str, float]:
        predictions = model_only_proposals(
            [s.stay_id for s in items], scores([s.text for s in items]), labels.labels, labels.levels, thresholds, info
        )
        return headline_metrics(items, predictions)

    metrics = {"held_out_test": figures(parts["test"])}
    if dev_stays:
        metrics["dev_set"] = figures(dev_stays)
    codes_seen = Counter(code for s in parts["train"] for code in s.codes.all_codes())  # type: ignore[union-attr]
    return {
        "name": name,
        "version": model_version,
        "backend": backend,
        "created": created.isoformat(timespec="seconds"),
        "training_data": {
            "stays": sum(len(items) for items in parts.values()),
            "train": len(parts["train"]),
            "validation": len(parts["validation"]),
            "test": len(parts["test"]),
            "distinct_codes_in_train": len(codes_seen),
            "labels": len(labels),
            "code_labels": labels.levels.count(CODE),
            "category_labels": labels.levels.count(CATEGORY),
            "dp_category_labels": labels.levels.count(DP_CATEGORY),
            # CCAM acts, learnt when every training stay has its acts coded (labels.learns_acts).
            "act_labels": labels.levels.count(ACT),
        },
        "metrics": metrics,
        "metrics_note": "classifier alone (model-only proposals: codes above their threshold, DP by the DP head)",
        "terminology": terminology_version(),
    }


def train_tfidf(
    stays: Sequence[Stay],
    output: Path,
    name: str,
    settings: TrainSettings | None = None,
    dev_stays: Sequence[Stay] | None = None,
) -> ModelBundle:
    """Train, calibrate, tune thresholds, export to ONNX and write the bundle with its card."""
    settings = settings or TrainSettings()
    return export_tfidf(fit_tfidf(stays, settings), output, name, settings, dev_stays)


def export_tfidf(
    fitted: FittedTfidf,
    output: Path,
    name: str,
    settings: TrainSettings,
    dev_stays: Sequence[Stay] | None = None,
) -> ModelBundle:
    """Export a fitted model to ONNX and write its bundle, with held-out (and dev set) figures in the card."""
    labels, thresholds, parts = fitted.labels, fitted.thresholds, fitted.parts

    from coding_assistant.classifier.export import build_model

    model = build_model(fitted.features, fitted.linear)
    model_bytes = model.SerializeToString()
    card = classifier_card(
        name=name,
        backend="tfidf",
        model_bytes=model_bytes,
        parts=parts,
        labels=labels,
        thresholds=thresholds,
        scores=fitted.scores,
        dev_stays=dev_stays,
    )
    card.update(
        settings=asdict(settings),
        libraries=library_versions(("scikit-learn", "onnx", "onnxruntime", "numpy", "scipy")),
        training_seconds=round(fitted.seconds, 1),
        training_stage_seconds={stage: round(seconds, 1) for stage, seconds in fitted.stage_seconds.items()},
        n_features=fitted.linear.n_features,
        inputs=fitted.features.window.as_card(),
    )
    return write_bundle(Path(output), model_bytes, labels.labels, labels.levels, thresholds, card)
