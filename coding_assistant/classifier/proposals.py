"""Classifier scores → "model only" proposals: what the classifier alone would pre-tick for a stay.

The proposal pipeline combines these scores with text evidence and PMSI rules; this plain conversion
serves to measure the classifier on its own (model cards, benchmarks).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from coding_assistant.classifier.labels import CODE
from coding_assistant.schema import ModelInfo, Proposal, StayProposals

MAX_PROPOSALS = 30


def model_only_proposals(
    stay_ids: Sequence[str],
    scores: np.ndarray,
    labels: Sequence[str],
    levels: Sequence[str],
    thresholds: np.ndarray,
    model: ModelInfo,
) -> list[StayProposals]:
    """Code labels ranked by score; those above their threshold are selected, the best one as DP."""
    code_columns = np.array([j for j, level in enumerate(levels) if level == CODE], dtype=np.int64)
    out: list[StayProposals] = []
    for i, stay_id in enumerate(stay_ids):
        row = scores[i, code_columns]
        order = np.argsort(-row, kind="stable")[:MAX_PROPOSALS]
        proposals: list[Proposal] = []
        has_dp = False
        for j in order:
            column = int(code_columns[j])
            score = float(row[j])
            selected = score >= float(thresholds[column])
            role = None
            if selected:
                role = "DAS" if has_dp else "DP"
                has_dp = True
            proposals.append(
                Proposal(code=labels[column], score=min(1.0, max(0.0, score)), role=role, selected=selected)
            )
        out.append(StayProposals(stay_id=stay_id, model=model, proposals=proposals))
    return out
