import json
import subprocess
import sys

from typer.testing import CliRunner

from coding_assistant.cli import app

runner = CliRunner()


def test_search_json():
    result = runner.invoke(app, ["terminology", "search", "bpco exacerbée", "--json", "--limit", "3"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["query"] == "bpco exacerbée"
    assert {"code", "label", "score", "codable"} <= set(payload["results"][0])
    assert "J441" in [r["code"] for r in payload["results"]]


def test_search_queries_file_keeps_order(tmp_path):
    queries = tmp_path / "q.txt"
    queries.write_text("hta\ni21.1\ninsuffisance cardiaque\n", encoding="utf-8")
    result = runner.invoke(app, ["terminology", "search", "--queries", str(queries), "--limit", "2"])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["hta", "i21.1", "insuffisance cardiaque"]
    assert all(len(line["results"]) == 2 for line in lines)


def test_bad_input_is_one_line_without_traceback(tmp_path):
    for args in (
        ["terminology", "search", ""],
        ["terminology", "search", "x" * 10_240],
        ["terminology", "search", "--queries", str(tmp_path / "missing.txt")],
        ["terminology", "show", "I99.99"],
        ["terminology", "show", "12"],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "coding_assistant", *args], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr


def test_queries_file_bad_line_is_named_and_the_others_answered(tmp_path):
    queries = tmp_path / "q.txt"
    queries.write_text("hta\n\nbpco\n", encoding="utf-8")
    result = runner.invoke(app, ["terminology", "search", "--queries", str(queries)])
    assert result.exit_code == 2
    assert "q.txt:2: empty query" in result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["hta", "", "bpco"]
    assert lines[0]["results"] and lines[2]["results"]
    assert lines[1]["results"] == [] and "empty query" in lines[1]["error"]


def test_show_code():
    result = runner.invoke(app, ["terminology", "show", "i50.02", "--json"])
    assert result.exit_code == 0
    info = json.loads(result.stdout)
    assert info["code"] == "I5002" and info["allowed"] == {"DP": True, "DR": True, "DAS": True}
    assert info["parent"] == "I500"
