"""A condition whose sentence names alcohol as its cause takes its alcoholic CIM-10 code (rules/alcohol_induced.py):
K74.6 → K70.3, K85.9 → K85.2 …; « non alcoolique » and « pas d'alcool » name no cause. Sentences written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from coding_assistant.errors import TerminologyFileError
from coding_assistant.pipeline import CodingPipeline
from coding_assistant.rules.alcohol_induced import code_naming_alcohol, names_alcohol, read_alcohol_induced
from coding_assistant.schema import Document, Stay


@pytest.mark.parametrize(
    ("sentence", "named"),
    [
        ("Cirrhose Child B sur éthylisme chronique", True),
        ("Pancréatite aiguë Balthazar C, OH chronique", True),
        ("Insuffisance hépatique chez un patient alcoolo-tabagique", True),
        ("Stéatose hépatique non alcoolique", False),
        ("Pancréatite aiguë, pas d'intoxication alcoolique", False),
        ("Pancréatite aiguë biliaire, sans consommation d'alcool", False),
        ("Relais par méthylprednisolone", False),
    ],
)
def test_a_sentence_names_alcohol_unless_it_denies_it(sentence: str, named: bool) -> None:
    assert names_alcohol(sentence) is named


def test_each_condition_has_its_alcoholic_code() -> None:
    assert code_naming_alcohol("K746") == "K703"
    assert code_naming_alcohol("K8590") == "K852"  # a code under the category's subdivision
    assert code_naming_alcohol("K703") is None  # already alcoholic
    assert code_naming_alcohol("J189") is None


def test_a_bad_row_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "alcohol.csv"
    path.write_text("condition,code,basis\nK746,K703,ok\ncirrhose,K703,not a code\n", encoding="utf-8")
    with pytest.raises(TerminologyFileError, match=":3:"):
        read_alcohol_induced(path)


def selected(pipeline: CodingPipeline, text: str) -> set[str]:
    stay = Stay(stay_id="A1", sex="M", age=58, documents=[Document(doc_id="d", text=text)])
    return {p.code[:4] for p in pipeline.propose(stay).proposals if p.selected}


def test_the_pipeline_codes_the_alcoholic_form_only_when_the_sentence_names_alcohol(
    text_pipeline: CodingPipeline,
) -> None:
    alcoholic = "Motif : ascite.\nConclusion : décompensation ascitique d'une cirrhose sur éthylisme chronique.\n"
    chosen = selected(text_pipeline, alcoholic)
    assert "K703" in chosen and "K746" not in chosen
    other = "Motif : ascite.\nConclusion : cirrhose post-hépatite C, pas d'alcool.\n"
    assert "K703" not in selected(text_pipeline, other)
