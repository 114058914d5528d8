"""The `coding-assistant evaluate` sub-command (registered by the CLI module)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from coding_assistant.errors import CodingAssistantError
from coding_assistant.evaluation.metrics import EvaluationError, PredictFn, evaluate, evaluate_model
from coding_assistant.evaluation.reading import read_predictions
from coding_assistant.evaluation.report import write_report
from coding_assistant.evaluation.result import EvaluationResult
from coding_assistant.schema import InputFileError, Stay, StayProposals
from coding_assistant.stay_sources import read_coded_stays, read_jsonl_stays


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
        predict_fn = _model_only_predict_fn(model) if classifier_only else _pipeline_predict_fn(model)
        result = evaluate_model(gold, predict_fn)
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


def _pipeline_predict_fn(model: Path) -> PredictFn:
    from coding_assistant.pipeline import CodingPipeline

    pipeline = CodingPipeline.load(model)
    return pipeline.propose_many


def _model_only_predict_fn(model: Path) -> PredictFn:
    """The classifier alone: codes above their threshold, the DP by the DP-category head."""
    from coding_assistant.classifier import load_predictor
    from coding_assistant.classifier.proposals import model_only_proposals
    from coding_assistant.schema import ModelInfo

    predictor = load_predictor(model)
    bundle = predictor.bundle
    info = ModelInfo(name=bundle.name, version=bundle.version)

    def predict(stays: Sequence[Stay]) -> list[StayProposals]:
        scores = predictor.predict_scores([stay.text for stay in stays])
        return model_only_proposals(
            [s.stay_id for s in stays], scores, bundle.labels, bundle.levels, bundle.thresholds, info
        )

    return predict


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
            f"R@{k} {_f(ranking.recall_at[k])} P@{k} {_f(ranking.precision_at[k])}" for k in sorted(ranking.recall_at)
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
