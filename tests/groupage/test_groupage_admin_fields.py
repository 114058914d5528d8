"""The stay's RUM administrative fields reach the grouping preview (groupage/proposals.py `facts_for`): a death,
a transfer, a newborn's birth weight and the sessions change the GHM where the 2026 trees test them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from coding_assistant.formats import read_rss, rss_to_stays
from coding_assistant.groupage import GroupingResult, facts_for, group_stay, summarise_grouping
from coding_assistant.schema import ModelInfo, Proposal, Stay, StayProposals

RSS_ADMIN = Path(__file__).parents[1] / "data" / "rss" / "rss_admin.txt"
ADMIN_FIELDS = ("entry_mode", "entry_origin", "exit_mode", "exit_destination", "birth_weight", "gestational_age")


def stay(nights: int, **fields: object) -> Stay:
    base: dict[str, object] = {"stay_id": "A", "sex": "M", "age": 40, "admission_date": date(2026, 3, 3)}
    base["discharge_date"] = date(2026, 3, 3 + nights)
    return Stay.model_validate({**base, **fields})


def grouped(the_stay: Stay, dp: str, das: tuple[str, ...] = ()) -> GroupingResult:
    facts = facts_for(the_stay, dp, None, das)
    assert facts is not None
    return group_stay(facts)


def test_facts_carry_the_fields_and_leave_them_empty_without() -> None:
    facts = facts_for(
        stay(2, entry_mode="7", entry_origin="R", exit_mode="7", exit_destination="1", sessions=2), "J189", None, []
    )
    assert facts is not None
    assert (facts.entry_mode, facts.entry_origin, facts.exit_mode, facts.exit_destination) == ("7", "R", "7", "1")
    assert (facts.sessions, facts.age_days) == (2, None)
    bare = facts_for(stay(2), "J189", None, [])
    assert bare is not None
    assert all(getattr(bare, name) is None for name in ADMIN_FIELDS) and bare.sessions == 0


def test_a_death_raises_the_severity() -> None:
    # Manuel des GHM 2026, volume 1: a death raises a level-1 stay to level 2 (4 nights, pneumonia).
    assert grouped(stay(4), "J189").ghm == "04M051"
    assert grouped(stay(4, exit_mode="9"), "J189").ghm == "04M052"


def test_a_burn_transferred_to_mco_within_a_day_goes_to_its_own_ghm() -> None:
    # CMD 22 tree: exit mode transfert, destination MCO.
    assert grouped(stay(1), "T202").ghm == "22M02T"
    assert grouped(stay(1, exit_mode="7", exit_destination="1"), "T202").ghm == "22Z03Z"
    assert grouped(stay(1, exit_mode="7", exit_destination="2"), "T202").ghm == "22M02T"  # to SMR: not tested


def test_a_newborn_is_grouped_by_its_birth_weight() -> None:
    newborn = {"age": 0, "sex": "F", "entry_mode": "N"}
    # Entry mode N: born in the unit, 0 days old at entry, so the newborn CMD 15 and its weight groups apply.
    facts = facts_for(stay(5, **newborn, birth_weight=2450, gestational_age=35), "P071", None, ["P220"])
    assert facts is not None and facts.age_days == 0 and facts.birth_weight == 2450
    assert grouped(stay(5, **newborn, birth_weight=2450, gestational_age=35), "P071").ghm == "15M07A"
    assert grouped(stay(5, **newborn, birth_weight=1200, gestational_age=30), "P071").ghm == "15M13A"
    assert grouped(stay(5, **newborn, birth_weight=2450, gestational_age=35, exit_mode="9"), "P071").ghm == "15M04E"
    assert grouped(stay(5, age=0, sex="F"), "P071").cmd != "15"  # without the entry mode: not oriented there


def test_sessions_send_the_stay_to_cmd_28() -> None:
    assert grouped(stay(0), "Z491", ("N185",)).cmd == "11"
    assert grouped(stay(0, sessions=1), "Z491", ("N185",)).ghm == "28Z04Z"


def test_stays_read_from_an_rss_are_grouped_with_their_rum_fields() -> None:
    expected = {"2001-1": "22Z03Z", "2002-1": "04M052", "2003-1": "15M07A", "2004-1": "28Z04Z"}
    found = {}
    for read in rss_to_stays(read_rss(RSS_ADMIN)):
        assert read.codes is not None and read.codes.dp is not None
        found[read.stay_id] = grouped(read, read.codes.dp, tuple(read.codes.das)).ghm
        blank = read.model_copy(update=dict.fromkeys((*ADMIN_FIELDS, "sessions")))
        assert grouped(blank, read.codes.dp, tuple(read.codes.das)).ghm != found[read.stay_id]
    assert found == expected


def test_the_stored_preview_of_the_proposals_reads_them_too() -> None:
    dp = Proposal(code="J189", score=0.9, role="DP", selected=True)
    answer = StayProposals(stay_id="A", model=ModelInfo(name="m", version="1"), proposals=[dp])
    assert (summary := summarise_grouping(stay(4, exit_mode="9"), answer)) is not None
    assert (summary.ghm, summary.severity) == ("04M052", "2")
