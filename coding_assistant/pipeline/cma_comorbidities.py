"""Comorbidities on the ATIH's CMA list that a letter states among the antecedents: pre-ticked as DAS.

The CMA list (Manuel des GHM, volume 1, annexe 4) is the ATIH's list of associated diagnoses that lengthen a
stay and raise its severity level; a DIM reads the record for each of them, and codes one that the record
documents (guide méthodologique MCO, chapitre IV: a DAS is a condition that weighed on the stay; the « contrôle
T2A » checks that it is written). A chronic disease the letter lists as the patient's current state among the
antecedents (« diabète de type 2 sous metformine », « dénutrition sévère », « métastases hépatiques ») is such a
condition, whatever the classifier learnt of it: the product's corpus lists background conditions that its
coding leaves out, and the classifier does not know some of these categories at all (vitamin D deficiency).

Only under the default policy (`das_from_antecedents = "all"`): a site that codes only the conditions the stay
took care of (`cared_for`) keeps them unticked. What a rule left unticked with a note (a symptom the DP
explains, one wording coded once) stays so; words that a ticked code already reads are not read again (« DT2
insulinotraité » ticked as E11 is not also E10); a past event (« antécédent de… », « en 2012 ») is no current
state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from coding_assistant.pipeline.decided import Decided
from coding_assistant.pipeline.evidence import QualifiedMention
from coding_assistant.pipeline.notes import CMA_COMORBIDITY_NOTE
from coding_assistant.rules import allowed_roles
from coding_assistant.terminology.model import Terminology

# Where a letter lists the patient's established conditions (sections of `text.sections`).
_ANTECEDENT_SECTIONS = frozenset({"antecedents"})


def _past_event(mention: QualifiedMention) -> bool:
    """A history cue of its own words (« antécédent de… », « en 2012 »), not only the section it stands in."""
    return any(cue.startswith("history") for cue in mention.cues)


def _overlap(mention: QualifiedMention, other: QualifiedMention) -> bool:
    return mention.doc_id == other.doc_id and mention.start < other.end and other.start < mention.end


def comorbidities_on_the_cma_list(
    decided: Sequence[Decided], terminology: Terminology, cma_level: Callable[[str], int | None]
) -> None:
    """Tick as DAS each unticked code whose CMA level is 2 or more and whose every current mention is an
    affirmed, present-tense antecedent (module docstring)."""
    worded = [m for d in decided if d.selected for m in d.candidate.affirmed]
    for d in decided:
        candidate = d.candidate
        if d.selected or d.notes or candidate.only_excluded:
            continue
        current = candidate.current
        if not current or any(m.section not in _ANTECEDENT_SECTIONS or _past_event(m) for m in current):
            continue
        if all(any(_overlap(m, other) for other in worded) for m in current):
            continue  # its words are a ticked code's: one wording, one code
        level = cma_level(d.code)
        if level is None or level < 2 or "DAS" not in allowed_roles(d.code, terminology):
            continue
        d.selected, d.role = True, "DAS"
        d.notes.append(CMA_COMORBIDITY_NOTE)
        worded += current
