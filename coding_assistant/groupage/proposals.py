"""The grouping preview of a stay's proposals: GHM, severity and tariff of the proposed coding, and the
revaluation a coder may find — the candidate the letters support (affirmed mentions) but the proposals left
unselected that would count as a CMA and raise the tariff most as a DAS.

The batch stores it with the proposals, so that the worklist can show the GHM and list the stays where a
revaluation is possible ("revalorisation possible") without grouping anything while a coder waits.
"""

from __future__ import annotations

from collections.abc import Sequence

from coding_assistant.groupage.codes import atih
from coding_assistant.groupage.grouper import Grouper, default_grouper
from coding_assistant.groupage.model import Act, StayFacts
from coding_assistant.schema import ActProposal, GroupingSummary, Proposal, Stay, StayProposals


def facts_for(
    stay: Stay, dp: str | None, dr: str | None, das: Sequence[str], acts: Sequence[Act] = ()
) -> StayFacts | None:
    """What the trees read for this coding of the stay; None without a DP (nothing to group)."""
    if dp is None:
        return None
    nights = 0
    if stay.admission_date and stay.discharge_date:
        nights = max(0, (stay.discharge_date - stay.admission_date).days)
    return StayFacts(
        stay_id=stay.stay_id,
        dp=atih(dp),
        dr=atih(dr) if dr else None,
        das=tuple(dict.fromkeys(atih(code) for code in das)),
        acts=tuple(acts),
        length_of_stay=nights,
        age=stay.age,
        # Entry mode N (naissance, ATIH RUM format): the RUM starts at birth, so the age in days at entry is 0
        # and the trees can orient the newborn (CMD 15) by its birth weight and gestational age.
        age_days=0 if stay.entry_mode == "N" else None,
        sex=stay.sex,
        # The RUM's administrative fields, when the stay has them (read from an RSS, or given in JSONL):
        # a death (exit mode 9), a transfer or a newborn's weight change the GHM or its severity.
        entry_mode=stay.entry_mode,
        entry_origin=stay.entry_origin,
        exit_mode=stay.exit_mode,
        exit_destination=stay.exit_destination,
        birth_weight=stay.birth_weight or None,
        gestational_age=stay.gestational_age or None,
        sessions=stay.sessions or 0,
    )


def selected_acts(acts: Sequence[ActProposal]) -> tuple[Act, ...]:
    return tuple(Act(a.code, str(a.activity), str(a.phase)) for a in acts if a.selected)


def grouped_acts(stay: Stay, acts: Sequence[ActProposal]) -> tuple[Act, ...]:
    """The act lines the preview groups: those the stay came with (`codes.acts`: its RUM's act zones, or a
    JSONL stay's coded acts), then the selected proposals the stay does not already have (same code and
    activity), as a coder who keeps both would code them."""
    own = tuple(Act(a.code, str(a.activity), str(a.phase)) for a in (stay.codes.acts if stay.codes else None) or [])
    present = {(a.code, a.activity) for a in own}
    return own + tuple(a for a in selected_acts(acts) if (a.code, a.activity) not in present)


def _supported(proposal: Proposal) -> bool:
    """Unselected, with at least one mention that is neither negated, hypothetical nor about a relative."""
    return not proposal.selected and any(not (e.negated or e.hypothetical or e.family) for e in proposal.evidence)


def summarise_grouping(stay: Stay, proposals: StayProposals, grouper: Grouper | None = None) -> GroupingSummary | None:
    """The preview of the proposed coding and its best revaluation; None when the proposals have no DP."""
    grouper = grouper or default_grouper()
    chosen = {role: [p.code for p in proposals.proposals if p.selected and p.role == role] for role in ("DP", "DR")}
    das = [p.code for p in proposals.proposals if p.selected and p.role == "DAS"]
    facts = facts_for(
        stay,
        next(iter(chosen["DP"]), None),
        next(iter(chosen["DR"]), None),
        das,
        grouped_acts(stay, proposals.acts),
    )
    if facts is None:
        return None
    result = grouper.group(facts)
    best_code, best_eur = None, 0.0
    for proposal in proposals.proposals:
        code = atih(proposal.code)
        if not _supported(proposal) or code in (facts.dp, facts.dr, *facts.das) or result.tariff_eur is None:
            continue
        if not grouper.cma.level(code):
            continue  # not on the CMA list: it cannot count, no grouping needed
        # The coding without the code is the proposed one, grouped once above: one grouping per candidate.
        with_code = grouper.group(facts.with_das([*facts.das, code]))
        verdict = next((v for v in with_code.cma if v.code == code), None)
        # A counting CMA only (Manuel des GHM, volume 1: a DAS raises the severity level when its CMA level
        # is not excluded by the DP or the root): what a DIM calls a revaluation, not a code that changes the
        # CMD (a session code, an HIV code) which is a question of the DP, not of a missing DAS.
        if verdict is None or not verdict.counts or with_code.tariff_eur is None:
            continue
        worth = round(with_code.tariff_eur - result.tariff_eur, 2)
        if worth > best_eur:
            best_code, best_eur = proposal.code, worth
    return GroupingSummary(
        ghm=result.ghm,
        severity=result.severity,
        tariff_eur=result.tariff_eur,
        revaluation_eur=round(best_eur, 2) if best_code else None,
        revaluation_code=best_code,
    )
