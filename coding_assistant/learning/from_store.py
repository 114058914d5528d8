"""Training data from the store: validated (and exported) stays, their letters and the coders' final codes.

Only the latest decision of a stay counts: a coder who corrects a stay replaces their earlier coding. Acts are
the coder's validated ones when the decision holds them, else those of the RUM line the stay was read from
(the PMSI software's acts), when the store kept one.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from coding_assistant.schema import CodedAct, Codes, Document, Stay
from coding_assistant.store import Store
from coding_assistant.store.models import DecisionRow, StayRow
from coding_assistant.store.stays import stored_acts

logger = logging.getLogger(__name__)

TRAINABLE_STATUSES = ("validated", "exported")
# Synthetic stays weigh as much as a site stay each (the training path has no sample weights): `--synthetic N`
# is the knob. A few hundred help a young site cover rare codes; once the site has thousands of validated stays
# they add little, and the figures that decide activation are measured on site stays only.
SYNTHETIC_WEIGHT = 1.0
SYNTHETIC_PREFIX = "SYN-"


@dataclass
class SourceSummary:
    """What one source gave the training: counts and date range, never stay ids or text."""

    stays: int = 0
    with_acts: int = 0
    discharge_from: str | None = None
    discharge_to: str | None = None
    decided_from: str | None = None
    decided_to: str | None = None
    statuses: dict[str, int] = field(default_factory=dict)

    def as_card(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if value not in (None, {})}


def stay_key(stay_id: str) -> str:
    """A short hash of a stay id: the card lists which store stays a model learned from without naming them."""
    return hashlib.sha256(stay_id.encode("utf-8")).hexdigest()[:16]


def _validated_acts(row: StayRow, decision: DecisionRow) -> list[CodedAct] | None:
    """The coder's validated act lines (code, activity, phase, date), else the RUM line's, else those the stay
    came with from a source without RUM lines (`stays.source_acts`), else unknown."""
    if decision.acts is not None:
        return [CodedAct.model_validate(act) for act in decision.acts]
    if row.source_rum:
        return _acts_of(row.source_rum)
    return stored_acts(row.stay_id, row.source_acts)  # None when unreadable: the stay still trains its diagnoses


def _acts_of(source_rum: str | None) -> list[CodedAct] | None:
    if not source_rum:
        return None
    from coding_assistant.errors import CodingAssistantError
    from coding_assistant.formats.join import act_lines
    from coding_assistant.formats.reader import parse_rum_line

    try:
        return act_lines(parse_rum_line(source_rum).acts)
    except (CodingAssistantError, ValueError):
        return None  # a RUM line this version cannot read: the stay still trains its diagnoses


def validated_stays(
    store: Store, since: date | None = None, limit: int | None = None, newest_first: bool = False
) -> tuple[list[Stay], SourceSummary]:
    """Validated and exported stays (discharged on or after `since`) with their latest decision as codes.

    `limit` with `newest_first`: the last N stays the coders validated (the registry's evaluation set)."""
    with store.sessions() as session:
        latest = (
            select(DecisionRow.stay_pk, func.max(DecisionRow.id).label("decision_id"))
            .group_by(DecisionRow.stay_pk)
            .subquery()
        )
        query = (
            select(StayRow, DecisionRow)
            .join(latest, latest.c.stay_pk == StayRow.id)
            .join(DecisionRow, DecisionRow.id == latest.c.decision_id)
            .where(StayRow.status.in_(TRAINABLE_STATUSES))
            .options(selectinload(StayRow.documents))
        )
        if since is not None:
            query = query.where(StayRow.discharge_date >= since)
        query = query.order_by(DecisionRow.decided_at.desc() if newest_first else StayRow.id, DecisionRow.id.desc())
        if limit is not None:
            query = query.limit(limit)
        rows = session.execute(query).all()
        stays = [_stay_of(row, decision) for row, decision in rows]
        summary = _summary(rows, stays)
    logger.info("store: %d validated stays read for training", len(stays))
    return stays, summary


def _stay_of(row: StayRow, decision: DecisionRow) -> Stay:
    codes = Codes(dp=decision.dp, dr=decision.dr, das=list(decision.das), acts=_validated_acts(row, decision))
    return Stay(
        stay_id=row.stay_id,
        sex=row.sex,  # type: ignore[arg-type]  # validated on the way in
        age=row.age,
        admission_date=row.admission_date,
        discharge_date=row.discharge_date,
        unit=row.unit,
        documents=[Document(doc_id=d.doc_id, type=d.type, text=d.text) for d in row.documents],
        codes=codes,
    )


def _summary(rows: Sequence[Any], stays: Sequence[Stay]) -> SourceSummary:
    summary = SourceSummary(stays=len(stays))
    summary.with_acts = sum(1 for s in stays if s.codes is not None and s.codes.acts is not None)
    discharges = sorted(s.discharge_date for s in stays if s.discharge_date)
    decided = sorted(decision.decided_at for _, decision in rows)
    if discharges:
        summary.discharge_from, summary.discharge_to = discharges[0].isoformat(), discharges[-1].isoformat()
    if decided:
        summary.decided_from = decided[0].isoformat(timespec="seconds")
        summary.decided_to = decided[-1].isoformat(timespec="seconds")
    for row, _ in rows:
        summary.statuses[row.status] = summary.statuses.get(row.status, 0) + 1
    return summary


def synthetic_stays(n: int, seed: int, taken: Iterable[str]) -> list[Stay]:
    """`n` synthetic stays whose ids collide with no site stay (a collision would merge two stays' splits)."""
    from coding_assistant.synth import generate_stays

    taken_ids = set(taken)
    out = []
    for stay in generate_stays(n, seed=seed):
        if stay.stay_id in taken_ids:
            stay = stay.model_copy(update={"stay_id": f"{SYNTHETIC_PREFIX}{seed}-{stay.stay_id}"})
        out.append(stay)
    return out


def sources_card(sources: dict[str, SourceSummary], store_stays: Sequence[Stay]) -> dict[str, Any]:
    """The card's record of what came from where, and the hashed ids of the store stays the model saw."""
    return {
        "sources": {name: summary.as_card() for name, summary in sources.items()},
        "synthetic_weight": SYNTHETIC_WEIGHT,
        # The store stays the model learned from or tuned on; its held-out test split stays unseen, so that the
        # registry can measure it on them.
        "store_stay_keys": sorted(stay_key(s.stay_id) for s in store_stays if not _held_out(s.stay_id)),
    }


def _held_out(stay_id: str) -> bool:
    from coding_assistant.classifier.train import TrainSettings, split_of

    return split_of(stay_id, TrainSettings()) == "test"


@dataclass
class TrainingData:
    """The stays to train on and the card's account of where each came from."""

    stays: list[Stay]
    sources: dict[str, SourceSummary]
    store_stays: list[Stay]

    def card_fields(self) -> dict[str, Any]:
        return sources_card(self.sources, self.store_stays)


def gather_training_data(
    file_stays: Sequence[Stay] | None,
    store: Store | None,
    since: date | None = None,
    synthetic: int = 0,
    seed: int = 42,
) -> TrainingData:
    """File stays (JSONL or RSS history), then the store's validated stays (which win on a shared id: the
    coder's latest word), then `synthetic` generated stays."""
    sources: dict[str, SourceSummary] = {}
    by_id: dict[str, Stay] = {}
    if file_stays:
        by_id.update((s.stay_id, s) for s in file_stays)
        sources["file"] = _file_summary(file_stays)
    store_stays: list[Stay] = []
    if store is not None:
        store_stays, sources["store"] = validated_stays(store, since)
        by_id.update((s.stay_id, s) for s in store_stays)
    if synthetic > 0:
        generated = synthetic_stays(synthetic, seed, by_id)
        by_id.update((s.stay_id, s) for s in generated)
        sources["synthetic"] = SourceSummary(stays=len(generated))
    return TrainingData(list(by_id.values()), sources, store_stays)


def _file_summary(stays: Sequence[Stay]) -> SourceSummary:
    summary = SourceSummary(stays=len(stays))
    summary.with_acts = sum(1 for s in stays if s.codes is not None and s.codes.acts is not None)
    discharges = sorted(s.discharge_date for s in stays if s.discharge_date)
    if discharges:
        summary.discharge_from, summary.discharge_to = discharges[0].isoformat(), discharges[-1].isoformat()
    return summary


def record_training_data(folder: Any, data: TrainingData) -> None:
    """Add the sources to the model card (after training: the card is written by the training path)."""
    import json
    from pathlib import Path

    from coding_assistant.classifier.bundle import CARD_FILE, write_text_atomic

    path = Path(folder) / CARD_FILE
    card = json.loads(path.read_text(encoding="utf-8"))
    card.setdefault("training_data", {}).update(data.card_fields())
    write_text_atomic(path, json.dumps(card, indent=2, ensure_ascii=False))
