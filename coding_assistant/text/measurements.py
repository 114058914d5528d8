"""Read measurements that decide codes: FEVG, IMC, kaliémie, natrémie, créatinine, DFG, terme …

>>> [(m.kind, m.value, m.unit) for m in find_measurements("FEVG à 35 %. K+ 6,8 mmol/l, créat 18 mg/L.")]
[('fevg', 35.0, '%'), ('kaliemie', 6.8, 'mmol/L'), ('creatinine', 159.12, 'µmol/L')]
>>> [round(m.value, 2) for m in find_measurements("Accouchement à 32 SA + 3 j.")]
[32.43]
>>> decisive(find_measurements("FEVG 45 % puis FEVG 30 % à J3."), "fevg").value
30.0

Values are converted to one unit per kind (`patterns.measurements.KINDS`); `text[start:end]` is the
keyword through the value and its unit, and always holds the value as written.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from coding_assistant.text.normalize import may_hold_text
from coding_assistant.text.patterns import measurements as P

_FLAGS = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class Measurement:
    """One value read in the text. `low`/`high` are set for a range ("DFG 22-25": value 23.5).

    `computed` marks an IMC calculated from a weight and a height; `comparator` ("<", ">", "plus de") is
    kept for delays ("pris en charge < 24 h"), lab values written with one are not read (they are criteria,
    "créat > 133").
    """

    kind: str
    value: float
    unit: str
    start: int
    end: int
    text: str
    computed: bool = False
    comparator: str | None = None
    low: float | None = None
    high: float | None = None


def _number(raw: str) -> float:
    return float(raw.replace(",", "."))


@lru_cache(maxsize=1)
def _kind_regexes() -> dict[str, tuple[re.Pattern[str], re.Pattern[str], list[tuple[re.Pattern[str], float]]]]:
    compiled = {}
    for kind, spec in P.KINDS.items():
        value = (
            rf"(?P<gap>[^\d\n.;,]{{0,{spec.max_gap}}}?)(?P<cmp>{P.COMPARATOR}\s*)?"
            rf"(?P<value>{P.NUMBER})(?:{P.RANGE_SEPARATOR}(?P<high>{P.NUMBER}))?"
        )
        keyword = re.compile(rf"(?<![\w])(?:{spec.keyword})(?![^\W\d_])" + value, _FLAGS)
        chained = re.compile(P.CHAIN + rf"(?P<value>{P.NUMBER})", _FLAGS)
        units = [(re.compile(rf"\s?(?:{unit.regex})", _FLAGS), unit.factor) for unit in spec.units]
        compiled[kind] = (keyword, chained, units)
    return compiled


# The letters (either case) a keyword of some kind can begin with: tried before the keywords' long alternation,
# this rules out most word starts at once and halves what the scan of a letter costs. A keyword beginning with
# another character must be added here (`tests/text/test_measurements.py` checks every keyword).
KEYWORD_FIRST_LETTERS = "abcdefghikmnpst"


@lru_cache(maxsize=1)
def _any_keyword() -> re.Pattern[str]:
    """Where a keyword of some kind starts (zero-width, so that no keyword hides another it overlaps): one pass
    over a letter instead of one per kind, which is most of what reading measurements costs."""
    keywords = "|".join(f"(?:{spec.keyword})" for spec in P.KINDS.values())
    return re.compile(rf"(?<![\w])(?=[{KEYWORD_FIRST_LETTERS}])(?={keywords})", _FLAGS)


def _matches_from(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern that can only match where one of `starts` is: tried at each of
    them in order, past the end of the previous match, as finditer would."""
    end = 0
    for start in starts:
        if start < end:
            continue
        match = pattern.match(text, start)
        if match is not None:
            yield match
            end = max(match.end(), start + 1)


_ANY_UNIT = re.compile(P.ANY_UNIT, _FLAGS)
_SLASH_AFTER = re.compile(r"\s?/\s?\d")
_COMPARATOR_IN_GAP = re.compile(rf"{P.COMPARATOR}|[<>≤≥]", _FLAGS)


def _unit_after(text: str, position: int, units: list[tuple[re.Pattern[str], float]]) -> tuple[float, int] | None:
    """(factor, end) of an accepted unit at `position`; (0, position) if none is written; None if refused."""
    for regex, factor in units:
        match = regex.match(text, position)
        if match:
            return factor, match.end()
    if _ANY_UNIT.match(text, position) or _SLASH_AFTER.match(text, position):
        return None
    return 0.0, position


def _unitless_factor(kind: str, value: float) -> float | None:
    for limit, factor in P.KINDS[kind].unitless:
        if value <= limit:
            return factor or None  # a factor of 0 marks an ambiguous band: not read
    return None


def _read_value(
    kind: str, text: str, raw: str, raw_high: str | None, unit_position: int, start: int
) -> tuple[Measurement, int] | None:
    _, _, units = _kind_regexes()[kind]
    spec = P.KINDS[kind]
    found = _unit_after(text, unit_position, units)
    if found is None:
        return None
    factor, end = found
    low = _number(raw)
    high = _number(raw_high) if raw_high else None
    if high is not None and high < low:
        return None
    if not factor:
        factor = _unitless_factor(kind, high if high is not None else low) or 0.0
        if not factor:
            return None
    value = (low + high) / 2 if high is not None else low
    value, low_c, high_c = value * factor, low * factor, (high * factor if high is not None else None)
    if not spec.low <= value <= spec.high:
        return None
    measurement = Measurement(
        kind,
        round(value, 2),
        spec.canonical_unit,
        start,
        end,
        text[start:end],
        low=round(low_c, 2) if high_c is not None else None,
        high=round(high_c, 2) if high_c is not None else None,
    )
    return measurement, end


def _find_kind(text: str, kind: str, keyword_starts: list[int]) -> Iterator[Measurement]:
    keyword, chained, _ = _kind_regexes()[kind]
    for match in _matches_from(keyword, text, keyword_starts):
        if match.group("cmp") or _COMPARATOR_IN_GAP.search(match.group("gap")):
            continue  # "DFG < 25", "créat > 133": a criterion, not the patient's value
        before = text[match.start("value") - 1] if match.start("value") > 0 else " "
        if before == "/" or before.isalpha():
            continue  # "CRP à J15", "HbA1c ... DT2", a date or a ratio: not the value
        if kind == "poids" and re.search(P.WEIGHT_CHANGE, text[max(0, match.start() - 25) : match.start()], _FLAGS):
            continue
        read = _read_value(kind, text, match.group("value"), match.group("high"), match.end(), match.start())
        if read is None:
            continue
        measurement, end = read
        yield measurement
        # "Na 126 -> 131 mmol/L", "CRP 48 mg/L (H12) puis 164 mg/L": every value of the sequence counts.
        while (following := chained.match(text, end)) is not None:
            value_start = following.start("value")
            read = _read_value(kind, text, following.group("value"), None, following.end(), value_start)
            if read is None:
                break
            measurement, end = read
            yield measurement


_TERM_UNIT = re.compile(r"(?-i:SA)\b|semaines? d'am[ée]norrh[ée]e", _FLAGS)


def _find_term(text: str) -> Iterator[Measurement]:
    # A term is written in « SA » or « semaines d'aménorrhée »: a letter with neither is not scanned for one (nor,
    # most letters, searched for them: substring tests first, on the folded text for the words).
    if ("SA" not in text and not may_hold_text(text, ("semaine",))) or not _TERM_UNIT.search(text):
        return
    for match in re.finditer(P.TERM, text, _FLAGS):
        weeks = int(match.group("weeks"))
        days = int(match.group("days_before") or match.group("days_after") or 0)
        if not P.TERM_WEEKS[0] <= weeks <= P.TERM_WEEKS[1]:
            continue
        start = match.start()
        yield Measurement("terme", round(weeks + days / 7, 2), "SA", start, match.end(), text[start : match.end()])


def _duration_unit(raw: str) -> float:
    raw = raw.lower()
    if raw.startswith(("min", "mn")):
        return P.DURATION_UNITS["min"]
    if raw.startswith("h"):
        return P.DURATION_UNITS["h"]
    if raw.startswith("j"):
        return P.DURATION_UNITS["j"]
    return P.DURATION_UNITS["sem"]


def _find_delays(text: str) -> Iterator[Measurement]:
    seen: set[tuple[int, int]] = set()
    for pattern in P.DELAY_PATTERNS:
        for match in re.finditer(pattern, text, _FLAGS):
            span = (match.start("value"), match.end("unit"))
            if span in seen:
                continue
            seen.add(span)
            hours = _number(match.group("value")) * _duration_unit(match.group("unit"))
            minutes = match.groupdict().get("minutes")
            if minutes and match.group("unit").lower().startswith("h"):
                hours += int(minutes) / 60
            if not P.DELAY_HOURS[0] < hours <= P.DELAY_HOURS[1]:
                continue
            comparator = match.groupdict().get("comparator")
            start, end = match.start(), match.end()
            yield Measurement(
                "delai_prise_en_charge", round(hours, 2), "h", start, end, text[start:end], comparator=comparator
            )


def _computed_imc(text: str, found: list[Measurement]) -> Iterator[Measurement]:
    """IMC = poids / taille², for a weight and a height written close together with no IMC beside them.

    `found` is in text order: the heights near a weight, and an explicit IMC near the pair, are looked up by
    bisection in a window around it, so that a chart with a weight and a height every day stays linear
    (comparing every weight with every height took 93 s for 24,000 of each).
    """
    window = P.WEIGHT_HEIGHT_WINDOW
    weights = [m for m in found if m.kind == "poids"]
    heights = sorted((m for m in found if m.kind == "taille"), key=lambda m: m.start)
    explicit = sorted(m.start for m in found if m.kind == "imc")
    height_starts = [h.start for h in heights]
    longest = max((h.end - h.start for h in heights), default=0)
    used: set[int] = set()
    for weight in weights:

        def gap(height: Measurement, weight: Measurement = weight) -> tuple[int, int]:
            # characters between the two; on a tie the height written after the weight ("poids, taille")
            after = height.start >= weight.end
            return (height.start - weight.end if after else weight.start - height.end), 0 if after else 1

        # Every height within the window starts in this range (a height before the weight ends at most
        # `window` characters before it, and is at most `longest` long).
        first = bisect_left(height_starts, weight.start - window - longest)
        last = bisect_right(height_starts, weight.end + window)
        near = [h for h in heights[first:last] if id(h) not in used and gap(h)[0] <= window]
        if not near:
            continue
        height = min(near, key=gap)
        used.add(id(height))
        start, end = min(weight.start, height.start), max(weight.end, height.end)
        nearest = bisect_left(explicit, start - window)
        if nearest < len(explicit) and explicit[nearest] <= end + window:
            continue
        imc = weight.value / (height.value / 100) ** 2
        spec = P.KINDS["imc"]
        if spec.low <= imc <= spec.high:
            yield Measurement("imc", round(imc, 1), spec.canonical_unit, start, end, text[start:end], computed=True)


def _weight_height_pairs(text: str) -> Iterator[Measurement]:
    """ "82 kg / 1,61 m": a weight and a height without their keywords."""
    for match in re.finditer(P.WEIGHT_HEIGHT, text, _FLAGS):
        weight = _number(match.group("weight"))
        height = _number(match.group("height")) * (100 if match.group("unit").lower() == "m" else 1)
        if P.KINDS["poids"].low <= weight <= P.KINDS["poids"].high:
            s, e = match.start("weight"), match.end("kg")
            yield Measurement("poids", weight, "kg", s, e, text[s:e])
        if P.KINDS["taille"].low <= height <= P.KINDS["taille"].high:
            s, e = match.start("height"), match.end("unit")
            yield Measurement("taille", height, "cm", s, e, text[s:e])


def find_measurements(text: str) -> list[Measurement]:
    """Every measurement of `text`, sorted by position (then kind); one per (kind, value offsets)."""
    found: list[Measurement] = []
    keyword_starts = [match.start() for match in _any_keyword().finditer(text)]
    for kind in P.KINDS:
        found.extend(_find_kind(text, kind, keyword_starts))
    found.extend(_find_term(text))
    found.extend(_find_delays(text))
    found.extend(_weight_height_pairs(text))
    # The same value can be reached from two keywords ("DFG CKD-EPI 22"): keep the longest reading.
    unique: dict[tuple[str, int], Measurement] = {}
    for measurement in sorted(found, key=lambda m: (m.start, -(m.end - m.start))):
        key = (measurement.kind, measurement.end)
        if key not in unique:
            unique[key] = measurement
    measurements = list(unique.values())
    measurements.extend(_computed_imc(text, measurements))
    return sorted(measurements, key=lambda m: (m.start, m.kind))


def of_kind(measurements: Iterable[Measurement], kind: str) -> list[Measurement]:
    return [m for m in measurements if m.kind == kind]


def latest(measurements: Iterable[Measurement], kind: str) -> Measurement | None:
    """The last value of `kind` in text order (letters tell the stay in order: the value at discharge)."""
    values = of_kind(measurements, kind)
    return values[-1] if values else None


def most_extreme(measurements: Iterable[Measurement], kind: str, *, highest: bool) -> Measurement | None:
    """The highest (or lowest) value of `kind`; the first one on ties."""
    values = of_kind(measurements, kind)
    if not values:
        return None
    return max(values, key=lambda m: m.value) if highest else min(values, key=lambda m: m.value)


def decisive(measurements: Sequence[Measurement], kind: str) -> Measurement | None:
    """The value that decides a code for `kind`, by the policy of `patterns.measurements.DECISIVE`.

    FEVG: the lowest; kaliémie: the highest; natrémie: the farthest from 140 … Written values are
    preferred over computed ones (an IMC computed from weight and height only when none is written).
    """
    values = of_kind(measurements, kind)
    written = [m for m in values if not m.computed]
    values = written or values
    if not values:
        return None
    policy = P.DECISIVE.get(kind, "last")
    if policy == "min":
        return min(values, key=lambda m: m.value)
    if policy == "max":
        return max(values, key=lambda m: m.value)
    if policy == "first":
        return values[0]
    if policy == "farthest":
        normal = P.NORMAL[kind]
        return max(values, key=lambda m: abs(m.value - normal))
    return values[-1]
