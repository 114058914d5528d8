"""A biological disorder the letter names and its own measurement confirms (rules/measured_findings.py) is
selected, on hand-built candidates and the shipped limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from coding_assistant.errors import TerminologyFileError
from coding_assistant.pipeline.roles import assign_roles
from coding_assistant.rules.measured_findings import measured_finding, read_measured_findings
from coding_assistant.terminology.model import CodeEntry, Terminology
from coding_assistant.text.measurements import Measurement

TABLE = Terminology(
    [
        CodeEntry("E8768", "Hypokaliémie, autres et sans précision", mco_type=0),
        CodeEntry("I10", "Hypertension essentielle (primitive)", mco_type=0),
    ],
    "test",
    "2025",
)


def kaliemie(value: float) -> Measurement:
    return Measurement(kind="kaliemie", value=value, unit="mmol/l", start=200, end=210, text=f"K {value}")


def roles(candidates, *values: float) -> dict[str, str | None]:
    decided = assign_roles(candidates, "", [kaliemie(v) for v in values], TABLE)
    return {d.code: d.role for d in decided}


def test_a_named_disorder_its_value_confirms_is_coded(conclusion_candidate):
    assert measured_finding("E8768", [kaliemie(3.1)]) is not None
    # Named in the body (a disease the conclusion names is coded anyway: `roles._concluded`).
    hypokalaemia = conclusion_candidate("E8768", 0.2, section="histoire")
    pressure = conclusion_candidate("I10", 0.95, 0.9)
    assert roles([pressure, hypokalaemia], 3.1) == {"I10": "DP", "E8768": "DAS"}
    decided = assign_roles([pressure, hypokalaemia], "", [kaliemie(4.2), kaliemie(3.1)], TABLE)
    assert [n.rule for n in decided[1].notes] == ["measured-finding"]


@pytest.mark.parametrize(
    ("mention", "values"),
    [
        ({}, (4.1,)),  # the value is normal
        ({}, ()),  # nothing measured
        ({"negated": True}, (3.1,)),  # « pas d'hypokaliémie »
        ({"section": "antecedents"}, (3.1,)),  # a past episode
    ],
)
def test_without_a_confirming_value_or_a_current_mention_the_threshold_decides(conclusion_candidate, mention, values):
    hypokalaemia = conclusion_candidate("E8768", 0.2, **{"section": "histoire", **mention})
    candidates = [conclusion_candidate("I10", 0.95, 0.9), hypokalaemia]
    assert all(role is None for code, role in roles(candidates, *values).items() if code.startswith("E87"))


def test_a_bad_row_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "measured_findings.csv"
    path.write_text("code_from,code_to,kind,direction,limit,basis\nE876,E876,kaliemie,under,3.5,x\n", encoding="utf-8")
    with pytest.raises(TerminologyFileError, match=":2: direction"):
        read_measured_findings(path)
