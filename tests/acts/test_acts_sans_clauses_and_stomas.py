"""A label's « sans … » clause is contradicted by its act being done, not by its object being named (« l'angle
colique gauche n'est pas mobilisé » names the angle and agrees with « sans libération de l'angle colique
gauche »); and the end stoma of a resection « sans rétablissement de la continuité » is part of that resection
(CCAM: the intervention de Hartmann is HHFA014, its colostomy included). Reports written here; each rule with a
case where it applies and one where it must not."""

from __future__ import annotations

import pytest

from coding_assistant.acts import ActProposer, default_proposer
from tests.acts.act_reports import selected_acts


@pytest.fixture(scope="module")
def proposer() -> ActProposer:
    return default_proposer()


def colectomies(proposer: ActProposer, text: str) -> list[str]:
    return [code for code in selected_acts(proposer, text) if code.startswith("HHFA")]


SIGMOIDECTOMY = (
    "CRO du 07/04/2026 — Sigmoïdectomie pour diverticulite compliquée\n"
    "Anesthésie générale. Laparotomie médiane.\n"
    "Sigmoïdectomie : section du côlon descendant et de la charnière recto-sigmoïdienne. {angle}\n"
    "Anastomose colorectale mécanique termino-terminale. Fermeture."
)


def test_an_angle_named_in_a_negative_sentence_does_not_contradict_sans_liberation(proposer):
    # The angle is named, its release is not done: the label « sans libération de l'angle colique gauche ».
    text = SIGMOIDECTOMY.format(angle="L'angle colique gauche n'est pas mobilisé, le côlon descendant est assez long.")
    assert colectomies(proposer, text) == ["HHFA017"]


def test_an_angle_released_still_chooses_the_label_with_liberation(proposer):
    # Control: the release itself written done chooses « avec libération de l'angle colique gauche ».
    text = SIGMOIDECTOMY.format(angle="Libération de l'angle colique gauche, décollement colo-épiploïque.")
    assert colectomies(proposer, text) == ["HHFA006"]


LETTER = (
    "COMPTE RENDU D'HOSPITALISATION — Chirurgie digestive\n"
    "Entré le 06/04/2026 pour {reason}.\n"
    "Le 07/04/2026 : {acts}.\n"
    "Suites simples, stomie fonctionnelle. Sortie le 10/04/2026."
)


def test_the_colostomy_of_a_hartmann_is_part_of_the_colectomy(proposer):
    text = LETTER.format(
        reason="péritonite stercorale sur diverticulite perforée",
        acts="sigmoïdectomie selon Hartmann par laparotomie, sans rétablissement de la continuité, et colostomie "
        "terminale iliaque gauche",
    )
    acts = selected_acts(proposer, text, "CRH")
    assert "HHFA014" in acts
    assert "HHCA002" not in acts


def test_a_colostomy_alone_stays_an_act(proposer):
    # Control: no resection left open beside it, the colostomy is the act.
    text = LETTER.format(
        reason="occlusion sur tumeur du rectum", acts="colostomie cutanée transverse de décharge par laparotomie"
    )
    assert selected_acts(proposer, text, "CRH") == ["HHCA002"]


def test_a_clause_of_a_light_verb_is_contradicted_by_its_object(proposer):
    # « sans réalisation de procédé antireflux »: « réalisation » names no act of its own, the procédé antireflux
    # written done is what says the act is not HEPC002 but HEPC003 « avec réalisation de procédé antireflux ».
    text = (
        "CRO du 07/04/2026 — Achalasie\n"
        "Anesthésie générale. Cœlioscopie, 5 trocarts.\n"
        "Œso-cardio-myotomie extramuqueuse de Heller sur 7 cm. Muqueuse intacte.\n"
        "Procédé antireflux : fundoplicature antérieure de Dor. Fermeture."
    )
    assert [code for code in selected_acts(proposer, text) if code.startswith("HEPC")] == ["HEPC003"]
