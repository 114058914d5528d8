"""A letter's letterhead (hospital, units, staff, contacts, place and date) ends where the letter begins, and no
condition is read in it; a setting it names for the stay (chapter XXI) still is. Letters written here."""

from __future__ import annotations

import pytest

from coding_assistant.matching.loading import default_mention_dictionary
from coding_assistant.pipeline.evidence import gather_evidence
from coding_assistant.schema import Document, Stay
from coding_assistant.text.letterhead import letterhead_end

LETTERHEAD = (
    "CENTRE HOSPITALIER UNIVERSITAIRE\n"
    "Pôle Cardio-Thoracique – Service de Cardiologie et Maladies Vasculaires\n"
    "Hôpital de jour d'insuffisance cardiaque – Centre de la douleur chronique\n"
    "Chef de service : Pr J. Dupont – Dr C. Petit (hypertension artérielle)\n"
    "Tél : 02 40 08 33 33\n"
    "12, rue de la Paix – 44093 Nantes cedex 1\n"
    "Nantes, le 12 mars 2026\n\n"
)


def test_the_letterhead_ends_where_the_letter_begins() -> None:
    text = LETTERHEAD + "Objet : compte rendu d'hospitalisation\nMotif : pneumopathie.\n"
    assert text[letterhead_end(text) :].startswith("Objet")


@pytest.mark.parametrize(
    "text",
    [
        "Motif : OAP.\n",  # a title with its text
        "Hôpital de jour : cure de chimiothérapie.\n",  # a clinical field, not a unit's name
        "Monsieur X, 72 ans, hospitalisé pour insuffisance cardiaque.\n",
        "Cher confrère,\nJ'ai vu Mme Y. pour une fibrillation atriale.\n",
    ],
)
def test_a_letter_that_opens_on_itself_has_no_letterhead(text: str) -> None:
    assert letterhead_end(text) == 0


def test_no_condition_is_read_in_the_letterhead_but_its_setting_is() -> None:
    text = (
        "Unité de soins palliatifs – Dr M. Roux\nService de Cardiologie – Hôpital de jour d'insuffisance cardiaque\n\n"
        "Motif : altération de l'état général.\nConclusion : insuffisance cardiaque terminale.\n"
    )
    stay = Stay(stay_id="L1", sex="F", age=88, documents=[Document(doc_id="d", type="CRH", text=text)])
    mentions = gather_evidence(stay, default_mention_dictionary()).mentions
    heart_failure = [m for m in mentions if any(code.startswith("I50") for code in m.codes)]
    assert heart_failure and all(m.start > text.index("Motif") for m in heart_failure)
    assert any(code.startswith("Z515") for m in mentions for code in m.codes)


def test_a_letter_written_as_one_paragraph_after_its_unit_is_read() -> None:
    """The unit's name opens a one-paragraph letter: its first sentence is the letterhead, the rest the letter."""
    text = (
        "Hôpital de jour d'ophtalmologie. Patiente de 81 ans avec antécédents de fibrillation auriculaire sous "
        "anticoagulant, prise en charge pour une cataracte de l'œil gauche. Phacoémulsification sans incident."
    )
    assert text[: letterhead_end(text)] == "Hôpital de jour d'ophtalmologie. "
    long_line = "Service de cardiologie, patient de 70 ans hospitalisé pour une décompensation cardiaque globale " * 2
    assert letterhead_end(f"CHU de Nantes\n{long_line}\n") == len("CHU de Nantes\n")
