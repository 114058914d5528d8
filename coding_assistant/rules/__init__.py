"""PMSI rules: the checks of a RUM's coding and the refinement of codes to their most specific codable form.

Public API (the proposal pipeline calls these):
- `check_coding(dp, dr, das, sex, age, terminology, acts=())` -> list[RuleWarning]
- `allowed_roles(code, terminology)` -> set of "DP", "DR", "DAS"
- `dr_for_dp(dp)` -> DrRequirement | None (what DR a DP needs)
- `refine_code(code, text, measurements, terminology, insulin_treated=None)` -> Refinement
- `insulin_treated_from_text(text)` -> bool | None
The lists behind them live in `terminologies/rules/` (see its README).
"""

from coding_assistant.rules.check import check_coding
from coding_assistant.rules.data import RulesData, default_rules_data, load_rules_data
from coding_assistant.rules.role_checks import DrRequirement, allowed_roles, dr_for_dp
from coding_assistant.rules.specificity import Refinement, insulin_treated_from_text, refine_code
from coding_assistant.rules.warning import RuleWarning, Severity

__all__ = [
    "DrRequirement",
    "Refinement",
    "RuleWarning",
    "RulesData",
    "Severity",
    "allowed_roles",
    "check_coding",
    "default_rules_data",
    "dr_for_dp",
    "insulin_treated_from_text",
    "load_rules_data",
    "refine_code",
]
