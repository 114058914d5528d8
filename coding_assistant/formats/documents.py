"""Documents of a DIM's history, in a folder, found by the RSS or administrative number of the stay.

A folder may hold, in any mix (names are matched exactly, case included):

- `<number>.txt`, `<number>_<anything>.txt` (also `-`, `.` or a space after the number): one document per
  file, UTF-8 (a BOM is accepted) or else Windows-1252 when no encoding is given. doc_id = the file name
  without `.txt`; type guessed from what follows the number (`guess_doc_type`).
- `<number>.jsonl`: the documents of one number, one JSON object per line (form below); `number` may be
  left out and, when present, must be the file's number.
- `documents.jsonl`: documents of any number, one JSON object per line, `number` required.

A bad document (a malformed JSON line, a doc_id given twice, a binary or undecodable `.txt`) makes its number
fail with InputFileError naming the file (and line) and the reason, never the text. `DocumentFolder(...,
strict=False)` (the nightly batch) keeps going: only the numbers a bad document belongs to fail, and the lines
of `documents.jsonl` that name no readable number are listed in `errors`.

JSON form of one document (UTF-8, one object per line, blank lines skipped, other keys ignored):
    {"number": "2025000123", "doc_id": "2025000123-CRH", "type": "CRH", "text": "…"}
- `number`: string (a JSON number is refused: it would lose leading zeros); the RSS or administrative
  number, whichever the join uses.
- `doc_id`: non-empty string, unique among the documents of one number.
- `type`: optional string; when absent, guessed from doc_id like a file name.
- `text`: string.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from coding_assistant.errors import unreadable_reason
from coding_assistant.schema import Document, InputFileError, jsonl_lines, parse_jsonl_line
from coding_assistant.text_encoding import decode_text, encoding_name

ALL_DOCUMENTS_FILE = "documents.jsonl"
NUMBER_SEPARATORS = "_-. "
UNKNOWN_DOC_TYPE = "AUTRE"

# Document type -> words of a file name that announce it (accents removed, lower case), first match wins:
# operative and anaesthesia reports before the generic "compte rendu" of the CRH.
DOC_TYPE_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("CRO", frozenset({"cro", "operatoire", "operation", "bloc", "chirurgie", "chir"})),
    ("ANESTHESIE", frozenset({"cra", "anesthesie", "anesth", "anapath", "preanesthesie"})),
    ("LETTRE", frozenset({"lettre", "ll", "liaison", "courrier", "lettreliaison"})),
    ("URGENCES", frozenset({"urgences", "urgence", "urg", "sau"})),
    ("CONSULTATION", frozenset({"consultation", "consult", "cs"})),
    ("IMAGERIE", frozenset({"imagerie", "radio", "radiologie", "scanner", "irm", "echo", "echographie"})),
    ("BIOLOGIE", frozenset({"biologie", "bio", "labo", "laboratoire"})),
    ("CRH", frozenset({"crh", "hospitalisation", "hospit", "sortie", "cr", "compte", "rendu"})),
)


class DocumentLine(BaseModel):
    """One line of a documents JSONL file."""

    model_config = ConfigDict(extra="ignore")

    number: StrictStr | None = None
    doc_id: StrictStr = Field(min_length=1)
    type: StrictStr | None = None
    text: StrictStr

    def document(self) -> Document:
        return Document(doc_id=self.doc_id, type=self.type or guess_doc_type(self.doc_id), text=self.text)


def _plain_words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return [w for w in re.split(r"[^a-z0-9]+", ascii_text) if w]


def guess_doc_type(name: str) -> str:
    """Document type from a file name or doc_id: "CRO", "CRH", "LETTRE"… or "AUTRE" when nothing says."""
    words = set(_plain_words(name))
    for doc_type, announcing in DOC_TYPE_WORDS:
        if words & announcing:
            return doc_type
    return UNKNOWN_DOC_TYPE


def _document_lines(path: Path) -> Iterator[tuple[str, DocumentLine | InputFileError, str | None]]:
    """("file:line", parsed line or that line's error, the line's text) for each non-blank line of a
    documents JSONL file; the text is None when the line is not UTF-8."""
    for where, text in jsonl_lines(path):
        if isinstance(text, InputFileError):
            yield where, text, None
            continue
        try:
            yield where, parse_jsonl_line(text, DocumentLine, where), text
        except InputFileError as exc:
            yield where, exc, text


def _number_in(text: str | None) -> str | None:
    """The number a bad line of documents.jsonl still names (to fail that number only), else None."""
    try:
        payload = json.loads(text) if text is not None else None
    except (ValueError, RecursionError):
        return None
    value = payload.get("number") if isinstance(payload, dict) else None
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value).strip() or None


def _read_text(path: Path, encoding: str | None) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(str(path), unreadable_reason(exc)) from exc
    # A letter never holds a NUL byte; a PDF, a Word file or a UTF-16 export renamed .txt does.
    if b"\x00" in data:
        raise InputFileError(str(path), "not a text file (NUL bytes: binary, or UTF-16)")
    try:
        return decode_text(data, encoding)
    except UnicodeDecodeError as exc:
        raise InputFileError(str(path), f"not {encoding_name(encoding)} ({exc.reason} at byte {exc.start})") from None


class DocumentFolder:
    """Index of a documents folder (file names only; texts are read when a number is asked for)."""

    def __init__(self, directory: Path | str, encoding: str | None = None, *, strict: bool = True) -> None:
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise InputFileError(str(self.directory), "not a folder of documents")
        self.encoding = encoding
        self.errors: list[InputFileError] = []  # bad lines of documents.jsonl that name no number (strict=False)
        self._shared_errors: dict[str, InputFileError] = {}  # number -> its first bad line in documents.jsonl
        files = sorted(p for p in self.directory.iterdir() if p.is_file())
        self._txt = sorted((p.stem, p) for p in files if p.suffix.lower() == ".txt")
        self._txt_stems = [stem for stem, _ in self._txt]
        self._jsonl = {p.stem: p for p in files if p.suffix.lower() == ".jsonl" and p.name != ALL_DOCUMENTS_FILE}
        self._shared: dict[str, list[tuple[str, Document]]] = {}
        shared = self.directory / ALL_DOCUMENTS_FILE
        if shared.is_file():
            for where, line, text in _document_lines(shared):
                if not isinstance(line, InputFileError) and line.number is None:
                    line = InputFileError(where, f"number: required in {ALL_DOCUMENTS_FILE}")
                if isinstance(line, InputFileError):
                    if strict:
                        raise line
                    number = _number_in(text)
                    if number is None:
                        self.errors.append(line)
                    else:
                        self._shared_errors.setdefault(number, line)
                    continue
                assert line.number is not None
                self._shared.setdefault(line.number, []).append((where, line.document()))
        self._last: tuple[str, tuple[Document, ...]] | None = None

    def _text_files(self, number: str) -> list[tuple[str, Path]]:
        found = []
        index = bisect.bisect_left(self._txt_stems, number)
        while index < len(self._txt) and self._txt_stems[index].startswith(number):
            stem, path = self._txt[index]
            # "123_CRH" belongs to 123, "1234" does not.
            if stem == number or stem[len(number)] in NUMBER_SEPARATORS:
                found.append((stem, path))
            index += 1
        return found

    def documents(self, number: str) -> tuple[Document, ...]:
        """The documents of one RSS or administrative number: text files, then `<number>.jsonl`, then
        `documents.jsonl`. Raises InputFileError naming the file (and line) when one of them cannot be read
        or two share a doc_id."""
        # The RUMs of one RSS follow each other and ask in turn: keep the last answer.
        if self._last is None or self._last[0] != number:
            self._last = (number, self._find(number))
        return self._last[1]

    def _find(self, number: str) -> tuple[Document, ...]:
        found: list[tuple[str, Document]] = []
        for stem, path in self._text_files(number):
            doc_type = guess_doc_type(stem[len(number) :])
            found.append((str(path), Document(doc_id=stem, type=doc_type, text=_read_text(path, self.encoding))))
        own = self._jsonl.get(number)
        if own is not None:
            for where, line, _ in _document_lines(own):
                if isinstance(line, InputFileError):
                    raise line
                if line.number is not None and line.number != number:
                    raise InputFileError(where, f"number {line.number!r} in the file of number {number!r}")
                found.append((where, line.document()))
        if number in self._shared_errors:
            raise self._shared_errors[number]
        found.extend(self._shared.get(number, []))
        seen: dict[str, str] = {}
        for origin, document in found:
            if document.doc_id in seen:
                raise InputFileError(
                    origin,
                    f"doc_id {document.doc_id!r} appears twice for number {number} (also {seen[document.doc_id]})",
                )
            seen[document.doc_id] = origin
        return tuple(document for _, document in found)
