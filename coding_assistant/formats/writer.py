"""Write RUMs as RSS non groupé lines (formats 022 and 023) and stays' codes as CSV, atomically."""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Literal, TextIO

from coding_assistant.errors import CodeValidationError
from coding_assistant.formats.atomic import atomic_text_file
from coding_assistant.formats.errors import RssWriteError
from coding_assistant.formats.field_names import NEVER_TRUNCATED
from coding_assistant.formats.layout import DIAGNOSIS_WIDTH, LATEST_VERSION, Field, load_layout
from coding_assistant.formats.record import RumAct, RumRecord
from coding_assistant.schema import CodedAct, Stay
from coding_assistant.terminology.ccam import normalise_ccam
from coding_assistant.terminology.codes import normalise_code

Overflow = Literal["error", "truncate"]
Originals = Mapping[str, RumRecord | Sequence[RumRecord]]

# Sex in the RUM (ATIH 2026): 1 male, 2 female, 3 undetermined.
SEX_TO_FILE = {"M": "1", "F": "2", None: "3"}
# Modes written for a stay that has no original RUM: 8 = domicile (ATIH 2026 entry and exit mode lists).
DEFAULT_ENTRY_MODE = "8"
DEFAULT_EXIT_MODE = "8"
DEFAULT_RUM_NUMBER = "1"

CODES_CSV_COLUMNS = (
    "stay_id", "rss", "rum", "dp", "dr", "das", "sex", "age", "admission_date", "discharge_date", "unit",
)  # fmt: skip


def _render(field: Field, value: object, where: str, on_overflow: Overflow, offset: int = 0) -> str:
    """The value padded as the layout says: numbers right-aligned with zeros, the rest left-aligned with spaces."""
    positions = f"positions {offset + field.start}-{offset + field.end}"
    if value is None or value == "":
        return " " * field.length
    text = value.strftime("%d%m%Y") if isinstance(value, date) else str(value)  # ATIH dates: JJMMAAAA
    if field.kind == "number":
        if not text.isdigit():
            raise RssWriteError(f"{where}: {field.name} ({positions}) must be a number")
        if len(text) > field.length:
            raise RssWriteError(
                f"{where}: {field.name} has {len(text)} digits, the field holds {field.length} ({positions})"
            )
        return text.rjust(field.length, "0")
    if len(text) > field.length:
        if on_overflow == "truncate" and field.kind == "text" and field.name not in NEVER_TRUNCATED:
            return text[: field.length]
        raise RssWriteError(
            f"{where}: {field.name} is {len(text)} characters, the field holds {field.length} ({positions})"
        )
    return text.ljust(field.length)


def _fixed_values(record: RumRecord, version: str) -> dict[str, object]:
    values: dict[str, object] = dict(record.extra)
    typed = {f.name: getattr(record, f.name) for f in dataclasses.fields(record) if f.name not in ("extra", "source")}
    values.update(typed)
    values.update(
        version=version,
        sex=SEX_TO_FILE[record.sex],
        das_count=len(record.das),
        dad_count=len(record.dad),
        act_count=len(record.acts),
    )
    return values


def _normalised(record: RumRecord, where: str) -> RumRecord:
    """The record with its CIM-10 and CCAM codes in ATIH form; a malformed code raises RssWriteError."""
    try:
        return dataclasses.replace(
            record,
            dp=normalise_code(record.dp) if record.dp else None,
            dr=normalise_code(record.dr) if record.dr else None,
            das=[normalise_code(code) for code in record.das],
            dad=[normalise_code(code) for code in record.dad],
            acts=[dataclasses.replace(act, code=normalise_ccam(act.code)) for act in record.acts],
        )
    except CodeValidationError as exc:
        raise RssWriteError(f"{where}: {exc}") from exc


def format_rum_line(record: RumRecord, version: str | None = None, on_overflow: Overflow = "error") -> str:
    """One RSS non groupé line (without line end) for `record`, in `version` (default: the record's own).

    Fields that `version` lacks (the 2026 radiotherapy/dialysis fields when writing 022) are dropped.
    """
    layout = load_layout(version or record.version)
    where = f"RUM {record.stay_id}"
    record = _normalised(record, where)
    values = _fixed_values(record, layout.version)
    parts = [_render(field, values.get(field.name), where, on_overflow) for field in layout.fields]
    for code in [*record.das, *record.dad]:
        parts.append(code.ljust(DIAGNOSIS_WIDTH))
    offset = layout.line_length(len(record.das), len(record.dad), 0)
    for act in record.acts:
        for field in layout.act_fields:
            parts.append(_render(field, getattr(act, field.name), where, on_overflow, offset))
        offset += layout.act_width
    return "".join(parts)


def _approximate_birth_date(entry: date, age: int) -> date:
    # The day the stay's age was reached: the age at entry is exact, the birth date is not a real one.
    try:
        return entry.replace(year=entry.year - age)
    except ValueError:  # 29 February
        return entry.replace(year=entry.year - age, day=28)


def _single_original(stay_id: str, originals: Originals | None) -> RumRecord | None:
    found = (originals or {}).get(stay_id)
    if found is None or isinstance(found, RumRecord):
        return found
    if len(found) == 1:
        return found[0]
    raise RssWriteError(
        f"stay {stay_id} covers {len(found)} RUMs (stays grouped per RSS); its codes cannot be split back "
        f"into RUMs: build the stays per RUM to write an RSS"
    )


def _act_zones(
    stay_id: str, acts: Sequence[RumAct], original: RumRecord | None, first: date | None, last: date | None
) -> list[RumAct]:
    """The act zones of a coder's validated acts. An act the source RUM had (same code, activity and phase)
    keeps its other sub-fields (PMSI extension, modifiers, count…); a date outside the stay is refused
    (fonction groupage error 102: act date incompatible with the stay's dates), so the stay is not sent."""
    kept = list(original.acts) if original is not None else []
    zones = []
    for act in acts:
        if act.date is not None and first is not None and last is not None and not first <= act.date <= last:
            raise RssWriteError(
                f"stay {stay_id}: act {act.code} dated {act.date.isoformat()}, outside the stay "
                f"({first.isoformat()} to {last.isoformat()})"
            )
        same = next(
            (z for z in kept if (z.code, z.activity, z.phase) == (act.code, act.activity, act.phase)),
            None,
        )
        if same is not None:
            kept.remove(same)  # one source zone per validated act line
            zones.append(dataclasses.replace(same, date=act.date))
        else:
            zones.append(dataclasses.replace(act))
    return zones


def act_zones_of(acts: Sequence[CodedAct] | None) -> list[RumAct]:
    """Act lines as RUM act zones, one realisation per line (ATIH act zone "nombre de réalisations"): a
    coder who did an act twice keeps two lines, each with its date."""
    return [RumAct(code=a.code, date=a.date, activity=str(a.activity), phase=str(a.phase)) for a in acts or []]


def stay_to_record(
    stay: Stay,
    original: RumRecord | None = None,
    finess: str | None = None,
    acts: Sequence[RumAct] | None = None,
) -> RumRecord:
    """The RUM to write for a validated stay: its original RUM with the stay's codes (DP, DR, DAS) in place.

    `acts`: the coder's validated act lines, which replace the act zones (None: the original's acts stay as
    they are; without an original, the stay's own acts, `codes.acts`, are written).

    Without an original (a stay from JSONL), the RUM is built from the stay: RSS and administrative numbers
    are the stay_id, RUM number 1, the stay's modes and other RUM fields (modes else 8, domicile), a birth
    date that gives the stay's age at entry (not the real one), no postcode. Such a file suits tests and
    grouping trials, not an ePMSI submission.
    """
    if stay.codes is None:
        raise RssWriteError(f"stay {stay.stay_id}: no codes to write")
    codes = stay.codes
    if original is not None:
        return dataclasses.replace(
            original,
            dp=codes.dp,
            dr=codes.dr,
            das=list(codes.das),
            finess=finess or original.finess,
            dad=list(original.dad),
            acts=(
                list(original.acts)
                if acts is None
                else _act_zones(stay.stay_id, acts, original, original.entry_date, original.exit_date)
            ),
            extra=dict(original.extra),
        )
    admission, discharge, age = stay.admission_date, stay.discharge_date, stay.age
    if admission is None or discharge is None or age is None or not finess:
        missing = [
            name
            for name, value in (("admission_date", admission), ("discharge_date", discharge), ("age", age))
            if value is None
        ] + ([] if finess else ["finess"])
        raise RssWriteError(f"stay {stay.stay_id}: cannot build a RUM without {', '.join(missing)}")
    return RumRecord(
        finess=finess,
        version=LATEST_VERSION,
        rss_number=stay.stay_id,
        admin_number=stay.stay_id,
        rum_number=DEFAULT_RUM_NUMBER,
        birth_date=_approximate_birth_date(admission, age),
        sex=stay.sex,
        unit=stay.unit or "",
        entry_date=admission,
        entry_mode=stay.entry_mode or DEFAULT_ENTRY_MODE,
        entry_origin=stay.entry_origin or "",
        exit_date=discharge,
        exit_mode=stay.exit_mode or DEFAULT_EXIT_MODE,
        exit_destination=stay.exit_destination or "",
        birth_weight=stay.birth_weight,
        gestational_age=stay.gestational_age,
        sessions=stay.sessions,
        dp=codes.dp,
        dr=codes.dr,
        das=list(codes.das),
        acts=_act_zones(stay.stay_id, act_zones_of(codes.acts) if acts is None else acts, None, admission, discharge),
    )


def _as_record(item: RumRecord | Stay, originals: Originals | None, finess: str | None) -> RumRecord:
    if isinstance(item, RumRecord):
        return dataclasses.replace(item, finess=finess) if finess else item
    return stay_to_record(item, _single_original(item.stay_id, originals), finess)


def write_rss(
    items: Iterable[RumRecord | Stay],
    path: Path | str,
    format: str = LATEST_VERSION,
    finess: str | None = None,
    originals: Originals | None = None,
    encoding: str = "latin-1",
    newline: str = "\n",
    on_overflow: Overflow = "error",
) -> int:
    """Write records or validated stays as an RSS non groupé file in `format` ("023" or "022"); returns the
    number of lines. The file appears only once complete (temporary file, then os.replace).

    - `finess`: the ePMSI FINESS written on every line (default: each record's own; needed for a stay
      without an original RUM).
    - `originals`: stay_id -> the RUM(s) it was read from (`originals_by_stay`), so that a stay is written as
      its RUM with the validated codes; a stay grouped per RSS (several RUMs) is refused.
    - `on_overflow`: "error" (default) refuses a text value longer than its field; "truncate" cuts it.
      Numbers, dates, codes and identifiers (FINESS, RSS, administrative and RUM numbers) are never cut.
    """
    load_layout(format)  # refuses an unknown format before anything is written
    with atomic_text_file(Path(path), encoding=encoding, newline="") as handle:
        return write_rss_to(handle, items, format, finess, originals, encoding, newline, on_overflow)


def write_rss_to(
    handle: TextIO,
    items: Iterable[RumRecord | Stay],
    format: str = LATEST_VERSION,
    finess: str | None = None,
    originals: Originals | None = None,
    encoding: str = "latin-1",
    newline: str = "\n",
    on_overflow: Overflow = "error",
) -> int:
    """`write_rss` into an open handle (opened in `encoding`), for a caller that writes several files as one."""
    load_layout(format)
    count = 0
    for item in items:
        record = _as_record(item, originals, finess)
        line = format_rum_line(record, format, on_overflow)
        try:
            line.encode(encoding)
        except UnicodeEncodeError as exc:
            raise RssWriteError(
                f"RUM {record.stay_id}: a character at column {exc.start + 1} cannot be written in {encoding}"
            ) from None
        handle.write(line + newline)
        count += 1
    return count


def _codes_row(item: RumRecord | Stay, originals: Originals | None) -> dict[str, object]:
    if isinstance(item, RumRecord):
        return {
            "stay_id": item.stay_id,
            "rss": item.rss_number,
            "rum": item.rum_number,
            "dp": item.dp or "",
            "dr": item.dr or "",
            "das": " ".join(item.das),
            "sex": item.sex or "",
            "age": item.age_at_entry,
            "admission_date": item.entry_date.isoformat(),
            "discharge_date": item.exit_date.isoformat(),
            "unit": item.unit,
        }
    found = (originals or {}).get(item.stay_id)
    records = [found] if isinstance(found, RumRecord) else list(found or [])
    codes = item.codes
    return {
        "stay_id": item.stay_id,
        "rss": " ".join(dict.fromkeys(r.rss_number for r in records)),
        "rum": " ".join(r.rum_number for r in records),
        "dp": (codes.dp if codes else None) or "",
        "dr": (codes.dr if codes else None) or "",
        "das": " ".join(codes.das) if codes else "",
        "sex": item.sex or "",
        "age": "" if item.age is None else item.age,
        "admission_date": item.admission_date.isoformat() if item.admission_date else "",
        "discharge_date": item.discharge_date.isoformat() if item.discharge_date else "",
        "unit": item.unit or "",
    }


def write_codes_csv(items: Iterable[RumRecord | Stay], path: Path | str, originals: Originals | None = None) -> int:
    """Write one CSV row per stay or RUM (UTF-8, comma, header `CODES_CSV_COLUMNS`; DAS joined by a space,
    dates ISO), atomically; returns the number of rows. For stays, `rss` and `rum` come from `originals`
    (blank without; several RUM numbers are joined by a space for a stay grouped per RSS)."""
    with atomic_text_file(Path(path), encoding="utf-8", newline="") as handle:
        return write_codes_csv_to(handle, items, originals)


def write_codes_csv_to(handle: TextIO, items: Iterable[RumRecord | Stay], originals: Originals | None = None) -> int:
    """`write_codes_csv` into an open handle (UTF-8, newline="")."""
    count = 0
    writer = csv.DictWriter(handle, fieldnames=CODES_CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in items:
        writer.writerow(_codes_row(item, originals))
        count += 1
    return count
