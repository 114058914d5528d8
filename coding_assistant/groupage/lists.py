"""Membership of codes in the D-lists (diagnoses) and A-lists (acts) the GHM trees test.

The list contents come from older manuals (D-lists 2024, A-lists 2021) than the trees (2026). A code absent
from every D-list is looked up by its parent codes (I2100 -> I210 -> I21), with a note; a list the tree names
that the files lack is "unknown" and reported by `mismatch_report`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from coding_assistant.groupage.model import Act

# "D-0101": the medical lists that share out the DPs of a CMD (the DP tests of the CMD trees, Manuel des GHM
# vol. 3); their CMD column orients a DP.
ORIENTATION_LIST_RE = re.compile(r"^D-\d{4}$")
EMPTY: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class DiagnosisLists:
    """The lists of one diagnosis code, and the parent code they were found under (None: the code itself)."""

    lists: frozenset[str]
    via: str | None = None


@dataclass
class ListIndex:
    diagnosis: dict[str, frozenset[str]]
    diagnosis_list_cmds: dict[str, frozenset[str]]
    diagnosis_list_labels: dict[str, str]
    acts: dict[str, dict[str, frozenset[str]]]  # CCAM code -> list -> phases
    act_list_sizes: dict[str, int]
    diagnosis_list_sizes: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, diagnosis_rows: list[dict[str, str]], act_rows: list[dict[str, str]]) -> ListIndex:
        diagnosis: dict[str, set[str]] = {}
        cmds: dict[str, set[str]] = {}
        labels: dict[str, str] = {}
        sizes: dict[str, set[str]] = {}
        for row in diagnosis_rows:
            name, code = row["list"].strip(), row["code"].strip().upper()
            diagnosis.setdefault(code, set()).add(name)
            cmds.setdefault(name, set()).add(row["cmd"].strip())
            labels.setdefault(name, (row.get("list_label") or "").strip())
            sizes.setdefault(name, set()).add(code)
        acts: dict[str, dict[str, set[str]]] = {}
        act_sizes: dict[str, set[str]] = {}
        for row in act_rows:
            name, code = row["list"].strip(), row["ccam_code"].strip().upper()
            acts.setdefault(code, {}).setdefault(name, set()).add((row.get("phase") or "0").strip() or "0")
            act_sizes.setdefault(name, set()).add(code)
        return cls(
            diagnosis={code: frozenset(names) for code, names in diagnosis.items()},
            diagnosis_list_cmds={name: frozenset(values) for name, values in cmds.items()},
            diagnosis_list_labels=labels,
            acts={code: {name: frozenset(p) for name, p in by_list.items()} for code, by_list in acts.items()},
            act_list_sizes={name: len(codes) for name, codes in act_sizes.items()},
            diagnosis_list_sizes={name: len(codes) for name, codes in sizes.items()},
        )

    def __post_init__(self) -> None:
        self.lists_of_diagnosis = lru_cache(maxsize=65_536)(self._lists_of_diagnosis)

    def _lists_of_diagnosis(self, code: str) -> DiagnosisLists:
        found = self.diagnosis.get(code)
        if found is not None:
            return DiagnosisLists(found)
        for end in range(len(code) - 1, 2, -1):
            parent = self.diagnosis.get(code[:end])
            if parent is not None:
                return DiagnosisLists(parent, code[:end])
        return DiagnosisLists(EMPTY)

    def lists_of_act(self, act: Act) -> frozenset[str]:
        """The A-lists holding this act; a list that names phases holds the act only in those phases."""
        by_list = self.acts.get(act.code)
        if not by_list:
            return EMPTY
        return frozenset(name for name, phases in by_list.items() if not act.phase or act.phase in phases)

    def knows(self, name: str) -> bool:
        return name in self.diagnosis_list_cmds or name in self.act_list_sizes

    def size(self, name: str) -> int | None:
        if name in self.diagnosis_list_sizes:
            return self.diagnosis_list_sizes[name]
        return self.act_list_sizes.get(name)


def mismatch_report(tree_lists: dict[str, dict[str, Any]], index: ListIndex, years: dict[str, str]) -> dict[str, Any]:
    """The lists a tree names that the list files lack, lists whose size differs, lists the trees never name.

    `tree_lists` is the tree file's `listes` (name -> libelle, nature, codes); `years` names the files' years.
    """
    missing, resized = [], []
    for name, info in sorted(tree_lists.items()):
        expected = info.get("codes")
        if not index.knows(name):
            entry = {"list": name, "label": info.get("libelle"), "nature": info.get("nature"), "codes": expected}
            if expected == 0:
                entry["handled_as"] = "no codes in the manual either: read as any operating act"
            missing.append(entry)
            continue
        found = index.size(name)
        if isinstance(expected, int) and found != expected:
            resized.append({"list": name, "label": info.get("libelle"), "tree_codes": expected, "file_codes": found})
    named = set(tree_lists)
    unused = sorted(n for n in (*index.diagnosis_list_cmds, *index.act_list_sizes) if n not in named)
    return {
        "years": years,
        "tree_lists": len(tree_lists),
        "missing": missing,
        "size_differs": resized,
        "not_in_trees": unused,
        "note": "a missing list is tested as not met (with a warning on the stays whose walk reaches it)",
    }
