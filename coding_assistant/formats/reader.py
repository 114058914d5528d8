"""Read RSS non groupé files (formats 022 and 023), one RUM per line, the format detected on each line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Literal, NamedTuple, overload

from coding_assistant.errors import CodeValidationError, unreadable_reason
from coding_assistant.formats.errors import RssFormatError
from coding_assistant.formats.layout import DIAGNOSIS_WIDTH, SUPPORTED_VERSIONS, Field, RumLayout, load_layout
from coding_assistant.formats.record import RumAct, RumRecord
from coding_assistant.rum_admin import ADMIN_CODE_FIELDS, admin_code_problem
from coding_assistant.terminology.ccam import normalise_ccam
from coding_assistant.terminology.codes import normalise_code

# The version field is at positions 10-12 in every format (ATIH tables 2024-2026).
VERSION_START, VERSION_END = 10, 12
# Sex (ATIH 2026): 1 male, 2 female, 3 undetermined.
SEX_CODES: dict[str, Literal["M", "F"] | None] = {"1": "M", "2": "F", "3": None}
MAX_AGE = 130  # the Stay contract's bound

# Fields that RumRecord holds as attributes; the counts are implied by its lists; the rest goes to `extra`.
_TYPED = frozenset(
    {
        "finess", "version", "rss_number", "admin_number", "rum_number", "birth_date", "sex", "unit",
        "entry_date", "entry_mode", "entry_origin", "exit_date", "exit_mode", "exit_destination", "postcode",
        "birth_weight", "gestational_age", "last_period_date", "sessions", "dp", "dr", "igs2",
    }
)  # fmt: skip
COUNT_FIELDS = ("das_count", "dad_count", "act_count")


class RssReadResult(NamedTuple):
    """What `read_rss(..., on_error="collect")` returns: the good records and one error per bad line."""

    records: list[RumRecord]
    errors: list[RssFormatError]


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def without_values(message: str) -> str:
    """A message with the values it quotes left out: an RSS line holds a patient's dates and codes, and
    errors name the place and the reason only."""
    return _QUOTED.sub("(value not shown)", message)


def _positions(field: Field, offset: int = 0) -> str:
    start = offset + field.start
    return f"position {start}" if field.length == 1 else f"positions {start}-{start + field.length - 1}"


class _Line:
    """One line being parsed: cuts fields and turns bad values into RssFormatError naming the positions."""

    def __init__(self, text: str, where: str) -> None:
        self.text = text
        self.where = where

    def fail(self, reason: str) -> RssFormatError:
        return RssFormatError(self.where, reason)

    def raw(self, field: Field, offset: int = 0) -> str:
        return field.cut(self.text, offset).strip()

    def number(self, field: Field, offset: int = 0) -> int | None:
        value = self.raw(field, offset)
        if not value:
            return None
        if not value.isdigit():
            raise self.fail(f"{field.name} ({_positions(field, offset)}) is not a number")
        return int(value)

    def required_date(self, field: Field) -> date:
        value = self.date(field)
        if value is None:
            raise self.fail(f"{field.name} ({_positions(field)}) is blank")
        return value

    def date(self, field: Field, offset: int = 0) -> date | None:
        value = self.raw(field, offset)
        if not value:
            return None
        # ATIH dates are JJMMAAAA.
        if len(value) != 8 or not value.isdigit():
            raise self.fail(f"{field.name} ({_positions(field, offset)}) is not a JJMMAAAA date")
        try:
            return date(int(value[4:]), int(value[2:4]), int(value[:2]))
        except ValueError:
            raise self.fail(f"{field.name} ({_positions(field, offset)}) is not a valid date") from None

    def code(self, raw: str, what: str) -> str:
        try:
            return normalise_code(raw)
        except CodeValidationError as exc:
            raise self.fail(f"{what}: {without_values(str(exc))}") from None


def _detect_layout(line: _Line) -> RumLayout:
    if len(line.text) < VERSION_END:
        raise line.fail(f"line too short ({len(line.text)} characters) to hold the format version (positions 10-12)")
    version = line.text[VERSION_START - 1 : VERSION_END]
    if version not in SUPPORTED_VERSIONS:
        hint = ""
        if version.startswith("1") and len(line.text) > 27 and line.text[24:27] in SUPPORTED_VERSIONS:
            hint = " (this looks like a grouped RSS; export the RSS non groupé)"
        raise line.fail(
            f"unknown RUM format {version!r} at positions 10-12; supported: {', '.join(SUPPORTED_VERSIONS)}{hint}"
        )
    return load_layout(version)


def _counts(line: _Line, layout: RumLayout) -> tuple[int, int, int]:
    values = []
    for name in COUNT_FIELDS:
        field = layout.field(name)
        value = line.raw(field)
        if not value.isdigit():
            raise line.fail(f"{name} ({_positions(field)}) is not a number")
        values.append(int(value))
    das, dad, acts = values
    expected = layout.line_length(das, dad, acts)
    size = len(line.text)
    announced = f"{das} DAS, {dad} DAD and {acts} acts in format {layout.version}"
    if size < expected:
        raise line.fail(f"line too short: {size} characters where {announced} need {expected}")
    if line.text[expected:].strip():
        raise line.fail(f"line too long: {size - expected} characters beyond the {expected} that {announced} need")
    return das, dad, acts


def _diagnoses(line: _Line, start: int, count: int, what: str) -> list[str]:
    codes = []
    for index in range(count):
        begin = start + index * DIAGNOSIS_WIDTH  # 0-based
        where = f"{what} {index + 1} of {count} (positions {begin + 1}-{begin + DIAGNOSIS_WIDTH})"
        raw = line.text[begin : begin + DIAGNOSIS_WIDTH]
        if not raw.strip():
            raise line.fail(f"{where} is blank")
        codes.append(line.code(raw, where))
    return codes


def _acts(line: _Line, layout: RumLayout, start: int, count: int) -> list[RumAct]:
    acts = []
    for index in range(count):
        offset = start + index * layout.act_width  # 0-based start of the zone
        values: dict[str, object] = {}
        for field in layout.act_fields:
            if field.name == "date":
                values["date"] = line.date(field, offset)
            elif field.name == "count":
                number = line.number(field, offset)
                if number is None:
                    raise line.fail(f"act {index + 1} of {count}: count ({_positions(field, offset)}) is blank")
                values["count"] = number
            elif field.name == "code":
                try:
                    values["code"] = normalise_ccam(line.raw(field, offset))
                except CodeValidationError as exc:
                    where = f"act {index + 1} of {count} ({_positions(field, offset)})"
                    raise line.fail(f"{where}: {without_values(str(exc))}") from None
            else:
                values[field.name] = line.raw(field, offset)
        acts.append(RumAct(**values))  # type: ignore[arg-type]
    return acts


def parse_rum_line(text: str, where: str = "") -> RumRecord:
    """One RUM from one line of an RSS non groupé; raises RssFormatError (prefixed by `where`) when malformed."""
    line = _Line(text.rstrip("\r\n"), where)
    layout = _detect_layout(line)
    if len(line.text) < layout.fixed_length:
        raise line.fail(
            f"line too short: {len(line.text)} characters, the fixed part of format {layout.version} "
            f"has {layout.fixed_length}"
        )
    das_count, dad_count, act_count = _counts(line, layout)
    f = layout.field

    sex_raw = line.raw(f("sex"))
    if sex_raw not in SEX_CODES:
        raise line.fail(f"sex ({_positions(f('sex'))}) must be 1 (male), 2 (female) or 3")
    # Modes and provenance / destination: the lists of the ATIH RUM format (positions 86, 87, 96, 97 in
    # 022 and 023); a blank one is left to the ATIH checks, as it is written back blank.
    for name in ADMIN_CODE_FIELDS:
        value = line.raw(f(name))
        problem = admin_code_problem(name, value) if value else None
        if problem:
            raise line.fail(f"{name} ({_positions(f(name))}) is {problem}")
    birth_date = line.required_date(f("birth_date"))
    entry_date = line.required_date(f("entry_date"))
    exit_date = line.required_date(f("exit_date"))
    if exit_date < entry_date:
        raise line.fail("exit date is before entry date")
    if birth_date > entry_date:
        raise line.fail("birth date is after entry date")

    dp_raw, dr_raw = line.raw(f("dp")), line.raw(f("dr"))
    start = layout.fixed_length  # 0-based start of the DA zones
    record = RumRecord(
        finess=line.raw(f("finess")),
        version=layout.version,
        rss_number=line.raw(f("rss_number")),
        admin_number=line.raw(f("admin_number")),
        rum_number=line.raw(f("rum_number")),
        birth_date=birth_date,
        sex=SEX_CODES[sex_raw],
        unit=line.raw(f("unit")),
        entry_date=entry_date,
        entry_mode=line.raw(f("entry_mode")),
        entry_origin=line.raw(f("entry_origin")),
        exit_date=exit_date,
        exit_mode=line.raw(f("exit_mode")),
        exit_destination=line.raw(f("exit_destination")),
        postcode=line.raw(f("postcode")),
        birth_weight=line.number(f("birth_weight")),
        gestational_age=line.number(f("gestational_age")),
        last_period_date=line.date(f("last_period_date")),
        sessions=line.number(f("sessions")),
        dp=line.code(dp_raw, f"dp ({_positions(f('dp'))})") if dp_raw else None,
        dr=line.code(dr_raw, f"dr ({_positions(f('dr'))})") if dr_raw else None,
        igs2=line.number(f("igs2")),
        das=_diagnoses(line, start, das_count, "DAS"),
        dad=_diagnoses(line, start + DIAGNOSIS_WIDTH * das_count, dad_count, "DAD"),
        acts=_acts(line, layout, start + DIAGNOSIS_WIDTH * (das_count + dad_count), act_count),
        source=where,
    )
    for field in layout.fields:
        if field.name in _TYPED or field.name in COUNT_FIELDS:
            continue
        if field.kind == "number":
            line.number(field)  # validates
        value = line.raw(field)
        if value:  # blank fields are written back blank
            record.extra[field.name] = value
    if record.age_at_entry > MAX_AGE:
        raise line.fail(f"birth date gives an age over {MAX_AGE} at entry")
    return record


def _iter_lines(path: Path, encoding: str) -> Iterator[tuple[str, str]]:
    """(where, text) of each non-blank line; blank lines and a DOS end-of-file mark are skipped."""
    try:
        handle = Path(path).open(encoding=encoding, newline="")  # noqa: SIM115 - opened apart to name open errors
    except OSError as exc:
        raise RssFormatError(str(path), unreadable_reason(exc)) from exc
    with handle:
        number = 0
        try:
            for number, text in enumerate(handle, start=1):
                if text.strip(" \r\n\x1a"):
                    yield f"{path}:{number}", text
        except UnicodeDecodeError as exc:
            raise RssFormatError(f"{path}:{number + 1}", f"not {encoding} ({exc.reason})") from exc


def _read_raising(path: Path, encoding: str) -> Iterator[RumRecord]:
    for where, text in _iter_lines(path, encoding):
        yield parse_rum_line(text, where)


def _read_collecting(path: Path, encoding: str) -> RssReadResult:
    result = RssReadResult([], [])
    for where, text in _iter_lines(path, encoding):
        try:
            result.records.append(parse_rum_line(text, where))
        except RssFormatError as exc:
            result.errors.append(exc)
    return result


@overload
def read_rss(path: Path | str, encoding: str = ..., on_error: Literal["raise"] = ...) -> Iterator[RumRecord]: ...
@overload
def read_rss(path: Path | str, encoding: str = ..., *, on_error: Literal["collect"]) -> RssReadResult: ...
def read_rss(
    path: Path | str, encoding: str = "latin-1", on_error: Literal["raise", "collect"] = "raise"
) -> Iterator[RumRecord] | RssReadResult:
    """RUMs of an RSS non groupé file (formats 022 and 023 may be mixed, each line says its own).

    on_error="raise" (default): an iterator; the first malformed line raises RssFormatError ("file:line: why").
    on_error="collect": reads the whole file and returns RssReadResult(records, errors), so that one bad line
    never loses the others. A file that cannot be opened raises in both modes.

    >>> records, errors = read_rss("rss_2025.txt", on_error="collect")  # doctest: +SKIP
    """
    if on_error == "raise":
        return _read_raising(Path(path), encoding)
    if on_error == "collect":
        return _read_collecting(Path(path), encoding)
    raise ValueError(f"on_error must be 'raise' or 'collect', not {on_error!r}")
