"""Which role (DP, DR, DAS) a code may take, and which DR a DP needs (ATIH types of the CIM-10 FR
à usage PMSI; guide méthodologique MCO 2025, chapitre IV).

- DP: ATIH type 0, not an external cause, not a sequela ("Séquelles de…", B90-B94, I69, T90-T98 …) and not a
  delivery mode O81-O84 (`forbidden_dp.csv`).
- DR: type 0 or 4, not an external cause; a DR only qualifies a DP coded with a Z code or a symptom (R), and
  some DPs need one: Z51.1 chemotherapy -> the tumour (C00-D48), Z49.1/Z49.2 dialysis -> N18.5
  (`dr_requirements.csv`; to confirm against the guide méthodologique MCO 2025, chapitre IV, diagnostic relié).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from coding_assistant.rules.coding import StayCoding
from coding_assistant.rules.data import ForbiddenDp, RulesData, default_rules_data
from coding_assistant.rules.positions import FG_TYPE_ERRORS, type_allows
from coding_assistant.rules.ranges import CodeRange
from coding_assistant.rules.warning import RuleWarning
from coding_assistant.terminology.codes import normalise_code
from coding_assistant.terminology.model import Terminology
from coding_assistant.text.normalize import strip_accents

FG_DR_REQUIRED = "187"
ROLES = ("DP", "DR", "DAS")


@dataclass(frozen=True, slots=True)
class DrRequirement:
    """The DR a DP needs: `accepts(code)` says whether a candidate fits; `description` says what is expected."""

    dp: str
    description: str
    dr_codes: CodeRange
    basis: str
    predicate: Callable[[str], bool]

    def accepts(self, code: str) -> bool:
        try:
            return self.predicate(normalise_code(code))
        except ValueError:
            return False


def _normalised(code: str) -> str | None:
    try:
        return normalise_code(code)
    except ValueError:
        return None


def dr_for_dp(dp: str | None, rules: RulesData | None = None) -> DrRequirement | None:
    """What DR a DP needs (Z51.1 -> a tumour, Z49.1/Z49.2 -> N18.5), or None when it needs none."""
    code = _normalised(dp) if dp else None
    if code is None:
        return None
    rules = rules or default_rules_data()
    for convention in rules.dr_conventions:
        if code in convention.dp:
            dr_codes = convention.dr
            return DrRequirement(code, convention.description, dr_codes, convention.basis, dr_codes.__contains__)
    return None


@lru_cache(maxsize=8)
def _sequela_label(pattern: str) -> re.Pattern[str]:
    return re.compile(strip_accents(pattern), re.IGNORECASE)


def forbidden_as_dp(code: str, terminology: Terminology, rules: RulesData) -> ForbiddenDp | None:
    """The configured reason why a code may not be DP (beyond its ATIH type), or None."""
    for forbidden in rules.forbidden_dp:
        if code in forbidden.codes:
            return forbidden
    settings = rules.settings["sequelae"]
    entry = terminology.get(code)
    if (
        entry is not None
        and code not in settings["label_exceptions"]
        and _sequela_label(settings["label_pattern"]).search(strip_accents(entry.label))
    ):
        return ForbiddenDp(CodeRange(code, code), "sequelae-dp", "code de séquelles (libellé « Séquelles de… »)")
    return None


def allowed_roles(code: str, terminology: Terminology, rules: RulesData | None = None) -> set[str]:
    """The roles among DP, DR, DAS that a code may take by the ATIH type and the configured DP exclusions.

    An unknown, malformed or deleted code has no role. Whether a DR is wanted at all depends on the DP
    (`dr_for_dp`, `check_coding`).
    """
    rules = rules or default_rules_data()
    table = _role_table(terminology, rules)
    roles = table.get(code)
    if roles is None:
        roles = table[code] = frozenset(_allowed_roles(code, terminology, rules))
    return set(roles)


# The role assignment asks for the roles of the same codes many times per stay: they are kept per terminology and
# rule lists (both never change once loaded; the few last pairs asked for, held so that their ids stay theirs).
_ROLE_TABLES: list[tuple[Terminology, RulesData, dict[str, frozenset[str]]]] = []
_ROLE_TABLES_KEPT = 4


def _role_table(terminology: Terminology, rules: RulesData) -> dict[str, frozenset[str]]:
    for known_terminology, known_rules, table in _ROLE_TABLES:
        if known_terminology is terminology and known_rules is rules:
            return table
    table = {}
    _ROLE_TABLES.insert(0, (terminology, rules, table))
    del _ROLE_TABLES[_ROLE_TABLES_KEPT:]
    return table


def _allowed_roles(code: str, terminology: Terminology, rules: RulesData) -> set[str]:
    normalised = _normalised(code)
    entry = terminology.get(normalised) if normalised else None
    if entry is None or entry.deleted:
        return set()
    roles = {role for role in ROLES if type_allows(terminology, entry.code, role)}
    if "DP" in roles and forbidden_as_dp(entry.code, terminology, rules) is not None:
        roles.discard("DP")
    return roles


def check_forbidden_dp(coding: StayCoding, terminology: Terminology, rules: RulesData) -> list[RuleWarning]:
    """Sequelae and delivery modes as DP (guide méthodologique MCO 2025: coding of sequelae and of deliveries)."""
    if not coding.dp or terminology.get(coding.dp) is None:
        return []
    forbidden = forbidden_as_dp(coding.dp, terminology, rules)
    if forbidden is None:
        return []
    entry = terminology.get(coding.dp)
    assert entry is not None
    if entry.deleted:
        return []
    fg = FG_TYPE_ERRORS.get(("DP", entry.mco_type))
    return [
        RuleWarning(
            forbidden.rule,
            coding.dp,
            f"{coding.dp} interdit en DP : {forbidden.reason}",
            fg,
        )
    ]


def check_dr(coding: StayCoding, rules: RulesData) -> list[RuleWarning]:
    """The DR: only with a Z/symptom DP; Z51.1 and Z49.1/Z49.2 need theirs (guide méthodologique MCO, chapitre IV)."""
    warnings: list[RuleWarning] = []
    requirement = dr_for_dp(coding.dp, rules) if coding.dp else None
    if requirement is not None:
        if coding.dr is None:
            warnings.append(
                RuleWarning(
                    "dr-required",
                    coding.dp,
                    f"DP {coding.dp} sans DR : le DR attendu est {requirement.description}",
                    FG_DR_REQUIRED,
                )
            )
        elif not requirement.predicate(coding.dr):
            warnings.append(
                RuleWarning(
                    "dr-required",
                    coding.dr,
                    f"DR {coding.dr} inattendu avec le DP {coding.dp} : le DR attendu est {requirement.description}",
                    None,
                )
            )
        return warnings
    if coding.dr is None:
        return warnings
    if coding.dp is None:
        message = f"DR {coding.dr} sans DP : un DR ne qualifie qu'un DP codé en Z ou en symptôme"
    elif not coding.dp.startswith(rules.dp_prefixes_allowing_dr):
        message = (
            f"DR {coding.dr} avec le DP {coding.dp} : un DR ne s'emploie qu'avec un DP codé en Z (ou symptôme R), "
            "pour une maladie chronique ou un état permanent"
        )
    else:
        return warnings
    warnings.append(RuleWarning("dr-forbidden", coding.dr, f"{message}", None, "warning"))
    return warnings
