"""Per-site selection thresholds learned from the coders' decisions, without retraining.

Each proposal the coders saw (its category, its score, whether it was pre-ticked) meets their final coding: the
category kept (accepted) or not (rejected). A category the site's coders reject at 0.6 gets a threshold above
0.6; one they add back at 0.3 gets one below. A category with fewer than `min_decisions` proposals keeps the
threshold learned over all categories: a handful of decisions is noise, not a site's habit.

Stays are split by a hash of their id: 70 % learn the thresholds, 30 % measure their effect (precision and
recall of the pre-ticked categories against the coders' final ones, before and after), never the same stays.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from coding_assistant.pipeline.fusion import SITE_THRESHOLDS_FILE
from coding_assistant.store import Store
from coding_assistant.store.models import DecisionRow, ProposalRow, ProposalRunRow, StayRow

logger = logging.getLogger(__name__)

HELD_OUT_SHARE = 0.3
MIN_DECISIONS = 5


@dataclass(frozen=True)
class Judged:
    """One proposed category of one stay and what the coder made of it."""

    stay_id: str
    category: str
    score: float
    selected: bool
    accepted: bool


@dataclass(frozen=True)
class StayDecisions:
    stay_id: str
    proposals: list[Judged]
    final: frozenset[str]  # the coder's final categories, proposed or not


def decisions_for(store: Store, model_version: str) -> list[StayDecisions]:
    """Stays whose current proposals come from `model_version` and that a coder decided after seeing them."""
    with store.sessions() as session:
        latest = (
            select(DecisionRow.stay_pk, func.max(DecisionRow.id).label("decision_id"))
            .where(DecisionRow.model_version == model_version)
            .group_by(DecisionRow.stay_pk)
            .subquery()
        )
        rows = session.execute(
            select(StayRow.stay_id, DecisionRow, ProposalRunRow.id)
            .join(latest, latest.c.stay_pk == StayRow.id)
            .join(DecisionRow, DecisionRow.id == latest.c.decision_id)
            .join(ProposalRunRow, ProposalRunRow.stay_pk == StayRow.id)
            .where(ProposalRunRow.model_version == model_version)
        ).all()
        out = []
        for stay_id, decision, run_id in rows:
            final = frozenset(c[:3] for c in [decision.dp, decision.dr, *decision.das] if c)
            proposals = session.execute(select(ProposalRow).where(ProposalRow.proposal_run_id == run_id)).scalars()
            best: dict[str, Judged] = {}
            for p in proposals:
                category = p.code[:3]
                judged = Judged(stay_id, category, float(p.score), bool(p.selected), category in final)
                # One judgement per category and stay: its best-scored proposal (what the fusion selects on).
                if category not in best or judged.score > best[category].score:
                    best[category] = judged
            out.append(StayDecisions(stay_id, list(best.values()), final))
    return out


def held_out(stay_id: str) -> bool:
    bucket = int(hashlib.sha256(("recalibration:" + stay_id).encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return bucket < HELD_OUT_SHARE


def _best_threshold(items: Sequence[Judged], positives_outside: int = 0) -> float:
    """The score cut-off with the best F1 on these judgements (ties: the higher cut-off, fewer ticks)."""
    candidates = sorted({round(j.score, 4) for j in items} | {1.01})
    positives = sum(j.accepted for j in items) + positives_outside
    best_t, best_f1 = 1.01, -1.0
    for t in candidates:
        tp = sum(1 for j in items if j.score >= t and j.accepted)
        fp = sum(1 for j in items if j.score >= t and not j.accepted)
        f1 = 2 * tp / (2 * tp + fp + (positives - tp)) if positives or fp else 0.0
        if f1 >= best_f1:
            best_t, best_f1 = t, f1
    return best_t


@dataclass
class Thresholds:
    default: float
    categories: dict[str, float]

    def of(self, category: str) -> float:
        return self.categories.get(category, self.default)


def learn(stays: Iterable[StayDecisions], min_decisions: int = MIN_DECISIONS) -> Thresholds:
    judged = [j for s in stays for j in s.proposals]
    default = _best_threshold(judged)
    by_category: dict[str, list[Judged]] = defaultdict(list)
    for j in judged:
        by_category[j.category].append(j)
    categories = {
        category: _best_threshold(items) for category, items in by_category.items() if len(items) >= min_decisions
    }
    return Thresholds(default, categories)


def figures(stays: Sequence[StayDecisions], ticked: Any) -> dict[str, float]:
    """Precision and recall of the ticked categories against the coders' final categories."""
    tp = fp = gold = 0
    for stay in stays:
        chosen = {j.category for j in stay.proposals if ticked(j)}
        tp += len(chosen & stay.final)
        fp += len(chosen - stay.final)
        gold += len(stay.final)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"stays": len(stays), "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def recalibrate(stays: Sequence[StayDecisions], min_decisions: int = MIN_DECISIONS) -> dict[str, Any]:
    """Learn on 70 % of the decided stays, measure on the other 30 %: the recalibration record."""
    learning = [s for s in stays if not held_out(s.stay_id)]
    test = [s for s in stays if held_out(s.stay_id)]
    thresholds = learn(learning, min_decisions)
    return {
        "decided_stays": len(stays),
        "learned_on": len(learning),
        "min_decisions": min_decisions,
        "default_threshold": thresholds.default,
        "category_thresholds": dict(sorted(thresholds.categories.items())),
        "held_out": {
            "before": figures(test, lambda j: j.selected),
            "after_categories": figures(test, lambda j: j.score >= thresholds.of(j.category)),
            "after_fusion_threshold": figures(test, lambda j: j.score >= thresholds.default),
        },
    }


def write_recalibration(folder: Path, record: dict[str, Any], apply_fusion: bool) -> None:
    """site_thresholds.json in the model folder (the pipeline reads its per-category thresholds at load);
    `apply_fusion`: the fusion's one threshold becomes the learned default too (the previous value stays in the
    record to undo it)."""
    from coding_assistant.classifier.bundle import write_text_atomic
    from coding_assistant.pipeline.fusion import FUSION_FILE

    folder = Path(folder)
    fusion_path, site_path = folder / FUSION_FILE, folder / SITE_THRESHOLDS_FILE
    if apply_fusion and fusion_path.is_file():
        fusion = json.loads(fusion_path.read_text(encoding="utf-8"))
        # The fitted value, kept across recalibrations: a second one must not call the first one's value "before".
        earlier = json.loads(site_path.read_text(encoding="utf-8")) if site_path.is_file() else {}
        record["fusion_threshold_before"] = earlier.get("fusion_threshold_before", fusion["threshold"])
        fusion["threshold"] = round(float(record["default_threshold"]), 4)
        write_text_atomic(fusion_path, json.dumps(fusion, indent=1))
        record["fusion_threshold_applied"] = fusion["threshold"]
    write_text_atomic(site_path, json.dumps(record, indent=1))
    logger.info("recalibration written (%d decided stays)", record["decided_stays"])
