"""Worklist: the stays to review, filtered and sorted in the store, the ones that most need a look first.

Each row says why a stay needs attention: the proposed DP and its confidence (red when low), whether that DP is
under the selection threshold, the number of PMSI warnings, the patient's sex and age, who has it open now,
whether you left a draft on it, the GHM of the proposed coding (grouping preview) and the revaluation the
letters support (a counting CMA left out: « revalorisation possible », also a filter). The filters live in the
session and in the URL (worklist_state.py): they are the same after opening a stay, coming back, or reloading
the page.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from coding_assistant.store import WorklistRow, WorklistSort
from coding_assistant.store.worklist import DP_THRESHOLD
from coding_review import alerts
from coding_review.auth import now, own_session, require_user, signed_username
from coding_review.dates_fr import PLACEHOLDER, parse_date, show_date
from coding_review.labels import STATUS_LABELS, format_euros, sex_age, status_label, status_of_row
from coding_review.markdown_text import md
from coding_review.navigation import (
    EDITING_WINDOW,
    STAY_PARAM,
    WORKLIST_FLASH,
    announce_presence,
    forget_sequence,
    keep_worklist_state,
    open_stay,
    worklist_state,
)
from coding_review.resources import database_url, store, terminology
from coding_review.session_stays import take_flash
from coding_review.worklist_state import WorklistState

PAGE_SIZE = 100
SORTS: dict[WorklistSort, str] = {
    "to_check": "À vérifier d'abord",
    "dp_score": "Confiance du DP la plus basse d'abord",
    "oldest": "Plus anciens d'abord",
}
ALL_UNITS = "Toutes"
# Confidence colours, low is red: the stays to look at stand out.
LOW, HIGH = DP_THRESHOLD, 0.8
COLOURS = {"low": "background-color:#f8d0d0", "middle": "background-color:#ffe7b8", "high": "background-color:#d6efd6"}
WIDGET_KEYS = ("wl_status", "wl_unit", "wl_search", "wl_from", "wl_to", "wl_revaluation", "wl_sort", "wl_page")


@st.cache_data(ttl=300, show_spinner=False)
def _units(url: str | None) -> list[str]:
    # `url` keys the cache: two stores served by one process do not share their lists.
    return store().units()


def _initial_widgets(state: WorklistState, unit_options: list[str]) -> None:
    """Widgets start from the kept state (after a page switch their own state is gone)."""
    initial = {
        "wl_status": list(state.statuses),
        "wl_unit": state.unit if state.unit in unit_options else ALL_UNITS,
        "wl_search": state.search,
        "wl_from": show_date(state.discharged_from),
        "wl_to": show_date(state.discharged_to),
        "wl_revaluation": state.revaluation,
        "wl_sort": state.sort,
        "wl_page": state.page,
    }
    for key, value in initial.items():
        if key not in st.session_state:
            st.session_state[key] = value


def _date(text: str, label: str) -> date | None:
    try:
        return parse_date(text)
    except ValueError:
        alerts.warning(f"{label} : « {md(text)} » n'est pas une date (attendu : {PLACEHOLDER}) ; filtre ignoré.")
        return None


def _query() -> WorklistState:
    state = worklist_state()
    for problem in state.problems:
        alerts.warning(md(problem))
    unit_options = [ALL_UNITS, *_units(database_url())]
    _initial_widgets(state, unit_options)
    first = st.columns([2.6, 1, 1.4])
    statuses = first[0].pills(
        "Statut", list(STATUS_LABELS), selection_mode="multi", format_func=status_label, key="wl_status"
    )
    unit = first[1].selectbox("Unité médicale", unit_options, key="wl_unit")
    search = first[2].text_input("N° de séjour", key="wl_search", placeholder="tout ou partie du numéro")
    second = st.columns([1, 1, 1, 2.6, 0.8], vertical_alignment="bottom")
    discharged_from = second[0].text_input("Sortie à partir du", key="wl_from", placeholder=PLACEHOLDER)
    discharged_to = second[1].text_input("Sortie jusqu'au", key="wl_to", placeholder=PLACEHOLDER)
    revaluation = second[2].checkbox(
        "Revalorisation possible",
        key="wl_revaluation",
        help="Séjours dont les courriers appuient une CMA non retenue dans les propositions (aperçu de groupage)",
    )
    sort = second[3].radio("Tri", list(SORTS), format_func=SORTS.__getitem__, key="wl_sort", horizontal=True)
    page = second[4].number_input("Page", min_value=1, step=1, key="wl_page")
    chosen = WorklistState(
        statuses=tuple(statuses or ()),
        unit=None if unit == ALL_UNITS else unit,
        search=search or "",
        discharged_from=_date(discharged_from or "", "Sortie à partir du"),
        discharged_to=_date(discharged_to or "", "Sortie jusqu'au"),
        revaluation=bool(revaluation),
        sort=sort,
        page=int(page),
    )
    keep_worklist_state(chosen)
    if dict(st.query_params) != chosen.params():
        st.query_params.from_dict(chosen.params())
    return chosen


def _confidence_colour(score: object) -> str:
    if not isinstance(score, float) or pd.isna(score):
        return ""
    return COLOURS["low"] if score < LOW else COLOURS["middle"] if score < HIGH else COLOURS["high"]


def _attention(rows: list[WorklistRow]) -> tuple[dict[str, str], set[str]]:
    """Who else has each stay open now, and which stays you left a draft on."""
    ids = [r.stay_id for r in rows]
    editing = store().editors(ids, now(), EDITING_WINDOW, own_session())
    username = signed_username()
    drafted = store().drafted_stays(username, ids) if username else set()
    names = {stay_id: ", ".join(e.display_name for e in found) for stay_id, found in editing.items()}
    return names, drafted


def _table(rows: list[WorklistRow]) -> pd.DataFrame:
    label = terminology().terminology.label
    editing, drafted = _attention(rows)
    return pd.DataFrame(
        {
            "Séjour": [r.stay_id for r in rows],
            "Statut": [
                status_label(status_of_row(r.status, r.exported_before)) + (" · à revoir" if r.review_reason else "")
                for r in rows
            ],
            "UM": [r.unit or "" for r in rows],
            "Patient": [sex_age(r.sex, r.age) for r in rows],
            "Entrée": [r.admission_date for r in rows],
            "Sortie": [r.discharge_date for r in rows],
            "Durée (j)": [r.length_of_stay for r in rows],
            "DP proposé": [f"{r.dp_code} {label(r.dp_code)}" if r.dp_code else "" for r in rows],
            "Confiance DP": [r.dp_score for r in rows],
            "Seuil DP": ["sous le seuil" if r.dp_score is not None and r.dp_score < DP_THRESHOLD else "" for r in rows],
            "Alertes": [r.warning_count for r in rows],
            "GHM": [r.ghm or "" for r in rows],
            "Revalorisation": [_revaluation(r) for r in rows],
            "En cours": [_in_progress(editing.get(r.stay_id, ""), r.stay_id in drafted) for r in rows],
        }
    )


def _revaluation(row: WorklistRow) -> str:
    """ "+1 234 € (E440)": what the best supported CMA left out would add to the preview's tariff."""
    if not row.revaluation_eur or not row.revaluation_code:
        return ""
    return f"{format_euros(row.revaluation_eur, signed=True)} ({row.revaluation_code})"


def _in_progress(editors: str, drafted: bool) -> str:
    """Who else has the stay open, and whether you left a draft on it."""
    return " · ".join(part for part in (editors, "votre brouillon" if drafted else "") if part)


# Widths in pixels: the whole table fits beside the sidebar at 1440 px.
COLUMNS = {
    "Séjour": st.column_config.TextColumn("Séjour", width=92),
    "Statut": st.column_config.TextColumn("Statut", width=96),
    "UM": st.column_config.TextColumn("UM", width=56),
    "Patient": st.column_config.TextColumn("Patient", width=66, help="Sexe et âge"),
    "Entrée": st.column_config.DateColumn("Entrée", format="DD/MM/YYYY", width=80),
    "Sortie": st.column_config.DateColumn("Sortie", format="DD/MM/YYYY", width=80),
    "Durée (j)": st.column_config.NumberColumn("Durée", format="%d j", width=52, help="Durée du séjour"),
    "DP proposé": st.column_config.TextColumn("DP proposé", width=140),
    "Confiance DP": st.column_config.NumberColumn("Confiance", format="percent", width=72, help="Confiance du DP"),
    "Seuil DP": st.column_config.TextColumn("Seuil DP", width=80, help="DP proposé sous le seuil de sélection"),
    "Alertes": st.column_config.NumberColumn("Alertes", format="%d", width=56, help="Alertes des règles PMSI"),
    "GHM": st.column_config.TextColumn("GHM", width=62, help="GHM du codage proposé (aperçu de groupage)"),
    "Revalorisation": st.column_config.TextColumn(
        "Revalorisation",
        width=104,
        help="Ce qu'ajouterait au tarif (aperçu) la CMA appuyée par les courriers mais non retenue",
    ),
    "En cours": st.column_config.TextColumn(
        "En cours", width=100, help="Collègue qui a ce séjour ouvert ; brouillon que vous n'avez pas validé"
    ),
}


def render() -> None:
    require_user()
    linked = st.query_params.get(STAY_PARAM)
    if linked:  # a link to a stay (`/?stay=<id>`), sent by a DIM physician: open it
        open_stay(linked)
    announce_presence(None)
    st.title("Liste de travail")
    message = take_flash(WORKLIST_FLASH)
    if message:
        alerts.success(md(message.text))
    query = _query()
    forget_sequence()  # "suivant" walks the list as it is now
    rows = store().worklist(query.filters(), query.sort, limit=PAGE_SIZE + 1, offset=(query.page - 1) * PAGE_SIZE)
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
    table = _table(rows)
    event = st.dataframe(
        table.style.map(_confidence_colour, subset=["Confiance DP"]),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=f"wl_table_{generation}",
        column_config=COLUMNS,
    )
    selected = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    chooser, button = st.columns([3, 1], vertical_alignment="bottom")
    stay_id = chooser.selectbox("Séjour à ouvrir", [r.stay_id for r in rows], key="wl_open_choice")
    if button.button("Ouvrir le séjour", type="primary", key="wl_open"):
        _open(stay_id)
    if selected:
        _open(rows[selected[0]].stay_id)


def _open(stay_id: str | None) -> None:
    if stay_id is None:
        return
    st.session_state["wl_generation"] = st.session_state.get("wl_generation", 0) + 1
    open_stay(stay_id)
