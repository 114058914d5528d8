"""Saving the coder's coding, then staying on the stay or moving to the next one of the worklist.

The export checks run here too: a stay the export would refuse is validated (the coding is right) but the
coder stays on it with the reason in French, so that the unit or the FINESS can be fixed before the export.
"""

from __future__ import annotations

import logging

import streamlit as st

from coding_assistant.store import ConcurrentEditError, ExportedStayError, StoreError, User
from coding_review import draft_store
from coding_review.navigation import WORKLIST_FLASH, back_to_worklist, neighbour, show_stay
from coding_review.resources import store
from coding_review.session_stays import drop_pending, flash, keep_refused_choices
from coding_review.stay_data import OpenStay, refresh_after_save

log = logging.getLogger("coding_review")


def save_and_move(
    opened: OpenStay, user: User, *, after_export: bool, then_next: bool, export_problems: list[str]
) -> None:
    draft = opened.draft
    stay_id = draft.stay_id
    try:
        decision = store().save_decision(
            stay_id, user.username, draft.codes(), draft.version, after_export, draft.decided_acts()
        )
    except ConcurrentEditError as exc:
        keep_refused_choices(opened, exc)
        st.rerun(scope="app")  # the refusal is shown at the top of the panel, already drawn in this run
    except ExportedStayError:
        flash(stay_id, "Ce séjour a déjà été exporté : cochez la case de modification après export.", "error")
        st.rerun(scope="app")
    except StoreError as exc:
        log.warning("stay validation refused by the store: %s", type(exc).__name__)
        flash(stay_id, "Enregistrement impossible : la base a refusé le codage. Rechargez le séjour.", "error")
        st.rerun(scope="app")
    draft.saved(decision.stay_version)
    drop_pending(stay_id)
    draft_store.forget(store(), user.username, stay_id)
    refresh_after_save(store(), opened)
    if export_problems:
        refused = "Codage validé et enregistré, mais l'export refusera ce séjour : " + " ".join(export_problems)
        flash(stay_id, refused, "error")
        st.rerun(scope="app")
    if not then_next:
        flash(stay_id, "Codage validé et enregistré.")
        st.rerun(scope="app")
    following = neighbour(stay_id, +1)
    if following is None:
        flash(WORKLIST_FLASH, f"Séjour {stay_id} validé : c'était le dernier de la liste de travail.")
        back_to_worklist()
        return
    flash(following, f"Séjour {stay_id} validé et enregistré.")
    show_stay(following)
    st.rerun(scope="app")
