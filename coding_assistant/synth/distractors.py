"""Mentions that must not be coded: negated, ruled out or hypothetical, family history, resolved past
history and normal findings (guide méthodologique MCO 2025, chapitre IV: only the patient's current, established
conditions are coded). Each is kept with its kind so that tests can measure them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from coding_assistant.synth.wording import capitalise, elide, fill, indefinite, lower_first

KINDS = ("negated", "hypothetical", "family", "history")
# Where each kind is written in a letter.
SECTION_OF_KIND = {
    "negated": "examen",
    "hypothetical": "evolution",
    "family": "atcd_fam",
    "history": "atcd_med",
    "normal": "paraclinique",
}


@dataclass(frozen=True)
class Distractor:
    code: str
    kind: str  # negated, hypothetical, family, history, normal
    text: str
    section: str


def _phrase(rng: random.Random, template: str, form: str, feminine: bool, year: int) -> str:
    form = lower_first(form)
    values = {
        "x": form,
        "X": capitalise(form),
        "de_x": elide("de", form),
        "de_x_de": elide("de", indefinite(form, feminine)),
        "article_x": indefinite(form, feminine),
        "Article_x": capitalise(indefinite(form, feminine)),
        "e": "e" if feminine else "",
        "ne": "ne" if feminine else "",
        "age": rng.randint(45, 85),
        "year": year,
    }
    return fill(template, values)


def _conflicts(code: str, prefixes: list[str], gold_categories: set[str]) -> bool:
    if code[:3] in gold_categories:
        return True
    return any(category.startswith(p) for p in prefixes for category in gold_categories)


def pick_distractors(
    rng: random.Random,
    spec: dict[str, Any],
    context: str,
    gold_codes: list[str],
    count: int,
    admission_year: int,
) -> list[Distractor]:
    """Up to `count` distractors fitting the specialty, none sharing a category with a gold code (a letter
    never denies what it codes)."""
    gold_categories = {code[:3] for code in gold_codes}
    # Adult "general" conditions are not told about newborns, children or pregnant women.
    general = context not in ("neonat", "pediatrie", "obstetrique")
    conditions = [
        c
        for c in spec["conditions"]
        if (context in c["context"] or (general and "general" in c["context"])) and c["code"][:3] not in gold_categories
    ]
    normals = [n for n in spec["normal_findings"] if not _conflicts(n[1], n[2], gold_categories)]
    chosen: list[Distractor] = []
    used_codes: set[str] = set()
    for _ in range(count * 3):
        if len(chosen) >= count:
            break
        kind = rng.choices(["negated", "hypothetical", "family", "history", "normal"], weights=[4, 3, 2, 2, 3])[0]
        if kind == "normal":
            if not normals:
                continue
            phrase, code, _ = rng.choice(normals)
            if code in used_codes:
                continue
            used_codes.add(code)
            chosen.append(Distractor(code, kind, phrase, SECTION_OF_KIND[kind]))
            continue
        candidates = [c for c in conditions if kind in c.get("kinds", KINDS) and c["code"] not in used_codes]
        if not candidates:
            continue
        condition = rng.choice(candidates)
        form, gender = rng.choice(condition["forms"])
        template = rng.choice(spec["templates"][kind])
        year = admission_year - rng.randint(3, 30)
        text = _phrase(rng, template, form, gender == "f", year)
        used_codes.add(condition["code"])
        chosen.append(Distractor(condition["code"], kind, text, SECTION_OF_KIND[kind]))
    return chosen
