"""`coding-assistant group` on a small file with bad lines; JSONL and RSS reading; what one code is worth."""

from __future__ import annotations

import json
from datetime import date

import pytest
import typer
from typer.testing import CliRunner

from coding_assistant.cli.group import group_command
from coding_assistant.groupage import StayFacts, code_worth, coded_das_worth, default_grouper
from coding_assistant.groupage.reading import InputError, read_stays

runner = CliRunner()

STAYS = [
    {
        "stay_id": "pneumonia",
        "sex": "F",
        "age": 70,
        "admission_date": "2025-03-01",
        "discharge_date": "2025-03-07",
        "codes": {"dp": "J18.9", "das": ["E44.0", "N17.9"]},
    },
    {
        "stay_id": "appendix",
        "sex": "M",
        "age": 25,
        "length_of_stay": 2,
        "codes": {"dp": "K35.8"},
        "acts": ["HHFA016", {"code": "ZZQK002", "activity": "4", "phase": "0"}],
    },
]


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("group")(group_command)
    app.command("other")(lambda: None)  # two commands: typer keeps "group" as a sub-command
    return app


@pytest.fixture
def input_file(tmp_path):
    lines = [json.dumps(STAYS[0]), "not json", json.dumps({"stay_id": "nodates", "codes": {"dp": "I10"}})]
    lines.append(json.dumps(STAYS[1]))
    path = tmp_path / "stays.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_group_writes_one_line_per_stay_and_goes_on_after_bad_ones(tmp_path, input_file):
    out = tmp_path / "out" / "grouped.jsonl"
    result = runner.invoke(_app(), ["group", str(input_file), "--output", str(out)])
    assert result.exit_code == 2  # some stays failed
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line.get("stay_id") for line in lines] == ["pneumonia", None, "nodates", "appendix"]
    first = lines[0]
    assert {"stay_id", "cmd", "ghm", "ghm_label", "severity", "ghs", "tariff_eur", "cma", "path", "warnings"} <= set(
        first
    )
    assert first["ghm"] == "04M053" and first["cma"][0] == {
        "code": "E440",
        "level": 3,
        "counts": True,
        "reason": "level 3, not excluded by the DP, the DR or the root",
    }
    assert first["preview"].startswith("aperçu de groupage")
    assert lines[1]["error"].endswith(":2: not valid JSON (Expecting value at column 1)")
    assert "length of stay unknown" in lines[2]["error"]
    assert lines[3]["ghm"] == "06C091"
    assert "2 stays grouped, 2 errors" in result.stderr


def test_mismatch_report_option():
    result = runner.invoke(_app(), ["group", "--mismatch-report"])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert len(report["missing"]) == 21


def test_group_is_registered_in_the_cli():
    from coding_assistant.cli import app

    assert "group" in {command.name for command in app.registered_commands}


def test_jsonl_reading_keeps_acts_and_modes(tmp_path):
    record = {**STAYS[1], "exit_mode": "9", "entry_mode": 7, "birth_weight": 0, "sessions": 2}
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (facts,) = list(read_stays(path))
    assert isinstance(facts, StayFacts)
    assert [(a.code, a.activity) for a in facts.acts] == [("HHFA016", "1"), ("ZZQK002", "4")]
    assert (facts.exit_mode, facts.entry_mode, facts.birth_weight, facts.sessions) == ("9", "7", None, 2)


def test_acts_may_come_with_the_codes(tmp_path):
    record = {"stay_id": "c", "age": 30, "length_of_stay": 1, "codes": {"dp": "K358", "acts": ["HHFA016"]}}
    path = tmp_path / "codes_acts.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (facts,) = list(read_stays(path))
    assert [a.code for a in facts.acts] == ["HHFA016"]


def test_rss_reading_builds_one_stay_per_rss(tmp_path):
    from coding_assistant.formats import RumAct, RumRecord, format_rum_line

    rum = RumRecord(
        finess="123456789",
        version="023",
        rss_number="42",
        admin_number="A42",
        rum_number="1",
        birth_date=date(1950, 5, 1),
        sex="F",
        unit="1001",
        entry_date=date(2025, 3, 1),
        entry_mode="8",
        exit_date=date(2025, 3, 7),
        exit_mode="8",
        dp="J189",
        das=["E440"],
        acts=[RumAct(code="GLLD004", date=date(2025, 3, 2), activity="1", phase="0")],
    )
    path = tmp_path / "rss.txt"
    path.write_text(format_rum_line(rum) + "\n", encoding="latin-1")
    (facts,) = list(read_stays(path))
    assert not isinstance(facts, InputError)
    assert (facts.stay_id, facts.dp, facts.das, facts.length_of_stay, facts.age) == ("42", "J189", ("E440",), 6, 74)
    assert default_grouper().group(facts).ghm == "04M053"


def test_what_a_cma_is_worth():
    facts = StayFacts("s", dp="J189", das=("E440",), length_of_stay=6, age=70, sex="F")
    coded = code_worth(facts, "E44.0")
    assert coded.action == "remove"
    assert (coded.with_code.ghm, coded.without_code.ghm) == ("04M053", "04M051")
    assert coded.worth_eur == pytest.approx(coded.with_code.tariff_eur - coded.without_code.tariff_eur)
    assert coded.worth_eur > 0 and coded.changes_ghm and coded.verdict.counts
    candidate = code_worth(facts.with_das([]), "E440")
    assert candidate.action == "add" and candidate.worth_eur == coded.worth_eur
    # A code that is not a CMA is worth nothing.
    assert code_worth(facts, "I10").worth_eur == 0.0
    assert [w.code for w in coded_das_worth(facts)] == ["E440"]
