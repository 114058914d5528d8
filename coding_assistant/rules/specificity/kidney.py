"""Chronic kidney disease (N18) stage from the text: dialysis, a written stage, or the DFG (KDIGO bands).

CIM-10 FR labels: N18.1 to N18.5 "Maladie rénale chronique, stade 1 … 5", N18.9 sans précision (N18.0 and N18.8
are deleted). KDIGO: stage 1 DFG ≥ 90 with kidney damage, 2: 60-89, 3: 30-59, 4: 15-29, 5: < 15 or dialysis
(guide méthodologique MCO 2025, chapitre IV: a dialysis session has N18.5 as DR). A DFG ≥ 90 alone does not
prove stage 1 (the kidney damage marker is not read): N18.9 unless the text writes "stade 1". A written stage
wins over the DFG (an acute, transient drop of the DFG does not restage a CKD).
"""

from __future__ import annotations

import re

from coding_assistant.rules.specificity.model import Context, Suggestion, fr_number, quoted
from coding_assistant.text.measurements import decisive

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}
_DISEASE = r"(?:mrc|irc|ckd|maladie renale chronique|insuffisance renale(?: chronique)?|nephropathie chronique)"
_STAGE = r"stade\s*(?P<stage>[1-5]|iv|v|i{1,3})(?:\s*[ab])?\b"
STAGE_PATTERNS = (
    re.compile(_DISEASE + r"[^.;\n]{0,30}?" + _STAGE),
    re.compile(_STAGE + r"[^.;\n]{0,15}?(?:de (?:la |l')?)?" + _DISEASE),
)


def stage_band(dfg: float) -> tuple[str | None, str]:
    shown = f"DFG {fr_number(dfg)} mL/min/1,73 m²"
    if dfg < 15:
        return "5", f"{shown} < 15 : stade 5"
    if dfg < 30:
        return "4", f"{shown} entre 15 et 29 : stade 4"
    if dfg < 60:
        return "3", f"{shown} entre 30 et 59 : stade 3"
    if dfg < 90:
        return "2", f"{shown} entre 60 et 89 : stade 2"
    return None, f"{shown} ≥ 90 : stade 1 seulement avec atteinte rénale documentée, stade non déduit"


def written_stage(text: str) -> tuple[str, str] | None:
    for pattern in STAGE_PATTERNS:
        match = pattern.search(text)
        if match:
            raw = match.group("stage")
            return _ROMAN.get(raw, raw), match.group(0)
    return None


def refine_ckd(code: str, ctx: Context) -> Suggestion | None:
    dialysis = ctx.evidence("kidney", "dialysis")
    if dialysis:
        return Suggestion("N185", f"Patient dialysé ({quoted(dialysis)}) : stade 5")
    stage = written_stage(ctx.text)
    if stage is not None:
        return Suggestion("N18" + stage[0], f"Stade écrit {quoted(stage[1])}")
    dfg = decisive(list(ctx.measurements), "dfg")
    if dfg is None:
        return Suggestion("N189", "Ni stade, ni DFG, ni dialyse dans le texte")
    digit, reason = stage_band(dfg.value)
    return Suggestion("N18" + (digit or "9"), reason)
