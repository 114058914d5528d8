"""The coder's draft kept in the store (store/ui_drafts.py) at each change, so that a reload, a closed tab or
a lost connection loses none of their choices; deleted when they validate or drop it.

On opening a stay the stored draft comes back: as it was when the stay has not changed since, else as
choices kept aside to be reapplied on the new version (the same path as a refused save).
"""

from __future__ import annotations

from datetime import datetime

from coding_assistant.store import Store, ui_drafts
from coding_assistant.store.columns import utc_now
from coding_review.draft import Choice, Draft, Line

DraftAside = tuple[dict[str, Choice], tuple[Line, ...], datetime]


def persist(store: Store, username: str, draft: Draft) -> None:
    """Keep the draft while it differs from the saved coding; forget it once it no longer does."""
    with store.sessions() as session:
        if draft.unsaved:
            choices, added = draft.stored()
            ui_drafts.save_draft(session, draft.stay_id, username, draft.version, choices, added, utc_now())
        else:
            ui_drafts.delete_draft(session, draft.stay_id, username)
        session.commit()


def forget(store: Store, username: str, stay_id: str) -> None:
    with store.sessions() as session:
        ui_drafts.delete_draft(session, stay_id, username)
        session.commit()


def restore(store: Store, username: str, draft: Draft) -> tuple[datetime | None, DraftAside | None]:
    """Apply the stored draft to a freshly read `draft`. Returns (when it was saved, None) when applied, or
    (None, the choices kept aside) when the stay changed since the draft was made; (None, None) without one."""
    with store.sessions() as session:
        stored = ui_drafts.load_draft(session, draft.stay_id, username)
    if stored is None:
        return None, None
    if stored.stay_version == draft.version:
        draft.restore(stored.choices, stored.added)
        return stored.updated_at, None
    # Made on an older version: rebuild its choices on a copy of the lines, to be reapplied by the coder.
    aside = Draft(draft.stay_id, stored.stay_version, draft.model_version, list(draft.lines), dict(draft.choices))
    aside.restore(stored.choices, stored.added)
    return None, (dict(aside.choices), tuple(aside.lines), stored.updated_at)
