"""The current proposals of a stay: replaced whole, read back exactly as written."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from coding_assistant.schema import (
    ActProposal,
    Evidence,
    GroupingSummary,
    Measurement,
    ModelInfo,
    Note,
    Proposal,
    StayProposals,
)
from coding_assistant.store.audit import append_audit
from coding_assistant.store.columns import CLOSED_STATUSES
from coding_assistant.store.errors import StoreError
from coding_assistant.store.models import ProposalRow, ProposalRunRow
from coding_assistant.store.stays import require_stay

log = logging.getLogger(__name__)


def proposed_dp(proposals: StayProposals) -> Proposal | None:
    """The DP the coder sees first: the selected DP, else the best-ranked proposal in the DP role."""
    in_dp_role = [p for p in proposals.proposals if p.role == "DP"]
    return next((p for p in in_dp_role if p.selected), in_dp_role[0] if in_dp_role else None)


def save_proposals(
    session: Session, stay_id: str, proposals: StayProposals, run_id: str | None, actor: str, now: datetime
) -> None:
    """Replace the stay's proposals by these ones, in the caller's transaction (all or nothing)."""
    if proposals.stay_id != stay_id:
        raise StoreError(f"stay {stay_id}: proposals given are for stay {proposals.stay_id}")
    stay = require_stay(session, stay_id)
    previous = stay.proposal_run
    if previous is not None:
        stay.proposal_run = None
        # The old run must be gone before the new one takes its unique stay_pk.
        session.flush()
    dp = proposed_dp(proposals)
    grouping = proposals.grouping or GroupingSummary()
    stay.proposal_run = ProposalRunRow(
        run_id=run_id,
        model_name=proposals.model.name,
        model_version=proposals.model.version,
        input_hash=stay.content_hash,
        warnings=_dumped(proposals.warnings),
        measurements=(
            None if proposals.measurements is None else [m.model_dump(mode="json") for m in proposals.measurements]
        ),
        dp_code=dp.code if dp else None,
        dp_score=dp.score if dp else None,
        created_at=now,
        ghm=grouping.ghm,
        severity=grouping.severity,
        tariff_eur=grouping.tariff_eur,
        revaluation_eur=grouping.revaluation_eur,
        revaluation_code=grouping.revaluation_code,
        proposals=[_proposal_row(rank, p) for rank, p in enumerate(proposals.proposals)],
        acts=[act.model_dump(mode="json", exclude_none=True) for act in proposals.acts],
    )
    previous_status = stay.status
    if stay.status not in CLOSED_STATUSES:
        stay.status = "proposed"
    # Touching the stay bumps its version: a coder who opened the older proposals must reload before saving.
    stay.updated_at, stay.updated_by = now, actor
    session.flush()
    append_audit(
        session,
        actor,
        "proposals_saved",
        stay,
        {
            "run_id": run_id,
            "model": proposals.model.model_dump(),
            "proposals": len(proposals.proposals),
            "dp": dp.code if dp else None,
            "previous_status": previous_status,
        },
        now,
    )
    log.debug("stay %s: %d proposals saved (run %s)", stay_id, len(proposals.proposals), run_id)


def _proposal_row(rank: int, proposal: Proposal) -> ProposalRow:
    return ProposalRow(
        rank=rank,
        code=proposal.code,
        label=proposal.label,
        score=proposal.score,
        role=proposal.role,
        selected=proposal.selected,
        evidence=[e.model_dump(mode="json") for e in proposal.evidence],
        warnings=_dumped(proposal.warnings),
    )


def _dumped(notes: list[Note]) -> list[dict[str, object]]:
    """Empty fields left out; the worklist counts the PMSI checks in SQL by their `"check"` kind."""
    return [note.model_dump(exclude_none=True) for note in notes]


def save_grouping(session: Session, stay_id: str, grouping: GroupingSummary | None) -> bool:
    """Replace the grouping preview stored with the stay's proposals (the worklist's GHM, severity, tariff and
    revaluation columns), the proposals themselves unchanged; False when the stay has no proposals yet."""
    stay = require_stay(session, stay_id)
    run = stay.proposal_run
    if run is None:
        return False
    summary = grouping or GroupingSummary()
    run.ghm, run.severity, run.tariff_eur = summary.ghm, summary.severity, summary.tariff_eur
    run.revaluation_eur, run.revaluation_code = summary.revaluation_eur, summary.revaluation_code
    session.flush()
    return True


def load_proposals(session: Session, stay_id: str) -> StayProposals | None:
    """The stay's current proposals, ranked best first; None when it has none yet."""
    run = require_stay(session, stay_id).proposal_run
    if run is None:
        return None
    return StayProposals(
        stay_id=stay_id,
        model=ModelInfo(name=run.model_name, version=run.model_version),
        proposals=[
            Proposal(
                code=p.code,
                label=p.label,
                score=p.score,
                role=p.role,  # type: ignore[arg-type]  # checked by a constraint
                selected=p.selected,
                evidence=[Evidence.model_validate(e) for e in p.evidence],
                warnings=list(p.warnings),  # validated into notes (and older one-line notes read)
            )
            for p in run.proposals
        ],
        acts=[ActProposal.model_validate(act) for act in run.acts or []],
        warnings=list(run.warnings),
        measurements=None if run.measurements is None else [Measurement.model_validate(m) for m in run.measurements],
        grouping=None
        if run.ghm is None
        else GroupingSummary(
            ghm=run.ghm,
            severity=run.severity,
            tariff_eur=run.tariff_eur,
            revaluation_eur=run.revaluation_eur,
            revaluation_code=run.revaluation_code,
        ),
    )
