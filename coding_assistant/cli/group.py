"""`coding-assistant group`: the grouping preview (aperçu de groupage) of coded stays, one JSON line each."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from coding_assistant.cli.errors import report_error
from coding_assistant.errors import CodingAssistantError


def group_command(
    input_path: Annotated[
        Path | None,
        typer.Argument(metavar="INPUT", help="stays with codes: JSONL (codes, acts…) or an RSS non groupé file"),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="JSONL file to write, one line per stay", dir_okay=False)
    ] = None,
    input_format: Annotated[str, typer.Option("--format", help="auto, jsonl or rss")] = "auto",
    tables: Annotated[
        Path | None,
        typer.Option("--tables", help="folder with a site's own copies of the grouping tables", file_okay=False),
    ] = None,
    mismatch_report: Annotated[
        bool,
        typer.Option("--mismatch-report", help="print the lists the 2026 trees name that the list files lack; stop"),
    ] = False,
) -> None:
    """Preview CMD, GHM, severity, GHS and tariff of each stay, and the CMA level of each DAS.

    An "aperçu de groupage" (trees 2026, lists 2024/2021, public tariffs 2025), not the ATIH grouping
    function. A stay that cannot be read or grouped gets an error line; the others go on.
    """
    from coding_assistant.groupage.group_file import group_file
    from coding_assistant.groupage.grouper import Grouper

    grouper = Grouper(tables)
    if mismatch_report:
        typer.echo(json.dumps(grouper.mismatch_report(), ensure_ascii=False, indent=2))
        return
    if input_path is None or output is None:
        raise CodingAssistantError("give INPUT and --output OUT (or --mismatch-report)")
    grouped, failed = group_file(grouper, input_path, output, input_format, on_error=report_error)
    typer.echo(f"{grouped} stays grouped, {failed} errors: {output} ({grouper.preview})", err=True)
    if failed:
        raise typer.Exit(code=2)
