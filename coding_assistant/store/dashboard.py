"""Read-only figures for the review UI's dashboard: how coders treat the proposals, their pace, the batch runs.

Acceptance is read from the `decision_saved` audit entries, not from the proposals table: a new prediction
replaces a stay's proposals, while the audit entry keeps what the coder saw and did at the time of the decision
(`accepted`, `rejected`, `added`; see store/decisions.py). Only the latest decision of each stay counts, so a
stay saved twice is not counted twice. The same latest decisions, read once, give the figures per week (of the
latest decision) and per medical unit (of the stay).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, NamedTuple
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


@dataclass(frozen=True, slots=True)
class AcceptanceCounts:
    """Acceptance of one group of latest decisions (a week, a unit): the totals of `AcceptanceSummary`."""

    decisions: int = 0  # stays
    accepted: int = 0
    rejected: int = 0
    added: int = 0
    dp_compared: int = 0
    dp_agreed: int = 0

    @property
    def rate(self) -> float | None:
        proposed = self.accepted + self.rejected
        return self.accepted / proposed if proposed else None

    @property
    def dp_agreement(self) -> float | None:
        return self.dp_agreed / self.dp_compared if self.dp_compared else None


@dataclass(frozen=True, slots=True)
class WeekAcceptance:
    week: date  # the Monday of the ISO week (local time) of the stays' latest decisions
    counts: AcceptanceCounts


@dataclass(frozen=True, slots=True)
class UnitAcceptance:
    unit: str | None  # the stay's medical unit (UM); None for stays without one
    counts: AcceptanceCounts


class _Decision(NamedTuple):
    at: datetime
    unit: str | None
    details: dict[str, Any]


def _latest_decisions(session: Session, since: datetime | None) -> list[_Decision]:
    """The latest decision taken on proposals of each stay, with the stay's unit joined in the same query."""
    query = (
        select(AuditRow.stay_pk, AuditRow.at, AuditRow.details, StayRow.unit)
        .join(StayRow, StayRow.id == AuditRow.stay_pk)
        .where(AuditRow.action == DECISION_ACTION)
    )
    if since is not None:
        query = query.where(AuditRow.at >= since)
    latest: dict[int, _Decision] = {}
    for stay_pk, at, details, unit in session.execute(query.order_by(AuditRow.at, AuditRow.id)):
        # Decisions saved on a stay without proposals carry no accepted/rejected lists: nothing to measure.
        if isinstance(details, dict) and "accepted" in details:
            latest[stay_pk] = _Decision(at, unit, details)
    return list(latest.values())


def _summary(decisions: list[_Decision]) -> AcceptanceSummary:
    accepted: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    added: Counter[str] = Counter()
    for decision in decisions:
        accepted.update(decision.details.get("accepted") or [])
        rejected.update(decision.details.get("rejected") or [])
        added.update(decision.details.get("added") or [])
    with_dp = [d.details for d in decisions if d.details.get("proposed_dp")]
    codes = set(accepted) | set(rejected) | set(added)
    per_code = [CodeAcceptance(code, accepted[code], rejected[code], added[code]) for code in codes]
    per_code.sort(key=lambda c: (-c.proposed, -c.added, c.code))
    return AcceptanceSummary(
        decisions=len(decisions),
        accepted=sum(accepted.values()),
        rejected=sum(rejected.values()),
        added=sum(added.values()),
        per_code=per_code,
        dp_compared=len(with_dp),
        dp_agreed=sum(details.get("dp") == details["proposed_dp"] for details in with_dp),
    )


def _grouped(decisions: list[_Decision], zone: tzinfo) -> tuple[list[WeekAcceptance], list[UnitAcceptance]]:
    """Acceptance per local ISO week and per unit, in one pass over the latest decisions."""
    # Six counters per group, in the order of AcceptanceCounts' fields.
    by_week: dict[date, list[int]] = {}
    by_unit: dict[str | None, list[int]] = {}
    for decision in decisions:
        details = decision.details
        proposed_dp = details.get("proposed_dp")
        figures = (
            1,
            len(details.get("accepted") or []),
            len(details.get("rejected") or []),
            len(details.get("added") or []),
            int(bool(proposed_dp)),
            int(bool(proposed_dp) and details.get("dp") == proposed_dp),
        )
        day = decision.at.astimezone(zone).date()
        monday = day - timedelta(days=day.weekday())
        for totals in (by_week.setdefault(monday, [0] * 6), by_unit.setdefault(decision.unit, [0] * 6)):
            for i, n in enumerate(figures):
                totals[i] += n
    per_week = [WeekAcceptance(week, AcceptanceCounts(*totals)) for week, totals in sorted(by_week.items())]
    per_unit = [UnitAcceptance(unit, AcceptanceCounts(*totals)) for unit, totals in by_unit.items()]
    per_unit.sort(key=lambda u: (-u.counts.decisions, u.unit is None, u.unit or ""))
    return per_week, per_unit


def acceptance(session: Session, since: datetime | None = None) -> AcceptanceSummary:
    """Acceptance of pre-selected codes over the latest decision of each stay (decisions from `since` on)."""
    return _summary(_latest_decisions(session, since))


def acceptance_by_week_and_unit(
    session: Session, since: datetime | None = None, zone: tzinfo | None = None
) -> tuple[list[WeekAcceptance], list[UnitAcceptance]]:
    """Acceptance per local ISO week (oldest first) and per unit (most stays first), latest decisions only."""
    return _grouped(_latest_decisions(session, since), zone or local_zone())


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
    acceptance_per_week: list[WeekAcceptance] = field(default_factory=list)
    acceptance_per_unit: list[UnitAcceptance] = field(default_factory=list)


def dashboard_figures(session: Session, since: datetime | None = None) -> DashboardFigures:
    """The dashboard's figures over the decisions from `since` on (None: all), read in one transaction."""
    # The decisions are read once: a year of them is 100,000 audit entries.
    decisions = _latest_decisions(session, since)
    per_week, per_unit = _grouped(decisions, local_zone())
    return DashboardFigures(
        _summary(decisions),
        validated_per_day(session, since),
        status_counts(session),
        recent_batch_runs(session),
        per_week,
        per_unit,
    )
