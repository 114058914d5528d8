"""The coder's draft kept in the store (store/ui_drafts.py) at each change, so that a reload, a closed tab or
a lost connection loses none of their choices; deleted when they validate or drop it.

On opening a stay the stored draft comes back: as it was when the stay has not changed since, else as
choices kept aside to be reapplied on the new version (the same path as a refused save).
"""

from __future__ import annotations

from datetime import datetime

from coding_assistant.store import Store
from coding_review.draft import Choice, Draft, Line

DraftAside = tuple[dict[str, Choice], tuple[Line, ...], datetime]


def persist(store: Store, username: str, draft: Draft) -> None:
    """Keep the draft while it differs from the saved coding; forget it once it no longer does."""
    if draft.unsaved:
        choices, added = draft.stored()
        store.save_draft(draft.stay_id, username, draft.version, choices, added, draft.stored_acts())
    else:
        store.delete_draft(draft.stay_id, username)


def forget(store: Store, username: str, stay_id: str) -> None:
    store.delete_draft(stay_id, username)


def restore(store: Store, username: str, draft: Draft) -> tuple[datetime | None, DraftAside | None]:
    """Apply the stored draft to a freshly read `draft`. Returns (when it was saved, None) when applied, or
    (None, the choices kept aside) when the stay changed since the draft was made; (None, None) without one."""
    stored = store.load_draft(draft.stay_id, username)
    if stored is None:
        return None, None
    if stored.stay_version == draft.version:
        draft.restore(stored.choices, stored.added)
        if stored.acts is not None:
            draft.restore_acts(stored.acts)
        return stored.updated_at, None
    # Made on an older version: rebuild its choices on a copy of the lines, to be reapplied by the coder.
    aside = Draft(draft.stay_id, stored.stay_version, draft.model_version, list(draft.lines), dict(draft.choices))
    aside.restore(stored.choices, stored.added)
    return None, (dict(aside.choices), tuple(aside.lines), stored.updated_at)
