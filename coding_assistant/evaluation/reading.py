"""Reading prediction files (the proposals JSONL contract) for evaluation."""

from __future__ import annotations

from pathlib import Path

from coding_assistant.schema import InputFileError, StayProposals, iter_jsonl


def read_predictions(path: Path) -> list[StayProposals]:
    """The predictions of a proposals JSONL file, one StayProposals per stay.

    A malformed line raises InputFileError naming the file and line (from `schema.iter_jsonl`); so does a
    stay_id met a second time, since two answers for one stay cannot both be scored.
    """
    path = Path(path)
    records: list[StayProposals] = []
    first_index: dict[str, int] = {}
    for index, record in enumerate(iter_jsonl(path, StayProposals)):
        if record.stay_id in first_index:
            first_line = _line_of_record(path, first_index[record.stay_id])
            line = _line_of_record(path, index)
            raise InputFileError(
                f"{path}:{line}: stay {record.stay_id} already has a prediction (line {first_line})"
            )
        first_index[record.stay_id] = index
        records.append(record)
    return records


def _line_of_record(path: Path, index: int) -> int:
    """Line number of the index-th record (0-based), counting lines as iter_jsonl does: blank lines hold no
    record. Only called on the error path, so the file is read a second time only to name a line."""
    with path.open(encoding="utf-8") as handle:
        seen = -1
        for number, line in enumerate(handle, start=1):
            if line.strip():
                seen += 1
                if seen == index:
                    return number
    raise AssertionError("record index beyond the file")  # pragma: no cover - iter_jsonl read it
