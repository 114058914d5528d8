"""The tests of the GHM trees (Manuel des GHM 2026, volume 3), one builder per kind of box.

`test` boxes name a symbol and lists:
  DP, DR: the DP (or DR) is on a list;  DAS: a DAS is;  D: any diagnosis is;  DRbarre: the DP or a DAS
  (any diagnosis but the DR);  D2: two different diagnoses are, one of them at least a DAS;
  A: an act is;  A2: two different acts are;  Atous: every operating act of the stay is (and there is one);
  AG: an act with activity 4 (anaesthesia).
  "A" boxes without a list name act groups the manual does not list: "Acte op. de la CMD nn" (the operating
  acts of that CMD's surgical part), "Acte opératoire" (an operating act of any CMD), "Acte interventionnel
  majeur" (the interventional acts of the CMD's surgical part); `tree.py` gathers their lists from the tree.
`critere` boxes compare one variable: Âge (years or days), DS and Durée (nights), MS (exit mode), Dest (exit
  destination), ME (entry mode), Sexe, Nb Séances, Poids (birth weight), GNN (newborn group), Inversion DP/DR.
A test whose input is unknown, or whose list the list files lack, is taken as not met, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from coding_assistant.groupage.lists import ListIndex
from coding_assistant.groupage.tree_state import WalkState

Test = Callable[[WalkState], bool]

ACT_SYMBOLS = frozenset({"A", "A2", "Atous"})
DIAGNOSIS_SYMBOLS = frozenset({"DP", "DR", "DAS", "D", "DRbarre", "D2"})
TEST_SYMBOLS = ACT_SYMBOLS | DIAGNOSIS_SYMBOLS | {"AG"}
CRITERE_VARIABLES = frozenset(
    {"Âge", "DS", "Durée", "MS", "Dest", "ME", "Sexe", "Nb Séances", "Poids", "GNN", "Inversion DP/DR"}
)

EXIT_MODES = {"décès": "9", "transfert": "7", "mutation": "6", "domicile": "8"}
ENTRY_MODES = {"transfert": "7", "mutation": "6", "pie": "0", "domicile": "8", "naissance": "N"}
DESTINATIONS = {"mco": "1", "smr": "2", "ssr": "2", "sld": "3", "psychiatrie": "4"}
SEXES = {"féminin": "F", "masculin": "M"}

_COMPARE_RE = re.compile(r"^\s*(<=|>=|<|>|=)\s*(\d+)\s*([a-zé]*)\s*$")
_GNN_RE = re.compile(r"^\s*(\d+)\s*(?:à\s*(\d+))?")
_OPERATORS: dict[str, Callable[[int, int], bool]] = {
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "=": lambda a, b: a == b,
}


class UnsupportedTest(ValueError):
    """A box this module cannot read; the tree walk takes it as not met and says so."""


def _known(lists: ListIndex, names: list[str], label: str) -> tuple[frozenset[str], str | None]:
    missing = [n for n in names if not lists.knows(n)]
    note = None
    if missing:
        note = f"list {', '.join(missing)} ({label}), named by the trees, missing from the list files: not met"
    return frozenset(n for n in names if lists.knows(n)), note


def _with_note(test: Test, note: str | None, needs_acts: bool = False) -> Test:
    """`test`, warning `note` each time it runs (a stay without acts needs no warning about act lists)."""
    if note is None:
        return test

    def noted(state: WalkState) -> bool:
        if not needs_acts or state.facts.acts:
            state.warn(note)
        return test(state)

    return noted


def diagnosis_test(symbol: str, names: frozenset[str]) -> Test:
    def hits(lists: frozenset[str]) -> bool:
        return not names.isdisjoint(lists)

    if symbol == "DP":
        return lambda s: hits(s.dp_lists)
    if symbol == "DR":
        return lambda s: bool(s.dr) and hits(s.dr_lists)
    if symbol == "DAS":
        return lambda s: any(hits(lists) for _, lists in s.das_lists)
    if symbol == "D":
        return lambda s: any(hits(lists) for _, lists, _ in s.diagnoses())
    if symbol == "DRbarre":
        return lambda s: hits(s.dp_lists) or any(hits(lists) for _, lists in s.das_lists)
    if symbol == "D2":

        def two(s: WalkState) -> bool:
            found = {(code, role) for code, lists, role in s.diagnoses() if hits(lists)}
            codes = {code for code, _ in found}
            return len(codes) >= 2 and any(role == "DAS" for _, role in found)

        return two
    raise UnsupportedTest(symbol)


def act_test(symbol: str, names: frozenset[str], operating: frozenset[str]) -> Test:
    """Acts on `names`; `operating` is the set of operating-act lists (for Atous)."""
    if symbol == "A":
        return lambda s: not names.isdisjoint(s.acts_any)
    if symbol == "A2":
        return lambda s: len({act.code for act, lists in s.act_lists if not names.isdisjoint(lists)}) >= 2
    if symbol == "Atous":

        def every(s: WalkState) -> bool:
            classifying = [lists for _, lists in s.act_lists if not (operating | names).isdisjoint(lists)]
            return bool(classifying) and all(not names.isdisjoint(lists) for lists in classifying)

        return every
    raise UnsupportedTest(symbol)


def anaesthesia_test(state: WalkState) -> bool:
    return any(act.activity == "4" for act in state.facts.acts)


def build_test(symbol: str, names: list[str], label: str, lists: ListIndex, operating: frozenset[str]) -> Test:
    """A `test` box branch with lists."""
    if symbol == "AG":
        return anaesthesia_test
    known, note = _known(lists, names, label)
    if symbol in DIAGNOSIS_SYMBOLS:
        return _with_note(diagnosis_test(symbol, known), note)
    if symbol in ACT_SYMBOLS:
        return _with_note(act_test(symbol, known, operating), note, needs_acts=True)
    raise UnsupportedTest(symbol)


def _compare(label: str) -> tuple[Callable[[int, int], bool], int, str]:
    match = _COMPARE_RE.match(re.sub(r"(\d)([a-zé])", r"\1 \2", label.lower()))  # "1an" -> "1 an"
    if not match:
        raise UnsupportedTest(label)
    return _OPERATORS[match.group(1)], int(match.group(2)), match.group(3)


def _age_test(label: str) -> Test:
    operator, value, unit = _compare(label)
    in_days = unit.startswith("jour")

    def test(s: WalkState) -> bool:
        facts = s.facts
        if in_days:
            days = facts.age_days
            if days is None and facts.age is not None and facts.age >= 1:
                days = facts.age * 365
            if days is None:
                s.warn(f"age in days unknown: «{label}» taken as not met")
                return False
            return operator(days, value)
        if facts.age is None:
            s.warn(f"age unknown: «{label}» taken as not met")
            return False
        return operator(facts.age, value)

    return test


def _stay_length_test(label: str) -> Test:
    operator, value, _ = _compare(label)
    return lambda s: operator(s.facts.length_of_stay, value)


def _mode_test(label: str, table: dict[str, str], attribute: str) -> Test:
    """An entry or exit mode, or a destination; an absent mode reads as 8 (domicile), as on most RUMs."""
    words = {w.strip().lower() for w in re.split(r"[,/]| ou ", label.replace("vers ", ""))}
    wanted = {table[w] for w in words if w in table}
    if not wanted or len(wanted) != len(words):
        raise UnsupportedTest(label)

    default = None if attribute == "exit_destination" else "8"

    def test(s: WalkState) -> bool:
        value = getattr(s.facts, attribute) or default
        return value is not None and str(value).upper() in wanted

    return test


def _sex_test(label: str) -> Test:
    wanted = SEXES.get(label.strip().lower())
    if wanted is None:
        raise UnsupportedTest(label)

    def test(s: WalkState) -> bool:
        if s.facts.sex is None:
            s.warn(f"sex unknown: «{label}» taken as not met")
            return False
        return s.facts.sex == wanted

    return test


def _sessions_test(label: str) -> Test:
    operator, value, _ = _compare(label)
    return lambda s: operator(s.facts.sessions or 0, value)


def _weight_test(label: str) -> Test:
    operator, value, _ = _compare(label.replace("g", ""))

    def test(s: WalkState) -> bool:
        weight = s.facts.birth_weight
        if not weight:
            s.warn(f"birth weight unknown: «{label}» taken as not met")
            return False
        return operator(weight, value)

    return test


def gnn_range(label: str) -> tuple[int, int]:
    match = _GNN_RE.match(label)
    if not match:
        raise UnsupportedTest(label)
    low = int(match.group(1))
    return low, int(match.group(2) or low)


def _gnn_test(label: str) -> Test:
    low, high = gnn_range(label)

    def test(s: WalkState) -> bool:
        if s.gnn is None:
            s.warn(f"newborn group unknown: «GNN {label}» taken as not met")
            return False
        return low <= s.gnn <= high

    return test


def _inversion_test(names: frozenset[str]) -> Test:
    # The stay was oriented by its DR after the DP/DR inversion: its (first) DP is on the list.
    return lambda s: s.inverted and (not names or not names.isdisjoint(s.lists_of(s.facts.dp)))


def build_critere(variable: str, label: str, names: list[str], lists: ListIndex) -> Test:
    if variable == "Âge":
        return _age_test(label)
    if variable in ("DS", "Durée"):
        return _stay_length_test(label)
    if variable == "MS":
        return _mode_test(label, EXIT_MODES, "exit_mode")
    if variable == "Dest":
        return _mode_test(label, DESTINATIONS, "exit_destination")
    if variable == "ME":
        return _mode_test(label, ENTRY_MODES, "entry_mode")
    if variable == "Sexe":
        return _sex_test(label)
    if variable == "Nb Séances":
        return _sessions_test(label)
    if variable == "Poids":
        return _weight_test(label)
    if variable == "GNN":
        return _gnn_test(label)
    if variable == "Inversion DP/DR":
        known, note = _known(lists, names, label)
        return _with_note(_inversion_test(known), note)
    raise UnsupportedTest(variable)
