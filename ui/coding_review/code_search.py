"""Adding a code the product did not propose: search-as-you-type over the CIM-10 FR index.

The search lives in a fragment: each pause in typing reruns this box alone (a query takes a few milliseconds),
not the whole stay page.
"""

from __future__ import annotations

import html
import inspect

import streamlit as st

from coding_assistant.errors import QueryError
from coding_review.auth import require_user_in_fragment
from coding_review.markdown_text import md
from coding_review.resources import terminology
from coding_review.session_stays import open_stay_data, renew_widgets

RESULTS = 8
# `live` (commit while typing) arrived in recent Streamlit versions; older ones search on Enter.
_LIVE = {"live": True} if "live" in inspect.signature(st.text_input).parameters else {}


def _search_key(stay_id: str) -> str:
    return f"{stay_id}:code_search"


def _added_key(stay_id: str) -> str:
    return f"{stay_id}:code_added"


def _add(stay_id: str, code: str, label: str) -> None:
    # A callback: it may clear the search box, which the script cannot do once the box is drawn.
    opened = open_stay_data(stay_id)
    opened.draft.add(code, label)
    renew_widgets(opened)  # a code listed already may have been ticked by this
    st.session_state[_search_key(stay_id)] = ""
    st.session_state[_added_key(stay_id)] = code


@st.fragment
def code_search(stay_id: str) -> None:
    require_user_in_fragment()  # each pause in typing reruns this fragment alone: check the session here too
    if st.session_state.pop(_added_key(stay_id), None):
        # The new code must appear in the list above, which is outside this fragment.
        st.rerun(scope="app")
    query = st.text_input(
        "Ajouter un code",
        key=_search_key(stay_id),
        placeholder="libellé, abréviation ou début de code (ex. « bpco exacerbée », « I50 »)",
        **_LIVE,
    )
    if not query.strip():
        return
    try:
        results = terminology().index.search(query, RESULTS)
    except QueryError as exc:
        st.caption(f"Recherche impossible : {md(exc)}")
        return
    if not results:
        st.caption("Aucun code trouvé.")
        return
    for result in results:
        text, action = st.columns([3, 1.3], vertical_alignment="center")
        mark = "" if result.codable else " <i>(catégorie non codable : choisir un code plus précis)</i>"
        text.html(f"<b>{html.escape(result.code)}</b> {html.escape(result.label)}{mark}")
        action.button(
            "Ajouter",
            key=f"{stay_id}:add:{result.code}",
            disabled=not result.codable,
            on_click=_add,
            args=(stay_id, result.code, result.label),
        )
