"""Rules that keep a wrong act out of the selection: an act the report says was attempted and failed, a label's
« en dehors de … » place that the report names, and a combined CCAM label whose parts the report writes apart.
Reports written here, in the styles of
French operative reports and discharge letters; each rule with a case where it applies and one where it must not."""

from __future__ import annotations

from datetime import date

import pytest

from coding_assistant.acts import ActProposer, default_proposer
from tests.acts.act_reports import not_done_acts, selected_acts


@pytest.fixture(scope="module")
def proposer() -> ActProposer:
    return default_proposer()


# The reports are dated in the first days of February 2026.
FEBRUARY_STAY = (date(2026, 2, 2), date(2026, 2, 6))


def selected(proposer: ActProposer, text: str, doc_type: str = "CRO") -> list[str]:
    return selected_acts(proposer, text, doc_type, age=58, stay_dates=FEBRUARY_STAY)


def not_done(proposer: ActProposer, text: str, doc_type: str = "CRO") -> list[str]:
    return not_done_acts(proposer, text, doc_type, age=58, stay_dates=FEBRUARY_STAY)


# Attempted and failed (cues.csv: « échouée », « infructueuse », « sans succès », « en échec » after the act).


def test_an_attempt_the_letter_says_failed_is_not_done(proposer):
    text = "CRH du 03/02/2026. Tentative d'urétéroscopie rigide échouée (uretère étroit) ; pose d'une sonde JJ gauche."
    assert not [code for code in selected(proposer, text, "CRH") if code.startswith("JC") and code[2] in "QGA"]
    assert "JCQE003" in not_done(proposer, text, "CRH")


def test_an_attempt_that_succeeded_stays_an_act(proposer):
    text = (
        "CRH du 03/02/2026. Urétéroscopie rigide avec fragmentation du calcul de l'uretère lombaire ; "
        "pose d'une sonde JJ gauche."
    )
    assert "JCGE006" in selected(proposer, text, "CRH")
    assert not not_done(proposer, text, "CRH")


# A label's « en dehors de … » place (labels.py `outside`, ranking.py).


def test_the_place_a_label_is_outside_of_chooses_its_sibling(proposer):
    # « Interruption … en dehors de l'isthme cavotricuspidien » (DEPF025) is not the flutter's isthmus ablation.
    text = (
        "COMPTE RENDU D'ÉLECTROPHYSIOLOGIE du 03/02/2026\n"
        "Flutter atrial typique. Ablation par radiofréquence de l'isthme cavo-tricuspide, bloc bidirectionnel obtenu."
    )
    codes = selected(proposer, text, "CR-INTERV")
    assert codes[:1] == ["DEPF012"] and "DEPF025" not in codes


def test_a_report_that_writes_en_dehors_de_keeps_the_outside_label(proposer):
    text = (
        "COMPTE RENDU D'ÉLECTROPHYSIOLOGIE du 03/02/2026\n"
        "Acte : interruption complète d'un circuit de tachycardie atriale gauche par radiofréquence, en dehors de "
        "l'isthme cavotricuspidien."
    )
    assert selected(proposer, text, "CR-INTERV")[:1] == ["DEPF025"]


# A combined label whose parts the report writes apart (proposer.py `_combined`, `_part_heads`).

_SINUS_REPORT = (
    "CRO du 03/02/2026\n"
    "Polypose naso-sinusienne{deviation}.\n"
    "Voie d'abord : endonasale sous endoscope.\n"
    "Temps opératoire : {septum}Ethmoïdectomie totale (antérieure et postérieure) bilatérale. Méchage."
)


def test_two_acts_written_apart_that_one_label_combines_are_coded_once(proposer):
    # CCAM LAFA020 « Ethmoïdectomie totale bilatérale avec septoplastie nasale, par endoscopie »: the septoplasty
    # line chose a combined sibling of its own (« … antérieure unilatérale avec septoplastie »), yet it is the
    # « avec septoplastie nasale » part of the ethmoidectomy.
    text = _SINUS_REPORT.format(
        deviation=" et déviation septale",
        septum="septoplastie par incision hémitransfixiante, résection de l'éperon. ",
    )
    codes = selected(proposer, text)
    assert "LAFA020" in codes and "LAFA022" not in codes


def test_an_act_written_alone_is_not_combined(proposer):
    codes = selected(proposer, _SINUS_REPORT.format(deviation="", septum=""))
    assert codes[:1] == ["LAFA022"] and "LAFA020" not in codes
