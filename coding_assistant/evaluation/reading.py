"""Reading prediction files (the proposals JSONL contract) for evaluation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from coding_assistant.schema import InputFileError, StayProposals, iter_jsonl_records


def read_predictions(path: Path, on_error: Callable[[InputFileError], None] | None = None) -> list[StayProposals]:
    """The predictions of a proposals JSONL file, one StayProposals per stay.

    A malformed line, or a stay_id met a second time (two answers for one stay cannot both be scored), is an
    InputFileError naming the file and line: raised when `on_error` is None, else handed to it and skipped
    (the first prediction of a repeated stay is kept).
    """
    records: list[StayProposals] = []
    first_where: dict[str, str] = {}
    for where, record in iter_jsonl_records(Path(path), StayProposals):
        if not isinstance(record, InputFileError) and record.stay_id in first_where:
            line = first_where[record.stay_id].rpartition(":")[2]
            record = InputFileError(where, f"stay {record.stay_id} already has a prediction (line {line})")
        if isinstance(record, InputFileError):
            if on_error is None:
                raise record
            on_error(record)
            continue
        first_where[record.stay_id] = where
        records.append(record)
    return records
