"""A generic act word lands on the label of the organ the report names (ranking.py `_object_unnamed`): what an
act finds in every organ (« hématome », « collection », « couverte ») names none, and a needle « par voie
transcutanée » reaches any organ, so neither stands for the organ of a label. Reports written here, each rule with
a case where it applies and one where the organ is named and the act is kept."""

from __future__ import annotations

from datetime import date

import pytest

from coding_assistant.acts import ActProposer, default_proposer
from coding_assistant.acts.data import default_act_data
from coding_assistant.acts.labels import read_label
from tests.acts.act_reports import selected_acts, stay_acts

MARCH_STAY = (date(2026, 3, 2), date(2026, 3, 9))


@pytest.fixture(scope="module")
def proposer() -> ActProposer:
    return default_proposer()


def selected(proposer: ActProposer, text: str, doc_type: str = "CRO") -> list[str]:
    return selected_acts(proposer, text, doc_type, age=64, stay_dates=MARCH_STAY)


def test_the_organ_words_of_a_label_leave_out_what_it_finds_there():
    data = default_act_data()
    spinal = read_label("Évacuation d'hématome intraspinal [hématomyélie]", data, frozenset())
    assert spinal.objects == {"hematom", "intraspinal"}
    assert spinal.organs == {"intraspinal"}
    # CCAM's catch-all site names no organ at all.
    assert read_label("Drainage d'une collection d'un organe profond", data, frozenset()).organs == frozenset()


def test_a_haematoma_names_no_spinal_cord(proposer):
    # A groin haematoma evacuated after a femoral approach is no AEJA003 « Évacuation d'hématome intraspinal ».
    text = (
        "COMPTE RENDU OPÉRATOIRE du 04/03/2026\nIndication : hématome du Scarpa droit après abord fémoral.\n"
        "Anesthésie générale. Réouverture de la cicatrice inguinale. Évacuation d'un hématome de 300 mL. "
        "Fermeture sur drain."
    )
    assert "AEJA003" not in selected(proposer, text)


def test_a_spinal_haematoma_named_keeps_its_act(proposer):
    text = (
        "COMPTE RENDU OPÉRATOIRE du 04/03/2026\nIndication : hématomyélie cervicale.\nAnesthésie générale. "
        "Myélotomie postérieure. Évacuation de l'hématome intraspinal."
    )
    assert "AEJA003" in selected(proposer, text)


def test_a_percutaneous_drainage_needs_the_face_to_be_a_facial_drainage(proposer):
    # « Drainage percutané d'un abcès du Douglas » is a deep organ's collection (ZZJJ008), not QAJH002 « Drainage
    # de collection de la face, par voie transcutanée … », which the transcutaneous approach alone used to keep.
    text = (
        "COMPTE RENDU DE RADIOLOGIE INTERVENTIONNELLE du 05/03/2026\n"
        "Drainage percutané d'un abcès du cul-de-sac de Douglas sous guidage échographique. "
        "Mise en place d'un drain 10 F, 80 mL de pus."
    )
    codes = selected(proposer, text, "CR-INTERV")
    assert "QAJH002" not in codes
    assert "ZZJJ008" in codes


def test_a_facial_collection_drained_through_the_skin_keeps_its_act(proposer):
    text = (
        "COMPTE RENDU DE RADIOLOGIE INTERVENTIONNELLE du 05/03/2026\n"
        "Abcès de la face, région génienne gauche. Drainage de la collection de la face par voie transcutanée "
        "sous guidage radiologique (scanner)."
    )
    assert "QAJH002" in selected(proposer, text, "CR-INTERV")


def test_an_organ_the_report_saw_and_spared_is_no_object_of_its_acts(proposer: ActProposer) -> None:
    # Written here: « exérèse » of an accessory spleen in a report that also says the pancreas was seen and
    # spared is no excision of a pancreatic tumour.
    report = (
        "Compte rendu opératoire du 08/06/2026 — splénectomie.\n"
        "1. Abord cœlioscopique, quatre trocarts.\n"
        "2. Une rate accessoire de 15 mm dans l'épiploon, enlevée.\n"
        "3. Section des vaisseaux courts ; contrôle du hile à l'agrafeuse ; queue du pancréas vue et respectée.\n"
        "4. Rate extraite en sac, un drain.\n"
        "Conclusion : splénectomie totale par cœlioscopie, avec exérèse d'une rate accessoire."
    )
    lines = stay_acts(proposer, [("CRO", report)], sex="F", age=34, stay_dates=(date(2026, 6, 7), date(2026, 6, 10)))
    chosen = [act.code for act in lines if act.selected]
    assert chosen == ["FFFC001"]


def test_an_organ_found_intact_is_no_object_of_the_act(proposer: ActProposer) -> None:
    # Written here: the skin of a forearm wound is sutured, the tendons the report explored were intact.
    report = (
        "CRO URGENCE — Chirurgie de la main — 09/05/2026\n"
        "Plaie de l'avant-bras droit, face dorsale, superficielle, de 2 cm.\n"
        "Sous anesthésie locale : lavage, exploration (tendons extenseurs intacts), suture cutanée par 3 points."
    )
    lines = stay_acts(proposer, [("CRO", report)], sex="M", age=27, stay_dates=(date(2026, 5, 9), date(2026, 5, 10)))
    assert not [act.code for act in lines if act.selected and act.code.startswith("PC")]


def test_a_dilatation_the_imaging_found_is_no_act() -> None:
    from coding_assistant.acts.reading import _negation_spans

    found = "Urétéropyélographie : calcul bloqué, dilatation modérée d'amont. VBP dilatée à 14 mm."
    assert [found[start:end] for start, end in _negation_spans(found)] == ["dilatation modérée d'amont", "dilatée"]
    # The act: a stenosis dilated with a balloon.
    assert _negation_spans("Dilatation au ballonnet de la sténose urétérale.") == []


def test_a_preserved_state_is_not_a_spared_organ() -> None:
    from coding_assistant.acts.reading import _negation_spans

    spared = "Contrôle du hile ; uretère repéré et préservé."
    assert [spared[start:end].strip() for start, end in _negation_spans(spared)] == ["uretère"]
    # « FEVG préservée » says how the heart pumps: the act written before it keeps its words.
    letter = "Pose d'un stimulateur double chambre chez un patient en insuffisance cardiaque à FEVG préservée."
    assert _negation_spans(letter) == []
