"""`coding-assistant export`: validated stays to an RSS non groupé file (and a CSV of codes)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from coding_assistant.cli.store_option import DbOption, cli_actor, open_store
from coding_assistant.config import FINESS_ENV
from coding_assistant.formats import LATEST_VERSION


def export_command(
    rss: Annotated[Path, typer.Option("--rss", help="RSS non groupé file to write", dir_okay=False)],
    csv: Annotated[Path | None, typer.Option("--csv", help="CSV of the codes to write too", dir_okay=False)] = None,
    db: DbOption = None,
    finess: Annotated[
        str | None,
        typer.Option("--finess", envvar=FINESS_ENV, help="FINESS written on every RUM (9 characters)"),
    ] = None,
    rss_format: Annotated[str, typer.Option("--format", help="023 (2026) or 022 (2024-2025)")] = LATEST_VERSION,
    include_exported: Annotated[
        bool, typer.Option("--include-exported", help="also write stays exported already (to resend them)")
    ] = False,
    unit: Annotated[str | None, typer.Option("--unit", help="only this medical unit")] = None,
    discharged_from: Annotated[
        datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="discharged on or after this day")
    ] = None,
    discharged_to: Annotated[
        datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="discharged on or before this day")
    ] = None,
) -> None:
    """Write validated stays (codes of their latest decision) as RSS and CSV, then mark them exported.

    All or nothing: the files appear together with the stays marked exported; an export killed midway is
    finished (or undone) by the next export to the same --rss, which then writes nothing else. Exit status 1
    when no stay was written (none validated, or none writable), 2 when the export could not be made.
    """
    from coding_assistant.export import ExportSelection, export_validated

    selection = ExportSelection(
        include_exported=include_exported,
        unit=unit,
        discharged_from=discharged_from.date() if discharged_from else None,
        discharged_to=discharged_to.date() if discharged_to else None,
    )
    with open_store(db) as store:
        result = export_validated(
            store, cli_actor(), rss, csv, finess=finess, rss_format=rss_format, selection=selection
        )
    if result.completed_interrupted:
        # The rerun after a kill: the files of the killed export are now in place, and nothing else is written.
        files = ", ".join(str(path) for path in (result.rss_path, result.csv_path) if path is not None)
        typer.echo(
            f"an interrupted export was completed: {len(result.written)} stays exported earlier are now in {files}; "
            "run the export again for the stays validated since"
        )
        return
    for skipped in result.skipped:
        typer.echo(f"skipped: {skipped.reason}", err=True)
    if not result.written:
        # Exit 1: a nightly export that wrote nothing must not look like one that did (cron, scripts).
        why = f"{len(result.skipped)} could not be written (above)" if result.skipped else "none is validated"
        typer.echo(f"error: no stay exported, {why}; {rss} not written", err=True)
        raise typer.Exit(code=1)
    files = f"{rss}" + (f" and {csv}" if csv else "")
    typer.echo(f"{len(result.written)} stays written to {files}; {result.marked} marked exported")
