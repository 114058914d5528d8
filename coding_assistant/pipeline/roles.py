"""From scored candidates to a coding: the specific code of each candidate, what is selected, DP / DR / DAS.

Decisions, in order:
1. Specific code: start from what the letter names (the matched code), else the classifier's code; accept
   the classifier's more specific child when it agrees; then read the text and measurements for the FR
   extension (`rules.specificity.refine_code`). Never a type-3 or deleted code.
2. Selection: fused probability at least the selection threshold (see fusion.py). A candidate whose only
   mentions are negated, hypothetical or familial is never selected.
3. DP: the selected candidate allowed as DP with the best score × P(DP in this category) (the classifier's
   DP head), a mention in the conclusion (then the motif) counting for more, a symptom for less.
4. DR: only when the DP needs one (Z51.1 → the tumour, Z49.1 → N18.5), the best candidate that fits.
5. DAS: the other selected candidates whose ATIH type allows DAS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from coding_assistant.pipeline.candidates import Candidate
from coding_assistant.rules import allowed_roles, dr_for_dp, refine_code
from coding_assistant.terminology.model import Terminology
from coding_assistant.text.measurements import Measurement

# Weight of the DP head and of where the condition is named, in the DP choice.
DP_HEAD_FLOOR = 0.15
CONCLUSION_DP_BONUS = 1.3
MOTIF_DP_BONUS = 1.15
# A symptom (chapter XVIII) is the DP only when no diagnosis explains the stay (ATIH Guide méthodologique).
SYMPTOM_DP_FACTOR = 0.5


@dataclass
class Decided:
    candidate: Candidate
    code: str
    reason: str = ""
    selected: bool = False
    role: str | None = None
    notes: list[str] = field(default_factory=list)


def specific_code(
    candidate: Candidate, text: str, measurements: Sequence[Measurement], terminology: Terminology
) -> tuple[str, str]:
    mentioned = candidate.mentioned_codes()
    start = mentioned[0] if mentioned else (candidate.model_code or candidate.category)
    model_code = candidate.model_code
    if model_code and model_code != start and model_code.startswith(start) and candidate.model_code_score >= 0.3:
        start = model_code
    refinement = refine_code(start, text, measurements, terminology)
    return refinement.code, refinement.reason


def is_selectable(candidate: Candidate) -> bool:
    """Fused probability above the selection threshold, and never on negated/hypothetical/family mentions only."""
    return not candidate.only_excluded and candidate.score >= candidate.select_threshold


def dp_strength(decided: Decided) -> float:
    candidate = decided.candidate
    sections = {m.section for m in candidate.affirmed}
    bonus = CONCLUSION_DP_BONUS if "conclusion" in sections else MOTIF_DP_BONUS if "motif" in sections else 1.0
    if decided.code.startswith("R"):
        bonus *= SYMPTOM_DP_FACTOR
    return candidate.score * (DP_HEAD_FLOOR + candidate.dp_score) * bonus


def assign_roles(
    candidates: Sequence[Candidate], text: str, measurements: Sequence[Measurement], terminology: Terminology
) -> list[Decided]:
    decided: list[Decided] = []
    for candidate in candidates:
        code, reason = specific_code(candidate, text, measurements, terminology)
        if terminology.get(code) is None or not terminology.get(code).codable:  # type: ignore[union-attr]
            continue
        decided.append(Decided(candidate, code, reason, selected=is_selectable(candidate)))
    roles = {id(d): allowed_roles(d.code, terminology) for d in decided}

    dp_pool = [d for d in decided if d.selected and "DP" in roles[id(d)]]
    if not dp_pool:
        # Every stay has a DP: take the best allowed candidate even below its threshold, and say so.
        dp_pool = [d for d in decided if "DP" in roles[id(d)] and not d.candidate.only_excluded]
        for d in dp_pool:
            d.notes.append("DP proposé sous le seuil de confiance : à vérifier")
    dp = max(dp_pool, key=dp_strength, default=None)
    if dp is not None:
        dp.role, dp.selected = "DP", True
        requirement = dr_for_dp(dp.code)
        if requirement is not None:
            fitting = [
                d
                for d in decided
                if d is not dp
                and not d.candidate.only_excluded
                and requirement.accepts(d.code)
                and "DR" in roles[id(d)]
            ]
            dr = max(fitting, key=lambda d: d.candidate.score, default=None)
            if dr is not None:
                dr.role, dr.selected = "DR", True
    for d in decided:
        if d.selected and d.role is None:
            if "DAS" in roles[id(d)]:
                d.role = "DAS"
            else:
                d.selected = False
                d.notes.append("type ATIH incompatible avec un DAS : non retenu")
    return decided
