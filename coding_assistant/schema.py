"""Data contracts: stays in, proposals out (see the README's "Data contracts"); JSONL with line-numbered errors."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from coding_assistant.errors import CodingAssistantError
from coding_assistant.terminology.codes import normalise_code


class InputFileError(CodingAssistantError):
    """A line of an input file that cannot be read; the message names the file and line."""


class Document(BaseModel):
    model_config = ConfigDict(extra="ignore")

    doc_id: str = Field(min_length=1)
    type: str = "CRH"
    text: str


class Codes(BaseModel):
    """Gold or validated codes of a stay, ATIH-style (no dot, upper case)."""

    model_config = ConfigDict(extra="ignore")

    dp: str | None = None
    dr: str | None = None
    das: list[str] = Field(default_factory=list)

    @field_validator("dp", "dr", mode="before")
    @classmethod
    def _normalise_one(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return normalise_code(str(value))

    @field_validator("das", mode="before")
    @classmethod
    def _normalise_many(cls, value: object) -> object:
        if value is None:
            return []
        if not isinstance(value, list):
            raise ValueError("das must be a list of codes")
        return [normalise_code(str(v)) for v in value if str(v).strip()]

    def all_codes(self) -> list[str]:
        """DP, DR then DAS, without repeats."""
        ordered = [c for c in (self.dp, self.dr) if c] + list(self.das)
        return list(dict.fromkeys(ordered))


class Stay(BaseModel):
    """One hospital stay (one RUM's worth of documents) as the product reads it."""

    model_config = ConfigDict(extra="ignore")

    stay_id: str = Field(min_length=1)
    sex: Literal["M", "F"] | None = None
    age: int | None = Field(default=None, ge=0, le=130)
    admission_date: date | None = None
    discharge_date: date | None = None
    unit: str | None = None
    documents: list[Document] = Field(default_factory=list)
    codes: Codes | None = None

    @field_validator("sex", mode="before")
    @classmethod
    def _sex(cls, value: object) -> object:
        # RUM files write 1 (male) / 2 (female).
        mapping = {"1": "M", "2": "F", "H": "M", "M": "M", "F": "F"}
        if value is None or value == "":
            return None
        return mapping.get(str(value).strip().upper(), value)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Stay:
        if self.admission_date and self.discharge_date and self.discharge_date < self.admission_date:
            raise ValueError("discharge_date is before admission_date")
        return self

    @property
    def text(self) -> str:
        return "\n\n".join(d.text for d in self.documents)

    @property
    def length_of_stay(self) -> int | None:
        if self.admission_date and self.discharge_date:
            return (self.discharge_date - self.admission_date).days
        return None


class Evidence(BaseModel):
    doc_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    negated: bool = False
    hypothetical: bool = False
    family: bool = False


class Proposal(BaseModel):
    code: str
    label: str = ""
    score: float = Field(ge=0.0, le=1.0)
    role: Literal["DP", "DR", "DAS"] | None = None
    selected: bool = False
    evidence: list[Evidence] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    @field_validator("code", mode="before")
    @classmethod
    def _normalise(cls, value: object) -> object:
        return normalise_code(str(value))


class ModelInfo(BaseModel):
    name: str
    version: str


class StayProposals(BaseModel):
    """The product's answer for one stay, proposals ranked best first."""

    stay_id: str
    model: ModelInfo
    proposals: list[Proposal] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


M = TypeVar("M", bound=BaseModel)


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "record"
    message = first.get("msg", "invalid").removeprefix("Value error, ")
    more = f" (+{error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: {message}{more}"


def parse_jsonl_line(line: str, model: type[M], where: str) -> M:
    try:
        payload = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(payload, dict):
        raise InputFileError(f"{where}: expected a JSON object, got {type(payload).__name__}")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        stay = payload.get("stay_id")
        named = f"{where} (stay {stay})" if stay else where
        raise InputFileError(f"{named}: {_describe(exc)}") from exc


def iter_jsonl(path: Path, model: type[M]) -> Iterator[M]:
    """Records of a JSONL file; a bad line raises InputFileError naming file and line."""
    try:
        handle = Path(path).open(encoding="utf-8")  # noqa: SIM115 - opened apart to name open errors
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield parse_jsonl_line(line, model, f"{path}:{number}")
        except UnicodeDecodeError as exc:
            raise InputFileError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc


def read_stays(path: Path) -> list[Stay]:
    return list(iter_jsonl(path, Stay))


def write_jsonl(path: Path, records: Iterable[BaseModel]) -> int:
    """Write records atomically (temporary file then rename); returns how many were written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    count = 0
    with tmp.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(record.model_dump_json(exclude_none=False) + "\n")
            count += 1
    tmp.replace(path)
    return count
