"""A condition whose clause names a complication that one of its category's codes names after « avec » takes that
code, and the complication is no longer coded apart (pipeline/combined_codes.complication_in_a_combination_code,
CIM-10 combination codes). A cause written after « sur » is no complication. Letters written here."""

from __future__ import annotations

from coding_assistant.pipeline import CodingPipeline
from coding_assistant.schema import Document, Stay


def chosen(pipeline: CodingPipeline, text: str) -> dict[str, str | None]:
    stay = Stay(stay_id="C1", sex="F", age=82, documents=[Document(doc_id="d", text=text)])
    return {p.code: p.role for p in pipeline.propose(stay).proposals if p.selected}


def test_an_obstruction_on_a_strangulated_hernia_is_the_hernia_with_obstruction(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : vomissements, arrêt des matières et des gaz.\n"
        "Conclusion : occlusion du grêle sur hernie crurale droite étranglée, sans nécrose, opérée.\n"
    )
    codes = chosen(text_pipeline, text)
    assert codes.get("K413") == "DP", codes
    assert not any(code.startswith("K56") for code in codes)


def test_a_gallstone_with_acute_cholecystitis_is_one_code(text_pipeline: CodingPipeline) -> None:
    codes = chosen(text_pipeline, "Conclusion : lithiase vésiculaire avec cholécystite aiguë, cholécystectomie.\n")
    assert "K800" in codes and "K819" not in codes and "K810" not in codes, codes


def test_a_cause_written_after_sur_is_no_complication(text_pipeline: CodingPipeline) -> None:
    text = "Conclusion : pyélonéphrite aiguë obstructive droite sur calcul de l'uretère lombaire, drainée par JJ.\n"
    codes = chosen(text_pipeline, text)
    assert "N201" in codes, codes
    assert "N132" not in codes


def test_a_hernia_alone_keeps_its_code_without_obstruction(text_pipeline: CodingPipeline) -> None:
    codes = chosen(text_pipeline, "Conclusion : hernie crurale droite non compliquée, cure par voie inguinale.\n")
    assert any(code.startswith("K41") for code in codes) and "K413" not in codes, codes


def test_a_combination_code_keeps_what_the_condition_affirms(text_pipeline: CodingPipeline) -> None:
    # « insulinotraité » with ketoacidosis is E11.10, not E11.18 « non insulinotraité ou sans précision »: a
    # label's « non … » word is no shared word.
    text = (
        "Motif : altération de l'état général.\n"
        "Conclusion : acidocétose diabétique sévère chez un patient diabétique de type 2 insulinotraité.\n"
    )
    codes = chosen(text_pipeline, text)
    assert "E1110" in codes and "E1118" not in codes, codes


def test_an_iron_deficiency_anaemia_from_a_named_blood_loss_is_d50_0(text_pipeline: CodingPipeline) -> None:
    caused = "Motif : asthénie.\nConclusion : anémie ferriprive sévère par ménorragies sur utérus myomateux.\n"
    assert "D500" in chosen(text_pipeline, caused)
    plain = "Motif : asthénie.\nConclusion : anémie ferriprive sévère, bilan digestif négatif.\n"
    codes = chosen(text_pipeline, plain)
    assert "D509" in codes and "D500" not in codes, codes


def test_a_catch_all_combination_code_gives_way_to_the_one_that_names_the_complication(
    text_pipeline: CodingPipeline,
) -> None:
    # « grippe A » is J10.1 « Grippe avec d'autres manifestations respiratoires, virus grippal identifié »; its
    # pneumonia makes it J10.0 « Grippe avec pneumopathie, virus grippal identifié ».
    text = "Motif : fièvre et toux.\nConclusion : grippe A compliquée de pneumopathie lobaire.\n"
    codes = chosen(text_pipeline, text)
    assert codes.get("J100") == "DP" and "J101" not in codes, codes
