"""A carbon monoxide poisoning told by its carboxyhaemoglobin (rules/carbon_monoxide.py). Sentences written here."""

from __future__ import annotations

import pytest

from coding_assistant.pipeline import CodingPipeline
from coding_assistant.rules.carbon_monoxide import find_carbon_monoxide_poisoning
from coding_assistant.schema import Document, Stay


@pytest.mark.parametrize(
    "sentence",
    [
        "HbCO 24 % à l'arrivée.",
        "L'HbCO était à 18,5 % chez ce non-fumeur.",
        "Carboxyhémoglobinémie mesurée à 12 %.",
        "COHb : 6 %.",
    ],
)
def test_a_carboxyhaemoglobin_at_or_above_the_limit_is_a_poisoning(sentence: str) -> None:
    found = find_carbon_monoxide_poisoning(sentence)
    assert [m.code for m in found] == ["T58"]
    assert sentence[found[0].start : found[0].end] == found[0].text


@pytest.mark.parametrize(
    "sentence",
    [
        "HbCO à 2 % à H6.",  # the control after oxygen
        "HbCO 4 % chez un fumeur.",
        "Hémoglobine 12 g/dL, SpO2 98 %.",  # another analyte
        "HbCO en cours.",
    ],
)
def test_a_normal_or_absent_value_is_none(sentence: str) -> None:
    assert find_carbon_monoxide_poisoning(sentence) == []


def test_the_poisoning_the_value_defines_is_the_dp_over_its_headache(text_pipeline: CodingPipeline) -> None:
    text = (
        "Amené par les pompiers après le déclenchement du détecteur de l'appartement, chaudière ancienne. "
        "Céphalées, nausées et brève perte de connaissance au réveil. HbCO 24 % à l'arrivée, ECG normal. "
        "Oxygénothérapie hyperbare, céphalées résolues. HbCO à 2 % à H6. Sortie le lendemain."
    )
    stay = Stay(stay_id="S1", sex="M", age=41, documents=[Document(doc_id="d", text=text)])
    roles = {p.code[:3]: p.role for p in text_pipeline.propose(stay).proposals}
    assert roles["T58"] == "DP"
