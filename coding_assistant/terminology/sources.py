"""Readers for the CIM-10 FR sources: the shipped ATIH CSV (default), the ATIH table inside edsnlp,
LIBCIM10MULTI.TXT and ClaML XML."""

from __future__ import annotations

import csv
import gzip
import html
import importlib.util
import io
import re
from pathlib import Path

from coding_assistant.errors import TerminologyFileError, unreadable
from coding_assistant.terminology.codes import normalise_code
from coding_assistant.terminology.model import CodeEntry, parse_deleted

EDSNLP_TABLE = ("edsnlp", "resources/cim10.csv.gz")
# The edsnlp copy is the ATIH LIBCIM10MULTI of about the 2022 kit (the ATIH file's code, type and label columns).
EDSNLP_TABLE_VERSION = "ATIH LIBCIM10MULTI (edsnlp copy, ~2022)"


def edsnlp_table_path() -> Path:
    """Where the edsnlp package keeps the ATIH table; found without importing edsnlp (which loads spaCy)."""
    package, resource = EDSNLP_TABLE
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise TerminologyFileError(f"{package}/{resource}: the edsnlp package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / resource


def edsnlp_table_bytes() -> bytes:
    path = edsnlp_table_path()
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TerminologyFileError(unreadable(path, exc)) from exc


def _entry(code: str, mco_type: str, short: str, long: str, where: str) -> CodeEntry:
    try:
        normalised = normalise_code(code)
    except ValueError as exc:
        raise TerminologyFileError(f"{where}: {exc}") from exc
    try:
        type_value = int(mco_type.strip())
    except ValueError as exc:
        raise TerminologyFileError(f"{where}: type MCO {mco_type!r} is not a number") from exc
    if type_value not in (0, 1, 2, 3, 4):
        raise TerminologyFileError(f"{where}: type MCO {type_value} is not one of 0-4")
    deleted, year, label = parse_deleted(long.strip() or short.strip())
    _, _, short_label = parse_deleted(short.strip())
    return CodeEntry(
        code=normalised,
        label=label,
        short_label=short_label,
        mco_type=type_value,
        deleted=deleted,
        deleted_year=year,
    )


def read_edsnlp_table() -> list[CodeEntry]:
    """The ATIH table as shipped in edsnlp (columns code,type,ssr,psy,short,long); read in place, never copied."""
    name = "/".join(EDSNLP_TABLE)
    try:
        text = gzip.decompress(edsnlp_table_bytes()).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TerminologyFileError(f"{name}: cannot be decompressed or decoded ({exc})") from exc
    reader = csv.DictReader(io.StringIO(text))
    expected = {"code", "type", "short", "long"}
    if not reader.fieldnames or not expected <= set(reader.fieldnames):
        raise TerminologyFileError(f"{name}: header {reader.fieldnames} lacks {sorted(expected)}")
    return [
        _entry(row["code"], row["type"], row["short"], row["long"], f"{name}:{line}")
        for line, row in enumerate(reader, start=2)
    ]


ATIH_CSV_COLUMNS = ("code", "type_mco", "active", "label")
_YEAR_RE = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def atih_csv_version(path: Path, year: str | None = None) -> str:
    """'CIM-10 FR 2025 (ATIH)': the year given in the settings, else the one in the file name."""
    found = year or next(iter(_YEAR_RE.findall(Path(path).name)), None)
    return f"CIM-10 FR {found} (ATIH)" if found else f"CIM-10 FR (ATIH, {Path(path).name})"


def read_atih_csv(path: Path) -> list[CodeEntry]:
    """The ATIH CIM-10 FR table as a UTF-8 CSV (refpmsi layout): code, type_mco, type_psy, ssr, active, label,
    category, chapter, group; only code, type_mco, active and label are read.

    The type MCO is the ATIH's own, as in LIBCIM10MULTI; a code is deleted when `active` is 0 or its label
    carries the "*** SUyy ***" mark (both agree in the 2025 table; either is enough).
    """
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise TerminologyFileError(unreadable(path, exc)) from exc
    except UnicodeDecodeError as exc:
        raise TerminologyFileError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or not set(ATIH_CSV_COLUMNS) <= set(reader.fieldnames):
        raise TerminologyFileError(f"{path}:1: header {reader.fieldnames} lacks {list(ATIH_CSV_COLUMNS)}")
    entries: list[CodeEntry] = []
    try:
        for row in reader:
            where = f"{path}:{reader.line_num}"
            if None in row or any(row[column] is None for column in ATIH_CSV_COLUMNS):
                raise TerminologyFileError(f"{where}: expected {len(reader.fieldnames)} fields")
            entry = _entry(row["code"], row["type_mco"], "", row["label"], where)
            active = row["active"].strip()
            if active not in ("0", "1"):
                raise TerminologyFileError(f"{where}: active {active!r} is not 0 or 1")
            if active == "0" and not entry.deleted:
                entry.deleted = True
            entries.append(entry)
    except csv.Error as exc:
        raise TerminologyFileError(f"{path}:{reader.line_num}: malformed CSV ({exc})") from exc
    if not entries:
        raise TerminologyFileError(f"{path}: no code found")
    return entries


def _decode_atih(raw: bytes, path: Path) -> str:
    if b"\x00" in raw[:4096]:
        raise TerminologyFileError(f"{path}: contains NUL bytes (UTF-16 or binary?); expected ISO-8859-1 text")
    # The ATIH ships ISO-8859-1; a DIM may have re-saved it as UTF-8: accept both, refuse neither.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("iso-8859-1")


def read_atih_txt(path: Path) -> list[CodeEntry]:
    """Official LIBCIM10MULTI.TXT: code | type MCO | SMR profile | type PSY | short label | long label."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise TerminologyFileError(unreadable(path, exc)) from exc
    text = _decode_atih(raw, path)
    entries: list[CodeEntry] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split("|")
        if len(fields) != 6:
            raise TerminologyFileError(
                f"{path}:{number}: expected 6 '|'-separated fields (code|type|SMR|PSY|short|long), got {len(fields)}"
            )
        code, mco_type, _smr, _psy, short, long = fields
        entries.append(_entry(code, mco_type, short, long, f"{path}:{number}"))
    if not entries:
        raise TerminologyFileError(f"{path}: no code found")
    return entries


_TAG_RE = re.compile(r"<[^>]+>")
_EXTERNAL_CAUSES = ("V01", "Y98")


def _plain(html_text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(_TAG_RE.sub(" ", html_text))).strip()


def read_claml(path: Path) -> list[CodeEntry]:
    """An ATIH ClaML XML through cim10-claml; inclusion terms become extra search wordings.

    ClaML carries no ATIH type MCO, so it is derived: a class with subdivisions is type 3 (never codable),
    an external cause (V01-Y98) type 2, anything else type 0. Pair it with LIBCIM10MULTI where exact
    types matter.
    """
    from xml.etree.ElementTree import ParseError

    from cim10_claml import parse_cim10

    try:
        parsed = parse_cim10(str(path))
    except FileNotFoundError as exc:
        raise TerminologyFileError(f"{path}: cannot be read (no such file)") from exc
    except ParseError as exc:
        raise TerminologyFileError(f"{path}: not valid ClaML XML ({exc})") from exc
    classes = [c for c in parsed.classes if c.kind in ("category", "modified")]
    parents = {c.parent_code for c in classes if c.parent_code}
    entries: list[CodeEntry] = []
    for cls in classes:
        try:
            code = normalise_code(cls.code)
        except ValueError as exc:
            raise TerminologyFileError(f"{path}: class {cls.code!r}: {exc}") from exc
        if cls.code in parents:
            mco_type = 3
        elif _EXTERNAL_CAUSES[0] <= code[:3] <= _EXTERNAL_CAUSES[1]:
            mco_type = 2
        else:
            mco_type = 0
        deleted, year, label = parse_deleted(cls.label)
        inclusions = [_plain(rubric.get("html", "")) for rubric in cls.rubrics if rubric.get("kind") == "inclusion"]
        entries.append(
            CodeEntry(
                code=code,
                label=label,
                mco_type=3 if deleted else mco_type,
                deleted=deleted,
                deleted_year=year,
                synonyms=[text for text in inclusions if text],
            )
        )
    if not entries:
        raise TerminologyFileError(f"{path}: no CIM-10 class found")
    return entries
