"""A code whose CIM-10 FR wording states a value that the letter's measurement contradicts.

Some CIM-10 FR codes carry a threshold in their wording (ATIH CIM-10 FR 2025: E87.10 « Hyponatrémie
inférieure à 120 millimoles par litre », E87.50 « Hyperkaliémie supérieure à 6,5 mmol/l », the E66 fifth
characters by IMC band) or a stage defined by a value (N18 by the DFG, as the guide méthodologique MCO asks the
stage the letter documents). A coder who keeps E87.10 beside « natrémie 126 mmol/L » codes a fault that a DIM
control would find: the check reads the value the same way the code refinement does
(`specificity.refine_code`, the decisive value of the letter) and says which code the value points to.
"""

from __future__ import annotations

from collections.abc import Sequence

from coding_assistant.rules.coding import StayCoding
from coding_assistant.rules.specificity.refine import refine_code
from coding_assistant.rules.warning import RuleWarning
from coding_assistant.terminology.model import Terminology
from coding_assistant.text.measurements import Measurement, decisive

RULE = "measurement-code"
# The families whose code a value decides: (prefix of the code, length of the part the value does not decide,
# measurement kind). E66: the cause (4th character) is the letter's, the IMC band (5th) the value's.
MEASURED_FAMILIES: tuple[tuple[str, int, str], ...] = (
    ("E871", 4, "natremie"),
    ("E875", 4, "kaliemie"),
    ("E876", 4, "kaliemie"),
    ("E870", 4, "natremie"),
    ("E66", 4, "imc"),
    ("N18", 3, "dfg"),
)


def check_measured_codes(
    coding: StayCoding, measurements: Sequence[Measurement], text: str, terminology: Terminology
) -> list[RuleWarning]:
    """One warning per coded diagnosis whose value-bound code differs from the one the letter's value gives."""
    warnings: list[RuleWarning] = []
    for diagnosis in coding.diagnoses:
        code = diagnosis.code
        family = next((f for f in MEASURED_FAMILIES if code.startswith(f[0])), None)
        if family is None or len(code) <= family[1]:
            continue
        value = decisive(measurements, family[2])
        if value is None:
            continue  # nothing measured: the coder may know more than the letter
        expected = refine_code(code[: family[1]], text, measurements, terminology)
        if expected.code == code or not expected.code.startswith(code[: family[1]]) or len(expected.code) < len(code):
            continue
        reason = expected.reason[:1].lower() + expected.reason[1:]
        warnings.append(
            RuleWarning(
                RULE,
                code,
                f"{code} en {diagnosis.position} (« {terminology.label(code)} ») alors que les documents donnent "
                f"{reason} : {expected.code} attendu (« {terminology.label(expected.code)} »)",
                None,
                "warning",
            )
        )
    return warnings
