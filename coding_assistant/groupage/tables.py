"""Where the grouping tables are and how they are read: the shipped ones, or a site's own copies.

Each table is found by its name pattern (the year is part of the name); a file in the site folder
(`CODING_ASSISTANT_GROUPAGE_DIR`, or the `directory` given) replaces the shipped one, the latest year first.
Reading is plain: JSON or CSV rows as dictionaries. The indexes built on them live in their own modules.
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coding_assistant.errors import CodingAssistantError, unreadable

SHIPPED_DIR = Path(__file__).resolve().parent / "data"
SITE_DIR_ENV = "CODING_ASSISTANT_GROUPAGE_DIR"

# table key -> file name pattern; "{year}" is four digits.
PATTERNS: dict[str, str] = {
    "cma": "cma_exclusions_{year}.json",
    "tree": "ghm_arbre_{year}.json",
    "roots": "ghm_racines_{year}.json",
    "diagnosis_lists": "listes_diagnostics_mco_{year}.csv",
    "act_lists": "listes_actes_mco_{year}.csv",
    "ghs": "ghs_public_{year}.csv",
    "ghm_labels": "ghm_regroupement_{year}.csv",
    "cmd_labels": "cmd.csv",
}


class GroupingTableError(CodingAssistantError):
    """A grouping table that is missing or cannot be read; the message names the file."""


@dataclass(frozen=True, slots=True)
class TableFile:
    key: str
    path: Path
    year: str  # "" for tables without a year (cmd.csv)


def _candidates(directory: Path, pattern: str) -> list[tuple[str, Path]]:
    if not directory.is_dir():
        return []
    regex = re.compile("^" + re.escape(pattern).replace(re.escape("{year}"), r"(\d{4})") + "$")
    found = []
    for path in directory.iterdir():
        match = regex.match(path.name)
        if match and path.is_file():
            found.append((match.group(1) if match.groups() else "", path))
    return sorted(found, reverse=True)  # latest year first


def locate(directory: Path | None = None) -> dict[str, TableFile]:
    """The file of each table: the site folder's when it has one, else the shipped one."""
    site = directory if directory is not None else os.environ.get(SITE_DIR_ENV)
    folders = [Path(site)] if site else []
    if site and not Path(site).is_dir():
        raise GroupingTableError(f"{site}: the grouping tables folder does not exist")
    folders.append(SHIPPED_DIR)
    located: dict[str, TableFile] = {}
    for key, pattern in PATTERNS.items():
        for folder in folders:
            found = _candidates(folder, pattern)
            if found:
                year, path = found[0]
                located[key] = TableFile(key, path, year)
                break
        else:
            raise GroupingTableError(f"no {pattern.format(year='<year>')} in {', '.join(map(str, folders))}")
    return located


def read_json(table: TableFile) -> Any:
    try:
        with table.path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as exc:
        raise GroupingTableError(unreadable(table.path, exc)) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GroupingTableError(f"{table.path}: not a UTF-8 JSON file ({exc})") from exc


def read_csv(table: TableFile, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV file that has at least the `required` columns."""
    try:
        with table.path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise GroupingTableError(f"{table.path}: missing column(s) {', '.join(missing)}")
            return list(reader)
    except OSError as exc:
        raise GroupingTableError(unreadable(table.path, exc)) from exc
    except UnicodeDecodeError as exc:
        raise GroupingTableError(f"{table.path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc


def preview_label(files: dict[str, TableFile]) -> str:
    """The label every result carries: a preview, with the years of the tables it used."""
    return (
        f"aperçu de groupage — arbres {files['tree'].year}, listes {files['diagnosis_lists'].year}"
        f"/{files['act_lists'].year}, CMA {files['cma'].year}, tarifs publics {files['ghs'].year} ; "
        "ce n'est pas la fonction groupage de l'ATIH"
    )
