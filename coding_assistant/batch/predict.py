"""Code a stays JSONL file into a proposals JSONL file with the batch's local engine (`coding-assistant predict`).

A line that cannot be read or coded goes to `on_error` (file, line, stay, reason) and the others are still
written, in input order. The output appears whole once every stay is written, or not at all (formats/atomic.py).
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from coding_assistant.batch.engines import LocalEngine, check_model
from coding_assistant.errors import CodingAssistantError, unexpected_error
from coding_assistant.schema import InputFileError, Stay, jsonl_lines, parse_jsonl_line

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PredictOutcome:
    written: int  # stays coded and written
    failed: int  # lines that could not be read or coded (each given to `on_error`)
    repeated: list[str]  # stay ids written more than once, sorted: a consumer keyed on stay_id keeps only one


def predict_file(
    input: Path, output: Path, model: Path | None, jobs: int, on_error: Callable[[str], None]
) -> PredictOutcome:
    """Propose codes for each stay of `input` (gold `codes` are ignored) with the model folder `model`
    (None: the data directory's default model) on `jobs` worker processes."""
    from coding_assistant.formats.atomic import atomic_text_file
    from coding_assistant.pipeline import default_model_dir

    lines = jsonl_lines(input)  # read as the engine asks for stays
    check_model(model or default_model_dir())  # a bad model folder is one clear error, before any worker starts
    # One entry per line, in input order: the line's error, or None for a stay handed to the engine (whose
    # place and result come back in the same order).
    reading: deque[str | None] = deque()
    places: deque[str] = deque()
    failed = written = 0
    seen: Counter[str] = Counter()

    def report(message: str) -> None:
        nonlocal failed
        failed += 1
        on_error(message)

    engine = LocalEngine(model, jobs=jobs)
    try:
        with atomic_text_file(output) as out:
            for result in engine.code(_stays(lines, reading, places)):
                while (error := reading.popleft()) is not None:
                    report(error)
                where = places.popleft()
                if result.proposals is None:
                    report(f"{where}: {result.error}")
                    continue
                out.write(f"{result.proposals.model_dump_json()}\n")
                written += 1
                seen[result.proposals.stay_id] += 1
            for error in reading:  # the lines after the last stay
                if error is not None:
                    report(error)
    finally:
        engine.close()
    return PredictOutcome(written, failed, sorted(stay_id for stay_id, n in seen.items() if n > 1))


def _stays(
    lines: Iterable[tuple[str, str | InputFileError]], reading: deque[str | None], places: deque[str]
) -> Iterator[Stay]:
    """The stays of the lines read one by one in binary (schema.jsonl_lines); a line that is not UTF-8 or not
    a stay leaves its error in `reading`, in its place."""
    for where, line in lines:
        if isinstance(line, InputFileError):
            reading.append(str(line))
            continue
        try:
            stay = parse_jsonl_line(line, Stay, where)
        except CodingAssistantError as exc:
            reading.append(str(exc))
            continue
        except Exception as exc:  # one line's unexpected failure must not lose the others
            # Type and code location only: an exception's message may quote the letter it choked on.
            logger.error("stay at %s failed: %s", where, unexpected_error(exc))
            reading.append(f"{where}: {type(exc).__name__} while coding this stay")
            continue
        reading.append(None)
        places.append(where)
        yield stay
