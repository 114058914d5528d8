"""Plain read-only values that the store hands out, so that callers never hold ORM rows bound to a session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from coding_assistant.rum_admin import STAY_ADMIN_FIELDS
from coding_assistant.store.columns import CLOSED_STATUSES


@dataclass(frozen=True, slots=True)
class StayRecord:
    """A stay as stored, without its documents; `version` is what a coder passes back to save_decision."""

    stay_id: str
    status: str
    version: int
    content_hash: str
    unit: str | None
    admission_date: date | None
    discharge_date: date | None
    updated_at: datetime
    updated_by: str | None
    note: str | None = None
    review: ReviewFlag | None = None  # flagged « à revoir »


@dataclass(frozen=True, slots=True)
class ReviewFlag:
    """Why a coder flagged the stay « à revoir », who and when."""

    reason: str
    by: str | None
    at: datetime | None


@dataclass(frozen=True, slots=True)
class CodingState:
    """What decides whether a stored stay must be (re)coded."""

    status: str
    content_hash: str
    proposals_input_hash: str | None  # the content the current proposals were made from
    proposals_model_version: str | None
    # The stored administrative fields, in `rum_admin.STAY_ADMIN_FIELDS` order (not in the content hash, so not
    # a reason to recode, but a reason to store the stay again); None when not read.
    admin_fields: tuple[str | int | None, ...] | None = None
    # The stored input act lines (`stays.source_acts`: JSON, None when none), whether the stay has a RUM line,
    # and whether these two were read at all (not in the content hash either: a reason to store the stay again
    # and to group its proposals again, not to recode it).
    source_acts: list[Any] | None = None
    has_rum_line: bool = False
    acts_read: bool = False

    def admin_fields_changed(self, stay: Any) -> bool:
        """True when `stay` (a `schema.Stay`) has other administrative fields than the stored ones."""
        if self.admin_fields is None:
            return False
        return self.admin_fields != tuple(getattr(stay, name) for name in STAY_ADMIN_FIELDS)

    def source_acts_changed(self, stay: Any) -> bool:
        """True when `stay` (a `schema.Stay` read without a RUM line) would store other input act lines than the
        stored ones (`input_act_lines`); a stay with a stored RUM line keeps its line's acts."""
        if not self.acts_read:
            return False
        return self.source_acts != input_act_lines(stay, has_rum_line=self.has_rum_line)

    def needs_coding(self, content_hash: str, model_version: str) -> bool:
        """True when the content changed, or it has no proposals, or they are stale (content or model); a
        coder's work is final: validated and exported stays are recoded only when their content changes."""
        if content_hash != self.content_hash:
            return True
        if self.status in CLOSED_STATUSES:
            return False
        return self.proposals_input_hash != content_hash or self.proposals_model_version != model_version


def input_act_lines(stay: Any, *, has_rum_line: bool) -> list[dict[str, Any]] | None:
    """The act lines the store keeps for `stay` (a `schema.Stay`) in `stays.source_acts`: its `codes.acts` as
    JSON (code, activity, phase, date), or None when the source gave none (no codes, or acts not coded) and for
    a stay with a RUM line, whose act zones are its acts."""
    codes = getattr(stay, "codes", None)
    acts = getattr(codes, "acts", None)
    if has_rum_line or acts is None:
        return None
    return [act.model_dump(mode="json") for act in acts]


@dataclass(frozen=True, slots=True)
class WorklistRow:
    stay_id: str
    status: str
    version: int
    unit: str | None
    admission_date: date | None
    discharge_date: date | None
    length_of_stay: int | None
    dp_code: str | None
    dp_score: float | None
    sex: str | None = None
    age: int | None = None
    # PMSI rule warnings stored with the proposals (on the pre-selected codes and the stay's own).
    warning_count: int = 0
    # Exported at least once: a validated stay that was exported before is "modified after export".
    exported_before: bool = False
    # The grouping preview of the proposed coding and the revaluation the batch found (None: not grouped).
    ghm: str | None = None
    tariff_eur: float | None = None
    revaluation_eur: float | None = None
    revaluation_code: str | None = None
    review_reason: str | None = None  # flagged « à revoir », with this reason


_Day = date  # the field below is named "date"


@dataclass(frozen=True, slots=True)
class DecidedAct:
    """One CCAM act line of a validated coding, as the RUM's act zone carries it: code, activity (1 = the act,
    4 = its anaesthesia), phase and date of realisation (ATIH RUM format, act zone)."""

    code: str
    activity: int = 1
    phase: int = 0
    date: _Day | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "activity": self.activity,
            "phase": self.phase,
            "date": self.date.isoformat() if self.date else None,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> DecidedAct:
        day = raw.get("date")
        return cls(
            code=str(raw["code"]),
            activity=int(raw.get("activity", 1)),
            phase=int(raw.get("phase", 0)),
            date=date.fromisoformat(day) if day else None,
        )


@dataclass(frozen=True, slots=True)
class Decision:
    stay_id: str
    username: str
    dp: str | None
    dr: str | None
    das: list[str]
    model_version: str | None
    stay_version: int
    decided_at: datetime
    # The acts validated with the coding; None: the acts were not reviewed (decisions from before acts were
    # kept, or a coding without any act shown): an export then keeps the source RUM's acts as they are.
    acts: list[DecidedAct] | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    stay_id: str | None
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class User:
    username: str
    display_name: str
    role: str
    active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class BatchCounts:
    coded: int = 0
    skipped: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class BatchRun:
    id: str
    status: str
    engine: str
    source: str
    lock_holder: str
    started_at: datetime
    heartbeat_at: datetime
    finished_at: datetime | None
    counts: BatchCounts = field(default_factory=BatchCounts)
    report: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class BatchFailure:
    run_id: str
    stay_id: str | None
    location: str
    error: str
    at: datetime
