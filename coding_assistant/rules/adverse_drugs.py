"""Adverse effects of drugs in therapeutic use, read where a letter attributes a condition to a drug.

The guide méthodologique MCO (chapitre IV, effets indésirables des médicaments) and the CIM-10 FR (chapitre
XX, Y40-Y59) code an adverse effect of a drug correctly prescribed and taken as the effect itself (the
hyponatraemia, the bleeding) plus the Y40-Y59 code of the drug's class, as a DAS. A letter says so in a few
ways: the condition is "iatrogène", "d'origine médicamenteuse", "induite par" or "secondaire à" a drug, a
"surdosage" or a "toxicité" of a drug, or a bleeding "sous" an anticoagulant or an antiplatelet agent. Only
a sentence that says so gives the Y code, for each drug it names: a drug named in a treatment list, or "HTA
sous irbésartan", is a treatment, not an adverse effect. Conditions that drugs typically cause ("hyponatrémie
sous ISRS", "hypoglycémie sous sulfamide") and "cortico-induite", "aggravée par", "post-chimiothérapie" say it
too. The drugs and their classes are data
(`terminologies/rules/adverse_drug_classes.csv`: international and brand names → Y code) for a DIM to
extend; negation ("pas d'effet indésirable") is left to the qualifiers, as for every mention.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from coding_assistant.rules.data import DEFAULT_RULES_DIR
from coding_assistant.rules.status_drugs import DrugMention, read_named_codes
from coding_assistant.text.normalize import fold, may_hold

ADVERSE_DRUGS_FILE = "adverse_drug_classes.csv"
# Words that attribute what the sentence describes to a drug (accents optional: letters drop them).
ATTRIBUTION = re.compile(
    r"iatrog[eéè]n|(?:d'origine|de cause) m[eé]dicamenteuse|"
    r"secondaires? (?:à|a) (?:la prise|l'introduction|l'instauration|la majoration) d|surdosage|toxicit[eé]|"
    r"imputab|[a-z]-induite?s?\b|\bpost-?chimio",
    re.IGNORECASE,
)
# Words whose object is the cause: the drug must follow them (« hyponatrémie induite par l'hydrochlorothiazide »),
# not another cause (« déséquilibre aggravé par l'infection, pris en charge par insuline »).
# « hyperkaliémie attribuée à l'Aldactone », « hyponatrémie liée au thiazidique », « due à l'amiodarone ».
ATTRIBUTION_TO = re.compile(
    r"induite?s? par|(?:aggrav|favoris)[ée]e?s? par|"
    r"(?:attribu|imput|li)[ée]e?s? (?:à|a|au|aux)\b|dues? (?:à|a|au|aux)\b|secondaires? (?:à|a|au|aux)\b|"
    r"en rapport avec",
    re.IGNORECASE,
)
# How far after such words, in their clause, the drug may be named (« induite par la majoration récente du
# tramadol »).
ATTRIBUTION_REACH = 40
_CLAUSE_BREAK = re.compile(r"[,;]")
# Conditions drugs cause far more often than they treat: « hyponatrémie sous ISRS », « hypoglycémies sous
# sulfamide hypoglycémiant », « bradycardie sous bêtabloquant », « constipation sous morphine » state the drug as
# the cause without the word (« HTA sous irbésartan », « diabète sous insuline » are treatments: not in this list).
DRUG_EFFECT = re.compile(
    r"hypoglyc[eé]mi|hyponatr[eé]mi|hyperkali[eé]mi|hypokali[eé]mi|bradycardi|neutrop[eé]ni|thrombop[eé]ni|"
    r"agranulocytos|pancytop[eé]ni|toxidermi|hypotension orthostatique|allongement du QT|constipation",
    re.IGNORECASE,
)
# A poisoning (an overdose taken on purpose or by mistake) is not a therapeutic use: CIM-10 T36-T50 with
# X40-X49 / X60-X69, not Y40-Y59. Nor is a condition caused by stopping a drug.
NOT_THERAPEUTIC = re.compile(
    r"intoxication|\bIMV\b|volontaire|tentative de suicide|\bTS\b|ingestion accidentelle",
    re.IGNORECASE,
)
STOPPED = re.compile(
    r"(?:arr[eê]t|sevrage|oubli|interruption|suspension|non[- ]observance)\s+(?:brutal\s+)?"
    r"(?:de\s+la\s+|du\s+|de\s+l'|des\s+|d')?\s*$",
    re.IGNORECASE,
)
# A bleeding "sous" an antithrombotic: the commonest adverse effect a letter states without the word.
BLEEDING = re.compile(
    r"h[eé]morragi|h[eé]matom|saignement|h[eé]maturi|[eé]pistaxis|m[eé]l[eé]na|rectorragi|h[eé]moptysi|"
    r"h[eé]mat[eé]m[eè]s|hémopéritoine|hemoperitoine",
    re.IGNORECASE,
)
ANTITHROMBOTIC = ("Y442", "Y444")
# Plain substrings (lower case, no accents) one of which every cue above holds: a cheap first look.
CUE_WORDS = (
    "iatrog", "medicament", "induit", "secondaire", "surdosage", "toxicit", "imputab",
    "hemorragi", "hematom", "saignement", "hematuri", "epistaxis", "melena", "rectorragi", "hemoptysi",
    "hematemes", "hemoperitoine", "aggrav", "favoris", "chimio", "hypoglyc", "hyponatr", "hyperkali",
    "hypokali", "bradycardi", "neutrop", "thrombop", "agranulocyt", "pancytop", "toxidermi", "hypotension",
    "allongement du qt", "attribu", "impute", "liee", "lie a", "lie au", "due", "rapport avec", "constipation",
)  # fmt: skip
# The same look for each sentence of a letter that passed the first: every match of the four cue regexes holds
# one of these once folded (« liés à » holds none of the three « lie… » words above, hence « lie »). A sentence
# with none is skipped before its four regex searches, the bulk of what reading a letter costs.
SENTENCE_CUE_WORDS = (*CUE_WORDS, "lie")
# A clause: what follows a colon is what was done about it (« hyperglycémies cortico-induites : insuline »).
_SENTENCE = re.compile(r"[^.;:\n]+")


def read_adverse_drugs(path: Path) -> re.Pattern[str]:
    """One regex whose named groups give each drug's Y code; a bad row is an error naming its line."""
    return read_named_codes(path, r"Y[45]\d{1,3}", "a drug name and a Y40-Y59 code")


@lru_cache(maxsize=4)
def _default_pattern(directory: str) -> re.Pattern[str]:
    return read_adverse_drugs(Path(directory) / ADVERSE_DRUGS_FILE)


def find_adverse_drug_effects(text: str, directory: Path | str = DEFAULT_RULES_DIR) -> list[DrugMention]:
    """The drugs a sentence holds responsible for what it describes, each with its Y40-Y59 code."""
    pattern = _default_pattern(str(directory))
    found: list[DrugMention] = []
    folded = fold(text)
    if not any(word in folded for word in CUE_WORDS):
        return found  # most letters: substring tests on the folded text, no regex, no sentence read
    # A sentence can only hold the cue words its letter holds: each sentence is looked at for those alone.
    present = [word for word in SENTENCE_CUE_WORDS if word in folded]
    for sentence in _SENTENCE.finditer(text):
        words = sentence.group()
        if not may_hold(words, present):
            continue
        attributed = ATTRIBUTION.search(words) is not None
        attributed_to = [cue.end() for cue in ATTRIBUTION_TO.finditer(words)]
        bleeding = BLEEDING.search(words) is not None
        effect = DRUG_EFFECT.search(words) is not None
        if not (attributed or attributed_to or bleeding or effect) or NOT_THERAPEUTIC.search(words):
            continue
        for match in pattern.finditer(words):
            code = match.lastgroup or ""
            if STOPPED.search(words[max(0, match.start() - 40) : match.start()]):
                continue  # "secondaire à un arrêt de l'insuline": the drug's absence, not its effect
            under = _under(words, match.start())
            caused = effect and _effect_under(words, match.start())
            named_as_cause = any(
                0 <= match.start() - end <= ATTRIBUTION_REACH and not _CLAUSE_BREAK.search(words, end, match.start())
                for end in attributed_to
            )
            if attributed or named_as_cause or (bleeding and code in ANTITHROMBOTIC and under) or caused:
                start = sentence.start() + match.start()
                found.append(DrugMention(start, start + len(match.group()), match.group(), code))
    return found


def _effect_under(sentence: str, drug_start: int) -> bool:
    """ "hyponatrémie à 124 sous ISRS": the effect, then « sous », then the drug, in one comma clause ("diabète
    sous insuline, hypoglycémies rares" puts the drug under the diabetes)."""
    clause = sentence[sentence.rfind(",", 0, drug_start) + 1 : drug_start]
    effect = DRUG_EFFECT.search(clause)
    return effect is not None and re.search(r"\bsous\b", clause[effect.end() :], re.IGNORECASE) is not None


def _under(sentence: str, drug_start: int) -> bool:
    """ "hématurie sous AVK", "saignement sous Eliquis et aspirine": the drug follows "sous" (a few words on)."""
    before = sentence[max(0, drug_start - 40) : drug_start].lower()
    return re.search(r"\bsous\b", before) is not None
