"""The grouping preview of a stay's proposals and the revaluation a coder may find (groupage/proposals.py)."""

from __future__ import annotations

from datetime import date

from coding_assistant.groupage import facts_for, group_stay, summarise_grouping
from coding_assistant.groupage.proposals import grouped_acts
from coding_assistant.schema import ActProposal, Codes, Evidence, ModelInfo, Proposal, Stay, StayProposals

STAY = Stay(stay_id="G", sex="F", age=70, admission_date=date(2025, 3, 1), discharge_date=date(2025, 3, 7))
AFFIRMED = Evidence(doc_id="D", start=0, end=10, text="dénutrition")
NEGATED = Evidence(doc_id="D", start=20, end=30, text="dénutrition", negated=True)


def proposals(*extra: Proposal, acts: tuple[ActProposal, ...] = (), dp_code: str = "J189") -> StayProposals:
    dp = Proposal(code=dp_code, score=0.9, role="DP", selected=True, evidence=[AFFIRMED])
    return StayProposals(stay_id="G", model=ModelInfo(name="m", version="1"), proposals=[dp, *extra], acts=list(acts))


def test_the_proposed_coding_is_grouped() -> None:
    summary = summarise_grouping(STAY, proposals(Proposal(code="I10", score=0.8, role="DAS", selected=True)))
    expected = group_stay(facts_for(STAY, "J189", None, ["I10"]))  # type: ignore[arg-type]
    assert summary is not None and (summary.ghm, summary.tariff_eur) == (expected.ghm, expected.tariff_eur)
    assert summary.severity == expected.severity and summary.revaluation_eur is None


def test_a_supported_counting_cma_left_out_is_the_revaluation() -> None:
    left_out = Proposal(code="E440", score=0.3, evidence=[AFFIRMED])  # dénutrition sévère: CMA level 3
    summary = summarise_grouping(STAY, proposals(left_out, Proposal(code="I10", score=0.4, evidence=[AFFIRMED])))
    assert summary is not None and summary.revaluation_code == "E440"
    assert summary.revaluation_eur is not None and summary.revaluation_eur > 1000


def test_no_revaluation_from_a_negated_mention_a_selected_code_or_a_non_cma() -> None:
    for extra in (
        Proposal(code="E440", score=0.3, evidence=[NEGATED]),  # the letter says the patient has none
        Proposal(code="E440", score=0.9, role="DAS", selected=True, evidence=[AFFIRMED]),  # already coded
        Proposal(code="E440", score=0.3),  # the classifier alone: no mention in the letters
        Proposal(code="I10", score=0.3, evidence=[AFFIRMED]),  # not a CMA
    ):
        summary = summarise_grouping(STAY, proposals(extra))
        assert summary is not None and summary.revaluation_code is None, extra


def test_the_selected_acts_are_grouped_and_no_dp_means_no_preview() -> None:
    act = ActProposal(code="HMFC004", activity=1, phase=0, score=0.9, selected=True)
    unselected = act.model_copy(update={"selected": False})
    gallstones = [summarise_grouping(STAY, proposals(acts=acts, dp_code="K802")) for acts in ((act,), (unselected,))]
    ghms = [summary.ghm if summary else None for summary in gallstones]
    assert ghms == ["07C141", "07M021"]  # the cholecystectomy makes it surgical (C), only when selected
    no_dp = StayProposals(stay_id="G", model=ModelInfo(name="m", version="1"), proposals=[])
    assert summarise_grouping(STAY, no_dp) is None


def test_the_acts_the_stay_came_with_are_grouped_beside_the_selected_ones() -> None:
    """An act coded in the PMSI software (the stay's RUM act zones) makes the stay surgical even when the
    letters gave no proposal for it; a selected proposal of the same act is not counted twice."""
    coded = STAY.model_copy(update={"codes": Codes(dp="K802", acts=["HMFC004"])})
    summary = summarise_grouping(coded, proposals(dp_code="K802"))
    assert summary is not None and summary.ghm == "07C141"
    act = ActProposal(code="HMFC004", activity=1, phase=0, score=0.9, selected=True)
    assert [a.code for a in grouped_acts(coded, [act])] == ["HMFC004"]
    anaesthesia = act.model_copy(update={"activity": 4})
    assert [(a.code, a.activity) for a in grouped_acts(coded, [anaesthesia])] == [("HMFC004", "1"), ("HMFC004", "4")]
