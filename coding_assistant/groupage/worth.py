"""What one code is worth to a stay: the GHM, GHS and tariff with and without it (for the review screens).

`code_worth(facts, "E440")` groups the stay twice — with the DAS and without it — and answers the difference:
for a DAS already coded, what removing it would lose; for a candidate not coded, what adding it would bring.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coding_assistant.groupage.codes import atih
from coding_assistant.groupage.grouper import Grouper, default_grouper
from coding_assistant.groupage.model import CmaVerdict, GroupingResult, StayFacts


@dataclass(frozen=True, slots=True)
class Grouped:
    ghm: str | None
    ghs: int | None
    tariff_eur: float | None

    @classmethod
    def of(cls, result: GroupingResult) -> Grouped:
        return cls(result.ghm, result.ghs, result.tariff_eur)

    def as_dict(self) -> dict[str, Any]:
        return {"ghm": self.ghm, "ghs": self.ghs, "tariff_eur": self.tariff_eur}


@dataclass(frozen=True, slots=True)
class CodeWorth:
    """`action`: "remove" for a coded DAS, "add" for a candidate. `worth_eur`: tariff with the code minus
    tariff without it (None when either GHM has no tariff); `verdict`: the code's CMA verdict when coded."""

    code: str
    action: str
    with_code: Grouped
    without_code: Grouped
    worth_eur: float | None
    verdict: CmaVerdict | None

    @property
    def changes_ghm(self) -> bool:
        return self.with_code.ghm != self.without_code.ghm

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "action": self.action,
            "with": self.with_code.as_dict(),
            "without": self.without_code.as_dict(),
            "worth_eur": self.worth_eur,
            "changes_ghm": self.changes_ghm,
            "cma": self.verdict.as_dict() if self.verdict else None,
        }


def code_worth(facts: StayFacts, code: str, grouper: Grouper | None = None) -> CodeWorth:
    """GHM/GHS/tariff difference made by one DAS: removing it if coded, adding it otherwise."""
    grouper = grouper or default_grouper()
    code = atih(code)
    coded = code in facts.das
    with_facts = facts if coded else facts.with_das([*facts.das, code])
    without_facts = facts.with_das([d for d in facts.das if d != code]) if coded else facts
    with_result, without_result = grouper.group(with_facts), grouper.group(without_facts)
    worth = None
    if with_result.tariff_eur is not None and without_result.tariff_eur is not None:
        worth = round(with_result.tariff_eur - without_result.tariff_eur, 2)
    verdict = next((v for v in with_result.cma if v.code == code), None)
    return CodeWorth(
        code=code,
        action="remove" if coded else "add",
        with_code=Grouped.of(with_result),
        without_code=Grouped.of(without_result),
        worth_eur=worth,
        verdict=verdict,
    )


def coded_das_worth(facts: StayFacts, grouper: Grouper | None = None) -> list[CodeWorth]:
    """The worth of each DAS coded on the stay, in coding order."""
    return [code_worth(facts, code, grouper) for code in dict.fromkeys(facts.das)]
