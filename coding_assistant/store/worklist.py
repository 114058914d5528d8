"""The coders' worklist: light rows, filtered and sorted in SQL so that it stays fast on a year of stays."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session

from coding_assistant.store.models import ProposalRunRow, StayRow
from coding_assistant.store.views import WorklistRow

WorklistSort = Literal["dp_score", "oldest"]


@dataclass(frozen=True, slots=True)
class WorklistFilter:
    """Which stays to list. The date range applies to the discharge date: PMSI stays are coded and sent by
    discharge month, so that is the period a DIM team works through."""

    status: str | Collection[str] | None = None
    unit: str | None = None
    discharged_from: date | None = None
    discharged_to: date | None = None
    search: str | None = None  # part of a stay id, any case


def worklist(
    session: Session,
    filters: WorklistFilter | None = None,
    sort: WorklistSort = "dp_score",
    limit: int = 200,
    offset: int = 0,
) -> list[WorklistRow]:
    """Stays to review. `dp_score`: least confident DP first; `oldest`: earliest admission first."""
    query = _filtered(
        select(StayRow, ProposalRunRow.dp_code, ProposalRunRow.dp_score, ProposalRunRow.id.label("run_pk")).outerjoin(
            ProposalRunRow, ProposalRunRow.stay_pk == StayRow.id
        ),
        filters or WorklistFilter(),
    )
    if sort == "dp_score":
        # Proposals without any DP first (the hardest stays), then the lowest DP score, then stays not yet
        # proposed (nothing to review). Spelt with CASE because NULLS FIRST/LAST is not portable.
        group = case((ProposalRunRow.id.is_(None), 2), (ProposalRunRow.dp_score.is_(None), 0), else_=1)
        query = query.order_by(group, ProposalRunRow.dp_score, StayRow.admission_date, StayRow.stay_id)
    elif sort == "oldest":
        undated_last = case((StayRow.admission_date.is_(None), 1), else_=0)
        query = query.order_by(undated_last, StayRow.admission_date, StayRow.stay_id)
    else:
        raise ValueError(f"unknown worklist sort {sort!r}; use dp_score or oldest")
    rows = session.execute(query.limit(limit).offset(offset)).all()
    return [_row_of(stay, dp_code, dp_score) for stay, dp_code, dp_score, _ in rows]


def _filtered(query: Select[Any], f: WorklistFilter) -> Select[Any]:
    if f.status is not None:
        statuses = [f.status] if isinstance(f.status, str) else list(f.status)
        query = query.where(StayRow.status.in_(statuses))
    if f.unit is not None:
        query = query.where(StayRow.unit == f.unit)
    if f.discharged_from is not None:
        query = query.where(StayRow.discharge_date >= f.discharged_from)
    if f.discharged_to is not None:
        query = query.where(StayRow.discharge_date <= f.discharged_to)
    if f.search:
        pattern = f.search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(StayRow.stay_id.ilike(f"%{pattern}%", escape="\\"))
    return query


def _row_of(stay: StayRow, dp_code: str | None, dp_score: float | None) -> WorklistRow:
    length = (stay.discharge_date - stay.admission_date).days if stay.admission_date and stay.discharge_date else None
    return WorklistRow(
        stay_id=stay.stay_id,
        status=stay.status,
        version=stay.version,
        unit=stay.unit,
        admission_date=stay.admission_date,
        discharge_date=stay.discharge_date,
        length_of_stay=length,
        dp_code=dp_code,
        dp_score=dp_score,
    )
