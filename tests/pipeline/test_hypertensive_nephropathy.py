"""A hypertension whose kidney disease the letter names is coded as the hypertensive nephropathy, which includes
it (CIM-10 I12): I12.0 with a renal failure, and no I10 beside it. Letters written here."""

from __future__ import annotations

from coding_assistant.pipeline import CodingPipeline
from coding_assistant.schema import Document, Stay


def selected(pipeline: CodingPipeline, text: str) -> set[str]:
    stay = Stay(stay_id="H1", sex="M", age=81, documents=[Document(doc_id="d", text=text)])
    return {p.code for p in pipeline.propose(stay).proposals if p.selected}


def test_a_named_hypertensive_nephropathy_replaces_the_hypertension(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : insuffisance rénale aiguë.\n"
        "Antécédents : IRC stade 4 sur néphroangiosclérose, HTA sous amlodipine.\n"
        "Évolution : réhydratation, créatinine revenue à son niveau de base.\n"
        "Conclusion : insuffisance rénale aiguë fonctionnelle sur IRC stade 4, HTA.\n"
    )
    chosen = selected(text_pipeline, text)
    assert "I120" in chosen and "I10" not in chosen


def test_a_hypertension_alone_stays_i10(text_pipeline: CodingPipeline) -> None:
    text = "Motif : pneumopathie.\nAntécédents : HTA sous amlodipine.\nConclusion : pneumopathie, HTA.\n"
    chosen = selected(text_pipeline, text)
    assert not any(code.startswith("I12") for code in chosen)
