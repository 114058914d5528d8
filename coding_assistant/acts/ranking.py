"""How well a CCAM act fits what the letter says: the most specific act the text justifies.

The score of an act is mostly the share of its label the text states (IDF-weighted label words found in the
sentence, less in the sentence before, less again elsewhere in the document), plus a little of the share of
the sentence its label explains (so a combined act, "dilatation … avec artériographie coronaire", beats its
parts when the letter names both). Then what labels write as conditions: approach (coelioscopie /
laparotomie), side (unilatérale / bilatérale), counts ("de 2 vaisseaux", "de 1 à 3 tumeurs"), sizes ("de
plus de 1 cm"), parity (primipare / multipare), "sans …" clauses, and the patient's sex and age.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import compress, permutations, repeat
from operator import mul

from coding_assistant.acts.catalogue import ActCatalogue, ActEntry
from coding_assistant.acts.labels import ANY_ORGAN, LabelFeatures
from coding_assistant.acts.reading import TextFeatures
from coding_assistant.matching.dictionary import wording_stems

# How much a label word counts where the text writes it: in the act's sentence, the sentence before, elsewhere
# in an operative report (one procedure: its indication and steps describe the act), elsewhere in a letter.
SENTENCE, PREVIOUS, REPORT, DOCUMENT = 1.0, 0.6, 0.5, 0.3
_LABEL_SHARE, _SENTENCE_SHARE = 0.8, 0.2
# Adjustments, in score points: a stated condition that the label contradicts costs more than a match gains.
_CONFLICT = {
    "option": 0.2,
    "approach": 0.2,
    "side": 0.15,
    "count": 0.2,
    "size": 0.15,
    "parity": 0.25,
    "age": 0.3,
    "sex": 0.4,
    "anaesthesia": 0.15,
}
_AGREE = 0.05
_UNNAMED = 0.3
_OBJECT_UNNAMED = 0.15
_PREFERRED = 0.02
# Act words of « sans » clauses that say nothing of their own: « sans pose d'endoprothèse », « sans réalisation de
# procédé antireflux » are contradicted by the endoprothèse or the procédé written, whatever verb the text uses.
_LIGHT_ACTS = frozenset(wording_stems("pose réalisation mise adjonction utilisation"))
# Approaches that reach every organ alike: a needle « par voie transcutanée » names no organ, an endoscope does.
_NO_ORGAN_APPROACHES = frozenset({"transcutanée"})
# « en dehors », « hors » written by the text itself (« césarienne hors travail »): where the act was not done.
_OUTSIDE_WORDS = frozenset(wording_stems("dehors hors"))


@dataclass(slots=True)
class Context:
    """What the text around one act says: stems with how near they are, and the conditions it states."""

    near: dict[str, float] = field(default_factory=dict)
    negated: set[str] = field(default_factory=set)
    sentence: set[str] = field(default_factory=set)
    named: set[str] = field(default_factory=set)  # what the act's own mentions say (their stems)
    outside: set[str] = field(default_factory=set)  # what its sentences say it was done outside of (« hors … »)
    # What the act's own operative report says was not done, anywhere in it, and never says was done.
    report_negated: set[str] = field(default_factory=set)
    features: TextFeatures = field(default_factory=TextFeatures)
    parity: str | None = None
    sex: str | None = None
    age: int | None = None
    # What every label is scored against, computed once per context (`_sums`); `add` clears it.
    sums: _ContextSums | None = field(default=None, repr=False, compare=False)

    def add(self, stems: set[str], weight: float) -> None:
        self.sums = None
        near = self.near  # once: a document's stems are hundreds
        if not near and weight > 0.0:
            # The first words added (a document's, hundreds) all go in, in the same order, without a test each.
            near.update(dict.fromkeys(stems, weight))
            return
        for stem in stems:
            if near.get(stem, 0.0) < weight:
                near[stem] = weight


@dataclass(frozen=True, slots=True)
class _ContextSums:
    sentence_stems: tuple[str, ...]  # the sentence's stems
    sentence_values: tuple[float, ...]  # … and their IDF weights
    sentence_weight: float
    # Exclusive options (`exclusive.csv`) of which the text states exactly one: (the options, the stated one).
    stated_options: tuple[tuple[tuple[frozenset[str], ...], frozenset[str]], ...]


def _sums(context: Context, catalogue: ActCatalogue) -> _ContextSums:
    if context.sums is None:
        weights = catalogue.weights
        sentence_stems = tuple(context.sentence)
        sentence_values = tuple(weights.get(s, 0.0) for s in sentence_stems)
        stated_options = []
        for options in catalogue.data.exclusive:
            stated = [o for o in options if all(context.near.get(s, 0.0) >= REPORT for s in o)]
            if len(stated) == 1:
                stated_options.append((options, stated[0]))
        context.sums = _ContextSums(sentence_stems, sentence_values, sum(sentence_values), tuple(stated_options))
    return context.sums


def score(entry: ActEntry, context: Context, catalogue: ActCatalogue) -> float:
    label = entry.features
    weights = catalogue.weights
    near = context.near
    if label.named_by:
        # « cyphoplastie » written stands for the words it abbreviates (« spondyloplastie expansive »).
        alias = max(near.get(s, 0.0) for s in label.named_by)
        near = {**near, **{s: alias for s in label.head if near.get(s, 0.0) < alias}} if alias else near
    # weights[s] * near.get(s, 0.0) over the label's words, summed in their (one) order, by C-level maps: this runs
    # for every candidate act of every group.
    positive = label.positive
    found = sum(map(mul, map(weights.__getitem__, positive), map(near.get, positive, repeat(0.0))))
    total = entry.weight
    for stem in label.optional:
        seen = context.near.get(stem, 0.0)
        if seen >= PREVIOUS:
            found += weights[stem] * seen
            total += weights[stem]
    for choice in label.choices:  # total already counts the weightiest word of each choice
        found += max(weights[s] * context.near.get(s, 0.0) for s in choice)
    label_share = found / total if total else 0.0
    sums = _sums(context, catalogue)
    words = entry.words
    explained = sum(compress(sums.sentence_values, map(words.__contains__, sums.sentence_stems)))
    sentence_share = explained / sums.sentence_weight if sums.sentence_weight else 0.0
    value = _LABEL_SHARE * label_share + _SENTENCE_SHARE * sentence_share
    # "sans pose d'endoprothèse" when the sentence says a stent was placed; "avec pose de prothèse" when it
    # says "pas de prothèse".
    # What the act's report states anywhere describes its one procedure: « sans implantation » is contradicted
    # by « implant injecté dans le sac » two sentences on as much as in its own sentence.
    contradicted = sum(
        weights.get(s, 0.0) * _stated(context.near.get(s, 0.0)) for s in _said_done(label, context, catalogue)
    )
    # Each sum below only when the label shares a word with the negated ones: most labels share none, and the
    # label is scored against every candidate's context.
    if not label.positive.isdisjoint(context.negated):
        contradicted += sum(weights[s] for s in label.positive if s in context.negated and s not in context.near)
    # One procedure: « pas de résection de l'extrémité latérale de la clavicule » a sentence after « acromioplastie :
    # résection du bec » says the act is not MEMC005 « … avec … résection de l'extrémité latérale de la clavicule ».
    if not label.positive.isdisjoint(context.report_negated):
        contradicted += sum(
            weights[s]
            for s in label.positive
            if s in context.report_negated and s not in context.negated and s not in context.near
        )
    if label.outside:
        if label.outside <= context.negated or any(context.near.get(s) for s in _OUTSIDE_WORDS):
            # The text too says the act was not there (« hors travail », « patiente non en travail »).
            value += _AGREE
        else:
            # The text states where the act was done and the label says « en dehors de » that place: it
            # describes the sibling done there (DEPF012 « au niveau de l'isthme cavotricuspidien », not DEPF025
            # « en dehors de l'isthme cavotricuspidien »).
            contradicted += sum(weights.get(s, 0.0) * _stated(context.near.get(s, 0.0)) for s in label.outside)
            if all(context.near.get(s, 0.0) >= REPORT for s in label.outside):
                value -= _CONFLICT["option"]
    if not label.outside and context.outside and context.outside <= label.positive:
        # The text says the act was done outside of what the label places it in (« ligature … hors période
        # hémorragique » is not EHNE002 « … en période hémorragique »; « hors travail » not « au cours du travail »):
        # the sibling « en dehors de … » is the act.
        value -= _CONFLICT["option"]
    value -= min(0.3, 0.5 * contradicted / total) if total else 0.0
    if label.negative and label.negative <= context.negated:
        value += _AGREE
    elif label.negative and all(context.near.get(s, 0.0) >= REPORT for s in label.negative):
        value -= _CONFLICT["option"]  # everything the act is « sans » is stated done in its report
    if context.near.get(label.first, 0.0) < REPORT and not any(
        context.near.get(s, 0.0) >= REPORT for s in label.named_by
    ):
        value -= _UNNAMED  # the act itself ("Dilatation …") is not written: at most a modifier of it is
    elif _route_only(entry, context, catalogue):
        value -= _UNNAMED
    if _object_unnamed(label, context):
        # A generic act word names no organ: « évacuation de 20 mL de pus » is no « évacuation de collection de
        # l'orbite », « résection atypique du lobe inférieur » no « résection atypique du foie ».
        value -= _OBJECT_UNNAMED
    value += _conditions(entry, context, catalogue, sums)
    if entry.code in catalogue.data.preferred:
        value += _PREFERRED
    return max(0.0, min(1.0, value))


def _said_done(label: LabelFeatures, context: Context, catalogue: ActCatalogue) -> frozenset[str]:
    """The words of the label's « sans » clauses whose presence in the text says the act is not this one.
    A clause « sans libération de l'angle colique gauche » is contradicted by the libération being done, not by
    the angle being named: « l'angle colique gauche n'est pas mobilisé » names the angle and says the clause
    holds. When the clauses' act words (« libération », « rétablissement ») are written nowhere near the act,
    their object words count for nothing."""
    acts = (label.negative & catalogue.actions) - _LIGHT_ACTS
    if acts and not any(context.near.get(s, 0.0) for s in acts):
        return acts
    return label.negative


def _object_unnamed(label: LabelFeatures, context: Context) -> bool:
    """The label's generic act word acts on an organ the text names nowhere: its organ words when it has some
    (« un hématome de 300 mL » names no spinal cord: not AEJA003 « Évacuation d'hématome intraspinal »), else
    any of its objects; a catch-all site (« … d'un organe profond ») asks for none."""
    if not label.objects:
        return False
    if (label.approaches & context.features.approaches) - _NO_ORGAN_APPROACHES:
        return False  # « hystéroscopie » names the uterus
    if label.organs:
        wanted = label.organs | label.optional
    elif label.objects & ANY_ORGAN:
        return False
    else:
        wanted = label.objects | label.optional
    return not any(context.near.get(s) for s in wanted)


def _route_only(entry: ActEntry, context: Context, catalogue: ActCatalogue) -> bool:
    """The act's mentions name only its route (« Cystoscopie : méat repéré » for « Dilatation de l'uretère, par
    urétrocystoscopie … »), and its own act word is written only elsewhere in the report (« dilatation
    pyélocalicielle », a step of another act): the mention is the endoscopy, not that act (CCAM labels name the
    access after « par »; the act is what comes before it)."""
    said = context.named & entry.words
    return (
        bool(said)
        and all(s in catalogue.data.approaches for s in said)
        and entry.features.first not in said
        and context.near.get(entry.features.first, 0.0) < PREVIOUS
    )


def _leads_fit(label: tuple[frozenset[str], ...], stated: frozenset[str]) -> bool:
    """Each lead of the label goes to a place the report puts one in, and each such place has a lead of its own
    (« une sonde intraatriale ou intraventriculaire droite » is one lead, not one in each place)."""
    if not label or not all(places & stated for places in label):
        return False
    return any(
        all(place in places for place, places in zip(order, leads, strict=True))
        for leads in permutations(label, len(stated))
        for order in [sorted(stated)]
    )


def _stated(weight: float) -> float:
    return 1.0 if weight >= REPORT else weight


def _conditions(entry: ActEntry, context: Context, catalogue: ActCatalogue, sums: _ContextSums) -> float:
    label, text = entry.features, context.features
    value = 0.0
    if label.approaches and text.approaches:
        # Every approach the label requires is stated, and one of its alternatives: an endoscopy report's
        # polypectomy is not the label « par coloscopie, avec contrôle coelioscopique ».
        fits = label.approaches & text.approaches and label.required_approaches <= text.approaches
        value += _AGREE if fits else -_CONFLICT["approach"]
    elif label.required_approaches and text.from_report and not text.approaches:
        # An operative report that names no approach describes an open one (« incision arciforme »): a label
        # that requires a coelioscopy or an endoscope is less likely (a letter may just omit it: preferred.csv).
        value -= _AGREE
    if text.converted and label.approaches:
        # Completed by laparotomy: a label without it is not the act; one that also names the coelioscopy is the
        # conversion's own (« par laparotomie avec préparation par cœlioscopie »).
        if "laparotomie" not in label.approaches:
            value -= _CONFLICT["approach"]
        elif "coelioscopie" in label.approaches:
            value += _AGREE
    if label.laterality and text.laterality:
        value += _AGREE if label.laterality == text.laterality else -_CONFLICT["side"]
    for noun in {noun for noun, _, _ in label.counts}:
        stated = text.counts.get(noun)
        if stated is not None:
            fits = any(low <= stated <= high for n, low, high in label.counts if n == noun)
            value += _AGREE if fits else -_CONFLICT["count"]
        elif all(low >= 2 for n, low, _ in label.counts if n == noun):
            value -= _AGREE  # several of a thing are written; a text that counts none describes one
    if label.sizes_mm and text.size_mm is not None:
        fits = any(low <= text.size_mm < high for low, high in label.sizes_mm)
        value += _AGREE if fits else -_CONFLICT["size"]
    if label.areas_cm2 and text.area_cm2 is not None:
        fits = any(low <= text.area_cm2 < high for low, high in label.areas_cm2)
        value += _AGREE if fits else -_CONFLICT["size"]
    if label.angles and text.angle is not None:
        fits = any(above < text.angle <= at_most for above, at_most in label.angles)
        value += _AGREE if fits else -_CONFLICT["size"]
    if label.anaesthesia and text.anaesthesia:
        # « … sous anesthésie locale » and « … sous anesthésie générale ou locorégionale » are two acts (LMMA016,
        # LMMA017): the anaesthesia the report states chooses (« rachianesthésie » is locoregional).
        value += _AGREE if label.anaesthesia & text.anaesthesia else -_CONFLICT["anaesthesia"]
    if text.leads and (label.leads or label.leadless) and not _leads_fit(label.leads, text.leads):
        # The report places its leads (« sonde atriale », « sonde ventriculaire droite »): a label that puts one
        # elsewhere (DELF001 « … et d'une sonde dans une veine cardiaque gauche »), none where the report puts one
        # (DELF903 for a resynchronisation lead), or implants the device with none (DELF223) is another act,
        # however well « veine céphalique gauche » fits its words.
        value -= _CONFLICT["count"]
    if label.parity and context.parity:
        value += _AGREE if label.parity == context.parity else -_CONFLICT["parity"]
    if label.ages and context.age is not None and not label.ages[0] <= context.age <= label.ages[1]:
        value -= _CONFLICT["age"]
    if sums.stated_options:
        words = entry.words
        for options, stated_option in sums.stated_options:
            named = [o for o in options if o <= words]
            if named and stated_option not in named:
                value -= _CONFLICT["option"]
    act = catalogue.acts.get(entry.code)
    if act is not None and act.sex and context.sex and act.sex != context.sex:
        value -= _CONFLICT["sex"]
    return value


def ranked(candidates: set[int], context: Context, catalogue: ActCatalogue) -> list[tuple[float, str]]:
    """(score, code) of the candidates, best first (ties: the shorter label, then the code)."""
    # Rounded before they are compared: a score sums its label's words in set order, which changes from one
    # process to the next (string hashing), and two labels the text fits alike must tie the same way in each.
    scored = [(round(score(catalogue.entries[i], context, catalogue), 4), catalogue.entries[i]) for i in candidates]
    scored.sort(key=lambda item: (-item[0], len(item[1].features.positive), item[1].code))
    return [(value, entry.code) for value, entry in scored]
