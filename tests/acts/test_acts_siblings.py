"""CCAM siblings that differ by what a report states apart from the act's words: the anaesthesia (« … sous
anesthésie locale » / « … sous anesthésie générale ou locorégionale ») and the side its title names; and an
endoscopy that names only the route of a therapeutic act whose own word the report writes elsewhere. Reports
written here, in the styles of French operative reports; each rule with a case where it applies and one where it
must not."""

from __future__ import annotations

from datetime import date

import pytest

from coding_assistant.acts import ActProposer, default_proposer
from coding_assistant.schema import Document, Stay
from tests.acts.act_reports import act_lines, selected_acts


@pytest.fixture(scope="module")
def proposer() -> ActProposer:
    return default_proposer()


def activities(proposer: ActProposer, text: str, code: str) -> list[int]:
    stay = Stay(
        stay_id="S1",
        sex="M",
        age=64,
        admission_date=date(2026, 4, 6),
        discharge_date=date(2026, 4, 10),
        documents=[Document(doc_id="S1-D", type="CRO", text=text)],
    )
    acts, _ = proposer.propose(stay)
    return [act.activity for act in acts if act.code == code]


def first_of(proposer: ActProposer, text: str, prefix: str, doc_type: str = "CRO") -> str | None:
    """The first selected act whose code starts with `prefix`."""
    return next((code for code in selected_acts(proposer, text, doc_type) if code.startswith(prefix)), None)


# The anaesthesia of the label (labels.py `anaesthesia`, ranking.py) against the one the report states
# (anaesthesia.py, every kind of anaesthesia.csv).

HERNIA = (
    "CRO du 07/04/2026 — Hernie inguinale gauche\n"
    "Anesthésie : {anaesthesia}.\n"
    "Incision inguinale gauche. Sac herniaire oblique externe disséqué et réintégré. "
    "Cure de la hernie selon Shouldice sans prothèse, deux surjets. Fermeture par plans."
)


def test_a_locoregional_anaesthesia_chooses_the_label_under_general_or_locoregional_anaesthesia(proposer):
    # « rachianesthésie (AG récusée : …) »: the refusal in brackets is the AG's, not the rachianesthesia's.
    text = HERNIA.format(anaesthesia="rachianesthésie (AG récusée : insuffisance respiratoire)")
    assert first_of(proposer, text, "LMMA") == "LMMA017"
    assert ("LMMA017", True) in act_lines(proposer, text)
    assert activities(proposer, text, "LMMA017") == [1, 4]  # the rachianesthesia is its activity 4


def test_a_local_anaesthesia_chooses_the_label_under_local_anaesthesia(proposer):
    text = HERNIA.format(anaesthesia="locale, infiltration de xylocaïne 1 % adrénalinée")
    assert first_of(proposer, text, "LMMA") == "LMMA016"


# The side an operative report's title names, when the act's own sentences name none (grouping.py).


def test_the_title_s_side_is_the_side_of_an_act_whose_sentences_name_none(proposer):
    text = (
        "CRO du 07/04/2026 — Hernie inguinale droite\n"
        "Anesthésie générale.\n"
        "Sac herniaire disséqué et réintégré. Cure de la hernie selon Shouldice sans prothèse. Fermeture par plans."
    )
    assert first_of(proposer, text, "LMMA") == "LMMA017"


def test_a_title_that_names_both_sides_keeps_the_bilateral_label(proposer):
    text = (
        "CRO du 07/04/2026 — Hernies inguinales droite et gauche\n"
        "Anesthésie générale.\n"
        "Sacs herniaires disséqués et réintégrés. Cure des hernies selon Shouldice sans prothèse. Fermeture."
    )
    assert first_of(proposer, text, "LMMA") == "LMMA018"


# An endoscopy mention that names only a label's route (ranking.py `_route_only`).


def test_a_cystoscopy_is_no_dilatation_that_the_report_names_elsewhere(proposer):
    text = (
        "CRO du 07/04/2026 — Urologie\n"
        "Opérateur : Dr Martin. Aide : interne.\n"
        "Colique néphrétique droite, calcul de l'uretère pelvien, dilatation des cavités pyélocalicielles.\n"
        "Rachianesthésie. Position de la taille. Cystoscopie : vessie normale, méat urétéral droit repéré.\n"
        "Pose d'une sonde JJ droite sur guide sous contrôle scopique."
    )
    codes = selected_acts(proposer, text)
    assert "JCLE002" in codes and "JCAH001" not in codes


def test_a_cystoscopy_whose_own_sentence_dilates_the_ureter_is_the_dilatation(proposer):
    text = (
        "CRO du 07/04/2026 — Urologie\n"
        "Sténose de l'uretère pelvien droit.\n"
        "Rachianesthésie. Cystoscopie : dilatation de l'uretère pelvien droit au ballonnet sous contrôle "
        "radiologique."
    )
    assert "JCAH001" in selected_acts(proposer, text)
