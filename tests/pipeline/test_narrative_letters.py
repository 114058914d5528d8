"""Letters written as a narrative, with no « Conclusion : » title: the sentence that retains a diagnosis (« Nous
retenons donc … », « Il s'agit d'une … », « Au total, … ») is their conclusion. And three conditions a letter
names with another that CIM-10 codes together: a bleeding and its peptic ulcer (K25-K28 « avec hémorragie »), a
condition of a pregnancy the letter states by its term (chapter XV). Letters written here."""

from __future__ import annotations

import pytest

from coding_assistant.pipeline import CodingPipeline
from coding_assistant.schema import Document, Stay


def proposals(pipeline: CodingPipeline, text: str, sex: str = "M", age: int = 40) -> dict[str, str | None]:
    stay = Stay(stay_id="N1", sex=sex, age=age, documents=[Document(doc_id="d", text=text)])
    return {p.code: p.role for p in pipeline.propose(stay).proposals if p.selected}


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("Nous retenons donc une péricardite aiguë idiopathique, sans myocardite.", "I300"),
        ("Il s'agit d'une hyperémèse gravidique avec troubles hydroélectrolytiques.", "O21"),
        ("Au total, syndrome malin des neuroleptiques dû à l'halopéridol.", "G210"),
        ("Devant ces cinq critères, le diagnostic de maladie de Kawasaki a été porté.", "M303"),
        ("On conclut à une péricardite aiguë idiopathique.", "I300"),
        ("Le diagnostic retenu est donc celui d'une péricardite aiguë idiopathique.", "I300"),
    ],
)
def test_the_sentence_that_retains_a_diagnosis_is_the_conclusion(
    text_pipeline: CodingPipeline, sentence: str, code: str
) -> None:
    text = (
        "Cher confrère,\nJe vous remercie de m'avoir adressé votre patient pour une douleur et une fièvre.\n"
        "Le bilan biologique et l'imagerie ont été réalisés dès l'entrée.\n"
        f"{sentence}\nBien confraternellement,\n"
    )
    chosen = proposals(text_pipeline, text, sex="F", age=31)
    assert any(c.startswith(code) and role == "DP" for c, role in chosen.items()), chosen


def test_a_diagnosis_retained_after_an_examination_title_is_the_conclusion(text_pipeline: CodingPipeline) -> None:
    # « À l'entrée : » opens the examination; the letter's next paragraph, untitled, retains the diagnosis.
    text = (
        "Gynécologie-obstétrique — Mme F., 31 ans, G1P0, grossesse de 9 SA, vomissements incoercibles.\n"
        "À l'entrée : pli cutané, FC 108/min, cétonurie +++, kaliémie 2,9 mmol/L.\n"
        "Il s'agit d'une hyperémèse gravidique avec troubles hydroélectrolytiques. Réhydratation IV, thiamine.\n"
    )
    chosen = proposals(text_pipeline, text, sex="F", age=31)
    assert any(c.startswith("O21") and role == "DP" for c, role in chosen.items()), chosen


def test_a_patient_introduced_is_no_diagnosis_retained(text_pipeline: CodingPipeline) -> None:
    text = (
        "Cher confrère,\nIl s'agit d'une patiente de 81 ans aux antécédents de diabète de type 2.\n"
        "Elle est hospitalisée pour une pneumopathie franche lobaire aiguë droite, traitée par amoxicilline.\n"
    )
    chosen = proposals(text_pipeline, text, sex="F", age=81)
    assert not any(c.startswith("E11") and role == "DP" for c, role in chosen.items())


def test_a_bleeding_and_its_peptic_ulcer_are_one_code(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : méléna.\nFOGD : ulcère gastrique antral Forrest IIa, traité par injection d'adrénaline.\n"
        "Conclusion : hémorragie digestive haute par ulcère gastrique antral.\n"
    )
    chosen = proposals(text_pipeline, text)
    assert chosen.get("K254") == "DP"
    assert not any(c.startswith("K92") for c in chosen)


def test_a_condition_of_a_pregnancy_stated_by_its_term_takes_its_chapter_xv_code(
    text_pipeline: CodingPipeline,
) -> None:
    pregnant = (
        "CRH : Mme L., grossesse unique à 26 SA + 3 j.\nMotif : fièvre.\nConclusion : pyélonéphrite aiguë droite.\n"
    )
    assert "O230" in proposals(text_pipeline, pregnant, sex="F", age=27)
    not_pregnant = (
        "CRH : Mme L., pas de grossesse en cours (bHCG négatifs).\nConclusion : pyélonéphrite aiguë droite.\n"
    )
    assert "O230" not in proposals(text_pipeline, not_pregnant, sex="F", age=27)


def test_the_vomiting_of_a_pregnant_woman_is_a_chapter_xv_vomiting(text_pipeline: CodingPipeline) -> None:
    text = (
        "CRH : Mme L., grossesse unique à 9 SA.\nMotif : vomissements incoercibles.\n"
        "Conclusion : vomissements incoercibles avec hypokaliémie, réhydratation IV.\n"
    )
    chosen = proposals(text_pipeline, text, sex="F", age=27)
    assert any(code.startswith("O21") for code in chosen) and "R11" not in chosen, chosen


def test_a_colon_polyp_whose_histology_is_an_adenoma_is_coded_by_its_site(text_pipeline: CodingPipeline) -> None:
    polyp = "Coloscopie : polype sessile du sigmoïde de 12 mm réséqué à l'anse.\n"
    without_histology = proposals(text_pipeline, polyp, sex="F", age=61)
    assert "K635" in without_histology and "D125" not in without_histology
    with_adenoma = proposals(
        text_pipeline, polyp + "Histologie : adénome tubuleux en dysplasie de bas grade.\n", sex="F", age=61
    )
    assert "D125" in with_adenoma and "K635" not in with_adenoma
    not_adenoma = proposals(text_pipeline, polyp + "Histologie : polype hyperplasique, pas d'adénome.\n", sex="F")
    assert "K635" in not_adenoma and "D125" not in not_adenoma


def test_a_condition_a_combination_code_names_after_avec_is_not_coded_apart(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : douleur de la fosse iliaque droite.\n"
        "Diagnostic retenu : appendicite aiguë avec péritonite localisée. Péritonite localisée de la fosse iliaque "
        "droite lavée.\n"
    )
    chosen = proposals(text_pipeline, text, sex="F", age=19)
    assert "K353" in chosen and not any(c.startswith("K65") for c in chosen), chosen
