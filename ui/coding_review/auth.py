"""Who is signed in. Every page calls `require_user` (fragments `require_user_in_fragment`), so that none can be
reached signed out, and each call checks the session again:

- idle and absolute timeouts (CODING_ASSISTANT_UI_IDLE_TIMEOUT_MINUTES, …_SESSION_MAX_HOURS);
- the account as the store has it now: deactivated, given another role or a new password since the sign-in,
  the session ends at its next rerun.

Sign-in goes through the store's lockout (store/users.py): refused attempts are counted per account and per
client address in the store, so a reload or a new browser session does not reset them.

A session is also a row of the store (store/ui_sessions.py) named by a random token the browser keeps in an
HttpOnly cookie (session_cookie.py): a page reload, which starts a new Streamlit session, resumes it, with the
same timeouts and the same account checks, instead of signing the coder out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import streamlit as st

from coding_assistant.store import User
from coding_assistant.store.users import SignInLimits, SignInResult
from coding_assistant.ui_settings import UiSettings, get_ui_settings
from coding_review import alerts
from coding_review.downloads import client_name
from coding_review.labels import format_datetime
from coding_review.page_script import HANDOFF_KEY
from coding_review.resources import store
from coding_review.session_cookie import COOKIE_NAME, HANDOFFS

USER_KEY = "signed_in_user"
NOTICE_KEY = "sign_in_notice"
FAILURES_KEY = "sign_in_failures"
# Each failed attempt in a browser session also waits a little longer before answering, on top of the lockout.
FAILURE_DELAY_S, MAX_FAILURE_DELAY_S = 0.3, 3.0
REFUSED = "Identifiant ou mot de passe incorrect, ou compte désactivé."
# The store's copy of "last seen" moves at most this often (a write per click would be wasted): the idle
# timeout of a resumed session may come up to this much early.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass
class SignedIn:
    """The signed-in session. Mutable on purpose: `last_seen` moves at each rerun, and a download prepared for
    this session (a callable run outside the script, export_view.py) reads it to refuse a session that ended."""

    user: User
    stamp: str  # digest of the password hash at sign-in
    signed_in_at: datetime
    last_seen: datetime
    ended: bool = False
    token_hash: str | None = None  # the store's session row (None: not kept, e.g. the store refused it)
    touched: datetime | None = None  # when the row's last_seen_at was last written


def now() -> datetime:
    """The clock of sessions and lockouts (tests move it)."""
    return datetime.now(UTC)


def client_address() -> str:
    """The browser's address as the server sees it; behind a reverse proxy, the one the proxy passes on
    (uvicorn reads X-Forwarded-For from the addresses in FORWARDED_ALLOW_IPS, 127.0.0.1 by default)."""
    try:
        address = st.context.ip_address
    except Exception:  # no client context (a bare script run): count it as local
        address = None
    # Anything but a non-empty string (no connection: AppTest, a bare run) counts as local.
    return client_name(address if isinstance(address, str) else None)


def settings() -> UiSettings:
    return get_ui_settings()


def _limits(config: UiSettings) -> SignInLimits:
    return SignInLimits(
        window=config.lockout_window,
        per_account=config.lockout_account_failures,
        per_client=config.lockout_client_failures,
    )


def _retry_time(retry_at: datetime | None) -> str:
    # Rounded up to the minute shown: "à partir de 14:32" must not be a minute too early.
    return format_datetime(retry_at + timedelta(seconds=59)) if retry_at else "quelques minutes"


def sign_in(username: str, password: str) -> str | None:
    """None when signed in; otherwise the French message to show (after a delay that grows with each failure)."""
    if username.strip() and password:
        result = store().sign_in(username, password, client_address(), now(), _limits(settings()))
    else:
        result = SignInResult("refused")
    if result.account is not None:
        st.session_state.pop(FAILURES_KEY, None)
        st.session_state.pop(NOTICE_KEY, None)
        moment = now()
        signed = SignedIn(result.account.user, result.account.stamp, moment, moment, touched=moment)
        signed.token_hash = _keep_session(signed)
        st.session_state[USER_KEY] = signed
        return None
    failures = st.session_state.get(FAILURES_KEY, 0) + 1
    st.session_state[FAILURES_KEY] = failures
    time.sleep(min(MAX_FAILURE_DELAY_S, FAILURE_DELAY_S * failures))
    if result.outcome == "account_locked":
        return (
            "Trop de tentatives de connexion pour cet identifiant : il est bloqué jusqu'à "
            f"{_retry_time(result.retry_at)}."
        )
    if result.outcome == "client_locked":
        return (
            "Trop de tentatives de connexion depuis ce poste : les connexions en sont bloquées jusqu'à "
            f"{_retry_time(result.retry_at)}."
        )
    return REFUSED


def _keep_session(signed: SignedIn) -> str:
    """Write the session to the store and hand its token to the browser's cookie (through the page script)."""
    config, client = settings(), client_address()
    token, digest = store().start_ui_session(signed.user.username, signed.stamp, client, signed.signed_in_at)
    max_age = int(config.session_max.total_seconds())
    st.session_state[HANDOFF_KEY] = HANDOFFS.offer(token, client, max_age)
    return digest


def browser_token() -> str | None:
    """The session token the browser sent with this connection (tests replace this function)."""
    try:
        token = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # no browser connection (a bare script run)
        return None
    return token if isinstance(token, str) and 0 < len(token) <= 128 else None


def _resume() -> SignedIn | None:
    """The session the browser's cookie names, when it is still live: a page reload does not sign out."""
    token = browser_token()
    if token is None:
        return None
    config, moment = settings(), now()
    kept = store().find_ui_session(token)
    if kept is None:
        return None
    signed = SignedIn(
        User(kept.username, kept.username, "", True, kept.created_at),
        kept.stamp,
        kept.created_at,
        kept.last_seen_at,
        token_hash=kept.token_hash,
        touched=kept.last_seen_at,
    )
    account = store().current_account(kept.username)
    if account is not None:
        signed.user = account.user
    problem = _session_problem(signed, moment, config)
    if problem is not None:
        _end_session(signed, problem, config)
        return None
    signed.last_seen = moment
    store().append_audit(signed.user.username, "session_resumed", details={"client": client_address()})
    return signed


def _touch(signed: SignedIn, moment: datetime) -> None:
    if signed.token_hash is None or (signed.touched is not None and moment - signed.touched < TOUCH_EVERY):
        return
    signed.touched = moment
    store().touch_ui_session(signed.token_hash, moment)


def _end_stored(signed: SignedIn, reason: str) -> None:
    if signed.token_hash is None:
        return
    store().end_ui_session(signed.token_hash, reason, now())


def set_open_stay(stay_id: str | None) -> None:
    """Tell colleagues which stay this session has open now (None: none)."""
    signed: SignedIn | None = st.session_state.get(USER_KEY)
    if signed is None or signed.token_hash is None:
        return
    moment = now()
    store().set_open_stay(signed.token_hash, stay_id, moment)
    signed.touched = moment


def signed_username() -> str | None:
    """The signed-in user's name as the session holds it (no store check: for bookkeeping, not for access)."""
    signed: SignedIn | None = st.session_state.get(USER_KEY)
    return signed.user.username if signed else None


def own_session() -> str | None:
    signed: SignedIn | None = st.session_state.get(USER_KEY)
    return signed.token_hash if signed else None


def _session_problem(signed: SignedIn, moment: datetime, config: UiSettings) -> str | None:
    """Why the session must end now ("idle", "expired", "deactivated", "role_changed", "password_changed")."""
    if signed.ended:
        return "ended"
    if moment - signed.last_seen > config.idle_timeout:
        return "idle"
    if moment - signed.signed_in_at > config.session_max:
        return "expired"
    account = store().current_account(signed.user.username)
    if account is None:
        return "deactivated"
    if account.user.role != signed.user.role:
        return "role_changed"
    if account.stamp != signed.stamp:
        return "password_changed"
    return None


def _notice(reason: str, config: UiSettings) -> str:
    return {
        "idle": f"Session fermée après {config.idle_timeout_minutes:g} minutes sans activité : reconnectez-vous.",
        "expired": f"Session fermée : elle a atteint sa durée maximale ({config.session_max_hours:g} h). "
        "Reconnectez-vous.",
        "deactivated": "Session fermée : ce compte a été désactivé.",
        "role_changed": "Session fermée : le profil de ce compte a changé. Reconnectez-vous.",
        "password_changed": "Session fermée : le mot de passe de ce compte a été changé. Reconnectez-vous.",
    }.get(reason, "Session fermée : reconnectez-vous.")


def _end_session(signed: SignedIn, reason: str, config: UiSettings) -> None:
    signed.ended = True
    _end_stored(signed, reason)
    store().append_audit(signed.user.username, "session_ended", details={"reason": reason})
    # Everything the session held (open stays, drafts) belonged to that user.
    st.session_state.clear()
    st.session_state[NOTICE_KEY] = _notice(reason, config)


def signed_in() -> SignedIn | None:
    """The session's sign-in, checked now (timeouts, the account in the store); None when signed out."""
    signed: SignedIn | None = st.session_state.get(USER_KEY)
    if signed is None:
        if NOTICE_KEY in st.session_state:
            return None  # the session has just ended: do not resume it from the cookie
        signed = _resume()
        if signed is None:
            return None
        st.session_state[USER_KEY] = signed
        return signed
    config, moment = settings(), now()
    problem = _session_problem(signed, moment, config)
    if problem is not None:
        _end_session(signed, problem, config)
        return None
    signed.last_seen = moment
    _touch(signed, moment)
    return signed


def current_user() -> User | None:
    signed = signed_in()
    return signed.user if signed else None


def still_valid(signed: SignedIn, roles: tuple[str, ...] = ()) -> bool:
    """Whether `signed` may still act, checked without the script's context (a download's callable runs on
    another thread): not ended, not timed out, the account unchanged and, with `roles`, in one of them."""
    if signed.ended or (roles and signed.user.role not in roles):
        return False
    return _session_problem(signed, now(), settings()) is None


def keep_session_after_own_password_change() -> None:
    """An administrator who changes their own password on the accounts page stays signed in (any other
    session of theirs still ends)."""
    signed: SignedIn | None = st.session_state.get(USER_KEY)
    if signed is None:
        return
    account = store().current_account(signed.user.username)
    if account is not None:
        signed.stamp = account.stamp


def take_notice() -> str | None:
    """The message saying why the last session ended, shown once on the sign-in page."""
    return st.session_state.pop(NOTICE_KEY, None)


def sign_out() -> None:
    signed: SignedIn | None = st.session_state.get(USER_KEY)
    if signed is not None:
        signed.ended = True
        _end_stored(signed, "signed_out")
        store().append_audit(signed.user.username, "user_signed_out")
    st.session_state.clear()


def require_user(*roles: str) -> User:
    """The signed-in user, allowed on this page; otherwise the page stops here."""
    user = current_user()
    if user is None:
        alerts.warning("Connectez-vous pour accéder à cette page.")
        st.stop()
    if roles and user.role not in roles:
        alerts.error("Cette page est réservée à d'autres profils.")
        st.stop()
    return user


def require_user_in_fragment(*roles: str) -> User:
    """As `require_user`, for a fragment: a fragment's rerun does not run the page, so it checks the session
    itself; a session that ended reruns the whole app, which then shows the sign-in page."""
    user = current_user()
    if user is None or (roles and user.role not in roles):
        st.rerun(scope="app")
    assert user is not None
    return user
