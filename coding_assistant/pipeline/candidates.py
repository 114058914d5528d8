"""Candidates per CIM-10 category: classifier scores and text evidence fused into one probability.

One candidate per 3-character category: the classifier and the matcher often name the same condition at
different depths (the classifier I5002, the letter "insuffisance cardiaque" → I50), and a stay rarely
carries two codes of one category. The candidate's specific code is chosen afterwards.

The candidate's probability is set by the fusion stage (`fusion.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from coding_assistant.classifier.labels import CATEGORY, CODE, DIAGNOSIS_LEVELS, DP_CATEGORY
from coding_assistant.pipeline.evidence import QualifiedMention
from coding_assistant.rules.persistent import is_persistent

# Classifier candidates below this probability and without any mention are not listed at all...
MIN_MODEL_SCORE = 0.05
# ...unless the stay would have fewer candidates than this: a short letter ("hospitalisé en ambulatoire pour
# …") still gets a ranked list to choose from, and a DP.
MIN_CANDIDATES = 10


@dataclass
class Candidate:
    category: str
    model_score: float = 0.0  # P(a code of this category is coded), from the classifier
    model_code: str | None = None  # the classifier's most likely code of the category, if it has code labels
    model_code_score: float = 0.0
    dp_score: float = 0.0  # P(the DP is in this category)
    threshold: float = 0.5  # the classifier's threshold for the category
    mentions: list[QualifiedMention] = field(default_factory=list)
    score: float = 0.0  # fused probability
    select_threshold: float = 0.5  # what `score` must reach to be pre-ticked
    persistent: bool = False  # a chronic disease or a status: named among the antecedents, it still holds
    # `affirmed` read once per state of `mentions` (the roles and combination rules ask for it again and again).
    _affirmed: tuple[int, int, list[QualifiedMention]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def current(self) -> list[QualifiedMention]:
        """Affirmed mentions that say the patient has the condition during the stay."""
        return [m for m in self.affirmed if self.persistent or not m.past]

    @property
    def affirmed(self) -> list[QualifiedMention]:
        """The mentions neither negated, hypothetical nor about a relative (a list not to be changed)."""
        state = (id(self.mentions), len(self.mentions))
        if self._affirmed is None or self._affirmed[:2] != state:
            self._affirmed = (*state, [m for m in self.mentions if not m.excluded])
        return self._affirmed[2]

    @property
    def only_excluded(self) -> bool:
        """Mentioned, but every mention is negated, hypothetical or about a relative."""
        return bool(self.mentions) and not self.affirmed

    def mentioned_codes(self) -> list[str]:
        """Codes named by affirmed mentions: the most precise wording first, then the most frequent.

        A letter names a condition briefly and once precisely ("BPCO" three times, "exacerbation de BPCO"
        once): the longest wording that names a code says the most about which code it is.
        """
        counts: dict[str, int] = {}
        longest: dict[str, int] = {}
        for mention in self.affirmed:
            words = len(mention.text.split())
            for code in mention.codes:
                if code[:3] == self.category:
                    counts[code] = counts.get(code, 0) + 1
                    longest[code] = max(longest.get(code, 0), words)
        return sorted(counts, key=lambda c: (-longest[c], -counts[c], -len(c), c))


def build_candidates(
    scores: np.ndarray | None,
    labels: Sequence[str],
    levels: Sequence[str],
    thresholds: np.ndarray | None,
    mentions: Sequence[QualifiedMention],
) -> dict[str, Candidate]:
    """Merge the classifier's per-label scores (may be None: text only) and the mentions by category."""
    candidates: dict[str, Candidate] = {}

    def get(category: str) -> Candidate:
        candidate = candidates.get(category)
        if candidate is None:
            candidate = candidates[category] = Candidate(category, persistent=is_persistent(category))
        return candidate

    if scores is not None and thresholds is not None:
        # Python floats once (the same values as float(scores[j])): reading a numpy scalar per label, for every
        # label of the model, is most of what this costs.
        values: list[float] = scores.tolist()
        limits: list[float] = thresholds.tolist()
        for j, (label, level) in enumerate(zip(labels, levels, strict=True)):
            if level not in DIAGNOSIS_LEVELS:
                continue  # a CCAM act's head: the act proposer reads it
            score = values[j]
            category = label[:3]
            if level == DP_CATEGORY:
                if category in candidates:
                    candidates[category].dp_score = score
                continue
            # A category scored under MIN_MODEL_SCORE is one the classifier does not see in this letter, even
            # when the letter names it (the mentions are added below): the fusion reads such a named category
            # on its mentions alone. Keeping the low score instead (fusion refitted) cost dev micro-F1 0.794 →
            # 0.779 for +0.006 on the external letters (README, measured figures).
            if score < MIN_MODEL_SCORE and category not in candidates:
                continue
            candidate = get(category)
            if level == CATEGORY:
                candidate.model_score = max(candidate.model_score, score)
                candidate.threshold = limits[j]
            elif level == CODE and score > candidate.model_code_score:
                candidate.model_code, candidate.model_code_score = label, score
                candidate.model_score = max(candidate.model_score, score)
        if len(candidates) < MIN_CANDIDATES:
            _add_best_categories(candidates, scores, labels, levels, thresholds)
        # DP scores of categories that only became candidates later (through codes) are read again.
        for j, (label, level) in enumerate(zip(labels, levels, strict=True)):
            if level == DP_CATEGORY and label[:3] in candidates:
                candidates[label[:3]].dp_score = values[j]
    for mention in mentions:
        for category in dict.fromkeys(code[:3] for code in mention.codes):
            get(category).mentions.append(mention)
    return candidates


def _add_best_categories(
    candidates: dict[str, Candidate],
    scores: np.ndarray,
    labels: Sequence[str],
    levels: Sequence[str],
    thresholds: np.ndarray,
) -> None:
    """Fill the list up to MIN_CANDIDATES with the classifier's most likely categories, however unlikely."""
    values: list[float] = scores.tolist()  # the same floats as float(scores[j]), read at once
    ranked = sorted(
        (j for j, level in enumerate(levels) if level == CATEGORY and labels[j][:3] not in candidates),
        key=lambda j: -values[j],
    )
    for j in ranked[: MIN_CANDIDATES - len(candidates)]:
        category = labels[j][:3]
        candidates[category] = Candidate(
            category,
            model_score=float(scores[j]),
            threshold=float(thresholds[j]),
            persistent=is_persistent(category),
        )
