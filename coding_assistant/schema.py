"""Data contracts: stays in, proposals out (see the README's "Data contracts"); JSONL with line-numbered errors."""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)

from coding_assistant.errors import CodingAssistantError, unreadable_reason
from coding_assistant.rum_admin import (
    MAX_BIRTH_WEIGHT_G,
    MAX_GESTATIONAL_AGE_WEEKS,
    MAX_SESSIONS,
    admin_code_problem,
    normalise_admin_code,
)
from coding_assistant.terminology.ccam import normalise_ccam
from coding_assistant.terminology.codes import normalise_code


class InputFileError(CodingAssistantError):
    """A line of an input file that cannot be read: `where` is "file:line" (or the file), `reason` the cause,
    `stay_id` the stay the record named, when it named one. The message is "where (stay id): reason"."""

    def __init__(self, where: str, reason: str, *, stay_id: str | None = None) -> None:
        named = f"{where} (stay {stay_id})" if where and stay_id else where
        super().__init__(f"{named}: {reason}" if named else reason)
        self.where = where
        self.reason = reason
        self.stay_id = stay_id


# Characters a name printed on a line must not hold: controls (newline, carriage return, escape), format
# characters (right-to-left override) and line or paragraph separators. An id holding one could forge a line in
# a report, a log or a CSV cell.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Zl", "Zp"})


def _printable_name(value: object) -> object:
    if isinstance(value, str) and any(unicodedata.category(ch) in _UNPRINTABLE for ch in value):
        raise ValueError("holds a control or invisible character (newline, tab, escape…)")
    return value


class Document(BaseModel):
    model_config = ConfigDict(extra="ignore")

    doc_id: str = Field(min_length=1)
    type: str = "CRH"
    text: str

    _printable = field_validator("doc_id", "type", mode="before")(_printable_name)


_Day = date  # fields below are named "date"


class CodedAct(BaseModel):
    """One CCAM act line as a RUM's act zone carries it (ATIH RUM format, zone d'acte): the 7-character code,
    the activity (1 = the act, 4 = its anaesthesia; CCAM activity codes 1-5), the phase (0 for an act done in
    one go) and the date of realisation. Read from a plain code ("JAFA019": activity 1, phase 0, no date) or
    from an object; written back in the same short form when it says nothing more than the code."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    code: str
    activity: int = Field(default=1, ge=1, le=5)
    phase: int = Field(default=0, ge=0, le=9)
    date: _Day | None = None

    @field_validator("code", mode="before")
    @classmethod
    def _normalise(cls, value: object) -> object:
        return normalise_ccam(str(value))

    @model_validator(mode="before")
    @classmethod
    def _plain_code(cls, value: object) -> object:
        if isinstance(value, str):
            return {"code": value}
        if isinstance(value, dict):
            # RUM files and spreadsheets write activity and phase as text (" 4"); null or blank: the default.
            stripped = {k: v.strip() if isinstance(v, str) else v for k, v in value.items()}
            return {k: v for k, v in stripped.items() if v is not None and v != ""}
        return value

    @property
    def is_plain(self) -> bool:
        """True when the line says no more than its code (activity 1, phase 0, no date)."""
        return self.activity == 1 and self.phase == 0 and self.date is None


class Codes(BaseModel):
    """Gold or validated codes of a stay, ATIH-style (no dot, upper case)."""

    model_config = ConfigDict(extra="ignore")

    dp: str | None = None
    dr: str | None = None
    das: list[str] = Field(default_factory=list)
    # CCAM act lines ("JAFA019" or {"code", "activity", "phase", "date"}); None: the stay's acts were not
    # coded, []: coded, none done.
    acts: list[CodedAct] | None = None

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

    @field_validator("acts", mode="before")
    @classmethod
    def _normalise_acts(cls, value: object) -> object:
        if value is None:
            return None
        if not isinstance(value, list):
            raise ValueError("acts must be a list of CCAM codes or act objects")
        return [v for v in value if not (isinstance(v, str) and not v.strip())]

    @field_serializer("acts")
    def _short_acts(self, acts: list[CodedAct] | None) -> list[str | dict[str, object]] | None:
        # A plain act is written as its code, as stays were written before acts carried more: files stay short
        # and readers of the older form keep working.
        if acts is None:
            return None
        return [a.code if a.is_plain else a.model_dump(mode="json", exclude_none=True) for a in acts]

    def act_codes(self) -> list[str]:
        """The acts' codes in order, without repeats (an anaesthesia line, activity 4, shares its act's code);
        [] when the acts were not coded."""
        return list(dict.fromkeys(a.code for a in self.acts or []))

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
    # The RUM's administrative fields (ATIH RUM format 023: positions 86, 87, 96, 97, 103-106, 107-108,
    # 117-118; value sets in `rum_admin`), optional: what the grouping preview and the review UI read.
    entry_mode: str | None = None  # mode d'entrée: 0, 6, 7, 8, N, O
    entry_origin: str | None = None  # provenance: 1, R, 2, 3, 4, 6, 7
    exit_mode: str | None = None  # mode de sortie: 0, 6, 7, 8, 9
    exit_destination: str | None = None  # destination: 1, 2, 3, 4, 6, 7
    birth_weight: int | None = Field(default=None, ge=0, le=MAX_BIRTH_WEIGHT_G)  # grams, newborns
    gestational_age: int | None = Field(default=None, ge=0, le=MAX_GESTATIONAL_AGE_WEEKS)  # weeks (SA)
    sessions: int | None = Field(default=None, ge=0, le=MAX_SESSIONS)  # number of séances

    _printable = field_validator("stay_id", "unit", mode="before")(_printable_name)

    @field_validator("sex", mode="before")
    @classmethod
    def _sex(cls, value: object) -> object:
        # RUM files write 1 (male) / 2 (female).
        mapping = {"1": "M", "2": "F", "H": "M", "M": "M", "F": "F"}
        if value is None or value == "":
            return None
        return mapping.get(str(value).strip().upper(), value)

    @field_validator("entry_mode", "entry_origin", "exit_mode", "exit_destination", mode="before")
    @classmethod
    def _admin_code(cls, value: object, info: ValidationInfo) -> object:
        if value is not None and not isinstance(value, str | int):
            raise ValueError("must be a one-character code")
        code = normalise_admin_code(value)
        problem = admin_code_problem(str(info.field_name), code) if code is not None else None
        if problem:
            raise ValueError(problem)
        return code

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
    # The words that qualified the mention ("pas de", "suspicion de", "sa mère"), so that a coder sees why.
    cues: list[str] = Field(default_factory=list)


NoteKind = Literal["check", "note"]
NoteSeverity = Literal["error", "warning", "info"]
# A note written by an older version as one line: "[rule · FG n] message (règle « rule », FG n)" for a PMSI
# check, the bare message for the product's own notes. Read once, when such a record is loaded.
_LEGACY_CHECK = re.compile(r"^\[(?P<rule>[^\]·]+?)(?:\s*·\s*FG\s*(?P<fg>[^\]]+))?\]\s*(?P<message>.*)$", re.DOTALL)
_LEGACY_TAG = re.compile(r"\s*\(règle « [^»]* »(?:, FG [^)]*)?\)\s*$")


class Note(BaseModel):
    """One remark on a proposal or on a stay, typed from the pipeline to the batch, the store and the UI.

    `kind` "check": a PMSI rule the coding breaks (`rule` is the check's stable identifier, `fg_error` the
    ATIH fonction groupage return code that reports the same fault, `severity` "error" when the FG or the ATIH
    rules refuse the coding, "warning" when a coder should look again); "note": the product's own remark on
    its proposal (`rule` names it: "model-only", "dp-below-threshold"…). `message` is one French line for a
    coder, without identifiers; `code` the code it concerns, when one.
    """

    model_config = ConfigDict(frozen=True)

    rule: str
    message: str
    kind: NoteKind = "note"
    severity: NoteSeverity = "info"
    fg_error: str | None = None
    code: str | None = None

    @property
    def is_check(self) -> bool:
        return self.kind == "check"

    def __str__(self) -> str:
        """One line for a terminal or a CSV cell: the message, then the rule and the FG code."""
        if not self.is_check:
            return self.message
        return f"{self.message} (règle « {self.rule} »{f', FG {self.fg_error}' if self.fg_error else ''})"

    @classmethod
    def from_legacy(cls, line: str) -> Note:
        """A note stored as one line by an older version (see `_LEGACY_CHECK`)."""
        match = _LEGACY_CHECK.match(line)
        if match is None:
            return cls(rule="note", message=line)
        message = _LEGACY_TAG.sub("", match.group("message")).strip()
        fg = match.group("fg")
        return cls(
            rule=match.group("rule").strip(),
            message=message,
            kind="check",
            severity="error" if fg else "warning",
            fg_error=fg.strip() if fg else None,
        )


def _notes(value: object) -> object:
    """Lists of notes accept the one-line form older versions wrote (JSONL files, stored records)."""
    if isinstance(value, list):
        return [Note.from_legacy(item) if isinstance(item, str) else item for item in value]
    return value


class Measurement(BaseModel):
    """A value read in a document (a creatinine, a BMI, a delay), where it was read."""

    doc_id: str
    kind: str
    value: float
    unit: str = ""
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    computed: bool = False  # an IMC calculated from a weight and a height


class Proposal(BaseModel):
    code: str
    label: str = ""
    score: float = Field(ge=0.0, le=1.0)
    role: Literal["DP", "DR", "DAS"] | None = None
    selected: bool = False
    evidence: list[Evidence] = Field(default_factory=list)
    warnings: list[Note] = Field(default_factory=list)

    @field_validator("code", mode="before")
    @classmethod
    def _normalise(cls, value: object) -> object:
        return normalise_code(str(value))

    _legacy_notes = field_validator("warnings", mode="before")(_notes)


class ActProposal(BaseModel):
    """One CCAM act line of the RUM: the act (activity 1) or its anaesthesia (activity 4), ranked like the
    diagnoses; `selected` only with affirmed evidence in the documents."""

    code: str
    label: str = ""
    activity: int = Field(default=1, ge=1, le=5)
    phase: int = Field(default=0, ge=0, le=9)
    date: _Day | None = None
    score: float = Field(ge=0.0, le=1.0)
    selected: bool = False
    evidence: list[Evidence] = Field(default_factory=list)
    warnings: list[Note] = Field(default_factory=list)

    @field_validator("code", mode="before")
    @classmethod
    def _normalise(cls, value: object) -> object:
        return normalise_ccam(str(value))

    _legacy_notes = field_validator("warnings", mode="before")(_notes)


class GroupingSummary(BaseModel):
    """The grouping preview of the proposed coding (aperçu de groupage: Manuel des GHM 2026 trees, lists 2024/
    2021, public tariffs 2025; not the ATIH grouping function), and the most a code the letters support but the
    proposals did not select would add to the tariff as a DAS."""

    ghm: str | None = None
    severity: str | None = None
    tariff_eur: float | None = None
    revaluation_eur: float | None = None  # None: no candidate with affirmed mentions raises the tariff
    revaluation_code: str | None = None


class ModelInfo(BaseModel):
    name: str
    version: str


class StayProposals(BaseModel):
    """The product's answer for one stay, proposals ranked best first."""

    stay_id: str
    model: ModelInfo
    proposals: list[Proposal] = Field(default_factory=list)
    acts: list[ActProposal] = Field(default_factory=list)
    warnings: list[Note] = Field(default_factory=list)
    # The CIM-10 FR table the codes were checked against ("CIM-10 FR 2025 (ATIH)"); None from older runs.
    terminology: str | None = None
    # The values read in the documents; None from older runs (the review UI then reads them itself).
    measurements: list[Measurement] | None = None
    grouping: GroupingSummary | None = None  # None: not grouped (older runs, or the preview turned off)

    _legacy_notes = field_validator("warnings", mode="before")(_notes)


M = TypeVar("M", bound=BaseModel)


_QUOTED = re.compile(r"'[^']*'")


def describe_validation_error(error: ValidationError, record: str = "record") -> str:
    """ "field: reason" of the first error (+ how many more), without the refused value: a validator's own
    message may quote it (a code, a name), and errors never carry a stay's content."""
    first = error.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or record
    message = first.get("msg", "invalid").removeprefix("Value error, ")
    if first.get("type") == "value_error":
        message = _QUOTED.sub("(value not shown)", message)
    more = f" (+{error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: {message}{more}"


# A JSON escape of a UTF-16 surrogate; only lines holding one need the slower check for lone surrogates.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
MAX_STAY_ID_LENGTH = 128  # the store's column; a longer "stay_id" is not echoed into messages


def _lone_surrogate(payload: object) -> bool:
    """True when a string of the parsed record holds half a surrogate pair ("\\ud800" alone): not Unicode,
    it cannot be stored, hashed nor written out, so the record is refused here rather than crash later."""
    try:
        json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _named_stay(payload: dict[str, object]) -> str | None:
    """The record's stay_id when it is a short, printable identifier (never a long or odd value)."""
    value = payload.get("stay_id")
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() <= 256:
        text = str(value)
    else:
        return None
    if not text or len(text) > MAX_STAY_ID_LENGTH or not text.isprintable():
        return None
    return text


def parse_jsonl_line(line: str, model: type[M], where: str) -> M:
    """One JSONL record as `model`; any flaw of the line (bad JSON, nesting too deep, a number too long, a
    lone surrogate, a field the model refuses) raises InputFileError naming `where` and the reason — never
    the line's content."""
    line = line.removeprefix("\ufeff")  # a UTF-8 BOM read as text: the first line of a Windows export
    try:
        payload = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputFileError(where, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise InputFileError(where, "not readable JSON (nested too deeply)") from None
    except ValueError:  # an integer beyond Python's digit limit for int(str)
        raise InputFileError(where, "not readable JSON (a number with too many digits)") from None
    if not isinstance(payload, dict):
        raise InputFileError(where, f"expected a JSON object, got {type(payload).__name__}")
    stay_id = _named_stay(payload)
    if _SURROGATE_ESCAPE.search(line) and _lone_surrogate(payload):
        raise InputFileError(where, "a string holds a lone surrogate escape (\\ud800-\\udfff): not Unicode text")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise InputFileError(where, describe_validation_error(exc), stay_id=stay_id) from None
    except (RecursionError, ValueError):  # a value nested too deeply for a validator, or one it cannot convert
        raise InputFileError(
            where, "a value cannot be read (nested too deeply or too large)", stay_id=stay_id
        ) from None


def jsonl_lines(path: Path, encoding: str = "utf-8") -> Iterator[tuple[str, str | InputFileError]]:
    """("file:line", text) of each non-blank line of a JSONL file, or ("file:line", error) for a line that is
    not UTF-8 (or not `encoding`). Read in binary and decoded line by line, so that one bad byte costs its own
    line only; a UTF-8 BOM before the first line is dropped. A file that cannot be opened raises InputFileError."""
    named = "UTF-8" if codecs.lookup(encoding).name == "utf-8" else encoding
    try:
        handle = Path(path).open("rb")  # noqa: SIM115 - opened apart to name open errors
    except OSError as exc:
        raise InputFileError(str(path), unreadable_reason(exc)) from exc
    with handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            if not raw.strip():
                continue
            where = f"{path}:{number}"
            try:
                yield where, raw.decode(encoding)
            except UnicodeDecodeError as exc:
                yield where, InputFileError(where, f"not {named} ({exc.reason} at byte {exc.start + 1} of the line)")


def iter_jsonl_records(path: Path, model: type[M], encoding: str = "utf-8") -> Iterator[tuple[str, M | InputFileError]]:
    """("file:line", record) for each record of a JSONL file, ("file:line", error) for each bad line: the
    reading goes on after a bad line, for callers that report it and keep the others."""
    for where, text in jsonl_lines(path, encoding):
        if isinstance(text, InputFileError):
            yield where, text
            continue
        try:
            yield where, parse_jsonl_line(text, model, where)
        except InputFileError as exc:
            yield where, exc


def iter_jsonl(path: Path, model: type[M]) -> Iterator[M]:
    """Records of a JSONL file; a bad line raises InputFileError naming file and line."""
    for _, record in iter_jsonl_records(path, model):
        if isinstance(record, InputFileError):
            raise record
        yield record


def read_stays(path: Path) -> list[Stay]:
    return list(iter_jsonl(path, Stay))


def write_jsonl(path: Path, records: Iterable[BaseModel]) -> int:
    """Write records atomically (temporary file then rename; none left behind on failure, and a file that
    cannot be written is one OutputError); returns how many were written."""
    from coding_assistant.formats.atomic import atomic_text_file  # here: the formats package imports this module

    count = 0
    with atomic_text_file(path, newline="\n") as handle:
        for record in records:
            try:
                line = record.model_dump_json(exclude_none=False)
            except ValueError:  # PydanticSerializationError: a string holding a lone surrogate is not text
                raise CodingAssistantError(
                    f"{path}: record {count + 1} cannot be written: a string in it is not Unicode text"
                ) from None
            handle.write(line + "\n")
            count += 1
    return count
