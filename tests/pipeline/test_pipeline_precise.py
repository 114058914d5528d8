"""The precise code over "X, sans précision" beside it (pipeline/roles.py), on hand-built candidates."""

from __future__ import annotations

import pytest

from coding_assistant.pipeline.candidates import Candidate
from coding_assistant.pipeline.decided import Decided
from coding_assistant.pipeline.roles import assign_roles, vague_head
from coding_assistant.terminology.model import CodeEntry, Terminology

TABLE = [
    ("H251", "Cataracte sénile nucléaire"),
    ("H269", "Cataracte, sans précision"),
    ("I10", "Hypertension essentielle (primitive)"),
    ("K703", "Cirrhose alcoolique (du foie)"),
    ("K746", "Cirrhoses (du foie), autres et sans précision"),
    ("N390", "Infection des voies urinaires, siège non précisé"),
    ("N10", "Néphrite tubulo-interstitielle aiguë"),
]


@pytest.fixture(scope="module")
def table() -> Terminology:
    return Terminology([CodeEntry(code, label, mco_type=0) for code, label in TABLE], "test", "2025")


def roles(table: Terminology, *candidates: Candidate) -> dict[str, str | None]:
    decided: list[Decided] = assign_roles(candidates, "", [], table)
    return {d.code: d.role for d in decided}


def test_the_head_of_a_vague_label():
    assert vague_head("Cataracte, sans précision") == ["cataracte"]
    assert vague_head("Cirrhoses (du foie), autres et sans précision") == ["cirrhose"]
    assert vague_head("Cataracte sénile nucléaire") is None
    assert vague_head("Infection des voies urinaires, siège non précisé") is None  # not of that form


def test_the_precise_code_takes_the_place_and_the_role_of_the_vague_one(table, conclusion_candidate):
    candidate = conclusion_candidate
    assert roles(table, candidate("H269", 0.95, dp=0.9), candidate("H251", 0.7), candidate("I10", 0.8)) == {
        "H269": None,
        "H251": "DP",
        "I10": "DAS",
    }
    assert roles(table, candidate("I10", 0.95, dp=0.9), candidate("K746", 0.8), candidate("K703", 0.7)) == {
        "I10": "DP",
        "K746": None,
        "K703": "DAS",
    }


def test_a_vague_code_stays_without_a_precise_one_of_the_same_condition(table, conclusion_candidate):
    candidate = conclusion_candidate
    assert roles(table, candidate("H269", 0.95, dp=0.9), candidate("K703", 0.7)) == {"H269": "DP", "K703": "DAS"}
    # An unselected precise code (named in the body only, below the threshold) does not replace a selected
    # vague one.
    assert roles(table, candidate("H269", 0.95, dp=0.9), candidate("H251", 0.2, section="evolution"))["H269"] == "DP"


def test_a_precise_code_that_may_not_be_dp_leaves_the_vague_dp_in_place(conclusion_candidate):
    das_only = Terminology(
        [CodeEntry(code, label, mco_type=4 if code == "H251" else 0) for code, label in TABLE], "test", "2025"
    )
    decided = roles(das_only, conclusion_candidate("H269", 0.95, dp=0.9), conclusion_candidate("H251", 0.7))
    assert decided["H269"] == "DP"


def test_a_measured_value_decides_the_code_the_classifier_guessed(conclusion_candidate, terminology) -> None:
    """E87.10 (« inférieure à 120 mmol/l ») guessed by the classifier gives way to the letter's natrémie of
    131 mmol/L (E87.18); a code a wording names (« hyponatrémie sévère < 120 ») is the letter's own."""
    from coding_assistant.pipeline.roles import specific_code
    from coding_assistant.text.measurements import find_measurements

    text = "Hyponatrémie modérée, natrémie à 131 mmol/L, corrigée."
    guessed = conclusion_candidate("E871", 0.3)
    guessed.model_code = "E8710"
    guessed.mentions = []
    assert specific_code(guessed, text, find_measurements(text), terminology)[0] == "E8718"
    named = conclusion_candidate("E8710", 0.3)
    assert specific_code(named, text, find_measurements(text), terminology)[0] == "E8710"


def test_the_complications_a_letter_names_decide_a_type_2_diabetes_code(text_pipeline) -> None:
    """« diabète de type 2 » names the type; « rétinopathie diabétique » and « néphropathie diabétique » make it
    E11.7 (complications multiples); without them it stays E11.9."""
    from coding_assistant.schema import Document, Stay

    def diabetes(text: str) -> set[str]:
        stay = Stay(stay_id="D1", sex="M", age=64, documents=[Document(doc_id="d", text=text)])
        return {p.code for p in text_pipeline.propose(stay).proposals if p.selected and p.code.startswith("E11")}

    complicated = (
        "Motif : déséquilibre glycémique.\nConclusion : diabète de type 2 déséquilibré, compliqué d'une rétinopathie "
        "diabétique non proliférante et d'une néphropathie diabétique. Passage à l'insuline.\n"
    )
    assert {code[:4] for code in diabetes(complicated)} == {"E117"}, diabetes(complicated)
    plain = "Motif : déséquilibre glycémique.\nConclusion : diabète de type 2 déséquilibré, pas de rétinopathie.\n"
    assert {code[:4] for code in diabetes(plain)} == {"E119"}, diabetes(plain)


def test_a_withdrawal_seizure_gives_the_withdrawal_with_convulsions(text_pipeline) -> None:
    """« sevrage alcoolique » names the withdrawal, not an absence of complications: its seizure makes F10.31."""
    from coding_assistant.schema import Document, Stay

    text = (
        "Motif : sevrage alcoolique.\nÉvolution : crise convulsive généralisée de sevrage à J2, diazépam.\n"
        "Conclusion : sevrage alcoolique compliqué d'une crise convulsive.\n"
    )
    stay = Stay(stay_id="W1", sex="M", age=52, documents=[Document(doc_id="d", text=text)])
    codes = {p.code for p in text_pipeline.propose(stay).proposals if p.selected}
    assert "F1031" in codes and "F1030" not in codes, codes


def test_a_code_that_names_a_cause_is_reached_only_when_the_letter_states_it(terminology, index) -> None:
    """« Hypothyroïdie sous Lévothyrox » names the drug that treats it: the context search among the E03 siblings
    does not make it E03.2 « due à des médicaments »; « induite par l'amiodarone » states the cause, and does."""
    from coding_assistant.matching.loading import default_mention_dictionary
    from coding_assistant.pipeline import CodingPipeline
    from coding_assistant.schema import Document, Stay

    pipeline = CodingPipeline(None, terminology, default_mention_dictionary(), index=index)

    def thyroid_code(text: str) -> str:
        stay = Stay(stay_id="S1", sex="F", age=70, documents=[Document(doc_id="d", text=text)])
        return next(p.code for p in pipeline.propose(stay).proposals if p.code.startswith("E03"))

    treated = (
        "Motif : pyélonéphrite aiguë.\nAntécédents :\n- Hypothyroïdie sous Lévothyrox.\n"
        "Traitement à l'entrée : Lévothyrox 75 µg/j.\nConclusion : pyélonéphrite aiguë droite.\n"
    )
    assert thyroid_code(treated) == "E039"
    assert thyroid_code("Motif : asthénie.\nConclusion : hypothyroïdie induite par l'amiodarone.\n") == "E032"
