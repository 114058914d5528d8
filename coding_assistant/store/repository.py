"""Store: the one object the batch, the CLI and the review UI use. Each method is one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from coding_assistant.schema import Codes, GroupingSummary, Stay, StayProposals
from coding_assistant.store import audit as _audit
from coding_assistant.store import dashboard as _dashboard
from coding_assistant.store import (
    decisions,
    failures,
    locking,
    proposals,
    review,
    stays,
    ui_drafts,
    ui_sessions,
    users,
)
from coding_assistant.store.columns import utc_now
from coding_assistant.store.dashboard import DashboardFigures
from coding_assistant.store.db_errors import describe_database_error, guarded
from coding_assistant.store.engine import create_engine_for, session_factory
from coding_assistant.store.errors import BatchLockedError, StoreError
from coding_assistant.store.limits import check_proposals, check_stay, check_user_names
from coding_assistant.store.migrate import upgrade_database
from coding_assistant.store.process_lock import ProcessLock, lock_for
from coding_assistant.store.ui_drafts import StoredDraft
from coding_assistant.store.ui_sessions import Editor, UiSession
from coding_assistant.store.users import Account, SignInLimits, SignInResult
from coding_assistant.store.views import (
    AuditEntry,
    BatchCounts,
    BatchFailure,
    BatchRun,
    CodingState,
    DecidedAct,
    Decision,
    StayRecord,
    User,
    WorklistRow,
)
from coding_assistant.store.worklist import WorklistFilter, WorklistSort
from coding_assistant.store.worklist import worklist as _worklist

SYSTEM_ACTOR = "batch"


def _shown(url: str | None) -> str:
    """A URL fit for an error message: its password hidden."""
    if url is None:
        return "the default store"
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "the store URL"


class Store:
    """Typed facade over the store's modules; `clock` is injectable so that tests can age a lock.

    Every public method is `guarded`: a database error leaves it as StoreDatabaseError naming the operation,
    the stay and the reason, never the statement's values (store/db_errors.py).
    """

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.sessions: sessionmaker[Session] = session_factory(engine)
        self._clock = clock
        self._batch_locks: dict[str, ProcessLock] = {}  # run id -> the OS-level lock this process holds for it

    @classmethod
    def open(
        cls,
        url: str | None,
        data_dir: Path,
        *,
        upgrade: bool = True,
        clock: Callable[[], datetime] = utc_now,
    ) -> Store:
        """Open the database at `url` (default: the SQLite file in `data_dir`), migrated to the newest schema."""
        try:
            engine = create_engine_for(url, data_dir)
        except (ArgumentError, ImportError) as exc:
            raise StoreError(f"{_shown(url)}: not a usable database URL ({exc})") from exc
        try:
            if upgrade:
                upgrade_database(engine)
            else:
                with engine.connect():
                    pass
        except SQLAlchemyError as exc:
            engine.dispose()
            reason, _ = describe_database_error(exc)
            shown = _shown(url or engine.url.render_as_string(hide_password=True))
            raise StoreError(f"{shown}: the database cannot be opened ({reason})") from None
        except BaseException:  # the migration lock not obtained in time, an interrupt…
            engine.dispose()
            raise
        return cls(engine, clock=clock)

    def close(self) -> None:
        # A run left open (its process stops here) gives its lock back, as its death would.
        for lock in self._batch_locks.values():
            lock.release()
        self._batch_locks.clear()
        self.engine.dispose()

    # Stays ------------------------------------------------------------------------------------------------
    @guarded
    def upsert_stay(
        self, stay: Stay, actor: str = SYSTEM_ACTOR, source_rum: str | None = None, run_id: str | None = None
    ) -> tuple[StayRecord, bool]:
        """Store the stay; `run_id`: the batch run writing it, refused (BatchLockedError) once it lost its lock."""
        check_stay(stay, source_rum)  # before the database: one clear error naming the stay and the field
        with self.sessions() as session:
            locking.fence(session, run_id)
            row, changed = stays.upsert_stay(session, stay, actor, self._clock(), source_rum)
            session.commit()
            return stays.record_of(row), changed

    @guarded
    def get_stay(self, stay_id: str) -> StayRecord | None:
        with self.sessions() as session:
            row = stays.find_stay(session, stay_id)
            return stays.record_of(row) if row else None

    @guarded
    def load_stay(self, stay_id: str) -> Stay:
        with self.sessions() as session:
            return stays.load_stay(session, stay_id)

    @guarded
    def needs_coding(self, stay_id: str, model_version: str) -> bool:
        with self.sessions() as session:
            return stays.needs_coding(session, stay_id, model_version)

    @guarded
    def coding_states(self, stay_ids: Iterable[str]) -> dict[str, CodingState]:
        """The stored state of these stays (absent ones are missing from the result), for change detection."""
        with self.sessions() as session:
            return stays.coding_states(session, stay_ids)

    @guarded
    def source_rums(self, stay_ids: Iterable[str]) -> dict[str, str]:
        """The RUM lines these stays were read from (stays read from JSONL, CSV… have none)."""
        with self.sessions() as session:
            return stays.source_rums(session, stay_ids)

    @guarded
    def mark_exported(
        self, stay_ids: Iterable[str], actor: str, audit: tuple[str, dict[str, Any]] | None = None
    ) -> int:
        """Validated stays become exported; `audit` (action, details): the export's own entry, written in the
        same transaction with the count of stays marked, so that the log never tells of half an export."""
        with self.sessions() as session:
            now = self._clock()
            count = stays.mark_exported(session, stay_ids, actor, now)
            if audit is not None:
                action, details = audit
                _audit.append_audit(session, actor, action, None, {**details, "marked_exported": count}, now)
            session.commit()
            return count

    # Proposals and decisions ------------------------------------------------------------------------------
    @guarded
    def save_proposals(
        self, stay_id: str, stay_proposals: StayProposals, run_id: str | None, actor: str = SYSTEM_ACTOR
    ) -> None:
        check_proposals(stay_id, stay_proposals)
        with self.sessions() as session:
            locking.fence(session, run_id)  # a batch run that lost its lock writes nothing more
            proposals.save_proposals(session, stay_id, stay_proposals, run_id, actor, self._clock())
            session.commit()

    @guarded
    def save_grouping(self, stay_id: str, grouping: GroupingSummary | None, run_id: str | None = None) -> bool:
        """Store a new grouping preview of the stay's proposals (its administrative fields or its RUM's acts
        changed, not its letters); False when it has no proposals."""
        with self.sessions() as session:
            locking.fence(session, run_id)
            saved = proposals.save_grouping(session, stay_id, grouping)
            session.commit()
            return saved

    @guarded
    def load_proposals(self, stay_id: str) -> StayProposals | None:
        with self.sessions() as session:
            return proposals.load_proposals(session, stay_id)

    @guarded
    def save_decision(
        self,
        stay_id: str,
        user: str,
        codes: Codes,
        expected_version: int,
        after_export: bool = False,
        acts: Sequence[DecidedAct] | None = None,
    ) -> Decision:
        """`after_export`: the coder knows the stay was exported and changes it all the same (audited);
        `acts`: the validated CCAM act lines, None when the acts were not reviewed."""
        with self.sessions() as session:
            decision = decisions.save_decision(
                session, stay_id, user, codes, expected_version, self._clock(), after_export, acts
            )
            session.commit()
            return decision

    @guarded
    def save_note(self, stay_id: str, note: str, actor: str) -> None:
        """Replace the stay's note (empty: none); the stay's version does not change (store/review.py)."""
        with self.sessions() as session:
            review.save_note(session, stay_id, note, actor, self._clock())
            session.commit()

    @guarded
    def flag_for_review(self, stay_id: str, reason: str, actor: str) -> None:
        """Flag the stay « à revoir » with a reason; a validation clears it."""
        with self.sessions() as session:
            review.flag_for_review(session, stay_id, reason, actor, self._clock())
            session.commit()

    @guarded
    def clear_review(self, stay_id: str, actor: str) -> None:
        with self.sessions() as session:
            review.clear_review(session, stay_id, actor, self._clock())
            session.commit()

    @guarded
    def latest_decision(self, stay_id: str) -> Decision | None:
        with self.sessions() as session:
            return decisions.latest_decision(session, stay_id)

    @guarded
    def worklist(
        self,
        filters: WorklistFilter | None = None,
        sort: WorklistSort = "dp_score",
        limit: int = 200,
        offset: int = 0,
    ) -> list[WorklistRow]:
        with self.sessions() as session:
            return _worklist(session, filters, sort, limit, offset)

    @guarded
    def units(self) -> list[str]:
        """The medical units that have stays (the worklist's filter)."""
        with self.sessions() as session:
            return _dashboard.units(session)

    @guarded
    def dashboard_figures(self, since: datetime | None = None) -> DashboardFigures:
        """Acceptance, pace, statuses and batch runs over the decisions from `since` on (None: all)."""
        with self.sessions() as session:
            return _dashboard.dashboard_figures(session, since)

    # Review UI: sessions and drafts ------------------------------------------------------------------------
    # The UI passes its own clock (`now`) where its tests move time; a draft is stamped by the store's clock.
    @guarded
    def start_ui_session(self, username: str, stamp: str, client: str, now: datetime) -> tuple[str, str]:
        """A new signed-in session: (token for the browser's cookie, its hash for the app)."""
        with self.sessions() as session:
            token_and_hash = ui_sessions.start_session(session, username, stamp, client, now)
            session.commit()
            return token_and_hash

    @guarded
    def find_ui_session(self, token: str) -> UiSession | None:
        """The live session the browser's token names (the store keeps only the token's hash)."""
        with self.sessions() as session:
            return ui_sessions.find_session(session, ui_sessions.token_hash(token))

    @guarded
    def touch_ui_session(self, token_hash: str, now: datetime) -> None:
        with self.sessions() as session:
            ui_sessions.touch(session, token_hash, now)
            session.commit()

    @guarded
    def set_open_stay(self, token_hash: str, stay_id: str | None, now: datetime) -> None:
        """Which stay the session has open now (None: none), for colleagues' worklist and stay page."""
        with self.sessions() as session:
            ui_sessions.set_open_stay(session, token_hash, stay_id, now)
            session.commit()

    @guarded
    def end_ui_session(self, token_hash: str, reason: str, now: datetime) -> None:
        with self.sessions() as session:
            ui_sessions.end_session(session, token_hash, reason, now)
            session.commit()

    @guarded
    def editors(
        self, stay_ids: Iterable[str], now: datetime, active_within: timedelta, except_session: str | None = None
    ) -> dict[str, list[Editor]]:
        """Per stay, who else has it open now (sessions active within `active_within`, but `except_session`)."""
        with self.sessions() as session:
            return ui_sessions.editors(session, stay_ids, now, active_within, except_session)

    @guarded
    def save_draft(
        self,
        stay_id: str,
        username: str,
        stay_version: int,
        choices: dict[str, Any],
        added: list[Any],
        acts: list[Any] | None = None,
    ) -> None:
        """Keep a coder's unsaved choices on a stay (one draft per stay and coder, replaced at each change);
        `acts`: its act lines, None when the coder changed no act."""
        with self.sessions() as session:
            ui_drafts.save_draft(session, stay_id, username, stay_version, choices, added, self._clock(), acts)
            session.commit()

    @guarded
    def load_draft(self, stay_id: str, username: str) -> StoredDraft | None:
        with self.sessions() as session:
            return ui_drafts.load_draft(session, stay_id, username)

    @guarded
    def delete_draft(self, stay_id: str, username: str) -> None:
        with self.sessions() as session:
            ui_drafts.delete_draft(session, stay_id, username)
            session.commit()

    @guarded
    def drafted_stays(self, username: str, stay_ids: list[str]) -> set[str]:
        """Which of these stays `username` has a draft on (for the worklist)."""
        with self.sessions() as session:
            return ui_drafts.drafted_stays(session, username, stay_ids)

    # Users ------------------------------------------------------------------------------------------------
    @guarded
    def add_user(
        self, username: str, password: str, role: str, display_name: str | None = None, actor: str = "admin"
    ) -> User:
        check_user_names(username, display_name)
        with self.sessions() as session:
            user = users.add_user(session, username, password, role, display_name, actor, self._clock())
            session.commit()
            return user

    @guarded
    def list_users(self) -> list[User]:
        with self.sessions() as session:
            return users.list_users(session)

    @guarded
    def authenticate(self, username: str, password: str) -> User | None:
        with self.sessions() as session:
            return users.authenticate(session, username, password)

    @guarded
    def sign_in(self, username: str, password: str, client: str, now: datetime, limits: SignInLimits) -> SignInResult:
        """Check the credentials under the lockout limits; each refusal is counted and audited (store/users.py)."""
        with self.sessions() as session:
            result = users.sign_in(session, username, password, client, now, limits)
            session.commit()
            return result

    @guarded
    def current_account(self, username: str) -> Account | None:
        """The account as it is now (role, password stamp); None when gone or deactivated."""
        with self.sessions() as session:
            return users.current_account(session, username)

    @guarded
    def set_password(self, username: str, password: str, actor: str = "admin") -> None:
        with self.sessions() as session:
            users.set_password(session, username, password, actor, self._clock())
            session.commit()

    @guarded
    def deactivate(self, username: str, actor: str = "admin") -> None:
        with self.sessions() as session:
            users.deactivate(session, username, actor, self._clock())
            session.commit()

    # Batch runs -------------------------------------------------------------------------------------------
    @guarded
    def start_batch_run(
        self,
        engine: str,
        source: str,
        holder: str | None = None,
        stale_after: timedelta = locking.DEFAULT_STALE_AFTER,
    ) -> BatchRun:
        """Take the batch lock (one the OS releases when this process dies, see store/locking.py) and record
        a running run; BatchLockedError while another live run holds it, however old its heartbeat."""
        lock = lock_for(self.engine, "batch")
        if lock is not None and not lock.try_acquire():
            with self.sessions() as session:
                raise locking.locked_error(session, None)
        try:
            with self.sessions() as session:
                run = locking.start_batch_run(
                    session, engine, source, self._clock(), holder, stale_after, exclusive=lock is not None
                )
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        if lock is not None:
            self._batch_locks[run.id] = lock
        return run

    @guarded
    def heartbeat(self, run_id: str) -> None:
        """Record that the run is alive; BatchLockedError when it no longer holds its lock."""
        lock = self._batch_locks.get(run_id)
        if lock is not None and not lock.held():
            raise BatchLockedError(f"batch run {run_id}: lost its {lock.describe()}; it stops here")
        with self.sessions() as session:
            locking.heartbeat(session, run_id, self._clock())
            session.commit()

    @guarded
    def finish_batch_run(
        self, run_id: str, counts: BatchCounts, report: dict[str, Any] | None = None, status: str = "succeeded"
    ) -> BatchRun:
        """Record the outcome, then release the lock (also when recording fails: the run ends either way)."""
        try:
            with self.sessions() as session:
                run = locking.finish_batch_run(session, run_id, counts, report, self._clock(), status)
                session.commit()
                return run
        finally:
            lock = self._batch_locks.pop(run_id, None)
            if lock is not None:
                lock.release()

    @guarded
    def get_batch_run(self, run_id: str) -> BatchRun | None:
        with self.sessions() as session:
            return locking.get_batch_run(session, run_id)

    @guarded
    def record_batch_failure(self, run_id: str, stay_id: str | None, location: str, error: str) -> None:
        with self.sessions() as session:
            locking.fence(session, run_id)
            failures.record_failure(session, run_id, stay_id, location, error, self._clock())
            session.commit()

    @guarded
    def batch_failures(self, run_id: str) -> list[BatchFailure]:
        with self.sessions() as session:
            return failures.failures_of_run(session, run_id)

    # Audit ------------------------------------------------------------------------------------------------
    @guarded
    def append_audit(
        self, user: str, action: str, stay_id: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        """The only way to write the audit log from outside the store; entries are never edited or removed."""
        with self.sessions() as session:
            stay = stays.require_stay(session, stay_id) if stay_id is not None else None
            _audit.append_audit(session, user, action, stay, details, self._clock())
            session.commit()

    @guarded
    def audit_for_stay(self, stay_id: str) -> list[AuditEntry]:
        with self.sessions() as session:
            return _audit.audit_for_stay(session, stay_id)

    @guarded
    def audit_details(self, action: str) -> list[dict[str, Any]]:
        """The details of every audit entry of one action, oldest first."""
        with self.sessions() as session:
            return _audit.details_of_action(session, action)
