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


def test_a_renal_colic_beside_the_stone_the_scan_finds_is_listed_unticked(text_pipeline) -> None:  # type: ignore[no-untyped-def]
    from coding_assistant.schema import Document, Stay

    text = (
        "UHCD. Admis pour une colique néphrétique gauche hyperalgique. Uroscanner : calcul de 5 mm de l'uretère "
        "lombaire gauche, dilatation modérée. Douleur contrôlée par kétoprofène. Sortie sous tamsulosine."
    )
    stay = Stay(stay_id="S2", sex="M", age=38, documents=[Document(doc_id="d", text=text)])
    proposals = {p.code[:3]: p for p in text_pipeline.propose(stay).proposals}
    assert proposals["N20"].role == "DP"
    # The colic is the stone's usual pain, filed under its organ: listed, unticked.
    assert not proposals["N23"].selected and "symptom-explained" in {n.rule for n in proposals["N23"].warnings}


def test_a_pain_filed_under_its_organ_gives_the_dp_to_that_organs_diagnosis() -> None:
    from coding_assistant.terminology.model import CodeEntry, Terminology

    table = Terminology(
        [
            CodeEntry("N23", "Colique néphrétique, sans précision", mco_type=0),
            CodeEntry("N201", "Calcul de l'uretère", mco_type=0),
            CodeEntry("J13", "Pneumopathie due à Streptococcus pneumoniae", mco_type=0),
        ],
        "test",
        "2025",
    )
    colic = Candidate("N23", model_score=0.9, dp_score=0.8, score=0.9, mentions=[mention("N23", "histoire")])
    stone = Candidate("N20", model_score=0.6, dp_score=0.1, score=0.6, mentions=[mention("N201", "histoire")])
    assert decide(table, [colic, stone])["N20"].role == "DP"
    # A diagnosis of another organ does not explain it.
    pneumonia = Candidate("J13", model_score=0.6, dp_score=0.1, score=0.6, mentions=[mention("J13", "histoire")])
    assert decide(table, [colic, pneumonia])["N23"].role == "DP"
