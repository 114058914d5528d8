"""The act tuning set (`tests/data/acts_tuning/`) is well-formed: every stay reads in the data contract, every
gold act is a current CCAM code dated inside its stay, every DP a codable CIM-10 FR code. Its figures are
measured by `bench/acts_quality.py` (in-sample: the act lexicon was tuned on it)."""

from __future__ import annotations

from pathlib import Path

from coding_assistant.schema import read_stays
from tests.reference_tables import ccam_acts, cim10_codes

ROOT = Path(__file__).resolve().parents[2]
TUNING = ROOT / "tests" / "data" / "acts_tuning" / "stays.jsonl"


def test_the_tuning_set_is_well_formed() -> None:
    ccam, cim10 = ccam_acts(), cim10_codes()
    stays = list(read_stays(TUNING))
    assert len(stays) == 45 and len({stay.stay_id for stay in stays}) == 45
    acts = 0
    for stay in stays:
        assert stay.codes is not None and stay.documents, stay.stay_id
        assert stay.codes.dp in cim10 and cim10[stay.codes.dp]["type_mco"] == "0", stay.stay_id
        assert stay.admission_date and stay.discharge_date
        for act in stay.codes.acts:
            line = act if not isinstance(act, str) else None
            code = act if isinstance(act, str) else act.code
            assert code in ccam and not ccam[code]["date_fin"], (stay.stay_id, code)
            if line is not None and line.date is not None:
                assert stay.admission_date <= line.date <= stay.discharge_date, (stay.stay_id, code)
            acts += 1
    assert acts == 54
