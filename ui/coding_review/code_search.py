"""Adding a code the product did not propose: search-as-you-type over the CIM-10 FR index, right under the
current coding. Each result adds its code in one click, as DAS or straight as DP (the DP it replaces becomes a
DAS). Drawn inside the coding panel's fragment: a pause in typing reruns the panel, not the documents.
"""

from __future__ import annotations

import html
import inspect
from collections.abc import Callable

import streamlit as st

from coding_assistant.errors import QueryError
from coding_review.draft import Role
from coding_review.markdown_text import md
from coding_review.resources import terminology

RESULTS = 8
# `live` (commit while typing) arrived in recent Streamlit versions; older ones search on Enter.
_LIVE = {"live": True} if "live" in inspect.signature(st.text_input).parameters else {}
BOX_KEY = "code_search_box"  # the page script finds the box by this (Alt+A)


def search_key(stay_id: str) -> str:
    return f"{stay_id}:code_search"


def code_search(stay_id: str, add: Callable[[str, str, str, Role], None]) -> None:
    """`add(stay_id, code, label, role)`: the panel's callback, which also clears the box."""
    with st.container(key=BOX_KEY):
        query = st.text_input(
            "Ajouter un code (Alt+A)",
            key=search_key(stay_id),
            placeholder="Ajouter un code (Alt+A) : libellé, abréviation ou début de code (« bpco exacerbée », « I50 »)",
            label_visibility="collapsed",  # the placeholder says it; the label stays for screen readers
            **_LIVE,
        )
    if not query or not query.strip():
        return
    try:
        results = terminology().index.search(query, RESULTS)
    except QueryError as exc:
        st.caption(f"Recherche impossible : {md(exc)}")
        return
    if not results:
        st.caption("Aucun code trouvé.")
        return
    with st.container(key="search_results"):
        for result in results:
            text, as_das, as_dp = st.columns([6, 1.1, 1.1], vertical_alignment="center", gap="small")
            mark = "" if result.codable else " <i>(catégorie non codable : choisir un code plus précis)</i>"
            text.html(f"<b>{html.escape(result.code)}</b> {html.escape(result.label)}{mark}")
            for column, role in ((as_das, "DAS"), (as_dp, "DP")):
                column.button(
                    role,
                    key=f"{stay_id}:add:{result.code}:{role}",
                    help=f"Ajouter ce code en {role}",
                    disabled=not result.codable,
                    on_click=add,
                    args=(stay_id, result.code, result.label, role),
                    width="stretch",
                )
