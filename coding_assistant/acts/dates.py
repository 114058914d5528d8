"""Dates written in letters ("le 12/03/2025", "(11/03, voie radiale)", "en 2019", "07/2025"), with offsets.

A day without a year takes the year that puts it nearest the stay. Month-only and year-only dates say only
whether something happened before the stay (an antecedent) or after it (planned).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_MONTHS = {
    "janvier": 1, "fevrier": 2, "février": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "août": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12, "décembre": 12,
}  # fmt: skip
_MONTH_WORDS = "|".join(sorted(_MONTHS, key=len, reverse=True))
# dd/mm/yyyy, dd/mm/yy, dd/mm (not a ratio such as "3/10 P4" or "Apgar 9/10/10": see `_plausible`; nor a
# dilution written with a thousands space, « adrénaline au 1/10 000 », « 1/100 000 »).
_DAY = re.compile(r"(?<![\d/])(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}|\d{2}))?(?![\d/])(?![ \u00a0\u202f]\d{3}\b)")
_DAY_WORDS = re.compile(rf"(?<!\d)(\d{{1,2}})(?:er)? ({_MONTH_WORDS})(?: (\d{{4}}))?\b", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"(?<![\d/])(?:(\d{{1,2}})/|({_MONTH_WORDS}) )(\d{{4}})(?![\d/])", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d/])(?<!\d[.,])((?:19|20)\d{2})(?![\d/]|[.,]\d|\s?(?:mg|g|ml|UI|€)\b)")
# A yearless « N/M » right after a score's name is the score, not a day: « préparation Boston 8/9 » (out of 9),
# « Apgar 6/8 », « Glasgow 14/15 », « EVA 7/10 », « force 4/5 », « AV 3/10 ».
_SCORE_BEFORE = re.compile(
    r"\b(?:score|boston|apgar|glasgow|gcs|eva|evn|av|mrc|force|cot[ée]e?|not[ée]e?|ipss)\s*(?::|=|à|de)?\s*$",
    re.IGNORECASE,
)


_YEARLESS_DAYS = 120
_DIGIT = re.compile(r"\d")
_FOUR_DIGITS = re.compile(r"\d{4}")  # what `_MONTH_YEAR` and `_YEAR` both need: a text without is not searched


@dataclass(frozen=True, slots=True)
class WrittenDate:
    start: int
    end: int
    day: date | None  # a full day
    first: date  # the earliest day the written date can mean
    last: date  # the latest


def _year_for(day: int, month: int, around: date | None) -> date | None:
    if around is None:
        return None
    best: date | None = None
    for year in (around.year - 1, around.year, around.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((candidate - around).days) < abs((best - around).days):
            best = candidate
    return best


def _plausible(day: date, around: date | None, days: int = 800) -> bool:
    return around is None or abs((day - around).days) <= days


def find_dates(text: str, around: date | None) -> list[WrittenDate]:
    """Dates of `text` in order; `around` (the admission day) completes dates written without a year."""
    if _DIGIT.search(text) is None:  # every date pattern holds a digit: most sentences are read at once
        return []
    found: list[WrittenDate] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return not any(start < e and s < end for s, e in taken)

    for match in _DAY.finditer(text):
        day_text, month_text, year_text = match.groups()
        day_number, month = int(day_text), int(month_text)
        if not (1 <= day_number <= 31 and 1 <= month <= 12):
            continue
        if year_text is None and _SCORE_BEFORE.search(text, max(0, match.start() - 20), match.start()):
            continue
        try:
            if year_text is None:
                day = _year_for(day_number, month, around)
            else:
                year = int(year_text) + (2000 if len(year_text) == 2 else 0)
                day = date(year, month, day_number)
        except ValueError:
            continue
        # A day written without its year is near the stay; otherwise it is more likely a ratio ("3/10").
        if day is None or not _plausible(day, around, 800 if year_text else _YEARLESS_DAYS):
            continue
        found.append(WrittenDate(match.start(), match.end(), day, day, day))
        taken.append((match.start(), match.end()))
    for match in _DAY_WORDS.finditer(text):
        if not free(match.start(), match.end()):
            continue
        month = _MONTHS[match.group(2).lower()]
        try:
            day = date(int(match.group(3)), month, int(match.group(1))) if match.group(3) else None
        except ValueError:
            continue
        day = day or _year_for(int(match.group(1)), month, around)
        if day is not None and _plausible(day, around):
            found.append(WrittenDate(match.start(), match.end(), day, day, day))
            taken.append((match.start(), match.end()))
    with_year = _FOUR_DIGITS.search(text) is not None
    for match in _MONTH_YEAR.finditer(text) if with_year else ():
        if not free(match.start(), match.end()):
            continue
        month = int(match.group(1)) if match.group(1) else _MONTHS[match.group(2).lower()]
        if not 1 <= month <= 12:
            continue
        year = int(match.group(3))
        last = date(year + (month == 12), month % 12 + 1, 1).toordinal() - 1
        found.append(WrittenDate(match.start(), match.end(), None, date(year, month, 1), date.fromordinal(last)))
        taken.append((match.start(), match.end()))
    for match in _YEAR.finditer(text) if with_year else ():
        if not free(match.start(), match.end()):
            continue
        year = int(match.group(1))
        found.append(WrittenDate(match.start(), match.end(), None, date(year, 1, 1), date(year, 12, 31)))
    return sorted(found, key=lambda d: d.start)
