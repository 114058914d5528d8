"""The held-out sets B, C and D of coded stays with CCAM acts (`tests/data/acts_heldout_b/`, `acts_heldout_c/`,
`acts_heldout_d/`) are well-formed: every stay reads in the data contract, its dates hold together, every gold act
is a current CCAM code with an activity 1 that fits the patient's sex and the act's date, every DP/DAS is a codable
CIM-10 FR code, and the annotations match the stays. Not a quality assertion: the product's figures on these sets
are measured apart, never tested here."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from coding_assistant.schema import Codes, Stay, read_stays
from tests.reference_tables import SEX_OF_CCAM, Row, activities_by_code, ccam_acts, cim10_codes

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


@dataclass(frozen=True)
class HeldOutSet:
    name: str
    prefix: str
    folder: Path
    # The file as its gold was fixed, before the product was first run on it (its README): a change makes a new set.
    frozen_sha256: str


HELDOUT_SETS = [
    HeldOutSet("B", "AHB", DATA / "acts_heldout_b", "7c31ded9a23715f5651040b42fbb60089ade9fe8b767a43415c51683776b9194"),
    HeldOutSet("C", "AHC", DATA / "acts_heldout_c", "7fc1f8ce83c0372c10bfdbd88c739f6f5f0cd7a2002c92937c825a9600cad85a"),
    HeldOutSet("D", "AHD", DATA / "acts_heldout_d", "a45b56c1cd2e97266804caf95357e8f75f697011c4dd1e21f5437840a249cf96"),
]


@pytest.fixture(scope="module", params=HELDOUT_SETS, ids=[held_out.name for held_out in HELDOUT_SETS])
def held_out(request: pytest.FixtureRequest) -> HeldOutSet:
    value = request.param
    assert isinstance(value, HeldOutSet)
    return value


@pytest.fixture(scope="module")
def stays(held_out: HeldOutSet) -> list[Stay]:
    return read_stays(held_out.folder / "stays.jsonl")


@pytest.fixture(scope="module")
def annotation_rows(held_out: HeldOutSet) -> dict[str, dict[str, object]]:
    lines = (held_out.folder / "annotations.jsonl").read_text(encoding="utf-8").splitlines()
    rows: list[dict[str, object]] = [json.loads(line) for line in lines if line.strip()]
    return {str(row["stay_id"]): row for row in rows}


@pytest.fixture(scope="module")
def ccam() -> dict[str, Row]:
    return ccam_acts()


@pytest.fixture(scope="module")
def activities() -> dict[str, set[str]]:
    return activities_by_code()


@pytest.fixture(scope="module")
def cim10() -> dict[str, Row]:
    return cim10_codes()


def _codes(stay: Stay) -> Codes:
    assert stay.codes is not None, stay.stay_id
    return stay.codes


def _not_done(row: dict[str, object]) -> list[str]:
    value = row["not_done"]
    assert isinstance(value, list), row["stay_id"]
    return [str(code) for code in value]


def test_the_file_is_the_one_whose_gold_was_fixed(held_out: HeldOutSet) -> None:
    digest = hashlib.sha256((held_out.folder / "stays.jsonl").read_bytes()).hexdigest()
    assert digest == held_out.frozen_sha256, (
        f"the held-out set {held_out.name} was edited: it is never tuned on (see its README)"
    )


def test_every_stay_has_documents_and_dates(held_out: HeldOutSet, stays: list[Stay]) -> None:
    assert [stay.stay_id for stay in stays] == [f"{held_out.prefix}{n:02d}" for n in range(1, 41)]
    doc_ids = [doc.doc_id for stay in stays for doc in stay.documents]
    assert len(set(doc_ids)) == len(doc_ids)
    for stay in stays:
        assert stay.sex in {"M", "F"} and stay.age is not None, stay.stay_id
        assert stay.unit, stay.stay_id
        assert stay.admission_date and stay.discharge_date, stay.stay_id
        assert stay.admission_date.year == 2026 and stay.admission_date <= stay.discharge_date, stay.stay_id
        assert stay.documents and all(doc.text.strip() for doc in stay.documents), stay.stay_id
        assert all(doc.type in {"CRO", "CRH", "CR-ENDO", "CR-INTERV"} for doc in stay.documents), stay.stay_id
        assert max(len(doc.text) for doc in stay.documents) > 300, stay.stay_id


def test_every_gold_act_is_one_line_of_activity_1_inside_the_stay(stays: list[Stay]) -> None:
    for stay in stays:
        codes = _codes(stay)
        assert codes.dp and codes.dr is None, stay.stay_id
        assert codes.acts is not None, stay.stay_id
        assert len(codes.act_codes()) == len(codes.acts), stay.stay_id
        for act in codes.acts:
            assert act.activity == 1 and act.phase == 0, f"{stay.stay_id}: {act.code}"
            assert act.date is not None, f"{stay.stay_id}: {act.code}"
            assert stay.admission_date and stay.discharge_date
            assert stay.admission_date <= act.date <= stay.discharge_date, f"{stay.stay_id}: {act.code}"
    assert sum(1 for stay in stays if not _codes(stay).acts) == 2
    assert sum(1 for stay in stays if len(_codes(stay).act_codes()) >= 2) >= 8


def test_every_act_is_a_current_ccam_code_with_activity_1(
    stays: list[Stay],
    annotation_rows: dict[str, dict[str, object]],
    ccam: dict[str, Row],
    activities: dict[str, set[str]],
) -> None:
    for stay in stays:
        done = [(act.code, act.date) for act in _codes(stay).acts or []]
        planned = [(code, None) for code in _not_done(annotation_rows[stay.stay_id])]
        for code, when in done + planned:
            assert len(code) == 7, f"{stay.stay_id}: {code}"
            assert code in ccam, f"{stay.stay_id}: {code} is not in ccam_actes.csv"
            row = ccam[code]
            assert not row["date_fin"], f"{stay.stay_id}: {code} ended on {row['date_fin']}"
            assert "1" in activities.get(code, set()), f"{stay.stay_id}: {code} has no activity 1"
            if when is not None:
                assert row["date_debut"] <= when.isoformat(), f"{stay.stay_id}: {code} starts {row['date_debut']}"
            sex = SEX_OF_CCAM.get(row["compatibilite_sexe"])
            assert sex is None or sex == stay.sex, f"{stay.stay_id}: {code} is for sex {sex}"


def test_every_diagnosis_is_a_codable_cim10_code(stays: list[Stay], cim10: dict[str, Row]) -> None:
    for stay in stays:
        codes = _codes(stay)
        assert codes.dp is not None
        for code in [codes.dp, *codes.das]:
            assert code in cim10, f"{stay.stay_id}: {code} is not in the CIM-10 FR table"
            assert cim10[code]["active"] == "1" and cim10[code]["type_mco"] != "3", f"{stay.stay_id}: {code}"
        assert cim10[codes.dp]["type_mco"] == "0", f"{stay.stay_id}: {codes.dp} cannot be a DP"


def test_annotations_match_the_stays(stays: list[Stay], annotation_rows: dict[str, dict[str, object]]) -> None:
    assert set(annotation_rows) == {stay.stay_id for stay in stays}
    for stay in stays:
        row = annotation_rows[stay.stay_id]
        assert row["anaesthesia"] in {"AG", "ALR", "AL", "none"}, stay.stay_id
        assert row["specialty"], stay.stay_id
        not_done = _not_done(row)
        assert len(set(not_done)) == len(not_done), stay.stay_id
        assert not set(not_done) & set(_codes(stay).act_codes()), f"{stay.stay_id}: a not-done act is in the gold"
    assert sum(1 for row in annotation_rows.values() if _not_done(row)) >= 12
