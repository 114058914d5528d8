"""`coding-assistant predict`: proposals for every stay of a JSONL file; one bad stay never stops the others."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Annotated

import typer

from coding_assistant.errors import CodingAssistantError, unexpected_error
from coding_assistant.schema import InputFileError, Stay, jsonl_lines, parse_jsonl_line
from coding_assistant.stay_limits import StayLimits, check_stay_size, time_budget

logger = logging.getLogger(__name__)
CHUNK = 16  # lines per task sent to a worker process

_worker_pipeline = None


def _init_worker(model: Path | None) -> None:
    global _worker_pipeline
    from coding_assistant.pipeline import CodingPipeline

    _worker_pipeline = CodingPipeline.load(model)


def code_lines(pipeline: object, lines: Sequence[tuple[str, str]]) -> list[tuple[str | None, str | None]]:
    """(where, JSON line) → (proposals JSON, None) or (None, error message), in order. A stay over the size
    limits or the time budget (stay_limits.py) fails alone."""
    limits = StayLimits.from_settings()
    out: list[tuple[str | None, str | None]] = []
    for where, line in lines:
        try:
            stay = parse_jsonl_line(line, Stay, where).model_copy(update={"codes": None})
            try:
                check_stay_size(stay, limits)
                with time_budget(stay.stay_id, limits.time_budget_s):
                    proposals = pipeline.propose(stay)  # type: ignore[attr-defined]
            except CodingAssistantError as exc:
                raise CodingAssistantError(f"{where}: {exc}") from None
            out.append((proposals.model_dump_json(), None))
        except CodingAssistantError as exc:
            out.append((None, str(exc)))
        except Exception as exc:  # one stay's unexpected failure must not lose the others
            # Type and code location only: an exception's message may quote the letter it choked on.
            logger.error("stay at %s failed: %s", where, unexpected_error(exc))
            out.append((None, f"{where}: {type(exc).__name__} while coding this stay"))
    return out


def _code_chunk(lines: Sequence[tuple[str, str]]) -> list[tuple[str | None, str | None]]:
    return code_lines(_worker_pipeline, lines)


def _chunks(
    lines: Iterable[tuple[str, str | InputFileError]], unreadable: list[str]
) -> Iterator[list[tuple[str, str]]]:
    """Lines read one by one in binary (schema.jsonl_lines): one that is not UTF-8 goes to `unreadable`."""
    chunk: list[tuple[str, str]] = []
    for where, line in lines:
        if isinstance(line, InputFileError):
            unreadable.append(str(line))
            continue
        chunk.append((where, line))
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def predict_command(
    input: Annotated[Path, typer.Argument(help="stays JSONL (gold `codes`, if any, are ignored)")],
    output: Annotated[Path, typer.Option("--output", help="proposals JSONL, one line per stay")],
    model: Annotated[
        Path | None, typer.Option("--model", help="model folder (default: the data directory's default model)")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="worker processes (one pipeline each)")] = 1,
) -> None:
    """Propose codes for each stay: ranked, rule-checked, with evidence offsets into the documents.

    A stay that cannot be read or coded gets an error line on stderr (file, line, stay, reason) and the
    others are still written, in input order; the exit status is 1 when any stay failed.
    """
    lines = jsonl_lines(input)  # a file that cannot be opened raises here
    unreadable: list[str] = []
    from coding_assistant.classifier import read_bundle
    from coding_assistant.formats.atomic import atomic_text_file
    from coding_assistant.pipeline import CodingPipeline, default_model_dir
    from coding_assistant.pipeline.fusion import Fusion

    read_bundle(model or default_model_dir())  # a bad model folder is one clear error, before any worker starts
    Fusion.load(model or default_model_dir())  # so is a fusion.json that does not fit this version
    if jobs == 1:
        pipeline = CodingPipeline.load(model)
        results: Iterator[list[tuple[str | None, str | None]]] = (
            code_lines(pipeline, chunk) for chunk in _chunks(lines, unreadable)
        )
        executor = None
    else:
        executor = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(model,))
        results = executor.map(_code_chunk, _chunks(lines, unreadable))
    failed = written = 0
    seen: Counter[str] = Counter()
    try:
        # Atomic: the output appears whole once every stay is written; on any failure (a full disk, a
        # read-only folder, an interrupt) the temporary file is removed and a previous output stays as it was.
        with atomic_text_file(output) as out:
            for chunk in results:
                for not_utf8 in unreadable:  # lines of this chunk's stretch that were not UTF-8
                    failed += 1
                    typer.echo(f"error: {not_utf8}", err=True)
                unreadable.clear()
                for proposals, error in chunk:
                    if error is not None or proposals is None:
                        failed += 1
                        typer.echo(f"error: {error}", err=True)
                    else:
                        out.write(f"{proposals}\n")
                        written += 1
                        seen[str(json.loads(proposals)["stay_id"])] += 1
            for error in unreadable:
                failed += 1
                typer.echo(f"error: {error}", err=True)
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    repeated = sorted(stay_id for stay_id, n in seen.items() if n > 1)
    if repeated:
        typer.echo(
            f"warning: {len(repeated)} stay id(s) written more than once (first: {repeated[0]}); "
            "a consumer keyed on stay_id keeps only one",
            err=True,
        )
    typer.echo(f"{written} stays coded, {failed} failed → {output}", err=True)
    if failed:
        raise typer.Exit(code=1)
