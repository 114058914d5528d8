"""Dates typed the French way ("jj/mm/aaaa"): Streamlit's date picker shows its format in English
("DD/MM/YYYY") and its calendar in the browser's language, so the filters take text."""

from __future__ import annotations

import re
from datetime import date

_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
PLACEHOLDER = "jj/mm/aaaa"


def parse_date(text: str | None) -> date | None:
    """`text` as a date (jj/mm/aaaa, or aaaa-mm-jj as in a link); None when empty. ValueError when unreadable."""
    if text is None or not text.strip():
        return None
    if match := _DATE.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValueError(text)
    return date(year, month, day)


def show_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""
