"""What a walk of the GHM trees knows about one stay: its codes' lists, its acts' lists, and what it changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from coding_assistant.groupage.lists import EMPTY, ListIndex
from coding_assistant.groupage.model import Act, StayFacts


@dataclass(slots=True)
class WalkState:
    facts: StayFacts
    lists: ListIndex
    dp: str = ""
    dr: str | None = None
    dp_lists: frozenset[str] = EMPTY
    dr_lists: frozenset[str] = EMPTY
    das_lists: list[tuple[str, frozenset[str]]] = field(default_factory=list)
    act_lists: list[tuple[Act, frozenset[str]]] = field(default_factory=list)
    acts_any: frozenset[str] = EMPTY
    inverted: bool = False
    gnn: int | None = None
    cmd: str | None = None  # the CMD the DP led to, once the special orientations are passed
    path: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _warned: set[str] = field(default_factory=set)

    @classmethod
    def start(cls, facts: StayFacts, lists: ListIndex) -> WalkState:
        state = cls(facts=facts, lists=lists)
        state.set_diagnoses(facts.dp, facts.dr)
        state.das_lists = [(code, state.lists_of(code)) for code in dict.fromkeys(facts.das)]
        state.act_lists = [(act, lists.lists_of_act(act)) for act in facts.acts]
        state.acts_any = frozenset().union(*(found for _, found in state.act_lists))
        return state

    def warn(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self.warnings.append(message)

    def lists_of(self, code: str) -> frozenset[str]:
        found = self.lists.lists_of_diagnosis(code)
        if found.via:
            self.warn(f"{code} absent from the D-lists: tested as its parent {found.via}")
        return found.lists

    def set_diagnoses(self, dp: str, dr: str | None) -> None:
        self.dp, self.dr = dp, dr
        self.dp_lists = self.lists_of(dp)
        self.dr_lists = self.lists_of(dr) if dr else EMPTY

    def diagnoses(self) -> list[tuple[str, frozenset[str], str]]:
        """(code, lists, role) of the DP, the DR and each DAS."""
        found = [(self.dp, self.dp_lists, "DP")]
        if self.dr:
            found.append((self.dr, self.dr_lists, "DR"))
        found += [(code, lists, "DAS") for code, lists in self.das_lists]
        return found
