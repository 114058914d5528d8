"""A DIM that reads the ATIH's DAS definition strictly (`das_from_antecedents = "cared_for"`) gets a chronic condition
named only among the antecedents listed unticked, with a note; one the stay took care of stays ticked; the default
pre-ticks both. Letters written here."""

from __future__ import annotations

import pytest

from coding_assistant.config import Settings
from coding_assistant.pipeline import CodingPipeline
from coding_assistant.pipeline.pipeline import PipelineSettings
from coding_assistant.schema import Document, Stay

LETTER = (
    "Motif : pneumopathie.\n"
    "Antécédents : hypertension artérielle sous amlodipine, hypothyroïdie substituée.\n"
    "Évolution : antibiothérapie ; hypothyroïdie décompensée, Levothyrox majoré à 100 µg.\n"
    "Conclusion : pneumopathie franche lobaire aiguë.\n"
)


def proposals(pipeline: CodingPipeline, strict: bool) -> dict[str, tuple[bool, list[str]]]:
    """Category → (selected, note rules), with the setting for this call only (the pipeline is shared)."""
    kept = pipeline.settings
    pipeline.settings = PipelineSettings(das_from_antecedents="cared_for" if strict else "all")
    try:
        stay = Stay(stay_id="A1", sex="F", age=80, documents=[Document(doc_id="d", type="CRH", text=LETTER)])
        return {p.code[:3]: (p.selected, [w.rule for w in p.warnings]) for p in pipeline.propose(stay).proposals}
    finally:
        pipeline.settings = kept


def test_a_condition_named_only_among_the_antecedents_is_unticked_when_the_site_asks(
    text_pipeline: CodingPipeline,
) -> None:
    default, strict = proposals(text_pipeline, strict=False), proposals(text_pipeline, strict=True)
    assert default["I10"][0] and default["E03"][0]
    assert not strict["I10"][0] and "antecedent-only-das" in strict["I10"][1]
    assert strict["E03"][0]  # the stay changed its treatment: it was cared for


def test_the_setting_accepts_only_its_two_values() -> None:
    assert Settings(das_from_antecedents="cared_for").das_from_antecedents == "cared_for"
    with pytest.raises(ValueError):
        Settings(das_from_antecedents="some")
