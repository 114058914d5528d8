"""The store on SQLite always, and on PostgreSQL too when CODING_ASSISTANT_TEST_PG holds a URL.

    export CODING_ASSISTANT_TEST_PG="$(bash scripts/postgres_for_tests.sh | tail -n 1)"

Each PostgreSQL test runs in a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from coding_assistant.errors import CodingAssistantError
from coding_assistant.schema import Codes, Document, Evidence, ModelInfo, Proposal, Stay, StayProposals
from coding_assistant.store import (
    BatchCounts,
    BatchLockedError,
    ConcurrentEditError,
    Store,
    StoreError,
    UnknownStayError,
    UserError,
    WorklistFilter,
    create_engine_for,
    current_revision,
    head_revision,
    upgrade_database,
)
from coding_assistant.store import decisions as decisions_module
from coding_assistant.store.models import AuditRow, Base, BatchRunRow, DecisionRow, ProposalRow, ProposalRunRow

PG_URL = os.environ.get("CODING_ASSISTANT_TEST_PG")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not PG_URL, reason="set CODING_ASSISTANT_TEST_PG (scripts/postgres_for_tests.sh)"),
    ),
]
TABLES = {
    "stays",
    "documents",
    "proposal_runs",
    "proposals",
    "decisions",
    "audit_log",
    "users",
    "batch_runs",
    "batch_failures",
}
T0 = datetime(2025, 4, 1, 8, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = T0
    step: timedelta = field(default=timedelta(seconds=1))

    def __call__(self) -> datetime:
        # Every reading moves on a little, so that audit entries have distinct, ordered times.
        self.now += self.step
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None (the default SQLite file) or a PostgreSQL URL whose search_path is a fresh schema."""
    if request.param == "sqlite":
        yield None
        return
    assert PG_URL is not None
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(database_url: str | None, tmp_path: Path, clock: Clock) -> Iterator[Store]:
    opened = Store.open(database_url, tmp_path, clock=clock)
    try:
        yield opened
    finally:
        opened.close()


def make_stay(
    stay_id: str,
    text_: str = "Insuffisance cardiaque aiguë, FEVG 30 %.",
    unit: str = "CARDIO",
    admission: date = date(2025, 3, 2),
    discharge: date = date(2025, 3, 9),
    age: int = 67,
) -> Stay:
    return Stay(
        stay_id=stay_id,
        sex="F",
        age=age,
        admission_date=admission,
        discharge_date=discharge,
        unit=unit,
        documents=[
            Document(doc_id=f"{stay_id}-CRH", type="CRH", text=text_),
            Document(doc_id=f"{stay_id}-CRO", type="CRO", text="Pas de geste."),
        ],
    )


def make_proposals(stay_id: str, version: str = "1.0", dp_score: float | None = 0.93) -> StayProposals:
    ranked = []
    if dp_score is not None:
        ranked.append(
            Proposal(
                code="I50.02",
                label="Insuffisance cardiaque gauche avec fraction d'éjection diminuée",
                score=dp_score,
                role="DP",
                selected=True,
                evidence=[
                    Evidence(doc_id=f"{stay_id}-CRH", start=0, end=26, text="Insuffisance cardiaque aiguë"),
                    Evidence(doc_id=f"{stay_id}-CRH", start=28, end=37, text="FEVG 30 %", hypothetical=True),
                ],
                warnings=["DP à confirmer"],
            )
        )
    ranked += [
        Proposal(code="N184", label="Maladie rénale chronique, stade 4", score=0.71, role="DAS", selected=True),
        Proposal(code="E1190", label="Diabète de type 2", score=0.12, role=None, selected=False),
    ]
    return StayProposals(
        stay_id=stay_id, model=ModelInfo(name="tfidf", version=version), proposals=ranked, warnings=["court séjour"]
    )


# Migrations and engine -------------------------------------------------------------------------------------


def test_migrations_create_every_table_and_match_the_models(store: Store) -> None:
    assert TABLES | {"alembic_version"} <= set(inspect(store.engine).get_table_names())
    assert current_revision(store.engine) == head_revision()
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    upgrade_database(store.engine)  # already at head: nothing to do, nothing fails
    assert current_revision(store.engine) == head_revision()


def test_default_store_is_a_sqlite_file_in_wal_mode(tmp_path: Path) -> None:
    engine = create_engine_for(None, tmp_path / "data")
    try:
        upgrade_database(engine)
        assert (tmp_path / "data" / "coding_assistant.sqlite3").is_file()
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced(store: Store) -> None:
    with store.sessions() as session, pytest.raises(DBAPIError):
        session.add(
            ProposalRunRow(stay_pk=999, model_name="m", model_version="1", input_hash="x", warnings=[], created_at=T0)
        )
        session.flush()


# Stays -----------------------------------------------------------------------------------------------------


def test_upsert_detects_unchanged_and_changed_stays(store: Store) -> None:
    record, changed = store.upsert_stay(make_stay("S1"))
    assert changed and record.status == "to_code" and record.version == 1

    again, changed = store.upsert_stay(make_stay("S1"))
    assert not changed and again.version == 1 and again.content_hash == record.content_hash

    edited, changed = store.upsert_stay(make_stay("S1", text_="Insuffisance cardiaque, FEVG 25 %."))
    assert changed and edited.version == 2 and edited.content_hash != record.content_hash
    assert store.load_stay("S1").documents[0].text == "Insuffisance cardiaque, FEVG 25 %."
    assert len(store.load_stay("S1").documents) == 2

    # The rules read the age (CIM-10 age limits): a corrected age is a change too.
    _, changed = store.upsert_stay(make_stay("S1", text_="Insuffisance cardiaque, FEVG 25 %.", age=68))
    assert changed

    actions = [entry.action for entry in store.audit_for_stay("S1")]
    assert actions == ["stay_imported", "stay_changed", "stay_changed"]


def test_load_stay_round_trips_and_unknown_stay_is_named(store: Store) -> None:
    stay = make_stay("S1")
    store.upsert_stay(stay)
    assert store.load_stay("S1") == stay
    with pytest.raises(UnknownStayError, match="stay NOPE"):
        store.load_stay("NOPE")
    assert store.get_stay("NOPE") is None


def test_needs_coding_follows_content_and_model_version(store: Store) -> None:
    assert store.needs_coding("S1", "1.0")  # unknown
    store.upsert_stay(make_stay("S1"))
    assert store.needs_coding("S1", "1.0")  # no proposals yet

    store.save_proposals("S1", make_proposals("S1", version="1.0"), run_id="r1")
    assert not store.needs_coding("S1", "1.0")
    assert store.needs_coding("S1", "2.0")  # proposals of another model version

    store.upsert_stay(make_stay("S1", text_="Nouveau courrier."))
    assert store.needs_coding("S1", "1.0")  # changed since its proposals

    store.save_proposals("S1", make_proposals("S1", version="1.0"), run_id="r2")
    store.add_user("alice", "correct horse", "coder")
    store.save_decision("S1", "alice", Codes(dp="I5002"), store.get_stay("S1").version)
    # A new model never reopens the coder's work; only a change of the stay does.
    assert not store.needs_coding("S1", "2.0")


# Proposals -------------------------------------------------------------------------------------------------


def test_proposals_round_trip_exactly_and_replace_the_previous_ones(store: Store) -> None:
    store.upsert_stay(make_stay("S1"))
    assert store.load_proposals("S1") is None

    first = make_proposals("S1")
    store.save_proposals("S1", first, run_id="r1")
    assert store.load_proposals("S1") == first
    record = store.get_stay("S1")
    assert record.status == "proposed" and record.version == 2

    second = make_proposals("S1", version="1.1", dp_score=None)
    store.save_proposals("S1", second, run_id="r2")
    assert store.load_proposals("S1") == second
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ProposalRunRow)) == 1
        assert session.scalar(select(func.count()).select_from(ProposalRow)) == len(second.proposals)
        assert session.scalar(select(ProposalRunRow.run_id)) == "r2"


def test_save_proposals_is_all_or_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.upsert_stay(make_stay("S1"))
    first = make_proposals("S1")
    store.save_proposals("S1", first, run_id="r1")

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    # Fail at the very end, after the old proposals were deleted and the new ones written.
    monkeypatch.setattr("coding_assistant.store.proposals.append_audit", fail)
    with pytest.raises(RuntimeError):
        store.save_proposals("S1", make_proposals("S1", version="9.9"), run_id="r2")
    assert store.load_proposals("S1") == first
    assert store.get_stay("S1").version == 2


def test_proposals_for_another_stay_are_refused(store: Store) -> None:
    store.upsert_stay(make_stay("S1"))
    with pytest.raises(StoreError, match="S2"):
        store.save_proposals("S1", make_proposals("S2"), run_id=None)


# Decisions and optimistic locking --------------------------------------------------------------------------


def _proposed_stay(store: Store, stay_id: str = "S1") -> int:
    store.upsert_stay(make_stay(stay_id))
    store.save_proposals(stay_id, make_proposals(stay_id), run_id="r1")
    return store.get_stay(stay_id).version


def test_second_save_of_a_stay_opened_at_the_same_version_is_refused(store: Store, clock: Clock) -> None:
    store.add_user("alice", "correct horse", "coder", display_name="Alice Martin")
    store.add_user("bob", "battery staple", "dim_physician")
    opened = _proposed_stay(store)  # both coders open the stay at this version

    decision = store.save_decision("S1", "alice", Codes(dp="I5002", das=["N184", "E119"]), opened)
    assert decision.stay_version == opened + 1 and decision.model_version == "1.0"
    saved_at = decision.decided_at

    with pytest.raises(ConcurrentEditError) as refused:
        store.save_decision("S1", "bob", Codes(dp="I500"), opened)
    message = str(refused.value)
    assert "alice" in message and saved_at.isoformat(timespec="seconds") in message and "S1" in message
    assert isinstance(refused.value, CodingAssistantError)

    # Nothing lost, nothing overwritten.
    latest = store.latest_decision("S1")
    assert latest is not None and latest.username == "alice" and latest.das == ["N184", "E119"]
    record = store.get_stay("S1")
    assert record.status == "validated" and record.version == opened + 1 and record.updated_by == "alice"
    entries = [e for e in store.audit_for_stay("S1") if e.action == "decision_saved"]
    assert [e.actor for e in entries] == ["alice"]
    assert entries[0].details["accepted"] == ["I5002", "N184"] and entries[0].details["added"] == ["E119"]

    # Bob reloads, sees Alice's coding, and saves on top of it knowingly.
    second = store.save_decision("S1", "bob", Codes(dp="I500"), record.version)
    assert second.stay_version == opened + 2
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(DecisionRow)) == 2


def test_a_save_racing_another_session_is_refused_by_the_version_check(store: Store, clock: Clock) -> None:
    store.add_user("alice", "correct horse", "coder")
    store.add_user("bob", "battery staple", "coder")
    opened = _proposed_stay(store)
    with store.sessions() as bob_session, store.sessions() as alice_session:
        # Bob's session has read the stay (version `opened`) and is about to write...
        decisions_module.require_stay(bob_session, "S1")
        # ...when Alice's save commits in between.
        decisions_module.save_decision(alice_session, "S1", "alice", Codes(dp="I5002"), opened, clock())
        alice_session.commit()
        # Bob's read still says `opened`, so only the UPDATE ... WHERE version = ... can catch it.
        with pytest.raises(ConcurrentEditError, match="alice"):
            decisions_module.save_decision(bob_session, "S1", "bob", Codes(dp="I500"), opened, clock())
    latest = store.latest_decision("S1")
    assert latest is not None and latest.username == "alice" and latest.dp == "I5002"


def test_decision_guards(store: Store) -> None:
    store.add_user("alice", "correct horse", "coder")
    version = _proposed_stay(store)
    with pytest.raises(UnknownStayError):
        store.save_decision("NOPE", "alice", Codes(dp="I5002"), 1)
    with pytest.raises(StoreError, match="DP"):
        store.save_decision("S1", "alice", Codes(das=["N184"]), version)
    with pytest.raises(UserError, match="unknown"):
        store.save_decision("S1", "mallory", Codes(dp="I5002"), version)
    store.deactivate("alice")
    with pytest.raises(UserError, match="deactivated"):
        store.save_decision("S1", "alice", Codes(dp="I5002"), version)
    assert store.get_stay("S1").version == version


def test_export_marks_validated_stays(store: Store) -> None:
    store.add_user("alice", "correct horse", "coder")
    store.save_decision("S1", "alice", Codes(dp="I5002"), _proposed_stay(store, "S1"))
    _proposed_stay(store, "S2")
    assert store.mark_exported(["S1", "S2"], actor="alice") == 1
    assert store.get_stay("S1").status == "exported" and store.get_stay("S2").status == "proposed"


# Audit -----------------------------------------------------------------------------------------------------


def test_audit_log_is_append_only(store: Store) -> None:
    store.upsert_stay(make_stay("S1"))
    store.append_audit("alice", "stay_opened", "S1", {"page": "review"})
    store.append_audit("alice", "comment", "S1")
    history = store.audit_for_stay("S1")
    assert [e.action for e in history] == ["stay_imported", "stay_opened", "comment"]
    assert history[1].actor == "alice" and history[1].details == {"page": "review"} and history[1].stay_id == "S1"
    assert [e.at for e in history] == sorted(e.at for e in history)

    # The API has no way to change the past...
    readers = ("append", "audit_for", "audit_details")  # appending, and reading back
    assert not [name for name in dir(Store) if "audit" in name and not name.startswith(readers)]
    # ...the ORM refuses to...
    with store.sessions() as session:
        row = session.scalars(select(AuditRow).limit(1)).one()
        row.action = "rewritten"
        with pytest.raises(PermissionError, match="append-only"):
            session.flush()
        session.rollback()
        session.delete(session.scalars(select(AuditRow).limit(1)).one())
        with pytest.raises(PermissionError, match="append-only"):
            session.flush()
    # ...and so does the database, for raw SQL.
    for statement in ("UPDATE audit_log SET action = 'rewritten'", "DELETE FROM audit_log"):
        with store.engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text(statement))
    assert store.audit_for_stay("S1") == history


# Worklist --------------------------------------------------------------------------------------------------


def test_worklist_filters_and_sorts(store: Store) -> None:
    def add(stay_id: str, unit: str, admission: date, days: int, dp_score: float | str | None) -> None:
        store.upsert_stay(make_stay(stay_id, unit=unit, admission=admission, discharge=admission + timedelta(days)))
        if dp_score != "none":
            store.save_proposals(stay_id, make_proposals(stay_id, dp_score=dp_score), run_id="r1")  # type: ignore[arg-type]

    add("A_1", "CARDIO", date(2025, 3, 1), 7, 0.90)
    add("B-2", "CARDIO", date(2025, 2, 1), 3, 0.40)
    add("C-3", "PNEUMO", date(2025, 1, 10), 2, 0.65)
    add("D-4", "PNEUMO", date(2025, 3, 20), 1, None)  # proposals without any DP: the hardest
    add("E-5", "CARDIO", date(2024, 12, 30), 4, "none")  # not proposed yet
    store.add_user("alice", "correct horse", "coder")
    store.save_decision("C-3", "alice", Codes(dp="J189"), store.get_stay("C-3").version)

    by_score = store.worklist()
    assert [r.stay_id for r in by_score] == ["D-4", "B-2", "C-3", "A_1", "E-5"]
    first = by_score[1]
    assert (first.dp_code, first.dp_score, first.length_of_stay, first.unit) == ("I5002", 0.40, 3, "CARDIO")
    assert first.status == "proposed" and first.version == store.get_stay("B-2").version
    assert by_score[0].dp_code is None and by_score[-1].status == "to_code"

    assert [r.stay_id for r in store.worklist(sort="oldest")] == ["E-5", "C-3", "B-2", "A_1", "D-4"]
    assert [r.stay_id for r in store.worklist(WorklistFilter(status="proposed"))] == ["D-4", "B-2", "A_1"]
    assert {r.stay_id for r in store.worklist(WorklistFilter(status=["validated", "to_code"]))} == {"C-3", "E-5"}
    assert [r.stay_id for r in store.worklist(WorklistFilter(unit="PNEUMO"))] == ["D-4", "C-3"]
    in_range = WorklistFilter(discharged_from=date(2025, 2, 1), discharged_to=date(2025, 3, 8))
    assert [r.stay_id for r in store.worklist(in_range, sort="oldest")] == ["B-2", "A_1"]
    assert [r.stay_id for r in store.worklist(WorklistFilter(search="b-"))] == ["B-2"]
    # "_" is a LIKE wildcard: searched literally, it matches A_1 only, not every id with one character there.
    assert [r.stay_id for r in store.worklist(WorklistFilter(search="_"))] == ["A_1"]
    assert [r.stay_id for r in store.worklist(limit=2, offset=1)] == ["B-2", "C-3"]
    with pytest.raises(ValueError, match="sort"):
        store.worklist(sort="newest")  # type: ignore[arg-type]


# Users -----------------------------------------------------------------------------------------------------


def test_passwords_are_hashed_and_checked(store: Store) -> None:
    user = store.add_user("alice", "correct horse", "coder", display_name="Alice Martin")
    assert (user.username, user.display_name, user.role, user.active) == ("alice", "Alice Martin", "coder", True)
    store.add_user("bob", "correct horse", "admin")
    with store.engine.connect() as connection:
        hashes = connection.execute(text("SELECT password_hash FROM users ORDER BY username")).scalars().all()
    assert all(h.startswith("scrypt$") and "correct horse" not in h for h in hashes)
    assert hashes[0] != hashes[1]  # random salt: same password, different hashes

    assert store.authenticate("alice", "correct horse") == user
    assert store.authenticate("alice", "Correct horse") is None
    assert store.authenticate("nobody", "correct horse") is None

    store.set_password("alice", "a new passphrase")
    assert store.authenticate("alice", "correct horse") is None
    assert store.authenticate("alice", "a new passphrase") is not None

    store.deactivate("alice")
    assert store.authenticate("alice", "a new passphrase") is None  # right password, inactive account

    with pytest.raises(UserError, match="already exists"):
        store.add_user("alice", "whatever long", "coder")
    with pytest.raises(UserError, match="role"):
        store.add_user("carol", "whatever long", "superuser")
    with pytest.raises(UserError, match="at least"):
        store.add_user("carol", "short", "coder")


# Batch runs ------------------------------------------------------------------------------------------------


def test_batch_lock_is_kept_by_a_live_run_however_stalled_and_taken_over_once_it_dies(
    store: Store, database_url: str | None, tmp_path: Path, clock: Clock
) -> None:
    # A second Store stands for the process of the first run: closing it ends that process without finishing.
    first_process = Store.open(database_url, tmp_path, clock=clock)
    first = first_process.start_batch_run("local", "stays.jsonl", holder="host-a:1")
    assert first.status == "running"
    with pytest.raises(BatchLockedError, match=first.id) as refused:
        store.start_batch_run("local", "stays.jsonl", holder="host-b:2")
    assert "host-a:1" in str(refused.value)

    # Alive but stalled for 55 minutes without a heartbeat: it keeps the lock (a stall is not a death).
    clock.advance(timedelta(minutes=55))
    with pytest.raises(BatchLockedError):
        store.start_batch_run("local", "stays.jsonl", holder="host-b:2", stale_after=timedelta(minutes=30))

    # Dead: its process is gone, and the lock with it; the next run takes over at once.
    first_process.close()
    second = store.start_batch_run("spark", "stays.parquet", holder="host-b:2", stale_after=timedelta(minutes=30))
    abandoned = store.get_batch_run(first.id)
    assert abandoned is not None and abandoned.status == "abandoned" and abandoned.finished_at is not None

    # The dead run, should it wake up, learns it lost the lock instead of writing over the new run.
    with pytest.raises(BatchLockedError, match="no longer holds"):
        store.heartbeat(first.id)
    with pytest.raises(BatchLockedError, match="no longer holds"):
        store.finish_batch_run(first.id, BatchCounts(coded=1))

    finished = store.finish_batch_run(second.id, BatchCounts(coded=10, skipped=3, failed=1), {"stays": 14})
    assert finished.status == "succeeded" and finished.counts == BatchCounts(10, 3, 1)
    assert finished.report == {"stays": 14} and finished.finished_at is not None
    third = store.start_batch_run("local", "stays.jsonl")  # the lock is free again
    store.finish_batch_run(third.id, BatchCounts(), status="failed")
    with store.sessions() as session:
        statuses = dict(session.execute(select(BatchRunRow.id, BatchRunRow.status)).all())
    assert statuses == {first.id: "abandoned", second.id: "succeeded", third.id: "failed"}


def test_the_database_itself_allows_one_running_batch(store: Store) -> None:
    run = store.start_batch_run("local", "stays.jsonl")
    with store.sessions() as session, pytest.raises(DBAPIError):
        session.add(
            BatchRunRow(
                id="x" * 32,
                started_at=T0,
                heartbeat_at=T0,
                engine="local",
                source="s",
                status="running",
                coded=0,
                skipped=0,
                failed=0,
                lock_holder="h",
                lock_slot="batch",
            )
        )
        session.flush()
    assert store.get_batch_run(run.id).status == "running"


def test_racing_starters_get_exactly_one_lock(database_url: str | None, tmp_path: Path) -> None:
    # Separate stores stand for separate processes: each has its own engine and connections.
    starters = [Store.open(database_url, tmp_path) for _ in range(6)]
    barrier = threading.Barrier(len(starters))

    def start(store: Store) -> str:
        barrier.wait()
        try:
            return store.start_batch_run("local", "stays.jsonl").id
        except BatchLockedError:
            return "refused"

    try:
        with ThreadPoolExecutor(len(starters)) as pool:
            outcomes = list(pool.map(start, starters))
    finally:
        for store in starters:
            store.close()
    assert sorted(outcomes).count("refused") == len(starters) - 1
