"""The mention dictionary: every way the product knows to write a code, as sequences of stems.

Sources, from most to least trusted:
- the clinical lexicon (terms and expansions that carry codes: "exacerbation de BPCO" → J441);
- the short form of each ATIH label, cut before its first comma, parenthesis or bracket
  ("Insuffisance cardiaque congestive, avec FEVG…" → "insuffisance cardiaque congestive"), which is how
  letters name a condition; the specific tail of a label is read by the specificity stage instead;
- the full label, for the rare letters that copy it;
- clinicians' wordings (terminology/wordings.py: the shipped thesaurus and alphabetical index, a site's
  own files), in their bare form ("Torsion (de), cordon, spermatique" → "torsion cordon spermatique"),
  only where neither the lexicon nor a label already says what the wording means, and only when the
  wording is specific (see `_wording_patterns`).

When several codes share a wording, the most general one is kept (a category): the specificity stage
refines it from the text, which is where the distinguishing information lives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from coding_assistant.matching.fuzzy import StemCorrector
from coding_assistant.terminology.lexicon import NOT_A_CONDITION, LexiconEntry
from coding_assistant.terminology.model import Terminology
from coding_assistant.terminology.qualifier_words import QUALIFIER_STEMS
from coding_assistant.terminology.wordings import Wording, usable_wordings
from coding_assistant.text.equivalents import canonical
from coding_assistant.text.normalize import STOPWORDS, TYPE_LETTERS, is_type_letter, normalise_text, stem

# Labels that name a residual class, not a condition a letter would mention.
_RESIDUAL = re.compile(r"^(autres?|sans precision|non precise|precise|anomalies?|resultats?|examen|facteurs?)\b")
_CUT = re.compile(r"\s*[,(\[:;]")
# A single generic word never makes a mention on its own: it would fire everywhere.
_TOO_GENERIC = frozenset(
    stem(w)
    for w in [
        "maladie",
        "syndrome",
        "trouble",
        "troubles",
        "lesion",
        "lesions",
        "affection",
        "etat",
        "atteinte",
        "tumeur",
        "infection",
        "douleur",
        "complication",
        "anomalie",
        "insuffisance",
        "fracture",
        "plaie",
        "contusion",
        "traumatisme",
        "sequelle",
        "sequelles",
        "surveillance",
        "examen",
        "antecedent",
        "antecedents",
        "personnel",
        "familial",
        "presence",
        "absence",
        "corps",
        "autre",
        "autres",
        "forme",
        "type",
        "maladies",
        "problemes",
        "probleme",
        "difficultes",
        "situation",
        "contact",
        "exposition",
        "soins",
        "traitement",
        "intervention",
    ]
)


# Content words a clinicians' wording needs to become a mention (see `_wording_patterns`).
MIN_WORDING_STEMS = 3


class Pattern(NamedTuple):
    """One wording (a plain tuple: the dictionary holds ~45,000 and is unpickled at every start)."""

    stems: tuple[str, ...]
    codes: tuple[str, ...]
    source: str  # "lexicon", "label" or "wording"
    # Acronyms match only when written in capitals: "DR" is not "Dr", "MM" is not "mm".
    capitals: bool


@dataclass(slots=True)
class _Draft:
    codes: list[str] = field(default_factory=list)
    source: str = "label"
    capitals: bool = False


_ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9+\-/ ]{0,9}$")


def is_acronym(term: str) -> bool:
    return bool(_ACRONYM.match(term.strip())) and any(ch.isalpha() for ch in term)


def wording_stems(text: str) -> tuple[str, ...]:
    """The stems of a wording's content words; a type letter (« hépatite A », « vitamine D ») is one of them,
    as the matcher reads it in a letter (`text.normalize.is_type_letter`)."""
    if not any(letter in text for letter in TYPE_LETTERS):
        return tuple(canonical(stem(word)) for word in normalise_text(text).split() if word not in STOPWORDS)
    kept_case = normalise_text(text, keep_case=True)
    words = [(match.group(), match.start()) for match in _WORD.finditer(kept_case)]
    return tuple(
        canonical(stem(word.lower()))
        for word, start in words
        if word.lower() not in STOPWORDS or is_type_letter(word, kept_case, start)
    )


_WORD = re.compile(r"\S+")


_GROUP = re.compile(r"\([^()]*\)")


def short_label(label: str) -> str:
    """The label's head: its parenthesised groups left out, cut at its first comma, colon or bracket
    ("Sténose (de la valvule) aortique (non rhumatismale)" → "Sténose aortique"; cutting at the first
    parenthesis kept "Sténose" alone, a word that names no condition by itself)."""
    return " ".join(_CUT.split(_GROUP.sub(" ", label), maxsplit=1)[0].split())


class MentionDictionary:
    """Stem sequences → codes, indexed by their first two stems (one-stem patterns by their stem), longest
    first, for a left-to-right longest-match scan that only tries the patterns that can match."""

    def __init__(self, patterns: Iterable[Pattern], genera: Mapping[tuple[str, str], str] | None = None) -> None:
        # (genus initial, species stem) → genus stem: how an abbreviated genus (« P. falciparum ») is read.
        self.genera: dict[tuple[str, str], str] = dict(genera or {})
        self.by_pair: dict[tuple[str, str], list[Pattern]] = {}
        self.single: dict[str, list[Pattern]] = {}
        for pattern in patterns:
            if len(pattern.stems) == 1:
                self.single.setdefault(pattern.stems[0], []).append(pattern)
            else:
                self.by_pair.setdefault((pattern.stems[0], pattern.stems[1]), []).append(pattern)
        for candidates in self.by_pair.values():
            candidates.sort(key=lambda p: -len(p.stems))

    def __len__(self) -> int:
        return sum(len(ps) for ps in self.by_pair.values()) + sum(len(ps) for ps in self.single.values())

    def corrector(self) -> StemCorrector:
        """Built on first use (not pickled with the cached dictionary: it is quick to rebuild)."""
        corrector = self.__dict__.get("_corrector")
        if corrector is None:
            stems = {stem for patterns in self.by_pair.values() for p in patterns for stem in p.stems}
            corrector = self.__dict__["_corrector"] = StemCorrector(stems | set(self.single))
        return corrector

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_corrector"}


def _keep_most_general(codes: list[str]) -> list[str]:
    """Drop codes that descend from another code of the list (I50 and I509 → I50)."""
    unique = sorted(set(codes), key=lambda c: (len(c), c))
    kept: list[str] = []
    for code in unique:
        if not any(code.startswith(general) for general in kept):
            kept.append(code)
    return kept


def _specific(stems: tuple[str, ...]) -> bool:
    """Whether a wording names something: at least one word that is neither generic, short nor a number."""
    return any(s.isalpha() and len(s) >= 4 and s not in _TOO_GENERIC for s in stems)


def _content_words(stems: tuple[str, ...]) -> int:
    """Words that say what the condition is: not a side, a severity or a number ("hernie inguinale droite": 2)."""
    return sum(1 for s in stems if s.isalpha() and s not in QUALIFIER_STEMS)


def _wording_patterns(wordings: Iterable[Wording], taken: set[tuple[str, ...]]) -> dict[tuple[str, ...], _Draft]:
    """Stem sequences → codes from clinicians' wordings, kept only where they are specific and unambiguous.

    Left out:
    - wordings that the lexicon or a label already defines (`taken`: reviewed or official wordings win);
    - wordings of fewer than three content words (sides, severities and numbers do not count), and index
      entries without a sub-term. A lone adjective,
      organ or lead term ("prostatique", "conduction", "avortement") is the index's default for an
      unspecified case and fires on every letter that names the organ or a form the dictionary misses;
      two-word wordings are the everyday phrases of letters ("douleur lombaire", "rythme sinusal",
      "gonarthrose bilatérale"), named in antecedents and examinations far more often than coded. Measured
      with the default model: two-word wordings as mentions lowered the micro-precision of selected codes
      by 4 to 5 points on both dev sets for 1 point of recall; from three words on, precision held;
    - residual classes ("autres …") and wordings without a specific word;
    - wordings whose codes fall in more than one category (the wording alone cannot choose);
    - hub wordings: those that begin longer wordings of two or more other categories ("syndrome de
      sevrage" begins "… alcool" F10.3, "… tabac" F17.3, …). A letter usually says which one; when the
      dictionary misses the longer form, the hub alone would name the wrong category.
    """
    drafts: dict[tuple[str, ...], _Draft] = {}
    for wording in wordings:
        forms = wording.forms()
        if not forms or wording.is_lead_term_only or _RESIDUAL.match(normalise_text(forms[0])):
            continue
        stems = wording_stems(forms[0])
        if _content_words(stems) < MIN_WORDING_STEMS or not _specific(stems):
            continue
        capitals = is_acronym(wording.term)
        draft = drafts.setdefault(stems, _Draft([], "wording", capitals))
        draft.codes.append(wording.code)
        draft.capitals = draft.capitals and capitals
    continued: dict[tuple[str, ...], set[str]] = {}  # a stem prefix → categories of the longer wordings
    for stems, draft in drafts.items():
        for cut in range(MIN_WORDING_STEMS, len(stems)):
            continued.setdefault(stems[:cut], set()).update(code[:3] for code in draft.codes)
    kept: dict[tuple[str, ...], _Draft] = {}
    for stems, draft in drafts.items():
        if stems in taken:
            continue
        draft.codes = _keep_most_general(draft.codes)
        categories = {code[:3] for code in draft.codes}
        if len(categories) > 1 or len(continued.get(stems, set()) - categories) > 1:
            continue
        kept[stems] = draft
    return kept


def _ambiguous_label_word(stems: tuple[str, ...], draft: _Draft) -> bool:
    """One word that labels of several categories begin with ("Luxation, …" of 15 body regions): it cannot
    choose among them, and a letter that writes it alone names none of them (as for the wordings below)."""
    return draft.source == "label" and len(stems) == 1 and len({code[:3] for code in draft.codes}) > 1


def build_dictionary(
    terminology: Terminology, lexicon: Iterable[LexiconEntry], wordings: Iterable[Wording] = ()
) -> MentionDictionary:
    table: dict[tuple[str, ...], _Draft] = {}
    lexicon = list(lexicon)
    # A term that also has a meaning that is not a diagnosis (FC: fréquence cardiaque / fausse couche) cannot
    # make a mention by itself: the classifier and the context decide.
    not_only_diagnoses = {normalise_text(entry.term) for entry in lexicon if not entry.codes}

    def add(text: str, codes: Iterable[str], source: str, capitals: bool = False) -> None:
        stems = wording_stems(text)
        if not stems or (len(stems) == 1 and (stems[0] in _TOO_GENERIC or len(stems[0]) < 2)):
            return
        pattern = table.setdefault(stems, _Draft([], source, capitals))
        pattern.capitals = pattern.capitals and capitals
        if source == "lexicon" and pattern.source != "lexicon":
            # A reviewed lexicon wording overrides what labels alone suggest.
            pattern.codes, pattern.source = [], "lexicon"
        if source == pattern.source:
            pattern.codes.extend(codes)

    for entry in lexicon:
        if entry.kind == NOT_A_CONDITION:
            # Read as a span that codes nothing: longest match first, so its words make no shorter mention.
            table[wording_stems(entry.term)] = _Draft([], "lexicon")
        elif entry.codes:
            if normalise_text(entry.term) not in not_only_diagnoses:
                add(entry.term, entry.codes, "lexicon", capitals=is_acronym(entry.term))
            add(entry.expansion, entry.codes, "lexicon")
    for code_entry in terminology:
        if code_entry.deleted:
            continue
        for text in {code_entry.label, short_label(code_entry.label)}:
            if text and not _RESIDUAL.match(normalise_text(text)):
                add(text, [code_entry.code], "label")
                for variant in malignant_variants(code_entry.code, text):
                    add(variant, [code_entry.code], "label")
    for stems in [stems for stems, draft in table.items() if _ambiguous_label_word(stems, draft)]:
        del table[stems]
    taken = set(table) | {wording_stems(term) for term in not_only_diagnoses}
    table.update(_wording_patterns(usable_wordings(wordings, terminology), taken))
    written = [entry.term for entry in lexicon] + [entry.label for entry in terminology if not entry.deleted]
    return MentionDictionary(
        (
            Pattern(stems, tuple(_keep_most_general(draft.codes)), draft.source, draft.capitals)
            for stems, draft in table.items()
        ),
        binomial_genera(written),
    )


# A Latin binomial inside a wording: the genus capitalised after the wording's first word, the species in lower
# case (« Paludisme à Plasmodium falciparum », « Entérocolite à Clostridium difficile »).
_BINOMIAL = re.compile(r"(?<=\s)([A-Z][a-z]{3,})\s+([a-z]{4,})\b")


# How letters name a primary malignant tumour: the CIM-10 writes « Tumeur maligne du sein » (C50), letters
# « carcinome infiltrant du sein », « adénocarcinome de la vessie », « néoplasie du pancréas ». Each head below
# stands for « Tumeur maligne » before the site of a primary tumour's label (C00-C76: not the secondary tumours
# of C77-C79, whose letters write « métastases », nor the in situ ones of chapter D).
MALIGNANT_HEADS = (
    "cancer",
    "carcinome",
    "adénocarcinome",
    "néoplasie",
    "néoplasme",
    "carcinome infiltrant",
    "carcinome canalaire infiltrant",
    "carcinome lobulaire infiltrant",
    "carcinome épidermoïde",
    "carcinome urothélial",
    "adénocarcinome infiltrant",
)
_PRIMARY_MALIGNANT = re.compile(r"^tumeur maligne (?=d)", re.IGNORECASE)
_SITE_AND = re.compile(r",? (?:et|ou) (?=d)")
_COLON_SEGMENT = re.compile(r"^du c[ôo]lon (?=\w)", re.IGNORECASE)


def malignant_variants(code: str, label: str) -> list[str]:
    """« carcinome du sein », « adénocarcinome du sein » … for the label « Tumeur maligne du sein » of a primary
    malignant tumour (C00-C76); nothing for any other label."""
    if not ("C00" <= code[:3] <= "C76") or not _PRIMARY_MALIGNANT.match(label):
        return []
    site = _PRIMARY_MALIGNANT.sub("", label)
    # « des bronches et du poumon »: each site is written alone too (« carcinome du poumon »).
    sites = [site, *(part for part in _SITE_AND.split(site) if part != site)]
    # « du côlon sigmoïde », « du côlon transverse »: letters name the segment alone (« adénocarcinome du
    # sigmoïde »).
    sites += [_COLON_SEGMENT.sub("du ", part) for part in sites if _COLON_SEGMENT.match(part)]
    return [f"{head} {part}" for head in MALIGNANT_HEADS for part in sites]


def binomial_genera(texts: Iterable[str]) -> dict[tuple[str, str], str]:
    """(initial, species stem) → genus stem for the binomials the wordings write, so that a letter's abbreviated
    genus (« paludisme à P. falciparum ») reads as the genus: the species and the initial tell which. A pair two
    genera share (« C. difficile » would be ambiguous if another C-genus had that species) is left out."""
    found: dict[tuple[str, str], str | None] = {}
    for text in texts:
        for match in _BINOMIAL.finditer(text):
            genus_stems, species_stems = wording_stems(match.group(1)), wording_stems(match.group(2))
            if len(genus_stems) != 1 or len(species_stems) != 1:
                continue
            genus, species = genus_stems[0], species_stems[0]
            key = (genus[0], species)
            found[key] = genus if found.get(key, genus) == genus else None
    return {key: genus for key, genus in found.items() if genus is not None}
