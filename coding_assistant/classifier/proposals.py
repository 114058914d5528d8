"""Classifier scores → "model only" proposals: what the classifier alone would pre-tick for a stay.

The proposal pipeline combines these scores with text evidence and PMSI rules; this plain conversion
serves to measure the classifier on its own (model cards, benchmarks).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from coding_assistant.classifier.labels import CODE, DP_CATEGORY
from coding_assistant.schema import ModelInfo, Proposal, Stay, StayProposals

MAX_PROPOSALS = 30


def model_only_proposals(
    stay_ids: Sequence[str],
    scores: np.ndarray,
    labels: Sequence[str],
    levels: Sequence[str],
    thresholds: np.ndarray,
    model: ModelInfo,
) -> list[StayProposals]:
    """Code labels ranked by score; those above their threshold are selected. The DP is the selected code
    with the best P(code) × P(its category holds the DP); the others are DAS."""
    code_columns = np.array([j for j, level in enumerate(levels) if level == CODE], dtype=np.int64)
    dp_column = {label: j for j, (label, level) in enumerate(zip(labels, levels, strict=True)) if level == DP_CATEGORY}
    out: list[StayProposals] = []
    for i, stay_id in enumerate(stay_ids):
        row = scores[i, code_columns]
        order = np.argsort(-row, kind="stable")[:MAX_PROPOSALS]
        selected = [int(j) for j in order if row[j] >= thresholds[code_columns[j]]]

        def dp_strength(j: int, row: np.ndarray = row, i: int = i) -> float:
            category_column = dp_column.get(labels[int(code_columns[j])][:3])
            return float(row[j]) * (float(scores[i, category_column]) if category_column is not None else 0.0)

        dp = max(selected, key=dp_strength) if selected else None
        proposals = [
            Proposal(
                code=labels[int(code_columns[j])],
                score=min(1.0, max(0.0, float(row[j]))),
                role=("DP" if j == dp else "DAS") if j in selected else None,
                selected=j in selected,
            )
            for j in order
        ]
        out.append(StayProposals(stay_id=stay_id, model=model, proposals=proposals))
    return out


def model_only_predict_fn(model: Path) -> Callable[[Sequence[Stay]], list[StayProposals]]:
    """The classifier of a model folder alone, as a function of stays (`evaluate --classifier-only`): codes
    above their threshold, the DP by the DP-category head."""
    from coding_assistant.classifier.predictor import load_predictor

    predictor = load_predictor(model)
    bundle = predictor.bundle
    info = ModelInfo(name=bundle.name, version=bundle.version)

    def predict(stays: Sequence[Stay]) -> list[StayProposals]:
        scores = predictor.predict_scores([stay.text for stay in stays])
        return model_only_proposals(
            [s.stay_id for s in stays], scores, bundle.labels, bundle.levels, bundle.thresholds, info
        )

    return predict
