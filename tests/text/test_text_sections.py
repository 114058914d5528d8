"""split_sections / section_at on short letters written for each rule."""

from __future__ import annotations

import itertools

import pytest

from coding_assistant.text.sections import section_at, split_sections

LETTER = """CENTRE HOSPITALIER - CARDIOLOGIE
Compte rendu d'hospitalisation

MOTIF D'HOSPITALISATION : dyspnée.

Antécédents médico-chirurgicaux
- HTA
- ATCD familiaux : père IDM à 50 ans
Pas de tabac.
Allergies : pénicilline.

Mode de vie : retraité, vit seul.

TTT habituel : Amlor 5 mg.

HDM : dyspnée depuis 3 jours.

Examen à l'entrée
TA 150/80.

Biologie
Na 136.
Imagerie : RP normale.

Évolution dans le service
Favorable sous diurétiques.

Conclusion : Décompensation cardiaque.

Ordonnance de sortie
Furosémide 40 mg.
"""


def kinds(text: str) -> list[str]:
    return [section.kind for section in split_sections(text)]


def kind_at(text: str, needle: str) -> str:
    section = section_at(split_sections(text), text.index(needle))
    assert section is not None
    return section.kind


def test_sections_partition_the_text() -> None:
    sections = split_sections(LETTER)
    assert sections[0].start == 0 and sections[-1].end == len(LETTER)
    for previous, following in itertools.pairwise(sections):
        assert previous.end == following.start
        assert previous.start <= previous.body_start <= previous.end


@pytest.mark.parametrize(
    ("needle", "kind"),
    [
        ("CENTRE HOSPITALIER", "other"),
        ("dyspnée.", "motif"),
        ("- HTA", "antecedents"),
        ("père IDM", "antecedents_familiaux"),
        ("Pas de tabac.", "antecedents"),  # the family sub-title covers its line only
        ("pénicilline", "allergies"),
        ("retraité", "mode_de_vie"),
        ("Amlor", "traitement_entree"),
        ("depuis 3 jours", "histoire"),
        ("TA 150/80", "examen_clinique"),
        ("Na 136", "examens_complementaires"),
        ("RP normale", "examens_complementaires"),
        ("Favorable", "evolution"),
        ("Décompensation", "conclusion"),
        ("Furosémide", "traitement_sortie"),
    ],
)
def test_each_kind(needle: str, kind: str) -> None:
    assert kind_at(LETTER, needle) == kind


def test_titles_and_bodies_point_into_the_text() -> None:
    sections = split_sections(LETTER)
    conclusion = next(s for s in sections if s.kind == "conclusion")
    assert conclusion.title == "Conclusion"
    assert LETTER[conclusion.body_start :].startswith("Décompensation")
    assert LETTER[conclusion.start : conclusion.start + len(conclusion.title)] == conclusion.title


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("ATCD :", "antecedents"),
        ("ANTECEDENTS", "antecedents"),
        ("Antécédents personnels :", "antecedents"),
        ("Motif d'admission :", "motif"),
        ("Au total :", "conclusion"),
        ("Diagnostics retenus", "conclusion"),
        ("CONCLUSION / DIAGNOSTICS RETENUS", "conclusion"),
        ("Synthèse", "conclusion"),
        ("Problèmes actifs :", "conclusion"),  # a problem-oriented letter's list of the stay's diagnoses
        ("Pb principal :", "conclusion"),
        ("Liste des problèmes", "conclusion"),
        ("Problèmes associés :", "evolution"),
        ("TTT de sortie :", "traitement_sortie"),
        ("Traitement de sortie", "traitement_sortie"),
        ("Histoire de la maladie", "histoire"),
        ("HDM :", "histoire"),
        ("EXAMEN CLINIQUE A L'ENTREE (SAU)", "examen_clinique"),
        ("Examens complémentaires", "examens_complementaires"),
        ("Bio d'entrée :", "examens_complementaires"),
        ("Evolution favorable :", "evolution"),
        ("Traitement d'entrée :", "traitement_entree"),
        ("Traitement habituel (observance aléatoire) :", "traitement_entree"),
        ("ATCD fam :", "antecedents_familiaux"),
        ("SUIVI", "other"),
    ],
)
def test_title_variants(title: str, kind: str) -> None:
    text = f"Patient de 70 ans.\n{title}\nContenu de la section.\n"
    assert kind_at(text, "Contenu") == kind


def test_inline_title_and_comma_title() -> None:
    text = "Conclusion : Décompensation cardiaque.\nAu total, pneumopathie."
    assert kinds(text) == ["conclusion", "conclusion"]
    assert [s.title for s in split_sections(text)] == ["Conclusion", "Au total"]
    assert kind_at("HDM : douleur.\nAu total, pneumopathie.", "pneumopathie") == "conclusion"


def test_untitled_paragraph_after_inline_antecedents_is_not_history() -> None:
    text = "ATCD : HTA.\nPalpitations depuis ce matin.\n"
    assert kind_at(text, "HTA") == "antecedents"
    assert kind_at(text, "Palpitations") == "other"
    listed = "ATCD : HTA.\n- DT2\n"
    assert kind_at(listed, "DT2") == "antecedents"


def test_plain_treatment_title_by_position() -> None:
    assert kind_at("Traitement : Amlor.\nHDM : toux.", "Amlor") == "traitement_entree"
    assert kind_at("Evolution : bonne.\nTraitement : Amlor.", "Amlor") == "traitement_sortie"


def test_colon_inside_content_is_not_a_title() -> None:
    text = "EVOLUTION\n- Cardiopathie ischémique : stable.\nExamen normal par ailleurs.\n"
    assert kinds(text) == ["evolution"]


def test_scoped_subtitle_resumes_the_enclosing_section() -> None:
    text = "EVOLUTION\nAmélioration.\nECG : rythme sinusal.\nSortie à J5.\n"
    assert kind_at(text, "rythme sinusal") == "examens_complementaires"
    assert kind_at(text, "Sortie à J5") == "evolution"


def test_empty_and_untitled_text() -> None:
    assert split_sections("") == []
    assert kinds("Une lettre sans titre.") == ["other"]
    assert section_at(split_sections("abc"), 10) is None


def test_an_arrow_line_is_the_conclusion_of_a_telegraphic_letter() -> None:
    text = (
        "Echo : VB alithiasique.\n=> PA alcoolique.\nEvol : favorable.\nConcl : crise généralisée sur EGI.\n"
        "Dx : asthme aigu grave.\n"
    )
    sections = split_sections(text)
    assert section_at(sections, text.index("PA alcoolique")).kind == "conclusion"
    assert section_at(sections, text.index("favorable")).kind == "evolution"
    assert section_at(sections, text.index("crise généralisée")).kind == "conclusion"
    assert section_at(sections, text.index("asthme aigu grave")).kind == "conclusion"


@pytest.mark.parametrize(
    "line", ["=> Thrombolyse IV à 9h35.", "-> RDV de cardiologie dans 3 mois.", "→ retour à domicile."]
)
def test_an_arrow_line_of_conduct_is_no_conclusion(line: str) -> None:
    text = f"IRM : occlusion M1 gauche.\n{line}\n"
    assert section_at(split_sections(text), text.index(line[3:])).kind != "conclusion"


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Mdv", "mode_de_vie"),
        ("Ex", "examen_clinique"),
        ("EC", "examen_clinique"),
        ("Diag", "conclusion"),
        ("Dg", "conclusion"),
        ("MDH", "motif"),
        ("Terrain", "antecedents"),
        ("FDR CV", "antecedents"),
        ("Facteurs de risque cardio-vasculaires", "antecedents"),
    ],
)
def test_titles_as_wards_abbreviate_them(title: str, kind: str) -> None:
    text = f"{title} : hypertension artérielle.\n"
    assert section_at(split_sections(text), text.index("hypertension")).kind == kind


def test_each_numbered_problem_of_a_synthesis_is_a_conclusion_paragraph() -> None:
    text = (
        "Contexte : veuf, vit seul.\n\nProblème n° 1 — Syndrome confusionnel aigu. Amené par son fils.\n\n"
        "Pb 2 : lombalgie commune, paracétamol.\n\nProblème 3) HTA équilibrée.\n"
    )
    sections = split_sections(text)
    for words in ("Syndrome confusionnel", "Amené par son fils", "lombalgie", "HTA équilibrée"):
        assert section_at(sections, text.index(words)).kind == "conclusion", words
    assert section_at(sections, text.index("veuf")).kind != "conclusion"
    # A problem that a number ends is no numbered title: « problème à 3 mois » stays in its sentence.
    assert kinds("Revoir ce problème 3 mois plus tard.") == ["other"]


def test_a_problem_numbered_alone_is_named_in_the_conclusion_and_told_in_its_section() -> None:
    text = (
        "Médecine polyvalente. M. L., 61 ans.\n\n"
        "1) Pneumopathie d'inhalation du lobe inférieur droit\nAugmentin 7 jours, apyrexie à J3.\n\n"
        "2/ IRA fonctionnelle : créatinine 168 µmol/L, réhydratation.\n\n"
        "3) Diabète de type 2 : Lantus augmentée.\n"
    )
    # « 2/ » is another style: « 1) », « 3) » are no run numbered 1, 2, …
    assert "conclusion" not in [section.kind for section in split_sections(text)]
    text = text.replace("2/ IRA", "2) IRA")
    sections = split_sections(text)
    for name in ("Pneumopathie", "IRA", "Diabète"):
        assert section_at(sections, text.index(name)).kind == "conclusion", name
    for told in ("Augmentin", "créatinine", "Lantus"):
        assert section_at(sections, text.index(told)).kind == "other", told


@pytest.mark.parametrize("marker", ["1.", "1)", "1/", "#1"])
def test_each_numbering_style_names_problems(marker: str) -> None:
    second = marker.replace("1", "2")
    text = f"{marker} Sevrage alcoolique compliqué. Séresta.\n{second} Plaie du cuir chevelu : suture.\n"
    sections = split_sections(text)
    assert section_at(sections, text.index("Sevrage")).kind == "conclusion"
    assert section_at(sections, text.index("Plaie")).kind == "conclusion"
    assert section_at(sections, text.index("Séresta")).kind == "other"
    assert section_at(sections, text.index("suture")).kind == "other"


@pytest.mark.parametrize(
    "text",
    [
        # a numbered list of antecedents, of treatments or of examinations keeps its section
        "Antécédents :\n1) HTA\n2) Diabète de type 2\n",
        "Traitement de sortie :\n1. Kardégic 75 mg\n2. Bisoprolol 2,5 mg\n",
        # problems the evolution tells one by one: the letter's conclusion, if any, names the stay's problem
        "Evolution :\n1) Hyperkaliémie sévère : Kayexalate.\n2) IRA fonctionnelle : réhydratation.\n",
        # the steps of an operation, a conduct, a letter numbering its sections
        "1. Installation en décubitus dorsal.\n2. Incision médiane.\n",
        "1) Poursuite du traitement par Eliquis.\n2) Contrôle biologique à J7.\n",
        "1. Motif d'hospitalisation\nDyspnée fébrile.\n2. Antécédents\nHTA.\n",
        # one numbered line is no run
        "1) Pneumopathie franche lobaire aiguë.\nAmoxicilline.\n",
    ],
)
def test_numbered_lines_that_are_no_problems(text: str) -> None:
    assert "conclusion" not in [section.kind for section in split_sections(text)]


def test_a_titled_conclusion_outweighs_the_numbered_problems() -> None:
    text = (
        "ATCD : BPCO.\n\n1) Hémoptysies de faible abondance → fibroscopie : bourgeon lobaire.\n\n"
        "2) BPCO : traitement inchangé.\n\nConclusion : carcinome épidermoïde du lobe supérieur droit.\n"
    )
    sections = split_sections(text)
    assert section_at(sections, text.index("Hémoptysies de")).kind == "other"
    assert section_at(sections, text.index("carcinome")).kind == "conclusion"


def test_a_motif_written_inline_stops_at_the_end_of_its_paragraph() -> None:
    text = (
        "Motif : vomissements, douleurs abdominales,\npolypnée.\n\n"
        "#1 ACD sévère : pH 7,08, insuline IV.\n#2 Gastroentérite virale : résolutive.\n"
    )
    sections = split_sections(text)
    assert section_at(sections, text.index("polypnée")).kind == "motif"
    assert section_at(sections, text.index("ACD")).kind == "conclusion"
    assert section_at(sections, text.index("insuline")).kind == "other"


def test_follow_up_advice_in_a_conclusion_is_not_its_diagnosis() -> None:
    text = (
        "Conclusion et recommandations :\n"
        "Sortie avec un diagnostic final de cataracte sénile opérée. Pour assurer un suivi optimal, il est "
        "recommandé de surveiller la fonction cardiaque. Des visites de suivi régulières sont nécessaires pour "
        "ajuster le traitement de la myocardiopathie. Il est important de poursuivre le régime. M. Martin a été "
        "encouragé à reprendre la marche. Surveillance de la kaliémie. Insuffisance cardiaque stable.\n"
    )
    assert kind_at(text, "cataracte sénile") == "conclusion"
    for advice in ("fonction cardiaque", "la myocardiopathie", "poursuivre le régime", "la marche", "kaliémie"):
        assert kind_at(text, advice) == "other", advice
    # The conclusion goes on after its advice.
    assert kind_at(text, "Insuffisance cardiaque stable") == "conclusion"
    assert [s.title for s in split_sections(text) if s.kind == "conclusion"] == ["Conclusion et recommandations"] * 2


def test_a_conclusion_naming_a_diagnosis_to_follow_keeps_it() -> None:
    # The sentence opens on the diagnosis, not on advice.
    text = "Conclusion : pneumopathie franche lobaire aiguë, suivi par le médecin traitant.\n"
    assert kind_at(text, "pneumopathie franche") == "conclusion"
