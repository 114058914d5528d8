"""The coder's working coding of one stay, between opening it and validating it.

A draft starts from the latest decision when the stay has one (a validated stay reopens as it was validated),
else from the product's pre-selected proposals. It remembers the stay's `version` at that moment: the store
refuses a save when someone else saved since (optimistic locking), and the draft's choices stay on screen so
that the coder can reload the stay and reapply them instead of losing them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from coding_assistant.schema import ActProposal, Codes, Evidence, Proposal
from coding_assistant.store import DecidedAct, Decision

Role = Literal["DP", "DR", "DAS"]
DEFAULT_ROLE: Role = "DAS"
ActOrigin = Literal["proposed", "source", "decision", "added"]


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


@dataclass(frozen=True, slots=True)
class ActLine:
    """A CCAM act line the coder can keep or drop: a proposal, an act of the source RUM or of an earlier
    decision, or one they added. `key` names the line for its whole life (the code alone does not: an act and
    its anaesthesia are two lines with one code)."""

    key: str
    code: str
    label: str
    origin: ActOrigin
    activity: int = 1
    phase: int = 0
    date: date | None = None
    score: float | None = None  # None: not proposed by the product
    preselected: bool = False
    evidence: tuple[Evidence, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ActChoice:
    """What the coder chose for an act line: kept or not, and its activity, phase and date as edited."""

    kept: bool
    activity: int
    phase: int
    date: date | None


def _act_choice(line: ActLine, kept: bool) -> ActChoice:
    return ActChoice(kept, line.activity, line.phase, line.date)


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
    # The CCAM act lines, the coder's choice on each, and the acts as saved (or as proposed).
    act_lines: list[ActLine] = field(default_factory=list)
    act_choices: dict[str, ActChoice] = field(default_factory=dict)
    acts_baseline: list[DecidedAct] | None = None
    # The latest decision kept acts: acts stay reviewed even when none is left.
    acts_reviewed: bool = False

    def line(self, code: str) -> Line | None:
        return next((line for line in self.lines if line.code == code), None)

    def _changed(self) -> None:
        if self.baseline is None:
            self.unsaved = True
        else:
            self.unsaved = self.codes() != self.baseline or self.decided_acts() != self.acts_baseline

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
        self.acts_baseline = self.decided_acts()
        self.acts_reviewed = self.acts_baseline is not None

    # CCAM acts ------------------------------------------------------------------------------------------------
    def act_line(self, key: str) -> ActLine | None:
        return next((line for line in self.act_lines if line.key == key), None)

    def kept_acts(self) -> list[tuple[ActLine, ActChoice]]:
        """The kept act lines with the coder's activity, phase and date, by date then in the lines' order."""
        kept = [(line, self.act_choices[line.key]) for line in self.act_lines if self.act_choices[line.key].kept]
        return sorted(kept, key=lambda pair: pair[1].date or date.max)

    def act_candidates(self) -> list[ActLine]:
        """The act lines not kept: proposals best score first, then the others."""
        left = [line for line in self.act_lines if not self.act_choices[line.key].kept]
        return sorted(left, key=lambda line: -(line.score if line.score is not None else -1.0))

    def keep_act(self, key: str, kept: bool = True) -> None:
        choice = self.act_choices.get(key)
        if choice is not None and choice.kept != kept:
            self.act_choices[key] = replace(choice, kept=kept)
            self._changed()

    def _edit_act(self, key: str, **changes: Any) -> None:
        choice = self.act_choices.get(key)
        if choice is None:
            return
        edited = replace(choice, **changes)
        if edited != choice:
            self.act_choices[key] = edited
            self._changed()

    def set_act_activity(self, key: str, activity: int, phase: int) -> None:
        """A kept act's activity (1: the act, 4: its anaesthesia) and the phase the CCAM gives it."""
        self._edit_act(key, activity=activity, phase=phase)

    def set_act_date(self, key: str, day: date | None) -> None:
        self._edit_act(key, date=day)

    def add_act(self, code: str, label: str, activity: int, phase: int, day: date | None) -> str:
        """Add an act the coder found (kept); returns its line's key. The same act twice is two lines: an act
        done twice in a stay is coded twice, each with its date (CCAM descriptive rules)."""
        number = 1 + sum(1 for line in self.act_lines if line.origin == "added")
        key = f"{code}+{number}"
        while self.act_line(key) is not None:
            number += 1
            key = f"{code}+{number}"
        line = ActLine(key, code, label, "added", activity, phase, day)
        self.act_lines.append(line)
        self.act_choices[key] = _act_choice(line, True)
        self._changed()
        return key

    def decided_acts(self) -> list[DecidedAct] | None:
        """The acts to save with the coding; None when no act was shown nor added (not reviewed: the export then
        keeps the source RUM's acts as they are)."""
        if not self.act_lines and not self.acts_reviewed:
            return None
        return [DecidedAct(line.code, c.activity, c.phase, c.date) for line, c in self.kept_acts()]

    def stored_acts(self) -> list[dict[str, Any]] | None:
        """The act lines as the store keeps a draft: each line with the coder's choice; None without any."""
        if not self.act_lines:
            return None
        return [
            {
                "key": line.key,
                "code": line.code,
                "label": line.label,
                "origin": line.origin,
                "kept": choice.kept,
                "activity": choice.activity,
                "phase": choice.phase,
                "date": choice.date.isoformat() if choice.date else None,
            }
            for line in self.act_lines
            for choice in (self.act_choices[line.key],)
        ]

    def restore_acts(self, stored: Sequence[dict[str, Any]]) -> None:
        """Put back a stored draft's act choices (acts it added come back; lines it did not know are dropped)."""
        known = set()
        for item in stored:
            try:
                key, code = str(item["key"]), str(item["code"])
                day = date.fromisoformat(item["date"]) if item.get("date") else None
                choice = ActChoice(bool(item.get("kept")), int(item["activity"]), int(item["phase"]), day)
            except (KeyError, TypeError, ValueError):
                continue  # a draft written by another version: its line is left as it is now
            if self.act_line(key) is None:
                label = str(item.get("label", ""))
                self.act_lines.append(ActLine(key, code, label, "added", choice.activity, choice.phase, choice.date))
            self.act_choices[key] = choice
            known.add(key)
        for line in self.act_lines:
            if line.key not in known:
                self.act_choices[line.key] = replace(self.act_choices[line.key], kept=False)
        self._changed()

    def reapply_acts(self, lines: Sequence[ActLine], choices: dict[str, ActChoice]) -> None:
        """Make the acts equal to an earlier draft's (after a reload), like `reapply` for the diagnoses."""
        for line in lines:
            if self.act_line(line.key) is None:
                self.act_lines.append(replace(line, origin="added"))
        for line in self.act_lines:
            previous = choices.get(line.key)
            self.act_choices[line.key] = previous or replace(self.act_choices[line.key], kept=False)
        self._changed()

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


def act_lines_from(
    proposed: Sequence[ActProposal],
    source: Sequence[DecidedAct],
    decision: Decision | None,
    act_label: Callable[[str], str],
) -> tuple[list[ActLine], dict[str, ActChoice]]:
    """The act lines of a stay and the choices they start from.

    The product's act proposals, the acts of the RUM the stay was read from (kept: they were coded already,
    and a reviewed coding replaces the RUM's act zones, so none may be left out unseen) and, when the latest
    decision kept acts, those acts: then they alone are kept, as validated."""
    lines: list[ActLine] = []
    kept: dict[str, bool] = {}
    claimed: set[str] = set()
    for act in proposed:
        key = f"{act.code}-{act.activity}"
        if any(line.key == key for line in lines):
            key = f"{key}-{len(lines)}"
        notes = tuple(note.message for note in act.warnings)
        line = ActLine(
            key, act.code, act.label or act_label(act.code), "proposed", act.activity, act.phase, act.date,
            act.score, act.selected, tuple(act.evidence), notes,
        )  # fmt: skip
        lines.append(line)
        kept[key] = act.selected

    def claim(act: DecidedAct, origin: ActOrigin) -> None:
        """Keep the line this act is (same code and activity, not claimed yet), else add one for it."""
        for index, line in enumerate(lines):
            if (line.code, line.activity) == (act.code, act.activity) and line.key not in claimed:
                lines[index] = replace(line, phase=act.phase, date=act.date or line.date)
                kept[line.key] = True
                claimed.add(line.key)
                return
        key = f"{act.code}-{act.activity}-{origin}{len(lines)}"
        lines.append(ActLine(key, act.code, act_label(act.code), origin, act.activity, act.phase, act.date))
        kept[key] = True
        claimed.add(key)

    decided = decision.acts if decision is not None else None
    if decided is None:
        for act in source:
            claim(act, "source")
    else:
        kept = dict.fromkeys(kept, False)
        for act in decided:
            claim(act, "decision")
    return lines, {line.key: _act_choice(line, kept[line.key]) for line in lines}


def draft_from(
    stay_id: str,
    version: int,
    proposals: Sequence[Proposal],
    model_version: str | None,
    decision: Decision | None,
    label_of: Callable[[str], str],
    generation: int = 0,
    acts: Sequence[ActProposal] = (),
    source_acts: Sequence[DecidedAct] = (),
    act_label: Callable[[str], str] = lambda code: "",
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
    draft.act_lines, draft.act_choices = act_lines_from(acts, source_acts, decision, act_label)
    draft.acts_reviewed = decision is not None and decision.acts is not None
    draft.baseline, draft.acts_baseline = draft.codes(), draft.decided_acts()
    return draft
