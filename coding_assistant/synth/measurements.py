"""Measurements that decide a CIM-10 FR code: the value is drawn first, the code follows from the band the
written value falls in (FEVG -> I50.x, IMC -> E66.0x, kaliémie -> E87.50, natrémie -> E87.10, DFG -> N18.x,
delay -> I21.x00, term -> O60/O48/P07, birth weight -> P07.0/P07.1, aphasia duration -> R47.0x)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from coding_assistant.synth.wording import fill, french_number


@dataclass(frozen=True)
class Measured:
    """A code decided by a measurement, and the measurement as the letter writes it."""

    code: str
    text: str
    kind: str
    value: float = 0.0


def _band(bands: list[list[Any]], value: float) -> str:
    for low, high, code in bands:
        if low <= value <= high:
            return str(code)
    raise ValueError(f"value {value} outside every band")


def _draw_in_bands(rng: random.Random, bands: list[list[Any]], decimals: int) -> tuple[float, str]:
    low, high, _ = rng.choice(bands)
    value = round(rng.uniform(low, high), decimals)
    # The code follows from the value as written, never from the band drawn, so rounding cannot disagree.
    return value, _band(bands, value)


def fevg(rng: random.Random, spec: dict[str, Any], base: str) -> Measured:
    low, high, suffix = rng.choice(spec["bands"])
    value = rng.randint(low, high)
    text = fill(rng.choice(spec["texts"]), {"v": value})
    return Measured(base + suffix, text, "fevg", value)


def imc(rng: random.Random, spec: dict[str, Any]) -> Measured:
    value, code = _draw_in_bands(rng, spec["bands"], 1)
    height = round(rng.uniform(1.52, 1.88), 2)
    weight = round(value * height * height)
    text = fill(rng.choice(spec["texts"]), {"v": french_number(value, 1), "w": weight, "h": french_number(height, 2)})
    return Measured(code, text, "imc", value)


def denutrition(rng: random.Random, spec: dict[str, Any]) -> Measured:
    value, code = _draw_in_bands(rng, spec["bands"], 1)
    albumin = rng.randint(*spec["albumin"][code])
    height = round(rng.uniform(1.50, 1.80), 2)
    values = {
        "v": french_number(value, 1),
        "alb": albumin,
        "w": round(value * height * height),
        "loss": rng.randint(6, 15),
    }
    return Measured(code, fill(rng.choice(spec["texts"]), values), "denutrition", value)


def kaliemie(rng: random.Random, spec: dict[str, Any], severe: bool) -> Measured:
    low, high, code = spec["bands"][0 if severe else 1]
    value = round(rng.uniform(low, high), 1)
    return Measured(code, fill(rng.choice(spec["texts"]), {"v": french_number(value, 1)}), "kaliemie", value)


def natremie(rng: random.Random, spec: dict[str, Any], severe: bool) -> Measured:
    low, high, code = spec["bands"][0 if severe else 1]
    value = rng.randint(low, high)
    return Measured(code, fill(rng.choice(spec["texts"]), {"v": value}), "natremie", value)


def dfg(rng: random.Random, spec: dict[str, Any], stage_weights: tuple[float, ...] = (5, 3, 1)) -> Measured:
    low, high, code = rng.choices(spec["bands"], weights=stage_weights)[0]
    value = rng.randint(low, high)
    return Measured(code, fill(rng.choice(spec["texts"]), {"v": value}), "dfg", value)


def infarct(rng: random.Random, spec: dict[str, Any], base: str) -> Measured:
    """I21.x0 is the initial care; the FR 6th character 0 (I21.x00) says the infarct is 24 hours old or less."""
    if rng.random() < 0.75:
        hours = rng.randint(1, 20)
        start = rng.randint(0, 23 - min(hours, 23))
        values = {
            "h": hours,
            "t1": f"{start:02d}h{rng.choice(['00', '15', '30', '45'])}",
            "t2": f"{start + hours:02d}h{rng.choice(['00', '10', '40'])}",
        }
        template = rng.choice(spec["within_24h"])
        if "{t1}" in template and start + hours > 23:
            template = spec["within_24h"][0]
        return Measured(base + "0" + spec["short_suffix"], fill(template, values), "infarct_delay", hours)
    days = rng.randint(2, 6)
    return Measured(base + "0", fill(rng.choice(spec["after_24h"]), {"d": days}), "infarct_delay", days * 24)


def term_text(rng: random.Random, spec: dict[str, Any], weeks: int, days: int) -> str:
    return fill(rng.choice(spec["texts"]), {"sa": weeks, "j": days})


def delivery_term(rng: random.Random, spec: dict[str, Any]) -> Measured:
    """Delivery DP from the term: O60.1 before 37 SA, O48 from 42 SA, O80.0 in between."""
    kind = rng.choices(["term", "preterm", "post"], weights=[80, 12, 8])[0]
    weeks = {"term": rng.randint(37, 41), "preterm": rng.randint(33, 36), "post": 42}[kind]
    days = rng.randint(0, 6) if kind != "post" else rng.randint(0, 3)
    code = {"term": "O800", "preterm": "O601", "post": "O48"}[kind]
    return Measured(code, term_text(rng, spec, weeks, days), "term", weeks + days / 7)


def preterm_labour(rng: random.Random, spec: dict[str, Any], cervix: dict[str, list[str]]) -> tuple[Measured, str]:
    weeks, days = rng.randint(25, 35), rng.randint(0, 6)
    code = rng.choice(sorted(cervix))
    detail = fill(rng.choice(cervix[code]), {"cm": rng.randint(1, 3)})
    return Measured(code, term_text(rng, spec, weeks, days), "term", weeks + days / 7), detail


def newborn_term(rng: random.Random, spec: dict[str, Any]) -> Measured:
    """P07.2 before 28 SA, P07.3 from 28 to 36 SA (immaturity codes of the premature newborn)."""
    weeks, days = rng.choices(
        [(rng.randint(24, 27), rng.randint(0, 6)), (rng.randint(28, 36), rng.randint(0, 6))], weights=[1, 6]
    )[0]
    code = "P072" if weeks < 28 else "P073"
    return Measured(code, term_text(rng, spec, weeks, days), "term", weeks + days / 7)


def birth_weight(rng: random.Random, spec: dict[str, Any], weeks: float) -> tuple[int, Measured | None]:
    # Rough growth curve: ~650 g at 24 SA, ~2,700 g at 36 SA, with individual spread.
    grams = int((650 + (weeks - 24) * 170) * rng.uniform(0.85, 1.15))
    text = fill(rng.choice(spec["texts"]), {"v": grams})
    for low, high, code in spec["bands"]:
        if low <= grams <= high:
            return grams, Measured(code, text, "birth_weight", grams)
    return grams, None


def aphasia(rng: random.Random, spec: dict[str, Any]) -> Measured:
    code = rng.choices(["R4700", "R4701"], weights=[2, 1])[0]
    return Measured(code, rng.choice(spec["codes"][code]), "aphasia")
