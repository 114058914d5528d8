"""Evaluation of code proposals against validated codes: metrics, prediction files and the HTML report.

Usage::

    from coding_assistant.evaluation import evaluate, read_predictions, write_report
    from coding_assistant.schema import read_stays

    result = evaluate(read_stays(Path("stays.jsonl")), read_predictions(Path("proposals.jsonl")))
    print(result.dp_accuracy["exact"], result.selected["exact"].micro.f1)
    write_report(result, Path("report.html"))

The `coding-assistant evaluate` command lives in `coding_assistant.cli.evaluate`: typer stays out of
library use.
"""

from coding_assistant.evaluation.metrics import EvaluationError, PredictFn, evaluate, evaluate_model
from coding_assistant.evaluation.reading import read_predictions
from coding_assistant.evaluation.report import render_report, write_report
from coding_assistant.evaluation.result import EvaluationResult
from coding_assistant.evaluation.summary import summary_table

__all__ = [
    "EvaluationError",
    "EvaluationResult",
    "PredictFn",
    "evaluate",
    "evaluate_model",
    "read_predictions",
    "render_report",
    "summary_table",
    "write_report",
]
