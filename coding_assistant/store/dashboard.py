"""Read-only figures for the review UI's dashboard: how coders treat the proposals, their pace, the batch runs.

Acceptance is read from the `decision_saved` audit entries, not from the proposals table: a new prediction
replaces a stay's proposals, while the audit entry keeps what the coder saw and did at the time of the decision
(`accepted`, `rejected`, `added`; see store/decisions.py). Only the latest decision of each stay counts, so a
stay saved twice is not counted twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coding_assistant.store.locking import run_of
from coding_assistant.store.models import AuditRow, BatchRunRow, DecisionRow, StayRow
from coding_assistant.store.views import BatchRun

DECISION_ACTION = "decision_saved"


def local_zone(name: str = "Europe/Paris") -> tzinfo:
    """The DIM's time zone (a "day" of validations is a local day); UTC when the system has no zone data."""
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        return UTC


@dataclass(frozen=True, slots=True)
class CodeAcceptance:
    """What coders did with one code: kept as proposed, dropped, or added when the product had not ticked it."""

    code: str
    accepted: int = 0
    rejected: int = 0
    added: int = 0

    @property
    def proposed(self) -> int:
        return self.accepted + self.rejected

    @property
    def rate(self) -> float | None:
        return self.accepted / self.proposed if self.proposed else None


@dataclass(frozen=True, slots=True)
class AcceptanceSummary:
    decisions: int  # stays whose latest decision was taken on proposals
    accepted: int
    rejected: int
    added: int
    per_code: list[CodeAcceptance] = field(default_factory=list)  # most proposed first
    # Latest decisions taken on proposals that named a DP (decisions saved before this was recorded do not
    # count), and among them those whose validated DP is the proposed one.
    dp_compared: int = 0
    dp_agreed: int = 0

    @property
    def dp_agreement(self) -> float | None:
        """Share of validated stays whose DP is the one the product proposed; None before any."""
        return self.dp_agreed / self.dp_compared if self.dp_compared else None

    @property
    def rate(self) -> float | None:
        """Share of the codes the product pre-selected that coders kept; None before any decision."""
        proposed = self.accepted + self.rejected
        return self.accepted / proposed if proposed else None

    def most_rejected(self, limit: int = 10) -> list[CodeAcceptance]:
        ranked = sorted((c for c in self.per_code if c.rejected), key=lambda c: (-c.rejected, c.code))
        return ranked[:limit]

    def most_added(self, limit: int = 10) -> list[CodeAcceptance]:
        ranked = sorted((c for c in self.per_code if c.added), key=lambda c: (-c.added, c.code))
        return ranked[:limit]


def acceptance(session: Session, since: datetime | None = None) -> AcceptanceSummary:
    """Acceptance of pre-selected codes over the latest decision of each stay (decisions from `since` on)."""
    query = select(AuditRow.stay_pk, AuditRow.details).where(AuditRow.action == DECISION_ACTION)
    if since is not None:
        query = query.where(AuditRow.at >= since)
    latest: dict[int, dict[str, Any]] = {}
    for stay_pk, details in session.execute(query.order_by(AuditRow.at, AuditRow.id)):
        # Decisions saved on a stay without proposals carry no accepted/rejected lists: nothing to measure.
        if stay_pk is not None and isinstance(details, dict) and "accepted" in details:
            latest[stay_pk] = details
    accepted: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    added: Counter[str] = Counter()
    for details in latest.values():
        accepted.update(details.get("accepted") or [])
        rejected.update(details.get("rejected") or [])
        added.update(details.get("added") or [])
    with_dp = [details for details in latest.values() if details.get("proposed_dp")]
    codes = set(accepted) | set(rejected) | set(added)
    per_code = [CodeAcceptance(code, accepted[code], rejected[code], added[code]) for code in codes]
    per_code.sort(key=lambda c: (-c.proposed, -c.added, c.code))
    return AcceptanceSummary(
        decisions=len(latest),
        accepted=sum(accepted.values()),
        rejected=sum(rejected.values()),
        added=sum(added.values()),
        per_code=per_code,
        dp_compared=len(with_dp),
        dp_agreed=sum(details.get("dp") == details["proposed_dp"] for details in with_dp),
    )


def validated_per_day(
    session: Session, since: datetime | None = None, zone: tzinfo | None = None
) -> list[tuple[date, int]]:
    """Distinct stays validated each local day (a stay saved twice the same day counts once), oldest day first.

    Grouped in Python rather than with SQL date functions: the day must be the DIM's local day, and SQLite and
    PostgreSQL disagree on time-zone arithmetic.
    """
    zone = zone or local_zone()
    query = select(DecisionRow.stay_pk, DecisionRow.decided_at)
    if since is not None:
        query = query.where(DecisionRow.decided_at >= since)
    stays_by_day: dict[date, set[int]] = {}
    for stay_pk, decided_at in session.execute(query):
        stays_by_day.setdefault(decided_at.astimezone(zone).date(), set()).add(stay_pk)
    return sorted((day, len(stays)) for day, stays in stays_by_day.items())


def status_counts(session: Session) -> dict[str, int]:
    """Number of stays in each status (statuses without any stay are absent)."""
    rows = session.execute(select(StayRow.status, func.count()).group_by(StayRow.status))
    counts = {status: count for status, count in rows}
    flagged = session.execute(select(func.count()).where(StayRow.review_reason.is_not(None))).scalar_one()
    if flagged:
        counts["to_review"] = flagged  # a flag across statuses, counted beside them
    return counts


def units(session: Session) -> list[str]:
    """The medical units (UM) that have stays, for the worklist's filter."""
    rows = session.execute(select(StayRow.unit).distinct().where(StayRow.unit.is_not(None)).order_by(StayRow.unit))
    return [unit for (unit,) in rows if unit is not None]


def recent_batch_runs(session: Session, limit: int = 30) -> list[BatchRun]:
    """The latest batch runs, newest first."""
    rows = session.execute(select(BatchRunRow).order_by(BatchRunRow.started_at.desc()).limit(limit)).scalars()
    return [run_of(row) for row in rows]


@dataclass(frozen=True, slots=True)
class DashboardFigures:
    """Everything the dashboard shows for one period."""

    acceptance: AcceptanceSummary
    validated_per_day: list[tuple[date, int]]
    status_counts: dict[str, int]
    batch_runs: list[BatchRun]


def dashboard_figures(session: Session, since: datetime | None = None) -> DashboardFigures:
    """The dashboard's figures over the decisions from `since` on (None: all), read in one transaction."""
    return DashboardFigures(
        acceptance(session, since),
        validated_per_day(session, since),
        status_counts(session),
        recent_batch_runs(session),
    )
