"""What the GHM trees say about themselves, gathered once: the act groups that their boxes name without a list,
the lists of the DP/DR inversion, the reference weights of the newborn groups, the CMDs that test each D-list.

"Acte op. de la CMD nn" and "Acte opératoire" boxes (Manuel des GHM vol. 3) name the operating acts of a surgical
part without listing them: they are the A-lists tested along the part's "sinon" chain whose branches lead to
surgical roots (C); "Acte interventionnel majeur" names those of the same chain that lead to interventional
roots (K). A list tested inside a branch (a qualifier such as "Acte sous CEC") is not one of them.
"""

from __future__ import annotations

import re
from typing import Any

from coding_assistant.groupage.tree_tests import ACT_SYMBOLS, DIAGNOSIS_SYMBOLS

_GNN_REF_RE = re.compile(r"^\s*(\d+)\s*=\s*(\d+)\s*g\s+et\s+(\d+)\s*SA", re.IGNORECASE)


class TreeFacts:
    def __init__(self, nodes: dict[str, dict[str, Any]]) -> None:
        self._nodes = nodes
        self._roots_memo: dict[str, frozenset[str]] = {}
        self.diagnosis_lists_by_cmd = self._diagnosis_lists_by_cmd()
        self.operating_by_target, self.interventional_by_target = self._act_groups()
        self.operating: frozenset[str] = frozenset().union(*self.operating_by_target.values())
        self.inversion_lists = frozenset(
            name
            for node in nodes.values()
            if node.get("variable") == "Inversion DP/DR"
            for branch in node["branches"]
            for name in branch["listes"]
        )
        self.gnn_references = self._gnn_references()

    def _diagnosis_lists_by_cmd(self) -> dict[str, frozenset[str]]:
        """D-list -> the CMDs whose trees test it on a diagnosis."""
        found: dict[str, set[str]] = {}
        for node in self._nodes.values():
            if node["genre"] == "test" and node.get("symbole") in DIAGNOSIS_SYMBOLS:
                for branch in node["branches"]:
                    for name in branch["listes"]:
                        found.setdefault(name, set()).add(node["cmd"])
        return {name: frozenset(cmds) for name, cmds in found.items()}

    def _outputs(self, node: dict[str, Any]) -> list[str]:
        out = [branch["vers"] for branch in node.get("branches", [])]
        out += [node[key]["vers"] for key in ("sinon", "suite") if node.get(key)]
        return out

    def _reachable_types(self, node_id: str) -> frozenset[str]:
        """Types (C, K, M, Z…) of the GHM roots reachable from a box, not crossing a renvoi."""
        if node_id in self._roots_memo:
            return self._roots_memo[node_id]
        self._roots_memo[node_id] = frozenset()
        node = self._nodes[node_id]
        if node["genre"] == "ghm":
            found = frozenset({node["racine"][2]})
        else:
            found = frozenset().union(*(self._reachable_types(n) for n in self._outputs(node)))
        self._roots_memo[node_id] = found
        return found

    def _chain_lists(self, start: str) -> tuple[set[str], set[str]]:
        """A-lists along the "sinon" chain from `start`: those leading to surgical roots, to interventional."""
        operating: set[str] = set()
        interventional: set[str] = set()
        node_id: str | None = start
        seen: set[str] = set()
        while node_id and node_id not in seen:
            seen.add(node_id)
            node = self._nodes[node_id]
            if node["genre"] not in ("test", "critere"):
                break
            if node.get("symbole") in ACT_SYMBOLS:
                for branch in node["branches"]:
                    types = self._reachable_types(branch["vers"])
                    target = operating if "C" in types else interventional if "K" in types else None
                    if target is not None:
                        target.update(branch["listes"])
            node_id = (node.get("sinon") or {}).get("vers")
        return operating, interventional

    def _act_groups(self) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
        """Operating-act lists of each surgical part ("Acte op. de la CMD nn" and "Acte opératoire" boxes),
        and the interventional lists of the same parts, keyed by the box's first branch target."""
        operating: dict[str, frozenset[str]] = {}
        interventional: dict[str, frozenset[str]] = {}
        for node in self._nodes.values():
            if node["genre"] != "test" or node.get("symbole") != "A":
                continue
            for branch in node["branches"]:
                if branch["listes"]:
                    continue
                op, inter = self._chain_lists(branch["vers"])
                operating[branch["vers"]] = frozenset(op)
                interventional[branch["vers"]] = frozenset(inter)
        return operating, interventional

    def _gnn_references(self) -> dict[int, tuple[int, int]]:
        """Newborn group -> (weight g, gestational age SA) from the GNN boxes' labels ("1 = 3300g et 40 SA")."""
        found: dict[int, tuple[int, int]] = {}
        for node in self._nodes.values():
            if node.get("variable") == "GNN":
                for branch in node["branches"]:
                    if match := _GNN_REF_RE.match(branch["libelle"]):
                        found[int(match.group(1))] = (int(match.group(2)), int(match.group(3)))
        return found
