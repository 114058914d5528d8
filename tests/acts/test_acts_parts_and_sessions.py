"""Acts a report writes as parts of another, or on other days: a letter's list of dated acts read clause by
clause, a combined label and a step kept to one session, the « Indication : » line of an operative report's
title, a gesture written « inclus », an act done « hors » what its sibling's label names, the vaginal approach
of a laparoscopic hysterectomy, and the « avec … » part of another act. Reports written here, in the styles of
French operative reports and discharge letters; each with the sibling that must not be selected."""

from __future__ import annotations

from datetime import date

import pytest

from coding_assistant.acts import ActProposer, default_proposer
from tests.acts.act_reports import act_lines, selected_acts, stay_acts

JUNE_STAY = (date(2026, 6, 7), date(2026, 6, 12))


@pytest.fixture(scope="module")
def proposer() -> ActProposer:
    return default_proposer()


def selected(proposer: ActProposer, text: str, doc_type: str = "CRH", sex: str = "M") -> list[str]:
    return selected_acts(proposer, text, doc_type, sex=sex, age=66, stay_dates=JUNE_STAY)


# A letter's list of acts, one « ; » clause and one day each (reading.py `_dated_clauses`), and the CCAM session
# of a combined label or a step (proposer.py `_combined`, `_drop_included`).


def test_each_dated_clause_of_a_letter_is_its_own_act(proposer):
    text = (
        "Lettre de sortie — Cardiologie — du 08/06/2026 au 12/06/2026.\n"
        "Actes : coronarographie avec ventriculographie gauche le 08/06 ; angioplastie avec stent actif de "
        "l'artère coronaire droite le 10/06.\n"
        "Sortie le 12/06 sous double antiagrégation."
    )
    codes = selected(proposer, text)
    assert "DDQH012" in codes  # the coronarography of the 8th, with its ventriculography
    assert "DDAF006" in codes  # one vessel stented on the 10th
    # Never one act « … avec artériographie coronaire » across the two days.
    assert not {"DDAF008", "DDAF009", "DDAF007"} & set(codes)


def test_one_session_still_makes_one_combined_act(proposer):
    text = (
        "Lettre de sortie — Cardiologie — du 08/06/2026 au 12/06/2026.\n"
        "Le 09/06 : coronarographie puis angioplastie avec stent actif de l'artère coronaire droite dans le même "
        "temps.\nSortie le 12/06."
    )
    codes = selected(proposer, text)
    assert "DDAF008" in codes
    assert "DDQH009" not in codes


# The « Indication : » line among an operative report's first lines (reading.py: the title names the act).


def test_an_act_of_the_indication_line_is_not_the_title_act(proposer):
    text = (
        "CRO du 10/06/2026 — Amputation du 3e orteil gauche\n"
        "Opérateur : Dr Ruiz. Rachianesthésie.\n"
        "Indication : gangrène du 3e orteil gauche chez un patient revascularisé le 08/06 (angioplastie avec "
        "stent de l'artère fémorale superficielle gauche).\n"
        "Désarticulation métatarsophalangienne du 3e orteil, fermeture cutanée."
    )
    lines = act_lines(proposer, text, "CRO", age=66, stay_dates=JUNE_STAY)
    codes = [code for code, chosen in lines if chosen]
    assert "NZFA010" in codes
    assert not [code for code in codes if code.startswith("EEAF")]


# « … incluse(s) » after a gesture (cues.csv, kind « included »).


def test_a_gesture_written_included_is_not_an_act_of_its_own(proposer):
    text = (
        "CRO du 09/06/2026 — Stripping de la grande veine saphène droite\n"
        "Chirurgien : Dr Lenoir. AG.\n"
        "Conclusion : éveinage (stripping) de la grande veine saphène droite par abord direct, crossectomie incluse."
    )
    codes = selected(proposer, text, "CRO", sex="F")
    assert "EJGA002" in codes
    assert "EJFA007" not in codes


def test_a_crossectomy_alone_is_still_an_act(proposer):
    text = (
        "CRO du 09/06/2026 — Crossectomie de la grande veine saphène droite\n"
        "Chirurgien : Dr Lenoir. Rachianesthésie.\n"
        "Conclusion : crossectomie de la grande veine saphène droite par abord direct, sans éveinage."
    )
    assert "EJFA007" in selected(proposer, text, "CRO", sex="F")


# « hors … », « en dehors de … » written by the text (ranking.py: the sibling that places the act there is out).


def test_an_act_done_outside_of_what_a_sibling_names_is_the_outside_sibling(proposer):
    text = (
        "Lettre de sortie — hôpital de jour du 09/06/2026.\n"
        "Cirrhose virale C. Séance de ligature élastique de varices œsophagiennes hors période hémorragique le "
        "09/06 (4 élastiques)."
    )
    codes = selected(proposer, text)
    assert "EHNE001" in codes
    assert "EHNE002" not in codes


def test_an_act_during_the_bleeding_is_the_bleeding_sibling(proposer):
    text = (
        "Lettre de sortie — réanimation — du 08/06/2026 au 12/06/2026.\n"
        "Ligature élastique de varices œsophagiennes en période hémorragique le 08/06, par endoscopie."
    )
    codes = selected(proposer, text)
    assert "EHNE002" in codes
    assert "EHNE001" not in codes


# The vaginal approach as gynaecologists write it (wordings.csv « voie vaginale », « temps vaginal »).


def test_a_laparoscopic_and_vaginal_hysterectomy_is_the_two_approach_label(proposer):
    text = (
        "COMPTE RENDU OPÉRATOIRE — 09/06/2026\n"
        "Hystérectomie totale avec annexectomie bilatérale par cœlioscopie et voie vaginale.\n"
        "Dr Roux. AG.\n"
        "Temps cœlioscopique : annexectomie bilatérale, coagulation des pédicules utérins. Temps vaginal : "
        "colpotomie circulaire, extraction de la pièce, fermeture du vagin."
    )
    codes = selected(proposer, text, "CRO", sex="F")
    assert "JKFA006" in codes
    assert "JKFC003" not in codes


# The « avec … » part of another act (proposer.py `_drop_named_parts`).


def test_the_with_part_of_another_act_is_not_coded_apart(proposer):
    operative = (
        "COMPTE RENDU OPÉRATOIRE du 09/06/2026\nOpérateur : Dr Ruiz. Bloc cervical.\n\n"
        "Voie d'abord : cervicotomie droite.\nThromboendartériectomie de la bifurcation carotidienne. "
        "Fermeture par angioplastie d'élargissement : patch en péricarde. Pas de shunt.\n"
        "Conclusion : TEA de la bifurcation carotidienne droite par cervicotomie, avec patch d'élargissement, sans "
        "shunt."
    )
    letter = (
        "Lettre de sortie — Chirurgie vasculaire — du 08/06/2026 au 12/06/2026.\n"
        "Séjour : le 09/06, thromboendartériectomie de la bifurcation carotidienne droite avec angioplastie "
        "d'élargissement par patch, sans shunt, sous anesthésie locorégionale. Suites simples."
    )
    acts = stay_acts(proposer, [("CRO", operative), ("CRH", letter)], age=70, stay_dates=JUNE_STAY)
    codes = [act.code for act in acts if act.selected]
    assert "EBFA016" in codes  # « … avec angioplastie d'élargissement, sans shunt »
    assert not [code for code in codes if code.startswith("EBAF")]  # no carotid dilatation of its own


def test_an_act_after_with_that_the_first_act_does_not_include_stays_an_act(proposer):
    text = (
        "Lettre de sortie — Gastro-entérologie — du 08/06/2026 au 12/06/2026.\n"
        "Le 09/06 : coloscopie totale avec polypectomie à l'anse de 2 polypes sigmoïdiens de 6 mm."
    )
    assert "HHFE002" in selected(proposer, text, sex="F")


# What the act's own operative report says was not done, in any of its sentences (grouping.py `report_negated`).


def test_what_the_report_says_was_not_done_rules_out_the_sibling_that_includes_it(proposer):
    text = (
        "CRO du 09/06/2026 — Arthroscopie de l'épaule gauche\n"
        "Dr Morel. AG + bloc interscalénique.\n"
        "Acromioplastie sous arthroscopie : résection du bec acromial antérieur au shaver.\n"
        "Articulation acromio-claviculaire respectée : pas de résection de l'extrémité latérale de la clavicule."
    )
    codes = selected(proposer, text, "CRO")
    assert "MEMC003" in codes
    assert "MEMC005" not in codes


def test_a_change_is_one_act_with_its_removal_and_its_new_placement(proposer: ActProposer) -> None:
    # Written here: the change of a ureteral stent, told as the old one taken out and a new one put in.
    letter = (
        "Pyélonéphrite sur sonde JJ incrustée.\n"
        "- Changement de la sonde JJ gauche le 08/06/2026 au bloc : retrait de la JJ incrustée et pose d'une "
        "nouvelle sonde JJ 7 Ch.\n"
        "Apyrexie à 48 h."
    )
    chosen = selected(proposer, letter)
    assert "JCKE002" in chosen and "JCLE002" not in chosen


def test_the_change_of_a_knee_prosthesis_is_no_first_arthroplasty(proposer: ActProposer) -> None:
    # The words that name the implant taken out (« prothèse unicompartimentaire ») are no new arthroplasty,
    # whether the operative report or the letter tells them.
    report = (
        "Compte rendu opératoire du 08/06/2026.\n"
        "Genou droit : prothèse unicompartimentaire fémoro-tibiale interne posée en 2015, descellée.\n"
        "Intervention : changement de la prothèse unicompartimentaire pour une prothèse totale (tricompartimentaire).\n"
        "Ablation des implants, prothèse totale cimentée, fermeture sur Redon."
    )
    letter = "Reprise de la prothèse unicompartimentaire droite par une prothèse totale le 08/06/2026."
    lines = stay_acts(proposer, [("CRO", report), ("CRH", letter)], age=66, stay_dates=JUNE_STAY)
    chosen = [act.code for act in lines if act.selected]
    assert "NFKA005" in chosen and "NFKA006" not in chosen
