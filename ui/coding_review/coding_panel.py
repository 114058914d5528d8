"""The stay's coding panel, compact so that a stay is coded without scrolling:

1. the grouping preview of the coder's current coding (grouping_view.py);
2. the current coding — DP, DR, DAS — each code with one-click role buttons (a new DP or DR sends the one it
   replaces to DAS) and a button to drop it;
3. the CCAM acts, one line each: kept acts with their date and activity, other proposed acts kept in one
   click, and a CCAM search that adds one (acts_panel.py); a stay without any act gets one folded line at the
   end of the panel instead, so that the diagnoses' candidates stay in view;
4. the code search, which adds a code as DAS or straight as DP;
5. the checks on that coding (blocking problems, PMSI rules, acts, export checks) and the validation buttons;
6. the other candidates, one dense line each (code, label, score, mentions, what coding it would add to the
   tariff), the low-score tail folded.

A fragment: a click reruns this panel, not the documents. Every click goes through a callback that changes the
draft *before* the panel is drawn again, so the coding, the preview and the checks always show the same state.
Each change is also written to the store as the coder's draft (draft_store.py).
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from coding_assistant.groupage import StayFacts
from coding_assistant.rules import RuleWarning, check_coding
from coding_assistant.store import User
from coding_review import acts_panel, alerts, draft_store, page_script
from coding_review.auth import require_user_in_fragment, signed_username
from coding_review.code_search import code_search, search_key
from coding_review.coding_rows import candidate_row, kept_row
from coding_review.draft import Line, Role
from coding_review.export_checks import configured_finess, export_problems
from coding_review.grouping import gain_if_coded, preview, stay_facts
from coding_review.grouping_view import grouping_box
from coding_review.labels import CODING_ROLES, format_datetime
from coding_review.markdown_text import md
from coding_review.resources import store, terminology
from coding_review.rule_text import warning_text
from coding_review.session_stays import (
    drop_pending,
    open_stay_data,
    pending_choices,
    reload_stay,
    renew_widgets,
    take_flash,
)
from coding_review.stay_data import OpenStay
from coding_review.validation import save_and_move

LOW_SCORE = 0.05  # candidates under this are folded: most of a stay's candidates, rarely the right code
ROLE_HELP = {"DP": "Mettre en diagnostic principal", "DR": "Mettre en diagnostic relié", "DAS": "Mettre en DAS"}
NO_ALERT = "Aucune alerte : règles PMSI et contrôles d'export respectés."
VALIDATE_NEXT_KEYS = "Ctrl+Enter"
VALIDATE_KEYS = "Ctrl+Shift+Enter"


# Callbacks: they run before the panel is drawn again ------------------------------------------------------------
def _persist(stay_id: str) -> None:
    username = signed_username()
    if username is not None:
        draft_store.persist(store(), username, open_stay_data(stay_id).draft)


def _set_role(stay_id: str, code: str, role: Role) -> None:
    open_stay_data(stay_id).draft.set_role(code, role)
    _persist(stay_id)


def _drop(stay_id: str, code: str) -> None:
    open_stay_data(stay_id).draft.drop(code)
    _persist(stay_id)


def _add(stay_id: str, code: str, label: str, role: Role) -> None:
    open_stay_data(stay_id).draft.add(code, label, role)
    st.session_state[search_key(stay_id)] = ""  # a callback may clear the box; the script could not
    _persist(stay_id)


def _discard(stay_id: str) -> None:
    username = signed_username()
    if username is not None:
        draft_store.forget(store(), username, stay_id)
    drop_pending(stay_id)
    reload_stay(stay_id)
    drop_pending(stay_id)  # reload_stay keeps unsaved choices aside: here they are dropped on purpose


# Drawing --------------------------------------------------------------------------------------------------------
def _notices(opened: OpenStay) -> None:
    stay_id = opened.record.stay_id
    message = take_flash(stay_id)
    if message:
        (alerts.error if message.level == "error" else alerts.success)(md(message.text))
    if opened.draft_restored_at is not None:
        alerts.info(
            f"Brouillon non validé du {format_datetime(opened.draft_restored_at)} repris : vos choix sont ci-dessous."
        )
        opened.draft_restored_at = None
    _pending_notice(opened)


def _pending_notice(opened: OpenStay) -> None:
    stay_id = opened.draft.stay_id
    pending = pending_choices(stay_id)
    if pending is None:
        return
    kept = [f"{code} ({choice.role})" for code, choice in pending.choices.items() if choice.kept]
    if pending.reloaded:
        alerts.warning(md(pending.message) + " Vos choix non enregistrés sont conservés :")
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
        if pending.act_choices is not None:
            opened.draft.reapply_acts(pending.act_lines, pending.act_choices)
        renew_widgets(opened)
        drop_pending(stay_id)
        _persist(stay_id)
        st.rerun(scope="app")
    if right.button("Abandonner mes choix", key=f"{stay_id}:drop_pending"):
        drop_pending(stay_id)
        username = signed_username()
        if username is not None:
            draft_store.forget(store(), username, stay_id)
        st.rerun(scope="app")


def _role_buttons(stay_id: str, line: Line, role: str) -> DeltaGenerator:
    """The three role buttons of a kept code (its own role shown pressed) and its drop button; returns the
    column for its text. One click on another role moves the code there."""
    columns = st.columns([5.2, 0.8, 0.8, 0.95, 0.6], vertical_alignment="center", gap="small")
    for slot, other in zip(columns[1:4], CODING_ROLES, strict=True):
        slot.button(
            other,
            key=f"{stay_id}:role:{line.code}:{other}",
            help=f"Ce code est le {other}" if other == role else ROLE_HELP[other],
            type="primary" if other == role else "secondary",
            disabled=other == role,
            on_click=_set_role,
            args=(stay_id, line.code, other),
            width="stretch",
        )
    columns[4].button(
        "✕",
        key=f"{stay_id}:drop:{line.code}",
        help="Retirer ce code du codage",
        on_click=_drop,
        args=(stay_id, line.code),
        width="stretch",
    )
    return columns[0]


def _current(opened: OpenStay, facts: StayFacts | None) -> None:
    stay_id = opened.record.stay_id
    cma = preview(facts).cma if facts is not None else {}
    st.markdown("##### Codage retenu")
    current = opened.draft.current()
    if not current:
        st.caption("Aucun code retenu : ajoutez le DP par la recherche ou parmi les propositions ci-dessous.")
    for role, line in current:
        # The key names the role too: a code that changes role (or is kept from the candidates) becomes a new
        # element, so that Streamlit does not leave its previous row on screen beside the new one.
        with st.container(key=f"kept-{role}-{line.code}"):
            text = _role_buttons(stay_id, line, role)
            text.html(
                kept_row(role, line, opened.colours.get(line.code), cma.get(line.code) if role == "DAS" else None)
            )


def _rule_warnings(opened: OpenStay) -> list[RuleWarning]:
    codes = opened.draft.codes()
    stay = opened.stay
    acts = opened.draft.decided_acts()
    return check_coding(
        codes.dp,
        codes.dr,
        codes.das,
        stay.sex,
        stay.age,
        terminology().terminology,
        # The delivery checks (FG 205/206) read the acts: only once they were reviewed, else none is known.
        [act.code for act in acts] if acts is not None else (),
        measurements=opened.values,
        text=stay.text,
    )


def _checks_and_validation(opened: OpenStay, user: User) -> None:
    draft, record = opened.draft, opened.record
    problems = draft.problems()
    warnings = _rule_warnings(opened)
    if draft.codes().dp is None:  # said once, by the draft's own check
        warnings = [w for w in warnings if w.rule != "dp-missing"]
    exports = export_problems(opened.stay, draft.codes(), opened.source_rum, configured_finess())
    act_warnings = acts_panel.act_warnings(opened)
    for problem in problems:
        alerts.warning(md(problem))
    for warning in warnings:
        (alerts.error if warning.severity == "error" else alerts.warning)(md(warning_text(warning)))
    for text in act_warnings:  # never blocking: the coder knows what was done; the FG number says the stake
        alerts.warning(text)
    for problem in exports:
        alerts.error(md(problem))
    if not (problems or warnings or act_warnings or exports):
        # One short line, not a box: the candidates below stay in view.
        st.html(f'<div data-checks="ok" style="color:#1b5e20">✓ {NO_ALERT}</div>')
    confirmed = True
    if any(w.severity == "error" for w in warnings) and not problems:
        confirmed = st.checkbox(
            "Valider malgré les erreurs PMSI signalées", key=f"{draft.stay_id}:{draft.generation}:force"
        )
    after_export = False
    if record.status == "exported":
        when = format_datetime(opened.exported_at) if opened.exported_at else "déjà"
        after_export = st.checkbox(
            f"Ce séjour a été exporté ({when}) : modifier son codage le marquera « modifié après export » et il "
            "devra être exporté à nouveau.",
            key=f"{draft.stay_id}:{draft.generation}:after_export",
        )
    blocked = bool(problems) or not confirmed or (record.status == "exported" and not after_export)
    left, right = st.columns([1.3, 1])
    go_next = left.button(
        "Valider et suivant",
        type="primary",
        key=f"{draft.stay_id}:validate_next",
        disabled=blocked,
        shortcut=VALIDATE_NEXT_KEYS,
        width="stretch",
    )
    stay = right.button(
        "Valider", key=f"{draft.stay_id}:validate", disabled=blocked, shortcut=VALIDATE_KEYS, width="stretch"
    )
    if go_next or stay:
        save_and_move(opened, user, after_export=after_export, then_next=go_next, export_problems=exports)


def _candidate(stay_id: str, line: Line, colour: str | None, gain: float | None) -> None:
    with st.container(key=f"candidate-{line.code}"):
        text, as_das, as_dp = st.columns([6, 0.9, 0.8], vertical_alignment="center", gap="small")
        text.html(candidate_row(line, colour, gain))
        for column, role in ((as_das, "DAS"), (as_dp, "DP")):
            column.button(
                role,
                key=f"{stay_id}:role:{line.code}:{role}",
                help=f"Retenir ce code en {role}",
                on_click=_set_role,
                args=(stay_id, line.code, role),
                width="stretch",
            )


def _candidates(opened: OpenStay, facts: StayFacts | None) -> None:
    stay_id = opened.record.stay_id
    candidates = opened.draft.candidates()
    if not candidates:
        if opened.proposals is None or not opened.proposals.proposals:
            st.caption("Aucune proposition pour ce séjour : ajoutez les codes par la recherche.")
        return
    shown = [line for line in candidates if line.score is None or line.score >= LOW_SCORE]
    folded = [line for line in candidates if line not in shown]

    def gain(line: Line) -> float | None:
        return gain_if_coded(facts, line.code) if facts is not None and line.evidence else None

    st.markdown(f"##### Autres propositions ({len(candidates)})")
    for line in shown:
        _candidate(stay_id, line, opened.colours.get(line.code), gain(line))
    if folded:
        with st.expander(f"Scores faibles, moins de {LOW_SCORE:.0%} ({len(folded)})".replace("%", " %")):
            for line in folded:
                _candidate(stay_id, line, opened.colours.get(line.code), gain(line))


@st.fragment
def coding_panel(stay_id: str) -> None:
    # A click reruns this fragment alone, not the page: the session is checked here too, so that a session that
    # timed out, or an account deactivated meanwhile, cannot save.
    user = require_user_in_fragment()
    opened = open_stay_data(stay_id)
    with st.container(key="coding_panel"):
        _notices(opened)
        facts = stay_facts(opened.stay, opened.draft.codes(), opened.draft.decided_acts() or ())
        grouping_box(facts)
        _current(opened, facts)
        with_acts = acts_panel.has_acts(opened)
        if with_acts:
            acts_panel.acts_section(opened, _persist)
        code_search(stay_id, _add)
        _checks_and_validation(opened, user)
        _candidates(opened, facts)
        if not with_acts:  # nothing to review: the folded "add an act" line goes last, the candidates stay in view
            acts_panel.acts_section(opened, _persist)
    page_script.draw(opened.draft.unsaved)
