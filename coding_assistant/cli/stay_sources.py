"""Where coded stays come from for training and evaluation: stays JSONL, or an RSS file joined with a
folder of documents exported from the patient record.

One bad record never stops the reading: it goes to `on_error` (by default a warning that names its place and
reason, never its text) and the other stays are read. Only a source that cannot be read at all, or that gives
no stay, raises.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from coding_assistant.errors import CodingAssistantError
from coding_assistant.schema import InputFileError, Stay, iter_jsonl_records

logger = logging.getLogger(__name__)

OnError = Callable[[CodingAssistantError], None]


def warn(error: CodingAssistantError) -> None:
    """The default `on_error`: one warning line naming the place and the reason."""
    logger.warning("skipped: %s", error)


def read_coded_stays(
    path: Path, documents: Path | None = None, join_on: str = "rss", on_error: OnError = warn
) -> list[Stay]:
    """Stays from a JSONL file, or from an RSS non groupé file (formats 022/023) joined with `documents`.

    A JSONL file is recognised by its extension (.jsonl, .json); anything else is read as RSS, which then
    needs the documents folder (codes without texts cannot train a text model).
    """
    path = Path(path)
    if path.is_dir():
        # A folder of JSONL files (the hand-written dev set is one).
        files = sorted(path.glob("*.jsonl"))
        if not files:
            raise CodingAssistantError(f"{path}: no .jsonl file in this folder")
        return _at_least_one(path, [stay for file in files for stay in _jsonl_stays(file, on_error)])
    if path.suffix.lower() in (".jsonl", ".json"):
        return read_jsonl_stays(path, on_error)
    if documents is None:
        raise CodingAssistantError(f"{path}: an RSS file needs --documents DIR (the letters of its stays)")
    return _rss_stays(path, Path(documents), join_on, on_error)


def read_jsonl_stays(path: Path, on_error: OnError = warn) -> list[Stay]:
    """The stays of one JSONL file; bad lines go to `on_error`; raises when the file gives no stay."""
    return _at_least_one(path, _jsonl_stays(Path(path), on_error))


def _jsonl_stays(path: Path, on_error: OnError) -> list[Stay]:
    stays: list[Stay] = []
    for _, record in iter_jsonl_records(path, Stay):
        if isinstance(record, InputFileError):
            on_error(record)
        else:
            stays.append(record)
    return stays


def _at_least_one(path: Path, stays: list[Stay]) -> list[Stay]:
    if not stays:
        raise CodingAssistantError(f"{path}: no stay could be read (empty, or every record is bad)")
    return stays


def _rss_stays(path: Path, documents: Path, join_on: str, on_error: OnError) -> list[Stay]:
    from coding_assistant.formats import DocumentFolder, read_rss, stay_of_rum

    if join_on not in ("rss", "admin"):
        raise CodingAssistantError(f"--join-on must be rss or admin, not {join_on!r}")
    folder = DocumentFolder(documents, strict=False)
    result = read_rss(path, on_error="collect")
    for error in [*result.errors, *folder.errors]:
        on_error(error)
    stays = []
    for record in result.records:
        try:
            stay = stay_of_rum(record, folder, join_on)  # type: ignore[arg-type]  # checked above
        except InputFileError as exc:
            on_error(InputFileError(record.source or str(path), f"letter {exc}", stay_id=record.stay_id))
            continue
        if stay.documents:
            stays.append(stay)
    if not stays:
        raise CodingAssistantError(f"{path}: no RUM could be joined with a document of {documents}")
    return stays
