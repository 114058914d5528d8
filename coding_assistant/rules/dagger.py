"""The dagger/asterisk convention of the CIM-10 FR à usage PMSI: an asterisk (manifestation) code is never coded
alone; its dagger (aetiology) must be present.

Two sources of asterisk codes, both partial (the ClaML `usage` attribute gives the full list):
- pairs (dagger, asterisk): the shipped `dague_asterisque_derive_libelles.csv` (49 pairs read from labels) plus
  those read at load time from the loaded table's labels, "Méningite à entérovirus (G02.0*)";
- asterisk categories recognised from their label, "… au cours de maladies classées ailleurs" (not "non
  classées ailleurs"): about 400 codes, their daggers unknown.

What is reported: an asterisk code with no other diagnosis at all (error); an asterisk code whose known daggers
(pairs) are all absent (warning: the pairs list is partial, the aetiology may be coded with another dagger).
An asterisk recognised from its label only, coded beside other diagnoses, cannot be judged: nothing is said.
"""

from __future__ import annotations

import re
import weakref
from collections import defaultdict
from dataclasses import dataclass

from coding_assistant.rules.coding import StayCoding
from coding_assistant.rules.data import RulesData
from coding_assistant.rules.ranges import CodeRange
from coding_assistant.rules.warning import RuleWarning
from coding_assistant.terminology.model import Terminology
from coding_assistant.text.normalize import strip_accents

_MARKED = re.compile(r"\(([^()]*\*[^()]*)\)")  # "(G02.0*)", "(I41.2*, I98.1*)", "(M07.0-M07.3*, M09.0*)"
_MARKED_CODE = re.compile(r"([A-Z]\d{2}(?:\.\d{1,2})?)\s*(?:-\s*([A-Z]\d{2}(?:\.\d{1,2})?))?\s*\*")


@dataclass(frozen=True, slots=True)
class DaggerIndex:
    daggers_by_asterisk: dict[str, tuple[str, ...]]
    asterisk_by_label: frozenset[str]

    def is_asterisk(self, code: str) -> bool:
        return self.known_daggers(code) is not None or code in self.asterisk_by_label

    def known_daggers(self, code: str) -> tuple[str, ...] | None:
        """Daggers of an asterisk code (matched on the asterisk or its category), or None if none is known."""
        for key in (code, code[:4], code[:3]):
            if key in self.daggers_by_asterisk:
                return self.daggers_by_asterisk[key]
        return None


def pairs_from_labels(terminology: Terminology) -> list[tuple[str, str]]:
    """(dagger, asterisk) pairs written in labels, "Orchite ourlienne (N51.1*)" -> ("B260", "N511");
    a range "M07.0-M07.3*" names its ends only when both exist in the table."""
    pairs: list[tuple[str, str]] = []
    for entry in terminology:
        if entry.deleted or "*" not in entry.label:
            continue
        for group in _MARKED.findall(entry.label):
            for start, end in _MARKED_CODE.findall(group):
                first = start.replace(".", "")
                last = end.replace(".", "") if end else first
                if first == last:
                    targets = [first]
                else:
                    span = CodeRange(first, last)
                    targets = [
                        c for c in terminology.codes_with_prefix(first[:3]) if len(c) == len(first) and c in span
                    ]
                pairs.extend((entry.code, target) for target in dict.fromkeys(targets))
    return pairs


_CACHE: weakref.WeakKeyDictionary[Terminology, DaggerIndex] = weakref.WeakKeyDictionary()


def dagger_index(terminology: Terminology, rules: RulesData) -> DaggerIndex:
    cached = _CACHE.get(terminology)
    if cached is not None:
        return cached
    daggers: dict[str, list[str]] = defaultdict(list)
    for dagger, asterisk in [*rules.dagger_pairs, *pairs_from_labels(terminology)]:
        if dagger not in daggers[asterisk]:
            daggers[asterisk].append(dagger)
    pattern = re.compile(strip_accents(rules.settings["dagger"]["asterisk_label_pattern"]), re.IGNORECASE)
    by_label = frozenset(e.code for e in terminology if not e.deleted and pattern.search(strip_accents(e.label)))
    index = DaggerIndex({k: tuple(v) for k, v in daggers.items()}, by_label)
    _CACHE[terminology] = index
    return index


def _related(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def check_dagger_asterisk(coding: StayCoding, terminology: Terminology, rules: RulesData) -> list[RuleWarning]:
    index = dagger_index(terminology, rules)
    codes = coding.codes()
    warnings: list[RuleWarning] = []
    for code in codes:
        if not index.is_asterisk(code):
            continue
        daggers = index.known_daggers(code) or ()
        others = [c for c in codes if c != code and not index.is_asterisk(c)]
        examples = ", ".join(daggers[:4]) + (" …" if len(daggers) > 4 else "")
        if not others:
            hint = f" (p. ex. {examples})" if daggers else ""
            warnings.append(
                RuleWarning(
                    "asterisk-without-dagger",
                    code,
                    f"{code} est un code astérisque (manifestation) codé sans son étiologie : coder aussi le code "
                    f"dague{hint}",
                    None,
                )
            )
        elif daggers and not any(_related(other, dagger) for other in others for dagger in daggers):
            warnings.append(
                RuleWarning(
                    "asterisk-without-dagger",
                    code,
                    f"{code} est un code astérisque : aucune de ses étiologies connues ({examples}, liste partielle) "
                    f"n'est codée, vérifier le code dague",
                    None,
                    "warning",
                )
            )
    return warnings
