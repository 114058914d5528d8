"""A fracture whose sentence names osteoporosis is coded M80 by its site (rules/osteoporotic_fracture.py,
pipeline/combined_codes.py), post-menopausal when the letter says so, and the osteoporosis is not coded apart.
Sentences written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from coding_assistant.errors import TerminologyFileError
from coding_assistant.pipeline import CodingPipeline
from coding_assistant.rules.osteoporotic_fracture import (
    code_naming_osteoporosis,
    names_osteoporosis,
    read_osteoporotic_fractures,
    with_its_kind,
)
from coding_assistant.schema import Document, Stay
from tests.reference_tables import cim10_codes


@pytest.mark.parametrize(
    ("sentence", "named"),
    [
        ("Fracture vertébrale L1 sur ostéoporose post-ménopausique densitométrique sévère.", True),
        ("Fracture du col fémoral ostéoporotique.", True),
        ("Fracture du poignet, pas d'ostéoporose à la densitométrie.", False),
        ("Fracture de L1 après une chute de 3 mètres.", False),
    ],
)
def test_a_sentence_names_osteoporosis(sentence: str, named: bool) -> None:
    assert names_osteoporosis(sentence) is named


def test_each_fracture_site_has_its_m80_code_and_kind() -> None:
    assert code_naming_osteoporosis("S2200") == "M8098"
    assert code_naming_osteoporosis("S7200") == "M8095"
    assert code_naming_osteoporosis("S0600") is None
    assert with_its_kind("M8098", "sur ostéoporose post-ménopausique") == "M8008"
    assert with_its_kind("M8098", "sur ostéoporose cortisonique") == "M8098"


def test_every_pair_is_two_active_codes_of_the_cim10_table() -> None:
    table = cim10_codes()
    rules = Path(__file__).resolve().parents[2] / "terminologies" / "rules"
    for fracture, code in read_osteoporotic_fractures(rules / "osteoporotic_fracture_codes.csv").items():
        assert table[code]["active"] == "1", (fracture, code)


def test_a_bad_row_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "pairs.csv"
    path.write_text("condition,code,basis\nS220,M8098,ok\nvertèbre,M8098,not a code\n", encoding="utf-8")
    with pytest.raises(TerminologyFileError, match=":3:"):
        read_osteoporotic_fractures(path)


def test_a_vertebral_fracture_on_osteoporosis_is_m80_and_no_m81(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : lombalgie aiguë.\n"
        "Conclusion : fracture vertébrale L1 sur ostéoporose post-ménopausique densitométrique sévère.\n"
    )
    stay = Stay(stay_id="O1", sex="F", age=71, documents=[Document(doc_id="d", text=text)])
    chosen = {p.code for p in text_pipeline.propose(stay).proposals if p.selected}
    assert "M8008" in chosen and not any(code.startswith(("S22", "S32", "M81")) for code in chosen), chosen
