"""Specificity (coding_assistant.rules.specificity): each family with values on both sides of its bounds."""

from __future__ import annotations

import pytest

from coding_assistant.rules import insulin_treated_from_text, refine_code
from coding_assistant.rules.specificity import default_codable
from coding_assistant.rules.specificity.metabolic import imc_band
from coding_assistant.text.measurements import Measurement, find_measurements


def refine(terminology, code, text="", **kwargs):
    return refine_code(code, text, find_measurements(text), terminology, **kwargs)


def measured(kind, value, unit="", computed=False, comparator=None):
    return Measurement(kind, value, unit, 0, 1, "x", computed=computed, comparator=comparator)


# --- labels the refiners rely on ---
@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("I5000", "supérieure ou égale à 50"),
        ("I5001", "inférieure à 50 et supérieure ou égale à 40"),
        ("I5002", "inférieure à 40"),
        ("I5019", "non précisée"),
        ("E6604", "30 kg/m² et inférieur à 35"),
        ("E6695", "35 kg/m² et inférieur à 40"),
        ("E6697", "supérieur à 50"),
        ("E6699", "non précisé"),
        ("E8750", "6,5"),
        ("E8710", "120"),
        ("E8760", "2,5"),
        ("E8700", "150"),
        ("F050", "non surajouté à une démence"),
        ("F051", "surajouté à une démence"),
        ("E1190", "insulinotraité"),
        ("E1198", "non insulinotraité"),
        ("N184", "stade 4"),
        ("I21100", "24 heures ou moins"),
        ("I2118", "autres prises en charge"),
        ("R4700", "au-delà de 24 heures"),
        ("R4701", "dans les  24 heures"),
        ("U0711", "respiratoire, virus non identifié"),
        ("U0714", "autres formes cliniques, virus identifié"),
        ("F10201", "rémission partielle"),
        ("F10241", "avec symptômes physiques"),
    ],
)
def test_labels_say_what_the_refiners_assume(terminology, code, words):
    entry = terminology.get(code)
    assert entry is not None and entry.codable and words in entry.label


# --- heart failure ---
@pytest.mark.parametrize(("fevg", "code"), [(30, "I5002"), (39, "I5002"), (40, "I5001"), (49, "I5001"), (50, "I5000")])
def test_heart_failure_fevg_bands(terminology, fevg, code):
    result = refine(terminology, "I500", f"Insuffisance cardiaque congestive, FEVG à {fevg} %.")
    assert result.code == code
    assert f"FEVG {fevg} %" in result.reason and result.from_code == "I500"


def test_heart_failure_without_fevg(terminology):
    assert refine(terminology, "I500", "Insuffisance cardiaque.").code == "I5009"
    assert refine(terminology, "I50", "Insuffisance cardiaque.").code == "I509"


def test_oap_is_left_ventricular_failure(terminology):
    result = refine(terminology, "I50", "OAP. FEVG 35 %.")
    assert result.code == "I5012" and "OAP" in result.reason
    assert refine(terminology, "I50", "Oedème aigu du poumon.").code == "I5019"
    assert refine(terminology, "I50", "Pas d'OAP. FEVG 60 %").code == "I5000"


def test_heart_failure_fevg_words_and_lowest_value(terminology):
    assert refine(terminology, "I501", "FEVG préservée").code == "I5010"
    assert refine(terminology, "I500", "FEVG 45 % puis FEVG 30 % à J3.").code == "I5002"


def test_unspecified_heart_failure_is_refined_by_fevg(terminology):
    assert refine(terminology, "I5009", "FEVG 45 %").code == "I5001"


# --- obesity ---
@pytest.mark.parametrize(
    ("imc", "code"),
    [(27.0, "E6603"), (34.9, "E6604"), (35.0, "E6605"), (39.9, "E6605"), (40.0, "E6606"), (50.0, "E6607")],
)
def test_obesity_imc_bands(terminology, imc, code):
    result = refine_code("E66", "Obésité", [measured("imc", imc, "kg/m²")], terminology)
    assert result.code == code


def test_obesity_from_weight_and_height(terminology):
    result = refine(terminology, "E66", "Obésité. Poids 120 kg, taille 170 cm.")
    assert result.code == "E6606" and "calculé" in result.reason


def test_obesity_cause_and_default(terminology):
    assert refine(terminology, "E66", "Obésité médicamenteuse, IMC 36").code == "E6615"
    assert refine(terminology, "E66", "Syndrome obésité-hypoventilation, IMC 52").code == "E6627"
    # Common obesity, no other cause written: due to an excess of calories (E66.0); E66.9 only as written.
    assert refine(terminology, "E66", "").code == "E6609"
    assert refine(terminology, "E669", "IMC 31").code == "E6694"
    assert refine(terminology, "E660", "IMC 31").code == "E6604"


def test_obesity_without_overweight_band_falls_back(terminology):
    # E66.2 has no "surpoids" child: an IMC of 27 keeps "IMC non précisé".
    assert refine(terminology, "E662", "IMC 27").code == "E6629"
    assert imc_band(24.9) is None


def test_deleted_obesity_band_is_refined_from_its_parent(terminology):
    result = refine(terminology, "E6600", "IMC 36")
    assert result.code == "E6605" and "supprimé" in result.reason


# --- electrolytes ---
@pytest.mark.parametrize(("value", "code"), [(6.4, "E8758"), (6.5, "E8758"), (6.6, "E8750"), (7.2, "E8750")])
def test_hyperkalaemia(terminology, value, code):
    text = f"Hyperkaliémie à {str(value).replace('.', ',')} mmol/L."
    result = refine(terminology, "E875", text)
    assert result.code == code and "6,5" in result.reason


def test_hyperkalaemia_without_value(terminology):
    assert refine(terminology, "E875", "Hyperkaliémie.").code == "E8758"


@pytest.mark.parametrize(("value", "code"), [(115, "E8710"), (119, "E8710"), (120, "E8718"), (128, "E8718")])
def test_hyponatraemia(terminology, value, code):
    assert refine(terminology, "E871", f"Hyponatrémie, natrémie {value} mmol/L").code == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Hypokaliémie sévère à 2,1 mmol/L, recharge IV.", "E8760"),
        ("Hypokaliémie à 2,5 mmol/L.", "E8768"),
        ("Hypokaliémie à 3,1 mmol/L puis 2,4 mmol/L à J2.", "E8760"),  # the lowest value decides
        ("Hypokaliémie.", "E8768"),
    ],
)
def test_hypokalaemia(terminology, text, code):
    assert refine(terminology, "E876", text).code == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Hypernatrémie sévère à 158 mmol/L par déshydratation.", "E8700"),
        ("Hypernatrémie à 150 mmol/L.", "E8708"),
        ("Hypernatrémie.", "E8708"),
    ],
)
def test_hypernatraemia(terminology, text, code):
    assert refine(terminology, "E870", text).code == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Confusion iatrogène au tramadol, sans démence sous-jacente.", "F050"),
        ("Syndrome confusionnel, pas de trouble cognitif connu.", "F050"),
        ("Syndrome confusionnel sur démence d'Alzheimer.", "F051"),
        ("Syndrome confusionnel aigu.", "F059"),
    ],
)
def test_delirium_by_the_dementia_it_is_or_is_not_superimposed_on(terminology, text, code):
    assert refine(terminology, "F05", text).code == code
    assert refine(terminology, "F059", text).code == code


# --- type 2 diabetes ---
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DT2 sous Lantus 20 UI", True),
        ("Diabète de type 2 insulinotraité", True),
        ("Schéma : Humalog Mix 25 matin et soir", True),
        ("Toujeo 30 UI le soir", True),
        ("Diabète de type 2 sous insuline", True),
        ("Diabète de type 2 non insulinotraité", False),
        ("DT2, pas d'insuline", False),
        ("DT2 sous metformine", None),
        ("Arrêt de la Lantus.", None),
        ("Insulinorésistance", None),
    ],
)
def test_insulin_treated_from_text(text, expected):
    assert insulin_treated_from_text(text) is expected


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        ("E11", "DT2 sous Tresiba", "E1190"),
        ("E11", "DT2 sous metformine", "E1198"),
        ("E119", "DT2 sous Novorapid", "E1190"),
        ("E112", "Néphropathie diabétique, DT2 sous Levemir", "E1120"),
        ("E11", "Rétinopathie diabétique. DT2 non insulinotraité.", "E1138"),
        ("E11", "Rétinopathie diabétique et neuropathie diabétique, Fiasp", "E1170"),
        ("E1198", "Sous Lantus", "E1190"),
    ],
)
def test_type2_diabetes(terminology, code, text, expected):
    assert refine(terminology, code, text).code == expected


def test_insulin_flag_overrides_text(terminology):
    assert refine(terminology, "E11", "DT2 sous Lantus", insulin_treated=False).code == "E1198"
    assert refine(terminology, "E11", "DT2", insulin_treated=True).code == "E1190"


# --- chronic kidney disease ---
@pytest.mark.parametrize(
    ("dfg", "code"),
    [
        (10, "N185"),
        (14, "N185"),
        (15, "N184"),
        (29, "N184"),
        (30, "N183"),
        (59, "N183"),
        (60, "N182"),
        (89, "N182"),
        (90, "N189"),
        (110, "N189"),
    ],
)
def test_ckd_stage_from_dfg(terminology, dfg, code):
    result = refine(terminology, "N18", f"Maladie rénale chronique, DFG {dfg} mL/min/1,73m².")
    assert result.code == code and f"DFG {dfg}" in result.reason


def test_ckd_written_stage_and_dialysis(terminology):
    assert refine(terminology, "N18", "IRC stade 3b, DFG 12").code == "N183"
    assert refine(terminology, "N18", "MRC stade IV").code == "N184"
    assert refine(terminology, "N18", "stade 1 de MRC, DFG 95").code == "N181"
    assert refine(terminology, "N189", "Patient hémodialysé chronique 3 fois par semaine.").code == "N185"
    assert refine(terminology, "N18", "Fistule artério-veineuse en vue d'une dialyse. DFG 18").code == "N184"
    assert refine(terminology, "N18", "").code == "N189"


# --- myocardial infarction ---
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("IDM inférieur, douleur depuis 3 h, angioplastie primaire.", "I21100"),
        ("IDM inféro-latéral, douleur depuis 3 h.", "I21100"),
        ("SCA ST+ antérieur. Délai douleur-ballon 30 h.", "I2100"),
        ("Infarctus antéro-septal, prise en charge initiale.", "I2100"),
        ("NSTEMI latéral, douleur depuis 10 h.", "I21400"),
        ("Infarctus latéral, prise en charge initiale.", "I2120"),
        ("STEMI, douleur depuis 2 h.", "I21300"),
        ("Séjour de réadaptation post-infarctus inférieur.", "I2118"),
        ("Infarctus du myocarde.", "I2190"),
    ],
)
def test_infarction(terminology, text, code):
    assert refine(terminology, "I21", text).code == code


def test_infarction_site_words_outside_the_infarct_sentence_do_not_count(terminology):
    text = "Infarctus du myocarde. Ulcère du membre inférieur."
    assert refine(terminology, "I21", text).code == "I2190"


def test_infarction_default_care_is_flagged(terminology):
    result = refine(terminology, "I21", "IDM inférieur.")
    assert result.code == "I2110" and "par défaut" in result.reason


def test_infarction_keeps_the_coders_axes(terminology):
    assert refine(terminology, "I211", "angioplastie primaire, depuis 2 h").code == "I21100"
    assert refine(terminology, "I2110", "depuis 30 h").code == "I2110"
    assert refine(terminology, "I2118", "depuis 2 h").code == "I2118"


def test_infarction_delay_boundary(terminology):
    within = refine_code("I2110", "", [measured("delai_prise_en_charge", 24, "h")], terminology)
    late = refine_code("I2110", "", [measured("delai_prise_en_charge", 24, "h", comparator="plus de")], terminology)
    assert (within.code, late.code) == ("I21100", "I2110")


# --- aphasia, COVID-19 ---
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Aphasie persistante à 48 h.", "R4700"),
        ("Aphasie régressive en 2 heures.", "R4701"),
        ("Aphasie transitoire.", "R4701"),
        ("Dysphasie.", "R4703"),
        ("Aphasie.", "R4702"),
    ],
)
def test_aphasia(terminology, text, code):
    assert refine(terminology, "R470", text).code == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Pneumopathie à SARS-CoV-2, PCR positive.", "U0710"),
        ("Pneumopathie COVID, PCR négative, scanner typique.", "U0711"),
        ("COVID-19 forme digestive, RT-PCR positive.", "U0714"),
        ("COVID-19 sans pneumopathie, PCR négative.", "U0715"),
        ("Porteur asymptomatique du SARS-CoV-2.", "U0712"),
        ("", "U0715"),
    ],
)
def test_covid(terminology, text, code):
    assert refine(terminology, "U071", text).code == code


# --- dependence ---
@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        ("F102", "Dépendance à l'alcool, patient abstinent depuis 6 mois.", "F1020"),
        ("F102", "Alcool : abstinent, rémission partielle.", "F10201"),
        ("F102", "Alcool : consommation actuelle, tremblements.", "F10241"),
        ("F102", "Éthylisme, consommation actuelle sans symptôme physique.", "F10240"),
        # Current use with no physical symptom written: « sans symptôme physique », the 6th character 0.
        ("F102", "Éthylisme chronique, cure de sevrage programmée.", "F10240"),
        ("F172", "Tabagisme actif à 20 cigarettes par jour.", "F17240"),
        ("F102", "Alcoolisations épisodiques massives.", "F1026"),
        ("F102", "Dépendance alcoolique, abstinent sous Espéral.", "F1023"),
        ("F102", "Sevré du tabac depuis 10 ans.", "F102"),
        ("F112", "Héroïne : substitution par méthadone.", "F1122"),
        ("F102", "", "F102"),
    ],
)
def test_dependence(terminology, code, text, expected):
    assert refine(terminology, code, text).code == expected


# --- an acute intoxication or a withdrawal by its complication (F1x.0, F1x.3, F1x.4) ---
@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        ("F103", "Sevrage alcoolique compliqué d'une crise convulsive généralisée.", "F1031"),
        ("F103", "Sevrage alcoolique simple sous diazépam.", "F1030"),
        ("F103", "Sevrage alcoolique, pas de crise convulsive.", "F1030"),  # negated
        ("F104", "Delirium tremens avec crises tonico-cloniques de sevrage.", "F1041"),
        ("F100", "Ivresse aiguë, chute avec plaie du cuir chevelu après consommation d'alcool.", "F1001"),
        ("F100", "Intoxication alcoolique aiguë avec coma, Glasgow 7.", "F1005"),
        ("F100", "Ivresse aiguë. Chute il y a deux ans.", "F1000"),  # the fall is not in a sentence about alcohol
    ],
)
def test_substance_episode_by_its_complication(terminology, code, text, expected):
    assert refine(terminology, code, text).code == expected


# --- general guarantees ---
def test_reason_names_the_evidence(terminology):
    assert refine(terminology, "I500", "FEVG 30 %").reason == "FEVG 30 % < 40 %"
    assert "inférieur" in refine(terminology, "I21", "IDM inférieur, depuis 3 h").reason


def test_specific_codes_are_kept(terminology):
    result = refine(terminology, "I5002", "FEVG 60 %")
    assert result.code == "I5002" and not result.changed


def test_unknown_and_malformed_codes(terminology):
    assert refine(terminology, "I109").code == "I109"
    assert refine(terminology, "12").code == "12"


def test_defaults(terminology):
    assert default_codable("E66", terminology) == ("E6699", True)
    assert default_codable("Z37", terminology) == ("Z370", False)  # Z37.9 is type 3 in the table
    assert default_codable("Z379", terminology) is None
    assert refine(terminology, "Z37").reason.endswith("à vérifier")


def test_never_a_type_3_or_deleted_code(terminology):
    categories = [e.code for e in terminology if not e.deleted and (len(e.code) == 3 or not e.codable)]
    assert len(categories) > 2000
    for code in categories:
        result = refine_code(code, "", [], terminology)
        entry = terminology.get(result.code)
        assert entry is not None, code
        if entry.codable:
            assert result.code.startswith(code) or result.code[:3] == code[:3], (code, result)
        else:
            assert result.code == code and default_codable(code, terminology) is None, (code, result)
            assert result.reason


@pytest.mark.parametrize(
    "text",
    [
        "FEVG 25 %. IMC 45. K+ 7,1 mmol/L. Na 110 mmol/L. DFG 8. IDM antérieur depuis 2 h. Aphasie persistante. "
        "PCR SARS-CoV-2 positive, pneumopathie. Sous Lantus. Alcool : consommation actuelle."
    ],
)
def test_every_family_output_is_codable(terminology, text):
    for code in ["I50", "I500", "I501", "E66", "E875", "E871", "E11", "N18", "I21", "R470", "U071", "F102"]:
        result = refine(terminology, code, text)
        entry = terminology.get(result.code)
        assert entry is not None and entry.codable, (code, result)
        assert result.code != code
