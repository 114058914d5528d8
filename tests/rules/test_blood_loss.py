"""A condition whose sentence names a blood loss as its cause takes the CIM-10 code that says so
(rules/blood_loss.py): D50.9 → D50.0; a transfusion or a bleeding risk names no loss. Sentences written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from coding_assistant.errors import TerminologyFileError
from coding_assistant.rules.blood_loss import code_naming_blood_loss, names_blood_loss, read_blood_loss
from tests.reference_tables import cim10_codes


@pytest.mark.parametrize(
    ("sentence", "named"),
    [
        ("Anémie ferriprive sévère par ménorragies sur utérus myomateux", True),
        ("Anémie ferriprive sur saignement digestif occulte", True),
        ("Anémie par carence martiale secondaire à des rectorragies", True),
        ("Anémie ferriprive transfusée de 2 CGR", False),
        ("Anémie ferriprive, risque hémorragique sous anticoagulant", False),
    ],
)
def test_a_sentence_names_a_blood_loss_as_its_cause(sentence: str, named: bool) -> None:
    assert names_blood_loss(sentence) is named


def test_each_condition_has_its_blood_loss_code() -> None:
    assert code_naming_blood_loss("D509") == "D500"
    assert code_naming_blood_loss("D500") is None  # already named by its cause
    assert code_naming_blood_loss("D649") is None


def test_every_pair_is_two_active_codes_of_the_cim10_table() -> None:
    table = cim10_codes()
    rules = Path(__file__).resolve().parents[2] / "terminologies" / "rules"
    for condition, code in read_blood_loss(rules / "blood_loss_codes.csv").items():
        assert table[condition]["active"] == "1" and table[code]["active"] == "1", (condition, code)


def test_a_bad_row_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "blood_loss.csv"
    path.write_text("condition,code,basis\nD509,D500,ok\nanémie,D500,not a code\n", encoding="utf-8")
    with pytest.raises(TerminologyFileError, match=":3:"):
        read_blood_loss(path)
