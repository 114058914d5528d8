"""A code that leaves a condition's agent or site unspecified, beside the code that names it, is the same
condition said twice (rules/specified_categories.py, used by the pipeline's precise-over-vague step)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coding_assistant.errors import TerminologyFileError
from coding_assistant.pipeline import CodingPipeline
from coding_assistant.rules.specified_categories import read_specified_categories, specifies
from coding_assistant.schema import Document, Stay


@pytest.mark.parametrize(
    ("precise", "vague", "expected"),
    [
        ("A080", "A099", True),  # rotavirus enteritis specifies a gastro-enteritis of unspecified origin
        ("J13", "J189", True),
        ("N10", "N390", True),
        ("N136", "N390", True),
        ("N300", "N390", True),
        ("A090", "A099", False),  # the same category
        ("N390", "N10", False),  # the other way round
        ("N393", "N10", False),
        ("N10", "N393", False),  # N39.3 (stress incontinence) is not an unspecified infection
        ("K35", "A099", False),
        ("K510", "K529", True),  # « colite aiguë grave sur RCH pancolique » is the ulcerative colitis' flare
        ("K508", "K529", True),
        ("K510", "K520", False),  # a radiation colitis is a colitis of its own
        ("K226", "K920", True),  # the haematemesis of a Mallory-Weiss tear
        ("K226", "K922", True),
        ("K250", "K920", False),
    ],
)
def test_a_code_that_names_the_agent_or_site_specifies_the_vague_one(precise: str, vague: str, expected: bool) -> None:
    assert specifies(precise, vague) is expected


def test_a_bad_row_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "specified.csv"
    path.write_text("vague,specified_from,specified_to,basis\nA09,A08,A00,reversed\n", encoding="utf-8")
    with pytest.raises(TerminologyFileError, match=":2:"):
        read_specified_categories(path)


def test_a_gastroenteritis_named_with_its_virus_is_coded_once(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : diarrhées et vomissements.\n"
        "Histoire : diarrhées liquides depuis 48 heures, gastro-entérite en crèche.\n"
        "Conclusion : gastro-entérite aiguë à rotavirus.\n"
    )
    stay = Stay(stay_id="S1", sex="M", age=1, documents=[Document(doc_id="d", text=text)])
    selected = {p.code[:3]: p for p in text_pipeline.propose(stay).proposals if p.selected}
    assert "A08" in selected and "A09" not in selected


def test_a_colitis_on_a_named_ulcerative_colitis_is_the_disease(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : diarrhée sanglante.\n"
        "Antécédents : rectocolite hémorragique pancolique depuis 2021.\n"
        "Conclusion : colite aiguë grave sur RCH pancolique, corticosensible.\n"
    )
    stay = Stay(stay_id="S1", sex="F", age=34, documents=[Document(doc_id="d", text=text)])
    proposals = text_pipeline.propose(stay).proposals
    dp = next(p for p in proposals if p.role == "DP")
    assert dp.code.startswith("K51")
    assert not any(p.selected and p.code.startswith("K52") for p in proposals)
