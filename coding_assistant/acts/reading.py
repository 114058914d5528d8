"""One document read for acts: its sentences as stems (CCAM label words, with the lexicon's translations of
how surgeons write), the act mentions ("anchors") with their offsets, and what the text says around them.

An anchor is a word that names an act (the first word of a CCAM label: "cholécystectomie", "ponction",
"pose"…) or a lexicon wording that does ("coronarographie", "PTH", "pose d'une chambre implantable").
Operative reports name their act in a field ("Intervention :", "Geste :"); when a document has such a field,
the steps of the procedure paragraph only add context to it (they are never acts on their own).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

from coding_assistant.acts.catalogue import ActCatalogue
from coding_assistant.acts.data import ActData
from coding_assistant.acts.dates import WrittenDate, find_dates
from coding_assistant.matching import MentionDictionary
from coding_assistant.matching.dictionary import Pattern, wording_stems
from coding_assistant.matching.matcher import Token, tokenize
from coding_assistant.text.normalize import normalise_text
from coding_assistant.text.sections import Section, section_at, split_sections
from coding_assistant.text.sentences import sentence_bounds

if TYPE_CHECKING:  # anaesthesia.py reads a DocumentReading
    from coding_assistant.acts.anaesthesia import Anaesthesia

# "Intervention :", "Geste réalisé :", "Intervention (23/09) :", "Intervention le 17/02 :".
_FIELD = re.compile(
    r"(?im)^[ \t\-•*]*(?:intervention|geste|acte|proc[ée]dure|op[ée]ration)s?(?: r[ée]alis[ée]e?s?)?"
    r"(?:[ \t]+(?:le|du)[ \t]+[\d/]+)?[ \t]*(?:\([^)\n]*\))?[ \t]*:[ \t]*(.*)$"
)
_OPERATIVE = re.compile(
    r"compte[- ]rendu (?:op[ée]ratoire|d'endoscopie|de coronarographie|d'intervention)|\bCRO\b", re.IGNORECASE
)
# Document types of operative, endoscopy and interventional reports (the data contract's `type`).
_EXAMINATION_TYPES = ("CR-ENDO", "CR_ENDO", "CR-INTERV", "CR_INTERV")
_OPERATIVE_TYPES = ("CRO", "CR-OP", "CR_OP", *_EXAMINATION_TYPES)
_LOCAL_NEGATION = re.compile(r"\b(?:pas d[e'’]|pas de la|sans|ni d[e'’]|aucune?|absence d[e'’])\s*", re.IGNORECASE)
_LOCAL_NEGATION_WORDS = ("pas d", "sans", "ni d", "aucun", "absence d")
_SCOPE_END = re.compile(r"[,;:()\n.]|\bmais\b")
# "Ventriculographie non réalisée": a negation written after what it negates, back to the clause start.
_POSTPOSED_NEGATION = re.compile(r"\bnon (?:r[ée]alis|fait|effectu|pos|pratiqu)[ée]*e?s?\b", re.IGNORECASE)
_POSTPOSED_WORDS = ("non ",)
_CLAUSE_START = re.compile(r"[,;:()\n.][^,;:()\n.]*$")
# An organ the report says it saw and spared (« queue du pancréas vue et respectée », « uretère repéré et
# préservé ») or found intact (« tendons extenseurs intacts ») is no object of an act: its words weigh as a
# negated act's. « Préservé » alone is a state, not a
# gesture (« IC à FEVG préservée »): only after what the surgeon did to see it.
_SPARED = re.compile(
    r"\b(?:(?:(?:vue?s?|repér[ée]e?s?|identifi[ée]e?s?|disséqu[ée]e?s?)\s+et\s+(?:respect|préserv|preserv)"
    r"|respect)[ée]e?s?|intacte?s?)\b",
    re.IGNORECASE,
)
_SPARED_WORDS = ("respect", "préserv", "preserv", "intact")
# A dilatation the imaging or the endoscopy found (« dilatation modérée d'amont », « dilatation pyélocalicielle »,
# « VBP dilatée ») is a finding, not the « Dilatation » of CCAM labels: its words weigh as a negated act's.
_FINDING = re.compile(
    r"\bdilatations?\s+(?:(?:tr[èe]s\s+)?(?:mod[ée]r[ée]e|minime|importante|majeure|franche|discr[èe]te|modeste)\s+)?"
    r"(?:d['’]\s?amont|des?\s+cavit[ée]s|py[ée]lo|des?\s+voies|du\s+(?:canal|wirsung|chol[ée]doque)|"
    r"ventriculaire|bronchique|aortique|de\s+l['’]\s?aorte|des\s+ventricules)"
    r"|\bdilat[ée]e?s?\b",
    re.IGNORECASE,
)
_FINDING_WORDS = ("dilat",)
_NUMBER_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6}
# The stems of the number words a tokenised text keeps (« un », « une » are stopwords).
_NUMBER_STEMS = frozenset(stem for word in _NUMBER_WORDS for stem in wording_stems(word))
# A number and the two words after it: "2 stents", "3 polypes", "1 stent actif", "deux volumineux polypes".
_COUNT = re.compile(r"(?<![\d,.])(\d+|un|une|deux|trois|quatre|cinq|six)\s+([a-zéèêàç]+)(?:\s+([a-zéèêàç]+))?", re.I)
# A count a report states as the total of its per-line counts (« - Transverse : 2 polypes … - Sigmoïde : 3 polypes
# … Soit 5 polypes », « Au total 4 polypes »): CCAM labels count the things of one act (HHFE002 « de 1 à 3
# polypes », HHFE004 « de 4 polypes ou plus »), which no single line of such a report counts.
_TOTAL = re.compile(
    r"\b(?:soit|au total|en tout|total)\s*:?\s+(\d+|deux|trois|quatre|cinq|six)\s+([a-zéèêàç]+)", re.IGNORECASE
)
_TOTAL_WORDS = ("soit", "total", "tout")
# "la tumeur", "un polype": one, when no number is written.
_SINGULAR = re.compile(r"\b(?:la|le|l'|une?|d'une?)\s*([a-zéèêàç]+[^sx\W])\b", re.IGNORECASE)
# The deformity a report measures (« genu varum 13° », « déformation en valgus de 12° »), never the angle of a
# position (« Trendelenburg 25° », « genou fléchi à 90° »).
_ANGLE = re.compile(
    r"(?:varum|valgum|varus|valgus|flessum|recurvatum|d[ée]formation|d[ée]saxation|HKA)[^.\n°]{0,30}?"
    r"(?<![\d,.])(\d+(?:[.,]\d+)?)\s?°",
    re.IGNORECASE,
)
_AREA = re.compile(r"(?<![\d,.])(\d+(?:[.,]\d+)?)\s?cm\s?[²2]", re.IGNORECASE)
_SIZE = re.compile(r"(?<![\d,.])(\d+(?:[.,]\d+)?)\s?(mm|cm)\b(?!\s?[²2])", re.IGNORECASE)
_PARITY_MULTI = re.compile(
    r"\bmultipare\b|\bG\d+ ?P[1-9]\b|\b(?:ATCD|antécédent) (?:d[e']\s?)?(?:\d+ )?(?:AVB|accouchement|césarienne)", re.I
)
_PARITY_PRIMI = re.compile(r"\bprimipare\b|\bnullipare\b|\bG1 ?P[01]\b|\bprimigeste\b", re.IGNORECASE)
# What every match of `_PARITY_MULTI` holds (« G3P2 » aside: `_GRAVIDITY`) and of `_PARITY_PRIMI`, lowercase.
_MULTI_WORDS = ("multipare", "avb", "accouchement", "césarienne")
_GRAVIDITY = re.compile(r"g\d")  # searched in the lowered text
_PRIMI_WORDS = ("primipare", "nullipare", "primigeste", "g1")
# Section kinds (text.sections) read as for the diagnoses (pipeline/evidence.py, not imported: the pipeline
# imports this package): drug and allergy lists never name an act; the antecedents name past ones.
IGNORED_SECTIONS = frozenset({"traitement_entree", "traitement_sortie", "allergies"})
PAST_SECTIONS = frozenset({"antecedents", "antecedents_familiaux"})
_HEADER_LENGTH = 80
_CONCLUSION = re.compile(r"(conclusions?|au total|synthese)\b")
# A first line with a date or a report's name is the report's title (« CRO 24/02/26. Hernie ombilicale »), whose
# words are the act's, never a department's name.
_REPORT_TITLE = re.compile(r"\d{1,2}/\d{1,2}|\bCRO\b|compte[- ]rendu", re.IGNORECASE)
_NOT_TAKEN = frozenset({"negated", "future"})
# The numbered parts of a report that treats several sites (« 1) Dos, région scapulaire : exérèse … », « 2e temps
# — CHEVILLE DROITE »): one act word in two parts is two acts.
_PART = re.compile(
    r"(?im)^[ \t\-•*]*(?:\d{1,2}[ \t]*[)°/](?!\d)|\d{1,2}(?:er|e|ème|eme)[ \t]+temps\b|temps[ \t]+\d{1,2}\b)"
)
_HEAD = 300  # characters where an operative report writes its date
# Department lines at the top of a letter ("Service de néphrologie et transplantation").
_DEPARTMENT = re.compile(
    r"(?:[^\n]*\n){0,2}?[ \t]*"
    r"(?:service|unit[ée]|p[ôo]le|d[ée]partement|h[ôo]pital|centre hospitalier|clinique)\b[^\n:]*\n",
    re.IGNORECASE,
)
# Lines of an operative report that describe how the act was done, never another act: its set-up, its
# approach and its closure (« Fermeture : exsufflation, surjet intradermique » ends a coelioscopy).
_STEP_LINE = re.compile(
    r"(?im)^[ \t\-•*]*(?:installation|voie d'abord|abord|fermeture|fin d'intervention)[ \t]*:[^\n]*$"
)
# « Indication : urétéroscopie avec lithotritie. », « Indication de prothèse totale de hanche. » opening a
# sentence of an operative report: the act the operation was meant to be (`Anchor.intended`). « Pas
# d'indication de … » opens no sentence with « indication ».
_INDICATION = re.compile(
    r"(?im)(?:^|(?<=[.;]))[ \t\-•*]*indications?(?: op[ée]ratoires?)?(?:[ \t]*:|[ \t]+(?=d[e'’]|à\b))[^\n.;]*"
)
_INDICATION_WORDS = ("indication",)
_MOTIF_LINE = re.compile(
    r"(?im)^[ \t\-•*]*motifs?(?: d['’ ]?(?:hospitalisation|admission|entr[ée]e|hospit))?[ \t]*:[^\n]*"
)
# The whole « Indication : » line of a report: after its first sentence (`_INDICATION`), the grounds it
# recalls (« Écho-endoscopie : usT1m. », « Scanner : collection de 6 cm. »), examinations done before.
_INDICATION_LINE = re.compile(r"(?im)^[ \t\-•*]*indications?(?: op[ée]ratoires?)?[ \t]*:[^\n]*")
# Where a clause ends, for what is said of an act after its name (its not-done cues, its qualifying words).
CLAUSE_END = re.compile(r"[.;\n:,]")
_TITLE_LINES = 3  # the title of an operative report names its act ("COMPTE RENDU DE CORONAROGRAPHIE …")
# Sides as surgeons abbreviate them ("PTG G", "hernie inguinale D", "genou dte"): read as the side's word, so a
# wording written with "droite"/"gauche" matches and the side counts for the label. Capitals only for the
# single letters ("vitamine D" is rare in operative reports, "d'" is an elision).
_SIDE_ABBREVIATIONS = {
    "G": "gauche",
    "D": "droite",
    "Dte": "droite",
    "dte": "droite",
    "Gche": "gauche",
    "gche": "gauche",
}
# Vertebral levels ("L4-L5", "C5-C6", "T12", "D7") name the region of the spine a CCAM label writes out
# ("colonne vertébrale lombale", "cervicale", "thoracique").
_VERTEBRAL_LEVEL = re.compile(r"\b([CTDL])(?:[1-9]|1[0-2])(?:\s*[-/]\s*[CTDLS]?\d{1,2})?\b")
_SPINE_REGIONS = {"C": "cervicale", "T": "thoracique", "D": "thoracique", "L": "lombale"}
# One vertebra or a run of them (« L1 », « T12-L1 », « L2/L3 »): the vertebrae an act's sentence names.
_VERTEBRAE = re.compile(r"\b([CTDL])(1[0-2]|[1-9])(?:\s*[-/]\s*([CTDL])?(1[0-2]|[1-9]))?\b")
_SPINE_REGION_STEMS = {letter: wording_stems(region) for letter, region in _SPINE_REGIONS.items()}
# Teeth by their FDI numbers (« avulsion de la 36 et de la 46 », « dents 18, 28, 38 et 48 »): permanent 11-48,
# deciduous 51-85, after an article, « dent(s) », « et » or a comma, never a date, a size or an age.
_TOOTH = re.compile(
    r"(?:\b(?:la|les|dents?|et)\s+|,\s*)([1-4][1-8]|[5-8][1-5])\b(?![/.,:]?\d)(?!\s*(?:mm|cm|ans|%|h\b|°))",
    re.IGNORECASE,
)
# The finger flexor tendons a hand report names (FDP, FDS: flexor digitorum profundus / superficialis, written
# in capitals), each one of the « tendons des muscles fléchisseurs des doigts » CCAM MJCA labels count.
_FLEXOR_TENDONS = re.compile(r"\b((?-i:FDP|FDS))\b|\bfl[ée]chisseur (profond|superficiel)\b", re.IGNORECASE)
_TENDON_NAMES = {"fdp": "profond", "fds": "superficiel"}
_TOOTH_ACT = re.compile(r"\b(?:avulsion|extraction)s?\b", re.IGNORECASE)
_TOOTH_ACT_WORDS = ("avulsion", "extraction")
_PERMANENT_TEETH = frozenset(wording_stems("dent permanente"))
_DECIDUOUS_TEETH = frozenset(wording_stems("dent temporaire"))


class _Lowered:
    """A document lowered once, so that a case-insensitive search over all of it is skipped when the document
    holds none of the words every match of the pattern holds: most documents of a stay hold none of them.

    `str.lower` folds case as re.IGNORECASE does but for three characters: « ı » and « ſ » match « i » and « s »,
    and « İ » lowers to « i » and a combining dot. A text that holds one of them is always searched."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        lowered = text.lower()
        self._text: str | None = None if any(char in lowered for char in "ıſ\u0307") else lowered

    def holds(self, words: Sequence[str]) -> bool:
        """Whether the text may hold one of `words` (lowercase), in any case."""
        return self._text is None or any(word in self._text for word in words)

    def matches(self, pattern: re.Pattern[str]) -> bool:
        """Whether the lowered text may match `pattern` (written for lowercase text)."""
        return self._text is None or pattern.search(self._text) is not None


@dataclass(slots=True)
class Anchor:
    """A mention of an act in one document."""

    doc_id: str
    start: int
    end: int
    text: str
    keys: tuple[str, ...]  # action stems that find the candidate acts
    stems: frozenset[str]  # what the mention itself says (its stems, or its wording's label words)
    sentence: int
    selectable: bool
    section: str
    date: date | None = None
    status: str = "current"  # "current", "negated", "future" or "history"
    negated: bool = False
    hypothetical: bool = False
    family: bool = False
    cues: list[str] = field(default_factory=list)
    part: int = 0  # the numbered part of its report it is in (« 1) Dos : … », « 2e temps — cheville »), 0 if none
    # Named in an operative report's « Indication : » sentence or on a letter's « Motif : » line: what was meant
    # to be done, which the document may then say it gave up (`realisation.given_up`).
    intended: bool = False


@dataclass(slots=True)
class TextFeatures:
    """What the words around an act say beyond its label words."""

    laterality: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    size_mm: float | None = None
    approaches: frozenset[str] = frozenset()
    angle: float | None = None  # degrees
    area_cm2: float | None = None  # a skin area (« zone cutanée excisée de 3 cm² »)
    # An operative report describes its approach: one that names none was not done by an endoscope.
    from_report: bool = False
    # The anaesthesia its report (or its own sentence, in a letter) states: « general », « locoregional », « local »…
    anaesthesia: frozenset[str] = frozenset()
    # Begun under coelioscopy and converted to a laparotomy (« conversion en laparotomie »): the act is coded by
    # the approach that completed it, « avec préparation par cœlioscopie » where CCAM says so.
    converted: bool = False
    # The cardiac places its report puts pacing or defibrillation leads in (`cardiac_leads.csv`).
    leads: frozenset[str] = frozenset()


def stated_angle(text: str) -> float | None:
    """The first deformity a text measures, in degrees."""
    match = _ANGLE.search(text)
    return float(match.group(1).replace(",", ".")) if match else None


def settled_stems(stems: list[set[str]], unsettled: frozenset[int]) -> set[str]:
    """A document's stems but those of the sentences that only consider an approach."""
    return set().union(*(sentence for index, sentence in enumerate(stems) if index not in unsettled))


def _teeth_stems(sentence: str) -> set[str]:
    """What the tooth numbers of an avulsion's sentence say in the labels' words: « la 36 » is a permanent
    tooth (FDI 11-48), « la 75 » a deciduous one (51-85)."""
    numbers = {int(match.group(1)) for match in _TOOTH.finditer(sentence)}
    words: set[str] = set()
    if any(number < 50 for number in numbers):
        words |= _PERMANENT_TEETH
    if any(number > 50 for number in numbers):
        words |= _DECIDUOUS_TEETH
    return words


def _vertebrae(sentence: str) -> set[str]:
    """The vertebrae a sentence names, a run « L4-L5 » counting both (« D » is the thoracic « T »)."""
    found: set[str] = set()
    for match in _VERTEBRAE.finditer(sentence):
        letter = "T" if match.group(1) == "D" else match.group(1)
        found.add(f"{letter}{match.group(2)}")
        if match.group(4):
            other = match.group(3) or letter
            found.add(f"{'T' if other == 'D' else other}{match.group(4)}")
    return found


@dataclass(slots=True)
class DocumentReading:
    doc_id: str
    text: str
    operative: bool
    sentences: list[tuple[int, int]]
    stems: list[set[str]]  # per sentence: affirmed stems, with the lexicon's label words
    negated: list[set[str]]  # per sentence: stems under a local negation ("pas de prothèse")
    doc_stems: set[str]
    anchors: list[Anchor]
    dates: list[WrittenDate]
    document_date: date | None
    parity: str | None
    field_lines: list[tuple[int, int]]  # field label lines ("Intervention (23/09) :")
    sections: list[Section]
    angle: float | None = None  # the first angle an operative report measures (« genu varum 13° »)
    # Sentences that say an approach was only considered (« une cure par cœlioscopie avait été discutée : non
    # retenue »): their words are no context of the act done.
    unsettled: frozenset[int] = frozenset()
    # The affirmed anaesthesia it writes (`anaesthesia.find_anaesthesia`), read once its act mentions are qualified.
    anaesthesia: list[Anaesthesia] = field(default_factory=list)
    # The totals it states (`_TOTAL`): counted word stem -> number.
    totals: dict[str, int] = field(default_factory=dict)
    # `features` by sentence: each act mention asks for its sentence's, again at every merge it is weighed in
    # (`grouping._same_act`). Read-only for callers; `retract` clears it (it changes a sentence's stems).
    _features: dict[int, TextFeatures] = field(default_factory=dict, repr=False, compare=False)

    def retract(self, anchor: Anchor) -> None:
        """A negated or planned act says nothing of what was done: its words leave the affirmed context
        ("Ventriculographie non réalisée" is no reason to prefer a label "avec ventriculographie")."""
        others = set().union(
            *(a.stems for a in self.anchors if a.sentence == anchor.sentence and a.status == "current")
        )
        # The words that qualify the act in its own clause go with it: « la néphrectomie partielle n'est pas
        # réalisable » says nothing of a partial act done.
        clause = CLAUSE_END.search(self.text, anchor.end)
        qualifying = wording_stems(self.text[anchor.end : clause.start() if clause else len(self.text)])
        gone = (anchor.stems | set(qualifying)) - others
        self.stems[anchor.sentence] -= gone
        self.negated[anchor.sentence] |= gone
        self.doc_stems = settled_stems(self.stems, self.unsettled)
        self._features.clear()

    def sentence_of(self, offset: int) -> int:
        return max(bisect.bisect_right([s for s, _ in self.sentences], offset) - 1, 0)

    def features(self, sentence: int) -> TextFeatures:
        """Side, counts and size in the sentence and the one before it; approaches of the sentence (read once per
        sentence; the caller must not change what it gets)."""
        found = self._features.get(sentence)
        if found is None:
            found = self._features[sentence] = self._read_features(sentence)
        return found

    def _read_features(self, sentence: int) -> TextFeatures:
        start = self.sentences[max(sentence - 1, 0)][0]
        end = self.sentences[sentence][1]
        features = read_features(
            self.text[self.sentences[sentence][0] : end], self.text[start:end], self.stems[sentence]
        )
        for noun, value in list(features.counts.items()):
            stem = noun_stem(noun)
            total = self.totals.get(stem, 0) if stem is not None else 0
            if total > value:  # a line counts some of the things the report then totals: the act is of them all
                features.counts[noun] = total
        return features


@lru_cache(maxsize=4096)
def noun_stem(noun: str) -> str | None:
    """The stem of a counted noun (« polypes » → its label word's stem), None for a stopword; cached: every act
    mention's sentence counts the same few nouns."""
    stems = wording_stems(noun)
    return stems[0] if stems else None


_BOTH_SIDES = re.compile(r"\b(?:de chaque c[ôo]t[ée]|des deux c[ôo]t[ée]s|des 2 c[ôo]t[ée]s)\b", re.IGNORECASE)


def read_features(sentence: str, near: str, stems: set[str]) -> TextFeatures:
    features = TextFeatures()
    sides = "droit" in stems and "gauch" in stems
    worded = ("chaque" in sentence or "deux c" in sentence or "2 c" in sentence) and _BOTH_SIDES.search(sentence)
    if "bilateral" in stems or sides or worded:
        # « réduction du sac direct à droite, … du sac oblique externe à gauche »: both sides in one sentence
        features.laterality = "bi"
    elif "droit" in stems or "gauch" in stems or "unilateral" in stems:
        features.laterality = "uni"
    for match in _COUNT.finditer(sentence):
        number = match.group(1).lower()
        value = int(number) if number.isdigit() else _NUMBER_WORDS[number]
        for noun in match.groups()[1:]:
            if noun:
                features.counts.setdefault(noun.lower(), value)
    for match in _SINGULAR.finditer(sentence):
        features.counts.setdefault(match.group(1).lower(), 1)
    if ("vulsion" in sentence or "xtraction" in sentence) and _TOOTH_ACT.search(sentence):  # the teeth it names
        teeth = {match.group(1) for match in _TOOTH.finditer(sentence)}
        if teeth:
            features.counts.setdefault("dent", len(teeth))
    tendons = {
        _TENDON_NAMES.get(m.group(0).lower(), (m.group(2) or "").lower()) for m in _FLEXOR_TENDONS.finditer(sentence)
    }
    if tendons:  # « suture du FDP et du FDS »: the two flexor tendons of the finger
        features.counts.setdefault("tendon", len(tendons))
    vertebrae = _vertebrae(sentence)
    if vertebrae:  # « cyphoplastie de L1 »: one vertebra, as a label counts them
        features.counts.setdefault("vertèbre", len(vertebrae))
    features.angle = stated_angle(near)
    area = _AREA.search(near) if "cm" in near else None
    if area:
        features.area_cm2 = float(area.group(1).replace(",", "."))
    size = _SIZE.search(near)
    if size:
        features.size_mm = float(size.group(1).replace(",", ".")) * (10.0 if size.group(2).lower() == "cm" else 1.0)
    return features


def _dated_clauses(text: str, sentences: list[tuple[int, int]], admission: date | None) -> list[tuple[int, int]]:
    """The sentences, a list of acts written one « ; » clause each with its own day (« coronarographie avec
    ventriculographie gauche le 08/06 ; angioplastie de la coronaire droite le 10/06 ») cut into its clauses: each
    act is read on its own clause (its day, its words), not on the acts of the other days."""
    if ";" not in text:  # one clause a sentence
        return list(sentences)
    found: list[tuple[int, int]] = []
    for start, end in sentences:
        cuts = [start]
        semicolon = text.find(";", start, end)
        while semicolon >= 0:  # str.find, not a loop over each character: this runs on every sentence
            cuts.append(semicolon + 1)
            semicolon = text.find(";", semicolon + 1, end)
        cuts.append(end + 1)
        clauses = [(a, b - 1) for a, b in pairwise(cuts)]
        dated = [any(d.day for d in find_dates(text[a:b], admission)) for a, b in clauses] if len(clauses) > 1 else []
        if sum(dated) >= 2:
            found.extend((a, b) for a, b in clauses if text[a:b].strip())
        else:
            found.append((start, end))
    return found


def _totals(text: str, lowered: _Lowered) -> dict[str, int]:
    """The counts a document states as totals (`_TOTAL`), by the stem of the word counted."""
    totals: dict[str, int] = {}
    if not lowered.holds(_TOTAL_WORDS):
        return totals
    for match in _TOTAL.finditer(text):
        number = match.group(1).lower()
        stems = wording_stems(match.group(2))
        if stems:
            totals.setdefault(stems[0], int(number) if number.isdigit() else _NUMBER_WORDS[number])
    return totals


class DocumentReader:
    """Reads documents for acts with one catalogue and one lexicon (built once, shared by every stay)."""

    def __init__(self, catalogue: ActCatalogue, data: ActData) -> None:
        self.catalogue = catalogue
        self.data = data
        patterns = [
            Pattern(wording.stems, (str(i),), "act", wording.capitals) for i, wording in enumerate(data.wordings)
        ]
        self.dictionary = MentionDictionary(patterns)
        self._longest = max((len(pattern.stems) for pattern in patterns), default=1)  # words of the longest wording
        # The words a wording can start with: `_wording_hits` passes over every other word of a letter at once.
        self._first_stems = frozenset(self.dictionary.single) | {first for first, _ in self.dictionary.by_pair}

    def read(self, doc_id: str, doc_type: str, text: str, admission: date | None) -> DocumentReading:
        tokens = _with_sides(text, tokenize(text))
        hits = self._wording_hits(text, tokens)
        header = self._header_end(text, tokens, hits)
        covered: set[int] = set()
        found: list[tuple[int, int, tuple[str, ...], tuple[str, ...]]] = []  # start, end, keys, stems
        for first, count, index in hits:
            wording = self.data.wordings[index]
            if tokens[first].start < header:
                continue
            covered.update(range(first, first + count))
            keys = tuple(s for s in wording.label_stems if s in self.catalogue.actions)[:1]
            if wording.anchor and keys:
                found.append((tokens[first].start, tokens[first + count - 1].end, keys, wording.label_stems))
        actions = self.catalogue.actions
        for index, token in enumerate(tokens):
            # The act word first: it rules out most words of a letter (this runs on every word of every document).
            candidate = token.stem in actions and token.start >= header and index not in covered
            if candidate and self._names_act(text, token):
                found.append((token.start, token.end, (token.stem,), (token.stem,)))
        lowered = _Lowered(text)
        parity = _parity(text, lowered)
        if not found:  # most documents of a stay name no act: nothing else of them is needed
            return DocumentReading(
                doc_id, text, False, [(0, len(text))], [set()], [set()], set(), [], [], None, parity, [], []
            )
        sentences = _dated_clauses(text, sentence_bounds(text) or [(0, len(text))], admission)
        starts = [s for s, _ in sentences]
        stems: list[set[str]] = [set() for _ in sentences]
        negated: list[set[str]] = [set() for _ in sentences]
        negated_tokens = _inside_spans(tokens, _negation_spans(text, lowered))
        token_sentences = _sentences_of(starts, [token.start for token in tokens])
        for first, _, index in hits:
            if tokens[first].start < header:
                continue
            wording = self.data.wordings[index]
            sentence = token_sentences[first]
            target = negated[sentence] if first in negated_tokens else stems[sentence]
            target.update(wording.label_stems)
            negated[sentence].update(wording.without)
        for index, (token, sentence) in enumerate(zip(tokens, token_sentences, strict=True)):
            if token.start < header or index in covered:
                continue  # a wording's words mean its label words ("extra-articulaire" is not "articulaire")
            target = negated[sentence] if index in negated_tokens else stems[sentence]
            target.add(token.stem)
            if index > 0 and token.start - tokens[index - 1].end == 1 and text[token.start - 1] == "-":
                # « artério-veineuse » is the labels' « artérioveineuse »: the joined word counts too.
                target.update(wording_stems(text[tokens[index - 1].start : token.end].replace("-", "")))
        for match in _VERTEBRAL_LEVEL.finditer(text):
            sentence = max(bisect.bisect_right(starts, match.start()) - 1, 0)
            stems[sentence].update(_SPINE_REGION_STEMS[match.group(1)])
        for match in _TOOTH_ACT.finditer(text) if lowered.holds(_TOOTH_ACT_WORDS) else ():
            sentence = max(bisect.bisect_right(starts, match.start()) - 1, 0)
            stems[sentence].update(_teeth_stems(text[sentences[sentence][0] : sentences[sentence][1]]))
        anchors = [
            Anchor(doc_id, start, end, text[start:end], keys, frozenset(words), sentence, True, "other")
            for start, end, keys, words in found
            for sentence in [max(bisect.bisect_right(starts, start) - 1, 0)]
        ]
        for sentence_stems, negated_stems in zip(stems, negated, strict=True):
            negated_stems -= sentence_stems
        sections = split_sections(text)
        concluding: set[int] = set()
        for anchor in anchors:
            section = section_at(sections, anchor.start)
            anchor.section = section.kind if section else "other"
            # A report's own conclusion ("Conclusion :", "Au total"), not any "Diagnostic :" title.
            if section is not None and _CONCLUSION.match(normalise_text(section.title)):
                concluding.add(anchor.start)
        anchors = [a for a in anchors if a.section not in IGNORED_SECTIONS]
        anchors.sort(key=lambda a: a.start)
        fields = _fields(text)
        operative = doc_type.upper().startswith(_OPERATIVE_TYPES) or bool(_OPERATIVE.search(text[:300])) or bool(fields)
        # An endoscopy or interventional report's title names the examination (« Endoscopie bilio-pancréatique »),
        # and its acts are the gestures its body reports: only an operative report's title names its act.
        title = _title_span(text, operative and not doc_type.upper().startswith(_EXAMINATION_TYPES))
        if operative:
            intents = (
                [(m.start(), m.end()) for m in _INDICATION.finditer(text)] if lowered.holds(_INDICATION_WORDS) else []
            )
            for anchor in anchors:
                anchor.intended = any(s <= anchor.start < e for s, e in intents)
        # A letter's « Motif : » line names what the stay was meant for, as an indication does (« Motif :
        # amygdalectomie programmée le 06/10 », then « amygdalectomie non réalisée, reportée »: `given_up`).
        for match in _MOTIF_LINE.finditer(text):
            for anchor in anchors:
                if match.start() <= anchor.start < match.end():
                    anchor.intended = True
        # What an « Indication : » line within the first lines names is no title: it was meant, not done.
        named_in_title = (
            any(title[0][0] <= a.start < title[0][1] and not a.intended for a in anchors) if title else False
        )
        if fields or named_in_title:
            # The report names its act in a field or in its title: the procedure paragraph only describes it.
            allowed = [_field_content(text, span, anchors) for _, span in fields]
            for anchor in anchors:
                in_conclusion = anchor.start in concluding
                # The title's first lines may hold the « Indication : » line, whose acts were meant or done before
                # (« Indication : nécrose … chez un patient revascularisé le 03/02 (angioplastie-stenting) »):
                # the title names its act, the indication only why.
                titled = any(s <= anchor.start < e for s, e in title) and not anchor.intended
                anchor.selectable = in_conclusion or titled or any(s <= anchor.start < e for s, e in allowed)
        if operative:
            steps = [(m.start(), m.end()) for m in _STEP_LINE.finditer(text)]
            # The sentences of an « Indication : » line after its first recall why the act was done: what they
            # name was done before the report (« Indication : lésion antrale de 28 mm. Écho-endoscopie : usT1m. »).
            grounds = [(m.start(), m.end()) for m in _INDICATION_LINE.finditer(text)]
            for anchor in anchors:
                if any(s <= anchor.start < e for s, e in steps) or (
                    not anchor.intended and any(s <= anchor.start < e for s, e in grounds)
                ):
                    anchor.selectable = False
        _means_of_another(text, anchors)
        parts = [match.start() for match in _PART.finditer(text)]
        if len(parts) > 1:
            for anchor in anchors:
                anchor.part = bisect.bisect_right(parts, anchor.start)
        unsettled = self._unsettled_approaches(text, sentences, stems)
        dates = _dates_near(text, anchors, sentences, fields, admission)
        head = [d for d in dates if d.start < _HEAD and d.day is not None]
        return DocumentReading(
            doc_id=doc_id,
            text=text,
            operative=operative,
            sentences=sentences,
            stems=stems,
            negated=negated,
            doc_stems=settled_stems(stems, unsettled),
            anchors=anchors,
            dates=dates,
            document_date=head[0].day if operative and head else None,
            parity=parity,
            field_lines=[label for label, _ in fields],
            sections=sections,
            angle=stated_angle(text) if operative else None,
            unsettled=unsettled,
            totals=_totals(text, lowered),
        )

    def _wording_hits(self, text: str, tokens: list[Token]) -> list[tuple[int, int, int]]:
        """(first token, token count, wording index) of the lexicon wordings, longest first, left to right:
        the matcher's scan (matching/matcher.py) without its typo and coordination passes, which a few hundred
        act wordings do not need. A number after a wording's first word is read past (« extraction de deux
        calculs », « pose de 2 stents »): the count is the label's to weigh (`read_features`), not a word of
        the wording; the hit then covers the number too."""
        hits: list[tuple[int, int, int]] = []
        by_pair, single, reach = self.dictionary.by_pair, self.dictionary.single, self._longest
        firsts = self._first_stems
        free = 0  # the first token no hit covers
        # Only the words a wording starts with are looked at (with or without a number after them): most words of
        # a letter start none.
        for i in [i for i, token in enumerate(tokens) if token.stem in firsts]:
            if i < free:
                continue
            found = None
            if (tokens[i].stem, tokens[i + 1].stem if i + 1 < len(tokens) else "") in by_pair or tokens[
                i
            ].stem in single:
                found = self._wording_at(text, tokens, range(i, min(len(tokens), i + reach)))
            if (
                found is None
                and i + 2 < len(tokens)
                and (tokens[i + 1].stem.isdigit() or tokens[i + 1].stem in _NUMBER_STEMS)
                and (tokens[i].stem, tokens[i + 2].stem) in by_pair
            ):
                skipped = self._wording_at(text, tokens, [i, *range(i + 2, min(len(tokens), i + reach + 1))])
                if skipped is not None and skipped[0] > 1:
                    found = (skipped[0] + 1, skipped[1])
            if found is not None:
                hits.append((i, found[0], found[1]))
                free = i + found[0]
        return hits

    def _wording_at(self, text: str, tokens: list[Token], positions: Sequence[int]) -> tuple[int, int] | None:
        """(token count, wording index) of the longest wording whose words are the tokens at `positions`."""
        first = tokens[positions[0]]
        pair = (first.stem, tokens[positions[1]].stem) if len(positions) > 1 else None
        pair_patterns = self.dictionary.by_pair.get(pair, ()) if pair is not None else ()
        for pattern in [*pair_patterns, *self.dictionary.single.get(first.stem, ())]:
            n = len(pattern.stems)
            if n > len(positions) or any(tokens[positions[k]].stem != pattern.stems[k] for k in range(2, n)):
                continue
            words = [tokens[position] for position in positions[:n]]
            if not all(_joined(text, previous, following) for previous, following in pairwise(words)):
                continue
            if pattern.capitals and not all(_in_capitals(text, word) for word in words):
                continue
            return n, int(pattern.codes[0])
        return None

    def _unsettled_approaches(
        self, text: str, sentences: list[tuple[int, int]], stems: list[set[str]]
    ) -> frozenset[int]:
        """The sentences naming an approach that a not-done or planning cue (`cues.csv`) says was not taken."""
        approaches = self.data.approaches.keys()
        cues = [cue.pattern for cue in self.data.cues if cue.position == "after" and cue.kind in _NOT_TAKEN]
        return frozenset(
            index
            for index, sentence_stems in enumerate(stems)
            if not approaches.isdisjoint(sentence_stems)
            and any(cue.search(text[sentences[index][0] : sentences[index][1]]) for cue in cues)
        )

    def _header_end(self, text: str, tokens: list[Token], hits: list[tuple[int, int, int]]) -> int:
        named = _DEPARTMENT.match(text)
        if named:
            return named.end()
        return self._first_line_header(text, tokens, hits)

    def _first_line_header(self, text: str, tokens: list[Token], hits: list[tuple[int, int, int]]) -> int:
        """The end of a first line that names the department ("Néphrologie - Transplantation rénale",
        "Chirurgie de la main et du membre supérieur"): its words say nothing of the acts. A first line that
        names an act is a title ("CRO - Césarienne - 14/04/2025", "COMPTE RENDU D'ENDOSCOPIE DIGESTIVE")."""
        end = text.find("\n")
        if not 0 < end <= _HEADER_LENGTH or ":" in text[:end] or _REPORT_TITLE.search(text[:end]):
            return 0
        covered: set[int] = set()
        for first, count, index in hits:
            if tokens[first].start < end and self.data.wordings[index].anchor:
                return 0
            covered.update(range(first, first + count))
        for index, token in enumerate(tokens):
            if token.start >= end:
                break
            if index not in covered and token.stem in self.catalogue.actions and self._names_act(text, token):
                return 0
        return end

    def _names_act(self, text: str, token: Token) -> bool:
        """A CCAM action word that letters use for acts: a procedure noun ("-ectomie", "-scopie" …) or a word of
        `act_words.csv`. Other label starts ("Occlusion", "Transfert", "Repose", "Court-circuit") are findings or
        everyday words in a letter."""
        if token.stem in self.data.act_words:
            return True
        return _normalised_word(text[token.start : token.end]).endswith(self.data.act_suffixes)


@lru_cache(maxsize=4096)
def _normalised_word(word: str) -> str:
    """`normalise_text` of one word, cached: every candidate act word of a letter is folded (`_names_act`)."""
    return normalise_text(word)


@lru_cache(maxsize=8)
def _side_stem(word: str) -> str:
    return wording_stems(word)[0]


# Not an initial (« Dr D. Martin », « Opérateur : Pr D. ; Aides … ») nor part of a hyphenated name
# (« D-dimères », « 25-OH-D »).
_SIDE_WORD = re.compile(rf"(?<![\w'’-])(?:{'|'.join(_SIDE_ABBREVIATIONS)})(?![\w-]|\.\s?[A-ZÀ-Ý])")
_TITLE_BEFORE = re.compile(r"(?:\b(?:Dr|Pr|Docteur|Professeur|Mme|Mr|M\.)|\b[A-Z]\.)\s*$")


def _with_sides(text: str, tokens: list[Token]) -> list[Token]:
    """The tokens, an abbreviated side read as the side's word ("PTG G" → "PTG gauche"); « D » is a stopword
    to the tokenizer (« d' »), so its token is added."""
    sides = {
        match.start(): match
        for match in _SIDE_WORD.finditer(text)
        if not _TITLE_BEFORE.search(text, max(0, match.start() - 12), match.start())
    }
    if not sides:
        return tokens
    # Each side found by a bisect on the token starts (kept in step with `out`), not a pass over every token.
    out = list(tokens)
    starts = [t.start for t in tokens]
    for offset, match in sides.items():
        stem = _side_stem(_SIDE_ABBREVIATIONS[match.group(0)])
        place = bisect.bisect_left(starts, offset)
        if place < len(starts) and starts[place] == offset:
            out[place] = Token(stem, offset, out[place].end)
        else:
            out.insert(place, Token(stem, offset, match.end()))
            starts.insert(place, offset)
    return out


def _sentences_of(starts: list[int], offsets: list[int]) -> list[int]:
    """The sentence of each offset, as `max(bisect_right(starts, offset) - 1, 0)`, with one bisect per sentence
    rather than per offset: both lists are ascending (the sentence starts, a document's tokens), and a long letter
    has thousands of tokens."""
    found: list[int] = []
    for sentence in range(1, len(starts)):
        # The offsets before the next sentence's start are this one's (those before the first, the first's).
        found.extend([sentence - 1] * (bisect.bisect_left(offsets, starts[sentence]) - len(found)))
    found.extend([max(len(starts) - 1, 0)] * (len(offsets) - len(found)))
    return found


def _parity(text: str, lowered: _Lowered) -> str | None:
    if (lowered.holds(_MULTI_WORDS) or lowered.matches(_GRAVIDITY)) and _PARITY_MULTI.search(text):
        return "multi"
    if lowered.holds(_PRIMI_WORDS) and _PARITY_PRIMI.search(text):
        return "primi"
    return None


def _negation_spans(text: str, lowered: _Lowered | None = None) -> list[tuple[int, int]]:
    lowered = lowered or _Lowered(text)
    spans = []
    for match in _LOCAL_NEGATION.finditer(text) if lowered.holds(_LOCAL_NEGATION_WORDS) else ():
        end = _SCOPE_END.search(text, match.end())
        spans.append((match.end(), end.start() if end else len(text)))
    postposed = _POSTPOSED_NEGATION.finditer(text) if lowered.holds(_POSTPOSED_WORDS) else ()
    spared = _SPARED.finditer(text) if lowered.holds(_SPARED_WORDS) else ()
    for match in [*postposed, *spared]:
        before = text[max(0, match.start() - 120) : match.start()]
        start = _CLAUSE_START.search(before)
        spans.append((match.start() - len(before) + (start.start() + 1 if start else 0), match.start()))
    if lowered.holds(_FINDING_WORDS):
        spans.extend((match.start(), match.end()) for match in _FINDING.finditer(text))
    return spans


def _inside_spans(tokens: list[Token], spans: list[tuple[int, int]]) -> set[int]:
    """Indices of the tokens that start inside one of `spans`."""
    starts = [token.start for token in tokens]
    inside: set[int] = set()
    for start, end in spans:
        inside.update(range(bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)))
    return inside


# As the matcher: two words of a wording are never further apart than this, nor across a line or sentence end.
_MAX_GAP = 25
_BREAK = re.compile(r"[.\n;:!?]")


def _joined(text: str, previous: Token, following: Token) -> bool:
    gap = text[previous.end : following.start]
    return len(gap) <= _MAX_GAP and not _BREAK.search(gap)


def _in_capitals(text: str, token: Token) -> bool:
    raw = text[token.start : token.end]
    return not any(ch.isalpha() for ch in raw) or raw.isupper()


def _fields(text: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(label line, content) of each act field; a field whose content is on the next line takes that line."""
    found = []
    for match in _FIELD.finditer(text):
        label = (match.start(), match.end())
        if match.group(1).strip():
            found.append((label, (match.start(1), match.end(1))))
            continue
        # « Gestes : » over a list (« 1) Hémicolectomie … », « 2) Pose d'une chambre implantable … »): the
        # block under it, up to a blank line or the next field.
        rest = text[match.end() :]
        stripped = rest.lstrip("\n \t")
        start = match.end() + len(rest) - len(stripped)
        found.append((label, (start, _block_end(text, start))))
    return found


def _block_end(text: str, start: int) -> int:
    """The end of the lines from `start` up to a blank line or a line that opens another field."""
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    while end < len(text):
        line_end = text.find("\n", end + 1)
        line_end = len(text) if line_end < 0 else line_end
        line = text[end + 1 : line_end]
        if not line.strip() or _LABEL_LINE.match(line):
            break
        end = line_end
    return end


# A line that opens another field or section (« Contrôle : », « Suites : »).
_LABEL_LINE = re.compile(r"[ \t\-•*]*[^\W\d][\w' ()/-]{1,40}[ \t]*:")


def _field_content(text: str, span: tuple[int, int], anchors: list[Anchor]) -> tuple[int, int]:
    """A field whose own line names no act (« Procédure : voie fémorale droite, pré-fermeture … ») goes on
    over the lines after it, up to a blank line or the next field: the act is written there (« Implantation
    d'une bioprothèse … »)."""
    if any(span[0] <= a.start < span[1] for a in anchors):
        return span
    return (span[0], _block_end(text, span[1]))


_CLAUSE_BREAK = re.compile(r"[.;\n]")
_BY = re.compile(r"\bpar\s+(?:une?\s+|la\s+|le\s+|l')?$", re.IGNORECASE)


def _means_of_another(text: str, anchors: list[Anchor]) -> None:
    """« pose d'une chambre implantable par ponction échoguidée de la veine jugulaire »: an act word after
    « par » in the clause of another act says how that act was done; it is no act of its own (« sténose
    traitée par angioplastie », with no act before it in its clause, still is one)."""
    for previous, anchor in pairwise(anchors):
        if previous.sentence != anchor.sentence or _CLAUSE_BREAK.search(text, previous.end, anchor.start):
            continue
        if _BY.search(text[previous.end : anchor.start]):
            anchor.selectable = False


def _title_span(text: str, operative: bool) -> list[tuple[int, int]]:
    if not operative:
        return []
    end = 0
    for _ in range(_TITLE_LINES):
        next_end = text.find("\n", end + 1)
        if next_end < 0:
            return [(0, len(text))]
        end = next_end
    return [(0, end)]


def _dates_near(
    text: str,
    anchors: list[Anchor],
    sentences: list[tuple[int, int]],
    fields: list[tuple[tuple[int, int], tuple[int, int]]],
    admission: date | None,
) -> list[WrittenDate]:
    """The dates of the sentences that hold act mentions, of the act fields and of the document's head."""
    spans = sorted({sentences[a.sentence] for a in anchors} | {label for label, _ in fields} | {(0, _HEAD)})
    found: dict[int, WrittenDate] = {}
    for start, end in spans:
        for written in find_dates(text[start:end], admission):
            shifted = replace(written, start=written.start + start, end=written.end + start)
            found.setdefault(shifted.start, shifted)
    return [found[start] for start in sorted(found)]
