import json
from pathlib import Path

import pytest

from coding_assistant.schema import InputFileError, Stay, iter_jsonl_records, read_stays, write_jsonl

DEV = Path(__file__).parent / "data" / "dev"

GOOD = {
    "stay_id": "S1",
    "sex": "F",
    "age": 67,
    "admission_date": "2025-03-02",
    "discharge_date": "2025-03-09",
    "unit": "CARDIO",
    "documents": [{"doc_id": "S1-CRH", "type": "CRH", "text": "Insuffisance cardiaque, FEVG 30 %."}],
    "codes": {"dp": "I50.02", "dr": None, "das": ["n184"]},
}


def test_codes_are_normalised_and_length_of_stay(tmp_path):
    path = tmp_path / "stays.jsonl"
    path.write_text(json.dumps(GOOD) + "\n", encoding="utf-8")
    (stay,) = read_stays(path)
    assert stay.codes.dp == "I5002" and stay.codes.das == ["N184"]
    assert stay.length_of_stay == 7
    assert stay.codes.all_codes() == ["I5002", "N184"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", r"stays.jsonl:2: not valid JSON"),
        ("[1, 2]", r"stays.jsonl:2: expected a JSON object"),
        (json.dumps({**GOOD, "stay_id": "S2", "age": -3}), r"stays.jsonl:2 \(stay S2\): age"),
        (json.dumps({**GOOD, "stay_id": "S3", "codes": {"dp": "12.5"}}), r"stays.jsonl:2 \(stay S3\): codes.dp"),
        (
            json.dumps({**GOOD, "stay_id": "S4", "discharge_date": "2025-01-01"}),
            r"stays.jsonl:2 \(stay S4\): .*discharge_date is before admission_date",
        ),
    ],
)
def test_bad_lines_are_named(tmp_path, line, message):
    path = tmp_path / "stays.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=message):
        read_stays(path)


def test_write_is_atomic_and_round_trips(tmp_path):
    stay = Stay.model_validate(GOOD)
    path = tmp_path / "out" / "stays.jsonl"
    assert write_jsonl(path, [stay, stay]) == 2
    assert [s.stay_id for s in read_stays(path)] == ["S1", "S1"]
    assert not list(path.parent.glob(".*.tmp"))


def test_dev_set_is_valid_and_large_enough(terminology):
    stays = [s for path in sorted(DEV.glob("*.jsonl")) for s in read_stays(path)]
    assert len(stays) >= 60
    assert len({s.stay_id for s in stays}) == len(stays)
    for stay in stays:
        assert stay.documents and stay.codes and stay.codes.dp, stay.stay_id
        assert terminology.allowed(stay.codes.dp, "DP"), stay.stay_id
        if stay.codes.dr:
            assert terminology.allowed(stay.codes.dr, "DR"), stay.stay_id
        for code in stay.codes.das:
            assert terminology.allowed(code, "DAS"), (stay.stay_id, code)


def test_ids_and_units_that_could_forge_a_line_are_refused_without_being_quoted(tmp_path: Path) -> None:
    path = tmp_path / "stays.jsonl"
    records = [
        {"stay_id": "B11\nforged line"},
        {"stay_id": "S2", "unit": "CARD\u202eevil"},  # right-to-left override
        {"stay_id": "S3", "documents": [{"doc_id": "d\r1", "text": "x"}]},
        {"stay_id": "S4 ok", "unit": "CARD 2", "documents": [{"doc_id": "d 1", "type": "CRH", "text": "a\tb\nc"}]},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    read = list(iter_jsonl_records(path, Stay))
    stays = [record for _, record in read if isinstance(record, Stay)]
    errors = [record for _, record in read if isinstance(record, InputFileError)]
    assert [s.stay_id for s in stays] == ["S4 ok"]  # a letter's own tabs and newlines are text, not names
    assert [e.where for e in errors] == [f"{path}:1", f"{path}:2", f"{path}:3"]
    assert all(
        "control or invisible character" in str(e) and "forged" not in str(e) and "evil" not in str(e) for e in errors
    )
