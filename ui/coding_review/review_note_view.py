"""The stay's note and its « à revoir » flag, on the stay page.

A coder leaves a note on a stay (for a colleague, for the DIM physician) and flags a stay « à revoir » with a
reason (a pathology report awaited, a question to the physician); the worklist lists flagged stays (status
filter « À revoir ») and a validation clears the flag. Neither touches the coding: the coder's unsaved choices
stay as they are, and the stay's version does not change (store/review.py).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from coding_assistant.store import MAX_NOTE_CHARS, MAX_REASON_CHARS, ReviewInputError, StoreError
from coding_review import alerts
from coding_review.auth import require_user
from coding_review.labels import format_datetime
from coding_review.markdown_text import md
from coding_review.resources import store
from coding_review.session_stays import actor_name, flash
from coding_review.stay_data import OpenStay


def _refresh(opened: OpenStay) -> None:
    """The record and the history again; the draft is left alone."""
    record = store().get_stay(opened.record.stay_id)
    if record is not None:
        opened.record = record
    opened.history = store().audit_for_stay(opened.record.stay_id)


def review_flag(opened: OpenStay) -> None:
    """The flag and the note said under the stay's header, when there are any."""
    record = opened.record
    if record.review is not None:
        when = f" le {format_datetime(record.review.at)}" if record.review.at else ""
        by = md(actor_name(record.review.by))
        alerts.warning(f"À revoir : {md(record.review.reason)} — signalé par {by}{when}")
    if record.note:
        st.caption(f"Note : {md(record.note)}")


def review_controls(opened: OpenStay) -> None:
    """The note and the flag's controls in a popover: one button in the stay's navigation row, the form opens
    over the page (no room taken above the coding)."""
    record, stay_id = opened.record, opened.record.stay_id
    with st.popover("Note · à revoir", width="stretch"):
        # Forms: what was typed is sent with the click (a plain text box sends it only when it loses focus).
        with st.form(key=f"{stay_id}:note_form", border=False):
            note = st.text_area("Note sur le séjour", value=record.note or "", height=80, key=f"{stay_id}:note")
            if st.form_submit_button("Enregistrer la note", key=f"{stay_id}:save_note"):
                _act(opened, lambda user: store().save_note(stay_id, note or "", user), "Note enregistrée.")
        if record.review is not None:
            if st.button("Retirer « à revoir »", key=f"{stay_id}:clear_review"):
                _act(opened, lambda user: store().clear_review(stay_id, user), "« À revoir » retiré.")
            return
        with st.form(key=f"{stay_id}:review_form", border=False):
            reason = st.text_input(
                "Motif « à revoir »", placeholder="ex. attente du compte rendu anapath", key=f"{stay_id}:review_reason"
            )
            if st.form_submit_button("Marquer « à revoir »", key=f"{stay_id}:flag_review"):
                _act(
                    opened,
                    lambda user: store().flag_for_review(stay_id, reason or "", user),
                    "Séjour marqué « à revoir ».",
                )


def _act(opened: OpenStay, action: Callable[[str], None], done: str) -> None:
    user = require_user()
    try:
        action(user.username)
    except ReviewInputError:
        alerts.error(
            f"Non enregistré : le motif est obligatoire ({MAX_REASON_CHARS} caractères au plus), la note fait "
            f"{MAX_NOTE_CHARS} caractères au plus."
        )
        return
    except StoreError:
        alerts.error("Non enregistré : la base de données a refusé la modification. Réessayez.")
        return
    _refresh(opened)
    flash(opened.record.stay_id, done)
    st.rerun()
