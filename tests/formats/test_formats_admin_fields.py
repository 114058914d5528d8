"""The RUM's administrative fields travel with the stay: read from an RSS line (modes, provenance, destination,
birth weight, gestational age, sessions), refused when outside the ATIH lists, written back for a stay without
an original RUM."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from coding_assistant.formats import (
    RssFormatError,
    admin_fields,
    format_rum_line,
    parse_rum_line,
    read_rss,
    rss_to_stays,
    stay_to_record,
)
from coding_assistant.schema import Codes, Stay

DATA = Path(__file__).parents[1] / "data" / "rss"
# Format 023: 2001 a burn transferred (entry 7 from réanimation, exit 7 to MCO), 2002 a death (exit 9),
# 2003 a newborn (entry N, 2450 g, 35 SA), 2004 three sessions.
ADMIN = DATA / "rss_admin.txt"
MIXED = DATA / "rss_mixed.txt"  # RSS 1002: RUM 1 entry 8, exit 6 to MCO (1); RUM 2 entry 6 from MCO, exit 8


def cut(line: str, start: int, end: int) -> str:
    """Characters start..end, 1-based and inclusive as in the ATIH tables."""
    return line[start - 1 : end]


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="latin-1").splitlines()


def test_the_fixture_holds_the_fields_at_their_atih_positions() -> None:
    burn, death, newborn, sessions = lines(ADMIN)
    # ATIH RUM format 023: entry mode 86, provenance 87, exit mode 96, destination 97.
    assert [cut(burn, p, p) for p in (86, 87, 96, 97)] == ["7", "R", "7", "1"]
    assert cut(death, 96, 96) == "9"
    # Birth weight 103-106 (grams), gestational age 107-108 (weeks), sessions 117-118.
    assert (cut(newborn, 86, 86), cut(newborn, 103, 106), cut(newborn, 107, 108)) == ("N", "2450", "35")
    assert cut(sessions, 117, 118) == "03"


def test_the_reader_fills_the_stay_from_the_rum() -> None:
    stays = {stay.stay_id: stay for stay in rss_to_stays(read_rss(ADMIN))}
    burn, death, newborn, sessions = (stays[f"{n}-1"] for n in (2001, 2002, 2003, 2004))
    assert (burn.entry_mode, burn.entry_origin, burn.exit_mode, burn.exit_destination) == ("7", "R", "7", "1")
    assert (death.entry_mode, death.entry_origin, death.exit_mode, death.exit_destination) == ("8", None, "9", None)
    assert (newborn.entry_mode, newborn.birth_weight, newborn.gestational_age) == ("N", 2450, 35)
    assert sessions.sessions == 3
    # Blank number fields are None, not 0.
    assert (burn.birth_weight, burn.gestational_age, burn.sessions) == (None, None, None)


def test_a_stay_per_rss_takes_the_entry_of_its_first_rum_and_the_exit_of_its_last() -> None:
    rums = [r for r in read_rss(MIXED) if r.rss_number == "1002"]
    assert [(r.entry_mode, r.exit_mode, r.exit_destination) for r in rums] == [("8", "6", "1"), ("6", "8", "")]
    (stay,) = rss_to_stays(rums, group="rss")
    assert (stay.entry_mode, stay.entry_origin, stay.exit_mode, stay.exit_destination) == ("8", None, "8", None)
    assert admin_fields(list(reversed(rums)))["entry_mode"] == "8"  # by date, not by file order


@pytest.mark.parametrize(
    ("position", "name"),
    [(86, "entry_mode"), (87, "entry_origin"), (96, "exit_mode"), (97, "exit_destination")],
)
def test_a_code_outside_the_atih_list_is_refused_naming_the_field_and_position(position: int, name: str) -> None:
    line = lines(ADMIN)[0]
    bad = line[: position - 1] + "Q" + line[position:]
    with pytest.raises(RssFormatError) as caught:
        parse_rum_line(bad, "rss_admin.txt:1")
    message = str(caught.value)
    assert message.startswith(f"rss_admin.txt:1: {name} (position {position}) is not an ATIH")
    assert "allowed:" in message and "Q" not in message  # the allowed codes, never the value read


def test_provenance_5_is_refused_its_emergency_passage_has_its_own_field() -> None:
    line = lines(ADMIN)[0]
    with pytest.raises(RssFormatError, match=r"entry_origin \(position 87\)"):
        parse_rum_line(line[:86] + "5" + line[87:])


def test_a_stay_without_an_original_rum_writes_its_own_fields() -> None:
    stay = Stay(
        stay_id="J1",
        sex="F",
        age=0,
        admission_date=date(2026, 3, 20),
        discharge_date=date(2026, 3, 25),
        unit="NEON",
        codes=Codes(dp="P071"),
        entry_mode="N",
        exit_mode="7",
        exit_destination="1",
        birth_weight=2450,
        gestational_age=35,
    )
    line = format_rum_line(stay_to_record(stay, finess="750000001"), "023")
    assert [cut(line, p, p) for p in (86, 87, 96, 97)] == ["N", " ", "7", "1"]
    assert (cut(line, 103, 106), cut(line, 107, 108), cut(line, 117, 118)) == ("2450", "35", "  ")
    read = parse_rum_line(line)
    assert (read.entry_mode, read.exit_mode, read.exit_destination, read.birth_weight) == ("N", "7", "1", 2450)
    # Without them, the modes written are 8 (domicile), as before.
    bare = stay.model_copy(update={"entry_mode": None, "exit_mode": None})
    plain = format_rum_line(stay_to_record(bare, finess="750000001"), "023")
    assert (cut(plain, 86, 86), cut(plain, 96, 96)) == ("8", "8")
