"""Clinicians' wordings of CIM-10 FR codes: wording → code CSV files, the shipped ones and a site's own.

File format (UTF-8 CSV, header `term,code` then optionally `second_code` and `source`, in any order):
- `term`: the wording; `code`: its CIM-10 FR code (dots, lower case and the index's "B65-" are accepted);
- `second_code`: a code that goes with it (the asterisk of a dagger code, an external cause), kept but not
  used for matching;
- `source`: where the wording comes from. `index` marks an entry of the CIM-10 alphabetical index (lead
  term, comma-separated sub-terms, parenthesised modifiers; see index_entries.py), which is rewritten the
  way letters write it; any other value (`thesam`, a service's name) is a wording taken as written. Without
  the column, the file's name is the source.

A malformed line is an error naming file:line. A well-formed line whose code the configured table does
not have, or has deleted, is skipped with a count in the log: a site's file may predate this year's table.
"""

from __future__ import annotations

import csv
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from coding_assistant.errors import CodeValidationError, TerminologyFileError, unreadable
from coding_assistant.terminology.codes import normalise_code
from coding_assistant.terminology.index_entries import index_entry_forms, plain_forms, sub_term_count
from coding_assistant.terminology.model import Terminology

logger = logging.getLogger(__name__)

REQUIRED = ("term", "code")
OPTIONAL = ("second_code", "source")
INDEX_SOURCE = "index"


@dataclass(frozen=True, slots=True)
class Wording:
    """One wording of a code, with where it comes from."""

    term: str  # as written in the file
    code: str  # ATIH form
    second_code: str | None
    source: str  # "index", "thesam", a site's label
    origin: str  # file:line

    @property
    def is_index_entry(self) -> bool:
        return self.source == INDEX_SOURCE

    @property
    def is_lead_term_only(self) -> bool:
        """An index entry without sub-terms: the index's default code for an unspecified case."""
        return self.is_index_entry and sub_term_count(self.term) == 0

    def forms(self) -> list[str]:
        """How letters write it: the bare form first (index entries also give their full form)."""
        return index_entry_forms(self.term) if self.is_index_entry else plain_forms(self.term)


def _code(raw: str, where: str) -> str:
    try:
        # The index writes "B65-" for a category that needs its fourth character.
        return normalise_code(raw.strip().rstrip("-"))
    except CodeValidationError as exc:
        raise TerminologyFileError(f"{where}: {exc}") from exc


def read_wordings(path: Path) -> list[Wording]:
    """Read one wordings file; any malformed line is an error naming it."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")  # opened apart from `with` to name open errors
    except OSError as exc:
        raise TerminologyFileError(unreadable(path, exc)) from exc
    wordings: list[Wording] = []
    with handle:
        reader = csv.reader(handle)
        try:
            header = [cell.strip() for cell in next(reader, [])]
            unknown = [name for name in header if name not in REQUIRED + OPTIONAL]
            if not set(REQUIRED) <= set(header) or unknown or len(set(header)) != len(header):
                raise TerminologyFileError(
                    f"{path}:1: header must be term,code[,second_code][,source], got {','.join(header) or 'nothing'}"
                )
            column = {name: i for i, name in enumerate(header)}
            for row in reader:
                where = f"{path}:{reader.line_num}"
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    raise TerminologyFileError(f"{where}: expected {len(header)} fields, got {len(row)}")
                term = row[column["term"]].strip()
                if not term:
                    raise TerminologyFileError(f"{where}: empty term")
                second = row[column["second_code"]].strip() if "second_code" in column else ""
                source = row[column["source"]].strip() if "source" in column else ""
                wordings.append(
                    Wording(
                        term=term,
                        code=_code(row[column["code"]], where),
                        second_code=_code(second, where) if second else None,
                        source=source or path.stem,
                        origin=where,
                    )
                )
        except UnicodeDecodeError as exc:
            raise TerminologyFileError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
        except csv.Error as exc:
            raise TerminologyFileError(f"{path}:{reader.line_num}: malformed CSV ({exc})") from exc
    return wordings


def usable_wordings(wordings: Iterable[Wording], terminology: Terminology) -> list[Wording]:
    """The wordings whose code the table has and has not deleted; the others are counted in the log."""
    kept: list[Wording] = []
    skipped: Counter[str] = Counter()
    for wording in wordings:
        entry = terminology.get(wording.code)
        if entry is None or entry.deleted:
            skipped[wording.origin.rsplit(":", 1)[0]] += 1
        else:
            kept.append(wording)
    for file, count in skipped.items():
        logger.info("%s: %d wordings skipped (code absent from or deleted in %s)", file, count, terminology.version)
    return kept


def read_all(paths: Iterable[Path], terminology: Terminology) -> list[Wording]:
    """Every usable wording of these files, in file order."""
    return usable_wordings((w for path in paths for w in read_wordings(path)), terminology)
