"""The coders' worklist: light rows, filtered and sorted in SQL so that it stays fast on a year of stays."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, String, and_, case, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from coding_assistant.store.models import AuditRow, ProposalRow, ProposalRunRow, StayRow
from coding_assistant.store.views import WorklistRow

WorklistSort = Literal["to_check", "dp_score", "oldest"]
# A proposed DP scored under this was not pre-selected with confidence by the pipeline (its selection
# threshold): the coder should look at the DP first.
DP_THRESHOLD = 0.5
# Not a stored status: a validated stay that had been exported before (it must be exported again).
MODIFIED_AFTER_EXPORT = "modified_after_export"
# Not a stored status either: a stay a coder flagged « à revoir » (store/review.py), whatever its status.
TO_REVIEW = "to_review"


@dataclass(frozen=True, slots=True)
class WorklistFilter:
    """Which stays to list. The date range applies to the discharge date: PMSI stays are coded and sent by
    discharge month, so that is the period a DIM team works through."""

    status: str | Collection[str] | None = None
    unit: str | None = None
    discharged_from: date | None = None
    discharged_to: date | None = None
    search: str | None = None  # part of a stay id, any case
    # Only the stays whose letters support a counting CMA the proposals left out (the batch's grouping
    # preview found a revaluation): "revalorisation possible".
    revaluation: bool = False


def worklist(
    session: Session,
    filters: WorklistFilter | None = None,
    sort: WorklistSort = "dp_score",
    limit: int = 200,
    offset: int = 0,
) -> list[WorklistRow]:
    """Stays to review. `to_check`: the stays that most need a look first (no DP, a DP under the threshold,
    warnings), then the least confident DP; `dp_score`: least confident DP first; `oldest`: earliest admission
    first."""
    warnings = _warning_count()
    query = _filtered(
        select(
            StayRow,
            ProposalRunRow.dp_code,
            ProposalRunRow.dp_score,
            warnings.label("warning_count"),
            _exported_before().label("exported_before"),
            ProposalRunRow.ghm,
            ProposalRunRow.tariff_eur,
            ProposalRunRow.revaluation_eur,
            ProposalRunRow.revaluation_code,
        ).outerjoin(ProposalRunRow, ProposalRunRow.stay_pk == StayRow.id),
        filters or WorklistFilter(),
    )
    if sort == "to_check":
        priority = case(
            (ProposalRunRow.id.is_(None), 4),
            (ProposalRunRow.dp_score.is_(None), 0),
            (ProposalRunRow.dp_score < DP_THRESHOLD, 1),
            (warnings > 0, 2),
            else_=3,
        )
        query = query.order_by(
            priority, warnings.desc(), ProposalRunRow.dp_score, StayRow.admission_date, StayRow.stay_id
        )
    elif sort == "dp_score":
        # Proposals without any DP first (the hardest stays), then the lowest DP score, then stays not yet
        # proposed (nothing to review). Spelt with CASE because NULLS FIRST/LAST is not portable.
        group = case((ProposalRunRow.id.is_(None), 2), (ProposalRunRow.dp_score.is_(None), 0), else_=1)
        query = query.order_by(group, ProposalRunRow.dp_score, StayRow.admission_date, StayRow.stay_id)
    elif sort == "oldest":
        undated_last = case((StayRow.admission_date.is_(None), 1), else_=0)
        query = query.order_by(undated_last, StayRow.admission_date, StayRow.stay_id)
    else:
        raise ValueError(f"unknown worklist sort {sort!r}; use to_check, dp_score or oldest")
    rows = session.execute(query.limit(limit).offset(offset)).all()
    return [
        _row_of(stay, dp_code, dp_score, int(count or 0), bool(exported), Grouped(ghm, tariff, gain, gain_code))
        for stay, dp_code, dp_score, count, exported, ghm, tariff, gain, gain_code in rows
    ]


@dataclass(frozen=True, slots=True)
class Grouped:
    ghm: str | None = None
    tariff_eur: float | None = None
    revaluation_eur: float | None = None
    revaluation_code: str | None = None


def _warning_count() -> Any:
    """The stay's own warnings plus the pre-selected proposals that carry a PMSI rule warning (a note of kind
    "check": the only JSON string that is exactly `"check"`, a quote inside a message being escaped), counted
    in SQL so that the worklist can sort on it."""
    flagged = (
        select(func.count(ProposalRow.id))
        .where(
            ProposalRow.proposal_run_id == ProposalRunRow.id,
            ProposalRow.selected.is_(True),
            cast(ProposalRow.warnings, String).like('%"check"%'),
        )
        .scalar_subquery()
    )
    return func.coalesce(func.json_array_length(ProposalRunRow.warnings), 0) + func.coalesce(flagged, 0)


def _exported_before() -> Any:
    return exists().where(AuditRow.stay_pk == StayRow.id, AuditRow.action == "stay_exported")


def _filtered(query: Select[Any], f: WorklistFilter) -> Select[Any]:
    if f.status is not None:
        statuses = [f.status] if isinstance(f.status, str) else list(f.status)
        stored = [status for status in statuses if status not in (MODIFIED_AFTER_EXPORT, TO_REVIEW)]
        condition: ColumnElement[bool] = StayRow.status.in_(stored)
        if MODIFIED_AFTER_EXPORT in statuses:
            # "validated" already covers them (the export picks them up again); alone, it narrows to them.
            condition = or_(condition, and_(StayRow.status == "validated", _exported_before()))
        if TO_REVIEW in statuses:
            condition = or_(condition, StayRow.review_reason.is_not(None))
        query = query.where(condition)
    if f.unit is not None:
        query = query.where(StayRow.unit == f.unit)
    if f.discharged_from is not None:
        query = query.where(StayRow.discharge_date >= f.discharged_from)
    if f.discharged_to is not None:
        query = query.where(StayRow.discharge_date <= f.discharged_to)
    if f.search:
        pattern = f.search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(StayRow.stay_id.ilike(f"%{pattern}%", escape="\\"))
    if f.revaluation:
        query = query.where(ProposalRunRow.revaluation_eur > 0)
    return query


def _row_of(
    stay: StayRow,
    dp_code: str | None,
    dp_score: float | None,
    warning_count: int = 0,
    exported_before: bool = False,
    grouped: Grouped | None = None,
) -> WorklistRow:
    grouped = grouped or Grouped()
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
        sex=stay.sex,
        age=stay.age,
        warning_count=warning_count,
        exported_before=exported_before,
        ghm=grouped.ghm,
        tariff_eur=grouped.tariff_eur,
        revaluation_eur=grouped.revaluation_eur,
        revaluation_code=grouped.revaluation_code,
        review_reason=stay.review_reason,
    )
