"""Shared writing machinery: the per-document style (telegraphic or full sentences, abbreviations, typos,
section titles), headers and the biology line. The documents themselves are composed in `letters.py`."""

from __future__ import annotations

import random
import re
from datetime import date
from functools import lru_cache
from typing import Any

from coding_assistant.synth.data import SynthData
from coding_assistant.synth.plan import StayPlan
from coding_assistant.synth.typos import misspell
from coding_assistant.synth.wording import capitalise, elide, fill, french_number, guess_feminine, indefinite


def french_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


@lru_cache(maxsize=4)
def _abbreviation_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, whole words only, so that "traitements" is not half-replaced by "traitement".
    ordered = sorted(words, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in ordered) + r")\b")


class Style:
    """How one document is written: chosen once per document so that a letter is consistent with itself."""

    def __init__(self, rng: random.Random, data: SynthData) -> None:
        self.rng = rng
        self.data = data
        self.telegraphic = rng.random() < 0.4
        self.abbreviate = self.telegraphic or rng.random() < 0.2
        self.typo_rate = rng.choice([0.0, 0.0, 0.03, 0.08])
        self.title_format: str = rng.choice(data.style["title_formats"])
        self.order = rng.choice(data.style["section_orders"])
        self._abbrev = data.style["abbreviations"]
        self._abbrev_re = _abbreviation_pattern(tuple(self._abbrev))

    def frame(self, template: str) -> str:
        """A template as this document writes it: abbreviated, sometimes misspelt (before filling, so the
        diagnoses and measurements inserted afterwards keep their own wording)."""
        if self.abbreviate and self.rng.random() < 0.6:
            template = self._abbrev_re.sub(lambda m: self._abbrev[m.group(1)], template)
        if self.typo_rate and self.rng.random() < self.typo_rate:
            template = misspell(template, self.rng)
        return template

    def say(self, templates: list[str] | str, values: dict[str, Any]) -> str:
        template = templates if isinstance(templates, str) else self.rng.choice(templates)
        return fill(self.frame(template), values)

    def title(self, key: str) -> str:
        text = self.rng.choice(self.data.style["section_titles"][key])
        return self.title_format.replace("{t}", text).replace("{T}", text.upper())

    def join(self, lines: list[str]) -> str:
        lines = [line for line in lines if line]
        if self.telegraphic:
            return "\n".join(lines)
        return " ".join(line.lstrip("-* ") for line in lines)


def condition_values(text: str, facts: dict[str, Any]) -> dict[str, Any]:
    """Template values for a sentence about one condition."""
    feminine = guess_feminine(text)
    return {
        **facts,
        "x": text,
        "X": capitalise(text),
        "de_x": elide("de", text),
        "article_x": indefinite(text, feminine),
        "e_x": "e" if feminine else "",
    }


def biology_line(style: Style, plan: StayPlan, panel: str, abnormal: dict[str, list[float]]) -> str:
    """The admission biology on one line (see `biology_items`)."""
    rng = style.rng
    items = biology_items(style, plan, panel, abnormal)
    separator = ", " if style.telegraphic or rng.random() < 0.5 else " ; "
    intro: str = rng.choice(style.data.frames["paraclinical"]["bio_intro"])
    return intro + separator.join(items) + "."


def biology_items(style: Style, plan: StayPlan, panel: str, abnormal: dict[str, list[float]]) -> list[str]:
    """The admission biology: panel tests with normal values, the scenario's abnormal ones, and the
    measurements that decide a code written verbatim in place of their test."""
    rng, tests = style.rng, style.data.biology["tests"]
    patient = plan.patient
    items: list[str] = []
    ckd = next((m.code for m in plan.mentions if m.code in style.data.biology["creatinine_by_ckd"]), None)
    for key in style.data.biology["panels"][panel]:
        if key in plan.measured_tests:
            items.append(plan.measured_tests[key])
            continue
        if key == "dfg" and any(m.code.startswith(("N17", "N18")) for m in plan.mentions):
            # An acute DFG would read as a CKD stage, and a CKD's DFG is its measurement (or the dialysis):
            # letters give the creatinine only.
            continue
        test = tests[key]
        if key in abnormal:
            low, high = abnormal[key]
        elif key == "creat" and ckd is not None:
            low, high = style.data.biology["creatinine_by_ckd"][ckd]
        elif patient.age < 16 and "normal_child" in test:
            low, high = test["normal_child"]
        else:
            low, high = test.get(f"normal_{patient.sex.lower()}", test.get("normal"))
        if key == "hb" and any(m.code[:3] in ("D50", "D62", "D64", "O99") for m in plan.mentions):
            low, high = 7.6, 10.4
        value = french_number(rng.uniform(low, high), test["decimals"])
        items.append(
            fill(
                rng.choice(style.data.frames["paraclinical"]["bio_item"]),
                {"name": rng.choice(test["names"]), "value": value, "unit": rng.choice(test["unit"])},
            )
        )
    for key, text in plan.measured_tests.items():
        if text not in items and key not in style.data.biology["panels"][panel]:
            items.append(text)
    return items


def header(style: Style, plan: StayPlan, title_key: str, session: bool = False) -> str:
    rng, frames, p = style.rng, style.data.frames, plan.patient
    birth = (
        p.admission.replace(year=p.admission.year - p.age)
        if not (p.admission.month == 2 and p.admission.day == 29)
        else p.admission.replace(year=p.admission.year - p.age, day=28)
    )
    values = {
        **plan.facts,
        "surname": p.surname,
        "SURNAME": p.surname.upper(),
        "first": p.first_name,
        "birth": french_date(birth),
        "adm": french_date(p.admission),
        "dis": french_date(p.discharge),
        "doctor": p.doctor,
        "gp": p.gp,
    }
    lines = [
        p.hospital,
        p.service,
        rng.choice(frames["doc_titles"][title_key]),
        fill(rng.choice(frames["header"]["patient"]), values),
        fill(rng.choice(frames["header"]["session" if session else "stay"]), values),
        fill(rng.choice(frames["header"]["author"]), values),
    ]
    if rng.random() < 0.5:
        lines.append(fill(rng.choice(frames["header"]["recipient"]), values))
    return "\n".join(lines)
