"""Grouping preview (aperçu de groupage): CMA level of each DAS, severity, CMD, GHM, GHS and tariff of a stay.

Built from the Manuel des GHM 2026 tables (trees, CMA and exclusion lists), the 2024 diagnosis lists, the 2021
act lists and the 2025 public tariffs shipped in `data/` (README there). It is a preview for coders, not the
ATIH grouping function: every result says so in its `preview` field.
"""

from coding_assistant.groupage.grouper import Grouper, default_grouper, group_stay
from coding_assistant.groupage.model import Act, CmaVerdict, GroupingResult, Price, StayFacts
from coding_assistant.groupage.proposals import facts_for, selected_acts, summarise_grouping
from coding_assistant.groupage.worth import CodeWorth, code_worth, coded_das_worth

__all__ = [
    "Act",
    "CmaVerdict",
    "CodeWorth",
    "Grouper",
    "GroupingResult",
    "Price",
    "StayFacts",
    "code_worth",
    "coded_das_worth",
    "default_grouper",
    "facts_for",
    "group_stay",
    "selected_acts",
    "summarise_grouping",
]
