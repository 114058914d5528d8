"""Users of the review UI: coders, DIM physicians and administrators."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding_assistant.store.audit import append_audit
from coding_assistant.store.columns import USER_ROLES
from coding_assistant.store.errors import UserError
from coding_assistant.store.models import UserRow
from coding_assistant.store.passwords import MIN_PASSWORD_LENGTH, dummy_hash, hash_password, verify_password
from coding_assistant.store.views import User

log = logging.getLogger(__name__)


def user_of(row: UserRow) -> User:
    return User(
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        active=row.active,
        created_at=row.created_at,
    )


def list_users(session: Session) -> list[User]:
    return [user_of(row) for row in session.execute(select(UserRow).order_by(UserRow.username)).scalars()]


def find_user(session: Session, username: str) -> UserRow | None:
    return session.execute(select(UserRow).where(UserRow.username == username)).scalar_one_or_none()


def require_user(session: Session, username: str) -> UserRow:
    row = find_user(session, username)
    if row is None:
        raise UserError(f"user {username}: unknown")
    return row


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password refused: at least {MIN_PASSWORD_LENGTH} characters are required")


def add_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    display_name: str | None,
    actor: str,
    now: datetime,
) -> User:
    username = username.strip()
    if not username:
        raise UserError("a username cannot be empty")
    if role not in USER_ROLES:
        raise UserError(f"user {username}: role {role!r} is not one of {', '.join(USER_ROLES)}")
    _check_password(password)
    if find_user(session, username) is not None:
        raise UserError(f"user {username}: already exists")
    row = UserRow(
        username=username,
        display_name=display_name or username,
        role=role,
        password_hash=hash_password(password),
        active=True,
        created_at=now,
    )
    session.add(row)
    session.flush()
    append_audit(session, actor, "user_created", None, {"username": username, "role": role}, now)
    return user_of(row)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user when the password is right and the account active; None otherwise, whatever the reason, so that
    the login page cannot be used to learn which usernames exist."""
    row = find_user(session, username)
    if row is None:
        verify_password(password, dummy_hash())
        return None
    if not verify_password(password, row.password_hash) or not row.active:
        log.info("login refused for a user account (id %d)", row.id)
        return None
    return user_of(row)


def set_password(session: Session, username: str, password: str, actor: str, now: datetime) -> None:
    _check_password(password)
    row = require_user(session, username)
    row.password_hash = hash_password(password)
    append_audit(session, actor, "password_set", None, {"username": username}, now)


def deactivate(session: Session, username: str, actor: str, now: datetime) -> None:
    """Accounts are deactivated, never deleted: their decisions keep naming them."""
    row = require_user(session, username)
    row.active = False
    append_audit(session, actor, "user_deactivated", None, {"username": username}, now)
