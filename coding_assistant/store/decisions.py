"""A coder's final coding of a stay, saved with optimistic locking.

A coder may keep a stay open for minutes; locking it for that long would block the batch and colleagues.
Instead the UI remembers the stay's `version` when it opens it and passes it back here: a save is refused when
the version moved meanwhile, and the message says who saved first, so that nobody's work is silently overwritten.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.exc import StaleDataError

from coding_assistant.schema import Codes
from coding_assistant.store.audit import append_audit
from coding_assistant.store.errors import ConcurrentEditError, ExportedStayError, StoreError, UserError
from coding_assistant.store.models import DecisionRow, StayRow, UserRow
from coding_assistant.store.stays import require_stay
from coding_assistant.store.users import require_user
from coding_assistant.store.views import Decision

log = logging.getLogger(__name__)


def _refuse_decision_change(mapper: Mapper[Any], connection: Any, target: DecisionRow) -> None:
    # A new save is a new row; the database refuses changes too (migration 0005), this says it before the SQL.
    raise PermissionError("decisions are append-only: a decision is never updated or deleted")


event.listen(DecisionRow, "before_update", _refuse_decision_change)
event.listen(DecisionRow, "before_delete", _refuse_decision_change)


# The audit's name for the move of an exported stay back to "validated" (the stay's status column says
# "validated"; the worklist shows it as modified after export, since it was exported before).
MODIFIED_AFTER_EXPORT = "modified_after_export"


def save_decision(
    session: Session,
    stay_id: str,
    username: str,
    codes: Codes,
    expected_version: int,
    now: datetime,
    after_export: bool = False,
) -> Decision:
    """Write the decision, bump the stay's version, mark it validated and audit it; raise ConcurrentEditError
    when the stay is no longer at `expected_version`, ExportedStayError when it was exported and the change
    is not declared as one after export. The caller commits."""
    user = require_user(session, username)
    if not user.active:
        raise UserError(f"user {username}: deactivated, cannot save a decision")
    if codes.dp is None:
        # PMSI: a RUM cannot be sent without a principal diagnosis.
        raise StoreError(f"stay {stay_id}: a decision needs a DP")
    stay = require_stay(session, stay_id)
    if stay.version != expected_version:
        raise _conflict(stay, expected_version)
    if stay.status == "exported" and not after_export:
        raise ExportedStayError(stay_id)

    previous_status = stay.status
    run = stay.proposal_run
    stay.status, stay.updated_at, stay.updated_by = "validated", now, username
    try:
        # The mapper's version check: UPDATE ... WHERE version = <read>. Zero rows means another session
        # saved between our read and this write.
        session.flush()
    except StaleDataError:
        session.rollback()
        fresh = session.execute(
            select(StayRow).where(StayRow.stay_id == stay_id).execution_options(populate_existing=True)
        ).scalar_one()
        raise _conflict(fresh, expected_version) from None

    decision = DecisionRow(
        stay_pk=stay.id,
        user_pk=user.id,
        dp=codes.dp,
        dr=codes.dr,
        das=list(codes.das),
        model_version=run.model_version if run else None,
        stay_version=stay.version,
        decided_at=now,
    )
    session.add(decision)
    details = {"dp": codes.dp, "dr": codes.dr, "das": list(codes.das), "version": stay.version}
    if run is not None:
        # What the coder did with the product's pre-ticked codes: the raw material of the next model's training.
        proposed = {p.code for p in run.proposals if p.selected}
        chosen = set(codes.all_codes())
        details |= {
            "model_version": run.model_version,
            "accepted": sorted(proposed & chosen),
            "rejected": sorted(proposed - chosen),
            "added": sorted(chosen - proposed),
        }
    append_audit(session, username, "decision_saved", stay, details, now)
    if previous_status == "exported":
        # Explicit: the RSS sent holds the old coding; the stay is validated again and waits for a new export.
        change = {"from": "exported", "to": MODIFIED_AFTER_EXPORT}
        append_audit(session, username, "status_changed", stay, change, now)
    elif previous_status != "validated":
        append_audit(session, username, "status_changed", stay, {"from": previous_status, "to": "validated"}, now)
    session.flush()
    log.info("stay %s: decision saved (version %d)", stay_id, stay.version)
    return _decision_of(decision, stay_id, user)


def latest_decision(session: Session, stay_id: str) -> Decision | None:
    stay = require_stay(session, stay_id)
    found = session.execute(
        select(DecisionRow, UserRow)
        .join(UserRow, DecisionRow.user_pk == UserRow.id)
        .where(DecisionRow.stay_pk == stay.id)
        .order_by(DecisionRow.decided_at.desc(), DecisionRow.id.desc())
        .limit(1)
    ).first()
    return _decision_of(found[0], stay_id, found[1]) if found else None


def _conflict(stay: StayRow, expected_version: int) -> ConcurrentEditError:
    return ConcurrentEditError(stay.stay_id, expected_version, stay.version, stay.updated_by, stay.updated_at)


def _decision_of(row: DecisionRow, stay_id: str, user: UserRow) -> Decision:
    return Decision(
        stay_id=stay_id,
        username=user.username,
        dp=row.dp,
        dr=row.dr,
        das=list(row.das),
        model_version=row.model_version,
        stay_version=row.stay_version,
        decided_at=row.decided_at,
    )
