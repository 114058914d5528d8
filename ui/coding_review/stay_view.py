"""Stay page: where the stay sits in the worklist (previous / next), the documents with the evidence highlighted
(in a box of their own, scrolled apart from the page), the coding panel beside them, and the stay's history on
a tab of its own (the model's name and version are there, not on the coder's screen)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coding_assistant.store import AuditEntry, UnknownStayError
from coding_review import alerts
from coding_review.admin_fields import admin_summary
from coding_review.auth import now, own_session, require_user
from coding_review.coding_panel import coding_panel
from coding_review.coding_rows import decided_acts_text
from coding_review.highlight import legend_html
from coding_review.labels import (
    action_label,
    format_date,
    format_datetime,
    format_length_of_stay,
    sex_age,
    status_label,
    status_of_row,
)
from coding_review.markdown_text import md
from coding_review.navigation import (
    EDITING_WINDOW,
    announce_presence,
    back_to_worklist,
    neighbour,
    opened_stay_id,
    page_params,
    position,
    show_stay,
)
from coding_review.resources import store
from coding_review.review_note_view import review_controls, review_flag
from coding_review.session_stays import actor_name, open_stay_data, reload_stay
from coding_review.stay_data import OpenStay

DOCUMENTS_HEIGHT = 620  # px: the documents scroll in their box, the page itself stays about one screen high
LEAVE_KEY = "leave_target"
NEXT_KEYS, PREVIOUS_KEYS = "Alt+N", "Alt+P"


def _header(opened: OpenStay) -> None:
    record, stay = opened.record, opened.stay
    # Titles, captions, tab labels and alerts are Markdown: every value from the data goes through `md`.
    st.subheader(f"Séjour {md(record.stay_id)}")
    status = status_of_row(record.status, record.status == "validated" and opened.exported_at is not None)
    facts = [
        f"**{md(status_label(status))}**",
        f"UM {md(record.unit or '—')}",
        f"du {format_date(record.admission_date)} au {format_date(record.discharge_date)} "
        f"({format_length_of_stay(stay.length_of_stay)})",
        md(sex_age(stay.sex, stay.age)),
    ]
    if opened.decision is not None:
        facts.append(f"validé par {md(opened.decision.username)} le {format_datetime(opened.decision.decided_at)}")
    st.markdown(" · ".join(facts))
    admin = admin_summary(stay)  # the RUM's modes, provenance and destination, when the stay has them
    if admin:
        st.caption(md(admin))


def _colleagues(stay_id: str) -> None:
    found = store().editors([stay_id], now(), EDITING_WINDOW, own_session()).get(stay_id, [])
    if found:
        names = ", ".join(
            f"{md(e.display_name)}" + (f" (depuis {format_datetime(e.since)[-5:]})" if e.since else "") for e in found
        )
        alerts.info(f"Également ouvert par {names} : coordonnez-vous avant de valider.")


def _documents(opened: OpenStay) -> None:
    if opened.proposals and any(p.evidence for p in opened.proposals.proposals):
        st.html(legend_html(opened.proposals.proposals, opened.colours))
    documents = opened.stay.documents
    if not documents:
        alerts.info("Aucun document pour ce séjour.")
        return
    with st.container(height=DOCUMENTS_HEIGHT, key="documents"):
        if len(documents) == 1:
            st.caption(md(documents[0].type))
            st.html(opened.document_html[0])
        else:
            # The documents' identifiers mean nothing to a coder: their type and rank name the tabs.
            tabs = st.tabs([f"{md(d.type)} {n}" for n, d in enumerate(documents, start=1)])
            for tab, body in zip(tabs, opened.document_html, strict=True):
                with tab:
                    st.html(body)
    with st.expander(f"Mesures relevées dans les documents ({len(opened.measurements)})"):
        if not opened.measurements:
            st.caption("Aucune mesure (FEVG, IMC, kaliémie, DFG…) trouvée dans le texte.")
        else:
            st.dataframe(
                pd.DataFrame(
                    {
                        "Mesure": [m.kind for m in opened.measurements],
                        "Valeur": [m.value for m in opened.measurements],
                        "Extrait": [m.excerpt for m in opened.measurements],
                    }
                ),
                hide_index=True,
                width="stretch",
            )


def _details(entry: AuditEntry) -> str:
    d = entry.details
    if entry.action == "decision_saved":
        parts = [f"DP {d.get('dp') or '—'}"]
        if d.get("dr"):
            parts.append(f"DR {d['dr']}")
        if d.get("das"):
            parts.append("DAS " + " ".join(d["das"]))
        if "acts" in d:  # absent: acts not reviewed (the source RUM's acts stand)
            parts.append(decided_acts_text(d["acts"]))
        if "accepted" in d:
            counts = (len(d["accepted"]), len(d.get("rejected", [])), len(d.get("added", [])))
            parts.append("acceptés {}, rejetés {}, ajoutés {}".format(*counts))
        if d.get("model_version"):
            parts.append(f"propositions du modèle {d['model_version']}")
        return " · ".join(parts)
    if entry.action == "proposals_saved":
        model = d.get("model") or {}
        return (
            f"{d.get('proposals', 0)} propositions, DP {d.get('dp') or '—'}, "
            f"modèle {model.get('name', '?')} {model.get('version', '?')}"
        )
    if entry.action == "status_changed":
        return f"{status_label(d.get('from', ''))} → {status_label(d.get('to', ''))}"
    if entry.action in ("stay_imported", "stay_changed"):
        return f"{d.get('documents', 0)} document(s)"
    if entry.action == "review_flagged":
        return f"motif : {d.get('reason', '')}"
    if entry.action == "review_cleared" and d.get("by") == "validation":
        return "par la validation"
    return ""


def _history(opened: OpenStay) -> None:
    model = opened.proposals.model if opened.proposals else None
    st.caption(
        f"Propositions du modèle {md(model.name)} version {md(model.version)}."
        if model
        else "Pas encore de proposition."
    )
    if not opened.history:
        st.caption("Aucune entrée.")
        return
    rows = list(reversed(opened.history))  # newest first
    st.dataframe(
        pd.DataFrame(
            {
                "Date": [format_datetime(e.at) for e in rows],
                "Par": [actor_name(e.actor) for e in rows],
                "Action": [action_label(e.action) for e in rows],
                "Détails": [_details(e) for e in rows],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def _warn_if_changed_meanwhile(opened: OpenStay) -> None:
    """Say so as soon as someone else saved the stay, rather than only when the save is refused. The page is
    not reloaded behind the coder's back: a choice made in the meantime would be lost."""
    current = store().get_stay(opened.record.stay_id)
    if current is None or current.version == opened.record.version:
        return
    alerts.warning(
        f"Ce séjour a été modifié par {md(actor_name(current.updated_by))} le {format_datetime(current.updated_at)} "
        "depuis que vous l'avez ouvert : votre enregistrement serait refusé. Rechargez-le (bouton « Recharger ») ; "
        "vos choix non enregistrés seront conservés pour être réappliqués."
    )


def _go(target: str | None) -> None:
    """Leave for `target` (a stay id; None: the worklist)."""
    st.session_state.pop(LEAVE_KEY, None)
    if target is None:
        back_to_worklist()
        return
    show_stay(target)
    st.rerun()


def _leave(opened: OpenStay, target: str | None) -> None:
    """Leave now, or first ask when the coding has unsaved changes (they stay as a draft either way)."""
    if opened.draft.unsaved:
        st.session_state[LEAVE_KEY] = {"from": opened.record.stay_id, "to": target}
        st.rerun()
    _go(target)


def _leave_warning(opened: OpenStay) -> None:
    asked = st.session_state.get(LEAVE_KEY)
    if not asked or asked.get("from") != opened.record.stay_id:
        return
    with st.container(border=True, key="leave_warning"):
        alerts.warning(
            "Ce séjour a des modifications non validées. Elles restent enregistrées comme brouillon si vous le "
            "quittez, mais le séjour n'est pas validé."
        )
        stay, leave = st.columns(2)
        if stay.button("Rester sur le séjour", key="leave_cancel", type="primary", width="stretch"):
            st.session_state.pop(LEAVE_KEY, None)
            st.rerun()
        if leave.button("Quitter sans valider", key="leave_confirm", width="stretch"):
            _go(asked.get("to"))


def _navigation(opened: OpenStay) -> None:
    stay_id = opened.record.stay_id
    previous, following = neighbour(stay_id, -1), neighbour(stay_id, +1)
    back, before, after, where, note, reload = st.columns([1.3, 1.3, 1.3, 1.7, 1.3, 1.1], vertical_alignment="center")
    if back.button("← Liste de travail", key="stay_back", width="stretch"):
        _leave(opened, None)
    if before.button(
        "◀ Précédent", key="stay_previous", disabled=previous is None, shortcut=PREVIOUS_KEYS, width="stretch"
    ):
        _leave(opened, previous)
    if after.button("Suivant ▶", key="stay_next", disabled=following is None, shortcut=NEXT_KEYS, width="stretch"):
        _leave(opened, following)
    place = position(stay_id)
    where.caption(
        f"Séjour {place[0]} sur {place[1]} de la liste de travail" if place else "Hors de la liste de travail"
    )
    with note:
        review_controls(opened)
    if reload.button("Recharger", key="stay_reload", help="Relire le séjour dans la base", width="stretch"):
        reload_stay(stay_id)
        st.rerun()


def _no_stay_open() -> None:
    st.title("Séjour")
    alerts.info("Aucun séjour ouvert : choisissez-en un dans la liste de travail, ou saisissez son numéro.")
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    stay_id = left.text_input("N° de séjour", key="stay_open_by_id")
    if right.button("Ouvrir", key="stay_open_by_id_button") and stay_id and stay_id.strip():
        show_stay(stay_id.strip())
        st.rerun()


def render() -> None:
    require_user()
    stay_id = opened_stay_id()
    if stay_id is None:
        announce_presence(None)
        _no_stay_open()
        return
    try:
        opened = open_stay_data(stay_id)
    except UnknownStayError:
        alerts.error(f"Le séjour {md(stay_id)} n'existe pas dans la base.")
        st.session_state.pop("open_stay_id", None)
        _no_stay_open()
        return
    announce_presence(stay_id)
    if dict(st.query_params) != page_params(stay_id):
        st.query_params.from_dict(page_params(stay_id))  # a reload or a link brings this stay back
    _navigation(opened)
    _leave_warning(opened)
    _header(opened)
    _colleagues(stay_id)
    review_flag(opened)
    _warn_if_changed_meanwhile(opened)
    coding, history = st.tabs(["Codage", f"Historique ({len(opened.history)})"])
    with coding:
        documents, panel = st.columns([1, 1.1], gap="medium")
        with documents:
            _documents(opened)
        with panel:
            coding_panel(stay_id)
    with history:
        _history(opened)
