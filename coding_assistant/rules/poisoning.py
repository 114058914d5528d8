"""The drugs a poisoning's own sentence names, coded by their T36-T50 code and, when self-inflicted, by
their X60-X64 class.

The CIM-10 codes a poisoning by the substance (T36-T50: « intoxication par dérivés du 4-aminophénol » T39.1,
« par benzodiazépines » T42.4), each substance once, and a self-poisoning by its class (X60 analgesics, X61
sedatives and psychotropics, X62 narcotics, X63 autonomic drugs, X64 others): « intoxication médicamenteuse
volontaire au paracétamol et aux benzodiazépines » is T39.1 + T42.4 with X60 + X61, not T50.9 + X64 (guide
méthodologique MCO, chapitre IV: the poisoning and its external cause). Drugs are data
(`terminologies/rules/poisoning_agents.csv`: international and brand names → T code and X class) for a DIM
to extend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coding_assistant.errors import TerminologyFileError
from coding_assistant.rules.data import DEFAULT_RULES_DIR, read_rows
from coding_assistant.rules.status_drugs import DrugMention, name_pattern
from coding_assistant.text.normalize import may_hold_text

POISONING_AGENTS_FILE = "poisoning_agents.csv"
_T_CODE = re.compile(r"T(?:3[6-9]|4\d|50)\d")
_SELF_HARM = re.compile(r"X6[0-4]")


@dataclass(frozen=True, slots=True)
class Poison:
    start: int
    end: int
    code: str  # T36-T50, 4 characters
    self_harm: str  # X60-X64: the class of a self-poisoning by it


@dataclass(frozen=True, slots=True)
class _Table:
    pattern: re.Pattern[str]
    codes: dict[str, tuple[str, str]]  # group name → (T code, X class)


def read_poisoning_agents(path: Path) -> _Table:
    """One regex over the names and each name's codes; a bad row is an error naming its line."""
    groups: list[str] = []
    codes: dict[str, tuple[str, str]] = {}
    for line, row in enumerate(read_rows(path), start=2):
        name, code, self_harm = row.get("name", ""), row.get("code", ""), row.get("self_harm", "")
        if not name or not _T_CODE.fullmatch(code) or not _SELF_HARM.fullmatch(self_harm):
            raise TerminologyFileError(f"{path}:{line}: a drug name, a T36-T50 code and an X60-X64 class are needed")
        group = f"p{len(groups)}"
        groups.append(f"(?P<{group}>{name_pattern(name)})")
        codes[group] = (code, self_harm)
    return _Table(re.compile(rf"(?<!\w)(?:{'|'.join(groups)})(?!\w)", re.IGNORECASE), codes)


@lru_cache(maxsize=4)
def _default_table(directory: str) -> _Table:
    return read_poisoning_agents(Path(directory) / POISONING_AGENTS_FILE)


def poisons_named_in(text: str, directory: Path | str = DEFAULT_RULES_DIR) -> list[Poison]:
    """The drugs a text names, in order, each T code once."""
    table = _default_table(str(directory))
    found: list[Poison] = []
    for match in table.pattern.finditer(text):
        code, self_harm = table.codes[match.lastgroup or ""]
        if all(p.code != code for p in found):
            found.append(Poison(match.start(), match.end(), code, self_harm))
    return found


# A sentence that tells a drug was swallowed on purpose or in overdose, without the word « intoxication »
# (« après avoir ingéré volontairement 20 g de paracétamol », « a avalé 30 comprimés de Lexomil »): the swallowing,
# then what says it was no therapeutic use, an intent or a number of tablets or grams.
# The words that tell a swallowing; `pipeline.combined_codes` reads the drugs of a named poisoning after them too.
SWALLOWING_WORDS = r"ing[ée]r[ée]e?s?|ingestion|absorb[ée]e?s?|absorption|aval[ée]e?s?"
_SWALLOWED = re.compile(rf"\b(?:{SWALLOWING_WORDS})\b", re.IGNORECASE)
# What every match of `_SWALLOWED` holds once folded (`may_hold_text`).
_SWALLOWING_FOLDED = ("inger", "ingestion", "absorb", "absorption", "aval")
_INTENT = re.compile(r"\b(?:volontair\w*|suicid\w*|autolyti\w*)|(?<!\w)(?:TS|IMV)(?!\w)")
# Many tablets, or grams of a drug taken by the milligram: « 30 comprimés », « 2 boîtes », « 20 g ».
_OVERDOSE = re.compile(
    r"\b(?:[5-9]|[1-9]\d+)(?:[,.]\d+)?\s*(?:comprim[ée]s|cp|g[ée]lules|bo[iî]tes|plaquettes|g)\b", re.IGNORECASE
)
_SENTENCE = re.compile(r"[^.;\n]+")
_POISONING_NAMED = re.compile(r"intoxication|(?<!\w)IMV(?!\w)|surdosage", re.IGNORECASE)


def find_swallowed_overdoses(text: str, directory: Path | str = DEFAULT_RULES_DIR) -> list[DrugMention]:
    """The poisonings a letter tells as a swallowing (each drug's T36-T50 code, on its name) and, when it says
    the intent, the self-poisoning's X60-X64 class with unknown place and activity (on the intent's word): the
    CIM-10 codes the poisoning by the substance and a self-poisoning by its class (guide méthodologique MCO,
    chapitre IV). Only in a letter that never names the poisoning: one that does (« intoxication », « IMV »)
    has its drugs read beside that wording (`pipeline.combined_codes.poisoning_by_the_drugs_named`)."""
    found: list[DrugMention] = []
    # Most letters hold no swallowing word: substring tests on the folded text (cached, the other readers fold
    # it too) rule them out before any regex scan (a sentence can only hold what its letter holds).
    if not may_hold_text(text, _SWALLOWING_FOLDED) or _POISONING_NAMED.search(text):
        return found
    for sentence in _SENTENCE.finditer(text):
        words = sentence.group()
        swallowed = _SWALLOWED.search(words)
        if swallowed is None:
            continue
        # The intent nearest the swallowing (« sans antécédent de geste suicidaire, … a ingéré volontairement »).
        intent = min(_INTENT.finditer(words), key=lambda m: abs(m.start() - swallowed.start()), default=None)
        if intent is None and not _OVERDOSE.search(words):
            continue
        offset = sentence.start()
        poisons = poisons_named_in(words, directory)
        for poison in poisons:
            found.append(
                DrugMention(offset + poison.start, offset + poison.end, words[poison.start : poison.end], poison.code)
            )
        if intent is not None:
            for self_harm in dict.fromkeys(poison.self_harm for poison in poisons):
                found.append(
                    DrugMention(offset + intent.start(), offset + intent.end(), intent.group(), self_harm + "99")
                )
    return found
