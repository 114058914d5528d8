"""The letters tuning set (`tests/data/letters_tuning/`) is well-formed: every stay reads in the data contract,
carries a discharge letter (CRH) with text, has ordered dates and gold codes that exist in the CIM-10 FR table
at a position their type allows (DP type MCO 0, DR 0 or 4, DAS 0, 1, 2 or 4). This is a format check only:
the set's quality figures are measured elsewhere and are in-sample once the product is tuned on it."""

from __future__ import annotations

import csv
from pathlib import Path

from coding_assistant.schema import read_stays

ROOT = Path(__file__).resolve().parents[1]
STAYS = ROOT / "tests" / "data" / "letters_tuning" / "stays.jsonl"
CIM10 = ROOT / "terminologies" / "cim10" / "cim10_fr_2025.csv"


def _cim10_types() -> dict[str, str]:
    """Active CIM-10 FR codes (without dot) mapped to their type MCO."""
    with CIM10.open(encoding="utf-8") as handle:
        return {row["code"]: row["type_mco"] for row in csv.DictReader(handle) if row["active"] == "1"}


def test_the_letters_tuning_set_is_well_formed() -> None:
    types = _cim10_types()
    stays = read_stays(STAYS)
    ids = [stay.stay_id for stay in stays]
    assert len(ids) == 40 and len(set(ids)) == len(ids)
    for stay in stays:
        crh = [doc for doc in stay.documents if doc.type == "CRH"]
        assert crh and all(doc.text.strip() for doc in crh), stay.stay_id
        assert stay.admission_date is not None and stay.discharge_date is not None, stay.stay_id
        assert stay.admission_date <= stay.discharge_date, stay.stay_id
        codes = stay.codes
        assert codes is not None and codes.dp, stay.stay_id
        assert types.get(codes.dp) == "0", (stay.stay_id, codes.dp)
        if codes.dr:
            assert types.get(codes.dr) in {"0", "4"}, (stay.stay_id, codes.dr)
        assert len(set(codes.das)) == len(codes.das) and codes.dp not in codes.das, stay.stay_id
        for code in codes.das:
            assert types.get(code) in {"0", "1", "2", "4"}, (stay.stay_id, code)
