"""The stay contract's optional RUM administrative fields: absent in older files, normalised when given, and a
value outside the ATIH lists refused naming the field and the allowed codes, never the value."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from coding_assistant.schema import InputFileError, Stay, describe_validation_error, parse_jsonl_line

FIELDS = ("entry_mode", "entry_origin", "exit_mode", "exit_destination", "birth_weight", "gestational_age", "sessions")


def line(**fields: object) -> str:
    return json.dumps({"stay_id": "S1", "documents": [], **fields})


def test_a_stay_without_them_still_reads() -> None:
    stay = parse_jsonl_line(line(sex="F", age=70), Stay, "stays.jsonl:1")
    assert all(getattr(stay, name) is None for name in FIELDS)


def test_codes_are_read_as_the_rum_writes_them() -> None:
    stay = parse_jsonl_line(
        line(entry_mode=7, entry_origin=" r ", exit_mode="9", exit_destination="", birth_weight="2450", sessions=3),
        Stay,
        "stays.jsonl:1",
    )
    assert (stay.entry_mode, stay.entry_origin, stay.exit_mode, stay.exit_destination) == ("7", "R", "9", None)
    assert (stay.birth_weight, stay.sessions) == (2450, 3)
    assert Stay(stay_id="N", entry_mode="n").entry_mode == "N"  # naissance
    assert Stay(stay_id="O", entry_mode="O").entry_mode == "O"  # the letter: entered dead for organ donation


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("entry_mode", "9", "0, 6, 7, 8, N, O"),
        ("entry_origin", "5", "1, R, 2, 3, 4, 6, 7"),
        ("exit_mode", "N", "0, 6, 7, 8, 9"),
        ("exit_destination", "R", "1, 2, 3, 4, 6, 7"),
        ("exit_mode", "88", "0, 6, 7, 8, 9"),
    ],
)
def test_a_code_outside_the_atih_list_is_refused_naming_the_field(field: str, value: str, allowed: str) -> None:
    with pytest.raises(InputFileError) as caught:
        parse_jsonl_line(line(**{field: value}), Stay, "stays.jsonl:4")
    error = caught.value
    assert error.where == "stays.jsonl:4" and error.stay_id == "S1"
    assert error.reason.startswith(f"{field}: not an ATIH") and error.reason.endswith(f"(allowed: {allowed})")


def test_the_refused_value_is_never_in_the_message() -> None:
    with pytest.raises(ValidationError) as caught:
        Stay(stay_id="S1", exit_destination="Mme Dupont")
    assert "Dupont" not in describe_validation_error(caught.value)
    with pytest.raises(ValidationError) as caught:
        Stay(stay_id="S1", entry_mode=["8"])  # type: ignore[arg-type]
    assert describe_validation_error(caught.value) == "entry_mode: must be a one-character code"


@pytest.mark.parametrize(
    ("field", "value"),
    [("birth_weight", 10000), ("birth_weight", -1), ("gestational_age", 100), ("sessions", 100), ("sessions", -2)],
)
def test_numbers_stay_within_their_rum_field(field: str, value: int) -> None:
    with pytest.raises(InputFileError) as caught:
        parse_jsonl_line(line(**{field: value}), Stay, "stays.jsonl:2")
    assert caught.value.reason.startswith(f"{field}: Input should be")
    assert str(value) not in caught.value.reason  # the bound, not the value
