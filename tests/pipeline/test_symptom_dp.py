"""A symptom DP that the conclusion names only in the words of a diagnosis gives way to that diagnosis
(pipeline/roles.py, `_diagnosis_of_the_same_words`: « Conclusion : neutropénie fébrile » is the agranulocytosis,
not its fever)."""

from __future__ import annotations

from coding_assistant.pipeline.candidates import Candidate
from tests.pipeline.test_pipeline_roles import decide, make_table, mention


def test_a_symptom_concluded_only_in_a_diagnosis_words_gives_it_the_dp() -> None:
    table = make_table()
    symptom = Candidate(
        "R51",
        model_score=0.9,
        dp_score=0.6,
        score=0.9,
        mentions=[mention("R51", "motif"), mention("R51", "conclusion", start=500, text="neutropénie fébrile")],
    )
    disease = Candidate(
        "C18",
        model_score=0.3,
        dp_score=0.3,
        score=0.3,
        mentions=[mention("C189", "conclusion", start=500, text="neutropénie fébrile")],
    )
    decided = decide(table, [symptom, disease])
    assert decided["C18"].role == "DP" and decided["C18"].selected


def test_a_symptom_the_conclusion_names_in_words_of_its_own_stays_the_dp() -> None:
    table = make_table()
    symptom = Candidate(
        "R51", model_score=0.9, dp_score=0.6, score=0.9, mentions=[mention("R51", "conclusion", start=500)]
    )
    disease = Candidate(
        "C18", model_score=0.3, dp_score=0.3, score=0.3, mentions=[mention("C189", "conclusion", start=800)]
    )
    assert decide(table, [symptom, disease])["R51"].role == "DP"
