"""Adverse effects of drugs in therapeutic use (rules/adverse_drugs.py, Y40-Y59): read only where a sentence
holds a drug responsible for a condition, and coded as DAS by the pipeline."""

from __future__ import annotations

import pytest

from coding_assistant.pipeline import CodingPipeline
from coding_assistant.rules.adverse_drugs import find_adverse_drug_effects
from coding_assistant.schema import Document, Stay


def codes(text: str) -> list[tuple[str, str]]:
    return [(m.text, m.code) for m in find_adverse_drug_effects(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Insuffisance rénale aiguë iatrogène (furosémide et ramipril).",
            [("furosémide", "Y544"), ("ramipril", "Y524")],
        ),
        ("Hypoglycémie sévère d'origine médicamenteuse sous gliclazide.", [("gliclazide", "Y423")]),
        ("Confusion induite par le tramadol.", [("tramadol", "Y450")]),
        ("Méléna sous Kardégic et Xarelto.", [("Kardégic", "Y444"), ("Xarelto", "Y442")]),  # bleeding under
        ("Toxicité hématologique de la chimiothérapie.", [("chimiothérapie", "Y433")]),
        ("Hematome du psoas sous heparine.", [("heparine", "Y442")]),  # accents dropped
        # « attribuée à », « liée au », « due à »: the words that name the drug as the cause.
        ("Hyperkaliémie à 5,8 attribuée à l'Aldactone, arrêtée.", [("Aldactone", "Y541")]),
        ("Hyponatrémie sévère liée au thiazidique.", [("thiazidique", "Y543")]),
        ("Hyperkaliémie sous anti-aldostérone.", [("anti-aldostérone", "Y541")]),
        # A condition drugs typically cause, « sous » the drug; « -induite »; « aggravée par »; « post-chimio ».
        ("Hyponatrémie à 124 sous ISRS (escitalopram).", [("ISRS", "Y492"), ("escitalopram", "Y492")]),
        ("Deux hypoglycémies sous sulfamide hypoglycémiant.", [("sulfamide hypoglycémiant", "Y423")]),
        ("Bradycardie à 38/min sous bisoprolol.", [("bisoprolol", "Y517")]),
        ("2) Constipation sous morphine : Movicol 2 sachets/j.", [("morphine", "Y450")]),
        ("Hyperglycémie cortico-induite.", [("cortico", "Y420")]),
        ("IRA fonctionnelle aggravée par le kétoprofène.", [("kétoprofène", "Y452")]),
        ("Neutropénie fébrile post-chimiothérapie (C2).", [("chimiothérapie", "Y433")]),
        # What follows a colon is what was done: « insuline » there treats the hyperglycaemia.
        ("Hyperglycémies cortico-induites : insuline basale transitoire.", [("cortico", "Y420")]),
    ],
)
def test_a_drug_the_sentence_holds_responsible_gives_its_y_code(text: str, expected: list[tuple[str, str]]) -> None:
    assert codes(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "HTA sous irbésartan et amlodipine.",  # a treatment, not an effect
        "Constipation sous Movicol, morphine arrêtée.",  # the laxative treats it; the opioid stopped is no cause here
        "FA permanente sous Eliquis 5 mg x2.",  # an anticoagulant, no bleeding in the sentence
        "Hématurie sur sonde. Traitement : Kardégic 75 mg.",  # the bleeding and the drug in two sentences
        "Intoxication médicamenteuse volontaire au paracétamol et au bromazépam.",  # poisoning: T codes, X60-X69
        "Acidocétose secondaire à un arrêt de l'insuline.",  # the drug's absence
        "Diabète de type 1 sous insuline, hypoglycémies rares.",  # no « sous » before the drug after the effect
        "Bradycardie sinusale asymptomatique, HTA sous amlodipine.",  # the drug is the treatment of another
        "Douleur liée à la fracture, soulagée par le tramadol.",  # the cause named is not the drug
    ],
)
def test_no_y_code_without_an_attribution_to_a_drug_in_therapeutic_use(text: str) -> None:
    assert codes(text) == []


def selected(pipeline: CodingPipeline, text: str) -> dict[str, str | None]:
    stay = Stay(stay_id="Y1", sex="F", age=80, documents=[Document(doc_id="d", text=text)])
    return {p.code: p.role for p in pipeline.propose(stay).proposals if p.selected}


def test_the_pipeline_codes_the_effect_and_the_drug_class_as_das(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : chutes.\nHistoire : hyponatrémie à 121 mmol/L d'origine médicamenteuse (hydrochlorothiazide).\n"
        "Conclusion : hyponatrémie iatrogène sous hydrochlorothiazide, arrêté.\n"
    )
    chosen = selected(text_pipeline, text)
    assert chosen.get("Y543") == "DAS" and any(code.startswith("E871") for code in chosen)


def test_a_denied_or_past_adverse_effect_is_not_coded(text_pipeline: CodingPipeline) -> None:
    denied = "Motif : épistaxis.\nConclusion : épistaxis bénigne. Pas de saignement sous AVK, INR à 2,4.\n"
    past = "Motif : pneumopathie.\nAntécédents : hémorragie digestive sous AVK en 2015.\nConclusion : pneumopathie.\n"
    for text in (denied, past):
        assert not any(code.startswith("Y") for code in selected(text_pipeline, text)), text


def test_a_treatment_described_as_medicinal_is_not_an_adverse_effect() -> None:
    assert codes("Sortie sous traitement médicamenteux associant furosémide et ramipril.") == []


def test_a_condition_secondary_to_another_is_not_blamed_on_a_drug_of_the_sentence() -> None:
    assert codes("Dyspnée secondaire à une décompensation cardiaque, majoration du furosémide.") == []
    assert codes("Hyponatrémie secondaire à la prise d'hydrochlorothiazide.") == [("hydrochlorothiazide", "Y543")]


def test_what_aggravated_or_induced_the_condition_is_the_object_of_its_cue() -> None:
    # « aggravé par » names the infection; the insulin that treated it is no cause.
    text = "Déséquilibre glycémique aggravé par l'infection, pris en charge par insuline basal-bolus et metformine."
    assert codes(text) == []
    assert codes("Hyponatrémie induite par l'hydrochlorothiazide, arrêté.") == [("hydrochlorothiazide", "Y543")]
    assert codes("Confusion aggravée par le tramadol récemment introduit.") != []
