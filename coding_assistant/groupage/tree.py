"""Walking the GHM decision trees of the Manuel des GHM 2026 (volume 3) for one stay.

Orientation (volume 1): the special CMDs first, in the manual's order — 28 (séances), 27 (transplantations),
26 (traumatismes multiples graves), 25 (VIH), 15 (nouveau-nés) — each tree ending in a "renvoi" box when the
stay is not for it; then the CMD of the DP (`orientation.py`) and its tree, down to a GHM box (root and the
letters it allows) or an error box (90Z01Z, 90Z02Z).

Boxes ("genre") and what the walk does with them:
  test, critere: the first branch whose test is met (`tree_tests.py`), else "sinon"; no branch and no "sinon":
    the error GHM 90Z02Z (autres erreurs détectées dans le parcours de l'arbre) — unless a list of the box is
    missing from the files: then its last branch ("Autre …"), with a warning;
  ghm: the end; erreur: the error GHM it names; renvoi: back to the orientation;
  sans_relation: the stay has no operating act of the CMD: its other operating acts are set aside (warning)
    and the walk goes on with the non-surgical part;
  gnn: the newborn group is worked out (approximated: the ATIH weight × gestational-age table is not shipped);
  inversion: a DP of exploration or surveillance (the lists of the "Inversion DP/DR" boxes, D-057) with a DR:
    the DR becomes the DP for the orientation and the rest of the walk.
A box of another kind, or a test the walk cannot read, is counted by `coverage` and taken as not met.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from coding_assistant.groupage.lists import ListIndex
from coding_assistant.groupage.model import StayFacts
from coding_assistant.groupage.orientation import Orientation
from coding_assistant.groupage.severity import Leaf
from coding_assistant.groupage.tree_facts import TreeFacts
from coding_assistant.groupage.tree_state import WalkState
from coding_assistant.groupage.tree_tests import (
    CRITERE_VARIABLES,
    TEST_SYMBOLS,
    Test,
    UnsupportedTest,
    act_test,
    build_critere,
    build_test,
)

MAX_STEPS = 500
ERROR_NO_CMD = "90Z00Z"  # erreurs détectées… (here: a DP that leads to no CMD)
ERROR_PATH = "90Z02Z"  # autres erreurs détectées dans le parcours de l'arbre de groupage
ERROR_RUN = "90Z03Z"  # erreur d'exécution
_CMD_LABEL_RE = re.compile(r"^CMD?\s*(\d{2})$")
_OP_OF_CMD_RE = re.compile(r"^Acte op\. de la CMD?\s*(\d{2})$")


@dataclass(slots=True)
class Node:
    id: str
    genre: str
    kind: str
    branches: tuple[tuple[Test, str], ...] = ()
    otherwise: str | None = None
    leaf: Leaf | None = None
    error_root: str | None = None
    supported: bool = True
    missing_lists: bool = False  # a branch names a list the list files lack


@dataclass(slots=True)
class WalkOutcome:
    kind: str  # "ghm" | "error"
    leaf: Leaf | None
    error_root: str | None
    state: WalkState
    reason: str = ""


@dataclass(slots=True)
class Coverage:
    genres: Counter[str] = field(default_factory=Counter)
    test_symbols: Counter[str] = field(default_factory=Counter)
    critere_variables: Counter[str] = field(default_factory=Counter)
    unsupported: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        kinds = len(self.genres) + len(self.test_symbols) + len(self.critere_variables)
        return {
            "node_kinds": kinds,
            "genres": dict(self.genres),
            "test_symbols": dict(self.test_symbols),
            "critere_variables": dict(self.critere_variables),
            "fallback_nodes": self.unsupported,
        }


class GhmTree:
    def __init__(self, raw: dict[str, Any], lists: ListIndex) -> None:
        self.raw_nodes: dict[str, dict[str, Any]] = raw["noeuds"]
        self.tree_lists: dict[str, dict[str, Any]] = raw["listes"]
        self.lists = lists
        facts = TreeFacts(self.raw_nodes)
        self.orientation = Orientation(lists, facts.diagnosis_lists_by_cmd)
        self.cmd_roots = {entry["cmd"]: entry["racine"] for entry in raw["cmd"]}
        self.special_order = [step["cmd"] for step in raw["orientation"] if step.get("cmd")]
        self.operating_by_target = facts.operating_by_target
        self.interventional_by_target = facts.interventional_by_target
        self.operating = facts.operating
        self.inversion_lists = facts.inversion_lists
        self.gnn_references = facts.gnn_references
        self.coverage = Coverage()
        self.nodes = {node_id: self._compile(node_id, node) for node_id, node in self.raw_nodes.items()}

    # -- compiling ------------------------------------------------------------------------------------------
    def _compile(self, node_id: str, node: dict[str, Any]) -> Node:
        genre = node["genre"]
        self.coverage.genres[genre] += 1
        otherwise = (node.get("sinon") or node.get("suite") or {}).get("vers")
        if genre == "ghm":
            leaf = Leaf(node["racine"], node.get("haut"), node.get("bas"), node.get("couleur"))
            return Node(node_id, genre, genre, leaf=leaf)
        if genre == "erreur":
            return Node(node_id, genre, genre, error_root=node["racine"])
        if genre in ("renvoi", "sans_relation", "gnn", "inversion"):
            return Node(node_id, genre, genre, otherwise=otherwise)
        if genre not in ("test", "critere"):
            self.coverage.unsupported.append(node_id)
            return Node(node_id, genre, genre, otherwise=otherwise, supported=False)
        # Every test box of the ATIH tree names its symbol (critere: its variable); one without goes the
        # unsupported way, like an unknown symbol.
        key: str = node.get("symbole", "") if genre == "test" else node.get("variable", "")
        kind = f"{genre}:{key}"
        counter = self.coverage.test_symbols if genre == "test" else self.coverage.critere_variables
        counter[key] += 1
        branches = []
        supported = key in (TEST_SYMBOLS if genre == "test" else CRITERE_VARIABLES)
        for branch in node["branches"]:
            try:
                test = self._branch_test(genre, key, branch)
            except UnsupportedTest:
                supported = False
                test = self._fallback(node_id, branch["libelle"])
            branches.append((test, branch["vers"]))
        if not supported:
            self.coverage.unsupported.append(node_id)
        missing = any(not self.lists.knows(name) for branch in node["branches"] for name in branch["listes"])
        return Node(node_id, genre, kind, tuple(branches), otherwise, supported=supported, missing_lists=missing)

    def _branch_test(self, genre: str, key: str, branch: dict[str, Any]) -> Test:
        label, names = branch["libelle"], list(branch["listes"])
        if genre == "critere":
            return build_critere(key, label, names, self.lists)
        if not names:
            return self._unlisted_test(key, label, branch["vers"])
        empty = len(names) == 1 and self.tree_lists.get(names[0], {}).get("codes") == 0
        if key == "A" and empty and label.startswith("Acte opératoire"):
            # "Acte opératoire (A-001)": a list without codes in the manual, any operating act
            return act_test("A", self.operating, self.operating)
        return build_test(key, names, label, self.lists, self.operating)

    def _unlisted_test(self, symbol: str, label: str, target: str) -> Test:
        if symbol == "DP" and (match := _CMD_LABEL_RE.match(label)):
            cmd = match.group(1)
            return lambda s: s.cmd == cmd
        if symbol == "AG":
            return build_test("AG", [], label, self.lists, self.operating)
        if symbol == "A" and _OP_OF_CMD_RE.match(label):
            return act_test("A", self.operating_by_target[target], self.operating)
        if symbol == "A" and label == "Acte opératoire":
            return act_test("A", self.operating, self.operating)
        if symbol == "A" and label == "Acte interventionnel majeur":
            return act_test("A", self.interventional_by_target[target], self.operating)
        raise UnsupportedTest(label)

    @staticmethod
    def _fallback(node_id: str, label: str) -> Test:
        def not_met(state: WalkState) -> bool:
            state.warn(f"box {node_id} («{label}») cannot be read by the preview: taken as not met")
            return False

        return not_met

    # -- walking --------------------------------------------------------------------------------------------
    def walk(self, facts: StayFacts) -> WalkOutcome:
        state = WalkState.start(facts, self.lists)
        for cmd in self.special_order:
            outcome = self._run(self.cmd_roots[cmd], state)
            if outcome is not None:
                return outcome
        cmd, note = self.orientation.cmd_of(state.dp, facts.sex)
        if note:
            state.warn(note)
        if cmd is None:
            return WalkOutcome("error", None, ERROR_NO_CMD, state, f"DP {state.dp} leads to no CMD")
        state.cmd = cmd
        outcome = self._run(self.cmd_roots[cmd], state)
        if outcome is None:
            return WalkOutcome("error", None, ERROR_RUN, state, f"the tree of CMD {cmd} sends the stay back")
        return outcome

    def _run(self, start: str, state: WalkState) -> WalkOutcome | None:
        """Walk from `start` to a GHM or error box (its outcome), or to a renvoi box (None)."""
        node_id: str | None = start
        for _ in range(MAX_STEPS):
            assert node_id is not None
            node = self.nodes[node_id]
            state.path.append(node_id)
            genre = node.genre
            if genre == "ghm":
                return WalkOutcome("ghm", node.leaf, None, state)
            if genre == "erreur":
                return WalkOutcome("error", None, node.error_root, state, f"error box {node_id} of the tree")
            if genre == "renvoi":
                return None
            if genre in ("test", "critere"):
                next_id = node.otherwise
                for test, target in node.branches:
                    if test(state):
                        next_id = target
                        break
                if next_id is None and node.missing_lists and node.branches:
                    # A box without "sinon" shares out every case; when one of its lists is missing from the
                    # files, the case the files cannot place is taken as the last one ("Autre …").
                    next_id = node.branches[-1][1]
                    state.warn(f"box {node_id}: no branch met with the lists at hand, its last branch taken")
                if next_id is None:
                    reason = f"no branch of box {node_id} ({node.kind}) is met"
                    state.warn(f"{reason}: error GHM {ERROR_PATH}")
                    return WalkOutcome("error", None, ERROR_PATH, state, reason)
                node_id = next_id
                continue
            if genre == "sans_relation":
                self._set_aside_operating_acts(state)
            elif genre == "gnn":
                self._newborn_group(state)
            elif genre == "inversion":
                self._invert(state)
            else:
                state.warn(f"box {node_id} of kind {genre} is not read by the preview: passed")
            if node.otherwise is None:
                return WalkOutcome("error", None, ERROR_PATH, state, f"box {node_id} leads nowhere")
            node_id = node.otherwise
        return WalkOutcome("error", None, ERROR_RUN, state, "the walk did not end")

    def _set_aside_operating_acts(self, state: WalkState) -> None:
        unrelated = [act.code for act, lists in state.act_lists if not self.operating.isdisjoint(lists)]
        if unrelated:
            state.warn(
                f"operating act(s) {', '.join(unrelated)} not in the surgical part of CMD {state.cmd}: "
                "set aside, the stay is grouped in the medical part"
            )

    def _newborn_group(self, state: WalkState) -> None:
        if state.gnn is not None:
            return
        facts = state.facts
        weight, weeks = facts.birth_weight, facts.gestational_age
        if not weight and not weeks:
            state.warn("birth weight and gestational age unknown: newborn group (GNN) unknown")
            return

        def distance(group: int) -> float:
            ref_weight, ref_weeks = self.gnn_references[group]
            gap = abs(weight - ref_weight) / 200 if weight else 0.0
            return gap + (abs(weeks - ref_weeks) if weeks else 0.0)

        state.gnn = min(self.gnn_references, key=lambda group: (distance(group), -group))
        state.warn(f"newborn group GNN {state.gnn} approximated from the nearest reference weight/term")

    def _invert(self, state: WalkState) -> None:
        if state.inverted or not state.dr or self.inversion_lists.isdisjoint(state.dp_lists):
            return
        state.warn(f"DP {state.dp} (exploration or surveillance) with a DR: DP/DR inversion, the DR {state.dr} orients")
        state.set_diagnoses(state.dr, state.dp)
        state.inverted = True
