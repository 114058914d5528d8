"""The stay's CCAM acts in the coding panel, between the diagnoses and the code search, one line per act:

- the kept acts (the product's selected proposals, the acts the stay came with — its RUM's act zones, or the
  `codes.acts` of a stay read without a RUM line —, or those of the latest validation), each with its date and
  activity editable and a button to drop it;
- the other proposals, each with its score and count of mentions, kept in one click;
- a search-as-you-type over the CCAM that adds an act, activity 1, dated on the day of entry.

The phase follows the CCAM table for the chosen activity (`ccam_code_activite_phase_dernier_tarif.csv`):
most acts have phase 0 only. The kept acts go to the grouping preview and are saved with the validation; the
export writes them to the RUM's act zones. Drawn inside the panel's fragment; every change goes through a
callback, like the diagnoses (coding_panel.py).
"""

from __future__ import annotations

import html
import inspect
from collections.abc import Callable
from datetime import date

import streamlit as st

from coding_assistant.acts import check_act
from coding_assistant.errors import QueryError
from coding_review.coding_rows import ACTIVITY_LABELS, act_row
from coding_review.draft import ActChoice, ActLine
from coding_review.markdown_text import md
from coding_review.resources import ccam
from coding_review.rule_text import warning_text
from coding_review.session_stays import open_stay_data
from coding_review.stay_data import OpenStay

RESULTS = 6
# The two activities a coder sets here (CCAM: 1 = the act itself, 4 = its anaesthesia); an act read with
# another one keeps it as an option.
EDITABLE_ACTIVITIES = (1, 4)
_LIVE = {"live": True} if "live" in inspect.signature(st.text_input).parameters else {}

Persist = Callable[[str], None]


def act_search_key(stay_id: str) -> str:
    return f"{stay_id}:act_search"


# Callbacks ------------------------------------------------------------------------------------------------------
def _keep(stay_id: str, key: str, kept: bool, persist: Persist) -> None:
    open_stay_data(stay_id).draft.keep_act(key, kept)
    persist(stay_id)


def _activity(stay_id: str, key: str, widget: str, persist: Persist) -> None:
    draft = open_stay_data(stay_id).draft
    line = draft.act_line(key)
    activity = st.session_state.get(widget)
    if line is None or not isinstance(activity, int):
        return
    draft.set_act_activity(key, activity, ccam().default_phase(line.code, activity))
    persist(stay_id)


def _date(stay_id: str, key: str, widget: str, persist: Persist) -> None:
    day = st.session_state.get(widget)
    open_stay_data(stay_id).draft.set_act_date(key, day if isinstance(day, date) else None)
    persist(stay_id)


def _add(stay_id: str, code: str, label: str, persist: Persist) -> None:
    opened = open_stay_data(stay_id)
    # Activity 1 (the act); dated on the day of entry, which the coder changes for a later act.
    opened.draft.add_act(code, label, 1, ccam().default_phase(code, 1), opened.stay.admission_date)
    st.session_state[act_search_key(stay_id)] = ""
    persist(stay_id)


# Checks ---------------------------------------------------------------------------------------------------------
def act_warnings(opened: OpenStay) -> list[str]:
    """The PMSI checks of the kept acts, in French with their FG return code: act unknown or out of its
    validity, sex, age, activity and phase, date outside the stay, date missing (mandatory in the RUM)."""
    stay, catalogue = opened.stay, ccam().catalogue
    texts: list[str] = []
    for line, choice in opened.draft.kept_acts():
        for warning in check_act(
            line.code,
            choice.activity,
            choice.phase,
            choice.date,
            catalogue,
            sex=stay.sex,
            age=stay.age,
            admission=stay.admission_date,
            discharge=stay.discharge_date,
        ):
            texts.append(md(warning_text(warning)))
        if choice.date is None:
            # ATIH RUM format: the act's date of realisation is mandatory (a blank one is reported).
            texts.append(md(f"{line.code} sans date de réalisation : saisissez-la"))
    return texts


# Drawing --------------------------------------------------------------------------------------------------------
def _bounds(opened: OpenStay, day: date | None) -> tuple[date | None, date | None]:
    """The stay's dates as the date box's limits, so that a date outside the stay cannot be typed; none when
    the act's date is outside already (the box could not show it; the check says it)."""
    first, last = opened.stay.admission_date, opened.stay.discharge_date
    if first is None or last is None or (day is not None and not first <= day <= last):
        return None, None
    return first, last


def _kept_line(opened: OpenStay, line: ActLine, choice: ActChoice, persist: Persist) -> None:
    stay_id, generation = opened.record.stay_id, opened.draft.generation
    with st.container(key=f"act-kept-{line.key}"):
        text, day, activity, drop = st.columns([4.2, 1.9, 1.7, 0.6], vertical_alignment="center", gap="small")
        text.html(act_row(line, kept=True))
        date_key = f"{stay_id}:{generation}:act_date:{line.key}"
        first, last = _bounds(opened, choice.date)
        day.date_input(
            "Date de réalisation",
            value=choice.date,
            min_value=first,
            max_value=last,
            key=date_key,
            format="DD/MM/YYYY",
            label_visibility="collapsed",
            on_change=_date,
            args=(stay_id, line.key, date_key, persist),
        )
        known = ccam().activities(line.code)
        options = sorted({a for a in EDITABLE_ACTIVITIES if a in known or not known} | {choice.activity})
        activity_key = f"{stay_id}:{generation}:act_activity:{line.key}"
        activity.selectbox(
            "Activité",
            options,
            index=options.index(choice.activity),
            key=activity_key,
            format_func=lambda value: ACTIVITY_LABELS.get(value, f"activité {value}"),
            label_visibility="collapsed",
            on_change=_activity,
            args=(stay_id, line.key, activity_key, persist),
        )
        drop.button(
            "✕",
            key=f"{stay_id}:act_drop:{line.key}",
            help="Retirer cet acte du codage",
            on_click=_keep,
            args=(stay_id, line.key, False, persist),
            width="stretch",
        )


def _candidate_line(stay_id: str, line: ActLine, persist: Persist) -> None:
    with st.container(key=f"act-candidate-{line.key}"):
        text, keep = st.columns([6, 1.1], vertical_alignment="center", gap="small")
        text.html(act_row(line, kept=False))
        keep.button(
            "Retenir",
            key=f"{stay_id}:act_keep:{line.key}",
            help="Retenir cet acte",
            on_click=_keep,
            args=(stay_id, line.key, True, persist),
            width="stretch",
        )


def _search(stay_id: str, persist: Persist) -> None:
    query = st.text_input(
        "Ajouter un acte CCAM",
        key=act_search_key(stay_id),
        placeholder="Ajouter un acte CCAM : libellé ou début de code (« cholécystectomie », « HMFC »)",
        label_visibility="collapsed",
        **_LIVE,
    )
    if not query or not query.strip():
        return
    try:
        results = ccam().index.search(query, RESULTS)
    except QueryError as exc:
        st.caption(f"Recherche impossible : {md(exc)}")
        return
    if not results:
        st.caption("Aucun acte trouvé.")
        return
    with st.container(key="act_search_results"):
        for result in results:
            text, add = st.columns([6, 1.1], vertical_alignment="center", gap="small")
            mark = "" if result.codable else " <i>(acte supprimé de la CCAM)</i>"
            text.html(f"<b>{html.escape(result.code)}</b> {html.escape(result.label)}{mark}")
            add.button(
                "Ajouter",
                key=f"{stay_id}:add_act:{result.code}",
                help="Ajouter cet acte (activité 1, daté du jour d'entrée)",
                disabled=not result.codable,
                on_click=_add,
                args=(stay_id, result.code, result.label, persist),
                width="stretch",
            )


def has_acts(opened: OpenStay) -> bool:
    """Acts kept or proposed: the acts section then sits with the coding; without any, below the candidates."""
    draft = opened.draft
    return bool(draft.kept_acts() or draft.act_candidates())


def acts_section(opened: OpenStay, persist: Persist) -> None:
    """The acts part of the panel: kept acts, other proposals, the search."""
    stay_id, draft = opened.record.stay_id, opened.draft
    kept, candidates = draft.kept_acts(), draft.act_candidates()
    if not kept and not candidates:
        # A medical stay without any act: one folded line, so that the diagnoses' candidates stay in view.
        with st.expander("Actes CCAM (0) : ajouter un acte"):
            _search(stay_id, persist)
        return
    st.markdown(f"##### Actes CCAM ({len(kept)})")
    for line, choice in kept:
        _kept_line(opened, line, choice, persist)
    if candidates:
        # Folded: the acts not kept are looked at when the kept ones fall short; open, they would push the
        # diagnoses' candidates below the screen.
        with st.expander(f"Autres actes proposés ({len(candidates)})"):
            for line in candidates:
                _candidate_line(stay_id, line, persist)
    _search(stay_id, persist)
