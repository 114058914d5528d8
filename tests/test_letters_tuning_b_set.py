"""The second letters tuning set (`tests/data/letters_tuning_b/`) is well-formed: 40 stays that read in the
data contract, each with a discharge letter (CRH) with text, ordered dates in 2026 and gold codes that exist
and are active in the CIM-10 FR table at a position their type allows (DP type MCO 0, DR 0 or 4, DAS 0, 1, 2
or 4). This is a format check only: quality figures are measured elsewhere and are in-sample once the product
is tuned on this set."""

from __future__ import annotations

import csv
from pathlib import Path

from coding_assistant.schema import read_stays

ROOT = Path(__file__).resolve().parents[1]
STAYS = ROOT / "tests" / "data" / "letters_tuning_b" / "stays.jsonl"
CIM10 = ROOT / "terminologies" / "cim10" / "cim10_fr_2025.csv"


def _cim10_types() -> dict[str, str]:
    """Active CIM-10 FR codes (without dot) mapped to their type MCO."""
    with CIM10.open(encoding="utf-8") as handle:
        return {row["code"]: row["type_mco"] for row in csv.DictReader(handle) if row["active"] == "1"}


def test_the_second_letters_tuning_set_is_well_formed() -> None:
    types = _cim10_types()
    stays = read_stays(STAYS)
    ids = [stay.stay_id for stay in stays]
    assert ids == [f"LB{number:02d}" for number in range(1, 41)]
    for stay in stays:
        crh = [doc for doc in stay.documents if doc.type == "CRH"]
        assert len(crh) == 1 and crh[0].text.strip(), stay.stay_id
        assert crh[0].doc_id == f"{stay.stay_id}-CRH", stay.stay_id
        assert stay.admission_date is not None and stay.discharge_date is not None, stay.stay_id
        assert stay.admission_date.year == 2026, stay.stay_id
        assert stay.admission_date <= stay.discharge_date, stay.stay_id
        codes = stay.codes
        assert codes is not None and codes.dp, stay.stay_id
        assert types.get(codes.dp) == "0", (stay.stay_id, codes.dp)
        if codes.dr:
            assert types.get(codes.dr) in {"0", "4"}, (stay.stay_id, codes.dr)
            assert codes.dp.startswith("Z"), (stay.stay_id, codes.dr)
        assert len(set(codes.das)) == len(codes.das) and codes.dp not in codes.das, stay.stay_id
        assert codes.dr not in codes.das, stay.stay_id
        for code in codes.das:
            assert types.get(code) in {"0", "1", "2", "4"}, (stay.stay_id, code)


def test_the_second_letters_tuning_set_carries_no_acts() -> None:
    lines = STAYS.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 40
    assert all('"acts"' not in line for line in lines)
