"""Rules that keep a wrong act out of the selection (second round): an act an « Indication : » sentence (or a
letter's « Motif : » line) names and the report then gives up, or that it names when the stay did it in full, the
urethrocystoscopy that is only the route of an endoscopic urinary act, and a diagnostic endoscopy through which the
report did a therapeutic act. Reports written here, in the styles of French operative reports; each rule with a
case where it applies and one where it must not."""

from __future__ import annotations

from datetime import date

import pytest

from coding_assistant.acts import ActProposer, default_proposer
from tests.acts.act_reports import first_acts, not_done_acts, selected_acts, stay_acts


@pytest.fixture(scope="module")
def proposer() -> ActProposer:
    return default_proposer()


# The reports are dated in the first days of February 2026.
FEBRUARY_STAY = (date(2026, 2, 2), date(2026, 2, 6))


def selected(proposer: ActProposer, text: str, sex: str = "M") -> list[str]:
    return selected_acts(proposer, text, sex=sex, age=58, stay_dates=FEBRUARY_STAY)


def not_done(proposer: ActProposer, text: str) -> list[str]:
    return not_done_acts(proposer, text, age=58, stay_dates=FEBRUARY_STAY)


# An « Indication : » sentence names what was meant (reading.py `_INDICATION`, realisation.py `given_up`).

_URETER_REPORT = (
    "COMPTE RENDU OPÉRATOIRE du 03/02/2026\n"
    "Calcul de l'uretère pelvien droit de 7 mm. Indication : urétéroscopie rigide avec lithotritie.\n"
    "Rachianesthésie, position de la taille.\n"
    "{procedure}"
)


def test_an_indicated_act_the_report_gives_up_is_not_done(proposer):
    text = _URETER_REPORT.format(
        procedure=(
            "Cystoscopie : vessie sans particularité, méat droit cathétérisé.\n"
            "Progression de l'urétéroscope impossible (uretère fin) : l'urétéroscopie est abandonnée, "
            "pas de fragmentation.\n"
            "Montée d'une sonde JJ droite sous contrôle scopique."
        )
    )
    codes = selected(proposer, text)
    # Neither the ureteroscopy nor the lithotripsy the indication joined to it (« avec lithotritie »).
    assert not [code for code in codes if code.startswith(("JCQE", "JCAE", "JCGE", "JANE"))]
    assert {"JCQE003", "JANE002"} <= set(not_done(proposer, text))
    assert "JCLE002" in codes


def test_an_indicated_act_the_report_does_stays_an_act(proposer):
    text = _URETER_REPORT.format(
        procedure=(
            "Urétéroscopie rigide : fragmentation du calcul de l'uretère pelvien au laser, extraction des "
            "fragments à la pince.\nPas de sonde JJ."
        )
    )
    assert [code for code in selected(proposer, text) if code.startswith("JCGE")]
    assert not [code for code in not_done(proposer, text) if code.startswith(("JCQE", "JCGE", "JANE"))]


_TONSIL_LETTER = (
    "COMPTE RENDU D'HOSPITALISATION — ORL\n"
    "Motif : amygdalectomie programmée le 04/02/2026 pour amygdalites à répétition.\n"
    "{story}\n"
    "Sortie le 05/02/2026."
)


def test_an_act_a_letters_motif_names_and_the_letter_says_was_not_done_is_not_done(proposer):
    text = _TONSIL_LETTER.format(
        story=(
            "À l'admission : fièvre à 38,9 °C, amygdalite aiguë. L'intervention est récusée par l'anesthésiste : "
            "amygdalectomie non réalisée, reportée à distance de l'épisode infectieux."
        )
    )
    assert not [code for code in selected(proposer, text) if code.startswith("FAFA")]
    assert [code for code in not_done(proposer, text) if code.startswith("FAFA")]


def test_an_act_a_letters_motif_names_and_the_stay_did_stays_an_act(proposer):
    text = _TONSIL_LETTER.format(story="Amygdalectomie par dissection le 04/02/2026 sous anesthésie générale.")
    assert [code for code in selected(proposer, text) if code.startswith("FAFA")]


def test_the_act_a_letters_motif_meant_is_the_act_the_operative_report_did(proposer):
    letter = (
        "COMPTE RENDU D'HOSPITALISATION — Gynécologie\n"
        "Motif : hystérectomie programmée pour utérus polymyomateux hémorragique.\n"
        "Suites simples. Sortie le 05/02/2026."
    )
    report = (
        "COMPTE RENDU OPÉRATOIRE du 03/02/2026\n"
        "Intervention : hystérectomie totale avec annexectomie bilatérale par cœlioscopie.\n"
        "Open-cœlioscopie ombilicale, trois trocarts. Colpotomie circulaire, fermeture vaginale par cœlioscopie."
    )
    acts = stay_acts(proposer, [("CRO", report), ("CRH", letter)], sex="F", age=47, stay_dates=FEBRUARY_STAY)
    assert [act.code for act in acts if act.selected] == ["JKFC003"]
    # One act, by its approach: the motif's bare « hystérectomie » is no line of its own (by laparotomy).
    assert not [act.code for act in acts if act.code.startswith("JKFA")]


def test_an_act_foreseen_is_a_plan(proposer):
    # « prévision de » names what a later session may do, or give up.
    text = (
        "CORONAROGRAPHIE du 03/02/2026\n"
        "Sténose calcifiée de la circonflexe moyenne à 80 %.\n"
        "Prévision d'athérectomie rotationnelle de la circonflexe."
    )
    lines = first_acts(proposer, text, doc_type="CR-INTERV", age=58, stay_dates=FEBRUARY_STAY)
    atherectomy = [act for act in lines if act.code.startswith("DDFF")]
    assert atherectomy and all(
        not act.selected and any(note.rule == "act-planned" for note in act.warnings) for act in atherectomy
    )


# The urethrocystoscopy is the route of an endoscopic act on the urinary tract (proposer.py `_urinary_route`).

_BLADDER_REPORT = "COMPTE RENDU OPÉRATOIRE du 03/02/2026\nRachianesthésie, position de la taille.\n{procedure}"


def test_the_cystoscopy_of_a_retrograde_stent_is_its_route(proposer):
    text = _BLADDER_REPORT.format(
        procedure=(
            "Hydronéphrose gauche sur calcul obstructif.\nCystoscopie : méat gauche repéré. "
            "Montée d'une sonde JJ gauche sous contrôle scopique."
        )
    )
    codes = selected(proposer, text)
    assert "JCLE002" in codes and "JDQE003" not in codes


def test_a_cystoscopy_done_alone_is_an_act(proposer):
    text = _BLADDER_REPORT.format(
        procedure="Hématurie sous anticoagulant. Urétrocystoscopie au cystoscope rigide : muqueuse vésicale normale."
    )
    assert "JDQE003" in selected(proposer, text)


# A diagnostic endoscopy through which the report did a therapeutic act (proposer.py `_therapeutic_acts`).

_UTERUS_REPORT = "COMPTE RENDU OPÉRATOIRE du 03/02/2026\nMétrorragies post-ménopausiques.\n{procedure}"


def test_a_resection_named_at_hysteroscopy_is_the_act(proposer):
    text = _UTERUS_REPORT.format(
        procedure="Hystéroscopie sous AG : polype fundique de 12 mm. Résection du polype à l'anse."
    )
    codes = selected(proposer, text, "F")
    assert "JKFE001" in codes and "JKQE002" not in codes


def test_a_resection_described_after_a_hysteroscopy_field_is_the_act(proposer):
    # The field names the diagnostic endoscopy; the resection the procedure describes is the act done through it.
    text = (
        "COMPTE RENDU OPÉRATOIRE du 03/02/2026\nActe : hystéroscopie.\n"
        "AG. Myome sous-muqueux type 1 de 25 mm de la face antérieure.\n"
        "Résection complète du myome à l'anse bipolaire. Hémostase satisfaisante."
    )
    codes = selected(proposer, text, "F")
    assert "JKFE002" in codes and "JKQE002" not in codes


def test_a_hysteroscopy_that_only_looks_stays_diagnostic(proposer):
    text = _UTERUS_REPORT.format(
        procedure="Hystéroscopie sous AG : cavité utérine normale, endomètre fin, ostia visibles."
    )
    assert selected(proposer, text, "F") == ["JKQE002"]
