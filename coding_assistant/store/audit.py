"""The audit log: append and read, nothing else. There is deliberately no function that edits or removes an entry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding_assistant.store.models import AuditRow, StayRow
from coding_assistant.store.views import AuditEntry


def append_audit(
    session: Session,
    actor: str,
    action: str,
    stay: StayRow | None,
    details: dict[str, Any] | None,
    now: datetime,
) -> None:
    """Add one entry to the caller's unit of work, so that it commits (or not) with the change it records."""
    session.add(AuditRow(at=now, actor=actor, action=action, stay_pk=stay.id if stay else None, details=details or {}))


def audit_for_stay(session: Session, stay_id: str) -> list[AuditEntry]:
    """The change history of a stay, oldest first."""
    rows = session.execute(
        select(AuditRow, StayRow.stay_id)
        .join(StayRow, AuditRow.stay_pk == StayRow.id)
        .where(StayRow.stay_id == stay_id)
        .order_by(AuditRow.at, AuditRow.id)
    ).all()
    return [
        AuditEntry(at=row.at, actor=row.actor, action=row.action, stay_id=sid, details=dict(row.details))
        for row, sid in rows
    ]


def details_of_action(session: Session, action: str) -> list[dict[str, Any]]:
    """The details of every entry of one action, oldest first (an interrupted export looks for its token)."""
    rows = session.execute(select(AuditRow.details).where(AuditRow.action == action).order_by(AuditRow.id)).scalars()
    return [dict(details) for details in rows]
