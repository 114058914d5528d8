"""The held-out set of coded operative reports (`tests/data/acts_heldout/`) is well-formed: every stay reads
in the data contract, has documents and acts, every CCAM code exists with an activity 1 and no end date,
every DP/DAS is a codable CIM-10 FR code, and the annotations match the stays. Not a quality assertion: the
product's figures on this set are measured by `bench/acts_quality.py`, never tested here."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from coding_assistant.schema import Stay, read_stays
from tests.reference_tables import activities_by_code, ccam_acts, cim10_codes

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "tests" / "data" / "acts_heldout"
# The file as first run through the product (its README): a change makes a new set, not a fix.
FROZEN_SHA256 = "d984944621b6423744cc2d117df6c4eeb7be074b2fa2c6d78e12452e3c949067"


@pytest.fixture(scope="module")
def stays() -> list[Stay]:
    return list(read_stays(HELDOUT / "stays.jsonl"))


@pytest.fixture(scope="module")
def annotations() -> dict[str, dict]:
    lines = (HELDOUT / "annotations.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return {row["stay_id"]: row for row in rows}


@pytest.fixture(scope="module")
def ccam() -> dict[str, dict[str, str]]:
    return ccam_acts()


@pytest.fixture(scope="module")
def activities() -> dict[str, set[str]]:
    return activities_by_code()


@pytest.fixture(scope="module")
def cim10() -> dict[str, dict[str, str]]:
    return cim10_codes()


def test_the_file_is_the_one_first_measured() -> None:
    digest = hashlib.sha256((HELDOUT / "stays.jsonl").read_bytes()).hexdigest()
    assert digest == FROZEN_SHA256, "the held-out set was edited: it is never tuned on (see its README)"


def test_every_stay_has_documents_dates_and_acts(stays: list[Stay]) -> None:
    assert len(stays) == 40
    assert len({stay.stay_id for stay in stays}) == len(stays)
    doc_ids = [doc.doc_id for stay in stays for doc in stay.documents]
    assert len(set(doc_ids)) == len(doc_ids)
    for stay in stays:
        assert stay.sex in {"M", "F"} and stay.age is not None, stay.stay_id
        assert stay.admission_date and stay.discharge_date, stay.stay_id
        assert stay.admission_date <= stay.discharge_date, stay.stay_id
        assert stay.documents and all(doc.text.strip() for doc in stay.documents), stay.stay_id
        assert max(len(doc.text) for doc in stay.documents) > 300, stay.stay_id
        assert stay.codes is not None and stay.codes.dp, stay.stay_id
        assert stay.codes.acts, stay.stay_id
        assert len(stay.codes.act_codes()) == len(stay.codes.acts), stay.stay_id


def test_every_act_is_a_current_ccam_code_with_activity_1(
    stays: list[Stay], annotations: dict[str, dict], ccam: dict, activities: dict
) -> None:
    codes = {code for stay in stays for code in stay.codes.act_codes()}
    codes |= {code for row in annotations.values() for code in row["not_done"]}
    for code in sorted(codes):
        assert len(code) == 7, code
        assert code in ccam, f"{code} is not in ccam_actes.csv"
        assert not ccam[code]["date_fin"], f"{code} ended on {ccam[code]['date_fin']}"
        assert "1" in activities.get(code, set()), f"{code} has no activity 1"


def test_every_diagnosis_is_a_codable_cim10_code(stays: list[Stay], cim10: dict) -> None:
    for stay in stays:
        for code in [stay.codes.dp, *stay.codes.das]:
            assert code in cim10, f"{stay.stay_id}: {code} is not in the CIM-10 FR table"
            assert cim10[code]["active"] == "1" and cim10[code]["type_mco"] != "3", f"{stay.stay_id}: {code}"
        assert cim10[stay.codes.dp]["type_mco"] == "0", f"{stay.stay_id}: {stay.codes.dp} cannot be a DP"


def test_annotations_match_the_stays(stays: list[Stay], annotations: dict[str, dict]) -> None:
    assert set(annotations) == {stay.stay_id for stay in stays}
    for stay in stays:
        row = annotations[stay.stay_id]
        assert row["anaesthesia"] in {"AG", "ALR", "LOCALE"}, stay.stay_id
        assert row["specialty"], stay.stay_id
        assert isinstance(row["not_done"], list), stay.stay_id
    assert sum(1 for row in annotations.values() if row["not_done"]) >= 10
