"""Where coded stays come from for training and evaluation: stays JSONL, or an RSS file joined with a
folder of documents exported from the patient record."""

from __future__ import annotations

from pathlib import Path

from coding_assistant.errors import CodingAssistantError
from coding_assistant.schema import Stay, read_stays


def read_coded_stays(path: Path, documents: Path | None = None, join_on: str = "rss") -> list[Stay]:
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
        return [stay for file in files for stay in read_stays(file)]
    if path.suffix.lower() in (".jsonl", ".json"):
        return read_stays(path)
    if documents is None:
        raise CodingAssistantError(f"{path}: an RSS file needs --documents DIR (the letters of its stays)")
    from coding_assistant.formats import read_rss, rss_to_stays

    stays = [s for s in rss_to_stays(read_rss(path), Path(documents), join_on=join_on) if s.documents]
    if not stays:
        raise CodingAssistantError(f"{path}: no RUM could be joined with a document of {documents}")
    return stays
