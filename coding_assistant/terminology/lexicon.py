"""The French clinical lexicon: abbreviations, synonyms, lay words and misspellings of discharge letters.

File format (UTF-8 CSV, header `term,expansion,codes,kind`): `codes` is a space-separated list of
CIM-10 FR codes (may be empty for abbreviations that are not diagnoses, such as FEVG or ATCD). Kind
`not_a_condition` marks a phrase, without codes, whose words would read as a condition but that names a test,
a sample or a device (« goutte épaisse », the thick blood smear, is not gout): the matcher reads it and codes
nothing there.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from coding_assistant.errors import TerminologyFileError, unreadable
from coding_assistant.terminology.codes import normalise_code

NOT_A_CONDITION = "not_a_condition"
KINDS = frozenset({"abbreviation", "acronym", "synonym", "lay", "misspelling", NOT_A_CONDITION})
HEADER = ("term", "expansion", "codes", "kind")


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    term: str
    expansion: str
    codes: tuple[str, ...]
    kind: str


def read_lexicon(path: Path, known_codes: set[str] | None = None) -> list[LexiconEntry]:
    """Read and check the lexicon; any bad row is an error naming its line."""
    try:
        handle = Path(path).open(encoding="utf-8", newline="")  # noqa: SIM115 - opened apart to name open errors
    except OSError as exc:
        raise TerminologyFileError(unreadable(path, exc)) from exc
    entries: list[LexiconEntry] = []
    with handle:
        try:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None or tuple(h.strip() for h in header) != HEADER:
                raise TerminologyFileError(f"{path}:1: header must be {','.join(HEADER)}, got {header}")
            for row in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(HEADER):
                    raise TerminologyFileError(f"{path}:{line}: expected {len(HEADER)} fields, got {len(row)}")
                term, expansion, codes_field, kind = (cell.strip() for cell in row)
                if not term or not expansion:
                    raise TerminologyFileError(f"{path}:{line}: term and expansion must not be empty")
                if kind not in KINDS:
                    raise TerminologyFileError(f"{path}:{line}: kind {kind!r} is not one of {sorted(KINDS)}")
                if kind == NOT_A_CONDITION and codes_field:
                    raise TerminologyFileError(f"{path}:{line}: a {NOT_A_CONDITION} phrase has no codes")
                codes: list[str] = []
                for raw in codes_field.split():
                    try:
                        code = normalise_code(raw)
                    except ValueError as exc:
                        raise TerminologyFileError(f"{path}:{line}: {exc}") from exc
                    if known_codes is not None and code not in known_codes:
                        raise TerminologyFileError(f"{path}:{line}: code {code} is not in the CIM-10 FR table")
                    codes.append(code)
                entries.append(LexiconEntry(term, expansion, tuple(codes), kind))
        except UnicodeDecodeError as exc:
            raise TerminologyFileError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
        except csv.Error as exc:
            raise TerminologyFileError(f"{path}:{reader.line_num}: malformed CSV ({exc})") from exc
    return entries
