"""From scored candidates to a coding: the specific code of each candidate, what is selected, DP / DR / DAS.

Decisions, in order:
1. Specific code: start from what the letter names (the matched code), else the classifier's code; accept
   the classifier's more specific child when it agrees; when the code is still vague (a category, "sans
   précision"), rank the category's codes on the sentences that name it; then read the text and
   measurements for the FR extension (`rules.specificity.refine_code`). Never a type-3 or deleted code.
2. Selection: fused probability at least the selection threshold (see fusion.py). A candidate whose only
   mentions are negated, hypothetical or familial is never selected.
3. DP: the candidate allowed as DP that the fitted DP model (fusion.json: fused score, the classifier's DP
   head, first diagnosis named in the conclusion or motif, chapter) finds most likely; without it, score ×
   P(DP in this category), a mention in the conclusion (then the motif) counting for more, a symptom for less;
   a symptom whose cause the sentence states gives way to that cause (`stated_cause`).
4. DR: only when the DP needs one (Z51.1 → the tumour, Z49.1 → N18.5), the best candidate that fits.
5. DAS: the other selected candidates whose ATIH type allows DAS, pre-ticked only when a sentence documents them.
6. Codes that name two things (an infection and its agent, a drug's or alcohol's form of a condition, a
   combination code « avec … »): `combined_codes`, once the roles are set.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import lru_cache

from coding_assistant.pipeline.candidates import Candidate
from coding_assistant.pipeline.cma_comorbidities import comorbidities_on_the_cma_list
from coding_assistant.pipeline.combined_codes import (
    bleeding_peptic_ulcer,
    complication_in_a_combination_code,
    condition_caused_by_a_drug,
    condition_named_with_alcohol,
    condition_named_with_its_blood_loss,
    fracture_named_with_osteoporosis,
    hiv_disease_by_its_manifestations,
    hypertensive_nephropathy_over_hypertension,
    included_in_a_combination_code,
    infection_named_with_its_agent,
    poisoning_by_the_drugs_named,
    polyp_by_its_histology,
    sentence_around,
)
from coding_assistant.pipeline.decided import Decided
from coding_assistant.pipeline.evidence import QualifiedMention
from coding_assistant.pipeline.fusion import Fusion, first_mentioned
from coding_assistant.pipeline.named_sibling import (
    combination_not_written,
    label_stems,
    mention_window,
    sibling_named_in,
    vague_label,
)
from coding_assistant.pipeline.notes import (
    ANTECEDENT_ONLY_DAS_NOTE,
    DAS_TYPE_REFUSED_NOTE,
    DP_BELOW_THRESHOLD_NOTE,
    SYMPTOM_EXPLAINED_NOTE,
    UNDOCUMENTED_DAS_NOTE,
    included_in_code_note,
)
from coding_assistant.pipeline.stated_cause import stated_cause
from coding_assistant.pipeline.status_weighed import codes_already_said_or_not_dealt_with
from coding_assistant.rules import allowed_roles, dr_for_dp, refine_code
from coding_assistant.rules.alcohol_induced import codes_naming_alcohol
from coding_assistant.rules.dagger import dagger_index
from coding_assistant.rules.data import default_rules_data
from coding_assistant.rules.drug_induced import codes_naming_a_drug
from coding_assistant.rules.infectious_agents import AGENT_CATEGORIES, names_an_infection
from coding_assistant.rules.manifestations import ManifestationRule, manifestation_rules
from coding_assistant.rules.measured import MEASURED_FAMILIES
from coding_assistant.rules.measured_findings import measured_finding
from coding_assistant.rules.persistent import persistence_kind
from coding_assistant.rules.pregnancy import is_obstetric, pregnancy_code
from coding_assistant.rules.specified_categories import specifies
from coding_assistant.schema import Note
from coding_assistant.terminology.codes import is_symptom, symptom_of_its_system, usual_manifestation
from coding_assistant.terminology.model import Terminology
from coding_assistant.terminology.search import SearchIndex
from coding_assistant.text.measurements import Measurement, decisive
from coding_assistant.text.normalize import may_hold_text, stems, strip_accents

# Context read around a mention to choose among the codes of its category.
CONTEXT_CHARS = 160
MAX_CONTEXT = 480
SIBLING_MARGIN = 0.05
# Below this fused probability a candidate is only listed: its code is not refined from the text.
REFINE_FLOOR = 0.1

# Weight of the DP head and of where the condition is named, in the DP choice.
DP_HEAD_FLOOR = 0.15
CONCLUSION_DP_BONUS = 1.3
MOTIF_DP_BONUS = 1.15
# A symptom (chapter XVIII) is the DP only when no diagnosis explains the stay (ATIH Guide méthodologique).
SYMPTOM_DP_FACTOR = 0.5


def mention_context(documents: dict[str, str], candidate: Candidate, limit: int = 3) -> str:
    """The sentences around the candidate's affirmed mentions: where a letter says which kind it is."""
    pieces = []
    for mention in candidate.affirmed[:limit]:
        text = documents.get(mention.doc_id, "")
        start = _last_break(text, mention.start)
        end = _next_break(text, mention.end)
        pieces.append(text[start:end])
    return " ".join(dict.fromkeys(pieces))[:MAX_CONTEXT]


def _last_break(text: str, position: int) -> int:
    cut = max(text.rfind(ch, 0, position) for ch in ".\n;")
    return max(cut + 1, position - CONTEXT_CHARS)


def _next_break(text: str, position: int) -> int:
    ends = [i for i in (text.find(ch, position) for ch in ".\n;") if i >= 0]
    return min([*ends, position + CONTEXT_CHARS, len(text)])


def _vague(code: str, terminology: Terminology) -> bool:
    """A category, or a code whose label leaves the kind open: worth reading the context for a sibling."""
    entry = terminology.get(code)
    return entry is None or not entry.codable or vague_label(entry.label)


def _start_code(candidate: Candidate) -> str:
    """What the letter names (the matched code), or the classifier's more specific child when it agrees."""
    mentioned = candidate.mentioned_codes()
    start = mentioned[0] if mentioned else (candidate.model_code or candidate.category)
    model_code = candidate.model_code
    if model_code and model_code != start and model_code.startswith(start) and candidate.model_code_score >= 0.3:
        start = model_code
    return start


_PLAIN_WORDS = frozenset(stems("sans complication"))


def _plain(code: str, terminology: Terminology) -> bool:
    """A code whose label leaves the kind open or says there is nothing more (« sans complication »)."""
    return _vague(code, terminology) or "sans complication" in terminology.label(code).lower()


def _precise_mention_over_plain(start: str, candidate: Candidate, terminology: Terminology) -> str:
    """A letter that names the disease plainly and, in other words, its precise form (« diabète de type 1 » E10.9
    and « acidocétose diabétique » E10.1; « BPCO » J44.9 and « exacerbation de BPCO » J44.1) has the precise form:
    the CIM-10 codes at the finest level the record supports (guide méthodologique MCO, chapitre I)."""
    if not _plain(start, terminology):
        return start
    # The precise form of the same disease: its label keeps the plain one's words (E10.1 keeps « diabète sucré de
    # type 1 »), where F10.2 (dependence) is another condition than F10.30 (withdrawal) of the same category.
    head = label_stems(start, terminology) - _PLAIN_WORDS
    for code in candidate.mentioned_codes():
        entry = terminology.get(code)
        if code == start or entry is None or not entry.codable or _plain(code, terminology):
            continue
        if head <= label_stems(code, terminology):
            return code
    return start


def reads_context(candidate: Candidate, terminology: Terminology) -> bool:
    """Whether `specific_code` with the documents reads the sentences naming it: for a vague code, or a wording
    that names several codes."""
    if not candidate.affirmed:
        return False
    return _vague(_start_code(candidate), terminology) or any(len(m.codes) > 1 for m in candidate.affirmed)


def specific_code(
    candidate: Candidate,
    text: str,
    measurements: Sequence[Measurement],
    terminology: Terminology,
    index: SearchIndex | None = None,
    documents: dict[str, str] | None = None,
    named_codes: Iterable[str] = (),
) -> tuple[str, str]:
    """The code of a candidate: what the letter names, made precise by the sentences naming it (`documents`) and
    by the values read (`refine_code`); `named_codes`: the codes of the stay's affirmed mentions."""
    start = _precise_mention_over_plain(_start_code(candidate), candidate, terminology)
    context: str | None = None  # the sentences naming the condition, read once and only when needed
    # One wording that names a combination code and a plain sibling: the combination only when written.
    alongside = [c for m in candidate.affirmed if start in m.codes and len(m.codes) > 1 for c in m.codes]
    if documents and alongside:
        context = mention_context(documents, candidate)
        start = combination_not_written(start, alongside, context, terminology, named_codes)
    if documents and candidate.affirmed and _vague(start, terminology):
        # The sentence that names the condition often says which kind it is ("ACFA paroxystique",
        # "adénocarcinome du sigmoïde", "bronchiolite à VRS"): first the sibling whose own words the mention's
        # clause writes out, else the category's codable codes ranked on the sentence.
        options = terminology.codable_descendants(candidate.category)
        windows = " , ".join(
            mention_window(documents.get(m.doc_id, ""), m.start, m.end) for m in candidate.affirmed[:3]
        )
        named = sibling_named_in(start, candidate.category, options, windows, terminology)
        if named is not None:
            start = named
        elif index is not None:
            if context is None:
                context = mention_context(documents, candidate)
            # A code that names a cause (« Hypothyroïdie due à des médicaments ») is reached when the letter states
            # the cause (`combined_codes`: `rules.drug_induced`, `rules.alcohol_induced`), never for resembling the
            # sentence: « hypothyroïdie sous Lévothyrox » names the drug that treats it.
            caused = _codes_naming_a_cause()
            scores = index.scores_for(context, [code for code in options if code not in caused])
            if scores:
                best = max(scores, key=lambda c: (scores[c], -len(c)))
                if scores[best] >= scores.get(start, 0.0) + SIBLING_MARGIN:
                    start = best
    if not any(start in m.codes for m in candidate.affirmed):
        start = _value_decided_part(start, measurements)
    open_axis = LETTER_DECIDED_DEFAULTS.match(start)
    if open_axis is not None:
        # « diabète de type 2 » (E11.98 in the lexicon), « sevrage alcoolique » (F10.30) name the condition, not
        # an absence of complications: the letter's complication words decide (`rules.specificity`: « rétinopathie
        # diabétique » E11.3, both eye and kidney E11.7; « crise convulsive de sevrage » F10.31), and the
        # « sans complication » code only without one.
        start = start[: open_axis.end() - 1]
    refinement = refine_code(start, text, measurements, terminology)
    return refinement.code, refinement.reason


@lru_cache(maxsize=1)
def _codes_naming_a_cause() -> frozenset[str]:
    """The drug- and alcohol-induced codes of the pair files, joined once rather than at each context search."""
    return codes_naming_a_drug() | codes_naming_alcohol()


# Default codes a plain wording gives (« sans complication », « sans précision ») whose character the letter's
# words decide: E11.9 (its 4th character), an acute intoxication or a withdrawal by a substance F1x.00, F1x.30,
# F1x.40 (their 5th), and « obésité » read as E66.9 (its cause, the 4th).
LETTER_DECIDED_DEFAULTS = re.compile(r"^(?:E119|F1\d[034]0|E669)")


def _value_decided_part(code: str, measurements: Sequence[Measurement]) -> str:
    """A code whose last characters a measured value decides (E87.10 « inférieure à 120 mmol/l », the E66 IMC
    band, the N18 stage) and that no wording of the letter names is cut back to the part the value does not
    decide when the letter gives that value, so that the value decides the rest rather than the classifier's
    guess (`rules.measured`, the same reading as its check)."""
    family = next((f for f in MEASURED_FAMILIES if code.startswith(f[0])), None)
    if family is None or len(code) <= family[1] or decisive(measurements, family[2]) is None:
        return code
    return code[: family[1]]


def rough_code(candidate: Candidate, terminology: Terminology) -> str:
    mentioned = candidate.mentioned_codes()
    code = mentioned[0] if mentioned else (candidate.model_code or candidate.category)
    entry = terminology.get(code)
    if entry is not None and entry.codable:
        return code
    options = terminology.codable_descendants(code)
    return options[0] if options else code


def is_selectable(candidate: Candidate) -> bool:
    """Fused probability above the selection threshold, and never on negated/hypothetical/family mentions only.
    What the letter states as a link is coded whatever the fused probability — a drug it holds responsible for
    a current condition (the effect plus its Y40-Y59 code, `rules.adverse_drugs`), the agent of a current
    infection (B95-B98, `rules.infectious_agents`), the patient's own stop of a treatment (Z91.1,
    `rules.non_compliance`): the guide méthodologique MCO (chapitre IV) codes them as DAS, and the classifier,
    which never sees them, cannot weigh them. So is a disease the conclusion states
    (`_concluded`)."""
    if candidate.only_excluded:
        return False
    return candidate.score >= candidate.select_threshold or _stated_link(candidate) or _concluded(candidate)


def _concluded(candidate: Candidate) -> bool:
    """A disease the letter's conclusion states as current is a diagnosis retained for the stay (guide
    méthodologique MCO, chapitre IV: the DAS are the conditions the stay took care of, and the conclusion is where
    the physician says which): coded whatever the classifier, which misses the conditions of letters unlike its
    corpus, makes of it. Not a symptom (chapter XVIII, often explained by another condition of the conclusion)
    nor a factor (chapter XXI, coded on the rules of `rules`). Measured in the README: dev micro-F1 0.800 →
    0.814, letters tuning set 0.768 → 0.779, external 0.707 → 0.708; no DP changed."""
    if candidate.category[:1] in ("R", "Z"):
        return False
    return any(m.section == "conclusion" and not m.past for m in candidate.affirmed)


STATED_LINKS = ("drug_effect", "agent", "non_compliance", "poisoning", "value")


def _stated_link(candidate: Candidate) -> bool:
    return any(m.source in STATED_LINKS and not m.past for m in candidate.affirmed)


def heuristic_dp_strength(decided: Decided) -> float:
    """The DP choice when no fitted DP model exists (fusion.json absent)."""
    candidate = decided.candidate
    sections = {m.section for m in candidate.affirmed}
    bonus = CONCLUSION_DP_BONUS if "conclusion" in sections else MOTIF_DP_BONUS if "motif" in sections else 1.0
    if is_symptom(decided.code):
        bonus *= SYMPTOM_DP_FACTOR
    return candidate.score * (DP_HEAD_FLOOR + candidate.dp_score) * bonus


def _named_over_unnamed(
    dp: Decided | None, dp_pool: Sequence[Decided], first_conclusion: Candidate | None, first_motif: Candidate | None
) -> Decided | None:
    """A DP the letter never names (the classifier's guess alone) gives way to the diagnosis the conclusion, or
    else the motif, opens on when the pipeline selects it (ATIH Guide méthodologique MCO, chapitre IV: the DP is
    the problem that motivated the stay, which the letter states): « hospitalisée pour une thrombose veineuse
    profonde » is the stay's reason, not a pulmonary embolism no sentence writes."""
    if dp is None or dp.candidate.affirmed:
        return dp
    for first in (first_conclusion, first_motif):
        for decided in dp_pool:
            if decided.candidate is first and decided.selected and not decided.code.startswith(("R", "Z")):
                return decided
    if dp.selected:
        return dp
    # Below the threshold too, the guess weighs less than what a short letter names (« Hémochromatose HFE,
    # phase d'induction. Saignée de 450 mL »): the first condition it names as the patient's, now.
    return _named_first(dp_pool, lambda d: not d.code.startswith(("R", "Z"))) or dp


def _named_first(pool: Sequence[Decided], keep: Callable[[Decided], bool]) -> Decided | None:
    """Of the pool's codes that `keep` accepts and the letter names as the patient's now, the one it names
    first (the order in which a letter states its problems is how the DP rules below break ties)."""
    ranked = [
        (min(m.rank for m in d.candidate.affirmed if not m.past), i)
        for i, d in enumerate(pool)
        if keep(d) and any(not m.past for m in d.candidate.affirmed)
    ]
    return pool[min(ranked)[1]] if ranked else None


def _diagnosis_over_symptom(
    dp: Decided | None, dp_pool: Sequence[Decided], first_named: Candidate | None
) -> Decided | None:
    """A symptom is the DP only when no diagnosis explains the stay (ATIH Guide méthodologique MCO, chapitre
    IV, symptoms of chapter XVIII): when the conclusion (or the motif) opens on a diagnosis the pipeline
    selects, that diagnosis is the DP rather than a symptom ("Chutes à répétition" beside "Conclusion :
    maladie de Parkinson évoluée")."""
    if dp is None or not is_symptom(dp.code) or first_named is None:
        return dp
    for decided in dp_pool:
        if decided.candidate is first_named and decided.selected and not is_symptom(decided.code):
            return decided
    return dp


def _diagnosis_of_the_same_words(dp: Decided | None, dp_pool: Sequence[Decided]) -> Decided | None:
    """A symptom DP that the conclusion names only in the very words of a diagnosis (« Conclusion : neutropénie
    fébrile »: the agranulocytosis and its fever) gives way to the diagnosis: the symptom is the DP only when no
    diagnosis explains the stay (ATIH Guide méthodologique MCO, chapitre IV), and there the same words state
    one. The fever the motif or the history tells apart does not change that."""
    if dp is None or not is_symptom(dp.code):
        return dp
    current = [m for m in dp.candidate.affirmed if not m.past]
    concluded = [m for m in current if m.section == "conclusion"]
    spans = {(m.doc_id, m.start, m.end) for m in concluded or current}
    if not spans:
        return dp
    for d in dp_pool:
        own = {(m.doc_id, m.start, m.end) for m in d.candidate.affirmed if not m.past}
        if d is not dp and not is_symptom(d.code) and spans <= own:
            d.selected = True
            return d
    return dp


# Chapters that never explain a symptom: injuries (S), external causes (V-Y) and the Z factors.
_CONSEQUENCE_CHAPTERS = frozenset("SVWXYZ")


def _acute_problem_of_an_untitled_letter(
    dp: Decided | None,
    dp_pool: Sequence[Decided],
    first_conclusion: Candidate | None,
    first_motif: Candidate | None,
    documents: dict[str, str] | None,
) -> Decided | None:
    """A letter with neither motif nor conclusion (« AIT le 04/05 : faiblesse du membre supérieur droit … ATCD :
    HTA. Tabac actif ») states its problem as it goes: a chronic condition or a habit it names is the
    patient's background, and the first acute problem it names as current is the reason for the stay (ATIH
    Guide méthodologique MCO, chapitre IV: the DP is the health problem that motivated the admission).

    So does a symptom such a letter opens on (« Vertiges rotatoires … Dix-Hallpike positive : VPPB du canal
    postérieur droit ») when it names, as current, an acute diagnosis of the symptom's body system: a symptom is
    the DP only when no diagnosis explains the stay (same chapter). A general symptom (fever, headache, a
    convulsion) belongs to no system and stays. An injury or an external cause is what the symptom led to (a
    wound in a faint), never what explains it."""
    if dp is None or first_conclusion is not None or first_motif is not None:
        return dp
    if is_symptom(dp.code):
        symptom = dp.code
        explained = _named_first(
            dp_pool,
            lambda d: (
                not is_symptom(d.code)
                and d.code[:1] not in _CONSEQUENCE_CHAPTERS
                and not ("T00" <= d.code[:3] <= "T35")
                and persistence_kind(d.code) is None
                and symptom_of_its_system(symptom, d.code)
            ),
        )
        return explained or dp
    if persistence_kind(dp.code) != "chronic":
        return dp
    if documents and any(_EPISODE.search(sentence_around(m, documents)) for m in dp.candidate.affirmed if not m.past):
        return dp  # an episode of the disease (« exacerbation de BPCO »): the stay was for the disease itself
    acute = _named_first(
        dp_pool, lambda d: not is_symptom(d.code) and not d.code.startswith("Z") and persistence_kind(d.code) is None
    )
    return acute or dp


# A chronic disease whose severe episode has a category of its own (CIM-10: « État de mal épileptique » G41
# beside the epilepsies G40, « État de mal asthmatique » J46 beside asthma J45).
EPISODE_CATEGORIES = {"G40": "G41", "J45": "J46"}


def _episode_over_its_disease(dp: Decided | None, decided: Sequence[Decided]) -> Decided | None:
    """When a stay codes both a chronic disease and its severe episode (« état de mal épileptique » in an
    epileptic patient), the episode, the problem the stay treated, is the DP (ATIH Guide méthodologique MCO,
    chapitre IV), and the disease is part of its code rather than a DAS: the coder ticks it back if the stay
    also cared for the disease apart."""
    if dp is None:
        return dp
    episode = EPISODE_CATEGORIES.get(dp.code[:3])
    if episode is not None:
        for d in decided:
            if d.code.startswith(episode) and d.selected and any(not m.past for m in d.candidate.affirmed):
                _included_in(dp, d)
                return d
    for disease, its_episode in EPISODE_CATEGORIES.items():
        if dp.code.startswith(its_episode):
            for d in decided:
                if d.code.startswith(disease) and d.selected:
                    _included_in(d, dp)
    return dp


def _included_in(part: Decided, whole: Decided) -> None:
    part.selected, part.role = False, None
    part.notes.append(included_in_code_note(whole.code))


def _organ_diagnosis_over_its_pain(dp: Decided | None, dp_pool: Sequence[Decided]) -> Decided | None:
    """A pain the CIM-10 files under its organ's chapter (« Colique néphrétique, sans précision » N23, the back
    pains M54: `is_symptom`) is the DP only until the stay names the diagnosis of that organ that explains it: a
    ureteral stone found at the scan of a renal colic is the DP (ATIH Guide méthodologique MCO, chapitre IV: a
    symptom is the DP only when no diagnosis explains the stay), whether or not one sentence links them."""
    if dp is None or dp.code.startswith("R") or not is_symptom(dp.code):
        return dp
    pain = dp.code
    explaining = _named_first(
        dp_pool, lambda d: d.selected and not is_symptom(d.code) and usual_manifestation(pain, d.code)
    )
    return explaining or dp


def _poisoning_first(dp: Decided | None, dp_pool: Sequence[Decided]) -> Decided | None:
    """A stay for a poisoning has the poisoning as DP and its effects as DAS (CIM-10 FR T36-T65, guide
    méthodologique MCO, chapitre IV: the substance's code first, then the manifestations it caused), though the
    conclusion names the effect (« hépatite aiguë toxique ») before the drug."""
    if dp is None or _is_poisoning(dp.code):
        return dp
    return _named_first(dp_pool, lambda d: d.selected and _is_poisoning(d.code)) or dp


# A deep or superficial venous thrombosis of the limbs or another vein (I80, I82): the source of an embolism.
_VENOUS_THROMBOSIS = frozenset({"I80", "I82"})
PULMONARY_EMBOLISM = "I26"


def _embolism_over_its_thrombosis(dp: Decided | None, dp_pool: Sequence[Decided]) -> Decided | None:
    """A stay that finds a pulmonary embolism and the venous thrombosis it came from (« EP bilatérale … TVP
    poplitée gauche ») treated the embolism: it is the DP and the thrombosis a DAS (ATIH Guide méthodologique MCO,
    chapitre IV: the DP is the problem that motivated the care; the embolism sets its severity and its
    treatment), whichever the letter names first or the classifier prefers."""
    if dp is None or dp.code[:3] not in _VENOUS_THROMBOSIS:
        return dp
    embolism = next((d for d in dp_pool if d.code[:3] == PULMONARY_EMBOLISM and d.candidate.current), None)
    if embolism is None or not (embolism.selected or any(m.conclusive for m in embolism.candidate.current)):
        return dp
    # The thrombosis the stay found stays coded beside it, as the DP it would have been.
    embolism.selected = dp.selected = True
    return embolism


def _is_poisoning(code: str) -> bool:
    return code[:1] == "T" and "T36" <= code[:3] <= "T65"


def _cause_over_symptom(
    dp: Decided | None, dp_pool: Sequence[Decided], documents: dict[str, str] | None, decided: Sequence[Decided] = ()
) -> Decided | None:
    """A symptom DP whose cause the sentence states ("rétention aiguë d'urine sur adénome prostatique") gives
    way to that cause (ATIH Guide méthodologique MCO, chapitre IV: a symptom is the DP only when no diagnosis
    explains it; `stated_cause`): the letter establishes the diagnosis, so it is selected whatever its score."""
    if dp is None or not is_symptom(dp.code) or not documents:
        return dp
    # The DP pool: a status (« sur pontage », Z95.1) or a condition named only among the antecedents is no cause.
    causes = [d for d in dp_pool if not is_symptom(d.code)]
    found = stated_cause(dp.candidate, [d.candidate for d in causes], documents, [d.candidate for d in decided])
    if found is None:
        return dp
    cause = next(d for d in causes if d.candidate is found[0])
    cause.selected = True
    return cause


def _symptoms_explained_by_the_dp(
    dp: Decided | None, decided: Sequence[Decided], documents: dict[str, str] | None
) -> None:
    """A symptom the letter states the DP as the cause of, and that is a usual manifestation of it (« colique
    néphrétique gauche sur calcul urétéral »), is part of that diagnosis, not a DAS of its own (ATIH Guide
    méthodologique MCO, chapitre IV); an unusual one (a confusion « dans le cadre d'une infection urinaire »)
    may stand. It stays listed, unticked: the coder ticks it back when the stay cared for it apart (an ascites
    punctured)."""
    if dp is None or is_symptom(dp.code) or not documents:
        return
    for d in decided:
        if not d.selected or d.role is not None or not is_symptom(d.code):
            continue
        if not usual_manifestation(d.code, dp.code):
            continue
        # A pain filed under its organ's chapter (N23 renal colic) beside the diagnosis of that organ needs no
        # link: the CIM-10 codes it only while the diagnosis is unknown (« sans précision »).
        if not d.code.startswith("R") or stated_cause(d.candidate, [dp.candidate], documents):
            d.selected = False
            d.notes.append(SYMPTOM_EXPLAINED_NOTE)


def _infection_under_a_delirium(dp: Decided | None, dp_pool: Sequence[Decided]) -> Decided | None:
    """A delirium (F05) the stay explains by an infection it treats is the infection's presentation in a frail
    patient: the infection, the problem the stay's care addressed, is the DP and the delirium a DAS (ATIH Guide
    méthodologique MCO, chapitre IV: the DP is the health problem that motivated the admission and its care). A
    delirium triggered by anything else (a urinary retention, a drug) stays the DP."""
    if dp is None or not dp.code.startswith("F05"):
        return dp
    infection = _named_first(
        dp_pool,
        lambda d: (
            d.selected
            and not d.code.startswith(AGENT_CATEGORIES)
            and any(not m.past and names_an_infection(m.text) for m in d.candidate.affirmed)
        ),
    )
    return infection or dp


# A session written as one (« séance de radiothérapie », « cure de chimiothérapie »), not a treatment named in passing.
_SESSION_WORDING = re.compile(r"\b(?:s[ée]ances?|cures?)\b", re.IGNORECASE)


def _session_motif(
    dp: Decided | None, dp_pool: Sequence[Decided], first_in_motif: Candidate | None, overnight: bool
) -> Decided | None:
    """A stay whose motif opens on a treatment session (chemotherapy, radiotherapy, dialysis) has that session
    as DP and the treated condition as DR (ATIH Guide méthodologique MCO, chapitre IV: Z51.1 / Z51.0 / Z49 in
    DP, the tumour or the kidney disease in DR), even when the conclusion names the condition first. The session
    must be selected, unless the motif writes it as a session (« admise pour une séance de radiothérapie ») in a
    stay not known to last a night (no dates, or the same day): then the letter says what the stay was, whatever
    the classifier knows of sessions."""
    if first_in_motif is None:
        return dp
    for decided in dp_pool:
        if decided.candidate is not first_in_motif or dr_for_dp(decided.code) is None:
            continue
        written_as_session = not overnight and any(
            m.section == "motif" and _SESSION_WORDING.search(m.text) for m in decided.candidate.affirmed
        )
        if decided.selected or written_as_session:
            decided.selected = True
            return decided
    return dp


def _condition_of_the_motif(
    dp: Decided | None, dp_pool: Sequence[Decided], first_in_motif: Candidate | None
) -> Decided | None:
    """A session DP (chemotherapy, radiotherapy, dialysis: a code that needs its DR) stands only for a stay
    that came for the session: when the motif opens on another condition the pipeline selects ("hyperkaliémie
    au bilan pré-dialyse"), the stay was for that condition and the session done meanwhile is not its DP (ATIH
    Guide méthodologique MCO, chapitre IV: the séance codes are the DP of a stay whose reason is the séance)."""
    session = dr_for_dp(dp.code) if dp is not None else None
    if dp is None or session is None or first_in_motif is None or dp.candidate is first_in_motif:
        return dp
    for decided in dp_pool:
        if decided.candidate is not first_in_motif or not decided.selected or dr_for_dp(decided.code) is not None:
            continue
        # "Motif : cancer bronchique, radiothérapie": the motif names what the session treats, its DR. A symptom
        # or a chronic condition the motif recalls first ("patient hypertendu, admis pour sa séance") is the
        # patient's background, not another reason for the stay.
        if session.accepts(decided.code) or decided.code.startswith("R") or persistence_kind(decided.code):
            return dp
        return decided
    return dp


def _motif_over_background(
    dp: Decided | None,
    dp_pool: Sequence[Decided],
    first_in_motif: Candidate | None,
    first_in_conclusion: Candidate | None,
) -> Decided | None:
    """A chronic disease that neither the motif nor the conclusion names is the patient's background, not the
    reason for the stay (ATIH Guide méthodologique MCO, chapitre IV: the DP is the health problem that
    motivated the admission): when the conclusion names no condition and the motif opens on another one the
    letter names again, that condition is the DP (« Motif : cataracte … » with a diabetes read from the
    antecedents and a fundus result). The classifier's DP head cannot weigh a condition it never learned,
    so this is decided on where the letter names things. Symptoms included: with no diagnosis in the
    conclusion, the symptom that brought the patient is the DP rather than a comorbidity."""
    if dp is None or first_in_motif is None or first_in_conclusion is not None or dp.candidate is first_in_motif:
        return dp
    if persistence_kind(dp.code) != "chronic" or {m.section for m in dp.candidate.affirmed} & {"motif", "conclusion"}:
        return dp
    for decided in dp_pool:
        # Another background condition or a status opening the motif is no better a reason; a symptom is, when
        # no diagnosis explains the stay. A symptom named once only, the motif may just be recalling it; a
        # diagnosis the motif states (« hospitalisé pour une pleurésie purulente ») is the reason it gives.
        named_again = len(decided.candidate.current) >= (2 if is_symptom(decided.code) else 1)
        if decided.candidate is first_in_motif and not persistence_kind(decided.code) and named_again:
            decided.selected = True
            return decided
    return dp


# What a conclusion writes of a known chronic disease when the stay was for the disease itself: an episode of it.
_EPISODE = re.compile(
    r"d[ée]compens|pouss[ée]e|exacerbation|aggrav|acutis|d[ée]s[ée]quilibr|\bcrises?\b|[ée]tat de mal|sevrage|"
    r"rechute|r[ée]cidiv|aigu|inaugural|d[ée]couverte|r[ée]v[ée]l|progression|[ée]volution|complication|"
    r"\bcoma\b|acidoc|c[ée]tos|hypoglyc|hyperglyc|hyperosmol",
    re.IGNORECASE,
)


def _acute_problem_over_known_disease(
    dp: Decided | None, dp_pool: Sequence[Decided], documents: dict[str, str] | None
) -> Decided | None:
    """A chronic disease the letter lists among the antecedents, which the conclusion recalls without an episode
    of it (« troubles de la déglutition liés à la maladie de Parkinson, compliqués d'une pneumopathie
    d'inhalation »), is the background of the stay: the new problem the conclusion states is its DP (ATIH Guide
    méthodologique MCO, chapitre IV: the DP is the health problem that motivated the admission). A decompensation,
    a flare or an exacerbation of the disease (« décompensation cardiaque », « crise d'épilepsie ») keeps it, and
    so does a motif that names the disease."""
    if dp is None or not documents or persistence_kind(dp.code) != "chronic":
        return dp
    affirmed = dp.candidate.affirmed
    if not any(m.past for m in affirmed):
        return dp
    if _an_episode_concluded(dp, documents) or any(m.section == "motif" and not m.past for m in affirmed):
        # An episode of it, or the stay's motif names it (« adressé pour ablation d'un flutter », « bilan d'une
        # maladie rénale chronique avancée »): the stay was for the disease itself.
        return dp
    # The new problem, or an episode of another known disease (« décompensation cardiaque globale » after « FA
    # rapide »), the first the conclusion names.
    new_problems = [
        (min(m.rank for m in d.candidate.affirmed if m.section == "conclusion" and not m.past), i)
        for i, d in enumerate(dp_pool)
        if d is not dp
        and d.selected
        and not d.code.startswith(("R", "Z"))
        and any(m.section == "conclusion" and not m.past for m in d.candidate.affirmed)
        and (
            (persistence_kind(d.code) is None and not any(m.past for m in d.candidate.affirmed))
            or (persistence_kind(d.code) == "chronic" and _an_episode_concluded(d, documents))
        )
    ]
    return dp_pool[min(new_problems)[1]] if new_problems else dp


def _an_episode_concluded(decided: Decided, documents: dict[str, str]) -> bool:
    return any(
        _EPISODE.search(sentence_around(m, documents))
        for m in decided.candidate.affirmed
        if m.section == "conclusion" and not m.past
    )


# Codes a wording gives beside another by design: the external cause of an injury or a poisoning (chapter XX,
# V01-Y98), the agent of an infection (B95-B98); an asterisk beside its dagger is checked apart.
_COMPANION_CHAPTERS = ("V", "W", "X", "Y")


def same_wording_note(code: str) -> Note:
    return Note(
        rule="same-wording",
        message=f"mêmes mots que {code}, retenu : une mention se code une fois, avec son code le plus probable",
        code=code,
    )


def _one_code_per_wording(decided: Sequence[Decided], terminology: Terminology) -> None:
    """A DAS read from the very words of another selected code, and from no words of its own, is not coded
    beside it: the letter says one thing, coded once, with its most likely code (CIM-10 FR à usage PMSI and
    guide méthodologique MCO, chapitre IV: a condition is coded once, at its most precise). Two codes from one
    wording are the product's ambiguity — « IRC », kidney or lung; « sténose », valve or vessel — or one
    condition read twice — a current cancer also read as its history, Z85, which the ATIH keeps for a cancer
    no longer treated; a chemotherapy session also read as past chemotherapy, Z92.6. The DP and DR win over
    a DAS, else the higher fused probability. Left alone: the codes a wording gives by design (an external
    cause, an infectious agent, an asterisk beside its dagger)."""
    chosen = [d for d in decided if d.selected and d.role in ("DP", "DR", "DAS")]
    if len(chosen) < 2:
        return
    index = dagger_index(terminology, default_rules_data())
    in_disease = {rule.asterisk for rule in manifestation_rules()}

    def asterisk(code: str) -> bool:
        return code in in_disease or index.is_asterisk(code)

    spans = {id(d): {(m.doc_id, m.start, m.end) for m in d.candidate.affirmed} for d in chosen}

    def strength(d: Decided) -> tuple[bool, float]:
        return d.role in ("DP", "DR"), d.candidate.score

    for d in sorted((d for d in chosen if d.role == "DAS"), key=lambda d: d.candidate.score):
        own = spans[id(d)]
        if not own or d.code.startswith(_COMPANION_CHAPTERS + AGENT_CATEGORIES) or asterisk(d.code):
            continue
        for other in chosen:
            if other is d or not other.selected or asterisk(other.code):
                continue  # a dagger shares its words with its asterisk by design
            if other.code.startswith(_COMPANION_CHAPTERS + AGENT_CATEGORIES):
                continue  # an external cause or an agent never stands for the condition it goes with
            if not own <= spans[id(other)] or strength(other) < strength(d):
                continue
            d.selected, d.role = False, None
            d.notes.append(same_wording_note(other.code))
            break


# Between two items of one enumeration: separators and the link words of a list (« hyponatrémie et
# hyperkaliémie », « métastases pulmonaires, hépatiques et osseuses », « méléna puis hématémèse »).
_LIST_GAP = re.compile(
    r"^[\s,;/+-]*(?:(?:et|ou|puis|ainsi que|associée? à)\s+)?"
    r"(?:(?:d'|de la |de l'|des |du |de |une? |la |le |les |l')\s*)?$",
    re.IGNORECASE,
)


def _distinct_conditions_of_a_category(
    decided: list[Decided], terminology: Terminology, documents: dict[str, str] | None
) -> None:
    """Two conditions of one CIM-10 category that a letter lists side by side are two codes: « métastases
    pulmonaires et hépatiques » is C78.0 and C78.7, « hyponatrémie et hyperkaliémie » E87.1 and E87.5 (CIM-10 FR
    à usage PMSI: each condition is coded; guide méthodologique MCO, chapitre IV). A candidate holds one
    category, so the selected one keeps the code its best wording names, and a code of another subcategory
    that an affirmed, current mention names alone, as the next item of an enumeration with a mention of the
    chosen code, becomes a DAS of its own with its mentions as evidence. Only in an enumeration: elsewhere in
    a letter, two codes of one category are mostly one condition named twice, once less precisely (« TVP »
    and « thrombose veineuse fémorale », « alcool » and « dépendance à l'alcool »). Left out too: a code of
    the chosen one's subcategory (one condition at two depths); a « X, sans précision » listed beside a precise
    X is then left out by `_precise_over_vague`, which runs next."""
    if not documents:
        return
    added: list[Decided] = []
    for d in decided:
        if not d.selected or d.role not in ("DP", "DR", "DAS"):
            continue
        candidate = d.candidate
        own_mentions = [m for m in candidate.current if _names_subcategory_of(m, d.code)]
        by_subcategory: dict[str, list[QualifiedMention]] = {}
        for mention in candidate.current:
            named = {code for code in mention.codes if code[:3] == candidate.category}
            if len(named) != 1:
                continue  # a wording the dictionary reads as several codes of the category says none of them
            code = named.pop()
            entry = terminology.get(code)
            if entry is None or not entry.codable or code[:4] == d.code[:4]:
                continue
            if "DAS" in allowed_roles(code, terminology) and any(
                _listed_together(mention, other, documents) for other in own_mentions
            ):
                by_subcategory.setdefault(code[:4], []).append(mention)
        if not by_subcategory:
            continue
        moved = {id(m) for mentions in by_subcategory.values() for m in mentions}
        d.candidate = replace(candidate, mentions=[m for m in candidate.mentions if id(m) not in moved])
        for _, mentions in sorted(by_subcategory.items()):
            # One code per condition: the one its longest wording names (« hyperkaliémie sévère » over
            # « hyperkaliémie »), as for the chosen code (`Candidate.mentioned_codes`).
            sibling = replace(candidate, mentions=mentions)
            code = next(c for c in sibling.mentioned_codes() if c[:3] == candidate.category)
            added.append(Decided(sibling, code, selected=True, role="DAS", refined=True))
    decided.extend(added)


def _names_subcategory_of(mention: QualifiedMention, code: str) -> bool:
    return any(named[:4] == code[:4] or (len(named) == 3 and code.startswith(named)) for named in mention.codes)


def _listed_together(first: QualifiedMention, second: QualifiedMention, documents: dict[str, str]) -> bool:
    """Two mentions next to each other in one enumeration of one document."""
    text = documents.get(first.doc_id)
    if text is None or first.doc_id != second.doc_id:
        return False
    left, right = sorted((first, second), key=lambda m: m.start)
    if right.start < left.end:
        return False
    return bool(_LIST_GAP.match(text[left.end : right.start]))


_VAGUE_TAIL = re.compile(r",\s*(?:autres et )?sans pr[ée]cision\b", re.IGNORECASE)


def _label_words(label: str) -> list[str]:
    """A label's words without accents, brackets or plural s: "Cirrhoses (du foie)" → ["cirrhose"]."""
    plain = strip_accents(re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", label)).lower()
    return [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in re.findall(r"[a-z0-9]+", plain)]


def vague_head(label: str) -> list[str] | None:
    """The condition a "…, sans précision" label names ("Cataracte, sans précision" → ["cataracte"]); None for
    a label that is not of that form."""
    found = _VAGUE_TAIL.search(label)
    if found is None:
        return None
    return _label_words(label[: found.start()]) or None


def _precise_over_vague(decided: Sequence[Decided], terminology: Terminology) -> None:
    """A selected "X, sans précision" beside a selected code whose label names X more precisely ("Cataracte,
    sans précision" beside "Cataracte sénile nucléaire", "Cirrhoses du foie, autres et sans précision" beside
    "Cirrhose alcoolique du foie") is the same condition coded twice: the precise code stays, in the vague
    one's role when that was the DP (CIM-10 FR à usage PMSI, guide méthodologique MCO chapitre IV: code at
    the most precise level the documents allow). So is a code that leaves the agent or the site unspecified
    beside one that names it (`rules.specified_categories`: « gastro-entérite » A09.9 beside « entérite à
    rotavirus » A08.0)."""
    chosen = [d for d in decided if d.selected and d.role in ("DP", "DAS")]
    for vague in chosen:
        entry = terminology.get(vague.code)
        head = vague_head(entry.label) if entry else None
        if not vague.selected:
            continue
        for precise in chosen:
            other = terminology.get(precise.code)
            if precise is vague or not precise.selected or other is None:
                continue
            named_alike = (
                head is not None
                and vague_head(other.label) is None
                and precise.code[:1] == vague.code[:1]
                and _label_words(other.label)[: len(head)] == head
            )
            if not named_alike and not specifies(precise.code, vague.code):
                continue
            if vague.role == "DP":
                if "DP" not in allowed_roles(precise.code, terminology):
                    continue  # the precise code may not be a DP: the vague one stays the DP
                precise.role = "DP"
            vague.selected, vague.role = False, None
            vague.notes.append(precise_code_note(precise.code))
            break


def measured_note(basis: str) -> Note:
    return Note(rule="measured-finding", message=f"retenu : {basis} dans les documents")


def precise_code_note(code: str) -> Note:
    return Note(rule="precise-code", message=f"code plus précis retenu : {code}", code=code)


def _manifestations_in_their_disease(decided: list[Decided], terminology: Terminology) -> None:
    """The asterisk code of a manifestation whose disease is coded (`rules.manifestations`: the CIM-10's
    dagger/asterisk convention): a dementia in Alzheimer's disease is F00.x* beside G30.x†, not F03; an anaemia
    in chronic kidney disease D63.8*, not D64.9. A selected DAS of the manifestation takes the asterisk code (an
    unselected one stays as it is: on letters that name an anaemia in passing, selecting it cost more false
    codes than it found); a dagger that states the manifestation itself (E11.2† "avec complications rénales",
    G30.x† and its dementia) brings its asterisk as a DAS on the dagger's words."""
    for rule in manifestation_rules():
        dagger = next((d for d in decided if d.selected and d.role is not None and d.code in rule.aetiology), None)
        entry = terminology.get(rule.asterisk)
        if dagger is None or entry is None or not entry.codable:
            continue
        if "DAS" not in allowed_roles(rule.asterisk, terminology) or any(
            d.selected and d.code == rule.asterisk for d in decided
        ):
            continue
        stated = [
            d
            for d in decided
            if rule.manifestation is not None and d.code in rule.manifestation and d.selected and d.role == "DAS"
        ]
        reason = f"{rule.asterisk} au cours de {dagger.code} : {rule.basis}"
        if stated:
            manifestation = max(stated, key=lambda d: d.candidate.score)
            manifestation.reason = f"{manifestation.code} → {reason}"
            manifestation.code, manifestation.selected, manifestation.role = rule.asterisk, True, "DAS"
        elif rule.implied:
            decided.append(_implied_asterisk(dagger, rule, reason))


def _implied_asterisk(dagger: Decided, rule: ManifestationRule, reason: str) -> Decided:
    candidate = Candidate(
        rule.asterisk[:3],
        score=dagger.candidate.score,
        select_threshold=dagger.candidate.select_threshold,
        mentions=list(dagger.candidate.affirmed),
        persistent=dagger.candidate.persistent,
    )
    return Decided(candidate, rule.asterisk, reason, selected=True, role="DAS", refined=True)


def _antecedent_only(candidate: Candidate) -> bool:
    affirmed = candidate.affirmed
    return bool(affirmed) and all(m.past for m in affirmed)


def assign_roles(
    candidates: Sequence[Candidate],
    text: str,
    measurements: Sequence[Measurement],
    terminology: Terminology,
    fusion: Fusion | None = None,
    index: SearchIndex | None = None,
    documents: dict[str, str] | None = None,
    overnight: bool = False,
    antecedents_cared_for_only: bool = False,
    cma_level: Callable[[str], int | None] | None = None,
) -> list[Decided]:
    """`overnight`: the stay lasts at least one night (discharge after admission), so it is no dialysis
    session. `antecedents_cared_for_only`: a DAS named only among the antecedents is left unticked
    (`_antecedents_cared_for_only`); otherwise, with `cma_level` (a code's CMA level, None off the list), a
    comorbidity of the CMA list stated among the antecedents is ticked (`cma_comorbidities`)."""
    decided: list[Decided] = []
    for candidate in candidates:
        refined = candidate.score >= REFINE_FLOOR or is_selectable(candidate)
        if refined:
            code, reason = specific_code(candidate, text, measurements, terminology)
        else:
            # A weak candidate is listed for the coder at the level the letter or the classifier named it.
            code, reason = rough_code(candidate, terminology), ""
        entry = terminology.get(code)
        if entry is None or not entry.codable:
            continue
        item = Decided(candidate, code, reason, selected=is_selectable(candidate), refined=refined)
        if not item.selected and candidate.current and not candidate.only_excluded:
            finding = measured_finding(code, measurements)
            if finding is not None:
                # The letter names the disorder and its own value confirms it (`rules.measured_findings`); a
                # candidate too weak to have been refined reads its value now (« natrémie 131 » is E87.18,
                # not the classifier's E87.10).
                item.selected = True
                item.notes.append(measured_note(finding.basis))
                if not refined:
                    code, item.reason = specific_code(candidate, text, measurements, terminology)
                    item.code, item.refined = code, True
        decided.append(item)
    decided = _normal_delivery_only(decided)
    roles = {id(d): allowed_roles(d.code, terminology) for d in decided}

    allowed_dp = [d for d in decided if "DP" in roles[id(d)] and not d.candidate.only_excluded]
    # A condition named only among the antecedents, or a status (an implant, a long-term treatment, living
    # alone), did not motivate the stay (ATIH Guide méthodologique MCO, chapitre IV: the DP is the health
    # problem that motivated the admission): it is the DP only when nothing else can be.
    # A dialysis session (Z49) is the DP of a session, a stay of one day; a dialysed patient kept overnight
    # came for something else, and is coded Z99.2 (ATIH Guide méthodologique MCO, chapitre IV, « séances »).
    # A pregnancy « constatée fortuitement » (Z33) is by its label no reason for a stay.
    dp_pool = [
        d
        for d in allowed_dp
        if not _antecedent_only(d.candidate)
        and persistence_kind(d.code) != "status"
        and not (overnight and d.code.startswith("Z49"))
        and not d.code.startswith("Z33")
    ] or allowed_dp
    first_conclusion = first_mentioned(candidates, "conclusion")
    first_motif = first_mentioned(candidates, "motif")

    def dp_strength(d: Decided) -> float:
        learned = fusion.dp_probability(d.candidate, first_conclusion, first_motif) if fusion else None
        return learned if learned is not None else heuristic_dp_strength(d) * (1.0 if d.selected else 0.5)

    dp = max(dp_pool, key=dp_strength, default=None)
    dp = _named_over_unnamed(dp, dp_pool, first_conclusion, first_motif)
    dp = _diagnosis_over_symptom(dp, dp_pool, first_conclusion or first_motif)
    dp = _diagnosis_of_the_same_words(dp, dp_pool)
    dp = _cause_over_symptom(dp, dp_pool, documents, decided)
    dp = _organ_diagnosis_over_its_pain(dp, dp_pool)
    dp = _infection_under_a_delirium(dp, dp_pool)
    dp = _session_motif(dp, dp_pool, first_motif, overnight)
    dp = _condition_of_the_motif(dp, dp_pool, first_motif)
    dp = _motif_over_background(dp, dp_pool, first_motif, first_conclusion)
    dp = _acute_problem_over_known_disease(dp, dp_pool, documents)
    dp = _acute_problem_of_an_untitled_letter(dp, dp_pool, first_conclusion, first_motif, documents)
    dp = _episode_over_its_disease(dp, decided)
    dp = _poisoning_first(dp, dp_pool)
    dp = _embolism_over_its_thrombosis(dp, dp_pool)
    if dp is not None:
        if not dp.selected:
            # Every stay has a DP, even when none reaches the selection threshold: say so.
            dp.notes.append(DP_BELOW_THRESHOLD_NOTE)
        dp.role, dp.selected = "DP", True
        _choose_dr(dp, decided, terminology)
        _symptoms_explained_by_the_dp(dp, decided, documents)
    for d in decided:
        if d.selected and d.role is None:
            if "DAS" in roles[id(d)]:
                d.role = "DAS"
            else:
                d.selected = False
                d.notes.append(DAS_TYPE_REFUSED_NOTE)
    if documents:
        named_codes = {code for d in decided for m in d.candidate.affirmed for code in m.codes}
        # Reading the context for a more specific sibling costs a search: only for what is pre-ticked.
        for d in decided:
            if not d.selected or (d.refined and not reads_context(d.candidate, terminology)):
                continue  # without the context search, `specific_code` would only repeat the first pass
            code, reason = specific_code(d.candidate, text, measurements, terminology, index, documents, named_codes)
            entry = terminology.get(code)
            if code != d.code and entry is not None and entry.codable and d.role in allowed_roles(code, terminology):
                d.code, d.reason = code, reason
        if dp is not None and not any(d.role == "DR" for d in decided):
            # The context may have made a code fit the DR the DP needs ("IRC" read as N18.9, then N18.5 from
            # "dialysé" beside Z49.1): look again, on the codes as they are now.
            _choose_dr(dp, decided, terminology)
    if documents:
        # After the context search, which reads the category's codes again and would undo it.
        infection_named_with_its_agent(decided, documents, terminology)
        condition_named_with_alcohol(decided, documents, terminology)
        condition_caused_by_a_drug(decided, documents, terminology)
        condition_named_with_its_blood_loss(decided, documents, terminology)
        fracture_named_with_osteoporosis(decided, documents, terminology)
        poisoning_by_the_drugs_named(decided, documents, terminology)
        polyp_by_its_histology(decided, documents, terminology)
    _chapter_xv_first(decided, documents)
    _distinct_conditions_of_a_category(decided, terminology, documents)
    _precise_over_vague(decided, terminology)
    hypertensive_nephropathy_over_hypertension(decided, terminology)
    bleeding_peptic_ulcer(decided, terminology)
    hiv_disease_by_its_manifestations(decided, terminology)
    included_in_a_combination_code(decided, terminology)
    # One wording, one code before the asterisks: a disease dropped as the same words as another code must
    # not lend its manifestation an asterisk.
    _one_code_per_wording(decided, terminology)
    if documents:
        # On the codes one wording keeps: a code dropped as another's words takes no complication with it.
        complication_in_a_combination_code(decided, documents, terminology)
        included_in_a_combination_code(decided, terminology)
    _manifestations_in_their_disease(decided, terminology)
    _documented_das_only(decided)
    if cma_level is not None and not antecedents_cared_for_only:
        comorbidities_on_the_cma_list(decided, terminology, cma_level)
    codes_already_said_or_not_dealt_with(decided, documents or {}, overnight=overnight)
    if antecedents_cared_for_only:
        _antecedents_cared_for_only(decided)
    return decided


# Where a letter lists what the patient has and takes, not what the stay did (sections of `text.sections`).
_BACKGROUND_SECTIONS = frozenset({"antecedents", "mode_de_vie", "traitement_entree", "allergies"})


def _antecedents_cared_for_only(decided: Sequence[Decided]) -> None:
    """A DIM's choice (`das_from_antecedents = "cared_for"`): the guide méthodologique MCO (chapitre IV) makes a
    DAS of a condition that the stay took care of (diagnosis, treatment, monitoring that weighed on it); a chronic
    disease that the letter names only among the antecedents, the lifestyle or the entry treatment (« HTA sous
    amlodipine ») is listed unticked for the coder, who ticks it when the record shows such a care. Status and
    history codes (chapter XXI) and what a rule reads as a link (a drug effect, an agent) are kept."""
    for d in decided:
        if not d.selected or d.role != "DAS" or d.code.startswith("Z") or d.notes:
            continue
        mentions = [m for m in d.candidate.affirmed if m.source not in STATED_LINKS]
        if mentions and all(m.past or m.section in _BACKGROUND_SECTIONS for m in mentions):
            d.selected, d.role = False, None
            d.notes.append(ANTECEDENT_ONLY_DAS_NOTE)


def _documented_das_only(decided: Sequence[Decided]) -> None:
    """A DAS is pre-ticked only when the letter documents it: a code the classifier alone proposes, that no
    sentence names and no rule reads (a measured value, a stated link), stays in the ranked list for the coder,
    unticked. The ATIH's guide méthodologique MCO (chapitre IV) has every coded diagnosis documented in the
    record, which a « contrôle T2A » checks; the DP, which every stay needs, is kept and flagged instead.
    Measured on the default model (dev, external, letters tuning A, B, C, D micro-F1): 0.809 → 0.810, 0.708 →
    0.726, 0.832 → 0.831, 0.758 → 0.778, 0.676 → 0.702, 0.723 → 0.731; no DP moved."""
    for d in decided:
        if d.selected and d.role == "DAS" and not d.candidate.affirmed and not d.notes:
            d.selected, d.role = False, None
            d.notes.append(UNDOCUMENTED_DAS_NOTE)


def _normal_delivery_only(decided: list[Decided]) -> list[Decided]:
    """O80 (accouchement unique et spontané) is for a delivery with nothing else to code in chapter XV (CIM-10
    FR, O80's note): beside a selected complication (a haemorrhage, a tear, a gestational diabetes…) it is left
    out, and the complication is the delivery stay's DP (guide méthodologique MCO, chapitre IV)."""
    if not any(d.selected and _obstetric_complication(d.code) for d in decided):
        return decided
    return [d for d in decided if not d.code.startswith("O80")]


def _obstetric_complication(code: str) -> bool:
    """A chapter XV code other than a delivery mode (O80-O84) or the pregnancy's duration (O09)."""
    return is_obstetric(code) and not code.startswith(("O80", "O81", "O82", "O83", "O84", "O09"))


# A pregnancy the letter states by its term or in words (« grossesse unique à 26 SA + 3 j », « enceinte de 5
# mois », « grossesse évolutive »); « SA » in capitals only (« sa » is a possessive).
_PREGNANT = re.compile(
    r"\b[1-4]?\d\s?(?:(?-i:SA)\b|semaines d['’]am[ée]norrh[ée]e)|\benceinte\b|"
    r"\bgrossesse (?:en cours|[ée]volutive|intra-ut[ée]rine|unique|g[ée]mellaire|de \d)",
    re.IGNORECASE,
)


# « pas de grossesse en cours », « pas enceinte »; « né à 39 SA »: a birth term, the newborn's.
_NOT_PREGNANT_BEFORE = re.compile(r"(?:\bpas\b|\bnon\b|\bsans\b|\bn[ée]e?\b|\bterme\b)[^.;\n]{0,30}$", re.IGNORECASE)


# What every match of `_PREGNANT` holds: « SA » as written, or one of these words once folded. A letter with none
# (most) is not scanned.
_PREGNANT_WORDS = ("semaines d", "enceinte", "grossesse")


def _states_pregnancy(text: str) -> bool:
    if "SA" not in text and not may_hold_text(text, _PREGNANT_WORDS):
        return False
    return any(
        not _NOT_PREGNANT_BEFORE.search(text[max(0, match.start() - 40) : match.start()])
        for match in _PREGNANT.finditer(text)
    )


def _chapter_xv_first(decided: Sequence[Decided], documents: dict[str, str] | None = None) -> None:
    """In a stay whose selected coding holds a pregnancy, delivery or puerperium code, or whose letter states a
    pregnancy under way, a selected condition that chapter XV classes as complicating it takes its chapter XV code
    (anaemia D50-D64 → O99.0, a pyelonephritis N10 → O23.0; `rules.pregnancy`; CIM-10 FR chapter XV: its codes
    come first for a condition of a pregnant woman)."""
    pregnant = documents is not None and any(_states_pregnancy(text) for text in documents.values())
    if not pregnant and not any(d.selected and is_obstetric(d.code) for d in decided):
        return
    for d in decided:
        found = pregnancy_code(d.code) if d.selected and not is_obstetric(d.code) else None
        if found is not None:
            d.code, d.reason = found.code, f"{d.code} → {found.code} : {found.basis}"


def _choose_dr(dp: Decided, decided: Sequence[Decided], terminology: Terminology) -> None:
    """The DR the DP needs (Z51.1 → the tumour, Z49.1 → N18.5: ATIH guide méthodologique MCO, chapitre IV),
    the best-scored candidate that fits, when the DP needs one."""
    requirement = dr_for_dp(dp.code)
    if requirement is None:
        return
    fitting = [
        d
        for d in decided
        if d is not dp
        and not d.candidate.only_excluded
        and requirement.accepts(d.code)
        and "DR" in allowed_roles(d.code, terminology)
    ]
    dr = max(fitting, key=lambda d: d.candidate.score, default=None)
    if dr is not None:
        dr.role, dr.selected = "DR", True
