"""Fusion of classifier and text evidence into one calibrated probability per candidate.

A logistic regression over a few explainable features of each candidate (classifier probability, where
the affirmed mentions sit, whether every mention is negated, the chapter). It is fitted when a model is
trained, on the validation split of the training corpus (stays the classifier never learned from), and
stored in the model folder as `fusion.json`; its decision threshold is tuned there too. Without it (a
model folder from before, or no classifier at all) a fixed noisy-OR stands in.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coding_assistant.pipeline.candidates import Candidate

FUSION_FILE = "fusion.json"
FEATURES = (
    "model_logit",
    "model_above_threshold",
    "model_knows_category",
    "conclusive_mention",
    "body_mention",
    "past_only_mention",
    "log_affirmed_mentions",
    "only_excluded_mentions",
    "also_excluded_mentions",
    "lexicon_mention",
    "symptom_chapter",
    "factor_chapter",
    "external_cause",
    "dp_head",
)

# The fixed fallback (no fusion.json): noisy-OR of the classifier and an evidence strength.
STRENGTH_CONCLUSIVE = 0.8
STRENGTH_BODY = 0.55
STRENGTH_PAST = 0.35


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def features(candidate: Candidate) -> np.ndarray:
    affirmed = candidate.affirmed
    conclusive = any(m.conclusive for m in affirmed)
    body = any(not m.conclusive and not m.past for m in affirmed)
    past_only = bool(affirmed) and all(m.past for m in affirmed)
    knows = candidate.model_score > 0 or candidate.model_code is not None
    chapter = candidate.category[:1]
    return np.array(
        [
            _logit(candidate.model_score) if knows else -6.0,
            float(knows and candidate.model_score >= candidate.threshold),
            float(knows),
            float(conclusive),
            float(body),
            float(past_only),
            math.log1p(len(affirmed)),
            float(candidate.only_excluded),
            float(bool(affirmed) and len(affirmed) < len(candidate.mentions)),
            float(any(m.source == "lexicon" for m in affirmed)),
            float(chapter == "R"),
            float(chapter == "Z"),
            float(chapter in "VWXY"),
            candidate.dp_score,
        ],
        dtype=np.float64,
    )


@dataclass
class Fusion:
    weights: np.ndarray
    bias: float
    threshold: float

    def probability(self, candidate: Candidate) -> float:
        z = float(features(candidate) @ self.weights + self.bias)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def save(self, folder: Path) -> None:
        payload = {
            "features": list(FEATURES),
            "weights": [round(float(w), 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4),
        }
        (Path(folder) / FUSION_FILE).write_text(json.dumps(payload, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Fusion | None:
        path = Path(folder) / FUSION_FILE
        if not path.is_file():
            return None
        payload = json.loads(path.read_text(encoding="utf-8"))
        if payload.get("features") != list(FEATURES):
            return None  # fitted for another feature set: use the fallback rather than misread weights
        return cls(np.array(payload["weights"], dtype=np.float64), float(payload["bias"]), float(payload["threshold"]))


def noisy_or(candidate: Candidate) -> float:
    affirmed = candidate.affirmed
    if not affirmed:
        strength = 0.0
    elif any(m.conclusive for m in affirmed):
        strength = STRENGTH_CONCLUSIVE
    elif any(not m.past for m in affirmed):
        strength = STRENGTH_BODY
    else:
        strength = STRENGTH_PAST
    return 1.0 - (1.0 - candidate.model_score) * (1.0 - strength)


def fit_fusion(samples: Sequence[tuple[Candidate, bool]]) -> Fusion:
    """Fit the fusion on (candidate, is its category in the gold coding) pairs; threshold for micro-F1."""
    from sklearn.linear_model import LogisticRegression

    x = np.stack([features(c) for c, _ in samples])
    y = np.array([int(truth) for _, truth in samples])
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(x, y)
    fusion = Fusion(model.coef_.ravel().astype(np.float64), float(model.intercept_[0]), 0.5)
    probabilities = np.array([fusion.probability(c) for c, _ in samples])
    eligible = np.array([not c.only_excluded for c, _ in samples])
    best_f1, best_t = -1.0, 0.5
    positives = y.sum()
    for t in np.linspace(0.2, 0.8, 61):
        chosen = (probabilities >= t) & eligible
        tp = int((chosen & (y == 1)).sum())
        f1 = 2 * tp / max(1, chosen.sum() + positives)
        if f1 > best_f1:
            best_f1, best_t = f1, float(t)
    fusion.threshold = best_t
    return fusion


def score_candidates(candidates: Sequence[Candidate], fusion: Fusion | None) -> None:
    """Set each candidate's fused probability and the threshold it must reach to be selected."""
    for candidate in candidates:
        if fusion is not None:
            candidate.score = fusion.probability(candidate)
            candidate.select_threshold = fusion.threshold
        else:
            candidate.score = noisy_or(candidate)
            supported = bool(candidate.affirmed) or candidate.model_score >= candidate.threshold
            candidate.select_threshold = candidate.threshold if supported else 1.01
