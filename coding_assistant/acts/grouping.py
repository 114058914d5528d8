"""Act mentions → acts: the mentions of one act are grouped (the CRH's "cholécystectomie coelioscopique le
13/01" and the operative report's "Intervention : cholécystectomie par voie coelioscopique"; the
"coronarographie" and the "angioplastie + 1 stent" of one procedure, which the CCAM codes as one act), and
each group's candidate acts are ranked on everything its mentions' sentences say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from coding_assistant.acts.catalogue import ActCatalogue
from coding_assistant.acts.ranking import DOCUMENT, PREVIOUS, REPORT, SENTENCE, Context, ranked, score
from coding_assistant.acts.reading import Anchor, DocumentReading, TextFeatures, noun_stem
from coding_assistant.matching.dictionary import wording_stems

# Two groups become one act when an act that names both fits their joint sentences at least this well.
MERGE_SCORE = 0.55
# Mentions of each group read to decide a merge: a letter that repeats an act a thousand times (a daily chart)
# must not make every decision read all of them.
MERGE_CONTEXT_MENTIONS = 8
# Label words of a coronary angioplasty (« angioplastie » and « stent » read through the lexicon).
_ANGIOPLASTY = frozenset(wording_stems("dilatation endoprothèse"))


@dataclass(slots=True)
class Mention:
    reading: DocumentReading
    anchor: Anchor


@dataclass(slots=True)
class ActGroup:
    mentions: list[Mention]
    keys: set[str]
    candidates: set[int]
    status: str  # "current", "negated" or "future"
    ranking: list[tuple[float, str]] = field(default_factory=list)

    @property
    def selectable(self) -> bool:
        return any(m.anchor.selectable and m.anchor.status == "current" for m in self.mentions)

    @property
    def date(self) -> date | None:
        days = [m.anchor.date for m in self.mentions if m.anchor.date is not None and m.anchor.status == self.status]
        return min(days) if days else None


def build_context(
    mentions: list[Mention], sex: str | None, age: int | None, parity: str | None, catalogue: ActCatalogue
) -> Context:
    context = Context(parity=parity, sex=sex, age=age)
    features = TextFeatures()
    approaches: set[str] = set()
    named_approaches: set[str] = set()
    report_approaches: set[str] = set()
    reports_read: set[int] = set()
    reports_negated: set[int] = set()
    vessels: set[int] = set()
    leads: set[str] = set()
    documents_read: set[int] = set()
    anaesthesia: set[str] = set()
    for mention in mentions:
        reading, index = mention.reading, mention.anchor.sentence
        if id(reading) not in documents_read:  # a document's words count once, however many mentions it holds
            documents_read.add(id(reading))
            context.add(reading.doc_stems, REPORT if reading.operative else DOCUMENT)
        if index > 0:
            context.add(reading.stems[index - 1], PREVIOUS)
        context.add(reading.stems[index], SENTENCE)
        if mention.anchor.status != "current":  # a negated or planned act is ranked on what its own words say
            context.add(set(mention.anchor.stems) | reading.negated[index], SENTENCE)
        context.sentence |= reading.stems[index]
        start, end = reading.sentences[index]
        context.outside |= _outside_of(reading.text[start:end])
        context.negated |= reading.negated[index]
        if reading.operative and mention.anchor.status == "current" and id(reading) not in reports_negated:
            reports_negated.add(id(reading))
            context.report_negated |= set().union(*reading.negated) - reading.doc_stems
        found = reading.features(index)
        features.laterality = features.laterality or found.laterality
        features.size_mm = features.size_mm if features.size_mm is not None else found.size_mm
        features.area_cm2 = features.area_cm2 if features.area_cm2 is not None else found.area_cm2
        if features.angle is None:  # an operative report measures the deformity once, in its indication
            features.angle = found.angle if found.angle is not None or not reading.operative else reading.angle
        if mention.anchor.status == "current" and mention.anchor.stems & _ANGIOPLASTY:
            # The vessels the angioplasty's own clause names count its vessels, whatever the number of stents
            # (« angioplastie de l'IVA … 2 stents en overlapping » is one vessel).
            clause = _clause(reading.text, mention.anchor.start)
            vessels |= {k for k, name in enumerate(catalogue.data.coronary_vessels) if name.search(clause)}
        if mention.anchor.status == "current":
            # The leads a pacemaker's report places (« sonde atriale … », « sonde ventriculaire droite … »,
            # « double chambre »), wherever its procedure describes them; a letter's, in the act's sentence. A
            # single-chamber mode (« VVIR ») is no lead: a leadless pacemaker paces VVIR too.
            start, end = reading.sentences[index]
            where = reading.text if reading.operative else reading.text[start:end]
            leads |= _lead_places(where, catalogue.data.cardiac_leads)
        for noun, value in found.counts.items():
            stem = noun_stem(noun)
            counted = catalogue.data.counted.get(stem) if stem is not None else None
            if counted:
                features.counts.setdefault(counted, value)
        stated = {catalogue.data.approaches[s] for s in reading.stems[index] if s in catalogue.data.approaches}
        approaches |= stated
        if reading.operative and mention.anchor.status == "current" and id(reading) not in reports_read:
            reports_read.add(id(reading))
            report_approaches |= {
                catalogue.data.approaches[s] for s in reading.doc_stems if s in catalogue.data.approaches
            }
        if mention.anchor.selectable and mention.anchor.status == "current":
            named_approaches |= stated
        if mention.anchor.status == "current":
            context.named |= mention.anchor.stems
            # An operative report's anaesthesia is its procedure's; a letter's, the act's own sentence's
            # (« parage sous rachianesthésie le 11/01 »), as for the activity-4 line.
            anaesthesia |= {a.kind for a in reading.anaesthesia if reading.operative or a.sentence == index}
    # The approach the act's own line states ("Intervention : sigmoïdectomie par cœlioscopie") is the act's;
    # the procedure paragraph's incisions ("extraction par mini-laparotomie") are steps of it.
    # A report that states its approach once (« Duodénoscope. », « Voie d'abord : cœlioscopie ») states it for
    # every act of its procedure whose own sentences do not.
    features.approaches = frozenset(named_approaches or approaches or report_approaches)
    if features.laterality is None:
        # An operative report whose act's sentences name no side: its title's (« CRO — Hernie inguinale droite »).
        features.laterality = next(
            (
                side
                for m in mentions
                if m.reading.operative and m.anchor.status == "current" and m.reading.sentences
                for side in [m.reading.features(0).laterality]
                if side
            ),
            None,
        )
    features.from_report = bool(reports_read)
    features.anaesthesia = frozenset(anaesthesia)
    features.converted = any(_converted(m.reading.text) for m in mentions if m.anchor.status == "current")
    if features.converted:
        # The coelioscopy that began it prepared the laparotomy: CCAM's own words for a conversion.
        context.add(set(_PREPARATION), REPORT)
    vessel = catalogue.data.counted.get(_VESSEL)
    if vessels and vessel:
        features.counts[vessel] = len(vessels)
    lead = catalogue.data.counted.get(_LEAD)
    if leads and lead:
        # One lead in each place (CCAM DELF labels: « d'une sonde intraatriale et d'une sonde intraventriculaire
        # droites »), whatever « la sonde » of a sentence reads as.
        features.counts[lead] = len(leads)
    features.leads = frozenset(leads)
    context.features = features
    context.negated -= set(context.near)
    return context


_CLAUSE_BOUND = re.compile(r"[;.\n]")
# « conversion en laparotomie », « convertie en laparotomie sous-costale », « laparoconversion »; not « sans
# conversion », « pas de conversion ».
_CONVERSION = re.compile(
    r"(?<!sans )(?<!pas de )(?<!aucune )\b(?:conversion|convertie?s?|laparo-?conversion)\b[^.;\n]{0,40}?laparotomie"
    r"|\blaparo-?conversion\b",
    re.IGNORECASE,
)


_PREPARATION = wording_stems("préparation")
# The stems of the nouns a context counts itself: the treated vessels, the leads.
_VESSEL, _LEAD = wording_stems("vaisseau")[0], wording_stems("sonde")[0]
# « ligature … hors période hémorragique », « césarienne en dehors du travail »: what the act was done outside of.
_OUTSIDE = re.compile(r"\b(?:hors|en dehors d(?:e la|e l'|u|es|e|')?)\s*([^,.;:()\n\d]{1,40})", re.IGNORECASE)


@lru_cache(maxsize=256)
def _outside_of(sentence: str) -> frozenset[str]:
    """The stems a sentence writes after « hors » or « en dehors de »; read once per sentence."""
    if "hors" not in sentence:
        return frozenset()
    return frozenset(
        stem for match in _OUTSIDE.finditer(sentence) for stem in wording_stems(match.group(1)) if stem.isalpha()
    )


@lru_cache(maxsize=64)
def _converted(text: str) -> bool:
    """Whether a report states a conversion to laparotomy; read once per document (every act mention of a
    report asks). Every match holds « conver », whose letters str.lower folds as re.IGNORECASE does: a document
    without it is not searched."""
    return "conver" in text.lower() and _CONVERSION.search(text) is not None


@lru_cache(maxsize=64)
def _lead_places(text: str, wordings: tuple[tuple[re.Pattern[str], frozenset[str]], ...]) -> frozenset[str]:
    """The cardiac places a text puts a pacing or defibrillation lead in (`cardiac_leads.csv`); read once per
    document."""
    if "onde" not in text and "hambre" not in text and "DDD" not in text:
        return frozenset()
    return frozenset(place for pattern, places in wordings if pattern.search(text) for place in places)


def _clause(text: str, offset: int) -> str:
    """The text around `offset` up to the nearest « ; », full stop or line end on each side."""
    before = [m.end() for m in _CLAUSE_BOUND.finditer(text, 0, offset)]
    after = _CLAUSE_BOUND.search(text, offset)
    return text[(before[-1] if before else 0) : after.start() if after else len(text)]


def group_mentions(
    mentions: list[Mention], catalogue: ActCatalogue, sex: str | None, age: int | None, parity: str | None
) -> list[ActGroup]:
    """One group per act: current mentions merge when one act names them all; negated and planned mentions
    stay apart (they never join what was done). History mentions are left out."""
    groups: list[ActGroup] = []
    for mention in mentions:
        if mention.anchor.status == "history":
            continue
        reading, anchor = mention.reading, mention.anchor
        near = set(reading.stems[anchor.sentence])
        if anchor.sentence > 0:
            near |= reading.stems[anchor.sentence - 1]
        if anchor.status != "current":  # its words left the affirmed context (`DocumentReading.retract`)
            near |= anchor.stems | reading.negated[anchor.sentence]
        candidates = catalogue.candidates(anchor.keys, near)
        if candidates:
            groups.append(ActGroup([mention], set(anchor.keys), candidates, anchor.status))
    current = _appositions([g for g in groups if g.status == "current"])
    others = [g for g in groups if g.status != "current"]
    current = _merge(current, catalogue, sex, age, parity)
    for group in [*current, *others]:
        context = build_context(group.mentions, sex, age, parity, catalogue)
        group.ranking = ranked(group.candidates, context, catalogue)
    return current + others


# « Remplacement valvulaire aortique percutané (TAVI) »: the act named again, in brackets, right after its words.
_APPOSITION = re.compile(r"[^().;:\n]{0,40}\(\s*")


def _appositions(groups: list[ActGroup]) -> list[ActGroup]:
    """A mention followed, within its clause, by another in brackets names one act twice: one group."""
    joined: list[ActGroup] = []
    for group in groups:
        last = joined[-1] if joined else None
        if last is not None and len(group.mentions) == 1 and _in_brackets_after(last.mentions[-1], group.mentions[0]):
            joined[-1] = _joined(last, group)
        else:
            joined.append(group)
    return joined


def _joined(first: ActGroup, second: ActGroup) -> ActGroup:
    """One act read from both groups' mentions."""
    return ActGroup(
        first.mentions + second.mentions, first.keys | second.keys, first.candidates | second.candidates, "current"
    )


def _in_brackets_after(first: Mention, second: Mention) -> bool:
    a, b = first.anchor, second.anchor
    if first.reading is not second.reading or a.sentence != b.sentence or b.start < a.end:
        return False
    return bool(_APPOSITION.fullmatch(first.reading.text[a.end : b.start]))


def _merge(
    groups: list[ActGroup], catalogue: ActCatalogue, sex: str | None, age: int | None, parity: str | None
) -> list[ActGroup]:
    """Each group joins the first earlier act it is the same act as, in text order; only acts sharing a
    candidate are compared (an index by candidate), so a long letter costs in proportion to its mentions."""
    merged: list[ActGroup] = []
    by_candidate: dict[int, set[int]] = {}
    for group in groups:
        nearby = sorted({position for index in group.candidates for position in by_candidate.get(index, ())})
        target = next((p for p in nearby if _same_act(merged[p], group, catalogue, sex, age, parity)), None)
        if target is None:
            merged.append(group)
            target = len(merged) - 1
        else:
            merged[target] = _joined(merged[target], group)
        # The joined act's other candidates already point to it: only the group's are new.
        for index in group.candidates:
            by_candidate.setdefault(index, set()).add(target)
    return merged


def _own_stems(group: ActGroup) -> set[str]:
    stems: set[str] = set()
    for mention in group.mentions[:MERGE_CONTEXT_MENTIONS]:
        stems |= mention.reading.stems[mention.anchor.sentence]
    return stems - group.keys


def _in_other_parts(first: ActGroup, second: ActGroup) -> bool:
    """Both groups are in one report, each in its own numbered part (« 1) Dos … 2) Aile du nez … »)."""
    mentions = first.mentions + second.mentions
    # Most reports have no numbered parts: the first mention outside one answers (every merge asks).
    if not mentions or any(m.anchor.part == 0 or m.reading.doc_id != mentions[0].reading.doc_id for m in mentions):
        return False
    return {m.anchor.part for m in first.mentions}.isdisjoint({m.anchor.part for m in second.mentions})


def _only_meant(group: ActGroup) -> bool:
    return all(mention.anchor.intended and mention.anchor.date is None for mention in group.mentions)


def _same_act(
    first: ActGroup, second: ActGroup, catalogue: ActCatalogue, sex: str | None, age: int | None, parity: str | None
) -> bool:
    if first.date and second.date and first.date != second.date:
        return False
    if _in_other_parts(first, second):
        return False
    shared = first.candidates & second.candidates
    if not shared:
        return False
    keys = first.keys | second.keys
    first_own, second_own = _own_stems(first), _own_stems(second)
    # What a letter's motif or a report's indication meant to do (« Motif : hystérectomie programmée ») is the act
    # the stay did and names in full (« hystérectomie totale avec annexectomie par cœlioscopie »): its own words
    # say why, not which act.
    meant = _only_meant(first) or _only_meant(second)
    both: list[int] = []
    for index in shared:
        words = catalogue.entries[index].words
        if not keys <= words:
            continue
        # The act must say something of each group's own sentences, or both must name it by the same word.
        if first.keys == second.keys or meant or (words & first_own and words & second_own):
            both.append(index)
    if not both:
        return False
    sample = first.mentions[:MERGE_CONTEXT_MENTIONS] + second.mentions[:MERGE_CONTEXT_MENTIONS]
    context = build_context(sample, sex, age, parity, catalogue)
    # Any act that fits well enough decides: the others need no score.
    return any(score(catalogue.entries[i], context, catalogue) >= MERGE_SCORE for i in both)
