"""`coding-assistant predict`: proposals for every stay of a JSONL file; one bad stay never stops the others."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from coding_assistant.errors import CodingAssistantError
from coding_assistant.schema import Stay, parse_jsonl_line

logger = logging.getLogger(__name__)


def predict_command(
    input: Annotated[Path, typer.Argument(help="stays JSONL (gold `codes`, if any, are ignored)")],
    output: Annotated[Path, typer.Option("--output", help="proposals JSONL, one line per stay")],
    model: Annotated[
        Path | None, typer.Option("--model", help="model folder (default: the data directory's default model)")
    ] = None,
) -> None:
    """Propose codes for each stay: ranked, rule-checked, with evidence offsets into the documents.

    A stay that cannot be read or coded gets an error line on stderr (file, line, stay, reason) and the
    others are still written; the exit status is 1 when any stay failed.
    """
    from coding_assistant.pipeline import CodingPipeline

    pipeline = CodingPipeline.load(model)
    try:
        lines = input.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CodingAssistantError(f"{input}: cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise CodingAssistantError(f"{input}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    failed = written = 0
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=output.parent, delete=False, suffix=".tmp") as out:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{input}:{number}"
            try:
                stay = parse_jsonl_line(line, Stay, where).model_copy(update={"codes": None})
                proposals = pipeline.propose(stay)
            except CodingAssistantError as exc:
                failed += 1
                typer.echo(f"error: {exc}", err=True)
                continue
            except Exception as exc:  # one stay's unexpected failure must not lose the others
                failed += 1
                logger.exception("stay at %s failed", where)
                typer.echo(f"error: {where}: {type(exc).__name__} while coding this stay", err=True)
                continue
            out.write(proposals.model_dump_json() + "\n")
            written += 1
    os.replace(out.name, output)
    typer.echo(f"{written} stays coded, {failed} failed → {output}", err=True)
    if failed:
        raise typer.Exit(code=1)
