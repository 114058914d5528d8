"""An HIV disease beside what it caused during the stay is coded by it (rules/hiv_disease.py, CIM-10 FR B20-B22),
the manifestation kept as a DAS; alone, or beside a condition it does not cause, it stays B24. Letters written
here."""

from __future__ import annotations

from pathlib import Path

import pytest

from coding_assistant.errors import TerminologyFileError
from coding_assistant.pipeline import CodingPipeline
from coding_assistant.rules.hiv_disease import hiv_code_for, hiv_code_for_all, read_hiv_manifestations
from coding_assistant.schema import Document, Stay
from tests.reference_tables import cim10_codes


def test_each_manifestation_has_its_hiv_code() -> None:
    assert hiv_code_for("B485") == "B206"
    assert hiv_code_for("B371") == "B204"  # a subdivision of a listed category
    assert hiv_code_for("A150") == "B200"
    assert hiv_code_for("C837") == "B211" and hiv_code_for("C833") == "B212"  # the subdivision's own pair first
    assert hiv_code_for("J189") is None


def test_several_manifestations_make_the_multiple_code() -> None:
    assert hiv_code_for_all(["B485", "B485"]) == "B206"
    assert hiv_code_for_all(["B485", "B371"]) == "B207"
    assert hiv_code_for_all(["C469", "C833"]) == "B217"
    assert hiv_code_for_all(["B485", "C469"]) == "B227"
    assert hiv_code_for_all(["I10"]) is None


def test_every_pair_is_an_active_code_of_the_cim10_table() -> None:
    table = cim10_codes()
    rules = Path(__file__).resolve().parents[2] / "terminologies" / "rules"
    for manifestation, code in read_hiv_manifestations(rules / "hiv_manifestation_codes.csv").items():
        assert manifestation in table and table[code]["active"] == "1", (manifestation, code)
        assert code[:3] in ("B20", "B21", "B22")


def test_a_bad_row_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "hiv.csv"
    path.write_text("condition,code,basis\nB485,B206,ok\npneumocystose,B206,not a code\n", encoding="utf-8")
    with pytest.raises(TerminologyFileError, match=":3:"):
        read_hiv_manifestations(path)


def proposals(pipeline: CodingPipeline, text: str) -> dict[str, str | None]:
    stay = Stay(stay_id="V1", sex="M", age=41, documents=[Document(doc_id="d", text=text)])
    return {p.code: p.role for p in pipeline.propose(stay).proposals if p.selected}


def test_a_pneumocystosis_in_an_hiv_patient_is_b20_6_as_dp_with_the_pneumocystosis_beside_it(
    text_pipeline: CodingPipeline,
) -> None:
    text = (
        "Motif : dyspnée fébrile.\n"
        "Antécédents : infection par le VIH découverte en 2019, perdu de vue, sans traitement.\n"
        "Évolution : LBA positif, traitement par cotrimoxazole et corticoïdes.\n"
        "Conclusion : pneumocystose pulmonaire révélant une infection par le VIH au stade SIDA.\n"
    )
    chosen = proposals(text_pipeline, text)
    assert chosen.get("B206") == "DP", chosen
    assert chosen.get("B485") == "DAS" and not any(code.startswith("B24") for code in chosen)


def test_an_hiv_infection_beside_an_unrelated_condition_stays_b24(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : fracture de la cheville droite.\n"
        "Antécédents : infection par le VIH sous trithérapie, charge virale indétectable.\n"
        "Conclusion : fracture bimalléolaire droite, ostéosynthèse. Infection par le VIH contrôlée.\n"
    )
    chosen = proposals(text_pipeline, text)
    assert not any(code[:3] in ("B20", "B21", "B22") for code in chosen), chosen
