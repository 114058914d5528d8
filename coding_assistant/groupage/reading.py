"""Stays to group, from JSONL (the product's stays with `codes`, plus grouping fields) or from an RSS file.

JSONL: one stay per line, as in the README's data contracts (`stay_id`, `sex`, `age`, `admission_date`,
`discharge_date`, `codes` {dp, dr, das, acts}), with these optional grouping fields:
  acts: ["JAFA019", {"code": "ZZQK002", "activity": "4", "phase": "0"}, …] (else `codes.acts`, same forms)
  length_of_stay (nights; else discharge_date − admission_date), age_days, entry_mode, entry_origin,
  exit_mode, exit_destination, birth_weight (g), gestational_age (SA), sessions.
RSS non groupé (formats 022/023): the RUMs of an RSS make one stay (DP and DR of the longest RUM, the other
diagnoses as DAS, every act), as `coding_assistant.formats.rss_codes` does.
Each item is a `StayFacts` or an `InputError` naming the line or stay, so that one bad stay never stops the rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from coding_assistant.errors import CodingAssistantError, unreadable
from coding_assistant.groupage.model import Act, StayFacts
from coding_assistant.schema import Stay
from coding_assistant.terminology.ccam import normalise_ccam


@dataclass(frozen=True, slots=True)
class InputError:
    where: str
    stay_id: str | None
    message: str


class _ActIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    code: str
    activity: str = "1"
    phase: str = "0"

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, value: object) -> str:
        return normalise_ccam(str(value))

    @field_validator("activity", "phase", mode="before")
    @classmethod
    def _text(cls, value: object) -> str:
        return str(value).strip() if value is not None else ""


class _GroupingFields(BaseModel):
    model_config = ConfigDict(extra="ignore")

    acts: list[_ActIn] = Field(default_factory=list)
    length_of_stay: int | None = Field(default=None, ge=0)
    age_days: int | None = Field(default=None, ge=0)
    entry_mode: str | None = None
    entry_origin: str | None = None
    exit_mode: str | None = None
    exit_destination: str | None = None
    birth_weight: int | None = Field(default=None, ge=0)
    gestational_age: int | None = Field(default=None, ge=0, le=50)
    sessions: int = Field(default=0, ge=0)

    @field_validator("acts", mode="before")
    @classmethod
    def _acts(cls, value: object) -> object:
        if value is None:
            return []
        if not isinstance(value, list):
            raise ValueError("acts must be a list")
        return [{"code": item} if isinstance(item, str) else item for item in value]

    @field_validator("entry_mode", "entry_origin", "exit_mode", "exit_destination", mode="before")
    @classmethod
    def _mode(cls, value: object) -> object:
        return None if value is None or str(value).strip() == "" else str(value).strip().upper()


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "record"
    message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{where}: {message}"


def _acts(payload: dict[str, Any], extra: _GroupingFields, stay: Stay) -> tuple[Act, ...]:
    """The stay's act lines: the record's own `acts` when it has them, else those coded with the diagnoses
    (`codes.acts`, with their activity and phase)."""
    if payload.get("acts") is not None:
        return tuple(Act(a.code, a.activity or "1", a.phase) for a in extra.acts)
    coded = stay.codes.acts if stay.codes is not None else None
    return tuple(Act(a.code, str(a.activity), str(a.phase)) for a in coded or [])


def facts_from_record(payload: dict[str, Any]) -> StayFacts:
    """The grouping facts of one JSON stay; raises ValueError (or CodingAssistantError) naming the field."""
    try:
        stay = Stay.model_validate(payload)
        extra = _GroupingFields.model_validate(payload)
    except ValidationError as exc:
        raise ValueError(_describe(exc)) from exc
    if stay.codes is None or not stay.codes.dp:
        raise ValueError("codes.dp: a stay needs a DP to be grouped")
    nights = extra.length_of_stay if extra.length_of_stay is not None else stay.length_of_stay
    if nights is None:
        raise ValueError("length of stay unknown: give admission_date and discharge_date, or length_of_stay")
    return StayFacts(
        stay_id=stay.stay_id,
        dp=stay.codes.dp,
        dr=stay.codes.dr,
        das=tuple(dict.fromkeys(stay.codes.das)),
        acts=_acts(payload, extra, stay),
        length_of_stay=nights,
        age=stay.age,
        age_days=extra.age_days,
        sex=stay.sex,
        entry_mode=extra.entry_mode,
        entry_origin=extra.entry_origin,
        exit_mode=extra.exit_mode,
        exit_destination=extra.exit_destination,
        birth_weight=extra.birth_weight or None,
        gestational_age=extra.gestational_age or None,
        sessions=extra.sessions,
    )


def read_jsonl(path: Path) -> Iterator[StayFacts | InputError]:
    """The stays of a JSONL file; the file is opened now, so that a missing one fails before any output."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise CodingAssistantError(unreadable(path, exc)) from exc
    return _jsonl_items(handle, path)


def _jsonl_items(handle: TextIO, path: Path) -> Iterator[StayFacts | InputError]:
    with handle:
        number = 0
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                yield _one_line(line, f"{path}:{number}")
        except UnicodeDecodeError as exc:
            yield InputError(f"{path}:{number + 1}", None, f"not UTF-8 ({exc.reason}): the rest is not read")


def _one_line(line: str, where: str) -> StayFacts | InputError:
    try:
        payload = json.loads(line)
    except json.JSONDecodeError as exc:
        return InputError(where, None, f"not valid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(payload, dict):
        return InputError(where, None, f"expected a JSON object, got {type(payload).__name__}")
    stay_id = payload.get("stay_id")
    try:
        return facts_from_record(payload)
    except (ValueError, CodingAssistantError) as exc:
        return InputError(where, str(stay_id) if stay_id is not None else None, str(exc))


def read_rss_stays(path: Path) -> Iterator[StayFacts | InputError]:
    from coding_assistant.formats import group_by_rss, read_rss, rss_codes

    records, errors = read_rss(path, on_error="collect")
    for error in errors:
        yield InputError(error.where or str(path), None, error.reason)
    for rss_number, rums in group_by_rss(records).items():
        codes = rss_codes(rums)
        first, last = rums[0], rums[-1]
        if not codes.dp:
            yield InputError(first.source or str(path), rss_number, "no DP on the RSS: cannot be grouped")
            continue
        weight = next((r.birth_weight for r in rums if r.birth_weight), None)
        weeks = next((r.gestational_age for r in rums if r.gestational_age), None)
        yield StayFacts(
            stay_id=rss_number,
            dp=codes.dp,
            dr=codes.dr,
            das=tuple(codes.das),
            acts=tuple(Act(a.code, a.activity or "1", a.phase) for r in rums for a in r.acts),
            length_of_stay=max(0, (last.exit_date - first.entry_date).days),
            age=first.age_at_entry,
            age_days=first.age_in_days_at_entry,
            sex=first.sex,
            entry_mode=first.entry_mode or None,
            entry_origin=first.entry_origin or None,
            exit_mode=last.exit_mode or None,
            exit_destination=last.exit_destination or None,
            birth_weight=weight,
            gestational_age=weeks,
            sessions=sum(r.sessions or 0 for r in rums),
        )


def sniff_format(path: Path) -> str:
    """'jsonl' when the first non-blank character is "{", else 'rss'."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).lstrip()
    except OSError as exc:
        raise CodingAssistantError(unreadable(path, exc)) from exc
    return "jsonl" if head.startswith(b"{") else "rss"


def read_stays(path: Path, input_format: str = "auto") -> Iterator[StayFacts | InputError]:
    chosen = sniff_format(path) if input_format == "auto" else input_format
    if chosen == "jsonl":
        return read_jsonl(path)
    if chosen == "rss":
        return read_rss_stays(path)
    raise CodingAssistantError(f"unknown input format {input_format!r}: auto, jsonl or rss")
