"""GHS of a GHM and its tariff with the bound adjustments (public sector, national tariffs of the table's year).

Bounds, as the tariff order (arrêté tarifaire MCO) applies them to a stay of N nights:
- N below the low bound (borne basse): the tariff less the low-stay rebate (EXB) for each missing day,
  (low bound − N) × EXB, or less a single EXB forfait for the GHS that have one;
- N above the high bound (borne haute): the tariff plus the extra-day price (EXH) for each day beyond it,
  (N − high bound) × EXH; a high bound of 0 means none;
- otherwise the tariff itself.
A GHM may have several GHS: the ones that depend on an authorisation, a unit or a particular care (UHCD,
soins palliatifs, acts…) cannot be chosen from the codes. The preview leaves out the GHS shared by several
GHMs of the root (the UHCD one, as a rule), takes the lowest remaining GHS number and names the others in a
warning. Supplements (réanimation, soins intensifs, dialyse…) and coefficients (géographique, prudentiel) are
left out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from coding_assistant.groupage.model import Price


@dataclass(frozen=True, slots=True)
class GhsRow:
    ghs: int
    ghm: str
    label: str
    low_bound: int
    high_bound: int
    tariff: float
    rebate: float  # EXB: per missing day, or once when `rebate_is_forfait`
    extra_day: float  # EXH
    rebate_is_forfait: bool = False


def _number(value: str | None) -> float:
    text = (value or "").strip().replace(",", ".")
    return float(text) if text else 0.0


class GhsTable:
    """GHM -> its GHS rows, lowest GHS number first."""

    def __init__(self, rows: list[dict[str, str]], year: str) -> None:
        self.year = year
        self.by_ghm: dict[str, list[GhsRow]] = {}
        for row in rows:
            forfait = _number(row.get("low_stay_forfait_eur"))
            parsed = GhsRow(
                ghs=int(row["ghs"]),
                ghm=row["ghm"].strip(),
                label=(row.get("ghm_label") or "").strip(),
                low_bound=int(_number(row["low_bound_days"])),
                high_bound=int(_number(row["high_bound_days"])),
                tariff=_number(row["tariff_eur"]),
                rebate=forfait or _number(row["low_stay_rebate_eur"]),
                extra_day=_number(row["extra_day_eur"]),
                rebate_is_forfait=forfait > 0,
            )
            self.by_ghm.setdefault(parsed.ghm, []).append(parsed)
        for ghs_rows in self.by_ghm.values():
            ghs_rows.sort(key=lambda r: r.ghs)
        per_root: dict[str, Counter[int]] = {}
        for ghm, ghs_rows in self.by_ghm.items():
            per_root.setdefault(ghm[:5], Counter()).update(r.ghs for r in ghs_rows)
        self._root_wide = {root: {ghs for ghs, n in counts.items() if n > 1} for root, counts in per_root.items()}

    def label(self, ghm: str) -> str | None:
        rows = self.by_ghm.get(ghm)
        return rows[0].label if rows else None

    def default(self, ghm: str) -> tuple[GhsRow | None, list[int]]:
        """The GHS the preview prices (lowest number not shared across the root) and the GHM's other own GHS
        (the root-wide ones, UHCD as a rule, are left out of both)."""
        rows = self.by_ghm.get(ghm, [])
        shared = self._root_wide.get(ghm[:5], set())
        plain = [r for r in rows if r.ghs not in shared] or rows
        chosen = plain[0] if plain else None
        return chosen, [r.ghs for r in plain if r is not chosen]


def price(row: GhsRow, nights: int) -> Price:
    """The tariff of `row` for a stay of `nights`, with its low-bound rebate or high-bound extra days."""
    adjustment = 0.0
    rule = f"{nights} nights within the bounds: GHS tariff"
    if row.low_bound and nights < row.low_bound:
        if row.rebate_is_forfait:
            adjustment = -row.rebate
            rule = f"{nights} nights < low bound {row.low_bound}: EXB forfait −{row.rebate:.2f} €"
        else:
            missing = row.low_bound - nights
            adjustment = -missing * row.rebate
            rule = f"{nights} nights < low bound {row.low_bound}: −{missing} × {row.rebate:.2f} € (EXB)"
    elif row.high_bound and nights > row.high_bound:
        extra = nights - row.high_bound
        adjustment = extra * row.extra_day
        rule = f"{nights} nights > high bound {row.high_bound}: +{extra} × {row.extra_day:.2f} € (EXH)"
    return Price(
        ghs=row.ghs,
        base_eur=row.tariff,
        adjustment_eur=round(adjustment, 2),
        total_eur=round(row.tariff + adjustment, 2),
        low_bound_days=row.low_bound,
        high_bound_days=row.high_bound,
        rule=rule,
    )
