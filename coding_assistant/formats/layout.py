"""Positions of the RUM fields (RSS non groupé) for each supported format, read from `layouts/`.

Format 022 is the 2024-2025 RUM, format 023 the 2026 one (ATIH RSS/RUM format descriptions). One line holds the fixed
part, then `das_count` DA zones and `dad_count` DAD zones of 8 characters, then `act_count` act zones.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from coding_assistant.formats.errors import RssLayoutError
from coding_assistant.formats.field_names import (
    ACT_FIELD_NAMES,
    ATIH_2026_NAMES,
    PMEASYR_DIAGNOSIS_START,
    PMEASYR_FILLER_2026,
    PMEASYR_GROUPING_NAMES,
    PMEASYR_NAMES,
    FieldKind,
    kind_of,
)

ATIH_023_FILE = "rum_rss_non_groupe_023_layout_2026.csv"
PMEASYR_FILE = "pmeasyr_mco_rum_formats_2024_2026.csv"

# Format version -> pmeasyr year (`an`) of its grouped layout (ATIH MCO formats: 022 is 2024-2025, 023 is 2026).
PMEASYR_YEAR: dict[str, str] = {"022": "24", "023": "26"}
SUPPORTED_VERSIONS: tuple[str, ...] = tuple(PMEASYR_YEAR)
LATEST_VERSION = "023"

# The grouped RSS puts 15 characters before the RUM (ATIH "RSS groupé 123" format, positions 1-15).
GROUPED_PREFIX = 15
DIAGNOSIS_WIDTH = 8  # one DA or DAD zone (ATIH 2026: "8*nDA")
ACT_WIDTH_022 = 29  # ATIH RUM format 022: act zones of 29 characters


@dataclass(frozen=True, slots=True)
class Field:
    """One fixed-width field; `start` is 1-based as in the ATIH tables."""

    name: str
    start: int
    length: int
    kind: FieldKind

    @property
    def end(self) -> int:
        return self.start + self.length - 1

    def cut(self, line: str, offset: int = 0) -> str:
        """The raw characters of this field in `line`, the zone starting at 0-based `offset`."""
        begin = offset + self.start - 1
        return line[begin : begin + self.length]


@dataclass(frozen=True, slots=True)
class RumLayout:
    version: str
    fields: tuple[Field, ...]  # the fixed part, in position order
    diagnoses_start: int  # 1-based position of the first DA zone
    act_fields: tuple[Field, ...]  # positions relative to the act zone (1 = its first character)

    @property
    def fixed_length(self) -> int:
        return self.diagnoses_start - 1

    @property
    def act_width(self) -> int:
        return self.act_fields[-1].end

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    def line_length(self, das: int, dad: int, acts: int) -> int:
        return self.fixed_length + DIAGNOSIS_WIDTH * (das + dad) + self.act_width * acts


def _read_csv(name: str) -> list[dict[str, str]]:
    try:
        text = resources.files("coding_assistant.formats").joinpath("layouts", name).read_text(encoding="utf-8")
    except OSError as exc:
        raise RssLayoutError(f"layout file {name} is missing from the package ({exc})") from exc
    return list(csv.DictReader(text.splitlines()))


def _pmeasyr_fixed_part(year: str) -> tuple[list[Field], int]:
    """Fixed part of the non-grouped RUM from pmeasyr's grouped layout of `year`, and the DA start."""
    fields: list[Field] = []
    diagnoses_start = 0
    for row in _read_csv(PMEASYR_FILE):
        if row["table"] != "rum" or row["an"] != year:
            continue
        nom = row["nom"]
        start = int(row["position"]) - GROUPED_PREFIX
        if nom == PMEASYR_DIAGNOSIS_START:
            diagnoses_start = start
        elif nom not in PMEASYR_GROUPING_NAMES:
            name = PMEASYR_NAMES.get(nom, nom)
            fields.append(Field(name, start, int(row["longueur"]), kind_of(name)))
    if not fields or not diagnoses_start:
        raise RssLayoutError(f"{PMEASYR_FILE}: no RUM layout for year {year}")
    return fields, diagnoses_start


def _atih_rows() -> list[dict[str, str]]:
    return _read_csv(ATIH_023_FILE)


def _atih_2026_details() -> list[Field]:
    """Fields 178-190 of format 023 (radiotherapy, dialysis), which pmeasyr calls a filler."""
    details = []
    for row in _atih_rows():
        if row["debut"].isdigit() and int(row["debut"]) in ATIH_2026_NAMES:
            name = ATIH_2026_NAMES[int(row["debut"])]
            details.append(Field(name, int(row["debut"]), int(row["taille"]), kind_of(name)))
    return details


def _act_fields(width: int) -> tuple[Field, ...]:
    """Act zone sub-fields from the ATIH 2026 rows `acte+N`, kept up to `width` characters."""
    fields = []
    for row in _atih_rows():
        if not row["debut"].startswith("acte+"):
            continue
        start = int(row["debut"].removeprefix("acte+"))
        label = row["sous_libelle"].strip().lower()
        name = next((ours for theirs, ours in ACT_FIELD_NAMES.items() if label.startswith(theirs)), None)
        if name is None:
            raise RssLayoutError(f"{ATIH_023_FILE}: act field {row['sous_libelle']!r} has no name")
        field = Field(name, start, int(row["taille"]), kind_of(name))
        if field.end <= width:
            fields.append(field)
    if not fields or fields[-1].end != width:
        raise RssLayoutError(f"{ATIH_023_FILE}: act fields do not fill a {width}-character zone")
    return tuple(fields)


@cache
def load_layout(version: str) -> RumLayout:
    """The layout of RUM format `version` ("022" or "023")."""
    if version not in PMEASYR_YEAR:
        raise RssLayoutError(f"unknown RUM format {version!r}; supported: {', '.join(SUPPORTED_VERSIONS)}")
    fields, diagnoses_start = _pmeasyr_fixed_part(PMEASYR_YEAR[version])
    if version == "023":
        filler = next(f for f in fields if f.name == PMEASYR_FILLER_2026)
        details = [f for f in _atih_2026_details() if filler.start <= f.start <= filler.end]
        fields = [f for f in fields if f is not filler] + details
        act_fields = _act_fields(width=32)
    else:
        act_fields = _act_fields(width=ACT_WIDTH_022)
    fields.sort(key=lambda f: f.start)
    _check_contiguous(version, fields, diagnoses_start)
    return RumLayout(version, tuple(fields), diagnoses_start, act_fields)


def _check_contiguous(version: str, fields: list[Field], diagnoses_start: int) -> None:
    position = 1
    for field in fields:
        if field.start != position:
            raise RssLayoutError(f"format {version}: field {field.name} starts at {field.start}, expected {position}")
        position = field.end + 1
    if position != diagnoses_start:
        raise RssLayoutError(
            f"format {version}: fixed part ends at {position - 1}, DA zones start at {diagnoses_start}"
        )
