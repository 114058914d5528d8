"""A coder's note on a stay and the « à revoir » flag (with its reason), audited.

Neither is part of the coding, so neither bumps the stay's version: a colleague who writes a note or flags the
stay does not make the coder who has it open reload before validating (the UPDATE goes through SQL, not
through the mapper's versioned update). A validation clears the flag (store/decisions.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from coding_assistant.store.audit import append_audit
from coding_assistant.store.errors import StoreError
from coding_assistant.store.limits import NUL, stay_name
from coding_assistant.store.models import StayRow
from coding_assistant.store.stays import require_stay

MAX_NOTE_CHARS = 4000
MAX_REASON_CHARS = 500


class ReviewInputError(StoreError, ValueError):
    """A note or a reason the store refuses (empty reason, too long, a NUL)."""


def _clean(text: str, limit: int, stay_id: str, field: str) -> str:
    text = text.strip()
    if len(text) > limit:
        raise ReviewInputError(f"{stay_name(stay_id)}: {field} has {len(text)} characters; at most {limit}")
    if NUL in text:
        raise ReviewInputError(f"{stay_name(stay_id)}: {field} holds a NUL character (U+0000)")
    return text


def save_note(session: Session, stay_id: str, note: str, actor: str, now: datetime) -> None:
    """Replace the stay's note (an empty note removes it). The audit keeps the note's length, not its words:
    the note stays on the stay, for the coders who open it."""
    stay = require_stay(session, stay_id)
    text = _clean(note, MAX_NOTE_CHARS, stay_id, "note") or None
    session.execute(update(StayRow).where(StayRow.id == stay.id).values(note=text))
    append_audit(session, actor, "note_saved", stay, {"chars": len(text or "")}, now)


def flag_for_review(session: Session, stay_id: str, reason: str, actor: str, now: datetime) -> None:
    """Flag the stay « à revoir » with a reason (a new flag replaces the previous one)."""
    stay = require_stay(session, stay_id)
    text = _clean(reason, MAX_REASON_CHARS, stay_id, "reason")
    if not text:
        raise ReviewInputError(f"{stay_name(stay_id)}: a stay is flagged « à revoir » with a reason")
    session.execute(
        update(StayRow).where(StayRow.id == stay.id).values(review_reason=text, review_by=actor, review_at=now)
    )
    append_audit(session, actor, "review_flagged", stay, {"reason": text}, now)


def clear_review(session: Session, stay_id: str, actor: str, now: datetime) -> None:
    """Take the « à revoir » flag off (nothing to do when the stay is not flagged)."""
    stay = require_stay(session, stay_id)
    if stay.review_reason is None:
        return
    session.execute(
        update(StayRow).where(StayRow.id == stay.id).values(review_reason=None, review_by=None, review_at=None)
    )
    append_audit(session, actor, "review_cleared", stay, {}, now)
