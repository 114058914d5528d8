"""Counts that choose a count sibling when no single line of a report states them: a total the report writes after
its per-line counts (« Soit 4 polypes », CCAM HHFE002 / HHFE004), and the flexor tendons a hand report names
(FDP, FDS: « des 2 tendons », CCAM MJCA008); and « Indication de X » opening a sentence of an operative report,
the act the operation was meant to be (as « Indication : X »), not a plan. Reports written here; each rule with a
case where it applies and one where it must not."""

from __future__ import annotations

import pytest

from coding_assistant.acts import ActProposer, default_proposer
from coding_assistant.acts.reading import read_features
from tests.acts.act_reports import act_lines, selected_acts


@pytest.fixture(scope="module")
def proposer() -> ActProposer:
    return default_proposer()


COLONOSCOPY = (
    "Compte rendu de coloscopie — 08/04/2026\nAG.\nColoscopie totale jusqu'au cæcum, préparation Boston 8/9.\n"
    "- Côlon droit : 2 polypes sessiles de 4 et 6 mm, anse froide.\n{}\n{}"
)
HAND = "CRO 08/04/2026 — Chirurgie de la main\nAnesthésie locorégionale, garrot pneumatique.\n{}\nPansement compressif."


def test_a_stated_total_of_polyps_counts_the_polypectomy(proposer):
    # Two lines of 2 polyps each, then « Soit 4 polypes »: CCAM HHFE004 « … de 4 polypes ou plus ».
    total = COLONOSCOPY.format(
        "- Rectum : 2 polypes plans de 3 et 5 mm, anse froide.", "Soit 4 polypes infracentimétriques réséqués."
    )
    lines = act_lines(proposer, total, doc_type="CR-ENDO")
    assert lines[0] == ("HHFE004", True)
    assert ("HHFE002", True) not in lines


def test_a_total_below_four_polyps_stays_the_one_to_three_polyp_act(proposer):
    three = COLONOSCOPY.format(
        "- Rectum : 1 polype plan de 3 mm, anse froide.", "Soit 3 polypes infracentimétriques réséqués."
    )
    assert selected_acts(proposer, three, doc_type="CR-ENDO") == ["HHFE002"]


def test_a_total_raises_only_the_count_of_the_thing_it_totals(proposer):
    clips = COLONOSCOPY.format("- Rectum : 1 polype plan de 3 mm, anse froide.", "Au total 4 clips posés.")
    assert selected_acts(proposer, clips, doc_type="CR-ENDO") == ["HHFE002"]


def test_the_fdp_and_the_fds_sutured_are_the_two_flexor_tendons(proposer):
    # CCAM MJCA008 « Suture de plaies des 2 tendons des muscles fléchisseurs des doigts et d'un nerf digital
    # palmaire », not MJCA005 « d'un tendon … et de 2 nerfs ».
    both = HAND.format("Zone II du majeur droit. Suture du FDP et du FDS. Suture épineurale du nerf collatéral radial.")
    assert selected_acts(proposer, both)[0] == "MJCA008"
    written = HAND.format("Zone II du majeur droit. Suture des 2 tendons fléchisseurs et du nerf collatéral radial.")
    assert selected_acts(proposer, written)[0] == "MJCA008"


def test_the_fdp_alone_is_one_flexor_tendon(proposer):
    one = HAND.format(
        "Zone II du majeur droit, FDS intact. Suture du FDP. Suture épineurale du nerf collatéral radial."
    )
    assert selected_acts(proposer, one)[0] == "MJCA006"


def test_lower_case_fdp_is_no_tendon_name():
    # The abbreviations are read in capitals only (as in wordings.csv).
    assert "tendon" not in read_features("suture fdp et fds", "", set()).counts
    assert read_features("suture du FDP et du FDS", "", set()).counts["tendon"] == 2


HIP = (
    "CRO — 08/04/2026 — Hanche gauche\nAnesthésie : AG.\nIndication : coxarthrose gauche invalidante. {}\n{}\n"
    "Fermeture plan par plan."
)
HIP_DONE = "Voie postéro-latérale. Cupule sans ciment, tige cimentée, tête 32 mm, réduction stable."


def test_an_operative_report_s_indication_de_names_the_act_it_then_does(proposer):
    # « Indication de prothèse totale de hanche. » opening a sentence of the report is the operation's purpose, as
    # « Indication : … » is: CCAM NEKA020, done.
    done = HIP.format("Indication de prothèse totale de hanche.", HIP_DONE)
    assert selected_acts(proposer, done)[0] == "NEKA020"


def test_an_indication_the_report_gives_up_or_denies_or_a_letter_plans_is_no_act(proposer):
    given_up = HIP.format(
        "Indication de prothèse totale de hanche.",
        "Arthrotomie : pus franc, lavage. La prothèse totale de hanche est abandonnée.",
    )
    assert "NEKA020" not in selected_acts(proposer, given_up)
    denied = HIP.format("Pas d'indication de prothèse totale de hanche à ce stade.", HIP_DONE)
    assert "NEKA020" not in selected_acts(proposer, denied)
    letter = "Consultation du 08/04/2026. Coxarthrose gauche invalidante. Indication de prothèse totale de hanche."
    assert "NEKA020" not in selected_acts(proposer, letter, doc_type="CONSULT")
