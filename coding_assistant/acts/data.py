"""The act lexicon and rule lists, read from `coding_assistant/acts/data/` (sources in its README).

Everything a DIM may want to change lives in a CSV file there: how surgeons and interventionists write
procedures (`wordings.csv`), the cues that say an act was not done (`cues.csv`), the anaesthesia wordings
that bring the CCAM activity 4 (`anaesthesia.csv`), the CCAM label starts left out of the proposals
(`scope.csv`), approach words (`approaches.csv`), the words that name an act in a letter (`act_words.csv`),
counted nouns (`counts.csv`), the leads a cardiac stimulation report places (`cardiac_leads.csv`), age bounds
written in CCAM labels (`ages.csv`), the default act when a letter
does not say the approach (`preferred.csv`) and the options a label and a letter cannot differ on ("au cours
du travail" / "en dehors du travail", `exclusive.csv`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coding_assistant.errors import TerminologyFileError, unreadable
from coding_assistant.matching.dictionary import is_acronym, wording_stems
from coding_assistant.text.normalize import normalise_text

DATA_DIR = Path(__file__).resolve().parent / "data"
# What a cue says of the act it qualifies: not done, planned, done before the stay, or done as a part of another
# act (« crossectomies incluses »: CCAM codes the act that includes it, not the part).
CUE_KINDS = ("negated", "future", "history", "included")


@dataclass(frozen=True, slots=True)
class Wording:
    """A way of writing (part of) an act, and the CCAM label words it stands for."""

    stems: tuple[str, ...]
    label_stems: tuple[str, ...]  # empty: a gesture that is never an act ("ablation des fils")
    without: tuple[str, ...]  # label words after "sans": what the wording says the act is without
    anchor: bool  # names an act by itself; otherwise it only qualifies one (approach, side, device)
    capitals: bool  # an acronym: matches only in capitals


@dataclass(frozen=True, slots=True)
class Cue:
    pattern: re.Pattern[str]
    position: str  # "after" the act mention (same clause) or "before" it (same sentence)
    kind: str  # "negated", "future", "history" or "included"


@dataclass(frozen=True, slots=True)
class AnaesthesiaWording:
    pattern: re.Pattern[str]
    kind: str
    activity4: bool


@dataclass(frozen=True, slots=True)
class AgeRule:
    pattern: re.Pattern[str]
    kind: str


@dataclass(frozen=True, slots=True)
class ActData:
    wordings: tuple[Wording, ...]
    cues: tuple[Cue, ...]
    anaesthesia: tuple[AnaesthesiaWording, ...]
    excluded_starts: tuple[str, ...]  # folded label starts out of scope
    approaches: dict[str, str]  # stem -> approach
    counted: dict[str, str]  # stem of a text word -> stem of the counted label noun
    ages: tuple[AgeRule, ...]
    preferred: frozenset[str]
    exclusive: tuple[tuple[frozenset[str], ...], ...]  # options a label and a letter cannot both differ on
    act_words: frozenset[str]  # stems of the words that name an act in a letter ("biopsie", "pose" …)
    act_suffixes: tuple[str, ...]  # folded endings of words that name an act ("ectomie", "scopie" …)
    coronary_vessels: tuple[re.Pattern[str], ...] = ()  # names of the coronary vessels an angioplasty treats
    # How a pacemaker or defibrillator report places its leads (« sonde atriale », « double chambre ») and the
    # cardiac places each wording puts a lead in: the distinct places are the leads a CCAM DELF label counts.
    cardiac_leads: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = ()


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise TerminologyFileError(unreadable(path, exc)) from exc
    for line, row in enumerate(rows, start=2):
        if None in row or None in row.values():
            raise TerminologyFileError(f"{path}:{line}: wrong number of fields (quote a value that holds a comma)")
    return [{k: v.strip() for k, v in row.items()} for row in rows]


def _compile(path: Path, line: int, pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise TerminologyFileError(f"{path}:{line}: bad pattern ({exc})") from exc


def _single_stem(text: str) -> str:
    stems = wording_stems(text)
    return stems[0] if stems else ""


def load_act_data(directory: Path | str = DATA_DIR) -> ActData:
    """Read the act lists of `directory`; TerminologyFileError names the file and line of a bad row."""
    root = Path(directory)
    wordings = []
    path = root / "wordings.csv"
    for line, row in enumerate(_rows(path), start=2):
        stems = wording_stems(row["wording"])
        if not stems or row["anchor"] not in ("0", "1"):
            raise TerminologyFileError(f"{path}:{line}: a wording and an anchor of 0 or 1 are required")
        acronym = is_acronym(row["wording"])
        stated, _, without = row["label_words"].partition("sans ")
        wordings.append(Wording(stems, wording_stems(stated), wording_stems(without), row["anchor"] == "1", acronym))
    cues = []
    path = root / "cues.csv"
    for line, row in enumerate(_rows(path), start=2):
        if row["position"] not in ("after", "before") or row["kind"] not in CUE_KINDS:
            raise TerminologyFileError(f"{path}:{line}: position after/before and kind {'/'.join(CUE_KINDS)}")
        flags = 0 if row["pattern"].startswith(r"\bRDV") else re.IGNORECASE
        cues.append(Cue(_compile(path, line, row["pattern"], flags), row["position"], row["kind"]))
    anaesthesia = []
    path = root / "anaesthesia.csv"
    for line, row in enumerate(_rows(path), start=2):
        # Acronyms (AG, ALR) only in capitals: "ag" is no anaesthesia.
        flags = 0 if re.search(r"\\b[A-Z]{2,}", row["pattern"]) else re.IGNORECASE
        anaesthesia.append(
            AnaesthesiaWording(_compile(path, line, row["pattern"], flags), row["kind"], row["activity4"] == "1")
        )
    path = root / "ages.csv"
    ages = tuple(
        AgeRule(_compile(path, line, row["pattern"]), row["kind"]) for line, row in enumerate(_rows(path), start=2)
    )
    act_words = _rows(root / "act_words.csv")
    options: dict[str, list[frozenset[str]]] = {}
    for row in _rows(root / "exclusive.csv"):
        options.setdefault(row["group"], []).append(frozenset(wording_stems(row["phrase"])))
    return ActData(
        wordings=tuple(wordings),
        cues=tuple(cues),
        anaesthesia=tuple(anaesthesia),
        excluded_starts=tuple(normalise_text(r["label_start"]) for r in _rows(root / "scope.csv")),
        approaches={_single_stem(r["word"]): r["approach"] for r in _rows(root / "approaches.csv")},
        counted={_single_stem(r["word"]): _single_stem(r["noun"]) for r in _rows(root / "counts.csv")},
        ages=ages,
        preferred=frozenset(r["code"].upper() for r in _rows(root / "preferred.csv")),
        exclusive=tuple(tuple(group) for group in options.values()),
        act_words=frozenset(_single_stem(r["word"]) for r in act_words if r["kind"] == "word"),
        act_suffixes=tuple(normalise_text(r["word"]) for r in act_words if r["kind"] == "suffix"),
        coronary_vessels=tuple(
            _compile(root / "coronary_vessels.csv", line, row["pattern"], 0)
            for line, row in enumerate(_rows(root / "coronary_vessels.csv"), start=2)
        ),
        cardiac_leads=tuple(
            (
                _compile(root / "cardiac_leads.csv", line, row["pattern"], 0),
                frozenset(place.strip() for place in row["places"].split("+")),
            )
            for line, row in enumerate(_rows(root / "cardiac_leads.csv"), start=2)
        ),
    )


@lru_cache(maxsize=4)
def default_act_data(directory: str = str(DATA_DIR)) -> ActData:
    return load_act_data(directory)
