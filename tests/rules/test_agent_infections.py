"""The codes that name an infection and its agent (`rules.agent_infections`): the bundled pairs, and a bad
row named by its line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from coding_assistant.errors import TerminologyFileError
from coding_assistant.rules.agent_infections import code_naming_the_agent, read_agent_infections
from coding_assistant.rules.data import DEFAULT_RULES_DIR

CIM10 = Path(__file__).resolve().parents[2] / "terminologies" / "cim10" / "cim10_fr_2025.csv"


@pytest.mark.parametrize(
    ("infection", "agent", "code"),
    [("J181", "B953", "J13"), ("J189", "B962", "J155"), ("A419", "B956", "A410"), ("G039", "B953", "G001")],
)
def test_the_code_that_names_both(infection: str, agent: str, code: str) -> None:
    assert code_naming_the_agent(infection, agent) == code


def test_no_code_for_an_infection_classified_elsewhere() -> None:
    # A urinary infection keeps its agent apart: N39.0 + B96.2.
    assert code_naming_the_agent("N390", "B962") is None


def test_every_bundled_code_is_a_codable_cim10_code() -> None:
    with CIM10.open(encoding="utf-8") as handle:
        codable = {row["code"] for row in csv.DictReader(handle) if row["type_mco"] == "0"}
    pairs = read_agent_infections(DEFAULT_RULES_DIR / "agent_infection_codes.csv")
    assert pairs and all(pair.code in codable for pair in pairs)


def test_a_bad_row_is_named_by_its_line(tmp_path: Path) -> None:
    path = tmp_path / "pairs.csv"
    path.write_text("infection,agent,code,basis\nJ18,B953,J13,ok\nJ18,pneumocoque,J13,bad\n", encoding="utf-8")
    with pytest.raises(TerminologyFileError, match=":3:"):
        read_agent_infections(path)
