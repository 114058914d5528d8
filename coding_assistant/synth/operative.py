"""Operative and interventional reports of synthetic stays, with the CCAM acts they describe.

A report is drawn from its own random stream (`report_rng`), after the stay's letters are written, so that the
letters and diagnosis codes of a run do not change when reports are added. The acts come from two sources:
- curated acts (`data/operative_acts.csv`): the natural act of a surgical scenario, worded by hand, consistent
  with what the scenario's letters and classic operative report already say;
- acts derived from the CCAM table (`terminologies/ccam/ccam_actes.csv`): an in-scope act whose code prefix
  (its organ) fits the DP's CIM-10 range (`systems` in `data/operative_report.json`), its label reworded as a
  surgeon writes it (action noun, approach words, organ synonyms), so that a reader learns clinicians' words.
Some reports also mention an act that was not done or is only planned; it is never in the gold acts.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from coding_assistant.acts.data import default_act_data
from coding_assistant.schema import Document
from coding_assistant.synth.data import DATA_DIR, load_json
from coding_assistant.synth.writer import french_date
from coding_assistant.terminology.ccam import CcamAct, read_ccam
from coding_assistant.text.normalize import normalise_text

MAX_WORDS = 1500  # a stay's letters never exceed it (see letters.py); a report that would is shortened
UNPERFORMED_SHARE = 0.25  # reports that also mention an act not done or planned


@dataclass(frozen=True)
class CuratedAct:
    """One row of `operative_acts.csv`."""

    code: str
    scenarios: frozenset[str]
    dp_prefixes: tuple[str, ...]
    when: tuple[str, str] | None  # (fact, word): the act fits when the plan's fact holds the word
    with_cro: bool  # consistent with the scenario's classic operative report
    approaches: tuple[str, ...]
    anaesthesia: tuple[str, ...]
    lateral: bool
    count: str
    wordings: tuple[str, ...]

    def fits_dp(self, dp: str) -> bool:
        return not self.dp_prefixes or dp.startswith(self.dp_prefixes)

    def fits_facts(self, facts: Mapping[str, Any]) -> bool:
        if self.when is None:
            return True
        fact, word = self.when
        return word in str(facts.get(fact, ""))


@dataclass
class ReportDraft:
    """What a report says before it is written out."""

    code: str
    act: str  # the act as the surgeon names it
    approach: str  # the Voie d'abord line, may be empty
    anaesthesia: str
    kind: str  # surgery, endoscopy, cardio, delivery, procedure
    side: str = ""
    count_line: str = ""


@dataclass(frozen=True)
class OperativeReport:
    """A stay's report (None for a stay coded without one, e.g. a dialysis session) and its gold acts."""

    document: Document | None
    acts: list[str]
    unperformed: list[str] = field(default_factory=list)
    day: date | None = None


def report_rng(seed: int, index: int) -> random.Random:
    """The report's own stream: drawing from it never shifts the draws of the stay's letters."""
    return random.Random(f"coding-assistant-synth-acts/{seed}/{index}")


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def read_curated(path: Path) -> list[CuratedAct]:
    rows: list[CuratedAct] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            when = row["when"].split("=", 1) if row["when"] else None
            rows.append(
                CuratedAct(
                    code=row["code"].strip(),
                    scenarios=frozenset(_split(row["scenarios"])),
                    dp_prefixes=_split(row["dp"]),
                    when=(when[0], when[1]) if when else None,
                    with_cro=row["with_cro"] == "1",
                    approaches=_split(row["approach"]),
                    anaesthesia=_split(row["anaesthesia"]) or ("general",),
                    lateral=row["side"] == "1",
                    count=row["count"].strip(),
                    wordings=_split(row["wordings"]),
                )
            )
    return rows


def _cim_ranges(systems: Mapping[str, Any]) -> list[tuple[str, str, tuple[str, ...]]]:
    """`"K80-K83": [...]` as (first, last, prefixes); a range is compared on the codes' first 3 characters."""
    ranges = []
    for key, prefixes in systems.items():
        if key.startswith("_"):
            continue
        first, _, last = key.partition("-")
        ranges.append((first, last or first, tuple(prefixes)))
    return ranges


class OperativeCatalogue:
    """The acts a report may describe: the curated ones and those derived from the CCAM table."""

    def __init__(self, ccam: Mapping[str, CcamAct], curated: Sequence[CuratedAct], vocabulary: Mapping[str, Any]):
        self.ccam = ccam
        self.curated = [act for act in curated if act.code in ccam]
        self.vocabulary = vocabulary
        self.ranges = _cim_ranges(vocabulary["systems"])
        prefixes = {p for _, _, group in self.ranges for p in group}
        self.derived: dict[str, list[CcamAct]] = {p: [] for p in sorted(prefixes)}
        excluded = default_act_data().excluded_starts
        derived = vocabulary["derived"]
        skip = tuple(normalise_text(w) for w in derived["skip_words"])
        for code in sorted(ccam):
            act = ccam[code]
            if code[:2] in self.derived and self._derivable(act, excluded, skip, int(derived["max_label_length"])):
                self.derived[code[:2]].append(act)

    def _derivable(self, act: CcamAct, excluded: Iterable[str], skip: tuple[str, ...], longest: int) -> bool:
        # In scope of the act proposer, active, billable as the surgeon's act (activity 1), and a label a
        # surgeon would reword: plain, not an act of children or newborns, starting with a known action.
        if act.end_date or "1" not in act.activity_phases or not act.label or len(act.label) > longest:
            return False
        folded = normalise_text(act.label.replace("'", " "))
        if any(folded.startswith(start.replace("'", " ")) for start in excluded):
            return False
        if any(word in folded for word in skip):
            return False
        return _action_of(act.label, self.vocabulary["actions"]) is not None

    def possible_codes(self) -> set[str]:
        """Every code a report can carry as a gold act."""
        codes = {act.code for act in self.curated}
        codes.update(act.code for acts in self.derived.values() for act in acts)
        codes.update(code for group in self.vocabulary["share"]["session_acts"].values() for code in group)
        return codes

    def prefixes_for(self, dp: str) -> tuple[str, ...]:
        head = dp[:3]
        found: list[str] = []
        for first, last, prefixes in self.ranges:
            if first <= head <= last:
                found.extend(p for p in prefixes if p not in found)
        return tuple(found)

    def derived_for(self, dp: str, sex: str) -> list[CcamAct]:
        return [act for p in self.prefixes_for(dp) for act in self.derived.get(p, []) if act.allowed_for_sex(sex)]

    def curated_for(self, scenario: str, dp: str, sex: str, facts: Mapping[str, Any], cro: bool) -> list[CuratedAct]:
        """Curated acts of the scenario that fit the DP (and the classic report when the stay has one); for a
        scenario without curated acts, those whose DP prefixes name the DP."""
        own = [a for a in self.curated if scenario in a.scenarios]
        pool = own or [a for a in self.curated if a.dp_prefixes]
        fitting = [
            a
            for a in pool
            if a.fits_dp(dp)
            and a.fits_facts(facts)
            and self.ccam[a.code].allowed_for_sex(sex)
            and (a.with_cro or not cro)
        ]
        return fitting


@lru_cache(maxsize=2)
def load_operative_catalogue(ccam_dir: str | None = None) -> OperativeCatalogue:
    """The catalogue of the configured CCAM folder (`CODING_ASSISTANT_CCAM_DIR` by default), once per process."""
    if ccam_dir is None:
        from coding_assistant.config import get_settings

        ccam_dir = str(get_settings().ccam_dir)
    return OperativeCatalogue(
        read_ccam(Path(ccam_dir)), read_curated(DATA_DIR / "operative_acts.csv"), load_json("operative_report.json")
    )


# --- rewording a CCAM label -----------------------------------------------------------------------------
def _action_of(label: str, actions: Mapping[str, Any]) -> str | None:
    """The longest action word(s) of `actions` the label starts with."""
    starts = [key for key in actions if not key.startswith("_") and label.startswith(key)]
    return max(starts, key=len) if starts else None


def _lower_first(text: str) -> str:
    # Acronyms and codes keep their capitals ("ATL", "FOGD").
    if len(text) > 1 and text[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def reword_label(label: str, rng: random.Random, vocabulary: Mapping[str, Any]) -> tuple[str, str]:
    """The act and approach as a surgeon writes them from a CCAM label: the action as a noun of the trade,
    the approach in the report's words, organ synonyms; bracketed CCAM synonyms dropped."""
    text = re.sub(r"\s*\[[^\]]*\]", "", label).strip()
    parts = text.split(", ")
    tail = ""
    if len(parts) > 1 and parts[-1].startswith(("par ", "à foyer", "sous ")):
        tail = parts.pop()
    head = ", ".join(parts)
    actions = vocabulary["actions"]
    action = _action_of(head, actions)
    if action is not None:
        head = rng.choice(actions[action]) + head[len(action) :]
    for old, new in vocabulary["phrases"]:
        if old in head and rng.random() < 0.6:
            head = head.replace(old, new)
    approach = rng.choice(vocabulary["approaches"].get(tail, [tail])) if tail else ""
    return _lower_first(head), approach


def approach_line(approach: str) -> str:
    """ "par voie vaginale" as the Voie d'abord line writes it: "voie vaginale"."""
    for preposition in ("par ", "sous ", "au cours d'une "):
        if approach.startswith(preposition):
            return approach[len(preposition) :]
    return approach


# --- the report ------------------------------------------------------------------------------------------
def _kind(code: str, label: str) -> str:
    """Which team writes the report, from the CCAM code (its 4th letter is the access) and label."""
    head = normalise_text(label.split(",")[0])
    if code.startswith("JQG"):
        return "delivery"
    if code.startswith(("DD", "DE")):
        return "cardio"
    if code[3] == "E" or head.startswith(("endoscopie", "fibroscopie", "coloscopie")):
        return "endoscopy"
    if code[3] in "BHJ":  # transcutaneous acts: punctures, drainages
        return "procedure"
    return "surgery"


def _derived_anaesthesia(code: str, label: str, kind: str) -> str:
    folded = normalise_text(label)
    if "anesthesie locale" in folded:
        return "local"
    if kind == "endoscopy":
        return "sedation"
    if kind in ("procedure", "cardio"):
        return "local"
    if code.startswith("B"):
        return "peribulbar"
    if code[0] in "MN":
        return "regional" if code[0] == "M" else "spinal"
    return "general"


def _side(facts: Mapping[str, Any], rng: random.Random) -> str:
    side = str(facts.get("side") or rng.choice(["droit", "gauche"]))
    return side if side in ("droit", "gauche") else "droit"


def draft_curated(
    act: CuratedAct, label: str, rng: random.Random, vocabulary: Mapping[str, Any], facts: Mapping[str, Any]
) -> ReportDraft:
    wording = rng.choice(act.wordings).replace("{vessel}", rng.choice(vocabulary["vessels"]))
    approach_key = rng.choice(act.approaches) if act.approaches else ""
    lines = vocabulary["approach_lines"].get(approach_key, [])
    counts = vocabulary["counts"].get(act.count, [])
    count_line = rng.choice(counts).replace("{n}", str(rng.randint(2, 3))) if counts else ""
    return ReportDraft(
        code=act.code,
        act=wording,
        approach=rng.choice(lines) if lines else "",
        anaesthesia=rng.choice(act.anaesthesia),
        kind=_kind(act.code, label),
        side=_side(facts, rng) if act.lateral else "",
        count_line=count_line,
    )


def draft_derived(
    act: CcamAct, rng: random.Random, vocabulary: Mapping[str, Any], facts: Mapping[str, Any]
) -> ReportDraft:
    wording, approach = reword_label(act.label, rng, vocabulary)
    kind = _kind(act.code, act.label)
    # Limbs, eyes, ears and the groin have a side; a report names it.
    lateral = act.code[0] in "BCMN" or act.code.startswith(("LM", "AH", "EJ"))
    if rng.random() < 0.5 and approach:
        # Half the surgeons put the approach in the act's title, the others on a line of its own.
        wording = f"{wording} {approach}"
    return ReportDraft(
        code=act.code,
        act=wording,
        approach=approach_line(approach),
        anaesthesia=_derived_anaesthesia(act.code, act.label, kind),
        kind=kind,
        side=_side(facts, rng) if lateral and "bilatéral" not in act.label else "",
    )


def _side_text(draft: ReportDraft, rng: random.Random, vocabulary: Mapping[str, Any]) -> str:
    if not draft.side:
        return ""
    word = rng.choice(vocabulary["sides"][draft.side])
    return f" {word}" if len(word) > 1 else f" ({word})"


def _unperformed(
    rng: random.Random, vocabulary: Mapping[str, Any], gold: Sequence[str], female: bool
) -> tuple[str, str] | None:
    """A sentence on an act not done or planned, of the same system as the gold act, and its code."""
    items = [
        item
        for item in vocabulary["unperformed"]["items"]
        if item["code"] not in gold and (not item["systems"] or gold[0][0] in item["systems"])
    ]
    if not items:
        return None
    item = rng.choice(items)
    sentence = rng.choice(item["sentences"]).replace("{e}", "e" if female else "")
    return str(item["code"]), sentence


def report_lines(
    draft: ReportDraft,
    rng: random.Random,
    vocabulary: Mapping[str, Any],
    values: Mapping[str, str],
    unperformed: str,
) -> list[tuple[bool, str]]:
    """The report's lines, each marked required or optional (optional ones go first when the stay is long)."""
    labels = vocabulary["labels"]
    side_text = _side_text(draft, rng, vocabulary)
    act_title = draft.act + side_text

    def say(key: str, **extra: str) -> str:
        return str(rng.choice(labels[key])).format(**{**values, **extra})

    gesture = rng.choice(vocabulary["gesture_frames"]).format(act=draft.act, side_text=side_text)
    anaesthesia = rng.choice(vocabulary["anaesthesia"][draft.anaesthesia])
    # A limb's side shows in the installation; other lateral acts (eye, ear, groin) name it in the act only.
    installation_key = "side" if draft.side and draft.code[0] in "MN" else "default"
    installation = rng.choice(vocabulary["installation"][installation_key]).format(side=draft.side, e=values["e"])
    lines: list[tuple[bool, str]] = [
        (True, rng.choice(vocabulary["titles"][draft.kind])),
        (True, say("date")),
        (False, say("team")),
        (True, say("act", act=act_title)),
        (False, say("indication")),
        (False, say("anaesthesia", anaesthesia=anaesthesia)),
    ]
    if draft.kind == "surgery":
        lines.append((False, installation))
    if draft.approach:
        lines.append((False, say("approach", approach=draft.approach)))
    lines.append((True, say("gesture", gesture=gesture)))
    if draft.count_line:
        lines.append((True, draft.count_line))
    team = "surgery" if draft.kind in ("surgery", "delivery") else "interventional"
    lines.append((False, rng.choice(vocabulary["closing"][team])))
    if unperformed:
        lines.append((True, unperformed))
    suites = str(rng.choice(vocabulary["suites"][team])).replace("{n}", str(rng.randint(1, 3)))
    lines.append((False, say("suites", suites=suites)))
    return lines


def fit_lines(lines: list[tuple[bool, str]], budget: int) -> list[str] | None:
    """The lines within `budget` words: optional lines dropped from the end; None when even the required
    ones do not fit."""
    kept = list(lines)
    while sum(len(text.split()) for _, text in kept) > budget:
        optional = [i for i, (required, _) in enumerate(kept) if not required]
        if not optional:
            return None
        kept.pop(optional[-1])
    return [re.sub(r"\s{2,}", " ", text).strip() for _, text in kept]


@dataclass(frozen=True)
class StayFacts:
    """What the report needs of the stay, read without drawing from the stay's own stream."""

    stay_id: str
    scenario: str
    dp: str
    dp_text: str
    sex: str
    admission: date
    discharge: date
    doctor: str
    doctor2: str
    facts: Mapping[str, Any]
    has_cro: bool
    words: int  # the letters' words
    short: bool


def choose_draft(catalogue: OperativeCatalogue, stay: StayFacts, rng: random.Random) -> ReportDraft | None:
    vocabulary = catalogue.vocabulary
    share = vocabulary["share"]
    probability = float(share["scenarios"].get(stay.scenario, share["medical"]))
    if rng.random() >= probability:
        return None
    curated = catalogue.curated_for(stay.scenario, stay.dp, stay.sex, stay.facts, stay.has_cro)
    own = any(stay.scenario in a.scenarios for a in curated)
    derived = catalogue.derived_for(stay.dp, stay.sex)
    # A scenario's own acts always win: its letters already name the operation. For other stays, curated
    # acts that fit the DP come first `curated_first` of the time, else an act derived from the CCAM table.
    if curated and (own or not derived or rng.random() < float(share["curated_first"])):
        chosen = rng.choice(curated)
        return draft_curated(chosen, catalogue.ccam[chosen.code].label, rng, vocabulary, stay.facts)
    if derived:
        return draft_derived(rng.choice(derived), rng, vocabulary, stay.facts)
    return None


def write_report(catalogue: OperativeCatalogue, stay: StayFacts, rng: random.Random) -> OperativeReport:
    """The stay's report and gold acts; acts `[]` when it has none."""
    session = catalogue.vocabulary["share"]["session_acts"].get(stay.scenario)
    if session:  # the session letter itself describes the act
        return OperativeReport(None, list(session))
    draft = choose_draft(catalogue, stay, rng)
    if draft is None:
        return OperativeReport(None, [])
    vocabulary = catalogue.vocabulary
    los = (stay.discharge - stay.admission).days
    day = stay.admission + timedelta(days=rng.randint(0, min(los, 2)))
    unperformed: tuple[str, str] | None = None
    if rng.random() < UNPERFORMED_SHARE:
        unperformed = _unperformed(rng, vocabulary, [draft.code], stay.sex == "F")
    values = {
        "date": french_date(day),
        "doctor": stay.doctor,
        "doctor2": stay.doctor2,
        "dp": stay.dp_text or "voir CRH",
        "e": "e" if stay.sex == "F" else "",
    }
    lines = report_lines(draft, rng, vocabulary, values, unperformed[1] if unperformed else "")
    budget = MAX_WORDS - stay.words
    kept = fit_lines(lines, budget)
    if kept is None:
        return OperativeReport(None, [])
    doc_id = f"{stay.stay_id}-CRO2" if stay.has_cro else f"{stay.stay_id}-CRO"
    document = Document(doc_id=doc_id, type="CRO", text="\n".join(kept))
    return OperativeReport(document, [draft.code], [unperformed[0]] if unperformed else [], day)
