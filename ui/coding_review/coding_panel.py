"""The stay's coding: proposals to keep or drop with their DP/DR/DAS role, codes added by search, the PMSI rule
warnings on the coder's current choice, and validation.

A fragment: ticking a box reruns this panel only, not the documents beside it.
"""

from __future__ import annotations

import html

import streamlit as st

from coding_assistant.rules import RuleWarning, check_coding
from coding_assistant.store import ConcurrentEditError, StoreError, User
from coding_review import alerts
from coding_review.auth import require_user_in_fragment
from coding_review.code_search import code_search
from coding_review.draft import Draft, Line
from coding_review.highlight import colour_chip, qualifier_of
from coding_review.labels import CODING_ROLES, QUALIFIER_TAGS, format_score
from coding_review.markdown_text import md
from coding_review.resources import store, terminology
from coding_review.session_stays import (
    drop_pending,
    flash,
    keep_refused_choices,
    open_stay_data,
    pending_choices,
    reload_stay,
    renew_widgets,
    take_flash,
)
from coding_review.stay_data import OpenStay, refresh_after_save

NO_COLOUR = "#e0e0e0"


def _evidence_summary(line: Line) -> str:
    if not line.evidence:
        return "aucune mention dans les documents" if not line.added else "ajouté par un codeur"
    counts: dict[str, int] = {}
    for evidence in line.evidence:
        name = qualifier_of(evidence)
        if name:
            counts[name] = counts.get(name, 0) + 1
    details = ", ".join(f"{n} {QUALIFIER_TAGS[name]}" for name, n in counts.items())
    total = len(line.evidence)
    return f"{total} mention{'s' if total > 1 else ''}" + (f" (dont {details})" if details else "")


def _line_html(line: Line, colour: str) -> str:
    """Code, label, score bar and why it is proposed, escaped: labels and notes are data, not markup."""
    if line.score is None:
        bar = '<span style="color:#555">non proposé par le modèle</span>'
    else:
        width = round(line.score * 100)
        bar = (
            '<span style="display:inline-block;width:90px;height:8px;background:#e6e6e6;border-radius:4px;'
            f'vertical-align:middle"><span style="display:block;width:{width}%;height:8px;border-radius:4px;'
            f'background:#2e7d32"></span></span> {format_score(line.score)}'
        )
    preselected = f" · pré-sélectionné en {line.proposed_role}" if line.preselected and line.proposed_role else ""
    notes = "".join(f'<div style="color:#8a4b00">{html.escape(note)}</div>' for note in line.notes)
    return (
        f'<div data-line="{html.escape(line.code)}">{colour_chip(colour)}<b>{html.escape(line.code)}</b> '
        f"{html.escape(line.label)}"
        f'<div style="font-size:0.85rem;color:#444">{bar} · {html.escape(_evidence_summary(line))}{preselected}</div>'
        f"{notes}</div>"
    )


def _line_controls(draft: Draft, line: Line, colour: str) -> None:
    choice = draft.choices[line.code]
    prefix = f"{draft.stay_id}:{draft.generation}"
    # The key gives the block a CSS class (st-key-line-<code>), which the browser test uses to find a line.
    with st.container(border=True, key=f"line-{line.code}"):
        st.html(_line_html(line, colour))
        keep_column, role_column = st.columns([1, 2], vertical_alignment="center")
        kept = keep_column.checkbox("Retenir", value=choice.kept, key=f"{prefix}:keep:{line.code}")
        role = role_column.radio(
            f"Position de {md(line.code)}",
            CODING_ROLES,
            index=CODING_ROLES.index(choice.role),
            horizontal=True,
            key=f"{prefix}:role:{line.code}",
            label_visibility="collapsed",
        )
    draft.choose(line.code, kept, role)


def _summary(draft: Draft) -> None:
    codes = draft.codes()
    label = terminology().terminology.label

    def named(code: str | None) -> str:
        return f"**{md(code)}** {md(label(code))}" if code else "—"

    das = "  \n".join(f"• {named(code)}" for code in codes.das) or "—"
    st.markdown(f"**DP** : {named(codes.dp)}  \n**DR** : {named(codes.dr)}  \n**DAS** :  \n{das}")


def _rule_warnings(opened: OpenStay) -> list[RuleWarning]:
    codes = opened.draft.codes()
    return check_coding(codes.dp, codes.dr, codes.das, opened.stay.sex, opened.stay.age, terminology().terminology)


def _show_warnings(warnings: list[RuleWarning]) -> None:
    if not warnings:
        alerts.success("Aucune alerte des règles PMSI sur ce codage.")
    for warning in warnings:
        fg = f" (FG {warning.fg_error})" if warning.fg_error else ""
        (alerts.error if warning.severity == "error" else alerts.warning)(md(f"{warning.message}{fg}"))


def _save(opened: OpenStay, user: User) -> None:
    draft = opened.draft
    try:
        decision = store().save_decision(draft.stay_id, user.username, draft.codes(), draft.version)
    except ConcurrentEditError as exc:
        keep_refused_choices(opened, exc)
        return
    except StoreError as exc:
        flash(draft.stay_id, f"Enregistrement impossible : {exc}", level="error")
        return
    draft.saved(decision.stay_version)
    drop_pending(draft.stay_id)
    refresh_after_save(store(), opened)
    flash(draft.stay_id, f"Codage validé et enregistré (version {decision.stay_version}).")
    st.rerun(scope="app")


def _pending_notice(opened: OpenStay) -> None:
    stay_id = opened.draft.stay_id
    pending = pending_choices(stay_id)
    if pending is None:
        return
    kept = [f"{code} ({choice.role})" for code, choice in pending.choices.items() if choice.kept]
    if pending.reloaded:
        alerts.warning("Le séjour a été rechargé ; vos choix non enregistrés sont conservés ci-dessous.")
    else:
        alerts.error(md(pending.message))
    st.markdown("**Vos choix non enregistrés** : " + (md(", ".join(kept)) or "aucun code retenu"))
    left, right = st.columns(2)
    if not pending.reloaded:
        if left.button("Recharger le séjour", key=f"{stay_id}:conflict_reload", type="primary"):
            reload_stay(stay_id)
            st.rerun(scope="app")
        return
    if left.button("Réappliquer mes choix", key=f"{stay_id}:reapply", type="primary"):
        opened.draft.reapply(pending.choices, pending.lines)
        renew_widgets(opened)
        drop_pending(stay_id)
        st.rerun(scope="app")
    if right.button("Abandonner mes choix", key=f"{stay_id}:drop_pending"):
        drop_pending(stay_id)
        st.rerun(scope="app")


@st.fragment
def coding_panel(stay_id: str) -> None:
    # A tick or "Valider" reruns this fragment alone, not the page: the session is checked here too, so that a
    # session that timed out, or an account deactivated meanwhile, cannot save.
    user = require_user_in_fragment()
    opened = open_stay_data(stay_id)
    draft = opened.draft
    # Drawn last, shown first: the notices, the summary and the checks depend on every box's current value and on
    # what the validate button did.
    notices = st.container()
    summary = st.container(border=True)
    checks = st.container()
    st.subheader("Codes proposés")
    if not any(not line.added for line in draft.lines):
        st.caption("Aucune proposition pour ce séjour : ajoutez les codes par la recherche ci-dessous.")
    for line in [line for line in draft.lines if not line.added]:
        _line_controls(draft, line, opened.colours.get(line.code, NO_COLOUR))
    added = [line for line in draft.lines if line.added]
    if added:
        st.subheader("Codes ajoutés")
        for line in added:
            _line_controls(draft, line, NO_COLOUR)
    code_search(stay_id)

    with summary:
        st.markdown("#### Codage en cours")
        _summary(draft)
    with checks:
        _checks_and_validation(opened, user)
    with notices:
        message = take_flash(stay_id)
        if message:
            (alerts.error if message.level == "error" else alerts.success)(md(message.text))
        _pending_notice(opened)


def _checks_and_validation(opened: OpenStay, user: User) -> None:
    draft = opened.draft
    problems = draft.problems()
    for problem in problems:
        alerts.warning(md(problem))
    warnings = _rule_warnings(opened)
    _show_warnings(warnings)
    confirmed = True
    if any(w.severity == "error" for w in warnings) and not problems:
        confirmed = st.checkbox(
            "Valider malgré les erreurs PMSI signalées", key=f"{draft.stay_id}:{draft.generation}:force"
        )
    if st.button(
        "Valider le codage",
        type="primary",
        key=f"{draft.stay_id}:validate",
        disabled=bool(problems) or not confirmed,
    ):
        _save(opened, user)
