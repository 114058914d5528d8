"""How operative reports write acts: abbreviated sides, vertebral levels, the labels' bracketed procedure nouns,
the approach of the act's own line, the approaches a label requires, closing steps, and the words of an act
the report says was not done. Reports written here, in the styles of French operative reports."""

from __future__ import annotations

from datetime import date

import pytest

from coding_assistant.acts import ActProposer, default_proposer
from coding_assistant.schema import Document, Stay


@pytest.fixture(scope="module")
def proposer() -> ActProposer:
    return default_proposer()


def stay(text: str, doc_type: str = "CRO", sex: str = "F") -> Stay:
    return Stay(
        stay_id="R1",
        sex=sex,
        age=66,
        admission_date=date(2026, 2, 2),
        discharge_date=date(2026, 2, 6),
        documents=[Document(doc_id="R1-CRO", type=doc_type, text=text)],
    )


def ranked(proposer: ActProposer, text: str, doc_type: str = "CRO", sex: str = "F") -> list[tuple[str, bool]]:
    acts, _ = proposer.propose(stay(text, doc_type, sex))
    return [(a.code, a.selected) for a in acts if a.activity == 1]


def selected(proposer: ActProposer, text: str, doc_type: str = "CRO", sex: str = "F") -> list[str]:
    return [code for code, chosen in ranked(proposer, text, doc_type, sex) if chosen]


@pytest.mark.parametrize("side", ["G", "gauche", "Gche"])
def test_an_abbreviated_side_reads_as_the_side(proposer, side):
    # « PTG G »: the wording « PTG gauche » and the knee prosthesis family, whatever way the side is written.
    text = f"CRO du 03/02/2026.\nGeste : PTG {side} cimentée sous AG.\nSuites simples."
    assert selected(proposer, text)[0].startswith("NFKA")


def test_a_vertebral_level_names_the_region_of_the_spine(proposer):
    text = "CRO du 03/02/2026.\nIntervention : exérèse de hernie discale L4-L5 gauche par voie postérieure.\n"
    codes = selected(proposer, text)
    assert codes and codes[0] == "LFFA002"  # « colonne vertébrale lombale », not the cervical LEFA
    cervical = "CRO du 03/02/2026.\nIntervention : exérèse de hernie discale C5-C6 par voie antérieure.\n"
    assert not selected(proposer, cervical) or selected(proposer, cervical)[0] != "LFFA002"


def test_the_procedure_noun_a_label_gives_in_brackets_names_its_act(proposer):
    # « Spondyloplastie expansive [cyphoplastie] … »: letters write « cyphoplastie ».
    text = "RADIOLOGIE INTERVENTIONNELLE\nActe : cyphoplastie de L1 le 03/02/2026, sous contrôle radioscopique.\n"
    assert selected(proposer, text, doc_type="CR-INTERV")[0].startswith("LHMH")


def test_a_procedure_noun_without_a_surgical_ending_names_its_act(proposer):
    # « Conisation » ends in no « -ectomie » or « -plastie », yet names no finding: it is an act, of the cervix.
    text = (
        "CRO — Gynécologie ambulatoire — 03/02/2026\n"
        "Intervention : CONISATION À L'ANSE DIATHERMIQUE sous contrôle colposcopique.\n"
        "Résection en un passage à l'anse de 20 mm ; hémostase à la boule. Pas de cerclage."
    )
    assert selected(proposer, text) == ["JKFA031"]


def test_the_approach_of_the_act_line_wins_over_an_incision_of_the_steps(proposer):
    text = (
        "COMPTE RENDU OPÉRATOIRE du 03/02/2026\n"
        "Intervention : sigmoïdectomie par cœlioscopie avec anastomose colorectale.\n"
        "Temps opératoire : ligature de l'artère sigmoïdienne, section rectale, extraction de la pièce par "
        "mini-laparotomie sus-pubienne, anastomose mécanique.\n"
    )
    codes = selected(proposer, text)
    assert codes[0] == "HHFA010"  # « par coelioscopie ou par laparotomie avec préparation par coelioscopie »


def test_every_approach_a_label_requires_must_be_written(proposer):
    # A polypectomy at coloscopy is not « Exérèse de polype du côlon par coloscopie, avec contrôle coelioscopique ».
    text = (
        "COMPTE RENDU D'ENDOSCOPIE DIGESTIVE — 03/02/2026\n"
        "Coloscopie totale. Deux polypes de 6 et 8 mm réséqués à l'anse froide.\n"
        "Conclusion : polypectomie de 2 polypes infracentimétriques.\n"
    )
    codes = [code for code, _ in ranked(proposer, text, doc_type="CR-ENDO")]
    assert codes[0] == "HHFE002" and "HHFC001" not in codes[:1]


def test_the_closing_lines_of_an_operative_report_name_no_act(proposer):
    # The end of a coelioscopy lets the pneumoperitoneum out: no pleural exsufflation.
    text = (
        "COMPTE RENDU OPÉRATOIRE — 03/02/2026\n"
        "Voie d'abord : laparoscopie, open-cœlio ombilicale.\n"
        "Temps opératoire : coagulation du méso-appendice, ligature de la base, section, extraction en sac.\n"
        "Fermeture : exsufflation, fermeture de l'aponévrose ombilicale.\n"
        "Conclusion : appendicectomie laparoscopique.\n"
    )
    codes = selected(proposer, text)
    assert "HHFA016" in codes and not any(code.startswith("GGJB") for code in codes)
    # In a letter, the same word is the act.
    letter = "Pneumothorax complet droit. Exsufflation à l'aiguille le 03/02/2026, efficace."
    assert any(code.startswith("GGJB") for code in selected(proposer, letter, doc_type="CRH"))


def test_an_act_the_report_says_was_not_done_takes_its_clause_words_with_it(proposer):
    text = (
        "COMPTE RENDU OPÉRATOIRE — 03/02/2026\n"
        "La néphrectomie partielle n'est pas réalisable du fait de la localisation hilaire.\n"
        "Intervention : néphrectomie totale élargie gauche par cœlioscopie.\n"
    )
    codes = selected(proposer, text, sex="M")
    # A total nephrectomy (JAFC006, JAFC019 « élargie »), never the partial one (JAFC005) the report ruled out.
    assert codes and codes[0] in {"JAFC006", "JAFC019"} and "JAFC005" not in codes


@pytest.mark.parametrize(
    ("text", "family"),
    [
        (
            "Geste : évacuation d'un hématome sous-dural chronique gauche par deux trous de trépan, le 03/02/2026.",
            "ABJA",
        ),
        ("Le 03/02/2026 : création d'une fistule artério-veineuse radio-céphalique au poignet gauche.", "EZMA"),
        ("Le 03/02/2026 : aspiration endo-utérine sous AG pour grossesse arrêtée à 9 SA.", "JNJD"),
    ],
)
def test_act_words_and_wordings_of_everyday_reports(proposer, text, family):
    assert any(code.startswith(family) for code in selected(proposer, text, doc_type="CRH"))


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        # Two stents in overlapping on one artery: one vessel.
        ("Coronarographie puis angioplastie de l'IVA proximale avec 2 stents actifs en overlapping.", "DDAF008"),
        ("Coronarographie puis angioplastie de l'IVA et de la CD avec 2 stents actifs.", "DDAF007"),
        # A vessel named in another clause (an old stent, a healthy artery) is not treated.
        (
            "Coronarographie : stent de la CD perméable ; sténose de la circonflexe traitée par angioplastie + "
            "1 stent actif ; IVA sans lésion.",
            "DDAF008",
        ),
    ],
)
def test_the_vessels_an_angioplasty_names_count_its_vessels(proposer, sentence, code):
    assert selected(proposer, f"Cardiologie interventionnelle, le 03/02/2026.\n{sentence}", doc_type="CRH")[0] == code


def test_an_initial_or_a_hyphenated_name_is_no_side():
    from coding_assistant.acts.reading import _with_sides
    from coding_assistant.matching import tokenize

    for text in (
        "Opérateur : Dr D. Martin. PTG D cimentée.",
        "Opérateur : Pr D. ; Aides : Dr A.\nPTG D cimentée.",
        "D-dimères négatifs, 25-OH-D basse. PTG D cimentée.",
    ):
        stems = [token.stem for token in _with_sides(text, tokenize(text))]
        assert stems.count("droit") == 1, text  # the side after « PTG » (« D » is a stopword to the tokenizer)


def test_an_ercp_codes_its_gestures_not_the_examination(proposer):
    # The CPRE is the diagnostic examination of the sphincterotomy and the stent (CCAM: a diagnostic act is
    # included in the therapeutic act it leads to); the report's duodenoscope is the stent's approach.
    text = (
        "Endoscopie bilio-pancréatique — 03/02/2026\n"
        "CPRE sous AG, duodénoscope. Sténose du bas cholédoque.\n"
        "Sphinctérotomie biliaire courte.\n"
        "Mise en place d'une prothèse biliaire métallique couverte 10 x 60 mm.\n"
        "La cholécystectomie a été discutée ; pas d'indication pour le moment.\n"
    )
    codes = [code for code, _ in ranked(proposer, text, doc_type="CR-ENDO")]
    chosen = selected(proposer, text, doc_type="CR-ENDO")
    assert "HMPE001" in chosen and not any(code.startswith("HMQH") for code in chosen)
    assert not any(code.startswith("HMFA") or code.startswith("HMFC") for code in chosen)  # only discussed
    assert codes.index("HMLE002") < codes.index("HMLH001") if "HMLH001" in codes else "HMLE002" in codes


def test_the_grounds_an_indication_line_recalls_are_no_acts_of_the_report(proposer):
    # Written here: the « Indication : » line names the act meant in its first sentence, then recalls the work-up
    # done before (an endoscopic ultrasound), which the report did not do.
    text = (
        "Compte rendu d'endoscopie du 03/02/2026.\n"
        "Indication : dissection sous-muqueuse d'une lésion antrale. Écho-endoscopie : lésion usT1m.\n"
        "- Injection sous-muqueuse, incision circonférentielle, dissection au couteau.\n"
    )
    reading = proposer._readings(stay(text, doc_type="CR-ENDO"))[0]
    by_words = {anchor.text: anchor for anchor in reading.anchors}
    assert by_words["dissection sous-muqueuse"].selectable and by_words["dissection sous-muqueuse"].intended
    assert not by_words["Écho-endoscopie"].selectable
    # On a line of its own, the same words are the report's act.
    alone = text.replace(". Écho-endoscopie", ".\nÉcho-endoscopie")
    assert {a.text: a for a in proposer._readings(stay(alone, doc_type="CR-ENDO"))[0].anchors}[
        "Écho-endoscopie"
    ].selectable
