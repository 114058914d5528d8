"""Moving between pages: which stay is open is kept in the session, not in the URL (a URL could be shared
with someone signed in as another user)."""

from __future__ import annotations

import streamlit as st

from coding_review.session_stays import forget_unless_unsaved

OPEN_STAY_KEY = "open_stay_id"
STAY_PAGE = "views/stay.py"
WORKLIST_PAGE = "views/worklist.py"


def open_stay(stay_id: str) -> None:
    forget_unless_unsaved(stay_id)
    st.session_state[OPEN_STAY_KEY] = stay_id
    st.switch_page(STAY_PAGE)


def opened_stay_id() -> str | None:
    return st.session_state.get(OPEN_STAY_KEY)


def back_to_worklist() -> None:
    st.switch_page(WORKLIST_PAGE)
