"""SQLAlchemy 2 typed ORM models: one class per table of the store.

The initial migration (migrations/versions/0001_initial.py) creates exactly these tables; a test compares the
two so that they cannot drift apart.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, relationship

from coding_assistant.store.columns import (
    BATCH_STATUSES,
    NAMING_CONVENTION,
    PROPOSAL_ROLES,
    STAY_STATUSES,
    USER_ROLES,
    UTCDateTime,
    one_of,
)

ID = String(128)  # business identifiers: stay_id, doc_id, usernames
CODE = String(16)  # CIM-10 FR codes, ATIH style (no dot)
HASH = String(64)  # sha256 hex


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        date: Date(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class StayRow(Base):
    __tablename__ = "stays"
    __table_args__ = (CheckConstraint(one_of("status", STAY_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stay_id: Mapped[str] = mapped_column(ID, unique=True)
    sex: Mapped[str | None] = mapped_column(String(1))
    age: Mapped[int | None]
    admission_date: Mapped[date | None]
    discharge_date: Mapped[date | None] = mapped_column(index=True)
    unit: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="to_code")
    # Hash of the documents and of the fields the coding rules read (sex, age, dates, unit): equal hash,
    # nothing to recode.
    content_hash: Mapped[str] = mapped_column(HASH)
    # Optimistic locking: the mapper adds "WHERE version = <the version read>" to every UPDATE of a stay and
    # raises StaleDataError when another session changed it meanwhile.
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Username (or "batch") of the last change, so that a refused save can say who got there first.
    updated_by: Mapped[str | None] = mapped_column(String(64))
    # The RUM line (RSS non groupé) the stay was read from, if any: an export writes it back with the
    # validated codes, keeping the acts, modes and dates that the letters do not carry.
    source_rum: Mapped[str | None] = mapped_column(Text)
    # A coder's note on the stay, and the « à revoir » flag with its reason, who set it and when (store/review.py;
    # not a status: the stay keeps its own, and a validation clears the flag).
    note: Mapped[str | None] = mapped_column(Text)
    review_reason: Mapped[str | None] = mapped_column(Text)
    review_by: Mapped[str | None] = mapped_column(String(64))
    review_at: Mapped[datetime | None]
    # The RUM's administrative fields (schema.Stay, rum_admin), whatever the source: the grouping preview reads
    # them. Not in content_hash. All NULL on rows stored before migration 0012: read from source_rum then.
    entry_mode: Mapped[str | None] = mapped_column(String(1))
    entry_origin: Mapped[str | None] = mapped_column(String(1))
    exit_mode: Mapped[str | None] = mapped_column(String(1))
    exit_destination: Mapped[str | None] = mapped_column(String(1))
    birth_weight: Mapped[int | None] = mapped_column(Integer)
    gestational_age: Mapped[int | None] = mapped_column(Integer)
    sessions: Mapped[int | None] = mapped_column(Integer)
    # The act lines the stay came with (`schema.CodedAct` as JSON: code, activity, phase, date) when it has no
    # RUM line (JSONL, CSV, Parquet, SQL); NULL when the source gave none (acts not coded) and for a stay with
    # a RUM line, whose act zones stay the source of truth. Not in content_hash (migration 0013).
    source_acts: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))

    documents: Mapped[list[DocumentRow]] = relationship(
        back_populates="stay", cascade="all, delete-orphan", order_by="DocumentRow.position"
    )
    proposal_run: Mapped[ProposalRunRow | None] = relationship(back_populates="stay", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declarative API


class DocumentRow(Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("stay_pk", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stay_pk: Mapped[int] = mapped_column(ForeignKey("stays.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]  # documents keep their input order; doc_id is not guaranteed unique
    doc_id: Mapped[str] = mapped_column(ID)
    type: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(HASH)

    stay: Mapped[StayRow] = relationship(back_populates="documents")


class ProposalRunRow(Base):
    """The current proposals of one stay: at most one run per stay, replaced whole by each new prediction."""

    __tablename__ = "proposal_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stay_pk: Mapped[int] = mapped_column(ForeignKey("stays.id", ondelete="CASCADE"), unique=True)
    run_id: Mapped[str | None] = mapped_column(String(64), index=True)
    model_name: Mapped[str] = mapped_column(String(128))
    model_version: Mapped[str] = mapped_column(String(64))
    input_hash: Mapped[str] = mapped_column(HASH)  # the stay's content_hash when these proposals were made
    warnings: Mapped[list[Any]]  # schema.Note objects, dumped without their empty fields
    measurements: Mapped[list[Any] | None]  # schema.Measurement objects; NULL from runs before they were kept
    # The proposed DP, copied out of the proposals so that the worklist can sort on it without a subquery.
    dp_code: Mapped[str | None] = mapped_column(CODE)
    dp_score: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime]
    # The grouping preview of the proposed coding (schema.GroupingSummary), copied out so that the worklist
    # shows the GHM and filters "revalorisation possible" in SQL; NULL from runs without it.
    ghm: Mapped[str | None] = mapped_column(String(6))
    severity: Mapped[str | None] = mapped_column(String(1))
    tariff_eur: Mapped[float | None] = mapped_column(Float)
    revaluation_eur: Mapped[float | None] = mapped_column(Float, index=True)
    revaluation_code: Mapped[str | None] = mapped_column(CODE)
    # The proposed CCAM act lines (schema.ActProposal objects); NULL from runs made before acts were kept.
    acts: Mapped[list[Any] | None]

    stay: Mapped[StayRow] = relationship(back_populates="proposal_run")
    proposals: Mapped[list[ProposalRow]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="ProposalRow.rank"
    )


class ProposalRow(Base):
    __tablename__ = "proposals"
    __table_args__ = (
        UniqueConstraint("proposal_run_id", "rank"),
        CheckConstraint(f"role IS NULL OR {one_of('role', PROPOSAL_ROLES)}", name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_run_id: Mapped[int] = mapped_column(ForeignKey("proposal_runs.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int]  # 0 = best, as ranked by the pipeline
    code: Mapped[str] = mapped_column(CODE, index=True)
    label: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float)
    role: Mapped[str | None] = mapped_column(String(3))
    selected: Mapped[bool]
    evidence: Mapped[list[Any]]
    warnings: Mapped[list[Any]]

    run: Mapped[ProposalRunRow] = relationship(back_populates="proposals")


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(one_of("role", USER_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool]
    created_at: Mapped[datetime]


class DecisionRow(Base):
    """A coder's final coding of a stay. Every save is a new row: the history can train the next model."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stay_pk: Mapped[int] = mapped_column(ForeignKey("stays.id"), index=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    dp: Mapped[str | None] = mapped_column(CODE)
    dr: Mapped[str | None] = mapped_column(CODE)
    das: Mapped[list[Any]]
    model_version: Mapped[str | None] = mapped_column(String(64))  # version of the proposals the coder saw
    stay_version: Mapped[int]  # the stay's version this decision created
    decided_at: Mapped[datetime]
    # The validated CCAM acts, [{"code", "activity", "phase", "date"}]; NULL: acts not reviewed (an export
    # then keeps the source RUM's acts), [] : reviewed, none done.
    acts: Mapped[list[Any] | None]


class AuditRow(Base):
    """Append-only change history. No code path updates or deletes a row (see the mapper guard below)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    # A username, or "batch"/"system": not a foreign key, so the history outlives user accounts.
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    stay_pk: Mapped[int | None] = mapped_column(ForeignKey("stays.id"), index=True)
    details: Mapped[dict[str, Any]]


class BatchRunRow(Base):
    __tablename__ = "batch_runs"
    __table_args__ = (CheckConstraint(one_of("status", BATCH_STATUSES), name="status"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime]
    engine: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    coded: Mapped[int]
    skipped: Mapped[int]
    failed: Mapped[int]
    report: Mapped[dict[str, Any] | None]
    lock_holder: Mapped[str] = mapped_column(String(128))  # host:pid of the process that runs it
    # The lock itself: "batch" while running, NULL otherwise. Its UNIQUE constraint lets the database refuse a
    # second running row even when two starters race (NULLs never collide, on SQLite and PostgreSQL alike).
    lock_slot: Mapped[str | None] = mapped_column(String(16), unique=True)


class BatchFailureRow(Base):
    """A stay (or a source record that is not even a stay) that a batch run could not read or code.

    Kept apart from the audit log because a failed stay may not exist in the store at all (a malformed source
    line has no stay to attach to); `location` names the source line or row, `error` the reason — never text.
    """

    __tablename__ = "batch_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("batch_runs.id", ondelete="CASCADE"), index=True)
    stay_id: Mapped[str | None] = mapped_column(ID, index=True)
    location: Mapped[str] = mapped_column(Text)
    error: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]


class SignInFailureRow(Base):
    """A refused sign-in, counted to lock an account or a client address out for a while (store/users.py).

    Kept in the store so that a page reload, a new browser session or a restart of the app does not reset the
    count. Not the audit log (which keeps every attempt for good): rows are deleted once they leave the counting
    window, and an account's rows when it signs in. `account` is "user:<id>" for an existing account and
    "unknown:<4 hex digits>" otherwise, never the name as typed (it may be a password typed in the wrong box).
    """

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    account: Mapped[str] = mapped_column(String(32), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)  # the browser's IP address, or "local"


class UiSessionRow(Base):
    """A signed-in session of the review UI, so that a page reload does not sign the coder out
    (store/ui_sessions.py). The browser holds a random token in an HttpOnly cookie; only its SHA-256 is kept
    here. `stay_id`: the stay the session has open now, which tells colleagues who is working on it."""

    __tablename__ = "ui_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(HASH, unique=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    stamp: Mapped[str] = mapped_column(String(64))  # the password's stamp at sign-in (a new password ends it)
    client: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(32))
    stay_id: Mapped[str | None] = mapped_column(ID, index=True)
    stay_since: Mapped[datetime | None]


class UiDraftRow(Base):
    """A coder's unsaved coding of a stay (codes kept, their role, codes added), kept until they validate or
    drop it, so that a reload or a closed tab loses nothing. Codes only, never text."""

    __tablename__ = "ui_drafts"
    __table_args__ = (UniqueConstraint("stay_pk", "username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stay_pk: Mapped[int] = mapped_column(ForeignKey("stays.id", ondelete="CASCADE"))
    username: Mapped[str] = mapped_column(String(64), index=True)
    stay_version: Mapped[int]  # the stay's version the draft was made on
    choices: Mapped[dict[str, Any]]
    added: Mapped[list[Any]]
    updated_at: Mapped[datetime]
    # The draft's act lines ({"key", "code", "label", "kept", "activity", "phase", "date"}); NULL: no act change.
    acts: Mapped[list[Any] | None]


def _refuse_audit_change(mapper: Mapper[Any], connection: Any, target: AuditRow) -> None:
    raise PermissionError("audit_log is append-only: its rows are never updated or deleted")


event.listen(AuditRow, "before_update", _refuse_audit_change)
event.listen(AuditRow, "before_delete", _refuse_audit_change)


class ModelRegistryRow(Base):
    """A trained model folder registered for this site (coding_assistant/learning/registry.py).

    At most one row is active: the model the batch codes with when it is given no --model. `figures` holds the
    held-out figures of its card; `site_figures` its figures on the site's last validated stays it never saw,
    measured when it was registered; `recalibration` the per-site thresholds learned from coders' decisions."""

    __tablename__ = "model_registry"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), index=True)
    version: Mapped[str] = mapped_column(String(64))
    backend: Mapped[str] = mapped_column(String(32))
    path: Mapped[str] = mapped_column(Text)
    trained_at: Mapped[datetime | None]
    registered_at: Mapped[datetime]
    registered_by: Mapped[str] = mapped_column(String(64))
    training_data: Mapped[dict[str, Any]]
    figures: Mapped[dict[str, Any]]
    site_figures: Mapped[dict[str, Any] | None]
    recalibration: Mapped[dict[str, Any] | None]
    active: Mapped[bool] = mapped_column(index=True)
    activated_at: Mapped[datetime | None]
