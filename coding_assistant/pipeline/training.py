"""Fit the pipeline's fusion for a trained model, on stays its classifier never learned from, and record
the pipeline's own figures in the model card."""

from __future__ import annotations

import json
import logging
import random
import re
import zlib
from collections.abc import Sequence
from pathlib import Path

from coding_assistant.classifier.bundle import CARD_FILE
from coding_assistant.errors import CodingAssistantError
from coding_assistant.pipeline.candidates import Candidate
from coding_assistant.pipeline.fusion import (
    DP_FEATURES,
    FEATURES,
    FUSION_FILE,
    Fusion,
    fit_dp_model,
    fit_fusion,
    score_candidates,
)
from coding_assistant.pipeline.pipeline import CodingPipeline
from coding_assistant.schema import Stay

logger = logging.getLogger(__name__)

# Share of a letter's sentences the classifier reads in the second, harder pass of the fusion fit (see
# `fit_model_fusion`).
CLASSIFIER_SENTENCE_KEEP = 0.5
_SENTENCE_END = re.compile(r"(?<=[.;!?\n])\s+")


def sentence_dropout(text: str, keep: float, seed: str) -> str:
    """The text with a random share of its sentences and lines left out (the same ones for the same seed)."""
    rng = random.Random(zlib.crc32(seed.encode("utf-8")))
    pieces = _SENTENCE_END.split(text)
    kept = [piece for piece in pieces if rng.random() < keep]
    return " ".join(kept or pieces[:1])


def fusion_samples(
    pipeline: CodingPipeline, stays: Sequence[Stay], classifier_keeps: float = 1.0
) -> list[tuple[list[Candidate], set[str], str | None]]:
    """Per stay: its candidates (scored by the pipeline as it stands), gold categories, gold DP category.

    `classifier_keeps` < 1: the classifier reads only that share of each letter's sentences, the matcher
    the whole letter.
    """
    samples = []
    size = pipeline.settings.batch_size
    for start in range(0, len(stays), size):
        batch = stays[start : start + size]
        texts = [
            s.text if classifier_keeps >= 1.0 else sentence_dropout(s.text, classifier_keeps, s.stay_id) for s in batch
        ]
        scores = pipeline.predictor.predict_scores(texts) if pipeline.predictor else None
        for i, stay in enumerate(batch):
            gold = {code[:3] for code in stay.codes.all_codes()} if stay.codes else set()
            dp = stay.codes.dp[:3] if stay.codes and stay.codes.dp else None
            blind = stay.model_copy(update={"codes": None})
            candidates, _ = pipeline.candidates(blind, None if scores is None else scores[i])
            samples.append((candidates, gold, dp))
    return samples


def fit_model_fusion(
    folder: Path, validation: Sequence[Stay], test: Sequence[Stay], dev: Sequence[Stay] | None = None
) -> Fusion:
    """Fit fusion.json on `validation`, then write the pipeline's figures on `test` (and `dev`) into the card."""
    from coding_assistant.classifier.train import headline_metrics

    folder = Path(folder)
    (folder / FUSION_FILE).unlink(missing_ok=True)
    pipeline = CodingPipeline.load(folder)
    # The classifier learned the training corpus's way of writing; on letters written otherwise it misses
    # what the text plainly says, and a fusion fitted only where it is right would trust it too much (as
    # measured on letters by other hands). A second pass where the classifier reads half of each letter
    # teaches the fusion how much the matched mentions weigh when the classifier does not see them.
    per_stay = fusion_samples(pipeline, validation) + fusion_samples(pipeline, validation, CLASSIFIER_SENTENCE_KEEP)
    samples = [(candidate, candidate.category in gold) for candidates, gold, _ in per_stay for candidate in candidates]
    if len({truth for _, truth in samples}) < 2:
        raise CodingAssistantError("the validation stays give no usable candidate to fit the fusion on")
    fusion = fit_fusion(samples)
    # The DP model learns from candidates scored by the fitted fusion, as it will see them.
    score_candidates([c for candidates, _, _ in per_stay for c in candidates], fusion)
    fit_dp_model(fusion, [(candidates, dp) for candidates, _, dp in per_stay])
    fusion.save(folder)
    pipeline.fusion = fusion
    metrics = {"held_out_test": headline_metrics(test, pipeline.propose_many(_blind(test)))}
    if dev:
        metrics["dev_set"] = headline_metrics(dev, pipeline.propose_many(_blind(dev)))
    card_path = folder / CARD_FILE
    card = json.loads(card_path.read_text(encoding="utf-8"))
    card["pipeline"] = {
        "fusion": {
            "fitted_on": f"{len(validation)} validation stays, {len(samples)} candidates",
            "threshold": round(fusion.threshold, 4),
            "weights": {name: round(float(w), 4) for name, w in zip(FEATURES, fusion.weights, strict=True)},
            "bias": round(fusion.bias, 4),
            "dp_weights": None
            if fusion.dp_weights is None
            else {name: round(float(w), 4) for name, w in zip(DP_FEATURES, fusion.dp_weights, strict=True)},
        },
        "metrics": metrics,
        "metrics_note": "whole pipeline: classifier + terminology matching + fusion + specificity + PMSI rules",
    }
    from coding_assistant.formats.atomic import atomic_write_text

    atomic_write_text(card_path, json.dumps(card, indent=2, ensure_ascii=False))
    logger.info("fusion fitted on %d candidates, threshold %.2f", len(samples), fusion.threshold)
    return fusion


def _blind(stays: Sequence[Stay]) -> list[Stay]:
    return [stay.model_copy(update={"codes": None}) for stay in stays]
