"""`coding-assistant group`: the grouping preview (aperçu de groupage) of coded stays, one JSON line each."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coding_assistant.errors import CodingAssistantError
from coding_assistant.groupage.model import StayFacts
from coding_assistant.groupage.reading import InputError, read_stays

if TYPE_CHECKING:
    from collections.abc import Iterable

    from coding_assistant.groupage.grouper import Grouper


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
    from coding_assistant.groupage.grouper import Grouper

    grouper = Grouper(tables)
    if mismatch_report:
        typer.echo(json.dumps(grouper.mismatch_report(), ensure_ascii=False, indent=2))
        return
    if input_path is None or output is None:
        raise CodingAssistantError("give INPUT and --output OUT (or --mismatch-report)")
    grouped, failed = _group_file(grouper, input_path, output, input_format)
    typer.echo(f"{grouped} stays grouped, {failed} errors: {output} ({grouper.preview})", err=True)
    if failed:
        raise typer.Exit(code=2)


def _group_file(grouper: Grouper, input_path: Path, output: Path, input_format: str) -> tuple[int, int]:
    stays = read_stays(input_path, input_format)
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(f".{output.name}.tmp")
    try:
        grouped, failed = _write(grouper, stays, temporary)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    temporary.replace(output)
    return grouped, failed


def _write(grouper: Grouper, stays: Iterable[StayFacts | InputError], temporary: Path) -> tuple[int, int]:
    grouped = failed = 0
    with temporary.open("w", encoding="utf-8") as handle:
        for item in stays:
            if isinstance(item, InputError):
                record: dict[str, object] = {"stay_id": item.stay_id, "error": f"{item.where}: {item.message}"}
                typer.echo(f"error: {item.where}: {item.message}", err=True)
                failed += 1
            else:
                try:
                    record = grouper.group(item).as_dict()
                    grouped += 1
                except CodingAssistantError as exc:
                    record = {"stay_id": item.stay_id, "error": str(exc)}
                    typer.echo(f"error: stay {item.stay_id}: {exc}", err=True)
                    failed += 1
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return grouped, failed
