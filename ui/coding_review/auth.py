"""Who is signed in. Every page calls `require_user`, so that none can be reached signed out."""

from __future__ import annotations

import time

import streamlit as st

from coding_assistant.store import User
from coding_review import alerts
from coding_review.resources import store

USER_KEY = "signed_in_user"
FAILURES_KEY = "sign_in_failures"
# Each failed attempt in a session waits a little longer before answering: slows password guessing down.
FAILURE_DELAY_S, MAX_FAILURE_DELAY_S = 0.3, 3.0


def current_user() -> User | None:
    return st.session_state.get(USER_KEY)


def sign_in(username: str, password: str) -> User | None:
    """The user when the credentials are right (and the account active); None otherwise, after a delay."""
    user = store().authenticate(username.strip(), password) if username.strip() and password else None
    if user is None:
        failures = st.session_state.get(FAILURES_KEY, 0) + 1
        st.session_state[FAILURES_KEY] = failures
        time.sleep(min(MAX_FAILURE_DELAY_S, FAILURE_DELAY_S * failures))
        return None
    st.session_state[FAILURES_KEY] = 0
    st.session_state[USER_KEY] = user
    store().append_audit(user.username, "user_signed_in")
    return user


def sign_out() -> None:
    user = current_user()
    if user is not None:
        store().append_audit(user.username, "user_signed_out")
    # Everything the session held (open stays, drafts) belonged to that user.
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
