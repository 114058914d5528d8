"""A delivery diagnosis (O80-O84, Z37) goes with a delivery act, and a delivery act with one.

Only checked when the stay's acts are given (an empty list means "acts unknown"). Delivery acts: the CCAM
JQGA (caesarean) and JQGD (vaginal delivery) acts listed in `delivery_acts.csv` (JQGA001, an ectopic
pregnancy extraction, and JQGD014, a selective foetal extraction, are not deliveries; the instrumental
extractions JQGD006/009/011 are complementary gestures of a delivery act). FG 205 / 206.
"""

from __future__ import annotations

from coding_assistant.rules.coding import StayCoding
from coding_assistant.rules.data import RulesData
from coding_assistant.rules.ranges import in_any
from coding_assistant.rules.warning import RuleWarning

FG_DIAGNOSIS_WITHOUT_ACT = "205"
FG_ACT_WITHOUT_DIAGNOSIS = "206"


def check_delivery(coding: StayCoding, rules: RulesData) -> list[RuleWarning]:
    if not coding.acts_given:
        return []
    ranges = rules.delivery_diagnoses
    diagnoses = [c for c in coding.codes() if in_any(c, ranges)]
    acts = [a for a in coding.acts if a in rules.delivery_acts]
    if diagnoses and not acts:
        fg = FG_DIAGNOSIS_WITHOUT_ACT
        return [
            RuleWarning(
                "obstetric-without-delivery-act",
                diagnoses[0],
                f"diagnostic d'accouchement {', '.join(diagnoses)} sans acte d'accouchement CCAM (JQGA/JQGD) ; "
                f"sauf accouchement hors établissement",
                fg,
                "warning",
            )
        ]
    if acts and not diagnoses:
        fg = FG_ACT_WITHOUT_DIAGNOSIS
        return [
            RuleWarning(
                "delivery-act-without-obstetric",
                acts[0],  # the act the review shows it on
                f"acte d'accouchement {', '.join(acts)} sans diagnostic d'accouchement (O80-O84, Z37)",
                fg,
            )
        ]
    return []
