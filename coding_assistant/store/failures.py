"""What a batch run could not read or code, one row per stay or source record, for the report and the DIM."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding_assistant.store.limits import failure_fields
from coding_assistant.store.models import BatchFailureRow
from coding_assistant.store.views import BatchFailure

MAX_ERROR_LENGTH = 2000  # an error message, not a document: cut anything longer


def record_failure(
    session: Session, run_id: str, stay_id: str | None, location: str, error: str, now: datetime
) -> None:
    stay_id, location, error = failure_fields(stay_id, location, error)
    session.add(
        BatchFailureRow(run_id=run_id, stay_id=stay_id, location=location, error=error[:MAX_ERROR_LENGTH], at=now)
    )
    session.flush()


def failures_of_run(session: Session, run_id: str) -> list[BatchFailure]:
    rows = session.execute(
        select(BatchFailureRow).where(BatchFailureRow.run_id == run_id).order_by(BatchFailureRow.id)
    ).scalars()
    return [BatchFailure(r.run_id, r.stay_id, r.location, r.error, r.at) for r in rows]
