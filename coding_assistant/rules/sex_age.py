"""Sex and age consistency (FG return codes 86/98/92 for sex; 130-135 for O/Z37 and P/Z38 codes and age).

No public ATIH list of sex- or age-restricted codes exists: `sex_codes.csv` is derived from the chapters and
blocks of CIM-10 (organes génitaux de l'homme / de la femme, chapter XV) and from labels that name a sex-specific
organ or state (prostate, testicule, verge, scrotum; utérus, ovaire, vulve, vagin, grossesse, post-partum …);
`age_constraints.csv` holds the O/Z37 (woman 10-55 years) and P/Z38 (under 1 year) bounds. Both are editable.
"""

from __future__ import annotations

from coding_assistant.rules.coding import StayCoding
from coding_assistant.rules.data import RulesData
from coding_assistant.rules.warning import RuleWarning

FG_SEX = {"DP": "86", "DR": "98", "DAS": "92"}
_SEX_WORDS = {"M": "un homme", "F": "une femme"}


def check_sex_age(coding: StayCoding, rules: RulesData) -> list[RuleWarning]:
    warnings: list[RuleWarning] = []
    seen: set[tuple[str, str]] = set()
    for diagnosis in coding.diagnoses:
        position, code = diagnosis.position, diagnosis.code
        if coding.sex is not None:
            for constraint in rules.sex:
                if code in constraint.codes and constraint.sex != coding.sex and ("sex", code) not in seen:
                    seen.add(("sex", code))
                    fg = FG_SEX[position]
                    warnings.append(
                        RuleWarning(
                            "sex",
                            code,
                            f"{code} en {position} ne convient qu'à {_SEX_WORDS[constraint.sex]} ({constraint.basis}) "
                            f"; patient(e) de sexe {coding.sex}",
                            fg,
                        )
                    )
                    break
        if coding.age is None:
            continue
        for age in rules.age:
            if code in age.codes and not age.min_age <= coding.age <= age.max_age and ("age", code) not in seen:
                seen.add(("age", code))
                age_fg = age.fg_by_position.get(position) or None
                bounds = "moins d'un an" if age.max_age == 0 else f"{age.min_age} à {age.max_age} ans"
                warnings.append(
                    RuleWarning(
                        "age",
                        code,
                        f"{code} en {position} pour un âge de {coding.age} an(s) : âge attendu {bounds}",
                        age_fg,
                        age.severity,
                    )
                )
                break
    return warnings
