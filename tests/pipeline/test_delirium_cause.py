"""A delirium the stay explains by an infection it treats gives the DP to the infection (pipeline/roles.py,
`_infection_under_a_delirium`); a delirium triggered by anything else stays the DP. Letters written here."""

from __future__ import annotations

import pytest

from coding_assistant.pipeline import CodingPipeline
from coding_assistant.schema import Document, Stay


def roles_of(pipeline: CodingPipeline, conclusion: str) -> dict[str, str | None]:
    text = f"Motif : confusion aiguë.\nConclusion : {conclusion}\n"
    stay = Stay(stay_id="S1", sex="F", age=88, documents=[Document(doc_id="d", text=text)])
    return {p.code[:3]: p.role for p in pipeline.propose(stay).proposals if p.selected}


@pytest.mark.parametrize(
    "conclusion",
    [
        "syndrome confusionnel aigu sur démence d'Alzheimer, en rapport avec une infection urinaire fébrile à "
        "E. coli traitée par ceftriaxone.",
        "confusion aiguë hyperactive. Pneumopathie du lobe inférieur droit traitée par amoxicilline.",
    ],
)
def test_the_infection_a_delirium_reveals_is_the_dp_and_the_delirium_a_das(
    text_pipeline: CodingPipeline, conclusion: str
) -> None:
    roles = roles_of(text_pipeline, conclusion)
    assert roles["F05"] == "DAS"
    assert next(code for code, role in roles.items() if role == "DP")[:1] in ("N", "J", "A")


def test_a_delirium_triggered_by_something_else_stays_the_dp(text_pipeline: CodingPipeline) -> None:
    roles = roles_of(
        text_pipeline,
        "syndrome confusionnel aigu sur démence d'Alzheimer, déclenché par une rétention aiguë d'urine sur fécalome.",
    )
    assert roles["F05"] == "DP"
