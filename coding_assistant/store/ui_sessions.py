"""Signed-in sessions of the review UI, kept in the store so that a page reload does not sign a coder out.

A session is a random token held by the browser (an HttpOnly cookie set by the review server); the store keeps
its SHA-256 only, so reading the table gives nobody a way in. A session ends at sign-out, after the idle or the
absolute timeout, and when its account is deactivated, changes role or password (the UI checks that at every
rerun and calls `end_session`). Each session also says which stay it has open, so that the worklist and the
stay page can tell who is working on a stay now.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from coding_assistant.store.models import UiSessionRow, UserRow

TOKEN_BYTES = 32
# Sessions that ended (or were never ended but are long past any timeout) are deleted after this long.
FORGET_AFTER = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class UiSession:
    token_hash: str
    username: str
    stamp: str
    created_at: datetime
    last_seen_at: datetime
    stay_id: str | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def start_session(session: Session, username: str, stamp: str, client: str, now: datetime) -> tuple[str, str]:
    """A new session for `username`; returns (token for the browser, its hash for the app). Old rows are
    cleaned here: nothing else removes them."""
    session.execute(delete(UiSessionRow).where(UiSessionRow.last_seen_at < now - FORGET_AFTER))
    token = new_token()
    digest = token_hash(token)
    session.add(
        UiSessionRow(token_hash=digest, username=username, stamp=stamp, client=client, created_at=now, last_seen_at=now)
    )
    session.flush()
    return token, digest


def find_session(session: Session, digest: str) -> UiSession | None:
    """The live (not ended) session with this token hash."""
    row = session.execute(
        select(UiSessionRow).where(UiSessionRow.token_hash == digest, UiSessionRow.ended_at.is_(None))
    ).scalar_one_or_none()
    if row is None:
        return None
    return UiSession(row.token_hash, row.username, row.stamp, row.created_at, row.last_seen_at, row.stay_id)


def touch(session: Session, digest: str, now: datetime) -> None:
    session.execute(
        update(UiSessionRow)
        .where(UiSessionRow.token_hash == digest, UiSessionRow.ended_at.is_(None))
        .values(last_seen_at=now)
    )


def set_open_stay(session: Session, digest: str, stay_id: str | None, now: datetime) -> None:
    session.execute(
        update(UiSessionRow)
        .where(UiSessionRow.token_hash == digest, UiSessionRow.ended_at.is_(None))
        .values(stay_id=stay_id, stay_since=now if stay_id else None, last_seen_at=now)
    )


def end_session(session: Session, digest: str, reason: str, now: datetime) -> None:
    session.execute(
        update(UiSessionRow)
        .where(UiSessionRow.token_hash == digest, UiSessionRow.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason[:32], stay_id=None)
    )


@dataclass(frozen=True, slots=True)
class Editor:
    """Someone with a stay open now: their display name and since when."""

    username: str
    display_name: str
    since: datetime | None


def editors(
    session: Session, stay_ids: Iterable[str], now: datetime, active_within: timedelta, except_session: str | None
) -> dict[str, list[Editor]]:
    """Per stay, the users whose live session has it open and was active within `active_within`."""
    wanted = list(dict.fromkeys(stay_ids))
    if not wanted:
        return {}
    query = (
        select(UiSessionRow.stay_id, UiSessionRow.username, UserRow.display_name, UiSessionRow.stay_since)
        .outerjoin(UserRow, UserRow.username == UiSessionRow.username)
        .where(
            UiSessionRow.stay_id.in_(wanted),
            UiSessionRow.ended_at.is_(None),
            UiSessionRow.last_seen_at >= now - active_within,
        )
        .order_by(UiSessionRow.stay_since)
    )
    if except_session is not None:
        query = query.where(UiSessionRow.token_hash != except_session)
    found: dict[str, list[Editor]] = {}
    for stay_id, username, display_name, since in session.execute(query):
        if stay_id is None:  # not possible given the query; says so to the type checker
            continue
        names = found.setdefault(stay_id, [])
        if all(editor.username != username for editor in names):
            names.append(Editor(username, display_name or username, since))
    return found
