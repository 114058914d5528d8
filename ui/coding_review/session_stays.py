"""The stays a session has open, with their drafts, and the choices kept aside after a refused save."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import streamlit as st

from coding_assistant.store import ConcurrentEditError
from coding_review import draft_store
from coding_review.auth import signed_username
from coding_review.draft import ActChoice, ActLine, Choice, Line
from coding_review.labels import format_datetime
from coding_review.resources import ccam, store, terminology
from coding_review.stay_data import OpenStay, load_open_stay

OPEN_STAYS_KEY = "open_stays"
PENDING_KEY = "pending_choices"
FLASH_KEY = "stay_flash"
GENERATION_KEY = "draft_generation"
SYSTEM_ACTORS = {"batch": "le traitement automatique (batch)"}


@dataclass(frozen=True, slots=True)
class PendingChoices:
    """A coder's choices that the store refused to save, kept until they reapply or drop them."""

    message: str
    choices: dict[str, Choice]
    lines: tuple[Line, ...]
    reloaded: bool = False  # False: still on the old version; True: the stay was reloaded, ready to reapply
    act_lines: tuple[ActLine, ...] = ()
    act_choices: dict[str, ActChoice] | None = None  # None: no act line to reapply


def _open_stays() -> dict[str, OpenStay]:
    return st.session_state.setdefault(OPEN_STAYS_KEY, {})


def _pending() -> dict[str, PendingChoices]:
    return st.session_state.setdefault(PENDING_KEY, {})


def open_stay_data(stay_id: str) -> OpenStay:
    """The open stay, read from the store the first time; later reruns reuse it (and the coder's draft). A
    draft the coder left unsaved (a reload, a closed tab) comes back with it."""
    opened = _open_stays().get(stay_id)
    if opened is None:
        opened = load_open_stay(
            store(), stay_id, terminology().terminology.label, _next_generation(), act_label=ccam().label
        )
        _restore_draft(opened)
        _open_stays()[stay_id] = opened
    return opened


def _restore_draft(opened: OpenStay) -> None:
    username = signed_username()
    if username is None:
        return
    restored_at, aside = draft_store.restore(store(), username, opened.draft)
    opened.draft_restored_at = restored_at
    if aside is not None:
        choices, lines, saved_at = aside
        _pending()[opened.record.stay_id] = PendingChoices(
            f"Votre brouillon du {format_datetime(saved_at)} a été fait sur une version antérieure du séjour.",
            choices,
            lines,
            reloaded=True,
        )


def renew_widgets(opened: OpenStay) -> None:
    """After the draft's choices changed outside its widgets: new widget keys, which start from the draft."""
    opened.draft.generation = _next_generation()


def _next_generation() -> int:
    """A number no draft of this session had: the widgets of a freshly read stay never meet old widget state."""
    generation = st.session_state.get(GENERATION_KEY, 0) + 1
    st.session_state[GENERATION_KEY] = generation
    return generation


def forget_unless_unsaved(stay_id: str) -> None:
    """Opening a stay from the worklist reads it afresh, unless the coder has unsaved choices on it."""
    opened = _open_stays().get(stay_id)
    if opened is not None and not opened.draft.unsaved and stay_id not in _pending():
        del _open_stays()[stay_id]


def reload_stay(stay_id: str) -> OpenStay:
    """Read the stay again. Unsaved choices are not thrown away: they are kept aside to be reapplied."""
    previous = _open_stays().get(stay_id)
    fresh = load_open_stay(
        store(), stay_id, terminology().terminology.label, _next_generation(), act_label=ccam().label
    )
    pending = _pending().get(stay_id)
    if pending is not None:
        _pending()[stay_id] = replace(pending, reloaded=True)
    elif previous is not None and previous.draft.unsaved:
        _pending()[stay_id] = PendingChoices(
            "Le séjour a été rechargé ; vos choix non enregistrés sont conservés.",
            dict(previous.draft.choices),
            tuple(previous.draft.lines),
            reloaded=True,
            act_lines=tuple(previous.draft.act_lines),
            act_choices=dict(previous.draft.act_choices),
        )
    _open_stays()[stay_id] = fresh
    return fresh


def pending_choices(stay_id: str) -> PendingChoices | None:
    return _pending().get(stay_id)


def drop_pending(stay_id: str) -> None:
    _pending().pop(stay_id, None)


def actor_name(actor: str | None) -> str:
    return SYSTEM_ACTORS.get(actor or "", actor or "un autre utilisateur")


def keep_refused_choices(opened: OpenStay, error: ConcurrentEditError) -> None:
    who = actor_name(error.changed_by)
    message = (
        f"Enregistrement refusé : le séjour a été modifié par {who} le {format_datetime(error.changed_at)} "
        f"depuis que vous l'avez ouvert (votre version {error.expected_version}, version actuelle "
        f"{error.current_version}). Vos choix sont conservés : rechargez le séjour pour voir la version actuelle, "
        "puis réappliquez vos choix et validez à nouveau."
    )
    _pending()[opened.record.stay_id] = PendingChoices(
        message,
        dict(opened.draft.choices),
        tuple(opened.draft.lines),
        reloaded=False,
        act_lines=tuple(opened.draft.act_lines),
        act_choices=dict(opened.draft.act_choices),
    )


@dataclass(frozen=True, slots=True)
class Flash:
    """A message shown once, on the rerun that follows an action."""

    text: str
    level: Literal["success", "error"] = "success"


def flash(stay_id: str, text: str, level: Literal["success", "error"] = "success") -> None:
    st.session_state.setdefault(FLASH_KEY, {})[stay_id] = Flash(text, level)


def take_flash(stay_id: str) -> Flash | None:
    return st.session_state.setdefault(FLASH_KEY, {}).pop(stay_id, None)
