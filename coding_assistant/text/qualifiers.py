"""Qualify mentions: negated, hypothetical, family, history — with the cues that decided.

>>> text = "Pas de récidive de FA. Probable pneumopathie. ATCD familiaux : père IDM."
>>> spans = [(19, 21), (32, 44), (68, 71)]
>>> [text[start:end] for start, end in spans]
['FA', 'pneumopathie', 'IDM']
>>> [(q.negated, q.hypothetical, q.family) for q in qualify_mentions(text, spans)]
[(True, False, False), (False, True, False), (False, False, True)]
>>> qualify_mentions(text, spans, probable_is_hypothetical=False)[1].hypothetical
False

Two engines apply the same cue vocabulary (edsnlp's rule-based qualifiers with the French letter conventions
of `patterns.qualifiers`) with the same ConText scopes:

- "rules" (the default, `rule_qualifiers`): our own matcher, no spaCy; about a millisecond a document;
- "edsnlp" (`edsnlp_qualifiers`): edsnlp's pipes; seconds to import and build, tens of milliseconds a stay.

The caller says which (`engine=`; the pipeline and the act proposer pass the
`CODING_ASSISTANT_QUALIFIER_ENGINE` setting, which this layer never reads itself). On top of either, the
sections of the letter: a mention in "antécédents familiaux" is family, one in "antécédents" is history.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from coding_assistant.text.edsnlp_qualifiers import PipelineInfo, pipeline_info, qualify_with_edsnlp
from coding_assistant.text.patterns.sections import SECTION_LABELS
from coding_assistant.text.qualifier_types import QualifierEngine, Qualifiers
from coding_assistant.text.rule_qualifiers import qualify_with_rules
from coding_assistant.text.sections import Section, section_at, split_sections

__all__ = ["PipelineInfo", "QualifierEngine", "Qualifiers", "pipeline_info", "qualify_mentions"]

# « Appendicite et torsion d'annexe écartées »: a negation that follows in the plural agrees with each condition
# coordinated before it, across the « et » / « ou » that ends a cue's scope for both engines; within one clause (no
# comma: « douleur FID, appendicite et torsion écartées » leaves the pain), and a singular agrees with its own noun.
_PLURAL_CUE = r"(?P<cue>(?:[ée]cart|[ée]limin|infirm)[ée]e?s|exclue?s|non retenue?s|n[ée]gati(?:f|ve)s)\b"
# The last conjunct, « et » / « ou » and up to the cue, within the clause.
_LAST_CONJUNCT = r"\s(?:et|ou)\s[^,.;:!?\n]{1,80}?\s"
_PLURAL_NEGATION_AFTER = re.compile(
    r"[^,.;:!?\n]{0,60}?" + _LAST_CONJUNCT + _PLURAL_CUE,
    re.IGNORECASE,
)
# A list of short items that opens its sentence, the mention first, reaches its negation across its commas too:
# « Syndrome coronarien aigu, embolie pulmonaire et dissection aortique écartés. »
_LISTED_NEGATION_AFTER = re.compile(
    r"(?:\s*,\s*[^,.;:!?\n]{1,40}?){1,4}" + _LAST_CONJUNCT + _PLURAL_CUE,
    re.IGNORECASE,
)
_SENTENCE_OPENER = re.compile(r"[.;:!?\n][\s\-–•*]*$")
_LIST_MARKS = " \t\n-–•*"


def _opens_its_sentence(text: str, start: int) -> bool:
    """Nothing but a bullet or spaces between the previous sentence's end (or the text's start) and `start`."""
    before = text[max(0, start - 12) : start]
    if start <= 12 and not before.strip(_LIST_MARKS):
        return True
    return _SENTENCE_OPENER.search(before) is not None


_FAMILY_SECTION = "antecedents_familiaux"
_HISTORY_SECTION = "antecedents"


def qualify_mentions(
    text: str,
    spans: Sequence[tuple[int, int]],
    *,
    sections: Sequence[Section] | None = None,
    probable_is_hypothetical: bool = True,
    engine: QualifierEngine = "rules",
) -> list[Qualifiers]:
    """One `Qualifiers` per (start, end) span of `text`, in the order given.

    `sections`: those of split_sections(text), when the caller already has them.
    `probable_is_hypothetical`: "probable pneumopathie" is hypothetical (the default: a suspected diagnosis is not
    coded as the disease, guide méthodologique MCO 2025, chapitre IV); a DIM that codes "probable" diagnoses at
    discharge sets it to False.
    `engine`: "rules" (the default) or "edsnlp".
    """
    results = [Qualifiers(start, end) for start, end in spans]
    valid = [(i, s, e) for i, (s, e) in enumerate(spans) if 0 <= s < e <= len(text) and text[s:e].strip()]
    if not valid:
        return results
    if sections is None:
        sections = split_sections(text)

    if engine == "edsnlp":
        qualify_with_edsnlp(text, valid, results, probable_is_hypothetical)
    else:
        qualify_with_rules(text, valid, results, probable_is_hypothetical)
    for index, start, end in valid:
        result = results[index]
        if result.negated:
            continue
        plural = _PLURAL_NEGATION_AFTER.match(text, end)
        if plural is None:
            listed = _LISTED_NEGATION_AFTER.match(text, end)
            plural = listed if listed is not None and _opens_its_sentence(text, start) else None
        if plural is not None:
            result.negated = True
            result.cues.append(f"negation: '{plural.group('cue')}'")

    for index, start, _ in valid:
        section = section_at(sections, start)
        if section is None:
            continue
        result = results[index]
        if section.kind == _FAMILY_SECTION:
            result.family = True
            result.cues.append(f"section: {SECTION_LABELS[_FAMILY_SECTION]}")
        elif section.kind == _HISTORY_SECTION:
            result.history = True
            result.cues.append(f"section: {SECTION_LABELS[_HISTORY_SECTION]}")
    return results
