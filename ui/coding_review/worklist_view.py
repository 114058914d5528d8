"""Worklist: the stays to review, filtered and sorted in the store (least confident DP first by default)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from coding_assistant.store import WorklistFilter, WorklistRow, WorklistSort
from coding_assistant.store.dashboard import units
from coding_review import alerts
from coding_review.auth import require_user
from coding_review.labels import STATUS_LABELS, format_date, status_label
from coding_review.navigation import open_stay
from coding_review.resources import database_url, store, terminology

PAGE_SIZE = 100
SORTS: dict[WorklistSort, str] = {
    "dp_score": "Confiance du DP la plus basse d'abord",
    "oldest": "Plus anciens d'abord",
}
DEFAULT_STATUSES = ["to_code", "proposed"]
ALL_UNITS = "Toutes"


@dataclass(frozen=True, slots=True)
class WorklistQuery:
    filters: WorklistFilter
    sort: WorklistSort
    page: int


@st.cache_data(ttl=300, show_spinner=False)
def _units(url: str | None) -> list[str]:
    # `url` keys the cache: two stores served by one process do not share their lists.
    with store().sessions() as session:
        return units(session)


def _query() -> WorklistQuery:
    first = st.columns([2.4, 1.2, 1.6])
    statuses = first[0].multiselect(
        "Statut", list(STATUS_LABELS), default=DEFAULT_STATUSES, format_func=status_label, key="wl_status"
    )
    unit = first[1].selectbox("Unité médicale", [ALL_UNITS, *_units(database_url())], key="wl_unit")
    search = first[2].text_input("N° de séjour", key="wl_search", placeholder="tout ou partie du numéro")
    second = st.columns([1, 1, 1.6, 1])
    discharged_from = second[0].date_input("Sortie à partir du", value=None, format="DD/MM/YYYY", key="wl_from")
    discharged_to = second[1].date_input("Sortie jusqu'au", value=None, format="DD/MM/YYYY", key="wl_to")
    sort = second[2].radio("Tri", list(SORTS), format_func=SORTS.__getitem__, key="wl_sort", horizontal=False)
    page = second[3].number_input("Page", min_value=1, value=1, step=1, key="wl_page")
    filters = WorklistFilter(
        status=statuses or None,
        unit=None if unit == ALL_UNITS else unit,
        discharged_from=discharged_from,
        discharged_to=discharged_to,
        search=search.strip() or None,
    )
    return WorklistQuery(filters, sort, int(page))


def _table(rows: list[WorklistRow]) -> pd.DataFrame:
    label = terminology().terminology.label
    return pd.DataFrame(
        {
            "Séjour": [r.stay_id for r in rows],
            "Statut": [status_label(r.status) for r in rows],
            "UM": [r.unit or "" for r in rows],
            "Entrée": [format_date(r.admission_date) for r in rows],
            "Sortie": [format_date(r.discharge_date) for r in rows],
            "Durée (j)": [r.length_of_stay for r in rows],
            "DP proposé": [r.dp_code or "" for r in rows],
            "Libellé du DP": [label(r.dp_code) if r.dp_code else "" for r in rows],
            "Confiance DP": [r.dp_score for r in rows],
        }
    )


def render() -> None:
    require_user()
    st.title("Liste de travail")
    query = _query()
    rows = store().worklist(query.filters, query.sort, limit=PAGE_SIZE + 1, offset=(query.page - 1) * PAGE_SIZE)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if not rows:
        alerts.info("Aucun séjour ne correspond à ces critères.")
        return
    first = (query.page - 1) * PAGE_SIZE + 1
    st.caption(f"Séjours {first} à {first + len(rows) - 1}" + (" — page suivante disponible" if more else ""))
    # The table's key changes after each opening, so that coming back does not find the old selection and
    # open the same stay again.
    generation = st.session_state.get("wl_generation", 0)
    event = st.dataframe(
        _table(rows),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=f"wl_table_{generation}",
        column_config={
            "Confiance DP": st.column_config.ProgressColumn(
                "Confiance DP", min_value=0.0, max_value=1.0, format="percent"
            ),
            "Durée (j)": st.column_config.NumberColumn("Durée (j)", format="%d"),
        },
    )
    selected = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    chooser, button = st.columns([3, 1], vertical_alignment="bottom")
    stay_id = chooser.selectbox("Séjour à ouvrir", [r.stay_id for r in rows], key="wl_open_choice")
    if button.button("Ouvrir le séjour", type="primary", key="wl_open"):
        _open(stay_id)
    if selected:
        _open(rows[selected[0]].stay_id)


def _open(stay_id: str) -> None:
    st.session_state["wl_generation"] = st.session_state.get("wl_generation", 0) + 1
    open_stay(stay_id)
