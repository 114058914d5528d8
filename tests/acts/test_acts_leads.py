"""Pacemaker and defibrillator leads: the leads a report places (their count and their cardiac places, wherever its
procedure describes them) choose between the CCAM DELF siblings; a temporary pacing lead written as cardiologists
write it; an act of another day is no « avec … » part of a later act. Reports written here, in the styles of
French interventional reports and letters; each rule with a case where it applies and one where it must not."""

from __future__ import annotations

from datetime import date

import pytest

from coding_assistant.acts import ActProposer, default_proposer
from coding_assistant.acts.labels import read_label
from tests.acts.act_reports import act_lines, selected_acts


@pytest.fixture(scope="module")
def proposer() -> ActProposer:
    return default_proposer()


def delf(proposer: ActProposer, text: str, doc_type: str = "CR-INTERV") -> list[str]:
    return [code for code in selected_acts(proposer, text, doc_type) if code.startswith("DE")]


# A CCAM label's leads: counted together when it lists them (labels.py `_counts`), each with its places
# (`_leads`, cardiac_leads.csv read on the label).


def test_a_label_that_lists_two_leads_counts_two_and_one_with_or_counts_one(proposer):
    catalogue = proposer.catalogue
    data, counted = catalogue.data, frozenset(catalogue.data.counted.values())
    dual = read_label(catalogue.by_code["DELF005"].label, data, counted)
    single = read_label(catalogue.by_code["DELF007"].label, data, counted)
    assert [(low, high) for _, low, high in dual.counts] == [(2, 2)]
    assert [(low, high) for _, low, high in single.counts] == [(1, 1)]
    assert dual.leads == (frozenset({"atrium"}), frozenset({"right ventricle"}))
    # « une sonde intraatriale ou intraventriculaire droite »: one lead, in either place.
    assert single.leads == (frozenset({"atrium", "right ventricle"}),)
    leadless = read_label(catalogue.by_code["DELF223"].label, data, counted)
    assert leadless.leadless and not leadless.leads and not dual.leadless


# The leads the report places (grouping.py `_lead_places`) against the label's (ranking.py).

DUAL_CHAMBER = (
    "Compte rendu d'implantation de stimulateur cardiaque — 08/04/2026\n"
    "Indication : dysfonction sinusale symptomatique avec pauses à 4 secondes.\n"
    "Anesthésie locale, incision sous-claviculaire gauche. Dénudation de la veine céphalique gauche.\n"
    "Mise en place d'une sonde auriculaire à vis dans l'auricule droite puis d'une sonde ventriculaire droite "
    "à l'apex, seuils corrects.\n"
    "Connexion au boîtier, loge prépectorale, fermeture en deux plans."
)


def test_the_leads_a_report_places_choose_the_dual_chamber_label_over_a_left_vein_or_leadless_sibling(proposer):
    # « veine céphalique gauche » fits the words of « sonde dans une veine cardiaque gauche » (DELF012, DELF001):
    # the places of the leads the report states decide.
    text = DUAL_CHAMBER.replace("Compte rendu d'implantation", "Implantation")
    assert delf(proposer, text) == ["DELF005"]


def test_a_single_ventricular_lead_chooses_the_single_chamber_label(proposer):
    text = DUAL_CHAMBER.replace(
        "Mise en place d'une sonde auriculaire à vis dans l'auricule droite puis d'une sonde ventriculaire droite",
        "Fibrillation atriale permanente : mise en place d'une seule sonde ventriculaire droite",
    ).replace("dysfonction sinusale symptomatique avec pauses à 4 secondes", "FA lente, stimulateur VVIR")
    assert delf(proposer, text) == ["DELF007"]


def test_a_resynchronisation_lead_in_the_coronary_sinus_chooses_the_three_lead_label(proposer):
    text = DUAL_CHAMBER.replace(
        "puis d'une sonde ventriculaire droite à l'apex",
        ", d'une sonde ventriculaire droite à l'apex et d'une sonde ventriculaire gauche dans une veine latérale",
    ).replace("dysfonction sinusale symptomatique avec pauses à 4 secondes", "resynchronisation, BBG, FEVG 25 %")
    assert delf(proposer, text) == ["DELF015"]


def test_a_leadless_pacemaker_stays_the_leadless_label(proposer):
    # No lead placed: the leadless label is not penalised (the rule reads only leads a report states).
    text = (
        "Implantation d'un stimulateur cardiaque sans sonde (Micra) — 08/04/2026\n"
        "Ponction veineuse fémorale droite, introducteur 27 F. Largage du stimulateur dans le ventricule droit, "
        "septum moyen. Seuil 0,5 V. Fermeture par point en X."
    )
    assert delf(proposer, text) == ["DELF223"]


# Temporary pacing as cardiologists write it (wordings.csv): the act, not its removal.


def test_a_temporary_pacing_written_as_electrosystolic_pacing_is_the_temporary_lead(proposer):
    text = (
        "Entraînement électrosystolique temporaire — 06/04/2026\n"
        "BAV complet mal toléré. Ponction de la veine fémorale droite, sonde d'entraînement positionnée "
        "à la pointe du ventricule droit sous scopie. Seuil 0,8 V."
    )
    assert "DELF011" in delf(proposer, text)


def test_the_removal_of_a_temporary_pacing_lead_is_no_placement(proposer):
    text = (
        "Contrôle du stimulateur double chambre à J1 normal. Retrait de la sonde d'entraînement fémorale ce jour, "
        "pansement propre."
    )
    assert "DELF011" not in [code for code, _ in act_lines(proposer, text, "CRH")]


# An act of another day is no « avec … » part of a later act (proposer.py `_drop_included`).

LETTER = (
    "Compte rendu d'hospitalisation — cardiologie\n"
    "Admission le 06/04/2026 pour BAV complet syncopal.\n"
    "Le 06/04/2026, pose d'une sonde d'entraînement électrosystolique temporaire par voie fémorale droite, "
    "positionnée dans le ventricule droit.\n"
    "Le {day}/04/2026, implantation d'un stimulateur cardiaque double chambre : sonde atriale droite et sonde "
    "ventriculaire droite, seuils corrects.\n"
    "Sortie le 10/04/2026."
)


def test_a_temporary_lead_placed_days_before_the_pacemaker_is_an_act_of_its_own(proposer):
    chosen = selected_acts(proposer, LETTER.format(day="08"), "CRH", stay_dates=(date(2026, 4, 6), date(2026, 4, 10)))
    assert "DELF005" in chosen and "DELF011" in chosen


def test_an_act_a_label_includes_the_same_day_is_still_left_out(proposer):
    text = (
        "Compte rendu de coronarographie — 07/04/2026\n"
        "Coronarographie : sténose serrée de l'IVA proximale. Angioplastie de l'IVA avec pose d'un stent actif, "
        "bon résultat."
    )
    chosen = selected_acts(proposer, text, "CR-INTERV")
    assert any(code.startswith("DDAF") for code in chosen)
    assert not any(code.startswith("DDQH") for code in chosen)
