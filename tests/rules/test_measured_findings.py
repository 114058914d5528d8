"""A biological disorder the letter names and its own measurement confirms (rules/measured_findings.py) is
selected, on hand-built candidates and the shipped limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from coding_assistant.errors import TerminologyFileError
from coding_assistant.pipeline.candidates import Candidate
from coding_assistant.pipeline.evidence import QualifiedMention
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


def hypokalaemia(score: float, *, negated: bool = False, section: str = "conclusion") -> Candidate:
    mention = QualifiedMention(
        doc_id="crh",
        codes=("E8768",),
        start=100,
        end=112,
        text="hypokaliémie",
        section=section,
        negated=negated,
        hypothetical=False,
        family=False,
        history=False,
        cues=(),
        source="lexicon",
        rank=1,
    )
    return Candidate("E87", score=score, model_score=score, mentions=[mention])


def pressure() -> Candidate:
    mention = QualifiedMention("crh", ("I10",), 0, 3, "HTA", "conclusion", False, False, False, False, (), "lexicon", 0)
    return Candidate("I10", score=0.95, model_score=0.95, dp_score=0.9, mentions=[mention])


def roles(candidate: Candidate, *values: float) -> dict[str, str | None]:
    decided = assign_roles([pressure(), candidate], "", [kaliemie(v) for v in values], TABLE)
    return {d.code: d.role for d in decided}


def test_a_named_disorder_its_value_confirms_is_coded():
    assert measured_finding("E8768", [kaliemie(3.1)]) is not None
    assert roles(hypokalaemia(0.2), 3.1) == {"I10": "DP", "E8768": "DAS"}
    decided = assign_roles([pressure(), hypokalaemia(0.2)], "", [kaliemie(4.2), kaliemie(3.1)], TABLE)
    assert [n.rule for n in decided[1].notes] == ["measured-finding"]


@pytest.mark.parametrize(
    ("candidate", "values"),
    [
        (hypokalaemia(0.2), (4.1,)),  # the value is normal
        (hypokalaemia(0.2), ()),  # nothing measured
        (hypokalaemia(0.2, negated=True), (3.1,)),  # « pas d'hypokaliémie »
        (hypokalaemia(0.2, section="antecedents"), (3.1,)),  # a past episode
    ],
)
def test_without_a_confirming_value_or_a_current_mention_the_threshold_decides(candidate, values):
    assert all(role is None for code, role in roles(candidate, *values).items() if code.startswith("E87"))


def test_a_bad_row_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "measured_findings.csv"
    path.write_text("code_from,code_to,kind,direction,limit,basis\nE876,E876,kaliemie,under,3.5,x\n", encoding="utf-8")
    with pytest.raises(TerminologyFileError, match=":2: direction"):
        read_measured_findings(path)
