"""How surgeons write hand, prostate, colonoscopy and embolisation acts that the lexicon did not read
(`wordings.csv`), and a score written « N/M » that is no date (dates.py). Reports written here, in the styles of
French operative, endoscopy and interventional reports; each rule with a case where it applies and one where it
must not."""

from __future__ import annotations

from datetime import date

import pytest

from coding_assistant.acts import ActProposer, default_proposer
from coding_assistant.acts.dates import find_dates
from tests.acts.act_reports import selected_acts


@pytest.fixture(scope="module")
def proposer() -> ActProposer:
    return default_proposer()


HAND = "CRO 08/04/2026 — Chirurgie de la main\nAnesthésie locorégionale, garrot pneumatique.\n{}\nPansement compressif."
PROSTATE = "CRO — 08/04/2026 — Urologie\nRachianesthésie.\nIntervention : {}\nSonde vésicale trois voies."
COLONOSCOPY = (
    "Compte rendu de coloscopie — 08/04/2026\nAG.\nColoscopie totale jusqu'au cæcum, préparation Boston 8/9.\n{}"
)


def test_photovaporisation_is_the_laser_destruction_of_the_prostate(proposer):
    # CCAM JGNE171 « Destruction d'une hypertrophie de la prostate par laser [photovaporisation] … »
    text = PROSTATE.format("photovaporisation de l'hypertrophie prostatique au laser GreenLight, 220 kJ.")
    assert selected_acts(proposer, text) == ["JGNE171"]
    resection = PROSTATE.format("résection transurétrale de prostate à l'anse monopolaire, 40 g de copeaux.")
    assert "JGNE171" not in selected_acts(proposer, resection)


def test_an_endoscopic_release_of_the_median_nerve_is_the_videosurgical_carpal_tunnel_act(proposer):
    endoscopic = HAND.format("Libération endoscopique du nerf médian droit par voie uniportale.")
    assert selected_acts(proposer, endoscopic) == ["AHPC001"]
    open_release = HAND.format("Libération du nerf médian droit au canal carpien par incision palmaire.")
    assert selected_acts(proposer, open_release) == ["AHPA009"]


def test_a_sectioned_a1_pulley_is_the_trigger_finger_release(proposer):
    # CCAM MJPA013 « Section … de la gaine fibreuse digitale [poulie …] »: « section » as well as « ouverture ».
    cut = HAND.format("Incision en regard de la MCP du majeur gauche, section de la poulie A1, ressaut levé.")
    assert selected_acts(proposer, cut) == ["MJPA013"]
    spared = HAND.format("Incision en regard de la MCP du majeur gauche, exploration, poulie A1 respectée.")
    assert "MJPA013" not in selected_acts(proposer, spared)


def test_fdp_fds_and_a_collateral_nerve_are_the_flexor_tendons_and_the_digital_nerve(proposer):
    # FDP / FDS: the « tendons des muscles fléchisseurs des doigts » of CCAM MJCA; a finger's « nerf collatéral »
    # sutured (« suture épineurale ») is the « nerf digital palmaire » of MJCA005 to MJCA008.
    with_nerve = HAND.format(
        "Zone II de l'annulaire : suture du FDP et du FDS, suture épineurale du nerf collatéral radial."
    )
    assert selected_acts(proposer, with_nerve)[0] in {"MJCA005", "MJCA006", "MJCA007", "MJCA008"}
    tendons_only = HAND.format("Zone II de l'annulaire : suture du FDP et du FDS, nerfs intacts.")
    assert selected_acts(proposer, tendons_only)[0] in {"MJCA001", "MJCA002"}


def test_the_uterine_arteries_are_branches_of_the_internal_iliac_artery(proposer):
    # CCAM EDSF011 « Embolisation des artères iliaques internes … et/ou de ses branches pour hémorragie du
    # post-partum »: the uterine arteries are such branches.
    report = (
        "Radiologie interventionnelle — 08/04/2026\nHémorragie du post-partum immédiat résistante au sulprostone.\n"
        "Abord fémoral droit, désilet 5F.\nEmbolisation des deux artères {} par gélatine résorbable.\n"
        "Arrêt du saignement."
    )
    stay = {"doc_type": "CR-INTERV", "sex": "F", "age": 34}
    assert selected_acts(proposer, report.format("utérines"), **stay) == ["EDSF011"]
    assert "EDSF011" not in selected_acts(proposer, report.format("bronchiques"), **stay)


def test_a_cold_snare_resects_polyps(proposer):
    # CCAM HHFE « Exérèse de … polypes … par coloscopie totale ».
    snare = COLONOSCOPY.format("Sigmoïde : 3 polypes de 4 à 6 mm, anse froide.\nPas d'autre lésion.")
    assert selected_acts(proposer, snare, "CR-ENDO") == ["HHFE002"]
    none = COLONOSCOPY.format("Aucun polype. Pas de biopsie.")
    assert not any(code.startswith("HHFE") for code in selected_acts(proposer, none, "CR-ENDO"))


def test_a_score_written_n_over_m_is_no_date():
    around = date(2026, 4, 6)
    # « Boston 8/5 » would be 8 May, near the stay: a score (Boston, Apgar, Glasgow, EVA …) is no day.
    scores = find_dates("Préparation Boston 8/5, Apgar 7/5, EVA 6/4 ; contrôle le 20/04.", around)
    assert [d.day for d in scores] == [date(2026, 4, 20)]
    assert [d.day for d in find_dates("Coloscopie de contrôle le 8/5.", around)] == [date(2026, 5, 8)]
