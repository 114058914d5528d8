"""`refine_code`: from a category or a less specific code to the most specific codable CIM-10 FR code that the
text justifies (CIM-10 FR à usage PMSI: type 3 categories are never codable; its FR extensions).

>>> from coding_assistant.terminology.loader import default_terminology
>>> from coding_assistant.text.measurements import find_measurements
>>> terminology = default_terminology().terminology
>>> text = "Insuffisance cardiaque. FEVG à 30 %."
>>> refine_code("I50", text, find_measurements(text), terminology).code
'I5002'

Guarantees: the result is a codable code (never type 3, never deleted) below the given code, or a codable
sibling of a "sans précision" code in the same category (N18.9 + DFG 25 -> N18.4); when the text justifies no
child, the "sans précision" default of `defaults.default_codable`; the category itself only when nothing below
it is codable. `measurements` are not re-read from `text`: pass `find_measurements(text)`, filtered as the
pipeline sees fit (negated or historical values removed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from coding_assistant.errors import CodeValidationError
from coding_assistant.rules.data import default_rules_data
from coding_assistant.rules.specificity.cardio import refine_heart_failure, refine_infarction
from coding_assistant.rules.specificity.defaults import default_codable, is_unspecified
from coding_assistant.rules.specificity.dependence import (
    is_dependence,
    is_substance_episode,
    refine_dependence,
    refine_substance_episode,
)
from coding_assistant.rules.specificity.kidney import refine_ckd
from coding_assistant.rules.specificity.metabolic import (
    refine_hyperkalaemia,
    refine_hypernatraemia,
    refine_hypokalaemia,
    refine_hyponatraemia,
    refine_obesity,
    refine_type2_diabetes,
)
from coding_assistant.rules.specificity.model import Context, Refinement, Suggestion
from coding_assistant.rules.specificity.neuro_infectious import refine_aphasia, refine_covid, refine_delirium
from coding_assistant.rules.specificity.words import WordLists, default_word_lists
from coding_assistant.terminology.codes import normalise_code
from coding_assistant.terminology.model import Terminology
from coding_assistant.text.measurements import Measurement
from coding_assistant.text.normalize import fold

Refiner = Callable[[str, Context], Suggestion | None]

# Which refiner handles a code: (test on the ATIH code, refiner). The first match wins.
REFINERS: tuple[tuple[Callable[[str], bool], Refiner], ...] = (
    (lambda c: c.startswith("I50"), refine_heart_failure),
    (lambda c: c.startswith("I21"), refine_infarction),
    (lambda c: c.startswith("E66"), refine_obesity),
    (lambda c: c.startswith("E875"), refine_hyperkalaemia),
    (lambda c: c.startswith("E871"), refine_hyponatraemia),
    (lambda c: c.startswith("E876"), refine_hypokalaemia),
    (lambda c: c.startswith("E870"), refine_hypernatraemia),
    (lambda c: c.startswith("E11"), refine_type2_diabetes),
    (lambda c: c.startswith("N18"), refine_ckd),
    (lambda c: c.startswith("R470"), refine_aphasia),
    (lambda c: c.startswith("F05"), refine_delirium),
    (lambda c: c.startswith("U071"), refine_covid),
    (is_dependence, refine_dependence),
    (is_substance_episode, refine_substance_episode),
)


def _refiner_for(code: str) -> Refiner | None:
    return next((refiner for applies, refiner in REFINERS if applies(code)), None)


def _acceptable(start: str, target: str, terminology: Terminology) -> bool:
    """A codable descendant of `start` (or `start`), or a codable code of the same category when `start` is a
    "sans précision" code (I50.9, N18.9, E11.98 …)."""
    entry = terminology.get(target)
    if entry is None or not entry.codable:
        return False
    if target.startswith(start):
        return True
    return target[:3] == start[:3] and is_unspecified(terminology.label(start))


def _default(start: str, from_code: str, terminology: Terminology) -> Refinement:
    found = default_codable(start, terminology)
    if found is None:
        return Refinement(start, f"Aucun code codable sous {start} : à coder à la main", from_code)
    code, unspecified = found
    label = terminology.label(code)
    if code == start:
        return Refinement(code, f"{code} déjà codable : rien de plus précis dans le texte", from_code)
    if unspecified:
        return Refinement(code, f"Rien dans le texte ne précise {start} : {code} « {label} »", from_code)
    return Refinement(
        code,
        f"Rien dans le texte ne précise {start}, pas de code « sans précision » : {code} « {label} », à vérifier",
        from_code,
    )


def refine_code(
    code: str,
    text: str,
    measurements: Sequence[Measurement],
    terminology: Terminology,
    *,
    insulin_treated: bool | None = None,
    words: WordLists | None = None,
) -> Refinement:
    """The most specific codable CIM-10 FR code that `text` and `measurements` justify below `code`.

    `insulin_treated` (E11) overrides what `insulin_treated_from_text` reads in the text when not None.
    """
    try:
        start = normalise_code(code)
    except CodeValidationError as exc:
        return Refinement(code, f"Code illisible, non affiné ({exc})", code)
    entry = terminology.get(start)
    if entry is None:
        return Refinement(start, f"{start} absent de la CIM-10 FR chargée : non affiné", code)
    if entry.deleted:
        # A deleted code (E66.00, SU17) is refined from its nearest living ancestor (E66.0).
        living = next((a for a in terminology.ancestors(start) if not (terminology.get(a) or entry).deleted), None)
        if living is None:
            return Refinement(start, f"{start} supprimé de la CIM-10 FR, sans code parent : à recoder", code)
        refined = refine_code(living, text, measurements, terminology, insulin_treated=insulin_treated, words=words)
        return Refinement(refined.code, f"{start} supprimé de la CIM-10 FR ; {refined.reason}", code)
    if entry.codable and not entry.children and not is_unspecified(entry.label):
        return Refinement(start, f"{start} est déjà un code précis", code)
    refiner = _refiner_for(start)
    if refiner is not None:
        context = Context(
            fold(text),
            text,
            measurements,
            terminology,
            words or default_word_lists(),
            insulin_treated,
            default_rules_data().settings.get("specificity", {}).get("infarction", {}).get("default_care", "initial"),
        )
        proposal = refiner(start, context)
        if proposal is not None and _acceptable(start, proposal.code, terminology):
            return Refinement(proposal.code, proposal.reason, code)
    return _default(start, code, terminology)
