"""An external cause (chapter XX, V01-Y98: type 2 in the CIM-10 FR à usage PMSI) qualifies a diagnosis, never
stands alone.

Accidents, assaults and self-harm (V01-Y36) accompany an injury or poisoning of chapter XIX (S00-T98). Adverse
drug effects and complications of care (Y40-Y84), sequelae of external causes (Y85-Y89) and supplementary
factors (Y90-Y98) qualify a condition that may be coded in any chapter (WHO ICD-10 vol. 2): for them any
diagnosis outside chapter XX is enough. Both are configured in `external_causes.csv`. Their position (never DP
nor DR) is checked by `positions`.
"""

from __future__ import annotations

from coding_assistant.rules.coding import StayCoding
from coding_assistant.rules.data import RulesData
from coding_assistant.rules.ranges import EXTERNAL_CAUSES
from coding_assistant.rules.warning import RuleWarning


def check_external_causes(coding: StayCoding, rules: RulesData) -> list[RuleWarning]:
    codes = coding.codes()
    others = [c for c in codes if c not in EXTERNAL_CAUSES]
    warnings: list[RuleWarning] = []
    for code in codes:
        if code not in EXTERNAL_CAUSES:
            continue
        convention = next((c for c in rules.external_causes if code in c.causes), None)
        if convention is None:
            continue
        if any(other in convention.companions for other in others):
            continue
        needed = (
            "une lésion traumatique ou un empoisonnement du chapitre XIX (S00-T98)"
            if str(convention.companions) == "S00-T98"
            else f"le diagnostic qu'elle qualifie ({convention.companions})"
        )
        warnings.append(
            RuleWarning(
                "external-cause-alone",
                code,
                f"cause externe {code} sans {needed}",
                None,
                "warning",
            )
        )
    return warnings
