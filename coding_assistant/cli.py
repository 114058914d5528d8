"""The `coding-assistant` command: one entry point, one sub-command per job."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coding_assistant.batch.command import batch_command
from coding_assistant.classifier.command import train_command
from coding_assistant.errors import CodingAssistantError
from coding_assistant.evaluation.command import evaluate_command
from coding_assistant.export_command import export_command
from coding_assistant.groupage.command import group_command
from coding_assistant.learning.command import activate_command as models_activate_command
from coding_assistant.learning.command import list_command as models_list_command
from coding_assistant.learning.command import models_app
from coding_assistant.learning.command import recalibrate_command as models_recalibrate_command
from coding_assistant.learning.command import register_command as models_register_command
from coding_assistant.learning.command import rollback_command as models_rollback_command
from coding_assistant.pipeline.command import predict_command
from coding_assistant.synth.command import synth_command
from coding_assistant.ui_command import ui_command
from coding_assistant.users_command import (
    add_user_command,
    deactivate_command,
    list_users_command,
    set_password_command,
    users_app,
)

if TYPE_CHECKING:
    from coding_assistant.terminology.search import SearchIndex

app = typer.Typer(
    help="Proposes CIM-10 FR codes for PMSI hospital stays and helps DIM coders review them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
terminology_app = typer.Typer(help="CIM-10 FR and CCAM look-ups.", no_args_is_help=True)
app.add_typer(terminology_app, name="terminology")


def fail(message: str) -> None:
    """Print a one-line error and exit non-zero (no traceback for the user's mistakes)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def _reporting_errors(command: Callable[..., None]) -> Callable[..., None]:
    """Wrap a sub-command so that the user's mistakes print one line and exit 2 instead of a traceback."""

    @functools.wraps(command)
    def wrapper(*args: object, **kwargs: object) -> None:
        try:
            command(*args, **kwargs)
        except CodingAssistantError as exc:
            fail(str(exc))
        except OSError as exc:
            # A full disk, a read-only folder, a file gone: the file and the system's reason, not a traceback.
            where = f"{exc.filename}: " if exc.filename else ""
            fail(f"{where}{exc.strerror or type(exc).__name__}")
        except Exception as exc:
            if not type(exc).__module__.startswith("sqlalchemy."):
                raise
            # A database error the store did not word itself: class and names only, never the statement's values.
            from coding_assistant.store.db_errors import describe_database_error

            fail(f"the database refused the request ({describe_database_error(exc)[0]})")

    return wrapper


app.command("evaluate")(_reporting_errors(evaluate_command))
app.command("synth")(_reporting_errors(synth_command))
app.command("train")(_reporting_errors(train_command))
app.command("predict")(_reporting_errors(predict_command))
app.command("ui")(_reporting_errors(ui_command))
app.command("export")(_reporting_errors(export_command))
users_app.command("add")(_reporting_errors(add_user_command))
users_app.command("list")(_reporting_errors(list_users_command))
users_app.command("passwd")(_reporting_errors(set_password_command))
users_app.command("deactivate")(_reporting_errors(deactivate_command))
app.add_typer(users_app, name="users")
app.command("batch")(_reporting_errors(batch_command))
app.command("group")(_reporting_errors(group_command))
models_app.command("list")(_reporting_errors(models_list_command))
models_app.command("register")(_reporting_errors(models_register_command))
models_app.command("activate")(_reporting_errors(models_activate_command))
models_app.command("rollback")(_reporting_errors(models_rollback_command))
models_app.command("recalibrate")(_reporting_errors(models_recalibrate_command))
app.add_typer(models_app, name="models")


def _index(ccam: bool) -> SearchIndex:
    from coding_assistant.terminology.loader import default_terminology, load_ccam_index

    if ccam:
        return load_ccam_index()[1]
    return default_terminology().index


@terminology_app.command("search")
def terminology_search(
    query: Annotated[str | None, typer.Argument(help="what to look for: words, abbreviations or a code prefix")] = None,
    queries: Annotated[
        Path | None,
        typer.Option("--queries", help="file with one query per line; writes one JSON line per query"),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-k", min=1, max=200, help="results per query")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
    ccam: Annotated[bool, typer.Option("--ccam", help="search CCAM acts instead of CIM-10 FR diagnoses")] = False,
) -> None:
    """Search codes by label, synonym, abbreviation or code prefix (accent-, case- and typo-tolerant)."""
    if (query is None) == (queries is None):
        fail("give either a QUERY or --queries FILE")
    try:
        if queries is not None:
            lines = _read_query_lines(queries)
            index = _index(ccam)
            failed = 0
            for number, line in enumerate(lines, start=1):
                # One bad line gets its own error (stderr, and in its output line) and never stops the others.
                record: dict[str, object] = {"query": line, "results": []}
                try:
                    record["results"] = [r.as_dict() for r in index.search(line, limit)]
                except CodingAssistantError as exc:
                    failed += 1
                    record["error"] = str(exc)
                    typer.echo(f"error: {queries}:{number}: {exc}", err=True)
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            if failed:
                raise typer.Exit(code=2)
            return
        assert query is not None
        results = _index(ccam).search(query, limit)
    except CodingAssistantError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps({"query": query, "results": [r.as_dict() for r in results]}, ensure_ascii=False))
        return
    if not results:
        typer.echo("no match")
    for result in results:
        mark = " " if result.codable else "·"
        typer.echo(f"{result.code:<8}{mark} {result.score:5.2f}  {result.label}")
    if any(not r.codable for r in results):
        typer.echo("(· = category or code not codable as such)")


def _read_query_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"{path}: cannot be read ({exc.strerror or exc})")
    except UnicodeDecodeError as exc:
        fail(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})")
    return [line.strip() for line in text.splitlines()]


@terminology_app.command("show")
def terminology_show(
    code: Annotated[str, typer.Argument(help="a CIM-10 FR code, with or without dot (I21.1, i2110)")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show one code: label, ATIH type, allowed positions, parent, children, chapter."""
    from coding_assistant.terminology.loader import default_terminology
    from coding_assistant.terminology.model import Position

    try:
        loaded = default_terminology()
        entry = loaded.terminology.validate(code)
    except CodingAssistantError as exc:
        fail(str(exc))
    terminology = loaded.terminology
    info = {
        "code": entry.code,
        "label": entry.label,
        "type_mco": entry.mco_type,
        "deleted": entry.deleted,
        "codable": entry.codable,
        "allowed": {p.value: bool(terminology.allowed(entry.code, p)) for p in Position},
        "parent": entry.parent,
        "children": entry.children,
        "chapter": entry.chapter,
        "codable_descendants": terminology.codable_descendants(entry.code)[:50],
    }
    if as_json:
        typer.echo(json.dumps(info, ensure_ascii=False))
        return
    for key, value in info.items():
        typer.echo(f"{key:>20}: {value}")


def main() -> None:  # pragma: no cover - console entry point wrapper
    app()
