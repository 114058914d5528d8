"""Aphasia (R47.0) by duration, delirium (F05) by the dementia it is or is not superimposed on, and COVID-19 (U07.1)
by clinical form and virus identification.

CIM-10 FR labels: R47.00 aphasie récente persistant au-delà de 24 heures, R47.01 régressive dans les 24 heures,
R47.02 autre et sans précision, R47.03 dysphasie. F05.0 delirium non surajouté à une démence, ainsi décrit, F05.1
surajouté à une démence, F05.9 sans précision. U07.10 forme respiratoire virus identifié, U07.11 forme
respiratoire virus non identifié, U07.12 porteur asymptomatique, U07.14 autres formes virus identifié, U07.15
autres formes virus non identifié (U07.13, type 1, is an examination code, never proposed here).
"""

from __future__ import annotations

from coding_assistant.rules.specificity.model import Context, Suggestion, quoted


def refine_aphasia(code: str, ctx: Context) -> Suggestion | None:
    for key, target, meaning in (
        ("persistent", "R4700", "aphasie persistant au-delà de 24 heures"),
        ("transient", "R4701", "aphasie régressive dans les 24 heures"),
        ("dysphasia", "R4703", "dysphasie"),
    ):
        found = ctx.evidence("aphasia", key)
        if found:
            return Suggestion(target, f"{quoted(found)} : {meaning}")
    return Suggestion("R4702", "Durée de l'aphasie non précisée dans le texte")


def refine_delirium(code: str, ctx: Context) -> Suggestion | None:
    """« confusion … sans démence sous-jacente » F05.0; a dementia the letter affirms F05.1; else F05.9."""
    if len(code) > 3 and not code.startswith("F059"):
        return None  # F05.8 (another form) is the letter's own word
    absent = ctx.evidence("delirium", "no_dementia", guard=False)
    if absent:
        return Suggestion("F050", f"{quoted(absent)} : delirium non surajouté à une démence")
    dementia = ctx.evidence("delirium", "dementia")
    if dementia:
        return Suggestion("F051", f"{quoted(dementia)} : delirium surajouté à une démence")
    return Suggestion("F059", "Aucune démence affirmée ni écartée dans le texte")


def refine_covid(code: str, ctx: Context) -> Suggestion | None:
    respiratory = ctx.evidence("covid", "respiratory")
    identified = ctx.evidence("covid", "identified")
    not_identified = ctx.evidence("covid", "not_identified", guard=False)
    if not respiratory and not identified:
        carrier = ctx.evidence("covid", "carrier")
        if carrier:
            return Suggestion("U0712", f"{quoted(carrier)} : porteur asymptomatique")
    parts = [f"forme respiratoire ({quoted(respiratory)})" if respiratory else "pas d'atteinte respiratoire mentionnée"]
    if identified:
        parts.append(f"virus identifié ({quoted(identified)})")
    elif not_identified:
        parts.append(f"virus non identifié ({quoted(not_identified)})")
    else:
        parts.append("identification du virus non mentionnée : non identifié par défaut")
    digit = ("0" if identified else "1") if respiratory else ("4" if identified else "5")
    reason = ", ".join(parts)
    return Suggestion("U071" + digit, reason[:1].upper() + reason[1:])
