"""Obesity (E66) by IMC, hyperkalaemia (E87.5), hypokalaemia (E87.6), hyponatraemia (E87.1) and
hypernatraemia (E87.0) by value, type 2 diabetes (E11) by insulin treatment.

CIM-10 FR labels (ATIH table):
- E66.0/.1/.2/.8/.9 then 5th character: 3 surpoids (not under E66.2), 4 IMC ≥ 30 and < 35 (or child obesity),
  5 ≥ 35 and < 40, 6 ≥ 40 and < 50, 7 ≥ 50, 9 IMC non précisé. E66x0-E66x2 are deleted (SU17) bands.
  Without another stated cause the category is E66.0 (« due à un excès calorique »: common obesity). The child
  band (x4 "ou obésité … de l'enfant") needs the age, which is not given here: bands are read as adult ones.
- E87.50 hyperkaliémie > 6,5 mmol/L, E87.58 autres et sans précision; E87.60 hypokaliémie < 2,5 mmol/L, E87.68
  autres et sans précision; E87.10 hyponatrémie < 120 mmol/L, E87.18 autres et sans précision; E87.00
  hypernatrémie > 150 mmol/L, E87.08 autres et sans précision.
- E11.x0 insulinotraité, E11.x8 non insulinotraité ou sans précision; x: 0 coma, 1 acidocétose, 2 rénales,
  3 oculaires, 4 neurologiques, 5 vasculaires périphériques, 6 autres précisées, 7 multiples, 8 non précisées,
  9 sans complication.
"""

from __future__ import annotations

from dataclasses import dataclass

from coding_assistant.rules.specificity.model import Context, Suggestion, fr_number, quoted, sentence
from coding_assistant.rules.specificity.words import insulin_evidence, insulin_treated_from_text
from coding_assistant.text.measurements import decisive, of_kind

KALIEMIE_LIMIT = 6.5  # E87.50: "supérieure à 6,5 mmol/L" (strictly)
NATREMIE_LIMIT = 120.0  # E87.10: "inférieure à 120 mmol/L" (strictly)
HYPOKALIEMIE_LIMIT = 2.5  # E87.60: "inférieure à 2,5 mmol/L" (strictly)
HYPERNATREMIE_LIMIT = 150.0  # E87.00: "supérieure à 150 mmol/L" (strictly)


def imc_band(value: float) -> tuple[str, str] | None:
    """FR 5th character of E66 for an adult IMC, and its sentence; None under 25 (no overweight)."""
    shown = f"IMC {fr_number(value)} kg/m²"
    if value >= 50:
        return "7", f"{shown} ≥ 50"
    if value >= 40:
        return "6", f"{shown} entre 40 et 50"
    if value >= 35:
        return "5", f"{shown} entre 35 et 40"
    if value >= 30:
        return "4", f"{shown} entre 30 et 35"
    if value >= 25:
        return "3", f"{shown} entre 25 et 30 : surpoids"
    return None


def refine_obesity(code: str, ctx: Context) -> Suggestion | None:
    parts: list[str] = []
    if len(code) >= 4:
        branch = code[:4]
    else:
        # Common obesity is the one of an excess of calories (E66.0): coders code it so when the letter names no
        # other cause (a drug, an alveolar hypoventilation), as every letters set written apart here does;
        # E66.9 « sans précision » is left for the coder who knows the cause is unknown.
        branch = "E660"
        for key, target, meaning in (
            ("drug_induced", "E661", "obésité médicamenteuse"),
            ("hypoventilation", "E662", "obésité avec hypoventilation alvéolaire"),
            ("caloric", "E660", "obésité par excès calorique"),
        ):
            found = ctx.evidence("obesity", key)
            if found:
                branch = target
                parts.append(f"{meaning} ({quoted(found)})")
                break
        else:
            parts.append("obésité commune, aucune autre cause écrite : excès calorique")
    imc = decisive(list(ctx.measurements), "imc")
    digit = "9"
    if imc is None:
        parts.append("IMC non retrouvé dans le texte")
    else:
        band = imc_band(imc.value)
        computed = " (calculé : poids/taille²)" if imc.computed else ""
        if band is None:
            parts.append(f"IMC {fr_number(imc.value)} kg/m²{computed} < 25 : incompatible avec une obésité, à vérifier")
        elif ctx.exists(branch + band[0]):
            digit = band[0]
            parts.append(band[1] + computed)
        else:
            parts.append(f"{band[1]}{computed} : pas de code {branch}{band[0]}, IMC non précisé retenu")
    return Suggestion(branch + digit, sentence(", ".join(parts)))


def refine_hyperkalaemia(code: str, ctx: Context) -> Suggestion | None:
    value = decisive(list(ctx.measurements), "kaliemie")
    if value is None:
        return Suggestion("E8758", "Kaliémie non retrouvée dans le texte")
    shown = f"Kaliémie {fr_number(value.value)} mmol/L"
    if value.value > KALIEMIE_LIMIT:
        return Suggestion("E8750", f"{shown} > 6,5 mmol/L")
    return Suggestion("E8758", f"{shown} ≤ 6,5 mmol/L")


@dataclass(frozen=True, slots=True)
class ValueBand:
    """An electrolyte disorder whose code a value bound decides (E87.10 « inférieure à 120 mmol/l »): the
    measurement kind, the name shown, whether a deficit (the lowest value decides) or an excess (the highest),
    the bound (strict), its code beyond it and the « autres et sans précision » code."""

    kind: str
    shown: str
    deficit: bool
    limit: float
    beyond: str
    within: str


HYPONATRAEMIA = ValueBand("natremie", "Natrémie", True, NATREMIE_LIMIT, "E8710", "E8718")
HYPOKALAEMIA = ValueBand("kaliemie", "Kaliémie", True, HYPOKALIEMIE_LIMIT, "E8760", "E8768")
HYPERNATRAEMIA = ValueBand("natremie", "Natrémie", False, HYPERNATREMIE_LIMIT, "E8700", "E8708")


def refine_by_value(band: ValueBand, ctx: Context) -> Suggestion:
    values = of_kind(ctx.measurements, band.kind)
    if not values:
        return Suggestion(band.within, f"{band.shown} non retrouvée dans le texte")
    decisive_value = (min if band.deficit else max)(values, key=lambda m: m.value)
    shown = f"{band.shown} {fr_number(decisive_value.value)} mmol/L"
    bound = fr_number(band.limit)
    beyond = decisive_value.value < band.limit if band.deficit else decisive_value.value > band.limit
    if beyond:
        return Suggestion(band.beyond, f"{shown} {'<' if band.deficit else '>'} {bound} mmol/L")
    return Suggestion(band.within, f"{shown} {'≥' if band.deficit else '≤'} {bound} mmol/L")


def refine_hyponatraemia(code: str, ctx: Context) -> Suggestion | None:
    return refine_by_value(HYPONATRAEMIA, ctx)


def refine_hypokalaemia(code: str, ctx: Context) -> Suggestion | None:
    return refine_by_value(HYPOKALAEMIA, ctx)


def refine_hypernatraemia(code: str, ctx: Context) -> Suggestion | None:
    return refine_by_value(HYPERNATRAEMIA, ctx)


def refine_type2_diabetes(code: str, ctx: Context) -> Suggestion | None:
    parts: list[str] = []
    if len(code) >= 4:
        axis = code[:4]
    else:
        found = [(digit, ev) for digit in "012345" if (ev := ctx.evidence("diabetes", f"complication_{digit}"))]
        if len(found) > 1:
            axis = "E117"
            parts.append("complications multiples (" + ", ".join(quoted(ev) for _, ev in found) + ")")
        elif found:
            axis = "E11" + found[0][0]
            parts.append(f"complication {quoted(found[0][1])}")
        else:
            axis = "E119"
            parts.append("aucune complication mentionnée")
    treated = ctx.insulin_treated
    if treated is None:
        treated = insulin_treated_from_text(ctx.text, ctx.words)
        if treated:
            evidence = insulin_evidence(ctx.text, ctx.words)
            parts.append(f"traitement par insuline ({quoted(evidence)})" if evidence else "traitement par insuline")
        elif treated is False:
            parts.append("diabète non insulinotraité selon le texte")
        else:
            parts.append("aucun traitement par insuline mentionné")
    else:
        parts.append("insulinotraité (indiqué)" if treated else "non insulinotraité (indiqué)")
    return Suggestion(axis + ("0" if treated else "8"), sentence(", ".join(parts)))
