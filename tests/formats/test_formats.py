import csv
import dataclasses
import re
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from coding_assistant.errors import CodingAssistantError
from coding_assistant.formats import (
    CODES_CSV_COLUMNS,
    RssFormatError,
    RssLayoutError,
    RssWriteError,
    RumAct,
    RumRecord,
    format_rum_line,
    guess_doc_type,
    load_layout,
    originals_by_stay,
    parse_rum_line,
    read_rss,
    rss_to_stays,
    write_codes_csv,
    write_rss,
)
from coding_assistant.schema import Codes, InputFileError, Stay

DATA = Path(__file__).parents[1] / "data" / "rss"
MIXED = DATA / "rss_mixed.txt"  # 1001 (022, 2 acts), 1002 (023, 2 RUMs), 1003 (023, sex 3, dialysis)
MALFORMED = DATA / "rss_malformed.txt"  # lines 2, 5 and 6 are bad, line 3 blank; CRLF line ends
DOCUMENTS = DATA / "documents"


def cut(line: str, start: int, end: int) -> str:
    """Characters start..end, 1-based and inclusive as in the ATIH tables."""
    return line[start - 1 : end]


def hand_fixed_part(version: str, counts: str, dp: str) -> str:
    """The fixed part up to position 177 (common to 022 and 023), assembled field by field from the ATIH RUM format."""
    fixed = (
        "750000001"  # 1-9 FINESS
        + version  # 10-12
        + "RSS-77".ljust(20)  # 13-32 N° RSS
        + "ADM-77".ljust(20)  # 33-52 N° administratif
        + "2".ljust(10)  # 53-62 N° RUM
        + "29021952"  # 63-70 birth date JJMMAAAA
        + "2"  # 71 sex: female
        + "PNEU"  # 72-75 UM
        + "  "  # 76-77 bed authorisation
        + "28022025"  # 78-85 entry date
        + "6"  # 86 entry mode: mutation
        + "1"  # 87 origin
        + "07032025"  # 88-95 exit date
        + "9"  # 96 exit mode: death
        + " "  # 97 destination
        + "33000"  # 98-102 postcode
        + "    "  # 103-106 birth weight
        + "  "  # 107-108 gestational age
        + " " * 8  # 109-116 last period date
        + "00"  # 117-118 sessions
        + counts  # 119-125: nb DAS (2), nb DAD (2), nb acts (3)
        + dp.ljust(8)  # 126-133 DP
        + "".ljust(8)  # 134-141 DR
        + "042"  # 142-144 IGS 2
        + " " * 26  # 145-170 one-character flags and innovation number
        + " " * 7  # 171-177 filler and reserved zone
    )
    assert len(fixed) == 177
    return fixed


HAND_023 = (
    hand_fixed_part("023", "0201001", "j189 ")
    + " " * 13  # 178-190 radiotherapy and dialysis (2026)
    + "J960    "  # 191-198 DAS 1
    + "e43     "  # 199-206 DAS 2, lower case
    + "Z515    "  # 207-214 DAD 1
    + "01032025GLLD004   01       01   "  # act: date, code, extension, phase, activity, …, count, dialysis
)
HAND_022 = (
    hand_fixed_part("022", "0100001", "J189")
    + "J960    "  # 178-185 DAS 1
    + "01032025GLLD004   01       02"  # 29-character act zone
)


# --- layouts ---------------------------------------------------------------------------------------------


def test_layouts_have_the_atih_positions():
    expected = {
        "finess": (1, 9), "version": (10, 12), "rss_number": (13, 32), "admin_number": (33, 52),
        "rum_number": (53, 62), "birth_date": (63, 70), "sex": (71, 71), "unit": (72, 75),
        "entry_date": (78, 85), "entry_mode": (86, 86), "exit_date": (88, 95), "exit_mode": (96, 96),
        "sessions": (117, 118), "das_count": (119, 120), "dad_count": (121, 122), "act_count": (123, 125),
        "dp": (126, 133), "dr": (134, 141),
    }  # fmt: skip
    for version in ("022", "023"):
        layout = load_layout(version)
        for name, (start, end) in expected.items():
            assert (layout.field(name).start, layout.field(name).end) == (start, end), (version, name)
    assert (load_layout("022").fixed_length, load_layout("022").act_width) == (177, 29)
    assert (load_layout("023").fixed_length, load_layout("023").act_width) == (190, 32)
    assert load_layout("023").diagnoses_start == 191


def test_atih_2026_table_agrees_with_pmeasyr_positions():
    folder = resources.files("coding_assistant.formats").joinpath("layouts")
    atih = list(
        csv.DictReader(folder.joinpath("rum_rss_non_groupe_023_layout_2026.csv").read_text("utf-8").splitlines())
    )
    fixed = {(int(r["debut"]), int(r["taille"])) for r in atih if r["debut"].isdigit() and r["taille"].isdigit()}
    ours = {(f.start, f.length) for f in load_layout("023").fields}
    assert ours == fixed
    atih_types = {int(r["debut"]): r["type"] for r in atih if r["debut"].isdigit()}
    for field in load_layout("023").fields:
        if atih_types[field.start] == "N":
            assert field.kind == "number", field.name


def test_unknown_layout_version():
    with pytest.raises(RssLayoutError, match="unknown RUM format '021'"):
        load_layout("021")


# --- reading ---------------------------------------------------------------------------------------------


def test_hand_assembled_023_line():
    assert cut(HAND_023, 10, 12) == "023" and cut(HAND_023, 191, 198) == "J960    "
    record = parse_rum_line(HAND_023, "hand:1")
    assert (record.finess, record.version, record.rss_number, record.admin_number) == (
        "750000001", "023", "RSS-77", "ADM-77"
    )  # fmt: skip
    assert record.rum_number == "2" and record.sex == "F" and record.unit == "PNEU"
    assert (record.birth_date, record.entry_date, record.exit_date) == (
        date(1952, 2, 29), date(2025, 2, 28), date(2025, 3, 7)
    )  # fmt: skip
    assert record.age_at_entry == 72  # the 73rd birthday (29 February) had not come on 28 February 2025
    assert (record.entry_mode, record.entry_origin, record.exit_mode) == ("6", "1", "9")
    assert record.sessions == 0 and record.igs2 == 42
    assert (record.dp, record.dr, record.das, record.dad) == ("J189", None, ["J960", "E43"], ["Z515"])
    (act,) = record.acts
    assert (act.code, act.date, act.phase, act.activity, act.count) == ("GLLD004", date(2025, 3, 1), "0", "1", 1)
    assert act.dialysis_start_time == "" and act.dialysis_modality == ""


def test_hand_assembled_022_line():
    assert cut(HAND_022, 178, 185) == "J960    " and len(HAND_022) == 177 + 8 + 29
    record = parse_rum_line(HAND_022)
    assert record.version == "022" and record.das == ["J960"] and record.dad == []
    (act,) = record.acts
    assert (act.code, act.activity, act.count) == ("GLLD004", "1", 2)


def test_read_mixed_file_detects_each_line_format():
    records = list(read_rss(MIXED))
    assert [(r.version, r.stay_id) for r in records] == [
        ("022", "1001-1"), ("023", "1002-1"), ("023", "1002-2"), ("023", "1003-1")
    ]  # fmt: skip
    first, _, second_rum, dialysis = records
    assert first.acts[1].extension == "01" and first.extra == {"unscheduled": "1", "emergency_passage": "5"}
    assert second_rum.dad == ["Z9580"] and len(second_rum.acts) == 2
    assert dialysis.sex is None and (dialysis.dp, dialysis.dr) == ("Z491", "N185")
    assert dialysis.extra["dialysis_weekly_time"] == "0720"
    assert (dialysis.acts[0].dialysis_start_time, dialysis.acts[0].dialysis_modality) == ("1", "21")
    assert first.source == f"{MIXED}:1"


def replace_at(line: str, start: int, text: str) -> str:
    return line[: start - 1] + text + line[start - 1 + len(text) :]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("75000000102", r"too short .* format version"),
        (replace_at(HAND_023, 10, "021"), r"unknown RUM format '021'"),
        ("12" + "05M09T" + " " + "123" + "000" + "750000001" + "023" + "x" * 200, r"grouped RSS"),
        (HAND_023[:150], r"too short: 150 characters, the fixed part of format 023 has 190"),
        (HAND_023[:-3], r"too short: .* 2 DAS, 1 DAD and 1 acts in format 023 need 246"),
        (replace_at(HAND_023, 119, "01"), r"too long: 8 characters beyond the 238"),
        (HAND_023 + "   ", None),  # trailing blanks are tolerated
        (replace_at(HAND_023, 119, "0x"), r"das_count \(positions 119-120\) is not a number"),
        (replace_at(HAND_023, 71, "4"), r"sex \(position 71\) must be 1 \(male\), 2 \(female\) or 3$"),
        (replace_at(HAND_023, 71, " "), r"sex \(position 71\)"),
        (replace_at(HAND_023, 63, "30021952"), r"birth_date \(positions 63-70\) is not a valid date$"),
        (replace_at(HAND_023, 78, "2025-02-"), r"entry_date \(positions 78-85\) is not a JJMMAAAA date"),
        (replace_at(HAND_023, 88, "        "), r"exit_date \(positions 88-95\) is blank"),
        (replace_at(HAND_023, 88, "01012025"), r"exit date is before entry date$"),
        (replace_at(HAND_023, 63, "01011890"), r"birth date gives an age over 130 at entry$"),
        (replace_at(HAND_023, 126, "12345"), r"dp \(positions 126-133\): malformed code \(value not shown\)"),
        (replace_at(HAND_023, 199, "        "), r"DAS 2 of 2 \(positions 199-206\) is blank"),
        (replace_at(HAND_023, 215 + 8, "GL1D004"), r"act 1 of 1 \(positions 223-229\): malformed CCAM code"),
        (replace_at(HAND_023, 215 + 27, "  "), r"act 1 of 1: count \(positions 242-243\) is blank"),
        (replace_at(HAND_023, 215, "32132025"), r"date \(positions 215-222\) is not a valid date"),
        (replace_at(HAND_023, 103, "12a4"), r"birth_weight \(positions 103-106\) is not a number"),
    ],
)
def test_malformed_lines_name_the_reason(line, reason):
    if reason is None:
        assert parse_rum_line(line).dp == "J189"
        return
    with pytest.raises(RssFormatError, match=reason) as caught:
        parse_rum_line(line, "f.txt:7")
    assert str(caught.value).startswith("f.txt:7: ")
    assert caught.value.line == 7 and isinstance(caught.value, CodingAssistantError)


def test_blank_act_date_is_accepted():
    record = parse_rum_line(replace_at(HAND_023, 215, " " * 8))
    assert record.acts[0].date is None


def test_malformed_file_raises_at_the_first_bad_line():
    records = read_rss(MALFORMED)
    assert next(records).stay_id == "1001-1"
    with pytest.raises(RssFormatError, match=rf"^{re.escape(str(MALFORMED))}:2: sex"):
        next(records)


def test_malformed_file_collects_errors_with_line_numbers():
    records, errors = read_rss(MALFORMED, on_error="collect")
    assert [r.source for r in records] == [f"{MALFORMED}:1", f"{MALFORMED}:4"]
    assert [(e.line, e.reason.split(" ")[0]) for e in errors] == [(2, "sex"), (5, "line"), (6, "exit_date")]


def test_unreadable_file():
    with pytest.raises(RssFormatError, match="cannot be read"):
        list(read_rss(DATA / "missing.txt"))
    with pytest.raises(ValueError, match="on_error"):
        read_rss(MIXED, on_error="ignore")  # type: ignore[call-overload]


# --- writing ---------------------------------------------------------------------------------------------


def test_writer_puts_fields_at_the_atih_positions():
    record = parse_rum_line(HAND_023)
    line = format_rum_line(record)
    assert line == HAND_023.replace("j189 ", "J189 ").replace("e43 ", "E43 ")  # codes written ATIH-style
    assert cut(line, 1, 9) == "750000001" and cut(line, 10, 12) == "023"
    assert cut(line, 13, 32) == "RSS-77".ljust(20) and cut(line, 53, 62) == "2".ljust(10)
    assert cut(line, 63, 70) == "29021952" and cut(line, 71, 71) == "2" and cut(line, 72, 75) == "PNEU"
    assert cut(line, 78, 85) == "28022025" and cut(line, 88, 95) == "07032025"
    assert cut(line, 119, 125) == "0201001" and cut(line, 126, 133) == "J189    "
    assert cut(line, 191, 206) == "J960    E43     " and cut(line, 207, 214) == "Z515    "
    old = format_rum_line(record, "022")
    assert cut(old, 10, 12) == "022" and cut(old, 178, 193) == "J960    E43     " and len(old) == 177 + 24 + 29
    assert format_rum_line(parse_rum_line(HAND_022)) == HAND_022


def test_round_trip_file_is_identical(tmp_path):
    records = list(read_rss(MIXED))
    copy = tmp_path / "copy.txt"
    assert write_rss(records, copy, format="023") == 4
    # The 022 line becomes 023; written again in its own format it is the original line.
    lines = MIXED.read_text("latin-1").splitlines()
    assert copy.read_text("latin-1").splitlines()[1:] == lines[1:]
    assert format_rum_line(records[0]) == lines[0]
    again = tmp_path / "again.txt"
    write_rss(read_rss(copy), again, format="023")
    assert again.read_bytes() == copy.read_bytes()


def test_022_to_023_and_back_keeps_the_record():
    record = next(read_rss(MIXED))
    newer = parse_rum_line(format_rum_line(record, "023"))
    assert dataclasses.replace(newer, version="022", source=record.source) == record
    dialysis = list(read_rss(MIXED))[3]
    older = parse_rum_line(format_rum_line(dialysis, "022"))  # 2026 fields have no place in 022
    assert "dialysis_weekly_time" not in older.extra and older.acts[0].dialysis_modality == ""
    assert older.acts[0].code == "JVJF004" and older.dr == "N185"


def stays_of_mixed(**options):
    return list(rss_to_stays(read_rss(MIXED), **options))


def test_write_stays_back_with_validated_codes(tmp_path):
    records = list(read_rss(MIXED))
    stays = stays_of_mixed()
    stays[2] = stays[2].model_copy(update={"codes": Codes(dp="I2140", das=["E785", "n18.3", "I10"])})
    out = tmp_path / "validated.txt"
    write_rss(stays, out, originals=originals_by_stay(records))
    written = list(read_rss(out))
    assert (written[2].dp, written[2].das) == ("I2140", ["E785", "N183", "I10"])
    assert written[2].acts == records[2].acts and written[2].dad == records[2].dad
    assert dataclasses.replace(written[2], dp="I214", das=records[2].das, source="") == dataclasses.replace(
        records[2], source=""
    )


def test_write_stays_without_originals(tmp_path):
    stay = Stay(
        stay_id="S1", sex="F", age=67, admission_date=date(2024, 2, 29), discharge_date=date(2024, 3, 9),
        unit="CARDIO", codes=Codes(dp="I50.02", das=["N184"]),
    )  # fmt: skip
    out = tmp_path / "synthetic.txt"
    with pytest.raises(RssWriteError, match="stay S1: cannot build a RUM without finess"):
        write_rss([stay], out)
    with pytest.raises(RssWriteError, match=r"unit is 6 characters, the field holds 4 \(positions 72-75\)"):
        write_rss([stay], out, finess="750000001")
    assert not out.exists()
    write_rss([stay], out, finess="750000001", on_overflow="truncate", format="022")
    (record,) = read_rss(out)
    assert (record.version, record.unit, record.age_at_entry, record.sex) == ("022", "CARD", 67, "F")
    assert (record.dp, record.das, record.rss_number, record.rum_number) == ("I5002", ["N184"], "S1", "1")
    with pytest.raises(RssWriteError, match="S2: no codes to write"):
        write_rss([stay.model_copy(update={"stay_id": "S2", "codes": None})], out, finess="750000001")


def test_writer_refuses_what_does_not_fit(tmp_path):
    record = parse_rum_line(HAND_023)
    with pytest.raises(RssWriteError, match=r"das_count has 3 digits, the field holds 2"):
        format_rum_line(dataclasses.replace(record, das=["I10"] * 100))
    with pytest.raises(RssWriteError, match="RUM RSS-77-2: malformed code"):
        format_rum_line(dataclasses.replace(record, dp="I"))
    with pytest.raises(RssWriteError, match="rss_number"):
        format_rum_line(dataclasses.replace(record, rss_number="X" * 21), on_overflow="truncate")
    with pytest.raises(RssLayoutError):
        write_rss([record], tmp_path / "x.txt", format="024")


def test_writing_is_atomic(tmp_path):
    out = tmp_path / "rss.txt"
    out.write_text("previous\n", encoding="latin-1")
    good = parse_rum_line(HAND_023)

    def items():
        yield good
        raise RuntimeError("export interrupted")

    with pytest.raises(RuntimeError):
        write_rss(items(), out)
    assert out.read_text("latin-1") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["rss.txt"]


def test_codes_csv(tmp_path):
    records = list(read_rss(MIXED))
    out = tmp_path / "codes.csv"
    assert write_codes_csv(records, out) == 4
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert tuple(rows[0]) == CODES_CSV_COLUMNS
    assert rows[2] == {
        "stay_id": "1002-2", "rss": "1002", "rum": "2", "dp": "I214", "dr": "", "das": "E785 N183",
        "sex": "F", "age": "84", "admission_date": "2026-01-11", "discharge_date": "2026-01-18", "unit": "CARD",
    }  # fmt: skip
    per_rss = stays_of_mixed(group="rss")
    write_codes_csv(per_rss, out, originals=originals_by_stay(records, group="rss"))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert (rows[1]["stay_id"], rows[1]["rss"], rows[1]["rum"]) == ("1002", "1002", "1 2")
    write_codes_csv(per_rss, out)
    assert next(csv.DictReader(out.open(encoding="utf-8")))["rss"] == ""


# --- stays and documents ---------------------------------------------------------------------------------


def test_stays_per_rum_with_documents_joined_on_rss():
    stays = stays_of_mixed(documents_dir=DOCUMENTS)
    assert [s.stay_id for s in stays] == ["1001-1", "1002-1", "1002-2", "1003-1"]
    first = stays[0]
    assert (first.sex, first.age, first.unit, first.length_of_stay) == ("M", 74, "CHIR", 4)
    # The RUM's act zones become the stay's acts, with activity, phase and date (the anaesthesia line too).
    assert first.codes == Codes(
        dp="K802",
        das=["E119", "I10"],
        acts=[
            {"code": "HMFC004", "activity": 1, "phase": 0, "date": "2025-03-03"},
            {"code": "ZZLP025", "activity": 4, "phase": 0, "date": "2025-03-03"},
        ],
    )
    assert stays[1].codes.acts == []  # a RUM without act zones: acts coded, none done
    # Text files sorted by name; "10010_CRH.txt" belongs to another number; cp1252 read when not UTF-8.
    assert [(d.doc_id, d.type) for d in first.documents] == [("1001_CRH", "CRH"), ("1001_CR_operatoire", "CRO")]
    assert first.documents[1].text.startswith("Cholécystectomie sous cœlioscopie")
    # <number>.jsonl then documents.jsonl; the RUMs of one RSS share its documents.
    ids = [(d.doc_id, d.type) for d in stays[1].documents]
    assert ids == [("1002-CRH", "CRH"), ("1002-lettre-liaison", "LETTRE"), ("1002-CRO-coro", "CRO")]
    assert stays[2].documents == stays[1].documents
    assert [d.type for d in stays[3].documents] == ["AUTRE"]
    assert stays[3].sex is None and stays[3].codes.dr == "N185"


def test_stays_joined_on_admin_number_and_without_documents():
    stays = stays_of_mixed(documents_dir=DATA / "documents_admin", join_on="admin")
    assert [len(s.documents) for s in stays] == [0, 1, 1, 0]  # a stay without documents is still returned
    assert stays[1].documents[0].type == "LETTRE"
    assert all(not s.documents for s in stays_of_mixed())


def test_stays_per_rss():
    stays = stays_of_mixed(group="rss", documents_dir=DOCUMENTS)
    assert [s.stay_id for s in stays] == ["1001", "1002", "1003"]
    multi = stays[1]
    # Main RUM = the longest (cardiology, 7 days): its DP; the other RUM's DP and every DAS become DAS.
    assert multi.codes == Codes(
        dp="I214",
        das=["R074", "I10", "E785", "N183"],  # in file order
        acts=[{"code": "DDAF006", "date": "2026-01-12"}, {"code": "DDAF006", "activity": 4, "date": "2026-01-12"}],
    )
    assert (multi.admission_date, multi.discharge_date, multi.unit, multi.age) == (
        date(2026, 1, 10), date(2026, 1, 18), "CARD", 84
    )  # fmt: skip
    assert len(multi.documents) == 3


def test_stays_per_rss_cannot_be_written_back(tmp_path):
    records = list(read_rss(MIXED))
    with pytest.raises(RssWriteError, match="stay 1002 covers 2 RUMs"):
        write_rss(stays_of_mixed(group="rss"), tmp_path / "x.txt", originals=originals_by_stay(records, "rss"))


def test_bad_options():
    with pytest.raises(ValueError, match="join_on"):
        stays_of_mixed(join_on="ipp")
    with pytest.raises(ValueError, match="group"):
        stays_of_mixed(group="stay")
    with pytest.raises(InputFileError, match="not a folder"):
        stays_of_mixed(documents_dir=DATA / "nowhere")


def write_documents(folder: Path, lines: list[str], name: str = "documents.jsonl") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("lines", "name", "message"),
    [
        (['{"number": 1002, "doc_id": "a", "text": "t"}'], "documents.jsonl", r"documents.jsonl:1.*number"),
        (['{"doc_id": "a", "text": "t"}'], "documents.jsonl", r"documents.jsonl:1: number: required"),
        (["", '{"number": "1002", "doc_id": "a"}'], "documents.jsonl", r"documents.jsonl:2.*text"),
        (['{"number": "1003", "doc_id": "a", "text": "t"}'], "1002.jsonl", r"1002.jsonl:1: number '1003'"),
        (['{"doc_id": "x", "text": "t"}', '{"doc_id": "x", "text": "u"}'], "1002.jsonl", r"doc_id 'x' appears twice"),
    ],
)
def test_bad_documents_name_file_and_line(tmp_path, lines, name, message):
    folder = write_documents(tmp_path / "docs", lines, name)
    with pytest.raises(InputFileError, match=message):
        stays_of_mixed(documents_dir=folder)


@pytest.mark.parametrize(
    ("name", "doc_type"),
    [
        ("_CRH", "CRH"),
        ("-compte-rendu-hospitalisation", "CRH"),
        ("_CR_opératoire_2", "CRO"),
        ("_lettre_de_liaison", "LETTRE"),
        ("_CR_anesthésie", "ANESTHESIE"),
        ("_passage_urgences", "URGENCES"),
        ("_scanner", "IMAGERIE"),
        ("", "AUTRE"),
        ("_note", "AUTRE"),
    ],
)
def test_guess_doc_type(name, doc_type):
    assert guess_doc_type(name) == doc_type


def test_record_properties():
    record = RumRecord(
        finess="750000001", version="023", rss_number="9", admin_number="9", rum_number="1",
        birth_date=date(2026, 1, 1), sex="M", unit="NEON", entry_date=date(2026, 1, 1), entry_mode="N",
        exit_date=date(2026, 1, 5), exit_mode="8", dp="P071", acts=[RumAct(code="zzqp004")],
    )  # fmt: skip
    assert (record.age_at_entry, record.age_in_days_at_entry, record.length_of_stay) == (0, 0, 4)
    assert parse_rum_line(format_rum_line(record)).acts[0].code == "ZZQP004"
