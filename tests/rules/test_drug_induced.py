"""A condition that the letter holds a drug responsible for, in its own clause, takes the CIM-10 code of its
drug-induced form (rules/drug_induced.py): diarrhoea A09.9 → K52.1, hypothyroidism E03.9 → E03.2 …; a drug named
in another clause of the sentence changes nothing. Sentences written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from coding_assistant.errors import TerminologyFileError
from coding_assistant.pipeline import CodingPipeline
from coding_assistant.rules.drug_induced import code_naming_a_drug, read_drug_induced
from coding_assistant.schema import Document, Stay
from tests.reference_tables import cim10_codes


def test_each_condition_has_its_drug_induced_code() -> None:
    assert code_naming_a_drug("A099") == "K521"
    assert code_naming_a_drug("K8590") == "K853"  # a code under the category's subdivision
    assert code_naming_a_drug("K521") is None  # already drug-induced
    assert code_naming_a_drug("J189") is None


def test_every_pair_is_two_active_codes_of_the_cim10_table() -> None:
    table = cim10_codes()
    rules = Path(__file__).resolve().parents[2] / "terminologies" / "rules"
    pairs = read_drug_induced(rules / "drug_induced_codes.csv")
    for condition, code in pairs.items():
        assert table[condition]["active"] == "1" and table[code]["active"] == "1", (condition, code)


def test_a_bad_row_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "drugs.csv"
    path.write_text("condition,code,basis\nA099,K521,ok\ndiarrhée,K521,not a code\n", encoding="utf-8")
    with pytest.raises(TerminologyFileError, match=":3:"):
        read_drug_induced(path)


def selected(pipeline: CodingPipeline, text: str) -> set[str]:
    stay = Stay(stay_id="D1", sex="F", age=63, documents=[Document(doc_id="d", text=text)])
    return {p.code[:4] for p in pipeline.propose(stay).proposals if p.selected}


def test_the_pipeline_codes_the_drug_induced_form_when_its_clause_holds_the_drug_responsible(
    text_pipeline: CodingPipeline,
) -> None:
    caused = "Motif : diarrhée.\nAu total : diarrhée grade 3 imputable à la capécitabine, avec déshydratation.\n"
    chosen = selected(text_pipeline, caused)
    assert "K521" in chosen and "Y431" in chosen and "A099" not in chosen
    other_clause = (
        "Motif : diarrhée.\nAu total : insuffisance rénale aiguë (hypovolémie sur diarrhée aiguë), aggravée par "
        "les AINS.\n"
    )
    assert "K521" not in selected(text_pipeline, other_clause)


def test_a_condition_the_letter_calls_drug_induced_takes_that_code_without_the_drug_named(
    text_pipeline: CodingPipeline,
) -> None:
    iatrogenic = "Motif : malaises.\nConclusion : malaises sur hypotension orthostatique iatrogène.\n"
    assert "I952" in selected(text_pipeline, iatrogenic)
    assert "K853" in selected(text_pipeline, "Motif : douleurs.\nConclusion : pancréatite aiguë médicamenteuse.\n")
    plain = "Motif : malaises.\nConclusion : hypotension orthostatique, contention veineuse.\n"
    chosen = selected(text_pipeline, plain)
    assert "I951" in chosen and "I952" not in chosen
