"""`coding-assistant models …`: the site's model registry, from the command line."""

from __future__ import annotations

import getpass
import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from coding_assistant.errors import CodingAssistantError
from coding_assistant.store import Store

models_app = typer.Typer(help="The site's trained models: register, activate, roll back, recalibrate.")

DbOption = Annotated[str | None, typer.Option("--db", help="store URL (default: the data directory's SQLite)")]
LastN = Annotated[int, typer.Option("--last", min=1, help="site stays to measure on: the last N validated")]


def open_store_for(db: str | None) -> Store:
    from coding_assistant.config import get_settings

    return Store.open(db, get_settings().data_dir)


def parse_day(value: str, option: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise CodingAssistantError(f"{option} {value!r}: expected a date as YYYY-MM-DD") from None


def _actor(actor: str | None) -> str:
    # The OS account by default: who ran the command is what the audit log must say.
    return actor or getpass.getuser()


ActorOption = Annotated[str | None, typer.Option("--actor", help="name written to the audit log (default: you)")]


def list_command(db: DbOption = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List registered models, the active one marked with *."""
    from coding_assistant.learning.registry import list_models

    store = open_store_for(db)
    try:
        models = list_models(store)
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps([_as_dict(m) for m in models], default=str, indent=2))
        return
    if not models:
        typer.echo("no registered model (train one with `coding-assistant train --register`)")
    for m in models:
        site = m.site_figures or {}
        figures = f"site DP3 {site.get('dp_accuracy_3char', 0):.3f} F1-3 {site.get('micro_f1_3char', 0):.3f}"
        trained = m.trained_at.date().isoformat() if m.trained_at else "?"
        typer.echo(f"{'*' if m.active else ' '} {m.label:<48} {m.backend:<11} trained {trained}  {figures}")


def _as_dict(model: object) -> dict[str, object]:
    from dataclasses import asdict

    values: dict[str, object] = asdict(model)  # type: ignore[call-overload]
    return values


def register_command(
    folder: Annotated[Path, typer.Argument(help="a trained model folder")],
    db: DbOption = None,
    last: LastN = 200,
    actor: ActorOption = None,
) -> None:
    """Register a trained model folder (not active yet), with its figures on the site's last validated stays."""
    from coding_assistant.learning.registry import register_model

    store = open_store_for(db)
    try:
        model = register_model(store, folder, _actor(actor), last)
    finally:
        store.close()
    typer.echo(f"registered {model.label}; site figures: {json.dumps(model.site_figures)}")


def activate_command(
    name: Annotated[str, typer.Argument(help="NAME (newest version) or NAME@VERSION")],
    db: DbOption = None,
    force: Annotated[bool, typer.Option("--force", help="activate even when worse (audited)")] = False,
    last: LastN = 200,
    actor: ActorOption = None,
) -> None:
    """Make a model the one the batch uses; refused when worse than the active one unless --force."""
    from coding_assistant.learning.registry import activate

    store = open_store_for(db)
    try:
        model, comparison = activate(store, name, _actor(actor), force, last)
    finally:
        store.close()
    if comparison is not None:
        typer.echo(
            f"compared on {comparison.stays} stays: "
            f"{json.dumps({'new': comparison.candidate, 'previous': comparison.active})}"
        )
    typer.echo(f"active: {model.label}")


def rollback_command(db: DbOption = None, actor: ActorOption = None) -> None:
    """Go back to the model that was active before the current one."""
    from coding_assistant.learning.registry import rollback

    store = open_store_for(db)
    try:
        model = rollback(store, _actor(actor))
    finally:
        store.close()
    typer.echo(f"active: {model.label}")


def recalibrate_command(
    name: Annotated[str, typer.Argument(help="NAME or NAME@VERSION of a registered model")],
    db: DbOption = None,
    min_decisions: Annotated[
        int, typer.Option("--min-decisions", min=1, help="decisions a category needs for its own threshold")
    ] = 5,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="measure only; change no file")] = False,
) -> None:
    """Learn per-category selection thresholds from the coders' decisions on this model's proposals, and
    report their effect on held-out decisions (precision and recall, before and after)."""
    from coding_assistant.learning.recalibration import decisions_for, recalibrate, write_recalibration
    from coding_assistant.learning.registry import find_model, save_recalibration

    store = open_store_for(db)
    try:
        model = find_model(store, name)
        decided = decisions_for(store, model.version)
        if not decided:
            raise CodingAssistantError(f"no coder decision on proposals of {model.label} yet: nothing to learn from")
        record = recalibrate(decided, min_decisions)
        if not dry_run:
            write_recalibration(Path(model.path), record, apply_fusion=True)
            save_recalibration(store, model, record)
    finally:
        store.close()
    typer.echo(json.dumps({k: v for k, v in record.items() if k != "category_thresholds"}, indent=2))
    typer.echo(f"{len(record['category_thresholds'])} category thresholds" + (" (dry run)" if dry_run else ""))
