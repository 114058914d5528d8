"""Users of the review UI: coders, DIM physicians and administrators; their sign-in, with lockout.

Sign-in failures are counted in the store (table sign_in_failures) per account and per client address, so that
neither a page reload nor a new browser session starts the count again. Every refused attempt is audited with
the account (or "unknown" and a short digest when no account has that name: what was typed may be a password),
the client address and the reason; passwords are never written anywhere.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from coding_assistant.store.audit import append_audit
from coding_assistant.store.columns import USER_ROLES
from coding_assistant.store.errors import UserError
from coding_assistant.store.models import SignInFailureRow, UserRow
from coding_assistant.store.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    dummy_hash,
    hash_password,
    password_problem,
    verify_password,
)
from coding_assistant.store.views import User

log = logging.getLogger(__name__)

PASSWORD_RULES = {
    "blank": "a password cannot be made of spaces only",
    "too_short": f"at least {MIN_PASSWORD_LENGTH} characters are required (spaces at either end do not count)",
    "too_long": f"at most {MAX_PASSWORD_LENGTH} characters",
    "username": "the password cannot be the username",
}
ANONYMOUS = "anonymous"  # the audit actor of a refused sign-in: nobody is signed in
MAX_CLIENT_LENGTH = 64
SignInOutcome = Literal["signed_in", "refused", "account_locked", "client_locked"]


class PasswordPolicyError(UserError):
    """A password the policy refuses; `rule` is one of PASSWORD_RULES (the UI words it in French)."""

    def __init__(self, rule: str) -> None:
        super().__init__(f"password refused: {PASSWORD_RULES[rule]}")
        self.rule = rule


@dataclass(frozen=True, slots=True)
class SignInLimits:
    """How many refused sign-ins within `window` lock an account, or a client address, out (sliding window: the
    lock ends when the oldest counted failure leaves the window). The per-client limit is higher: a ward's
    workstations may share one address (NAT, or a reverse proxy not configured to pass the client's on)."""

    window: timedelta = timedelta(minutes=15)
    per_account: int = 5
    per_client: int = 20


@dataclass(frozen=True, slots=True)
class Account:
    """What a signed-in session checks on every page: the account still exists, is active, has the same role
    and the same password (`stamp`, a digest of the hash: a password reset ends the sessions opened before)."""

    user: User
    stamp: str


@dataclass(frozen=True, slots=True)
class SignInResult:
    outcome: SignInOutcome
    account: Account | None = None  # when signed in
    retry_at: datetime | None = None  # when a locked account or client may try again


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


def _check_password(password: str, username: str) -> None:
    rule = password_problem(password, username)
    if rule is not None:
        raise PasswordPolicyError(rule)


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
    _check_password(password, username)
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
    row = require_user(session, username)
    _check_password(password, row.username)
    row.password_hash = hash_password(password)
    append_audit(session, actor, "password_set", None, {"username": username}, now)


def deactivate(session: Session, username: str, actor: str, now: datetime) -> None:
    """Accounts are deactivated, never deleted: their decisions keep naming them."""
    row = require_user(session, username)
    row.active = False
    append_audit(session, actor, "user_deactivated", None, {"username": username}, now)


# Sign-in with lockout -----------------------------------------------------------------------------------------
def account_key(row: UserRow | None, typed: str) -> str:
    """The failure counter's key: the account's id, or for a name no account has, 16 bits of its digest. Enough
    to count repeated tries of one unknown name (so that unknown names lock out like real ones and the lockout
    does not tell which names exist), far too little to recover what was typed."""
    if row is not None:
        return f"user:{row.id}"
    return "unknown:" + hashlib.sha256(typed.strip().casefold().encode("utf-8", "surrogatepass")).hexdigest()[:4]


def _locked_until(
    session: Session, column: InstrumentedAttribute[str], key: str, limit: int, now: datetime, window: timedelta
) -> datetime | None:
    """When the key may try again, if `limit` failures fall within the window; None when it may try now."""
    recent = (
        session.execute(
            select(SignInFailureRow.at)
            .where(column == key, SignInFailureRow.at > now - window)
            .order_by(SignInFailureRow.at.desc())
            .limit(limit)
        )
        .scalars()
        .all()
    )
    if len(recent) < limit:
        return None
    return recent[-1] + window


def sign_in(
    session: Session, username: str, password: str, client: str, now: datetime, limits: SignInLimits
) -> SignInResult:
    """Check the credentials unless the account or the client is locked out; count and audit each refusal.

    The same answer ("refused") whether the name is unknown, the password wrong or the account deactivated, so
    that the sign-in page cannot be used to learn which accounts exist; the audit log keeps the reason.
    """
    client = (client or "unknown")[:MAX_CLIENT_LENGTH]
    username = username.strip()
    row = find_user(session, username) if username else None
    account = account_key(row, username)
    named = row.username if row is not None else "unknown"
    details: dict[str, object] = {"account": named, "client": client}
    if row is None:
        details["digest"] = account.removeprefix("unknown:")
    # Failures that left the window count no more: drop them (this table is a counter, not a history).
    session.execute(delete(SignInFailureRow).where(SignInFailureRow.at <= now - limits.window))

    locks: tuple[tuple[SignInOutcome, InstrumentedAttribute[str], str, int], ...] = (
        ("client_locked", SignInFailureRow.client, client, limits.per_client),
        ("account_locked", SignInFailureRow.account, account, limits.per_account),
    )
    for outcome, column, key, limit in locks:
        retry_at = _locked_until(session, column, key, limit, now, limits.window)
        if retry_at is not None:
            # The password is not even checked: a locked-out guesser learns nothing more.
            append_audit(session, ANONYMOUS, "sign_in_refused", None, {**details, "reason": outcome}, now)
            return SignInResult(outcome, retry_at=retry_at)

    if row is None:
        verify_password(password, dummy_hash())  # as long as a real check: the timing tells nothing either
        reason = "unknown_account"
    elif not verify_password(password, row.password_hash):
        reason = "wrong_password"
    elif not row.active:
        reason = "deactivated"
    else:
        session.execute(delete(SignInFailureRow).where(SignInFailureRow.account == account))
        append_audit(session, row.username, "user_signed_in", None, {"client": client}, now)
        return SignInResult("signed_in", account=Account(user_of(row), credential_stamp(row)))
    if row is not None:
        log.info("sign-in refused for a user account (id %d): %s", row.id, reason)
    session.add(SignInFailureRow(at=now, account=account, client=client))
    append_audit(session, ANONYMOUS, "sign_in_refused", None, {**details, "reason": reason}, now)
    return SignInResult("refused")


def credential_stamp(row: UserRow) -> str:
    return hashlib.sha256(row.password_hash.encode("ascii", "replace")).hexdigest()[:16]


def current_account(session: Session, username: str) -> Account | None:
    """The account as it is now, or None when it no longer exists or is deactivated."""
    row = find_user(session, username)
    if row is None or not row.active:
        return None
    return Account(user_of(row), credential_stamp(row))
