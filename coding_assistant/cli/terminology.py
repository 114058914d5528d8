"""`coding-assistant terminology`: CIM-10 FR and CCAM look-ups (search, show one code)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coding_assistant.cli.errors import fail
from coding_assistant.errors import CodingAssistantError, unreadable

if TYPE_CHECKING:
    from coding_assistant.terminology.search import SearchIndex

terminology_app = typer.Typer(help="CIM-10 FR and CCAM look-ups.", no_args_is_help=True)


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
        fail(unreadable(path, exc))
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
