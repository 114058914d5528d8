"""`coding-assistant evaluate`: score proposals (a file, or a model run on the stays) against coded stays."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from coding_assistant.cli.stay_sources import read_coded_stays, read_jsonl_stays
from coding_assistant.errors import CodingAssistantError
from coding_assistant.evaluation.metrics import EvaluationError, PredictFn, evaluate, evaluate_model
from coding_assistant.evaluation.reading import read_predictions
from coding_assistant.evaluation.report import write_report
from coding_assistant.evaluation.summary import summary_table
from coding_assistant.schema import InputFileError


def evaluate_command(
    input: Annotated[
        Path, typer.Option("--input", help="coded stays (JSONL, each with its 'codes'): the gold standard")
    ],
    predictions: Annotated[
        Path | None, typer.Option("--predictions", help="proposals JSONL to score (one line per stay)")
    ] = None,
    model: Annotated[Path | None, typer.Option("--model", help="model folder to run on the stays, then score")] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="also write a self-contained HTML report here")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the metrics as one JSON object")] = False,
    classifier_only: Annotated[
        bool, typer.Option("--classifier-only", help="with --model: score the classifier alone, not the pipeline")
    ] = False,
) -> None:
    """Score code proposals against the codes of the stays: DP accuracy, precision / recall / F1 of the
    pre-ticked codes, recall@k of the ranking, negation errors, calibration and per-chapter figures.

    Give exactly one of --predictions (a proposals file) or --model (a model folder: the whole proposal
    pipeline runs on the stays, or the classifier alone with --classifier-only). A stay without prediction
    counts as an empty one. A line of either file that cannot be read is named on stderr and left out with
    its stay (the others are scored); the exit status is then 1.
    """
    if (predictions is None) == (model is None):
        raise EvaluationError("give exactly one of --predictions FILE or --model DIR")
    skipped = _Skipped()
    gold = read_jsonl_stays(input, skipped) if input.is_file() else read_coded_stays(input, on_error=skipped)
    if model is not None:
        result = evaluate_model(gold, _predict_fn(model, classifier_only))
    else:
        assert predictions is not None
        gold_failures = skipped.count
        predicted = read_predictions(predictions, skipped)
        if not predicted and not skipped.count > gold_failures:
            raise EvaluationError(f"{predictions}: no prediction in this file")
        # A stay whose prediction line is bad cannot be scored fairly (it would count as predicting nothing);
        # a prediction whose gold line is bad has nothing to be scored against.
        gold = [stay for stay in gold if stay.stay_id not in skipped.stay_ids]
        if gold_failures:
            known = {stay.stay_id for stay in gold}
            predicted = [p for p in predicted if p.stay_id in known]
        try:
            result = evaluate(gold, predicted)
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
    if skipped.count:
        typer.echo(f"{skipped.count} unreadable lines left out (named above); the others are scored", err=True)
        raise typer.Exit(code=1)


def _predict_fn(model: Path, classifier_only: bool) -> PredictFn:
    """The whole proposal pipeline of the model folder, or its classifier alone."""
    if classifier_only:
        from coding_assistant.classifier.proposals import model_only_predict_fn

        return model_only_predict_fn(model)
    from coding_assistant.pipeline import CodingPipeline

    return CodingPipeline.load(model).propose_many


class _Skipped:
    """Names each unreadable line on stderr (place and reason only) and remembers the stays it named."""

    def __init__(self) -> None:
        self.count = 0
        self.stay_ids: set[str] = set()

    def __call__(self, error: CodingAssistantError) -> None:
        self.count += 1
        if isinstance(error, InputFileError) and error.stay_id:
            self.stay_ids.add(error.stay_id)
        typer.echo(f"error: {error}", err=True)
