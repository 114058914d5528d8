"""The export writes a decision's validated CCAM acts to the RUM's act zones (read back with read_rss); a
decision whose acts were not reviewed leaves the source RUM's act zones as they came."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from coding_assistant.export import export_validated
from coding_assistant.formats import RumAct, RumRecord, format_rum_line, read_rss
from coding_assistant.schema import Codes, Stay
from coding_assistant.store import DecidedAct, Store

FINESS = "750000001"
ENTRY, EXIT = date(2025, 3, 1), date(2025, 3, 4)


def stay(stay_id: str) -> Stay:
    return Stay(stay_id=stay_id, sex="F", age=52, admission_date=ENTRY, discharge_date=EXIT, unit="CHIR")


def source_rum(stay_id: str) -> str:
    """A RUM as the PMSI software sent it, with one act carrying a modifier and a PMSI extension."""
    surgery = RumAct(code="HMFC004", date=date(2025, 3, 2), activity="1", phase="0", extension="1", modifiers="J")
    record = RumRecord(
        finess=FINESS, version="023", rss_number=stay_id, admin_number=stay_id, rum_number="1",
        birth_date=date(1973, 1, 5), sex="F", unit="CHIR", entry_date=ENTRY, entry_mode="8", exit_date=EXIT,
        exit_mode="8", dp="K802", acts=[surgery],
    )  # fmt: skip
    return format_rum_line(record)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(None, tmp_path)
    opened.add_user("alice", "mot-de-passe-1", "coder")
    yield opened
    opened.close()


def validate(store: Store, stay_id: str, acts: list[DecidedAct] | None, rum: str | None = None) -> None:
    store.upsert_stay(stay(stay_id), source_rum=rum)
    store.save_decision(stay_id, "alice", Codes(dp="K802"), store.get_stay(stay_id).version, acts=acts)


def exported(store: Store, tmp_path: Path) -> dict[str, RumRecord]:
    rss = tmp_path / "rss.txt"
    result = export_validated(store, "alice", rss, finess=FINESS)
    assert not result.skipped, result.skipped
    return {record.rss_number: record for record in read_rss(rss)}


def test_acts_added_by_the_coder_are_written_and_read_back(store: Store, tmp_path: Path) -> None:
    anaesthesia = DecidedAct("HMFC004", 4, 0, date(2025, 3, 2))
    drainage = DecidedAct("HMJH004", 1, 0, date(2025, 3, 3))
    validate(store, "RUM", [DecidedAct("HMFC004", 1, 0, date(2025, 3, 2)), anaesthesia, drainage], source_rum("RUM"))
    validate(store, "JSONL", [drainage])  # no source RUM: the RUM built from the stay carries the acts too
    records = exported(store, tmp_path)
    zones = [(a.code, a.activity, a.phase, a.date, a.count) for a in records["RUM"].acts]
    assert zones == [
        ("HMFC004", "1", "0", date(2025, 3, 2), 1),
        ("HMFC004", "4", "0", date(2025, 3, 2), 1),
        ("HMJH004", "1", "0", date(2025, 3, 3), 1),
    ]
    # The act the source RUM had keeps what only the PMSI software knows (extension, modifiers).
    assert (records["RUM"].acts[0].extension, records["RUM"].acts[0].modifiers) == ("1", "J")
    assert [(a.code, a.date) for a in records["JSONL"].acts] == [("HMJH004", date(2025, 3, 3))]


def test_acts_not_reviewed_leave_the_source_rum_acts_as_they_came(store: Store, tmp_path: Path) -> None:
    validate(store, "KEPT", None, source_rum("KEPT"))
    validate(store, "NONE", [], source_rum("NONE"))  # reviewed: no act was done
    records = exported(store, tmp_path)
    (act,) = records["KEPT"].acts
    assert (act.code, act.activity, act.modifiers, act.date) == ("HMFC004", "1", "J", date(2025, 3, 2))
    assert records["NONE"].acts == []


def test_an_act_dated_outside_the_stay_keeps_the_stay_out_of_the_file(store: Store, tmp_path: Path) -> None:
    validate(store, "LATE", [DecidedAct("HMFC004", 1, 0, date(2025, 3, 9))], source_rum("LATE"))
    validate(store, "OK", [DecidedAct("HMFC004", 1, 0, date(2025, 3, 2))])
    result = export_validated(store, "alice", tmp_path / "rss.txt", finess=FINESS)
    assert result.written == ["OK"]
    (skipped,) = result.skipped
    assert skipped.stay_id == "LATE" and "outside the stay" in skipped.reason
    assert store.get_stay("LATE").status == "validated"


def test_a_stay_without_a_rum_line_writes_its_input_acts_unless_the_coder_reviewed_the_acts(
    store: Store, tmp_path: Path
) -> None:
    """A stay read from JSONL (no RUM line) with its acts coded upstream: the store keeps them, and a decision
    that did not review the acts writes them, one realisation per line; a reviewed one writes the coder's."""
    from coding_assistant.schema import CodedAct

    given = [CodedAct(code="HMFC004", activity=1, phase=0, date=date(2025, 3, 2)), CodedAct(code="HMFC004", activity=4)]
    for stay_id in ("INPUT", "REVIEWED", "LATE"):
        acts = given if stay_id != "LATE" else [CodedAct(code="HMFC004", date=date(2025, 3, 9))]
        store.upsert_stay(stay(stay_id).model_copy(update={"codes": Codes(dp="K802", acts=acts)}))
    for stay_id, acts in (
        ("INPUT", None),
        ("REVIEWED", [DecidedAct("HMJH004", 1, 0, date(2025, 3, 3))]),
        ("LATE", None),
    ):
        store.save_decision(stay_id, "alice", Codes(dp="K802"), store.get_stay(stay_id).version, acts=acts)
    rss = tmp_path / "rss.txt"
    result = export_validated(store, "alice", rss, finess=FINESS)
    # An input act dated outside the stay keeps it out of the file, as a coder's would (FG 102).
    assert [(s.stay_id, "outside the stay" in s.reason) for s in result.skipped] == [("LATE", True)]
    records = {record.rss_number: record for record in read_rss(rss)}
    zones = [(a.code, a.activity, a.phase, a.date, a.count) for a in records["INPUT"].acts]
    assert zones == [("HMFC004", "1", "0", date(2025, 3, 2), 1), ("HMFC004", "4", "0", None, 1)]
    assert [(a.code, a.date) for a in records["REVIEWED"].acts] == [("HMJH004", date(2025, 3, 3))]
