"""Decoding text files exported by hospital software: the encoding the user declared, else UTF-8, else CP1252.

French hospital exports (CSV from a spreadsheet or a data warehouse, letters from a patient record, SQL
written in a Windows editor) are often CP1252 (or Latin-1). UTF-8 is tried first because a CP1252 text is
almost never valid UTF-8 when it holds accents, while CP1252 decodes nearly any byte and so must come last.
"""

from __future__ import annotations

import codecs

from coding_assistant.errors import CodingAssistantError

FALLBACK_ENCODING = "cp1252"
DETECTED = "UTF-8 nor CP1252"  # how a message names the encodings tried when none was declared


def checked_encoding(name: str | None) -> str | None:
    """`name` if Python knows that encoding (None stays None: detect); else one clear error."""
    if name is None:
        return None
    try:
        codecs.lookup(name)
    except LookupError:
        raise CodingAssistantError(f"--encoding {name!r}: unknown encoding (e.g. utf-8, cp1252, latin-1)") from None
    return name


def decode_line(raw: bytes, encoding: str | None) -> str:
    """One line in the declared encoding, or UTF-8 else CP1252; raises UnicodeDecodeError when it cannot."""
    if encoding is not None:
        return raw.decode(encoding)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode(FALLBACK_ENCODING)


def decode_text(data: bytes, encoding: str | None) -> str:
    """A whole (small) file: the declared encoding, else UTF-8 (a BOM dropped), else CP1252."""
    if encoding is not None:
        return data.decode(encoding)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode(FALLBACK_ENCODING)


def encoding_name(encoding: str | None) -> str:
    """The encoding(s) a message says were tried."""
    return encoding or DETECTED
