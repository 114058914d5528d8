"""Coders' unsaved drafts: per stay and user, the codes kept with their role and the codes added, so that a
reload, a closed tab or a crash loses none of a coder's choices. Codes only, never document text.

The UI writes the draft at each change and deletes it when the coder validates or drops it; the draft keeps the
stay's version it was made on, so that the UI can tell when the stay changed since (and offer to reapply).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding_assistant.store.models import StayRow, UiDraftRow
from coding_assistant.store.stays import find_stay, require_stay


@dataclass(frozen=True, slots=True)
class StoredDraft:
    stay_id: str
    username: str
    stay_version: int
    # code -> {"kept": bool, "role": "DP" | "DR" | "DAS"}
    choices: dict[str, Any]
    # [{"code": ..., "label": ...}] codes the coder added by search
    added: list[Any]
    updated_at: datetime
    # The draft's act lines (see UiDraftRow.acts); None: the coder changed no act.
    acts: list[Any] | None = None


def _row(session: Session, stay_id: str, username: str) -> UiDraftRow | None:
    stay = find_stay(session, stay_id)
    if stay is None:
        return None
    return session.execute(
        select(UiDraftRow).where(UiDraftRow.stay_pk == stay.id, UiDraftRow.username == username)
    ).scalar_one_or_none()


def save_draft(
    session: Session,
    stay_id: str,
    username: str,
    stay_version: int,
    choices: dict[str, Any],
    added: list[Any],
    now: datetime,
    acts: list[Any] | None = None,
) -> None:
    row = _row(session, stay_id, username)
    if row is None:
        stay = require_stay(session, stay_id)
        row = UiDraftRow(stay_pk=stay.id, username=username)
        session.add(row)
    row.stay_version, row.choices, row.added, row.updated_at = stay_version, choices, added, now
    row.acts = acts
    session.flush()


def load_draft(session: Session, stay_id: str, username: str) -> StoredDraft | None:
    row = _row(session, stay_id, username)
    if row is None:
        return None
    acts = None if row.acts is None else list(row.acts)
    return StoredDraft(stay_id, username, row.stay_version, dict(row.choices), list(row.added), row.updated_at, acts)


def delete_draft(session: Session, stay_id: str, username: str) -> None:
    row = _row(session, stay_id, username)
    if row is not None:
        session.delete(row)
        session.flush()


def drafted_stays(session: Session, username: str, stay_ids: list[str]) -> set[str]:
    """Which of these stays `username` has an unsaved draft on (for the worklist)."""
    if not stay_ids:
        return set()
    rows = session.execute(
        select(StayRow.stay_id)
        .join(UiDraftRow, UiDraftRow.stay_pk == StayRow.id)
        .where(UiDraftRow.username == username, StayRow.stay_id.in_(stay_ids))
    )
    return {stay_id for (stay_id,) in rows}
