"""GHS choice and tariff with the bound adjustments; a site's own tariff table."""

from __future__ import annotations

import shutil

import pytest

from coding_assistant.groupage import Grouper, StayFacts, default_grouper
from coding_assistant.groupage.tables import SHIPPED_DIR
from coding_assistant.groupage.tariff import GhsRow, price


@pytest.fixture(scope="module")
def ghs():
    return default_grouper().ghs


def test_within_the_bounds_is_the_tariff(ghs):
    row, _ = ghs.default("04M053")
    priced = price(row, 6)
    assert (priced.ghs, priced.total_eur, priced.adjustment_eur) == (1144, 5283.97, 0.0)


def test_below_the_low_bound_each_missing_day_is_rebated(ghs):
    # 01C034: low bound 12 days, EXB 455.38 € a day; 10 nights -> 2 missing days.
    row, _ = ghs.default("01C034")
    priced = price(row, 10)
    assert priced.total_eur == pytest.approx(18245.40 - 2 * 455.38)
    assert "low bound 12" in priced.rule


def test_above_the_high_bound_each_extra_day_is_paid(ghs):
    # 01C031: high bound 11 days, EXH 124.29 € a day; 14 nights -> 3 extra days.
    row, _ = ghs.default("01C031")
    assert price(row, 14).total_eur == pytest.approx(4202.10 + 3 * 124.29)
    assert price(row, 11).total_eur == pytest.approx(4202.10)


def test_forfait_rebate_is_taken_once():
    row = GhsRow(1, "99X991", "", 5, 20, tariff=1000.0, rebate=300.0, extra_day=0.0, rebate_is_forfait=True)
    assert price(row, 1).total_eur == 700.0


def test_default_ghs_leaves_out_the_root_wide_one(ghs):
    row, others = ghs.default("01C041")
    assert row.ghs == 26 and others == [65]  # 5072, shared by the root's GHMs (UHCD), is left out
    # Here the shared GHS (5780, UHCD) has the lowest number: the GHM's own one is priced.
    assert ghs.default("19M071")[0].ghs == 7074


def test_grouped_stay_carries_its_price(ghs):
    result = default_grouper().group(StayFacts("s", dp="J189", das=("E440",), length_of_stay=30, age=60, sex="M"))
    row, _ = ghs.default("04M053")
    assert result.ghm == "04M053" and result.ghs == 1144
    assert result.tariff_eur == pytest.approx(5283.97 + (30 - 23) * row.extra_day)
    assert "high bound 23" in result.price.rule


def test_a_site_table_replaces_the_shipped_one(tmp_path):
    shutil.copy(SHIPPED_DIR / "ghs_public_2025.csv", tmp_path / "ghs_public_2025.csv")
    (tmp_path / "ghs_public_2026.csv").write_text(
        "ghs,ghm,ghm_label,low_bound_days,high_bound_days,tariff_eur,low_stay_rebate_eur,extra_day_eur,"
        "low_stay_forfait_eur\n1144,04M053,Pneumonies niveau 3,6,20,6000,0,50,400\n",
        encoding="utf-8",
    )
    grouper = Grouper(tmp_path)
    assert "tarifs publics 2026" in grouper.preview

    def tariff(nights: int) -> float | None:
        return grouper.group(
            StayFacts("s", dp="J189", das=("E440",), length_of_stay=nights, age=60, sex="M")
        ).tariff_eur

    assert tariff(7) == 6000.0
    assert tariff(5) == 5600.0  # under the low bound of 6: the forfait, once
