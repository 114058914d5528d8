"""`check_coding`: every PMSI check of one RUM's coding, as a list of warnings for the coder.

>>> from coding_assistant.terminology.loader import default_terminology
>>> terminology = default_terminology().terminology
>>> [w.rule for w in check_coding("Z511", None, ["C509"], "F", 60, terminology)]
['dr-required']
"""

from __future__ import annotations

from collections.abc import Sequence

from coding_assistant.rules.coding import StayCoding, normalise_coding
from coding_assistant.rules.dagger import check_dagger_asterisk
from coding_assistant.rules.data import RulesData, default_rules_data
from coding_assistant.rules.external_causes import check_external_causes
from coding_assistant.rules.measured import check_measured_codes
from coding_assistant.rules.obstetrics import check_delivery
from coding_assistant.rules.positions import check_dp_present, check_positions
from coding_assistant.rules.role_checks import check_dr, check_forbidden_dp
from coding_assistant.rules.sex_age import check_sex_age
from coding_assistant.rules.warning import RuleWarning
from coding_assistant.terminology.model import Terminology
from coding_assistant.text.measurements import Measurement


def check_duplicates(coding: StayCoding) -> list[RuleWarning]:
    """A code written twice (the DP again in DAS, DR = DP …): one of them is useless."""
    warnings: list[RuleWarning] = []
    seen: dict[str, str] = {}
    for diagnosis in coding.diagnoses:
        first = seen.get(diagnosis.code)
        if first is None:
            seen[diagnosis.code] = diagnosis.position
            continue
        warnings.append(
            RuleWarning(
                "duplicate-code",
                diagnosis.code,
                f"{diagnosis.code} codé deux fois ({first} et {diagnosis.position})",
                None,
                "warning",
            )
        )
    return warnings


def check_coding(
    dp: str | None,
    dr: str | None,
    das: Sequence[str],
    sex: str | None,
    age: int | None,
    terminology: Terminology,
    acts: Sequence[str] = (),
    *,
    rules: RulesData | None = None,
    measurements: Sequence[Measurement] = (),
    text: str = "",
) -> list[RuleWarning]:
    """The PMSI checks of one RUM (CIM-10 FR à usage PMSI, guide méthodologique MCO 2025, FG return codes).

    Codes may be written with dots or in lower case; `sex` is "M"/"F" (or RUM "1"/"2"); `acts` are CCAM codes
    (an empty sequence means "acts unknown": the delivery check is skipped). Each warning names its rule, its
    code and, where the ATIH fonction groupage has one, its FG return code. Errors come before warnings.
    `measurements` (read in the stay's documents, `text` their words) check the codes a value decides.
    """
    rules = rules or default_rules_data()
    coding, warnings = normalise_coding(dp, dr, das, sex, age, acts)
    warnings += check_dp_present(coding)
    specific = check_forbidden_dp(coding, terminology, rules)
    warnings += specific
    warnings += check_positions(coding, terminology, skip={("DP", w.code) for w in specific if w.code})
    warnings += check_dr(coding, rules)
    warnings += check_external_causes(coding, rules)
    warnings += check_dagger_asterisk(coding, terminology, rules)
    warnings += check_sex_age(coding, rules)
    warnings += check_delivery(coding, rules)
    warnings += check_duplicates(coding)
    if measurements:
        warnings += check_measured_codes(coding, measurements, text, terminology)
    unique = list(dict.fromkeys(warnings))
    return sorted(unique, key=lambda w: w.severity != "error")
