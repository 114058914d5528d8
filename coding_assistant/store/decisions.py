"""A coder's final coding of a stay, saved with optimistic locking.

A coder may keep a stay open for minutes; locking it for that long would block the batch and colleagues.
Instead the UI remembers the stay's `version` when it opens it and passes it back here: a save is refused when
the version moved meanwhile, and the message says who saved first, so that nobody's work is silently overwritten.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
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
from coding_assistant.store.views import DecidedAct, Decision

log = logging.getLogger(__name__)
_CCAM = re.compile(r"^[A-Z]{4}[0-9]{3}$")


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
    acts: Sequence[DecidedAct] | None = None,
) -> Decision:
    """Write the decision, bump the stay's version, mark it validated and audit it; raise ConcurrentEditError
    when the stay is no longer at `expected_version`, ExportedStayError when it was exported and the change
    is not declared as one after export. `acts`: the validated CCAM act lines (None: not reviewed, the
    source RUM's acts stand). The caller commits."""
    user = require_user(session, username)
    if not user.active:
        raise UserError(f"user {username}: deactivated, cannot save a decision")
    if codes.dp is None:
        # PMSI: a RUM cannot be sent without a principal diagnosis.
        raise StoreError(f"stay {stay_id}: a decision needs a DP")
    for act in acts or ():
        # The RUM's act zone: a 7-character CCAM code, activity 1-5 and phase 0-9 (ATIH RUM format).
        if not (_CCAM.match(act.code) and 1 <= act.activity <= 5 and 0 <= act.phase <= 9):
            raise StoreError(f"stay {stay_id}: act {act.code!r} activity {act.activity} phase {act.phase} refused")
    stay = require_stay(session, stay_id)
    if stay.version != expected_version:
        raise _conflict(stay, expected_version)
    if stay.status == "exported" and not after_export:
        raise ExportedStayError(stay_id)

    previous_status = stay.status
    run = stay.proposal_run
    stay.status, stay.updated_at, stay.updated_by = "validated", now, username
    flagged = stay.review_reason is not None
    stay.review_reason = stay.review_by = stay.review_at = None  # validated: no longer « à revoir »
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
        acts=None if acts is None else [act.as_json() for act in acts],
    )
    session.add(decision)
    details: dict[str, Any] = {"dp": codes.dp, "dr": codes.dr, "das": list(codes.das), "version": stay.version}
    if acts is not None:
        details["acts"] = [act.as_json() for act in acts]
    if run is not None:
        # What the coder did with the product's pre-ticked codes: the raw material of the next model's training.
        proposed = {p.code for p in run.proposals if p.selected}
        chosen = set(codes.all_codes())
        details |= {
            "model_version": run.model_version,
            "proposed_dp": run.dp_code,  # the DP the product proposed (the dashboard's DP agreement)
            "accepted": sorted(proposed & chosen),
            "rejected": sorted(proposed - chosen),
            "added": sorted(chosen - proposed),
        }
        if acts is not None and run.acts is not None:
            # The same for the acts, by CCAM code: what the act proposals got right and missed.
            proposed_acts = {str(a.get("code")) for a in run.acts if isinstance(a, dict) and a.get("selected")}
            chosen_acts = {act.code for act in acts}
            details |= {
                "acts_accepted": sorted(proposed_acts & chosen_acts),
                "acts_rejected": sorted(proposed_acts - chosen_acts),
                "acts_added": sorted(chosen_acts - proposed_acts),
            }
    append_audit(session, username, "decision_saved", stay, details, now)
    if flagged:
        append_audit(session, username, "review_cleared", stay, {"by": "validation"}, now)
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
        acts=None if row.acts is None else [DecidedAct.from_json(raw) for raw in row.acts],
    )
