"""What a CCAM label says about its act, read once per label: the words a letter should state, the words it
must not ("sans pose d'endoprothèse"), the acts it includes ("avec artériographie coronaire"), side, counts,
sizes, parity and age bounds.

CCAM long labels (ATIH, CCAM v68 `ccam_actes.csv`) follow one grammar: the act and its object, then
"avec …" / "sans …" modifiers, then ", par <approach>"; bracketed words are synonyms ("[Ponction lombaire]").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from coding_assistant.acts.data import ActData
from coding_assistant.matching.dictionary import wording_stems
from coding_assistant.text.normalize import normalise_text

_BRACKETS = re.compile(r"\[([^\]]*)\]")
# A "sans" or "avec" clause runs to the next comma or the next modifier.
_SANS = re.compile(r"\bsans\b(.*?)(?=,|\bavec\b|\bsans\b|\bpar\b|\bsous\b|$)")
_AVEC = re.compile(r"\bavec\b(.*?)(?=,|\bavec\b|\bsans\b|\bpar\b|$)")
# « … en dehors de l'isthme cavotricuspidien », « … en dehors de la face et de la main »: where the act is not done.
_OUTSIDE = re.compile(r"\ben dehors\b(.*?)(?=\bavec\b|\bsans\b|\bpar\b|\bsur\b|\bsous\b|$)")
_HEAD_END = re.compile(r",|\b(avec|sans|par|pour|chez|sous|au cours|en dehors)\b")
# « d'1 vertèbre », « de 1 à 3 tumeurs », « de 2 ou de 3 vertèbres », « des 2 tendons » (MJCA008); « sur un
# rayon » (MJFA006) is one, « sur plusieurs rayons » (MJFA010), « de plusieurs sondes » two or more.
_COUNT = re.compile(r"\b(?:d une?|sur une?|(plusieurs)|des? (\d+)(?: (?:a|ou de) (\d+))?)\s+([a-z]+)")
_OR_MORE = re.compile(r"^.{0,40}?\bou plus\b")
_SIZE_BOUND = re.compile(r"\bde (moins|plus) de (\d+(?:[.,]\d+)?) ?(mm|cm)(?![2²])")
_SIZE_RANGE = re.compile(r"\bde (\d+(?:[.,]\d+)?) ?(mm|cm) a (\d+(?:[.,]\d+)?) ?(mm|cm)(?![2²])")
# Skin areas (« par excision d'une zone cutanée de moins de 5 cm² », « de 5 cm² à 10 cm² », « de 5 cm² ou plus »).
_AREA_BOUND = re.compile(r"\bde (moins|plus) de (\d+) ?cm[2²]")
_AREA_RANGE = re.compile(r"\bde (\d+) ?cm[2²] a (\d+) ?cm[2²]")
_AREA_OR_MORE = re.compile(r"\bde (\d+) ?cm[2²] (?:ou plus|et plus)")
# A deformity bound in degrees (« sur une déformation supérieure à 10° dans le plan frontal »): the angle
# the report measures chooses between the two knee prostheses.
_ANGLE_BOUND = re.compile(r"\b(inférieure? ou égale?|supérieure?) à (\d+(?:,\d+)?) ?°")
# « sous anesthésie générale ou locorégionale » / « sous anesthésie générale » / « sous anesthésie locale »: CCAM
# siblings that differ only by the anaesthesia the act is done under (LMMA016/LMMA017 hernia repairs, QZJA013
# « Parage secondaire … »). Read apart as a condition (the kinds of `anaesthesia.csv` it admits), never as
# words a letter must state: « rachianesthésie » says « anesthésie locorégionale » in its own words.
_ANAESTHESIA = re.compile(r"\bsous anesthesie (generale ou locoregionale|generale|locale)\b")
_ANAESTHESIA_KINDS = {
    "generale ou locoregionale": frozenset({"general", "locoregional"}),
    "generale": frozenset({"general"}),
    "locale": frozenset({"local"}),
}
# Phrases that bound an act (size, age) rather than name it: read apart, never words a letter must state.
_BOUNDS = re.compile(
    r"\bde (?:moins |plus )?de \d+(?:[.,]\d+)? ?(?:mm|cm)2?(?: a \d+(?:[.,]\d+)? ?(?:mm|cm)2?)?"
    r"|\bde \d+(?:[.,]\d+)? ?(?:mm|cm)2? a \d+(?:[.,]\d+)? ?(?:mm|cm)2?"
    r"|\bde (?:grand axe|diametre)\b|\b(?:avant|apres) l age de \d+ (?:ans|mois)\b"
)
# Alternatives: "unilatérale ou bilatérale", "du membre supérieur ou du cou", ", par coelioscopie ou par
# laparotomie avec préparation par coelioscopie": a letter states one of them, so their words are optional.
_ALTERNATIVE = re.compile(r"(\b[a-z]+(?: [a-z]+)?) ou (?:(?:par|du|de la|de l|des|d|le|la|les) )?([a-z]+(?: [a-z]+)?)")
# « et/ou » (read « et ou ») joins what an approach uses (« par voie transcutanée avec guidage échographique
# et/ou radiologique »), not two approaches, unless another « par » follows it.
_APPROACH_ALTERNATIVES = re.compile(r",? par ([^,]*(?:(?<! et) ou | et ou par )[^,]*)$")
# Words of the labels' own grammar that never make a letter say more about an act.
_GRAMMAR = frozenset({"san", "plus", "moin", "deux", "troi", "quatr", "cinq", "lor", "autr"})


@dataclass(frozen=True, slots=True)
class LabelFeatures:
    positive: frozenset[str]  # stems a letter states for this act
    optional: frozenset[str]  # bracketed synonyms: they count only when the letter writes them
    choices: tuple[frozenset[str], ...]  # "A ou B": a letter states one of them
    negative: frozenset[str]  # stems of "sans" clauses: the act is without them
    head: frozenset[str]  # what the act is, before its first comma or modifier
    includes: frozenset[str]  # stems of its "avec" clauses (other acts it includes)
    first: str  # the action stem ("cholecystectom", "pos", "dilat")
    laterality: str | None  # "uni", "bi", or None when the label does not restrict it
    counts: tuple[tuple[str, int, float], ...]  # (counted noun stem, at least, at most)
    sizes_mm: tuple[tuple[float, float], ...]  # lesion sizes the label covers
    parity: str | None  # "primi" or "multi"
    approaches: frozenset[str]  # approaches named by the label (coelioscopie, laparotomie …)
    ages: tuple[int, int] | None  # age bounds in years written in the label
    # The approaches its words require, not one of its alternatives (« par coloscopie, avec contrôle
    # coelioscopique » requires both; « par coelioscopie ou par laparotomie … » neither alone).
    required_approaches: frozenset[str] = frozenset()
    # Bracketed procedure nouns that name the act as letters write it (« [cyphoplastie] » of « Spondyloplastie
    # expansive »): written, they stand for the act's own word.
    named_by: frozenset[str] = frozenset()
    angles: tuple[tuple[float, float], ...] = ()  # (above, at most) in degrees: the deformities it covers
    areas_cm2: tuple[tuple[float, float], ...] = ()  # (at least, below) in cm²: the skin areas it covers
    # What a generic act word (« évacuation », « résection », « création ») acts on: the last word of the label's
    # head, one per alternative (« … du côlon et/ou du rectum »): « … de l'orbite », « … du foie ».
    objects: frozenset[str] = frozenset()
    # Its objects that name an organ or a site, not what is found there (`_NOT_ORGANS`): « intraspinal » of
    # « Évacuation d'hématome intraspinal », « iliaque » of « Pose d'endoprothèse couverte iliaque ».
    organs: frozenset[str] = frozenset()
    # Stems of its « en dehors de … » clause (« en dehors de l'isthme cavotricuspidien »): where the act is not
    # done, so a text that states them describes a sibling (DEPF012 « au niveau de l'isthme … », not DEPF025).
    outside: frozenset[str] = frozenset()
    # The anaesthesia kinds (`anaesthesia.csv`) its « sous anesthésie … » admits; empty when the label names none.
    anaesthesia: frozenset[str] = frozenset()
    # Each lead it places, as the cardiac places it may go to (`cardiac_leads.csv` read on the label: « sonde
    # intraatriale ou intraventriculaire droite » is one lead, atrium or right ventricle; « sonde dans une veine
    # cardiaque gauche » the left ventricle); `leadless`: a pacemaker or defibrillator implanted with no lead at
    # all (DELF223 « … dans le ventricule droit »).
    leads: tuple[frozenset[str], ...] = ()
    leadless: bool = False


def _objects(head: str, first: str, data: ActData) -> frozenset[str]:
    """The words of the last « de … » phrase of each alternative of a label's head (bounds and ages left out):
    « de collection de l'orbite » → orbite; « de lésion souscutanée susfasciale » → lésion, souscutanée …"""
    found: set[str] = set()
    for part in re.split(r"\bet ou\b|\bou\b", _BOUNDS.sub(" ", head)):
        phrase = re.split(r"\b(?:de|du|des|d)\b", part)[-1]
        found.update(
            s for s in wording_stems(phrase) if s.isalpha() and len(s) >= 3 and s not in _GRAMMAR and s != first
        )
    return frozenset(found - data.act_words - _DEVICES)


# What a label's act finds or leaves in an organ, named the same in every organ (a haematoma, a collection, a
# wound, a covered stent): a text that writes one has not named the organ of « hématome intraspinal ».
_NOT_ORGANS = frozenset(
    wording_stems("hématome collection épanchement abcès plaie lésion couverte organe profond superficiel")
)
# CCAM's catch-all site (« Drainage d'une collection d'un organe profond », ZZJJ008): a label whose object is only
# « organe … » names no organ a text must state.
ANY_ORGAN = frozenset(wording_stems("organe"))


# Devices a label acts on name no organ by themselves: « ablation d'une prothèse tibiotalienne » needs the ankle.
_DEVICES = frozenset(wording_stems("prothèse endoprothèse matériel sonde cathéter dispositif implant"))


# The devices CCAM implants with leads (« stimulateur cardiaque », « défibrillateur cardiaque »), and the leads
# (« sonde », the epicardial « électrode »).
_CARDIAC_DEVICE = re.compile(r"\b(?:stimulateur|defibrillateur) cardiaque\b")
_ANY_LEAD = re.compile(r"\b(?:sondes?|electrodes?)\b")
_LEAD_START = re.compile(r"\bsondes?\b")


def _leads(label: str, data: ActData) -> tuple[frozenset[str], ...]:
    """The places of each lead a label places: its text from one « sonde » to the next, each « ou » alternative
    read as a lead of its own (« sonde intraatriale ou intraventriculaire droite » → « sonde intraventriculaire
    droite » too)."""
    starts = [match.start() for match in _LEAD_START.finditer(label)]
    found: list[frozenset[str]] = []
    for start, end in zip(starts, [*starts[1:], len(label)], strict=True):
        first, *others = label[start:end].split(" ou ")
        parts = [first, *(f"sonde {other}" for other in others)]
        places = frozenset(
            place for part in parts for pattern, where in data.cardiac_leads if pattern.search(part) for place in where
        )
        if places:
            found.append(places)
    return tuple(found)


def _content(stems: tuple[str, ...]) -> frozenset[str]:
    return frozenset(s for s in stems if s.isalpha() and len(s) >= 2 and s not in _GRAMMAR)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _mm(value: str, unit: str) -> float:
    return _number(value) * (10.0 if unit == "cm" else 1.0)


def _counts(folded: str, counted: frozenset[str]) -> tuple[tuple[str, int, float], ...]:
    found: list[tuple[str, int, float]] = []
    last: tuple[str, int] | None = None  # the previous count's noun and where it ended
    for match in _COUNT.finditer(folded):
        several, first, last_number, noun = match.groups()
        stems = wording_stems(noun)
        if not stems or stems[0] not in counted:
            continue
        low = 2 if several else int(first or 1)
        high: float = math.inf if several else int(last_number) if last_number else low
        if _OR_MORE.match(folded[match.end() :]):
            high = math.inf
        if last is not None and last[0] == stems[0] and not _OR.search(folded[last[1] : match.start()]):
            # « avec pose d'une sonde intraatriale et d'une sonde intraventriculaire droites » (DELF005): the
            # things a label lists (« et », a comma) are counted together, two leads; « ou » keeps them apart.
            _, before_low, before_high = found.pop()
            low, high = before_low + low, before_high + high
        found.append((stems[0], low, high))
        last = (stems[0], match.end())
    return tuple(found)


# What makes two counted things of a label alternatives rather than a list (the folded label has no commas).
_OR = re.compile(r"\bou\s*$")


def _sizes(folded: str) -> tuple[tuple[float, float], ...]:
    sizes = [(_mm(m.group(1), m.group(2)), _mm(m.group(3), m.group(4))) for m in _SIZE_RANGE.finditer(folded)]
    for match in _SIZE_BOUND.finditer(folded):
        value = _mm(match.group(2), match.group(3))
        sizes.append((0.0, value) if match.group(1) == "moins" else (value, math.inf))
    return tuple(sizes)


def _areas(folded: str) -> tuple[tuple[float, float], ...]:
    areas = [(float(m.group(1)), float(m.group(2))) for m in _AREA_RANGE.finditer(folded)]
    areas += [(float(m.group(1)), math.inf) for m in _AREA_OR_MORE.finditer(folded)]
    for match in _AREA_BOUND.finditer(folded):
        value = float(match.group(2))
        areas.append((0.0, value) if match.group(1) == "moins" else (value, math.inf))
    return tuple(areas)


def _angles(label: str) -> tuple[tuple[float, float], ...]:
    found = []
    for match in _ANGLE_BOUND.finditer(label.lower()):
        value = _number(match.group(2))
        found.append((-1.0, value) if match.group(1).startswith("inf") else (value, math.inf))
    return tuple(found)


def _ages(label: str, data: ActData) -> tuple[int, int] | None:
    low, high = 0, 130
    found = False
    lowered = label.lower()
    for rule in data.ages:
        match = rule.pattern.search(lowered)
        if match is None:
            continue
        found = True
        number = int(match.group(1)) if match.groups() and match.group(1) and match.group(1).isdigit() else 0
        if rule.kind == "below_years":
            high = min(high, number - 1)
        elif rule.kind == "from_years":
            low = max(low, number)
        elif rule.kind == "below_months":
            high = min(high, (number - 1) // 12)
        elif rule.kind == "from_months":
            low = max(low, number // 12)
        elif rule.kind == "newborn":
            high = 0
        elif rule.kind == "infant":
            high = min(high, 2)
    return (low, high) if found and low <= high else None


def read_label(label: str, data: ActData, counted: frozenset[str]) -> LabelFeatures:
    optional = _content(tuple(s for part in _BRACKETS.findall(label) for s in wording_stems(part)))
    plain = _BRACKETS.sub(" ", label)
    folded = normalise_text(plain.replace("'", " "))
    anaesthesia = _ANAESTHESIA.search(folded)
    folded = _ANAESTHESIA.sub(" ", folded)
    negative = _content(tuple(s for part in _SANS.findall(folded) for s in wording_stems(part)))
    includes = _content(tuple(s for part in _AVEC.findall(folded) for s in wording_stems(part)))
    outside = _content(tuple(s for part in _OUTSIDE.findall(folded) for s in wording_stems(part)))
    positive_text = _BOUNDS.sub(" ", _SANS.sub(" ", _OUTSIDE.sub(" ", folded)))
    choices: list[frozenset[str]] = []
    for match in _ALTERNATIVE.finditer(positive_text):
        choices.append(_content(wording_stems(match.group(1))[-1:] + wording_stems(match.group(2))))
    approach = _APPROACH_ALTERNATIVES.search(positive_text)
    if approach:
        choices.append(_content(wording_stems(approach.group(1))))
    choices = [c for c in choices if len(c) > 1]
    in_choices = frozenset().union(*choices) if choices else frozenset()
    # A bracketed synonym's word that the label also writes (« versant biliaire … [Sphinctérotomie biliaire
    # endoscopique] ») is the label's own word: it must be stated, not only counted when it is.
    positive = _content(wording_stems(positive_text)) - in_choices
    optional = optional - positive
    head_text = _HEAD_END.split(folded, maxsplit=1)[0]
    head_stems = wording_stems(head_text)
    laterality = None
    if "bilateral" in folded and "unilateral" not in folded:
        laterality = "bi"
    elif "unilateral" in folded and "bilateral" not in folded:
        laterality = "uni"
    parity = "primi" if "primipare" in folded else "multi" if "multipare" in folded else None
    # "Séance de destruction …", "Séance d'épuration …": the act is the word after "séance".
    all_stems = [s for s in wording_stems(folded) if s != "seanc"]
    first = all_stems[0] if all_stems else ""
    objects = _objects(head_text, first, data) if first in data.act_words else frozenset()
    return LabelFeatures(
        positive=positive,
        optional=optional,
        choices=tuple(dict.fromkeys(choices)),
        negative=negative - positive - in_choices,
        head=_content(head_stems),
        includes=includes,
        first=first,
        laterality=laterality,
        counts=_counts(folded, counted),
        sizes_mm=_sizes(folded),
        parity=parity,
        approaches=frozenset(data.approaches[s] for s in positive | in_choices if s in data.approaches),
        ages=_ages(label, data),
        angles=_angles(label),
        areas_cm2=_areas(folded),
        objects=objects,
        organs=objects - _NOT_ORGANS,
        outside=outside - positive - in_choices,
        anaesthesia=_ANAESTHESIA_KINDS[anaesthesia.group(1)] if anaesthesia else frozenset(),
        required_approaches=frozenset(data.approaches[s] for s in positive if s in data.approaches),
        leads=_leads(plain, data) if "sonde" in plain else (),
        leadless=bool(_CARDIAC_DEVICE.search(folded)) and not _ANY_LEAD.search(folded),
        named_by=frozenset(
            s
            for part in _BRACKETS.findall(label)
            for word in normalise_text(part).split()
            if word.endswith(data.act_suffixes)
            for s in wording_stems(word)
        ),
    )
