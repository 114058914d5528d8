"""The coder's working coding of one stay, between opening it and validating it.

A draft starts from the latest decision when the stay has one (a validated stay reopens as it was validated),
else from the product's pre-selected proposals. It remembers the stay's `version` at that moment: the store
refuses a save when someone else saved since (optimistic locking), and the draft's choices stay on screen so
that the coder can reload the stay and reapply them instead of losing them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from coding_assistant.schema import Codes, Evidence, Proposal
from coding_assistant.store import Decision

Role = Literal["DP", "DR", "DAS"]
DEFAULT_ROLE: Role = "DAS"


@dataclass(frozen=True, slots=True)
class Line:
    """A code the coder can keep or drop: a proposal, a code of an earlier decision, or one they added."""

    code: str
    label: str
    score: float | None  # None: not proposed by the product
    proposed_role: Role | None
    preselected: bool  # ticked by the product
    evidence: tuple[Evidence, ...] = ()
    notes: tuple[str, ...] = ()
    added: bool = False  # added by a coder (search), not in the proposals


@dataclass(frozen=True, slots=True)
class Choice:
    kept: bool
    role: Role


@dataclass
class Draft:
    stay_id: str
    version: int  # the stay's version this draft was built on (passed back to save_decision)
    model_version: str | None
    lines: list[Line]
    choices: dict[str, Choice]
    # The widgets' keys carry it. The UI gives the draft a new one whenever the choices change from outside the
    # widgets (`add` of a listed code, `reapply`), so that the widgets start again from the draft.
    generation: int = 0
    unsaved: bool = field(default=False)
    # The coding as saved (or as proposed, before any save): the draft is unsaved when it differs from it.
    baseline: Codes | None = None

    def line(self, code: str) -> Line | None:
        return next((line for line in self.lines if line.code == code), None)

    def _changed(self) -> None:
        self.unsaved = True if self.baseline is None else self.codes() != self.baseline

    def choose(self, code: str, kept: bool, role: Role) -> None:
        choice = Choice(kept, role)
        if self.choices.get(code) != choice:
            self.choices[code] = choice
            self._changed()

    def set_role(self, code: str, role: Role) -> None:
        """Keep `code` in `role`, in one move. A stay has one DP and at most one DR: the code that held the role
        becomes a DAS (still kept), so that the coding is never left with two DPs or none in between."""
        if role in ("DP", "DR"):
            for other in self.kept(role):
                if other != code:
                    self.choices[other] = Choice(True, "DAS")
        self.choices[code] = Choice(True, role)
        self._changed()

    def drop(self, code: str) -> None:
        """Leave `code` out of the coding; it loses its role (kept again later, it comes back as a DAS)."""
        if code in self.choices:
            self.choices[code] = Choice(False, DEFAULT_ROLE)
            self._changed()

    def add(self, code: str, label: str, role: Role = DEFAULT_ROLE) -> bool:
        """Add a code the coder found, kept in `role`; False when it was listed already (then it is kept)."""
        listed = self.line(code) is not None
        if not listed:
            self.lines.append(Line(code, label, None, None, False, added=True))
            self.choices[code] = Choice(False, DEFAULT_ROLE)
        self.set_role(code, role)
        return not listed

    def current(self) -> list[tuple[Role, Line]]:
        """The kept codes with their role, DP first, then DR, then the DAS in the lines' order."""
        kept = [(self.choices[line.code].role, line) for line in self.lines if self.choices[line.code].kept]
        order = {"DP": 0, "DR": 1, "DAS": 2}
        return sorted(kept, key=lambda pair: order[pair[0]])

    def candidates(self) -> list[Line]:
        """The codes not kept: proposals best score first, then codes added and dropped again."""
        left = [line for line in self.lines if not self.choices[line.code].kept]
        return sorted(left, key=lambda line: -(line.score if line.score is not None else -1.0))

    def stored(self) -> tuple[dict[str, dict[str, object]], list[dict[str, str]]]:
        """The draft as the store keeps it: each code's choice, and the codes added by the coder."""
        choices: dict[str, dict[str, object]] = {
            code: {"kept": choice.kept, "role": choice.role} for code, choice in self.choices.items()
        }
        added = [{"code": line.code, "label": line.label} for line in self.lines if line.added]
        return choices, added

    def restore(self, choices: dict[str, dict[str, object]], added: Sequence[dict[str, str]]) -> None:
        """Put back a stored draft's choices (codes it added come back; codes unknown to it are dropped)."""
        for item in added:
            code = str(item.get("code", ""))
            if code and self.line(code) is None:
                self.lines.append(Line(code, str(item.get("label", "")), None, None, False, added=True))
        for line in self.lines:
            stored = choices.get(line.code)
            role = stored.get("role") if stored else None
            if stored is None or role not in ("DP", "DR", "DAS"):
                self.choices[line.code] = Choice(False, self.choices.get(line.code, Choice(False, "DAS")).role)
            else:
                self.choices[line.code] = Choice(bool(stored.get("kept")), role)
        self._changed()

    def kept(self, role: Role | None = None) -> list[str]:
        return [
            line.code
            for line in self.lines
            if self.choices[line.code].kept and (role is None or self.choices[line.code].role == role)
        ]

    def codes(self) -> Codes:
        """The coding to save: the first DP and DR kept, every kept DAS, in the lines' order."""
        dp, dr = self.kept("DP"), self.kept("DR")
        return Codes(dp=dp[0] if dp else None, dr=dr[0] if dr else None, das=self.kept("DAS"))

    def problems(self) -> list[str]:
        """What keeps the coding from being saved, in French for the coder."""
        problems = []
        dp, dr = self.kept("DP"), self.kept("DR")
        if not dp:
            problems.append("Aucun diagnostic principal (DP) retenu : choisissez-en un.")
        if len(dp) > 1:
            problems.append(f"Un seul DP par séjour : {', '.join(dp)} sont tous en DP.")
        if len(dr) > 1:
            problems.append(f"Un seul DR par séjour : {', '.join(dr)} sont tous en DR.")
        return problems

    def saved(self, version: int) -> None:
        self.version, self.unsaved, self.baseline = version, False, self.codes()

    def reapply(self, choices: dict[str, Choice], lines: Sequence[Line]) -> None:
        """Make the coding equal to an earlier draft's (after a reload): its added codes come back, its choices
        replace the reloaded ones, and codes it did not keep are dropped."""
        for line in lines:
            if self.line(line.code) is None:
                self.lines.append(replace(line, added=True))
        for line in self.lines:
            previous = choices.get(line.code)
            self.choices[line.code] = previous if previous is not None else Choice(False, self.choices[line.code].role)
        self._changed()


def draft_from(
    stay_id: str,
    version: int,
    proposals: Sequence[Proposal],
    model_version: str | None,
    decision: Decision | None,
    label_of: Callable[[str], str],
    generation: int = 0,
) -> Draft:
    lines = [
        Line(
            p.code,
            p.label or label_of(p.code),
            p.score,
            p.role,
            p.selected,
            tuple(p.evidence),
            # The PMSI checks were computed on the product's own choice: the UI runs them again on the coder's,
            # so only the product's notes on its proposal are shown with it.
            tuple(note.message for note in p.warnings if not note.is_check),
        )
        for p in proposals
    ]
    listed = {line.code for line in lines}
    if decision is None:
        choices = {p.code: Choice(p.selected, p.role if p.selected and p.role else DEFAULT_ROLE) for p in proposals}
    else:
        decided: dict[str, Role] = {}
        if decision.dp:
            decided[decision.dp] = "DP"
        if decision.dr:
            decided.setdefault(decision.dr, "DR")
        for code in decision.das:
            decided.setdefault(code, "DAS")
        for code in decided:
            if code not in listed:
                lines.append(Line(code, label_of(code), None, None, False, added=True))
        choices = {
            line.code: Choice(line.code in decided, decided.get(line.code, line.proposed_role or DEFAULT_ROLE))
            for line in lines
        }
    draft = Draft(stay_id, version, model_version, lines, choices, generation)
    draft.baseline = draft.codes()
    return draft
