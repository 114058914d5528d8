"""The one agent the stay's microbiology identified and the one infection CIM-10 names with it, written in
different sentences, make one code (pipeline/combined_codes.py: « PAC lobaire » J18.1 and « hémocultures positives
à Streptococcus pneumoniae » are J13); with two infections it could cause, each keeps its code. Letters written
here."""

from __future__ import annotations

from coding_assistant.pipeline import CodingPipeline
from coding_assistant.schema import Document, Stay


def selected(pipeline: CodingPipeline, text: str) -> set[str]:
    stay = Stay(stay_id="A1", sex="M", age=67, documents=[Document(doc_id="d", text=text)])
    return {p.code for p in pipeline.propose(stay).proposals if p.selected}


def test_the_one_agent_and_the_one_infection_it_causes_are_one_code(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : fièvre et douleur basithoracique droite.\n"
        "Biologie : hémocultures positives à Streptococcus pneumoniae.\n"
        "Conclusion : PAC lobaire inférieure droite, traitée par amoxicilline.\n"
    )
    chosen = selected(text_pipeline, text)
    assert "J13" in chosen and not any(code.startswith(("J18", "B953")) for code in chosen), chosen


def test_two_infections_the_agent_could_cause_keep_their_codes(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : fièvre.\n"
        "Biologie : hémocultures positives à Streptococcus pneumoniae.\n"
        "Conclusion : PAC lobaire inférieure droite. Méningite, ponction lombaire faite.\n"
    )
    chosen = selected(text_pipeline, text)
    assert "J13" not in chosen, chosen
