"""The second to eighth act tuning sets (`tests/data/acts_tuning_b/` to `acts_tuning_h/`) are
well-formed: every stay reads in the data contract, every gold act is a current CCAM code with an activity-1 line,
dated inside its stay and fitting the patient's sex, every DP a codable CIM-10 FR code. Tuning on them is allowed;
their figures are then in-sample."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from coding_assistant.schema import read_stays
from tests.reference_tables import SEX_OF_CCAM, activity_lines, ccam_acts, cim10_codes

ROOT = Path(__file__).resolve().parents[2]
DOC_TYPES = {"CRO", "CRH", "CR-ENDO", "CR-INTERV"}


@dataclass(frozen=True)
class TuningSet:
    folder: str
    prefix: str
    stays: int
    acts: int
    codes: int
    several_acts: int
    no_act: int


SETS = [
    TuningSet("acts_tuning_b", "ATB", stays=50, acts=61, codes=58, several_acts=12, no_act=3),
    TuningSet("acts_tuning_c", "ATC", stays=40, acts=48, codes=45, several_acts=11, no_act=4),
    TuningSet("acts_tuning_d", "ATD", stays=40, acts=50, codes=48, several_acts=12, no_act=4),
    TuningSet("acts_tuning_e", "ATE", stays=40, acts=50, codes=49, several_acts=14, no_act=4),
    TuningSet("acts_tuning_f", "ATF", stays=40, acts=51, codes=49, several_acts=14, no_act=4),
    TuningSet("acts_tuning_g", "ATG", stays=40, acts=50, codes=50, several_acts=8, no_act=0),
    TuningSet("acts_tuning_h", "ATH", stays=40, acts=48, codes=47, several_acts=10, no_act=2),
]


def path_of(tuning: TuningSet) -> Path:
    return ROOT / "tests" / "data" / tuning.folder / "stays.jsonl"


@pytest.mark.parametrize("tuning", SETS, ids=lambda s: s.folder)
def test_the_raw_lines_follow_the_format(tuning: TuningSet) -> None:
    lines = path_of(tuning).read_text(encoding="utf-8").splitlines()
    assert len(lines) == tuning.stays
    ids = []
    for line in lines:
        raw = json.loads(line)
        ids.append(raw["stay_id"])
        assert raw["codes"]["dr"] is None, raw["stay_id"]
        for document in raw["documents"]:
            assert document["type"] in DOC_TYPES and document["doc_type"] == document["type"], raw["stay_id"]
            assert document["text"].strip(), raw["stay_id"]
        for act in raw["codes"]["acts"]:
            assert set(act) == {"code", "activity", "phase", "date"}, raw["stay_id"]
            assert act["activity"] == 1 and act["phase"] == 0, raw["stay_id"]
    assert ids == [f"{tuning.prefix}{number:02d}" for number in range(1, tuning.stays + 1)]


@pytest.mark.parametrize("tuning", SETS, ids=lambda s: s.folder)
def test_a_tuning_set_is_well_formed(tuning: TuningSet) -> None:
    ccam, lines, cim10 = ccam_acts(), activity_lines(), cim10_codes()
    stays = list(read_stays(path_of(tuning)))
    assert len(stays) == tuning.stays and len({stay.stay_id for stay in stays}) == tuning.stays
    acts = 0
    codes: set[str] = set()
    several = 0
    for stay in stays:
        assert stay.codes is not None and stay.documents, stay.stay_id
        assert stay.codes.dp in cim10 and cim10[stay.codes.dp]["type_mco"] == "0", stay.stay_id
        for das in stay.codes.das:
            assert das in cim10 and cim10[das]["type_mco"] != "3", (stay.stay_id, das)
        assert stay.admission_date and stay.discharge_date
        assert stay.admission_date <= stay.discharge_date and stay.admission_date.year == 2026, stay.stay_id
        stay_acts = stay.codes.acts or []
        for act in stay_acts:
            assert not isinstance(act, str), stay.stay_id
            row = ccam.get(act.code)
            assert row is not None and not row["date_fin"], (stay.stay_id, act.code)
            assert (act.code, "1", "0") in lines, (stay.stay_id, act.code)
            assert act.date is not None and stay.admission_date <= act.date <= stay.discharge_date
            assert row["date_debut"] <= act.date.isoformat(), (stay.stay_id, act.code)
            sex = SEX_OF_CCAM.get(row["compatibilite_sexe"])
            assert sex is None or stay.sex == sex, (stay.stay_id, act.code)
            codes.add(act.code)
            acts += 1
        if len(stay_acts) > 1:
            several += 1
    assert acts == tuning.acts and len(codes) == tuning.codes
    assert several == tuning.several_acts
    assert sum(1 for stay in stays if stay.codes is not None and stay.codes.acts == []) == tuning.no_act
