"""Severity rules of the grouping preview, each on a worked example (Manuel des GHM vol. 1, niveaux de sévérité)."""

from __future__ import annotations

import pytest

from coding_assistant.groupage import StayFacts, default_grouper
from coding_assistant.groupage.severity import Leaf, cap_by_length, lettered_level, severity, short_stay_letter


@pytest.fixture(scope="module")
def grouper():
    return default_grouper()


def stay(**fields) -> StayFacts:
    base = {"stay_id": "s", "age": 50, "sex": "F", "length_of_stay": 5}
    return StayFacts(**{**base, **fields})


@pytest.mark.parametrize(
    ("level", "nights", "allowed"),
    [(2, 2, 1), (2, 3, 2), (3, 3, 2), (3, 4, 3), (4, 4, 3), (4, 5, 4), (4, 30, 4), (1, 0, 1)],
)
def test_minimum_length_of_stay_per_level(level, nights, allowed):
    # Level 2 needs 3 days, level 3 needs 4 days, level 4 needs 5 days.
    assert cap_by_length(level, nights) == allowed


def test_highest_counting_cma_sets_the_level(grouper):
    # Pneumonia (04M05) with malnutrition E44.0 (level 3) and acute kidney failure N17.9 (level 3), 6 nights.
    result = grouper.group(stay(dp="J189", das=("E440", "N179"), length_of_stay=6, age=70))
    assert result.ghm == "04M053"
    assert [(v.code, v.level, v.counts) for v in result.cma] == [("E440", 3, True), ("N179", 3, True)]


def test_short_stay_lowers_the_level_and_says_why(grouper):
    # Same stay, 3 nights: level 3 needs 4 days, so the CMA counts as level 2; 2 nights: it does not count.
    three = grouper.group(stay(dp="J189", das=("E440",), length_of_stay=3))
    assert three.ghm == "04M052"
    assert three.cma[0].counts and "counts as level 2" in three.cma[0].reason
    two = grouper.group(stay(dp="J189", das=("E440",), length_of_stay=2))
    assert two.ghm == "04M051"
    assert not two.cma[0].counts and "at least 4 days" in two.cma[0].reason


def test_very_short_stay_is_t(grouper):
    # A 1-night pneumonia goes to the very-short-stay GHM whatever its CMAs.
    result = grouper.group(stay(dp="J189", das=("E440",), length_of_stay=1))
    assert result.ghm == "04M05T"
    assert "short stay (T)" in result.cma[0].reason


def test_ambulatory_and_very_short_letters_from_the_leaf():
    assert short_stay_letter(Leaf("01C15", "J", "1"), 0) == "J"
    assert short_stay_letter(Leaf("01C15", "J", "1"), 1) is None
    assert short_stay_letter(Leaf("04M05", "T", "1"), 1) == "T"
    assert short_stay_letter(Leaf("04M05", "T", "1"), 2) is None
    outcome = severity(Leaf("01C15", "J", "1"), stay(dp="G560", length_of_stay=0), [3])
    assert outcome.letter == "J" and outcome.cma_unused


def test_age_80_or_more_raises_level_1_in_roots_with_the_age_effect(grouper):
    # Syncope (05M05, drawn with the age effect), 3 nights, no CMA: level 2 at 85, level 1 at 50.
    assert grouper.group(stay(dp="R55", length_of_stay=3, age=85)).ghm == "05M052"
    assert grouper.group(stay(dp="R55", length_of_stay=3, age=50)).ghm == "05M051"


def test_age_under_2_raises_the_level_too(grouper):
    assert grouper.group(stay(dp="R55", length_of_stay=3, age=1)).ghm == "05M052"


def test_age_effect_only_in_marked_roots():
    leaf = Leaf("04M05", "T", "1", None)
    assert severity(leaf, stay(dp="J189", age=90), []).letter == "1"
    assert severity(Leaf("05M05", "T", "1", "age"), stay(dp="R55", age=90), []).letter == "2"
    # Levels 3 and 4 are not raised by age.
    assert severity(Leaf("05M05", "T", "1", "age"), stay(dp="R55", age=90), [3]).letter == "3"


def test_age_effect_is_still_capped_by_the_length_of_stay(grouper):
    # 85 years, 2 nights: the raise to level 2 needs 3 days.
    assert grouper.group(stay(dp="R55", length_of_stay=2, age=85)).ghm == "05M051"


def test_death_raises_level_1_to_2(grouper):
    result = grouper.group(stay(dp="J189", length_of_stay=4, exit_mode="9"))
    assert result.ghm == "04M052"
    assert any("death" in step for step in result.severity_steps)


def test_fixed_letters_z_and_e(grouper):
    # Acute myocardial infarction, death after 1 night: 05M21E; surveillance DP with a DR: 01M32Z.
    assert grouper.group(stay(dp="I2100", length_of_stay=1, sex="M", exit_mode="9")).ghm == "05M21E"
    surveillance = grouper.group(stay(dp="Z098", dr="C710", length_of_stay=1, sex="M"))
    assert surveillance.ghm == "01M32Z"
    assert any("inversion" in w for w in surveillance.warnings)


def test_letters_a_to_d_come_from_the_tree_and_need_the_same_lengths(grouper):
    # HIV disease (D-127) with an HIV-related DAS (D-128): 25M02; two infectious complications (D-129): C.
    one = grouper.group(stay(dp="B200", das=("A021",), sex="M"))
    assert one.ghm == "25M02B"
    two = grouper.group(stay(dp="B200", das=("A021", "B377", "B451"), sex="M"))
    assert two.ghm == "25M02C"
    assert grouper.group(stay(dp="B200", das=("A021", "B377", "B451"), sex="M", length_of_stay=3)).ghm == "25M02B"
    assert lettered_level("D", 4) == ("C", "D needs at least 5 days (this stay: 4): D -> C")
    assert lettered_level("A", 0) == ("A", None)
