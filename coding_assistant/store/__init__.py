"""The store: stays, proposals, coders' decisions, audit log, users and batch runs (SQLAlchemy 2 + Alembic).

SQLite (WAL) in `data_dir` by default; the same code runs on PostgreSQL through psycopg 3::

    from coding_assistant.store import Store
    store = Store.open(None, Path("data"))            # or "postgresql+psycopg://user:pass@host/db"
    record, changed = store.upsert_stay(stay)
    if store.needs_coding(stay.stay_id, model_version="2025.1"):
        store.save_proposals(stay.stay_id, proposals, run_id=run.id)
"""

from coding_assistant.store.engine import create_engine_for, default_database_url, session_factory
from coding_assistant.store.errors import (
    BatchLockedError,
    ConcurrentEditError,
    ExportedStayError,
    StoreError,
    UnknownStayError,
    UserError,
)
from coding_assistant.store.migrate import current_revision, head_revision, upgrade_database
from coding_assistant.store.repository import Store
from coding_assistant.store.review import MAX_NOTE_CHARS, MAX_REASON_CHARS, ReviewInputError
from coding_assistant.store.views import (
    AuditEntry,
    BatchCounts,
    BatchFailure,
    BatchRun,
    DecidedAct,
    Decision,
    StayRecord,
    User,
    WorklistRow,
)
from coding_assistant.store.worklist import WorklistFilter, WorklistSort

__all__ = [
    "MAX_NOTE_CHARS",
    "MAX_REASON_CHARS",
    "AuditEntry",
    "BatchCounts",
    "BatchFailure",
    "BatchLockedError",
    "BatchRun",
    "ConcurrentEditError",
    "DecidedAct",
    "Decision",
    "ExportedStayError",
    "ReviewInputError",
    "StayRecord",
    "Store",
    "StoreError",
    "UnknownStayError",
    "User",
    "UserError",
    "WorklistFilter",
    "WorklistRow",
    "WorklistSort",
    "create_engine_for",
    "current_revision",
    "default_database_url",
    "head_revision",
    "session_factory",
    "upgrade_database",
]
