"""Comorbidities of the CMA list stated among the antecedents are ticked as DAS under the default policy."""

from __future__ import annotations

from dataclasses import replace

import pytest

from coding_assistant.groupage.cma import load_cma_table
from coding_assistant.groupage.tables import SITE_DIR_ENV
from coding_assistant.pipeline.candidates import Candidate
from coding_assistant.pipeline.roles import assign_roles


@pytest.fixture(scope="module")
def cma_level():
    return load_cma_table().level


def antecedent(make, code: str, *, cues: tuple[str, ...] = ("section: antécédents",), section: str = "antecedents"):
    """A chronic condition the letter lists, below the selection threshold (the classifier does not know it)."""
    candidate: Candidate = make(code, 0.2, section=section)
    candidate.mentions = [replace(m, history=True, cues=cues) for m in candidate.mentions]
    candidate.persistent = True
    return candidate


def decide(terminology, cma_level, *candidates: Candidate, cared_for: bool = False):
    decided = assign_roles(candidates, "", [], terminology, antecedents_cared_for_only=cared_for, cma_level=cma_level)
    return {d.code: d for d in decided}


def test_a_cma_comorbidity_listed_among_the_antecedents_is_a_ticked_das(terminology, cma_level, conclusion_candidate):
    pneumonia = conclusion_candidate("J181", 0.9, 0.9)
    undernutrition = antecedent(conclusion_candidate, "E43")
    diabetes = antecedent(conclusion_candidate, "E1140")
    metastases = antecedent(conclusion_candidate, "C787")
    decided = decide(terminology, cma_level, pneumonia, undernutrition, diabetes, metastases)
    assert decided["J181"].role == "DP"
    for code in ("E43", "E1140", "C787"):
        assert decided[code].selected and decided[code].role == "DAS"
        assert [note.rule for note in decided[code].notes] == ["cma-comorbidity"]


def test_a_condition_off_the_cma_list_is_left_to_the_learnt_score(terminology, cma_level, conclusion_candidate):
    assert cma_level("M179") is None
    decided = decide(
        terminology, cma_level, conclusion_candidate("J181", 0.9, 0.9), antecedent(conclusion_candidate, "M179")
    )
    assert not decided["M179"].selected


def test_a_past_event_or_a_finding_of_the_stay_is_not_a_listed_comorbidity(
    terminology, cma_level, conclusion_candidate
):
    dated = antecedent(conclusion_candidate, "E43", cues=("section: antécédents", "history: 'en 2012'"))
    in_the_course = antecedent(conclusion_candidate, "E559", cues=(), section="evolution")
    decided = decide(terminology, cma_level, conclusion_candidate("J181", 0.9, 0.9), dated, in_the_course)
    assert not decided["E43"].selected
    assert not decided["E559"].selected  # the stay's own findings are weighed by the learnt score


def test_the_cared_for_policy_and_unreadable_tables_tick_nothing(terminology, cma_level, conclusion_candidate):
    for level, cared_for in ((cma_level, True), (None, False)):
        decided = decide(
            terminology,
            level,
            conclusion_candidate("J181", 0.9, 0.9),
            antecedent(conclusion_candidate, "E43"),
            cared_for=cared_for,
        )
        assert not decided["E43"].selected


def test_words_a_ticked_code_reads_are_not_read_again(terminology, cma_level, conclusion_candidate):
    # « DT2 insulinotraité » ticked as E11 is not also a type 1 diabetes because one reading of it says E10.
    type_2 = antecedent(conclusion_candidate, "E1140")
    type_2.score = type_2.model_score = 0.9
    type_1 = antecedent(conclusion_candidate, "E104")
    type_1.mentions = [replace(m, codes=("E104",)) for m in type_2.mentions]
    decided = decide(terminology, cma_level, conclusion_candidate("J181", 0.9, 0.9), type_2, type_1)
    assert decided["E1140"].selected
    assert not decided["E104"].selected


def test_the_pipeline_reads_the_shipped_cma_list(text_pipeline):
    level = text_pipeline._cma_level()
    assert level is not None and level("E43") == 3 and level("I10") is None


def test_unreadable_grouping_tables_leave_the_proposals_without_the_rule(terminology, monkeypatch, tmp_path, caplog):
    from coding_assistant.matching.loading import default_mention_dictionary
    from coding_assistant.pipeline import CodingPipeline
    from coding_assistant.schema import Document, Stay

    load_cma_table.cache_clear()
    monkeypatch.setenv(SITE_DIR_ENV, str(tmp_path / "missing"))
    try:
        pipeline = CodingPipeline(None, terminology, default_mention_dictionary())
        text = (
            "Motif : pneumopathie.\nAntécédents : dénutrition sévère.\nConclusion : pneumopathie franche lobaire aiguë."
        )
        with caplog.at_level("WARNING"):
            proposed = pipeline.propose(Stay(stay_id="S1", documents=[Document(doc_id="d", text=text)]))
            pipeline.propose(Stay(stay_id="S2", documents=[Document(doc_id="d", text=text)]))
        assert proposed.proposals and pipeline._cma_level() is None
        said = [r for r in caplog.records if "CMA comorbidities not pre-ticked" in r.getMessage()]
        assert len(said) == 1 and "pneumopathie" not in said[0].getMessage()  # said once, without the letter's words
    finally:
        load_cma_table.cache_clear()
