"""A manifestation coded in the disease that causes it (rules/manifestations.py, pipeline/roles.py): the
asterisk of the CIM-10's dagger/asterisk convention, on hand-built candidates and a small CIM-10 table."""

from __future__ import annotations

from pathlib import Path

import pytest

from coding_assistant.errors import TerminologyFileError
from coding_assistant.pipeline.candidates import Candidate
from coding_assistant.pipeline.decided import Decided
from coding_assistant.pipeline.evidence import QualifiedMention
from coding_assistant.pipeline.roles import assign_roles
from coding_assistant.rules.manifestations import manifestation_rules, read_manifestation_rules
from coding_assistant.terminology.model import CodeEntry, Terminology

TABLE = [
    ("D638", "Anémie au cours d'autres maladies chroniques classées ailleurs"),
    ("D649", "Anémie, sans précision"),
    ("E1120", "Diabète sucré de type 2 non insulinotraité, avec complications rénales"),
    ("E1190", "Diabète sucré de type 2 non insulinotraité, sans complication"),
    ("F001", "Démence de la maladie d'Alzheimer, à début tardif (G30.1)"),
    ("F03", "Démence, sans précision"),
    ("G301", "Maladie d'Alzheimer à début tardif"),
    ("I5002", "Insuffisance cardiaque congestive"),
    ("N083", "Glomérulopathie au cours du diabète sucré (E10-E14 avec le quatrième chiffre .2)"),
    ("N184", "Maladie rénale chronique, stade 4"),
]


@pytest.fixture(scope="module")
def table() -> Terminology:
    return Terminology([CodeEntry(code, label, mco_type=0) for code, label in TABLE], "test", "2025")


def coding(table: Terminology, *candidates: Candidate) -> dict[str, Decided]:
    return {d.code: d for d in assign_roles(candidates, "", [], table) if d.selected}


def test_the_shipped_pairs_are_read() -> None:
    asterisks = {rule.asterisk for rule in manifestation_rules()}
    assert {"F001", "F009", "D638", "D630", "I982", "N083", "I792"} <= asterisks


def test_a_selected_manifestation_takes_its_asterisk_code_in_its_disease(table, conclusion_candidate):
    candidate = conclusion_candidate
    decided = coding(table, candidate("I5002", 0.95, dp=0.9), candidate("N184", 0.9), candidate("D649", 0.8))
    assert {code: d.role for code, d in decided.items()} == {"I5002": "DP", "N184": "DAS", "D638": "DAS"}
    assert "D63.8" in decided["D638"].reason or "D638" in decided["D638"].reason
    # Without the disease, an anaemia is an anaemia.
    assert "D649" in coding(table, candidate("I5002", 0.95, dp=0.9), candidate("D649", 0.8))


def test_an_unselected_manifestation_is_left_as_it_is(table, conclusion_candidate):
    candidate = conclusion_candidate
    anaemia = candidate("D649", 0.3, section="histoire")  # below the threshold, named in the body only
    decided = coding(table, candidate("I5002", 0.95, dp=0.9), candidate("N184", 0.9), anaemia)
    assert set(decided) == {"I5002", "N184"}


def test_a_dagger_that_states_its_manifestation_brings_the_asterisk_on_its_words(table, conclusion_candidate):
    candidate = conclusion_candidate
    diabetes = candidate("E1120", 0.9)
    decided = coding(table, candidate("I5002", 0.95, dp=0.9), diabetes)
    assert decided["N083"].role == "DAS"
    assert decided["N083"].candidate.affirmed == diabetes.affirmed  # the evidence a coder sees
    assert "N083" not in coding(table, candidate("I5002", 0.95, dp=0.9), candidate("E1190", 0.9))


def test_alzheimer_disease_codes_its_dementia_once_with_the_asterisk(table, conclusion_candidate):
    candidate = conclusion_candidate
    with_dementia = coding(table, candidate("I5002", 0.95, dp=0.9), candidate("G301", 0.9), candidate("F03", 0.8))
    assert set(with_dementia) == {"I5002", "G301", "F001"}  # F03 became F00.1, not coded twice
    alone = coding(table, candidate("I5002", 0.95, dp=0.9), candidate("G301", 0.9))
    assert set(alone) == {"I5002", "G301", "F001"}


def test_a_bad_row_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "manifestation_codes.csv"
    header = "aetiology_from,aetiology_to,manifestation_from,manifestation_to,implied,asterisk,basis\n"
    path.write_text(header + "N18,N18,,,no,D638,x\n", encoding="utf-8")
    with pytest.raises(TerminologyFileError, match=":2: implied"):
        read_manifestation_rules(path)
    path.write_text(header + "N18,N18,D649,D649,no,D6,x\n", encoding="utf-8")
    with pytest.raises(TerminologyFileError, match=":2: the asterisk"):
        read_manifestation_rules(path)


def test_no_asterisk_for_a_disease_dropped_as_the_words_of_another_code(table):
    """« IRC » read as both kidney (N18) and lung (J96) failure: the lung one is the DP and the kidney one is
    dropped as the same words, so an anaemia beside them is no anaemia of kidney disease."""
    irc = QualifiedMention(
        "crh", ("J9610", "N184"), 0, 3, "IRC", "conclusion", False, False, False, False, (), "lexicon", 0
    )
    lung = Candidate("J96", score=0.95, model_score=0.95, dp_score=0.9, mentions=[irc])
    kidney = Candidate("N18", score=0.9, model_score=0.9, mentions=[irc])
    anaemia = Candidate(
        "D64",
        score=0.8,
        model_score=0.8,
        mentions=[
            QualifiedMention(
                "crh", ("D649",), 10, 16, "anémie", "conclusion", False, False, False, False, (), "lexicon", 1
            )
        ],
    )
    with_lung = Terminology(
        [*table, CodeEntry("J9610", "Insuffisance respiratoire chronique, type I", mco_type=0)], "test", "2025"
    )
    decided = coding(with_lung, lung, kidney, anaemia)
    assert set(decided) == {"J9610", "D649"}
