"""The stay's acts as RUM act lines (code, activity, phase, date): read from JSONL in either form, written back
short, carried from an RSS into the stay and out to an RSS again, and grouped with their activity."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from coding_assistant.formats import RssWriteError, read_rss, rss_to_stays, write_rss
from coding_assistant.groupage.reading import facts_from_record
from coding_assistant.schema import CodedAct, Codes, Stay


def test_a_plain_code_and_an_object_read_the_same_act() -> None:
    codes = Codes(acts=["hhfa016", {"code": "HHFA016"}, {"code": "HHFA016", "activity": None, "phase": " "}])
    assert codes.acts == [CodedAct(code="HHFA016")] * 3
    assert codes.acts is not None and codes.acts[0].is_plain


def test_activity_phase_and_date_are_read_and_checked() -> None:
    (act,) = Codes(acts=[{"code": "ZZQK002", "activity": " 4", "phase": "0", "date": "2026-03-02"}]).acts or []
    assert (act.activity, act.phase, act.date) == (4, 0, date(2026, 3, 2))
    for bad in ({"code": "ZZQK002", "activity": 7}, {"code": "ZZQK002", "phase": 12}, {"activity": 1}):
        with pytest.raises(ValidationError):
            Codes(acts=[bad])
    with pytest.raises(ValidationError, match="4 letters and 3 digits"):
        Codes(acts=["ZZQK0"])


def test_acts_are_written_short_when_they_say_no_more_than_the_code() -> None:
    codes = Codes(dp="K358", acts=["HHFA016", {"code": "HHFA016", "activity": 4, "date": "2026-03-02"}])
    dumped = json.loads(codes.model_dump_json())
    assert dumped["acts"] == ["HHFA016", {"code": "HHFA016", "activity": 4, "phase": 0, "date": "2026-03-02"}]
    assert Codes.model_validate(dumped) == codes
    assert codes.act_codes() == ["HHFA016"]  # the anaesthesia line shares its act's code
    assert Codes().act_codes() == [] and Codes().model_dump()["acts"] is None


def test_a_stay_read_as_jsonl_with_act_objects_groups_with_their_activity() -> None:
    record = {
        "stay_id": "S1",
        "age": 30,
        "sex": "F",
        "admission_date": "2026-03-01",
        "discharge_date": "2026-03-03",
        "codes": {"dp": "K358", "acts": ["HHFA016", {"code": "ZZQK002", "activity": "4"}]},
    }
    facts = facts_from_record(record)
    assert [(a.code, a.activity, a.phase) for a in facts.acts] == [("HHFA016", "1", "0"), ("ZZQK002", "4", "0")]


def test_acts_of_a_jsonl_stay_go_to_the_rss_and_come_back(tmp_path: Path) -> None:
    acts = [
        CodedAct(code="HHFA016", date=date(2026, 3, 2)),
        CodedAct(code="HHFA016", activity=4, date=date(2026, 3, 2)),
    ]
    stay = Stay(
        stay_id="S1",
        sex="F",
        age=30,
        admission_date=date(2026, 3, 1),
        discharge_date=date(2026, 3, 3),
        codes=Codes(dp="K358", acts=acts),
    )
    path = tmp_path / "rss.txt"
    write_rss([stay], path, finess="750000001")
    (record,) = list(read_rss(path))
    assert [(a.code, a.activity, a.phase, a.date) for a in record.acts] == [
        ("HHFA016", "1", "0", date(2026, 3, 2)),
        ("HHFA016", "4", "0", date(2026, 3, 2)),
    ]
    (again,) = rss_to_stays([record])
    assert again.codes is not None and again.codes.acts == acts


def test_an_act_dated_outside_the_stay_is_refused_on_writing(tmp_path: Path) -> None:
    stay = Stay(
        stay_id="S1",
        sex="F",
        age=30,
        admission_date=date(2026, 3, 1),
        discharge_date=date(2026, 3, 3),
        codes=Codes(dp="K358", acts=[{"code": "HHFA016", "date": "2026-04-01"}]),
    )
    with pytest.raises(RssWriteError, match="outside the stay"):
        write_rss([stay], tmp_path / "rss.txt", finess="750000001")
