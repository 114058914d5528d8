"""Text evidence for a stay: code mentions with their qualifiers and sections, and the measurements.

Runs per document; offsets stay relative to each document's own text (the proposals contract).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from coding_assistant.matching import Mention, MentionDictionary, find_mentions
from coding_assistant.rules.adverse_drugs import find_adverse_drug_effects
from coding_assistant.rules.carbon_monoxide import find_carbon_monoxide_poisoning
from coding_assistant.rules.infectious_agents import find_infectious_agents
from coding_assistant.rules.neutropenia import find_severe_neutropenia
from coding_assistant.rules.non_compliance import find_non_compliance
from coding_assistant.rules.personal_history import personal_history_code
from coding_assistant.rules.poisoning import find_swallowed_overdoses
from coding_assistant.rules.status_drugs import DrugMention, find_status_drugs
from coding_assistant.schema import Stay
from coding_assistant.text.letterhead import letterhead_end
from coding_assistant.text.measurements import Measurement, find_measurements
from coding_assistant.text.qualifiers import QualifierEngine, qualify_mentions
from coding_assistant.text.sections import Section, section_at, split_sections

# Sections where a mention states what the stay was about, and where it only recalls the past.
CONCLUSIVE_SECTIONS = frozenset({"conclusion", "motif"})
PAST_SECTIONS = frozenset({"antecedents", "antecedents_familiaux"})
# Where a drug says what the patient already took on admission: a long-term treatment (Z92.1) is one taken
# before the stay, not one started during it ("mis sous anticoagulants" in the course of the stay).
ADMISSION_STATE_SECTIONS = frozenset({"traitement_entree", "antecedents", "mode_de_vie", "motif", "histoire", "other"})
# Sections that never carry the patient's own current conditions.
IGNORED_SECTIONS = frozenset({"traitement_entree", "traitement_sortie", "allergies"})


@dataclass(frozen=True, slots=True)
class QualifiedMention:
    doc_id: str
    codes: tuple[str, ...]
    start: int
    end: int
    text: str
    section: str
    negated: bool
    hypothetical: bool
    family: bool
    history: bool
    cues: tuple[str, ...]
    # "lexicon" or "label": which dictionary wording matched; "history": read as its history code (Z85, Z92);
    # "drug": a long-term treatment read from a drug's name (Z92.1, Z92.2); "drug_effect": a drug a sentence
    # holds responsible for a condition (Y40-Y59); "agent": the infectious agent of an infection (B95-B98)
    source: str
    rank: int  # position among the stay's mentions, in document order

    @property
    def excluded(self) -> bool:
        """Negated, hypothetical or about a relative: never evidence that the patient has the condition."""
        return self.negated or self.hypothetical or self.family

    @property
    def past(self) -> bool:
        return self.history or self.section in PAST_SECTIONS

    @property
    def conclusive(self) -> bool:
        return self.section in CONCLUSIVE_SECTIONS


@dataclass
class StayEvidence:
    mentions: list[QualifiedMention]
    measurements_by_doc: dict[str, list[Measurement]]
    sections: dict[str, list[Section]]

    @property
    def measurements(self) -> list[Measurement]:
        """Every document's measurements, in document order (the rules read values, not where they were)."""
        return [m for found in self.measurements_by_doc.values() for m in found]


# The rule readers that give codes beside the matcher's: (reader, mention source, read in treatment lists too).
# - "drug": a long-term treatment from a drug's name (Z92.1, Z92.2), read where drugs are listed — the treatment
#   sections the matcher's mentions skip;
# - "drug_effect": a drug a sentence holds responsible for a condition, the Y40-Y59 code of its class (an adverse
#   effect in therapeutic use), read where the story is told, not in the treatment lists;
# - "agent": the agent of an infection whose own code does not name it (B95-B98), on the line that names both;
# - "non_compliance": the patient's own stop of a treatment or their non-observance (Z91.1), where the story is told;
# - "poisoning": a drug the story says was swallowed on purpose or in overdose (T36-T50, and X60-X64 when it says
#   the intent), or a carboxyhaemoglobin that defines a carbon monoxide poisoning (T58), though it never writes
#   « intoxication »;
# - "value": a disorder a value defines, which the letter does not name (a neutrophil count below 0.5 G/L, D70).
CODE_READERS: tuple[tuple[Callable[[str], list[DrugMention]], str, bool], ...] = (
    (find_status_drugs, "drug", True),
    (find_adverse_drug_effects, "drug_effect", False),
    (find_infectious_agents, "agent", False),
    (find_non_compliance, "non_compliance", False),
    (find_swallowed_overdoses, "poisoning", False),
    (find_carbon_monoxide_poisoning, "poisoning", False),
    (find_severe_neutropenia, "value", False),
)


def gather_evidence(
    stay: Stay,
    dictionary: MentionDictionary,
    probable_is_hypothetical: bool = True,
    engine: QualifierEngine = "rules",
) -> StayEvidence:
    mentions: list[QualifiedMention] = []
    measurements: dict[str, list[Measurement]] = {}
    sections_by_doc: dict[str, list[Section]] = {}
    stay_years = {str(day.year) for day in (stay.admission_date, stay.discharge_date) if day is not None}
    for document in stay.documents:
        text = document.text
        sections = split_sections(text)
        sections_by_doc[document.doc_id] = sections
        measurements.setdefault(document.doc_id, []).extend(find_measurements(text))
        # The letterhead names the hospital's units and staff (« Hôpital de jour d'insuffisance cardiaque »): no
        # condition of the patient's there, but the setting it names may be the stay's (« Centre d'hémodialyse -
        # Séance », « Unité de soins palliatifs »: chapter XXI).
        head = letterhead_end(text)
        found = [
            m
            for m in find_mentions(text, dictionary)
            if (m.start >= head or _setting(m.codes)) and _is_content(sections, m.start, m.end)
        ]
        read = [
            Mention((item.code,), item.start, item.end, item.text, source)
            for reader, source, in_lists in CODE_READERS
            for item in reader(text)
            if item.start >= head and _is_content(sections, item.start, item.end, drug=in_lists)
        ]
        if read:
            found = sorted([*found, *read], key=lambda m: (m.start, m.end))
        if not found:
            continue
        qualifiers = qualify_mentions(
            text,
            # A coordinated conjunct ("osseuses" in "absence de métastases hépatiques et osseuses") is qualified
            # on its whole phrase, so that the head's negation reaches it.
            [m.context_span for m in found],
            sections=sections,
            probable_is_hypothetical=probable_is_hypothetical,
            engine=engine,
        )
        for mention, qualifier in zip(found, qualifiers, strict=True):
            qualified = QualifiedMention(
                doc_id=document.doc_id,
                codes=mention.codes,
                start=mention.start,
                end=mention.end,
                text=mention.text,
                section=_mention_section(text, sections, mention.start, mention.end),
                negated=qualifier.negated,
                hypothetical=qualifier.hypothetical,
                family=qualifier.family,
                history=qualifier.history and not _dated_this_stay(qualifier.cues, stay_years),
                cues=tuple(qualifier.cues),
                source=mention.source,
                rank=len(mentions),
            )
            mentions.append(qualified)
            history = _as_personal_history(qualified)
            if history is not None:
                mentions.append(replace(history, rank=len(mentions)))
    return StayEvidence(mentions, measurements, sections_by_doc)


_YEAR_CUE = re.compile(r"history: '((?:19|20)\d\d)'")


def _dated_this_stay(cues: Sequence[str], stay_years: set[str]) -> bool:
    """Whether the only history cues of a mention are years of the stay itself: a past year makes a mention
    history (« IDM en 2012 »), but « hospitalisée du 2 au 4 mars 2026 pour une thrombose » dates the stay. An
    event earlier in the stay's year (« IDM le 3 février 2026 » for a March stay) is then read as current: the
    coder sees its evidence."""
    history = [cue for cue in cues if cue.startswith("history")]
    years = [_YEAR_CUE.fullmatch(cue) for cue in history]
    return bool(history) and all(year is not None and year.group(1) in stay_years for year in years)


def _as_personal_history(mention: QualifiedMention) -> QualifiedMention | None:
    """A cancer named as an antecedent is also a mention of its personal-history code (Z85, by site)."""
    if mention.excluded or not mention.past:
        return None
    codes = tuple(dict.fromkeys(c for c in map(personal_history_code, mention.codes) if c is not None))
    return replace(mention, codes=codes, source="history") if codes else None


def _setting(codes: Sequence[str]) -> bool:
    """Codes of a setting or a session (chapter XXI), which a letterhead may name for the stay itself."""
    return all(code.startswith("Z") for code in codes)


def _is_content(sections: Sequence[Section], start: int, end: int, drug: bool = False) -> bool:
    """Whether a mention at text[start:end] can be about the patient's conditions.

    A heading or form label is never a mention ("Antécédents médicaux, chirurgicaux, familiaux, allergies",
    "Allergies :"): it names what follows, not what the patient has. Nor is anything in a section that only
    lists drugs or allergies, except a drug itself.
    """
    section = section_at(sections, start)
    if section is None:
        return True
    if start < section.body_start:
        return False
    if drug:
        return section.kind in ADMISSION_STATE_SECTIONS
    return section.kind not in IGNORED_SECTIONS


def _section_kind(sections: Sequence[Section], offset: int) -> str:
    section = section_at(sections, offset)
    return section.kind if section else "other"


# What a conclusion says is to be watched or checked after the stay ("il est recommandé de surveiller la
# fonction rénale, de suivre de près l'évolution de la cardiopathie") is the follow-up plan, not the diagnosis
# the stay established: such a sentence counts as a follow-up section ("other", as under a "Suivi :" title),
# not as the conclusion that decides the DP (ATIH Guide méthodologique MCO, chapitre IV: the DP is the problem
# that motivated the stay, known at its end).
# Verbs of the plan, and « surveillance de/du … » (the thing to watch); not the bare nouns, which also name
# what was done during the stay (« unité de surveillance continue », « à la réévaluation »).
_FOLLOW_UP = re.compile(
    r"\b(?:surveiller|surveillance (?:de|du|des|d')|suivre(?: de pr[eè]s)? l'[ée]volution|contr[oô]ler|"
    r"r[ée][ée]valuer|(?:recommand|conseill|pr[ée]conis)[ée]e? de)",
    re.IGNORECASE,
)
# "Diabète à contrôler à distance": the cue right after the condition.
_FOLLOW_UP_AFTER = re.compile(r"\s*(?:[àa] (?:surveiller|contr[oô]ler|r[ée][ée]valuer))\b", re.IGNORECASE)
_SENTENCE_MARKS = ".!?;\n"
_LOOK_BACK = 400


# A narrative letter has no « Conclusion : » title: it states the diagnosis it retains in a sentence (« Nous
# retenons donc une péricardite aiguë », « Il s'agit d'une hyperémèse gravidique », « Au total, … », « le bilan
# conclut à … »). What such a sentence names after its cue is the letter's conclusion (guide méthodologique MCO,
# chapitre IV: the DP is the problem the stay took care of, as known at its end). « Il s'agit d'une patiente de
# 81 ans … » introduces the patient, not a diagnosis.
_RETAINED = re.compile(
    r"\b(?:nous|on)\s+(?:avons\s+|a\s+)?(?:donc\s+|finalement\s+)?(?:retenu|retenons|retient|concluons|conclut|conclu)\b"
    # Opening their sentence, or a clause of a run-on letter (« …, au total hyperémèse gravidique … »): « 10 jours
    # au total » counts days, « au total 3 CGR » counts units.
    r"|^\W*(?:au total|en conclusion|en r[ée]sum[ée]|en d[ée]finitive)\b"
    r"|[,;]\s*(?:au total|en conclusion|en r[ée]sum[ée])\b(?!\s*,?\s*\d)"
    r"|\bil s['’]agit (?:donc |finalement |bien )?d['’]une?\s+(?!(?:patiente?|homme|femme|enfant|nourrisson|jeune|"
    r"monsieur|madame|garçon|fille|nouveau-n[ée]e?|adolescente?|sujet)\b)"
    r"|\ble bilan (?:a\s+)?conclu[t]? [àa]\b"
    # « Devant ces cinq critères, le diagnostic de maladie de Kawasaki a été porté »; not the differential one.
    r"|\ble diagnostic (?:retenu |final |d[ée]finitif )?(?:est (?:donc |finalement |bien )?(?:celui )?)?"
    r"(?:de |d['’]|: ?)(?!diff)",
    re.IGNORECASE,
)
# The sections whose sentences a retention cue can make the conclusion: the story, the course, an untitled text,
# and the examinations, whose title (« À l'entrée : ») a narrative letter's untitled paragraphs run on under.
_NARRATIVE_SECTIONS = frozenset({"other", "histoire", "evolution", "examen_clinique", "examens_complementaires"})
# Nor does a narrative letter title its antecedents or its motif: « Dans ses antécédents, on note une entorse de
# la cheville, une hystérectomie et une migraine », « patiente aux antécédents d'HTA, de diabète … » list the
# past, item after item, up to the clause that comes back to the stay (« qui présentait … », « admise pour … »);
# « a été hospitalisée du 2 au 4 mars pour une thrombose veineuse profonde », « nous a été adressé pour … » state
# the motif. Guide méthodologique MCO, chapitre IV: what motivated the stay is its DP, the antecedents are not,
# wherever the letter writes them.
_ANTECEDENTS_WORD = r"\b(?:ant[ée]c[ée]dents?|atcds?)"
_NARRATIVE_ANTECEDENTS = re.compile(_ANTECEDENTS_WORD + r"\b(?!\s+(?:familia|de la famille))", re.IGNORECASE)
# The antecedents' word right before a retention cue (« Dans ses antécédents, on retient … », « ATCD : on
# retient … »): what the cue retains is the past, not the stay's diagnosis.
_RETAINED_ANTECEDENTS = re.compile(_ANTECEDENTS_WORD + r"\W*$", re.IGNORECASE)
_BACK_TO_THE_STAY = re.compile(
    r"\b(?:qui (?:a |avait )?(?:pr[ée]sente|pr[ée]sentait|pr[ée]sent[ée]|consulte|consultait)|"
    r"(?:hospitalis|admis|adress|transf[ée]r|amen)[ée]?e?s?\b|pris(?:e|es)? en charge\b|"
    r"depuis \d+ ?(?:h|heures?|j|jours?)\b|actuellement|"
    r"ce jour|"
    r"[àa] l['’]entr[ée]e|aujourd['’]hui)",
    re.IGNORECASE,
)
_NARRATIVE_MOTIF = re.compile(
    r"\b(?:hospitalis[ée]e?s?|admise?s?|adress[ée]e?s?|transf[ée]r[ée]e?s?|amen[ée]e?s?|re[çc]ue?s?|"
    r"pris(?:e|es)? en charge|s[ée]journ[ée])\b[^.;\n]{0,120}?\bpour\b",
    re.IGNORECASE,
)
# A hospitalisation of the past (« hospitalisé en 2019 pour … », « déjà adressé il y a 2 ans pour … ») or of the
# plan (« sera adressée en cardiologie pour … », « hospitalisation programmée pour … »).
_PAST_EVENT = re.compile(
    r"\ben (?:19|20)\d\d\b|\bil y a\b|\bd[ée]j[àa]\b|\bpr[ée]c[ée]demment\b|\bant[ée]rieurement\b|\bderni[eè]re?\b"
    r"|\bser(?:a|ont)\b|\b[àa] (?:adresser|hospitaliser|revoir)\b|\bpr[ée]vue?s?\b|\bprogramm",
    re.IGNORECASE,
)


def _mention_section(text: str, sections: Sequence[Section], start: int, end: int) -> str:
    kind = _section_kind(sections, start)
    if kind not in CONCLUSIVE_SECTIONS and kind not in _NARRATIVE_SECTIONS:
        return kind
    window = text[max(0, start - _LOOK_BACK) : start]
    # The last sentence break, found from the end rather than by listing every break of the window.
    cut = max(window.rfind(mark) for mark in _SENTENCE_MARKS)
    opening = window[cut + 1 :] if cut >= 0 else window
    if kind in _NARRATIVE_SECTIONS:
        retained = _last(_RETAINED.finditer(opening))
        if retained is None:
            return _narrative_kind(opening) or kind
        if _RETAINED_ANTECEDENTS.search(opening[: retained.start()]):
            return "antecedents"  # « Dans ses antécédents, on retient une hypothyroïdie … » lists the past
        kind = "conclusion"  # and, as a titled conclusion, not what it says is to be watched after the stay
        opening = opening[retained.end() :]
    if _narrative_kind(opening) == "antecedents":
        return "antecedents"  # « Au total, décompensation cardiaque chez une patiente aux antécédents de … »
    if _FOLLOW_UP.search(opening.replace("’", "'")) or _FOLLOW_UP_AFTER.match(text, end):
        return "other"
    return kind


def _narrative_kind(opening: str) -> str | None:
    """« antecedents » or « motif » when the sentence up to a mention lists the antecedents or states why the
    patient came (`_NARRATIVE_ANTECEDENTS`, `_NARRATIVE_MOTIF`); None otherwise."""
    antecedents = _last(_NARRATIVE_ANTECEDENTS.finditer(opening))
    if antecedents is not None and not _BACK_TO_THE_STAY.search(opening, antecedents.end()):
        return "antecedents"
    motif = _last(_NARRATIVE_MOTIF.finditer(opening))
    if motif is not None and not _PAST_EVENT.search(opening) and not _BACK_TO_THE_STAY.search(opening, motif.end()):
        return "motif"
    return None


def _last(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    found = None
    for found in matches:  # noqa: B007 - the last one is wanted
        pass
    return found
