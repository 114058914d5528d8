"""The letters sets are well-formed: the tuning sets (`tests/data/letters_tuning/`, `letters_tuning_b/`,
`letters_tuning_c/` to `letters_tuning_m/`) and the held-out sets (`tests/data/letters_heldout/`,
`letters_heldout_b/` to `letters_heldout_e/`), 40 stays each that read in the data contract,
each with a discharge letter (CRH) with text, ordered dates and gold codes that exist and are active in the CIM-10
FR table at a position their type allows (DP type MCO 0, a DR 0 or 4 beside a Z DP, DAS 0, 1, 2 or 4), no acts.
The held-out sets are frozen: they measure the product on letters it was never tuned on, so a change to their files
(or a fix made because of errors seen on them) is reported, not absorbed. A format check only: the quality figures
are measured by `bench/letters_quality.py` (in-sample for the tuning sets once the product is tuned on them)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from coding_assistant.schema import read_stays
from tests.reference_tables import cim10_codes

ROOT = Path(__file__).resolve().parents[1]
SETS = [
    ("letters_tuning", "LT"),
    ("letters_tuning_b", "LB"),
    ("letters_heldout", "LH"),
    ("letters_tuning_c", "LC"),
    ("letters_heldout_b", "LK"),
    ("letters_tuning_d", "LD"),
    ("letters_heldout_c", "LM"),
    ("letters_tuning_e", "LE"),
    ("letters_heldout_d", "LN"),
    ("letters_tuning_f", "LF"),
    ("letters_tuning_g", "LG"),
    ("letters_tuning_h", "LJ"),
    ("letters_tuning_i", "LI"),
    ("letters_tuning_j", "LP"),
    ("letters_tuning_k", "LQ"),
    ("letters_tuning_l", "LR"),
    ("letters_heldout_e", "LU"),
    ("letters_tuning_m", "LS"),
]
# Each held-out file as its gold was fixed, before the product was first run on it (their READMEs).
HELDOUT_SHA256 = {
    "letters_heldout": "f480e7198fbb2948c99b95dcb881e5b3c23ceeef2e11e2322280c2a2781e0360",
    "letters_heldout_b": "66610f288a3ed0efc3194b5baf688e14a8d9f2e9ff76f305f027d315544a64c1",
    "letters_heldout_c": "7d7da0d04f6428280700ec044898194b961f1c0f95aeb260ae897e20930c1af6",
    "letters_heldout_d": "3a78fa875bd463650bd5e58ef7c8d8cbf912f0107c6bd7a56354d7678bd44466",
    "letters_heldout_e": "e740cecb0357e592cb6e0a5de4f4069ac746ac96e2c5d6b7e372a0a21d0164b7",
}


@pytest.fixture(scope="module")
def cim10_types() -> dict[str, str]:
    """Active CIM-10 FR codes (without dot) mapped to their type MCO."""
    return {code: row["type_mco"] for code, row in cim10_codes().items() if row["active"] == "1"}


@pytest.mark.parametrize(("folder", "prefix"), SETS)
def test_a_letters_set_is_well_formed(folder: str, prefix: str, cim10_types: dict[str, str]) -> None:
    path = ROOT / "tests" / "data" / folder / "stays.jsonl"
    stays = read_stays(path)
    assert [stay.stay_id for stay in stays] == [f"{prefix}{number:02d}" for number in range(1, 41)]
    for stay in stays:
        crh = [doc for doc in stay.documents if doc.type == "CRH"]
        assert crh and all(doc.text.strip() for doc in crh), stay.stay_id
        assert stay.admission_date is not None and stay.discharge_date is not None, stay.stay_id
        assert stay.admission_date <= stay.discharge_date, stay.stay_id
        codes = stay.codes
        assert codes is not None and codes.dp and not codes.acts, stay.stay_id
        assert cim10_types.get(codes.dp) == "0", (stay.stay_id, codes.dp)
        if codes.dr:
            assert cim10_types.get(codes.dr) in {"0", "4"} and codes.dp.startswith("Z"), (stay.stay_id, codes.dr)
        assert len(set(codes.das)) == len(codes.das) and codes.dp not in codes.das, stay.stay_id
        for code in codes.das:
            assert cim10_types.get(code) in {"0", "1", "2", "4"}, (stay.stay_id, code)
    assert all('"acts"' not in line for line in path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("folder", sorted(HELDOUT_SHA256))
def test_a_heldout_letters_file_is_the_one_whose_gold_was_fixed(folder: str) -> None:
    digest = hashlib.sha256((ROOT / "tests" / "data" / folder / "stays.jsonl").read_bytes()).hexdigest()
    assert digest == HELDOUT_SHA256[folder], f"{folder} was edited: it is never tuned on (see its README)"
