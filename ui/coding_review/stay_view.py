"""Stay page: the documents with the evidence highlighted, the measurements read in them, the coding panel and
the stay's change history."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coding_assistant.store import AuditEntry, UnknownStayError
from coding_review import alerts
from coding_review.auth import require_user
from coding_review.coding_panel import coding_panel
from coding_review.highlight import legend_html
from coding_review.labels import (
    action_label,
    format_date,
    format_datetime,
    format_length_of_stay,
    status_label,
)
from coding_review.markdown_text import md
from coding_review.navigation import back_to_worklist, open_stay, opened_stay_id
from coding_review.resources import store
from coding_review.session_stays import actor_name, open_stay_data, reload_stay
from coding_review.stay_data import OpenStay


def _header(opened: OpenStay) -> None:
    record, stay = opened.record, opened.stay
    # Titles, captions, tab labels and alerts are Markdown: every value from the data goes through `md`.
    st.title(f"Séjour {md(record.stay_id)}")
    patient = " · ".join(
        part
        for part in (
            {"M": "homme", "F": "femme"}.get(stay.sex or "", ""),
            f"{stay.age} ans" if stay.age is not None else "",
        )
        if part
    )
    model = opened.proposals.model if opened.proposals else None
    facts = [
        f"**{md(status_label(record.status))}**",
        f"UM {md(record.unit or '—')}",
        f"du {format_date(record.admission_date)} au {format_date(record.discharge_date)} "
        f"({format_length_of_stay(stay.length_of_stay)})",
        patient,
        f"modèle {md(model.name)} {md(model.version)}" if model else "pas encore de proposition",
    ]
    st.markdown(" · ".join(fact for fact in facts if fact))
    if opened.decision is not None:
        decision = opened.decision
        st.caption(f"Dernière validation : {md(decision.username)}, le {format_datetime(decision.decided_at)}")


def _documents(opened: OpenStay) -> None:
    st.subheader("Documents")
    if opened.proposals and any(p.evidence for p in opened.proposals.proposals):
        st.html(legend_html(opened.proposals.proposals, opened.colours))
    documents = opened.stay.documents
    if not documents:
        alerts.info("Aucun document pour ce séjour.")
    elif len(documents) == 1:
        st.caption(f"{md(documents[0].type)} · {md(documents[0].doc_id)}")
        st.html(opened.document_html[0])
    else:
        tabs = st.tabs([f"{md(d.type)} · {md(d.doc_id)}" for d in documents])
        for tab, body in zip(tabs, opened.document_html, strict=True):
            with tab:
                st.html(body)
    with st.expander(f"Mesures relevées dans les documents ({len(opened.measurements)})", expanded=True):
        if not opened.measurements:
            st.caption("Aucune mesure (FEVG, IMC, kaliémie, DFG…) trouvée dans le texte.")
        else:
            st.dataframe(
                pd.DataFrame(
                    {
                        "Mesure": [m.kind for m in opened.measurements],
                        "Valeur": [m.value for m in opened.measurements],
                        "Extrait": [m.excerpt for m in opened.measurements],
                        "Document": [m.document for m in opened.measurements],
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
        if "accepted" in d:
            counts = (len(d["accepted"]), len(d.get("rejected", [])), len(d.get("added", [])))
            parts.append("acceptés {}, rejetés {}, ajoutés {}".format(*counts))
        if d.get("model_version"):
            parts.append(f"modèle {d['model_version']}")
        return " · ".join(parts)
    if entry.action == "proposals_saved":
        model = d.get("model") or {}
        return f"{d.get('proposals', 0)} propositions, DP {d.get('dp') or '—'}, modèle {model.get('version', '?')}"
    if entry.action == "status_changed":
        return f"{status_label(d.get('from', ''))} → {status_label(d.get('to', ''))}"
    if entry.action in ("stay_imported", "stay_changed"):
        return f"{d.get('documents', 0)} document(s)"
    return ""


def _history(opened: OpenStay) -> None:
    with st.expander(f"Historique du séjour ({len(opened.history)})"):
        if not opened.history:
            st.caption("Aucune entrée.")
            return
        rows = list(reversed(opened.history))  # newest first
        st.dataframe(
            pd.DataFrame(
                {
                    "Date": [format_datetime(e.at) for e in rows],
                    "Par": [e.actor for e in rows],
                    "Action": [action_label(e.action) for e in rows],
                    "Détails": [_details(e) for e in rows],
                }
            ),
            hide_index=True,
            width="stretch",
        )


def _warn_if_changed_meanwhile(opened: OpenStay) -> None:
    """Say so as soon as someone else saved the stay, rather than only when the save is refused. The page is
    not reloaded behind the coder's back: a tick made in the meantime would be lost."""
    current = store().get_stay(opened.record.stay_id)
    if current is None or current.version == opened.record.version:
        return
    alerts.warning(
        f"Ce séjour a été modifié par {md(actor_name(current.updated_by))} le {format_datetime(current.updated_at)} "
        "depuis que vous l'avez ouvert : votre enregistrement serait refusé. Rechargez-le (bouton « Recharger le "
        "séjour ») ; vos choix non enregistrés seront conservés pour être réappliqués."
    )


def _no_stay_open() -> None:
    st.title("Séjour")
    alerts.info("Aucun séjour ouvert : choisissez-en un dans la liste de travail, ou saisissez son numéro.")
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    stay_id = left.text_input("N° de séjour", key="stay_open_by_id")
    if right.button("Ouvrir", key="stay_open_by_id_button") and stay_id.strip():
        open_stay(stay_id.strip())


def render() -> None:
    require_user()
    stay_id = opened_stay_id()
    if stay_id is None:
        _no_stay_open()
        return
    try:
        opened = open_stay_data(stay_id)
    except UnknownStayError:
        alerts.error(f"Le séjour {md(stay_id)} n'existe pas dans la base.")
        _no_stay_open()
        return
    back, reload, _ = st.columns([1, 1, 4])
    if back.button("← Liste de travail", key="stay_back"):
        back_to_worklist()
    if reload.button("Recharger le séjour", key="stay_reload", help="Relire le séjour dans la base"):
        opened = reload_stay(stay_id)
    _header(opened)
    _warn_if_changed_meanwhile(opened)
    documents, coding = st.columns([3, 2], gap="medium")
    with documents:
        _documents(opened)
    with coding:
        coding_panel(stay_id)
    _history(opened)
