"""Evaluation metrics against hand-computed values, prediction files, the HTML report and the CLI command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from coding_assistant.cli.evaluate import evaluate_command
from coding_assistant.errors import CodingAssistantError
from coding_assistant.evaluation import (
    EvaluationError,
    evaluate,
    evaluate_model,
    read_predictions,
    render_report,
    write_report,
)
from coding_assistant.evaluation.metrics import bin_index, hits_at_k, join, ranking_scores
from coding_assistant.schema import (
    Codes,
    Evidence,
    InputFileError,
    ModelInfo,
    Proposal,
    Stay,
    StayProposals,
    write_jsonl,
)

# ----------------------------------------------------------------------------------------------- builders


def stay(stay_id: str, dp: str | None, dr: str | None = None, das: tuple[str, ...] = ()) -> Stay:
    return Stay(stay_id=stay_id, codes=Codes(dp=dp, dr=dr, das=list(das)))


def evidence(negated: bool = False, hypothetical: bool = False, family: bool = False) -> Evidence:
    return Evidence(
        doc_id="d", start=0, end=4, text="mention", negated=negated, hypothetical=hypothetical, family=family
    )


def proposal(
    code: str, score: float, role: str | None = None, selected: bool = False, evidence_items: tuple[Evidence, ...] = ()
) -> Proposal:
    return Proposal(code=code, score=score, role=role, selected=selected, evidence=list(evidence_items))


def prediction(stay_id: str, *proposals: Proposal) -> StayProposals:
    return StayProposals(stay_id=stay_id, model=ModelInfo(name="test", version="0"), proposals=list(proposals))


def perfect_predictions(stays: list[Stay]) -> list[StayProposals]:
    """Gold codes proposed with score 1.0, each selected in its gold role."""
    out = []
    for s in stays:
        assert s.codes is not None
        items = [proposal(s.codes.dp, 1.0, "DP", True)] if s.codes.dp else []
        items += [proposal(s.codes.dr, 1.0, "DR", True)] if s.codes.dr else []
        items += [proposal(code, 1.0, "DAS", True, (evidence(),)) for code in s.codes.das]
        out.append(prediction(s.stay_id, *items))
    return out


# The worked example used by most tests (three stays):
#   S1 gold DP I5002, DAS N184 E119        -> gold {I5002, N184, E119}
#      ranked: I501 (DP, sel, .9) · N184 (DAS, sel, .8) · I10 (DAS, sel, .6) · E119 (.4) · J449 (.2)
#   S2 gold DP J441, DAS I10               -> gold {J441, I10}
#      ranked: J441 (DP, sel, .7) · I10 (DAS, sel, .5)
#   S3 gold DP K358, no prediction at all  -> gold {K358}
GOLD = [
    stay("S1", "I5002", das=("N184", "E119")),
    stay("S2", "J441", das=("I10",)),
    stay("S3", "K358"),
]
PREDICTIONS = [
    prediction(
        "S1",
        proposal("I501", 0.9, "DP", True),  # no evidence: never a negation error
        proposal("N184", 0.8, "DAS", True, (evidence(),)),
        proposal("I10", 0.6, "DAS", True, (evidence(negated=True), evidence(family=True))),  # negation error
        proposal("E119", 0.4, "DAS", False, (evidence(negated=True),)),  # not selected: not an error
        proposal("J449", 0.2),
    ),
    prediction(
        "S2",
        proposal("J441", 0.7, "DP", True),
        proposal("I10", 0.5, "DAS", True, (evidence(hypothetical=True), evidence())),  # one plain mention
    ),
]


@pytest.fixture(scope="module")
def result():
    return evaluate(GOLD, PREDICTIONS)


# ----------------------------------------------------------------------------------------------- metrics


def test_counts(result):
    c = result.counts
    assert (c.stays, c.stays_with_prediction, c.stays_with_gold_dp, c.stays_without_predicted_dp) == (3, 2, 3, 1)
    # gold 3 + 2 + 1; selected 3 + 2 + 0; proposals 5 + 2 + 0
    assert (c.gold_codes, c.selected_codes, c.proposals) == (6, 5, 7)


def test_dp_accuracy(result):
    # exact: I501≠I5002, J441=J441, S3 missing -> 1/3
    # 4char: I501≠I500, J441=J441, missing     -> 1/3
    # 3char: I50=I50,   J44=J44,   missing     -> 2/3
    assert result.dp_accuracy["exact"] == pytest.approx(1 / 3)
    assert result.dp_accuracy["4char"] == pytest.approx(1 / 3)
    assert result.dp_accuracy["3char"] == pytest.approx(2 / 3)


def test_dp_is_the_best_ranked_selected_dp():
    gold = [stay("S", "I10")]
    # An unselected DP proposal does not count; of two selected DPs the best-ranked one does.
    preds = [
        prediction(
            "S", proposal("I10", 0.9, "DP", False), proposal("J441", 0.8, "DP", True), proposal("I10", 0.7, "DP", True)
        )
    ]
    assert evaluate(gold, preds).dp_accuracy["exact"] == 0.0
    # A selected code without the DP role is no DP: the stay has a missing DP, counted wrong.
    no_dp = [prediction("S", proposal("I10", 0.9, "DAS", True))]
    result = evaluate(gold, no_dp)
    assert result.dp_accuracy["exact"] == 0.0 and result.counts.stays_without_predicted_dp == 1


def test_micro_scores(result):
    # exact: S1 tp1 (N184) fp2 (I501, I10) fn2 (I5002, E119); S2 tp2; S3 fn1 -> TP3 FP2 FN3
    exact = result.selected["exact"].micro
    assert exact.precision == pytest.approx(3 / 5)
    assert exact.recall == pytest.approx(3 / 6)
    assert exact.f1 == pytest.approx(6 / 11)  # 2·3 / (2·3 + 2 + 3)
    # 4char: I501 vs I500 still differ, I10 stays I10 -> same counts as exact
    assert result.selected["4char"].micro == exact
    # 3char: S1 gold {I50,N18,E11} sel {I50,N18,I10}: tp2 fp1 fn1; S2 tp2; S3 fn1 -> TP4 FP1 FN2
    three = result.selected["3char"].micro
    assert three.precision == pytest.approx(4 / 5)
    assert three.recall == pytest.approx(4 / 6)
    assert three.f1 == pytest.approx(8 / 11)  # 2·4 / (2·4 + 1 + 2)


def test_macro_scores(result):
    # exact, 7 codes (P, R, F1):   I5002 fn1 (0,0,0) · N184 tp1 (1,1,1) · E119 fn1 (0,0,0)
    #   I501 fp1 (0,0,0) · I10 tp1 fp1 (1/2, 1, 2/3) · J441 tp1 (1,1,1) · K358 fn1 (0,0,0)
    macro = result.selected["exact"].macro
    assert result.selected["exact"].macro_codes == 7
    assert macro.precision == pytest.approx(2.5 / 7)
    assert macro.recall == pytest.approx(3 / 7)
    assert macro.f1 == pytest.approx((1 + 2 / 3 + 1) / 7)  # mean of the F1_c = 8/21
    # 3char, 6 codes: I50 tp1 (1,1,1) · N18 tp1 (1,1,1) · E11 fn1 (0,0,0) · I10 tp1 fp1 (1/2,1,2/3)
    #   J44 tp1 (1,1,1) · K35 fn1 (0,0,0)
    three = result.selected["3char"].macro
    assert result.selected["3char"].macro_codes == 6
    assert three.precision == pytest.approx(3.5 / 6)
    assert three.recall == pytest.approx(4 / 6)
    assert three.f1 == pytest.approx((3 + 2 / 3) / 6)


def test_ranking_scores(result):
    # exact: S1 top-5 {I501,N184,I10,E119,J449} ∩ gold = {N184,E119}: 2 hits of 3; S2 2 hits of 2; S3 0 of 1
    exact = result.ranking["exact"]
    assert exact.stays == 3
    assert exact.recall_at[5] == pytest.approx((2 / 3 + 1 + 0) / 3)
    # precision@k divides by min(k, proposals): S1 has 5 proposals, S2 2, S3 none
    assert exact.precision_at[5] == pytest.approx((2 / 5 + 2 / 2 + 0) / 3)
    assert exact.recall_at[15] == pytest.approx(5 / 9)
    assert exact.precision_at[10] == pytest.approx((2 / 5 + 2 / 2) / 3)
    assert exact.precision_at[15] == pytest.approx((2 / 5 + 2 / 2) / 3)
    # 3char: S1 {I50,N18,I10,E11,J44} ∩ {I50,N18,E11} = 3 hits of 3; S2 2 of 2; S3 0 of 1
    three = result.ranking["3char"]
    assert three.recall_at[5] == pytest.approx((1 + 1 + 0) / 3)
    assert three.precision_at[5] == pytest.approx((3 / 5 + 2 / 2) / 3)


def test_ranking_cut_off_and_distinct_categories():
    # gold {A01, B02}; A01 ranked 3rd, B02 ranked 7th among 12 proposals
    codes = ["C10", "C11", "A01", "C12", "C13", "C14", "B02", "C15", "C16", "C17", "C18", "C19"]
    gold = [stay("S", "A01", das=("B02",))]
    preds = [prediction("S", *(proposal(code, 0.5) for code in codes))]
    scores = ranking_scores(join(gold, preds), "exact")
    assert scores.recall_at == {5: 0.5, 10: 1.0, 15: 1.0}  # 1/2, 2/2, 2/2
    assert scores.precision_at == pytest.approx({5: 1 / 5, 10: 2 / 10, 15: 2 / 12})  # 12 proposals in all
    # At 3char two proposals of one category are one hit, not two.
    assert hits_at_k(["I5001", "I5002", "J441"], {"I50"}, 5, "3char") == 1


def test_negation_errors(result):
    # Selected: I501 (no evidence), N184 (plain), I10 in S1 (negated + family: error), J441, I10 in S2
    # (hypothetical + plain: not an error). E119 is negated but not selected. 1 error of 5 selected codes.
    assert result.negation.count == 1
    assert result.negation.rate == pytest.approx(1 / 5)
    error = result.negation.items[0]
    assert (error.stay_id, error.code, error.score) == ("S1", "I10", 0.6)
    assert error.evidence == (("mention", ("negated",)), ("mention", ("family",)))


def test_calibration_on_worked_example(result):
    # One proposal per bin: |observed − score| = .9 (I501 miss) .2 (N184 hit) .3 (J441 hit) .6 (I10 miss)
    # .5 (I10 hit) .6 (E119 hit) .2 (J449 miss), each weighing 1/7.
    assert result.calibration.proposals == 7
    assert result.calibration.ece == pytest.approx(3.3 / 7)


def test_ece_on_hand_built_bins():
    gold = [stay("S", "A01", das=("A02", "A03"))]
    preds = [
        prediction(
            "S",
            proposal("Z99", 0.1),
            proposal("A01", 0.15),
            proposal("A02", 0.9),
            proposal("A03", 0.95),
            proposal("Z98", 1.0),
        )
    ]
    cal = evaluate(gold, preds).calibration
    # bin [0.1, 0.2): scores .1, .15 -> mean .125, 1 of 2 in gold -> |.5 − .125| · 2/5 = .15
    # bin [0.9, 1.0]: scores .9, .95, 1.0 -> mean .95, 2 of 3 in gold -> |2/3 − .95| · 3/5 = .17
    assert cal.ece == pytest.approx(0.15 + 0.17)
    assert [b.count for b in cal.bins] == [0, 2, 0, 0, 0, 0, 0, 0, 0, 3]
    assert cal.bins[1].mean_score == pytest.approx(0.125) and cal.bins[1].observed_rate == 0.5
    assert cal.bins[0].mean_score is None and cal.bins[0].observed_rate is None
    assert (bin_index(0.0), bin_index(0.1), bin_index(0.99), bin_index(1.0)) == (0, 1, 9, 9)


def test_chapter_table(result):
    rows = {row.chapter: row for row in result.chapters}
    assert list(rows) == ["IV", "IX", "X", "XI", "XIV"]  # chapter order, only chapters present
    # IX: S1 gold {I5002} sel {I501, I10}: tp0 fp2 fn1; S2 I10 tp1 -> TP1 FP2 FN1
    ix = rows["IX"]
    assert (ix.support, ix.predicted, ix.true_positives) == (2, 3, 1)
    assert (ix.precision, ix.recall) == pytest.approx((1 / 3, 1 / 2))
    assert ix.f1 == pytest.approx(2 / 5)  # 2·1 / (2·1 + 2 + 1)
    assert ix.title == "Maladies de l'appareil circulatoire"
    assert (rows["IV"].support, rows["IV"].f1) == (1, 0.0)  # E119 missed
    assert (rows["X"].f1, rows["XIV"].f1, rows["XI"].recall) == (1.0, 1.0, 0.0)


def _all_set_scores(result) -> list[float]:
    values = list(result.dp_accuracy.values())
    for scores in result.selected.values():
        values += [scores.micro.precision, scores.micro.recall, scores.micro.f1]
        values += [scores.macro.precision, scores.macro.recall, scores.macro.f1]
    for row in result.chapters:
        values += [row.precision, row.recall, row.f1]
    return values


def test_perfect_predictions_score_one():
    gold = [*GOLD, stay("S4", "Z511", dr="C509")]
    result = evaluate(gold, perfect_predictions(gold))
    assert all(value == 1.0 for value in _all_set_scores(result))
    for ranking in result.ranking.values():
        assert all(value == 1.0 for value in ranking.recall_at.values())
        assert all(value == 1.0 for value in ranking.precision_at.values())
    assert result.calibration.ece == 0.0
    assert result.negation.count == 0 and result.negation.rate == 0.0


@pytest.mark.parametrize("predictions", [[], [prediction(s.stay_id) for s in GOLD]], ids=["none", "empty"])
def test_empty_predictions_score_zero(predictions):
    result = evaluate(GOLD, predictions)
    assert all(value == 0.0 for value in _all_set_scores(result))
    for ranking in result.ranking.values():
        assert set(ranking.recall_at.values()) == set(ranking.precision_at.values()) == {0.0}
    assert (result.calibration.ece, result.calibration.proposals) == (0.0, 0)
    assert (result.negation.count, result.negation.rate) == (0, 0.0)
    assert result.counts.selected_codes == 0 and result.counts.gold_codes == 6


def test_as_dict_is_json_ready(result):
    data = result.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["ranking"]["exact"]["recall_at"]["10"] == pytest.approx(5 / 9)
    assert data["chapters"][0]["chapter"] == "IV"


def test_join_errors():
    with pytest.raises(EvaluationError, match="stay S9: predicted but not among the gold stays"):
        evaluate(GOLD, [prediction("S9")])
    with pytest.raises(EvaluationError, match="stay S1: more than one prediction"):
        evaluate(GOLD, [prediction("S1"), prediction("S1")])
    with pytest.raises(EvaluationError, match="stay X: no gold codes"):
        evaluate([Stay(stay_id="X")], [])
    assert issubclass(EvaluationError, CodingAssistantError)


def test_evaluate_model_hides_gold_codes():
    seen: list[Stay] = []

    def predict_fn(stays):
        seen.extend(stays)
        return perfect_predictions(GOLD)

    result = evaluate_model(GOLD, predict_fn)
    assert [s.codes for s in seen] == [None, None, None]
    assert result.dp_accuracy["exact"] == 1.0


# ----------------------------------------------------------------------------------------------- files


def _write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_read_predictions_round_trip(tmp_path):
    path = tmp_path / "preds.jsonl"
    write_jsonl(path, PREDICTIONS)
    assert read_predictions(path) == PREDICTIONS


def test_malformed_prediction_lines_name_the_line(tmp_path):
    good = PREDICTIONS[0].model_dump_json()
    path = _write_lines(tmp_path / "preds.jsonl", [good, "{not json"])
    with pytest.raises(InputFileError, match=r"preds\.jsonl:2: not valid JSON"):
        read_predictions(path)
    bad_score = json.dumps(
        {"stay_id": "S2", "model": {"name": "m", "version": "1"}, "proposals": [{"code": "I10", "score": 1.5}]}
    )
    path = _write_lines(tmp_path / "preds.jsonl", [good, "", bad_score])
    with pytest.raises(InputFileError, match=r"preds\.jsonl:3 \(stay S2\): proposals\.0\.score"):
        read_predictions(path)


def test_duplicate_prediction_names_the_line(tmp_path):
    good = PREDICTIONS[0].model_dump_json()
    # Blank lines hold no record but still count as lines.
    path = _write_lines(tmp_path / "preds.jsonl", ["", good, "", PREDICTIONS[1].model_dump_json(), good])
    with pytest.raises(InputFileError, match=r"preds\.jsonl:5: stay S1 already has a prediction \(line 2\)"):
        read_predictions(path)


# ----------------------------------------------------------------------------------------------- report


def test_report_is_self_contained_and_escaped(tmp_path):
    nasty = "<script>alert(1)</script>"
    gold = [stay(nasty, "I10")]
    preds = [prediction(nasty, proposal("I10", 0.8, "DP", True, (evidence(negated=True),)))]
    path = write_report(evaluate(gold, preds), tmp_path / "out" / "report.html", title="Essai <b>")
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") == 2  # chapter bars and reliability diagram
    assert "http" not in html and "<link" not in html and "<script" not in html and "@import" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Essai &lt;b&gt;" in html
    assert "DP exact" in html and "Maladies de l&#x27;appareil circulatoire" in html
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]  # no temporary file left


def test_report_french_figures(result):
    html = render_report(result)
    # DP exact = 1/3, written with a decimal comma, next to its plain-French explanation
    assert "0,33" in html
    assert "exactement celui codé" in html
    assert "Erreurs de négation" in html


def test_report_with_nothing_to_show():
    html = render_report(evaluate(GOLD, []))
    assert "Aucune proposition" in html and "Aucun code pré-coché ne repose" in html


# ----------------------------------------------------------------------------------------------- CLI


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Throw-away app so that `evaluate` is a sub-command, as in the product."""

    app.command("evaluate")(evaluate_command)
    return app


@pytest.fixture()
def files(tmp_path):
    gold = tmp_path / "stays.jsonl"
    preds = tmp_path / "preds.jsonl"
    write_jsonl(gold, GOLD)
    write_jsonl(preds, PREDICTIONS)
    return gold, preds


runner = CliRunner()


def test_cli_json(files, result):
    gold, preds = files
    out = runner.invoke(_app(), ["evaluate", "--input", str(gold), "--predictions", str(preds), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == json.loads(json.dumps(result.as_dict()))


def test_cli_table_and_report(files, tmp_path):
    gold, preds = files
    report = tmp_path / "r.html"
    out = runner.invoke(
        _app(), ["evaluate", "--input", str(gold), "--predictions", str(preds), "--report", str(report)]
    )
    assert out.exit_code == 0, out.output
    assert "DP acc" in out.stdout and "negation errors 1" in out.stdout
    assert report.exists() and "<svg" in report.read_text(encoding="utf-8")


def test_cli_help_lists_options():
    out = runner.invoke(_app(), ["evaluate", "--help"])
    assert out.exit_code == 0
    for option in ("--input", "--predictions", "--model", "--report", "--json"):
        assert option in out.stdout


def test_cli_needs_exactly_one_source(files, tmp_path):
    gold, preds = files
    for extra in ([], ["--predictions", str(preds), "--model", str(tmp_path)]):
        out = runner.invoke(_app(), ["evaluate", "--input", str(gold), *extra])
        assert isinstance(out.exception, EvaluationError)
        assert "exactly one of --predictions" in str(out.exception)


def test_cli_model_folder_that_is_not_a_model_is_named(files, tmp_path):
    gold, _ = files
    out = runner.invoke(_app(), ["evaluate", "--input", str(gold), "--model", str(tmp_path)])
    assert isinstance(out.exception, CodingAssistantError)
    assert "not a model folder" in str(out.exception) and "\n" not in str(out.exception)


def test_cli_malformed_gold_names_the_line_and_scores_the_others(files):
    gold, preds = files
    _write_lines(gold, [GOLD[0].model_dump_json(), '{"stay_id": "S2", "codes": {"dp": "12"}}'])
    out = runner.invoke(_app(), ["evaluate", "--input", str(gold), "--predictions", str(preds), "--json"])
    assert out.exit_code == 1
    assert "stays.jsonl:2 (stay S2): codes.dp" in out.stderr
    assert json.loads(out.stdout.splitlines()[0])["counts"]["stays"] == 1  # S1 scored; S2's prediction set aside


def test_cli_unknown_stay_names_files_and_stay(files):
    gold, preds = files
    write_jsonl(gold, GOLD[1:])  # S1 predicted but no longer in gold
    out = runner.invoke(_app(), ["evaluate", "--input", str(gold), "--predictions", str(preds)])
    assert isinstance(out.exception, EvaluationError)
    assert "preds.jsonl against" in str(out.exception) and "stay S1" in str(out.exception)
