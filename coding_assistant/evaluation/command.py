"""The `coding-assistant evaluate` sub-command (registered by the CLI module)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from coding_assistant.evaluation.metrics import EvaluationError, evaluate
from coding_assistant.evaluation.reading import read_predictions
from coding_assistant.evaluation.report import write_report
from coding_assistant.evaluation.result import EvaluationResult
from coding_assistant.schema import read_stays


def evaluate_command(
    input: Annotated[
        Path, typer.Option("--input", help="coded stays (JSONL, each with its 'codes'): the gold standard")
    ],
    predictions: Annotated[
        Path | None, typer.Option("--predictions", help="proposals JSONL to score (one line per stay)")
    ] = None,
    model: Annotated[
        Path | None, typer.Option("--model", help="model folder to run on the stays, then score")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="also write a self-contained HTML report here")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the metrics as one JSON object")] = False,
) -> None:
    """Score code proposals against the codes of the stays: DP accuracy, precision / recall / F1 of the
    pre-ticked codes, recall@k of the ranking, negation errors, calibration and per-chapter figures.

    Give exactly one of --predictions (a proposals file) or --model. A stay without prediction counts as
    an empty one.
    """
    if (predictions is None) == (model is None):
        raise EvaluationError("give exactly one of --predictions FILE or --model DIR")
    if model is not None:
        # Scoring a model means running it; this version ships no classifier, and made-up proposals would
        # give made-up figures. `evaluate_model(gold, predict_fn)` is ready for when it does.
        raise EvaluationError(
            f"{model}: evaluating a model needs the code classifier, which this version does not include; "
            "run the predictor elsewhere and pass its output with --predictions"
        )
    assert predictions is not None
    gold = read_stays(input)
    try:
        result = evaluate(gold, read_predictions(predictions))
    except EvaluationError as exc:
        raise EvaluationError(f"{predictions} against {input}: {exc}") from exc
    if report is not None:
        write_report(result, report, title=f"Évaluation du codage – {input.name}")
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        typer.echo(summary_table(result))
    if report is not None:
        # On stderr, so that --json keeps stdout a single JSON object.
        typer.echo(f"report written to {report}", err=True)


def _f(value: float) -> str:
    return f"{value:.3f}"


def summary_table(result: EvaluationResult) -> str:
    """A compact plain-text summary for the terminal."""
    c = result.counts
    lines = [
        f"stays {c.stays} (with prediction {c.stays_with_prediction}, without selected DP "
        f"{c.stays_without_predicted_dp}) · gold codes {c.gold_codes} · selected {c.selected_codes} "
        f"· proposals {c.proposals}",
        "",
        f"{'level':<8}{'DP acc':>8}{'micro P':>9}{'micro R':>9}{'micro F1':>10}"
        f"{'macro P':>9}{'macro R':>9}{'macro F1':>10}",
    ]
    for level, scores in result.selected.items():
        lines.append(
            f"{level:<8}{_f(result.dp_accuracy[level]):>8}{_f(scores.micro.precision):>9}"
            f"{_f(scores.micro.recall):>9}{_f(scores.micro.f1):>10}{_f(scores.macro.precision):>9}"
            f"{_f(scores.macro.recall):>9}{_f(scores.macro.f1):>10}"
        )
    lines.append("")
    for level, ranking in result.ranking.items():
        cells = "  ".join(
            f"R@{k} {_f(ranking.recall_at[k])} P@{k} {_f(ranking.precision_at[k])}"
            for k in sorted(ranking.recall_at)
        )
        lines.append(f"{level:<8}{cells}")
    lines += [
        "",
        f"negation errors {result.negation.count} (rate {_f(result.negation.rate)} of selected codes)",
        f"ECE {_f(result.calibration.ece)} over {result.calibration.proposals} proposals",
        "",
        f"{'chapter':<8}{'support':>8}{'P':>7}{'R':>7}{'F1':>7}",
    ]
    for chapter in result.chapters:
        lines.append(
            f"{chapter.chapter:<8}{chapter.support:>8}{_f(chapter.precision):>7}{_f(chapter.recall):>7}"
            f"{_f(chapter.f1):>7}"
        )
    return "\n".join(lines)
