"""The code of a category whose own label words the mention's clause writes out (pipeline/named_sibling.py): a
vague code gives way to it (« adénocarcinome du côlon sigmoïde » is C18.7, not C18.9). Letters written here."""

from __future__ import annotations

import pytest

from coding_assistant.pipeline import CodingPipeline
from coding_assistant.pipeline.named_sibling import combination_not_written, mention_window, sibling_named_in
from coding_assistant.schema import Document, Stay
from coding_assistant.terminology.model import CodeEntry, Terminology

TABLE = [
    ("C18", "Tumeur maligne du côlon"),
    ("C182", "Tumeur maligne du côlon ascendant"),
    ("C187", "Tumeur maligne du côlon sigmoïde"),
    ("C189", "Tumeur maligne du côlon, sans précision"),
    ("I61", "Hémorragie intracérébrale"),
    ("I610", "Hémorragie intracérébrale hémisphérique, sous-corticale"),
    ("I611", "Hémorragie intracérébrale hémisphérique, corticale"),
    ("I619", "Hémorragie intracérébrale, sans précision"),
    ("E11", "Diabète sucré de type 2"),
    ("E1120", "Diabète sucré de type 2 insulinotraité, avec complications rénales"),
    ("E1128", "Diabète sucré de type 2 non insulinotraité ou sans précision, avec complications rénales"),
    ("E1198", "Diabète sucré de type 2 non insulinotraité ou sans précision, sans complication"),
]


@pytest.fixture(scope="module")
def table() -> Terminology:
    return Terminology([CodeEntry(code, label, mco_type=0) for code, label in TABLE], "test", "2025")


def named(table: Terminology, start: str, window: str) -> str | None:
    category = start[:3]
    options = [code for code, _ in TABLE if code.startswith(category) and len(code) > 3]
    return sibling_named_in(start, category, options, window, table)


def test_the_sibling_whose_own_words_are_written_is_chosen(table):
    assert named(table, "C189", "Adénocarcinome du côlon sigmoïde pT3N1b") == "C187"
    assert named(table, "C189", "adenocarcinome du colon ascendant") == "C182"  # accents or none


def test_nothing_when_the_clause_does_not_say_which(table):
    assert named(table, "C189", "Adénocarcinome du côlon") is None
    assert named(table, "I619", "Hématome intracérébral hémisphérique") is None  # both siblings say it


def test_the_sibling_with_the_most_own_words_wins_when_one_contains_another(table):
    # « sous-corticale » writes « corticale » too: the sibling that needs both words is the one meant.
    assert named(table, "I619", "hématome hémisphérique sous-cortical gauche") == "I610"
    assert named(table, "I619", "hématome hémisphérique cortical") == "I611"


def test_combination_and_negative_labels_are_left_to_their_own_rules(table):
    # « avec complications rénales » is a combination code: a kidney word nearby is no stated complication; a
    # label that says « non insulinotraité » is not chosen on the word « insulinotraité ».
    assert named(table, "E1198", "DT2 insulinotraité, insuffisance rénale") is None


def test_the_window_stops_at_the_clause():
    text = "Conclusion : FA, traitée. Lobe inférieur : RAS. Adénocarcinome du côlon sigmoïde, métastases."
    start = text.index("Adénocarcinome")
    end = start + len("Adénocarcinome du côlon")
    assert mention_window(text, start, end) == " Adénocarcinome du côlon sigmoïde"
    assert "inférieur" not in mention_window(text, start, end)


@pytest.mark.parametrize(
    ("conclusion", "code"),
    [
        ("Adénocarcinome du côlon sigmoïde pT3N1b, colectomie gauche.", "C187"),
        ("Fibrillation auriculaire paroxystique, anticoagulée par apixaban.", "I480"),
        ("Convulsions fébriles simples, bilan rassurant.", "R560"),
    ],
)
def test_a_letter_gets_the_sibling_its_conclusion_names(text_pipeline: CodingPipeline, conclusion: str, code: str):
    text = (
        "Motif : hospitalisation programmée.\nHistoire : patient adressé par son médecin traitant.\n"
        f"Conclusion : {conclusion}\n"
    )
    stay = Stay(stay_id="S1", sex="M", age=2 if code == "R560" else 64, documents=[Document(doc_id="d", text=text)])
    chosen = {p.code: p.role for p in text_pipeline.propose(stay).proposals if p.selected}
    assert chosen.get(code) == "DP", chosen


HORTON = ("M315", "M316")


@pytest.fixture(scope="module")
def giant_cell_table() -> Terminology:
    rows = [
        ("M315", "Artérite à cellules géantes avec polymyalgie rhumatismale"),
        ("M316", "Autres artérites à cellules géantes"),
        ("M353", "Polymyalgie rhumatismale"),
    ]
    return Terminology([CodeEntry(code, label, mco_type=0) for code, label in rows], "test", "2025")


def test_a_wording_naming_a_combination_code_and_a_plain_one_is_the_plain_one_unless_the_letter_writes_both(
    giant_cell_table,
):
    table = giant_cell_table
    assert combination_not_written("M315", HORTON, "Maladie de Horton, corticothérapie.", table) == "M316"
    # Written in the sentence, or named as a condition of its own (« PPR » is M35.3).
    assert combination_not_written("M315", HORTON, "Horton avec polymyalgie rhumatismale", table) == "M315"
    assert combination_not_written("M315", HORTON, "Horton avec PPR", table, named=["M353"]) == "M315"
    # Said absent: the plain code.
    assert combination_not_written("M315", HORTON, "Horton sans polymyalgie rhumatismale", table) == "M316"
    assert combination_not_written("M316", HORTON, "Maladie de Horton", table) == "M316"  # no combination


def test_a_letter_without_the_polymyalgia_gets_the_plain_giant_cell_arteritis(text_pipeline: CodingPipeline):
    text = "Motif : céphalées.\nConclusion : maladie de Horton, corticothérapie débutée.\n"
    stay = Stay(stay_id="H1", sex="F", age=78, documents=[Document(doc_id="d", text=text)])
    chosen = {p.code for p in text_pipeline.propose(stay).proposals if p.selected}
    assert "M316" in chosen and "M315" not in chosen, chosen


def test_the_precise_form_named_in_other_words_wins_over_the_plain_disease(text_pipeline: CodingPipeline):
    # « diabète de type 1 » alone is E10.9 (« sans complication »); the letter also names the ketoacidosis.
    text = (
        "Motif : altération de l'état général.\n"
        "Conclusion : acidocétose diabétique inaugurale. Diabète de type 1, insulinothérapie débutée.\n"
    )
    stay = Stay(stay_id="K1", sex="F", age=19, documents=[Document(doc_id="d", text=text)])
    chosen = {p.code for p in text_pipeline.propose(stay).proposals if p.selected}
    assert "E101" in chosen and "E109" not in chosen, chosen
    # Another condition of the category is no precise form: withdrawal (F10.3) does not become dependence (F10.2).
    text = "Motif : tremblements.\nConclusion : syndrome de sevrage alcoolique sans complication. Alcoolisme.\n"
    stay = Stay(stay_id="K2", sex="M", age=50, documents=[Document(doc_id="d", text=text)])
    chosen = {p.code for p in text_pipeline.propose(stay).proposals if p.selected}
    assert "F1030" in chosen, chosen
