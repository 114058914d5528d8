"""Chapter XV first (rules/pregnancy.py): a condition complicating a pregnancy, a delivery or the puerperium
takes its chapter XV code in an obstetric stay, and only there."""

from __future__ import annotations

import pytest

from coding_assistant.pipeline import CodingPipeline
from coding_assistant.rules.pregnancy import pregnancy_code
from coding_assistant.schema import Document, Stay


@pytest.mark.parametrize(
    ("code", "expected"),
    [("D509", "O990"), ("D62", "O990"), ("N390", "O234"), ("E039", "O992"), ("F329", "O993"), ("I10", None)],
)
def test_the_chapter_xv_code_of_a_condition(code: str, expected: str | None) -> None:
    found = pregnancy_code(code)
    assert (found.code if found else None) == expected


def selected(pipeline: CodingPipeline, text: str, sex: str = "F", age: int = 30) -> set[str]:
    stay = Stay(stay_id="O1", sex=sex, age=age, documents=[Document(doc_id="d", text=text)])
    return {p.code for p in pipeline.propose(stay).proposals if p.selected}


def test_an_anaemia_in_an_obstetric_stay_is_o99_0_and_elsewhere_stays_d(text_pipeline: CodingPipeline) -> None:
    obstetric = (
        "Motif : accouchement.\nConclusion : accouchement par voie basse spontané à 39 SA. "
        "Anémie ferriprive du post-partum (Hb 8,2 g/dL), supplémentée.\n"
    )
    medical = "Motif : asthénie.\nConclusion : anémie ferriprive (Hb 8,2 g/dL) sur ménorragies, supplémentée.\n"
    in_pregnancy, outside = selected(text_pipeline, obstetric), selected(text_pipeline, medical)
    assert "O990" in in_pregnancy and not any(code.startswith("D5") for code in in_pregnancy)
    assert any(code.startswith("D50") for code in outside) and "O990" not in outside


def test_o80_is_for_a_delivery_with_nothing_else_to_code(text_pipeline: CodingPipeline) -> None:
    normal = "Motif : accouchement.\nConclusion : accouchement par voie basse spontané à 39 SA, suites simples.\n"
    complicated = (
        "Motif : accouchement.\nConclusion : accouchement par voie basse spontané à 39 SA compliqué d'une "
        "hémorragie du post-partum immédiat par atonie utérine, transfusée.\n"
    )
    assert any(code.startswith("O80") for code in selected(text_pipeline, normal))
    stay = Stay(stay_id="O2", sex="F", age=30, documents=[Document(doc_id="d", text=complicated)])
    proposals = text_pipeline.propose(stay).proposals
    chosen = {p.code: p.role for p in proposals if p.selected}
    assert not any(code.startswith("O80") for code in chosen)  # left out beside the haemorrhage
    assert any(code.startswith("O72") and role == "DP" for code, role in chosen.items())
