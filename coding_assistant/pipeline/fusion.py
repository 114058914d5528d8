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
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from coding_assistant.pipeline.candidates import Candidate

FUSION_FILE = "fusion.json"
# Per-site selection thresholds learned from the coders' decisions (`coding-assistant models recalibrate`).
SITE_THRESHOLDS_FILE = "site_thresholds.json"
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

# Features of "this candidate is the principal diagnosis", learned like the fusion.
DP_FEATURES = (
    "fused_logit",
    "dp_head_logit",
    "model_knows_category",
    "in_conclusion",
    "first_in_conclusion",
    "in_motif",
    "first_in_motif",
    "log_affirmed_mentions",
    "past_only_mention",
    "symptom_chapter",
    "factor_chapter",
    "injury_chapter",
)

# The fixed fallback (no fusion.json): noisy-OR of the classifier and an evidence strength.
STRENGTH_CONCLUSIVE = 0.8
STRENGTH_BODY = 0.55
STRENGTH_PAST = 0.35


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


# The classifier's "no" counts down to this log-odds (5 %) and no further: on letters unlike its training
# corpus it is confidently wrong about conditions the letter names plainly, and a mention must still weigh.
MODEL_LOGIT_FLOOR = _logit(0.05)


def features(candidate: Candidate) -> np.ndarray:
    affirmed = candidate.affirmed
    current = candidate.current  # a chronic disease or status among the antecedents still holds
    conclusive = any(m.conclusive for m in affirmed)
    body = any(not m.conclusive for m in current)
    past_only = bool(affirmed) and not current
    knows = candidate.model_score > 0 or candidate.model_code is not None
    chapter = candidate.category[:1]
    return np.array(
        [
            max(_logit(candidate.model_score), MODEL_LOGIT_FLOOR) if knows else MODEL_LOGIT_FLOOR,
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


def _care_as_cause(category: str) -> bool:
    """Y40-Y84, « complications de soins médicaux et chirurgicaux »: a drug in therapeutic use or an act read as
    the external cause of what it did (CIM-10 FR, chapter XX)."""
    return category[:1] == "Y" and "Y40" <= category <= "Y84"


def first_mentioned(candidates: Sequence[Candidate], section: str) -> Candidate | None:
    """The condition named first (in document order) in a section of the given kind. A drug or an act read as the
    external cause of a complication of care (Y40-Y84) names the cause, not the problem: « admis pour une
    intervention chirurgicale en raison de cataractes » opens its motif on the cataract, « surdosage en digoxine
    … avec bradycardie jonctionnelle » its conclusion on what the digoxin did (CIM-10 FR, chapter XX: these codes
    say how a condition came about, never a reason for a stay). A fall or another accident (W00-X59) stays: it
    tells that the stay was for an injury."""
    best: tuple[int, Candidate] | None = None
    for candidate in candidates:
        if _care_as_cause(candidate.category):
            continue
        for mention in candidate.affirmed:
            if mention.section == section and (best is None or mention.rank < best[0]):
                best = (mention.rank, candidate)
    return best[1] if best else None


def dp_features(candidate: Candidate, first_conclusion: Candidate | None, first_motif: Candidate | None) -> np.ndarray:
    sections = {m.section for m in candidate.affirmed}
    knows = candidate.model_score > 0 or candidate.model_code is not None
    chapter = candidate.category[:1]
    return np.array(
        [
            _logit(candidate.score),
            # Floored like the fusion's model logit: on a letter unlike its corpus the DP head is confidently
            # wrong about a diagnosis the conclusion names first (« pancréatite aiguë » scored 0), and where the
            # letter puts it must still weigh.
            max(_logit(candidate.dp_score), MODEL_LOGIT_FLOOR) if knows else -6.0,
            float(knows),
            float("conclusion" in sections),
            float(candidate is first_conclusion),
            float("motif" in sections),
            float(candidate is first_motif),
            math.log1p(len(candidate.affirmed)),
            float(bool(candidate.affirmed) and all(m.past for m in candidate.affirmed)),
            float(chapter == "R"),
            float(chapter == "Z"),
            float(chapter in "ST"),
        ],
        dtype=np.float64,
    )


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass
class Fusion:
    weights: np.ndarray
    bias: float
    threshold: float
    dp_weights: np.ndarray | None = None
    dp_bias: float = 0.0
    # Category → the site's own selection threshold, where its coders' decisions set one.
    category_thresholds: dict[str, float] = field(default_factory=dict)

    def threshold_for(self, category: str) -> float:
        return self.category_thresholds.get(category, self.threshold)

    def probability(self, candidate: Candidate) -> float:
        return _sigmoid(float(features(candidate) @ self.weights + self.bias))

    def dp_probability(
        self, candidate: Candidate, first_conclusion: Candidate | None, first_motif: Candidate | None
    ) -> float | None:
        if self.dp_weights is None:
            return None
        return _sigmoid(float(dp_features(candidate, first_conclusion, first_motif) @ self.dp_weights + self.dp_bias))

    def save(self, folder: Path) -> None:
        payload = {
            "features": list(FEATURES),
            "weights": [round(float(w), 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4),
            "dp_features": list(DP_FEATURES),
            "dp_weights": None if self.dp_weights is None else [round(float(w), 6) for w in self.dp_weights],
            "dp_bias": round(self.dp_bias, 6),
        }
        from coding_assistant.formats.atomic import atomic_write_text

        atomic_write_text(Path(folder) / FUSION_FILE, json.dumps(payload, indent=1))

    @classmethod
    def load(cls, folder: Path) -> Fusion | None:
        """The fitted fusion of a model folder; None when the folder has no fusion.json (the caller warns).

        A fusion.json that does not fit this version's features is refused (ModelBundleError) rather than
        skipped: the fixed fallback selects other codes (13 instead of 7 on one stay), and a night coded that
        way without a word is worse than a run that stops and says to retrain the model.
        """
        from coding_assistant.classifier.bundle import ModelBundleError

        path = Path(folder) / FUSION_FILE
        if not path.is_file():
            return None
        retrain = "retrain the model (coding-assistant train) or remove the file to use the fixed fallback"
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ModelBundleError(f"{path}: cannot be read ({type(exc).__name__}); {retrain}") from None
        if not isinstance(payload, dict):
            raise ModelBundleError(f"{path}: not a fusion model (a JSON object is expected); {retrain}")
        if payload.get("features") != list(FEATURES):
            raise ModelBundleError(f"{path}: fitted for another feature set than this version's; {retrain}")
        has_dp = payload.get("dp_weights") is not None
        if has_dp and payload.get("dp_features") != list(DP_FEATURES):
            raise ModelBundleError(f"{path}: its DP model was fitted for other features than this version's; {retrain}")
        try:
            weights = np.array(payload["weights"], dtype=np.float64)
            dp_weights = np.array(payload["dp_weights"], dtype=np.float64) if has_dp else None
            fusion = cls(
                weights,
                float(payload["bias"]),
                float(payload["threshold"]),
                dp_weights,
                float(payload.get("dp_bias", 0.0)),
            )
        except (KeyError, TypeError, ValueError):
            raise ModelBundleError(f"{path}: incomplete or malformed weights; {retrain}") from None
        if weights.shape != (len(FEATURES),) or (dp_weights is not None and dp_weights.shape != (len(DP_FEATURES),)):
            raise ModelBundleError(f"{path}: one weight per feature is expected; {retrain}")
        fusion.category_thresholds = _site_thresholds(Path(folder) / SITE_THRESHOLDS_FILE)
        return fusion


def noisy_or(candidate: Candidate) -> float:
    affirmed = candidate.affirmed
    if not affirmed:
        strength = 0.0
    elif any(m.conclusive for m in affirmed):
        strength = STRENGTH_CONCLUSIVE
    elif candidate.current:
        strength = STRENGTH_BODY
    else:
        strength = STRENGTH_PAST
    return 1.0 - (1.0 - candidate.model_score) * (1.0 - strength)


def fit_dp_model(fusion: Fusion, stays: Sequence[tuple[Sequence[Candidate], str | None]]) -> None:
    """Fit the DP head of the fusion on (scored candidates of a stay, gold DP category) pairs."""
    from sklearn.linear_model import LogisticRegression

    rows, truths = [], []
    for candidates, dp_category in stays:
        if not dp_category:
            continue
        first_conclusion = first_mentioned(candidates, "conclusion")
        first_motif = first_mentioned(candidates, "motif")
        for candidate in candidates:
            if candidate.only_excluded:
                continue
            rows.append(dp_features(candidate, first_conclusion, first_motif))
            truths.append(int(candidate.category == dp_category))
    if len(set(truths)) < 2:
        return
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(np.stack(rows), np.array(truths))
    fusion.dp_weights = model.coef_.ravel().astype(np.float64)
    fusion.dp_bias = float(model.intercept_[0])


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


def _site_thresholds(path: Path) -> dict[str, float]:
    """The recalibrated thresholds of a model folder ({} without the file); a bad file is refused."""
    from coding_assistant.classifier.bundle import ModelBundleError

    if not path.is_file():
        return {}
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        thresholds = payload.get("category_thresholds", {}) if isinstance(payload, dict) else None
        if not isinstance(thresholds, dict):
            raise ValueError("category_thresholds is not an object")
        return {str(category): float(value) for category, value in thresholds.items()}
    except (OSError, UnicodeDecodeError, ValueError, TypeError) as exc:
        raise ModelBundleError(
            f"{path}: cannot be read ({type(exc).__name__}); run `coding-assistant models recalibrate` again"
        ) from None


def score_candidates(candidates: Sequence[Candidate], fusion: Fusion | None) -> None:
    """Set each candidate's fused probability and the threshold it must reach to be selected."""
    for candidate in candidates:
        if fusion is not None:
            candidate.score = fusion.probability(candidate)
            candidate.select_threshold = fusion.threshold_for(candidate.category)
        else:
            candidate.score = noisy_or(candidate)
            supported = bool(candidate.affirmed) or candidate.model_score >= candidate.threshold
            candidate.select_threshold = candidate.threshold if supported else 1.01
