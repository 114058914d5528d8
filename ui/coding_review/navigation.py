"""Moving between the worklist and the stays: which stay is open, and the list "suivant" / "précédent" walk.

The open stay is in the session and in the URL (`/sejour?stay=<id>`, with the worklist's filters), so that a
reload reopens it and a DIM physician can send a coder a link to a stay (the link asks to sign in first when
needed; every signed-in role may open every stay). The list is the worklist as filtered when the coder last
saw it, kept as it was (a validated stay keeps its place), so that "précédent" goes back to it.
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from coding_review.auth import set_open_stay
from coding_review.resources import store
from coding_review.session_stays import forget_unless_unsaved
from coding_review.worklist_state import PARAMS, WorklistState, from_params

OPEN_STAY_KEY = "open_stay_id"
PRESENCE_KEY = "presence_stay"
STATE_KEY = "worklist_state"
SEQUENCE_KEY = "worklist_sequence"
STAY_PARAM = "stay"
STAY_PAGE = "views/stay.py"
WORKLIST_PAGE = "views/worklist.py"
WORKLIST_FLASH = "__worklist__"  # the key of a one-time message shown on the worklist
EDITING_WINDOW = timedelta(minutes=15)  # a colleague's session active this recently "has the stay open"
SEQUENCE_LIMIT = 2000  # stays "suivant" can walk through (light rows: a few milliseconds)


def worklist_state() -> WorklistState:
    """The worklist's filters: the session's, else those of the URL (after a reload or from a link)."""
    state = st.session_state.get(STATE_KEY)
    if state is None:
        state = from_params({name: st.query_params[name] for name in PARAMS if name in st.query_params})
        st.session_state[STATE_KEY] = state
    return state


def keep_worklist_state(state: WorklistState) -> None:
    if st.session_state.get(STATE_KEY) != state:
        st.session_state.pop(SEQUENCE_KEY, None)
    st.session_state[STATE_KEY] = state


def forget_sequence() -> None:
    """The worklist is being shown again: the next stay walk starts from the list as it is now."""
    st.session_state.pop(SEQUENCE_KEY, None)


def sequence() -> list[str]:
    found = st.session_state.get(SEQUENCE_KEY)
    if found is None:
        state = worklist_state()
        rows = store().worklist(state.filters(), state.sort, limit=SEQUENCE_LIMIT)
        found = [row.stay_id for row in rows]
        st.session_state[SEQUENCE_KEY] = found
    return found


def neighbour(stay_id: str, step: int) -> str | None:
    """The stay `step` places after (or before) `stay_id` in the list; a stay outside the list (opened from a
    link) is followed by the list's first stay."""
    ids = sequence()
    if stay_id not in ids:
        return next((other for other in ids if other != stay_id), None) if step > 0 else None
    position = ids.index(stay_id) + step
    return ids[position] if 0 <= position < len(ids) else None


def position(stay_id: str) -> tuple[int, int] | None:
    ids = sequence()
    return (ids.index(stay_id) + 1, len(ids)) if stay_id in ids else None


def page_params(stay_id: str | None) -> dict[str, str]:
    params = worklist_state().params()
    if stay_id is not None:
        params = {STAY_PARAM: stay_id, **params}
    return params


def show_stay(stay_id: str) -> None:
    """Make `stay_id` the open stay (on the stay page, the caller reruns)."""
    forget_unless_unsaved(stay_id)
    st.session_state[OPEN_STAY_KEY] = stay_id
    st.query_params.from_dict(page_params(stay_id))


def open_stay(stay_id: str) -> None:
    show_stay(stay_id)
    st.switch_page(STAY_PAGE, query_params=page_params(stay_id))


def opened_stay_id() -> str | None:
    """The open stay; the URL's `?stay=` wins when it names another one (a link, the browser's history)."""
    linked = st.query_params.get(STAY_PARAM)
    current = st.session_state.get(OPEN_STAY_KEY)
    if linked and linked != current:
        forget_unless_unsaved(linked)
        st.session_state[OPEN_STAY_KEY] = linked
        return linked
    return current


def back_to_worklist() -> None:
    st.switch_page(WORKLIST_PAGE, query_params=worklist_state().params())


def announce_presence(stay_id: str | None) -> None:
    """Tell colleagues which stay this session has open (written when it changes, not at every click)."""
    if st.session_state.get(PRESENCE_KEY, "") != stay_id:
        st.session_state[PRESENCE_KEY] = stay_id
        set_open_stay(stay_id)
