"""A severe neutropenia told by its neutrophil count (rules/neutropenia.py). Sentences written here."""

from __future__ import annotations

import pytest

from coding_assistant.pipeline import CodingPipeline
from coding_assistant.rules.neutropenia import find_severe_neutropenia
from coding_assistant.schema import Document, Stay


@pytest.mark.parametrize(
    "sentence",
    [
        "Aux urgences, les polynucléaires neutrophiles étaient à 0,12 G/L.",
        "PNN 300/mm³ à J10 de la cure.",
        "Neutrophiles : 0.2 x10^9/L.",
        "PNN à 150/µL, filgrastim débuté.",
    ],
)
def test_a_count_below_half_a_giga_per_litre_is_a_severe_neutropenia(sentence: str) -> None:
    found = find_severe_neutropenia(sentence)
    assert [m.code for m in found] == ["D70"]
    assert sentence[found[0].start : found[0].end] == found[0].text


@pytest.mark.parametrize(
    "sentence",
    [
        "Sortie d'aplasie le 2 mars (PNN 1,9 G/L).",
        "PNN 800/mm³.",
        "PNN 120.",  # no unit: either scale
        "Ponction d'ascite : 420 PNN/mm³, PNN 110/mm³ à J3.",  # the ascitic fluid's count
        "LCR : 1200 éléments, neutrophiles 80/mm³.",
    ],
)
def test_a_normal_count_a_count_without_unit_or_a_fluid_s_count_is_none(sentence: str) -> None:
    assert find_severe_neutropenia(sentence) == []


def test_the_neutropenia_a_count_defines_is_coded(text_pipeline: CodingPipeline) -> None:
    text = (
        "Lymphome B diffus à grandes cellules traité par R-CHOP, 3e cure le 16/02. Fièvre à 39 °C à J10, "
        "les polynucléaires neutrophiles étaient à 0,12 G/L. Pipéracilline-tazobactam et filgrastim, apyrexie en 48 h."
    )
    stay = Stay(stay_id="S1", sex="M", age=58, documents=[Document(doc_id="d", text=text)])
    selected = {p.code[:3] for p in text_pipeline.propose(stay).proposals if p.selected}
    assert "D70" in selected
