"""`coding-assistant predict`: proposals for every stay of a JSONL file; one bad stay never stops the others."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coding_assistant.cli.errors import report_error


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
    from coding_assistant.batch.predict import predict_file

    outcome = predict_file(input, output, model, jobs, on_error=report_error)
    if outcome.repeated:
        typer.echo(
            f"warning: {len(outcome.repeated)} stay id(s) written more than once (first: {outcome.repeated[0]}); "
            "a consumer keyed on stay_id keeps only one",
            err=True,
        )
    typer.echo(f"{outcome.written} stays coded, {outcome.failed} failed → {output}", err=True)
    if outcome.failed:
        raise typer.Exit(code=1)
