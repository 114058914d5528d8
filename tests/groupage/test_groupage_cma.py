"""CMA verdicts: exclusions by the DP (annex 5), by the root (annex 4), repeats of the DP/DR, and the lists' syntax."""

from __future__ import annotations

import pytest

from coding_assistant.groupage import Act, StayFacts, default_grouper
from coding_assistant.groupage.codes import CodeRangeList, root_item_covers


@pytest.fixture(scope="module")
def grouper():
    return default_grouper()


def stay(**fields) -> StayFacts:
    base = {"stay_id": "s", "age": 40, "sex": "F", "length_of_stay": 5}
    return StayFacts(**{**base, **fields})


def test_excluded_by_the_dp_list(grouper):
    # N17.9 (acute kidney failure, level 3) does not count with a pyelonephritis DP (N10 in "N0-N15.0").
    verdict = grouper.group(stay(dp="N10", das=("N179",))).cma[0]
    assert (verdict.level, verdict.counts) == (3, False)
    assert verdict.reason == "excluded by the DP N10 (annex 5, list 908: N0-N15.0)"


def test_same_category_as_the_dp(grouper):
    verdict = grouper.group(stay(dp="N170", das=("N179",))).cma[0]
    assert not verdict.counts and verdict.reason.endswith("same category as the DP")


def test_excluded_by_the_dr(grouper):
    verdict = grouper.group(stay(dp="J189", dr="N10", das=("N179",))).cma[0]
    assert not verdict.counts and verdict.reason.startswith("excluded by the DR N10")


def test_not_excluded_counts(grouper):
    result = grouper.group(stay(dp="J189", das=("N179",)))
    assert result.cma[0].counts and result.ghm == "04M053"


def test_excluded_by_a_root_type(grouper):
    # E11.80 (level 2) has the root list "Racines_en_C": it counts in a medical root, not after an appendectomy.
    surgical = grouper.group(stay(dp="K358", das=("E1180",), acts=(Act("HHFA016"),), sex="M"))
    assert surgical.ghm == "06C091"
    assert surgical.cma[0].reason == "excluded in root 06C09 (annex 4, root list 43: Racines_en_C)"
    medical = grouper.group(stay(dp="J189", das=("E1180",), sex="M"))
    assert medical.ghm == "04M052" and medical.cma[0].counts


def test_excluded_in_cmd26(grouper):
    # Head, thorax and abdomen injuries: multiple trauma (CMD 26); S27.0 (level 2) is excluded there ("CMD26").
    result = grouper.group(stay(dp="S062", das=("S270", "S3600"), sex="M"))
    assert result.cmd == "26"
    assert result.cma[0].reason.startswith("excluded in root 26M02 (annex 4, root list 42: CMD26)")


def test_repeats_and_non_cma(grouper):
    result = grouper.group(stay(dp="J189", dr="N179", das=("N179", "I10")))
    assert [v.as_dict() for v in result.cma] == [
        {"code": "N179", "level": 3, "counts": False, "reason": "same code as the DR"},
        {"code": "I10", "level": None, "counts": False, "reason": "not on the 2026 CMA list"},
    ]


def test_annex5_ranges_prefixes_and_stars():
    items = CodeRangeList(["A0", "N0-N15.0", "N15.8-N17", "O72.0*", "M46.8-M62.89*"])
    assert items.first_cover("A099") == "A0"
    assert items.first_cover("N1500") == "N0-N15.0"  # extensions of the range's end are in
    assert items.first_cover("N151") is None  # between N15.0 and N15.8
    assert items.first_cover("N179") == "N15.8-N17"
    assert items.first_cover("O7201") == "O72.0*"
    assert items.first_cover("O7200") is None  # the starred bound leaves out its 0 extension
    assert items.first_cover("M6289") == "M46.8-M62.89*"
    assert items.first_cover("M62890") is None


def test_annex4_root_items():
    assert root_item_covers("CMD26", "26M02")
    assert root_item_covers("Racines_en_C", "06C09") and not root_item_covers("Racines_en_C", "06M09")
    assert root_item_covers("Sous_CMD02_C", "02C05") and not root_item_covers("Sous_CMD02_C", "03C05")
    assert root_item_covers("27C04", "27C04") and not root_item_covers("27C04", "27C05")
