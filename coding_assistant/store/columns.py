"""Column types and vocabularies shared by the models and the initial migration."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal, get_args

from sqlalchemy import DateTime, Dialect
from sqlalchemy.types import TypeDecorator

StayStatus = Literal["to_code", "proposed", "validated", "exported"]
UserRole = Literal["coder", "dim_physician", "admin"]
BatchStatus = Literal["running", "succeeded", "failed", "abandoned"]
ProposalRole = Literal["DP", "DR", "DAS"]

STAY_STATUSES: tuple[str, ...] = get_args(StayStatus)
USER_ROLES: tuple[str, ...] = get_args(UserRole)
BATCH_STATUSES: tuple[str, ...] = get_args(BatchStatus)
PROPOSAL_ROLES: tuple[str, ...] = get_args(ProposalRole)

# A coder's work is final: a new model alone never sends a validated or exported stay back to coding; only a
# change of the stay itself does (upsert_stay then resets it to to_code).
CLOSED_STATUSES = frozenset({"validated", "exported"})

# Constraint names follow one convention so that later migrations can name what they alter
# (SQLite needs the names to rebuild tables in batch mode).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK constraint; plain strings rather than ENUM types, which PostgreSQL makes hard to extend."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def utc_now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on every backend.

    SQLite has no time-zone type and would hand back naive values; storing everything as naive UTC there
    keeps text order equal to time order (the stale-lock query compares timestamps in SQL).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the store keeps time-zone aware timestamps; got a naive datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
