"""What the grouping preview reads (a stay's grouping facts) and what it answers."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class Act:
    """A CCAM act as the trees test it: code, activity (4 = anaesthesia) and phase."""

    code: str
    activity: str = "1"
    phase: str = "0"


@dataclass(frozen=True, slots=True)
class StayFacts:
    """Everything the trees and the severity rules look at, for one stay (one RSS).

    Modes follow the RUM: entry 0 (PIE), 6 (mutation), 7 (transfert), 8 (domicile), N (naissance); exit
    0 (PIE), 6, 7, 8, 9 (décès); exit destination 1 (MCO), 2 (SMR), 3 (SLD), 4 (psychiatrie), 6 (HAD)…
    """

    stay_id: str
    dp: str
    length_of_stay: int  # nights: exit date minus entry date
    dr: str | None = None
    das: tuple[str, ...] = ()
    acts: tuple[Act, ...] = ()
    age: int | None = None  # whole years on entry
    age_days: int | None = None  # days on entry, for newborns
    sex: str | None = None  # "M" or "F"
    entry_mode: str | None = None
    entry_origin: str | None = None
    exit_mode: str | None = None
    exit_destination: str | None = None
    birth_weight: int | None = None  # grams
    gestational_age: int | None = None  # weeks (SA)
    sessions: int = 0

    def with_das(self, das: tuple[str, ...] | list[str]) -> StayFacts:
        return replace(self, das=tuple(das))


@dataclass(frozen=True, slots=True)
class CmaVerdict:
    """One DAS seen as a CMA: its level on the CMA list (None: not a CMA), whether it raises the stay's level,
    and why or why not."""

    code: str
    level: int | None
    counts: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "level": self.level, "counts": self.counts, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Price:
    """The tariff of a GHS for a length of stay: base, bound adjustment and the rule that gave it."""

    ghs: int
    base_eur: float
    adjustment_eur: float
    total_eur: float
    low_bound_days: int
    high_bound_days: int
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "ghs": self.ghs,
            "base_eur": self.base_eur,
            "adjustment_eur": self.adjustment_eur,
            "low_bound_days": self.low_bound_days,
            "high_bound_days": self.high_bound_days,
            "rule": self.rule,
        }


@dataclass(slots=True)
class GroupingResult:
    """The preview of one stay: CMD, GHM, severity, GHS and tariff, each DAS's CMA verdict, the tree path."""

    stay_id: str
    cmd: str | None
    ghm: str | None
    ghm_label: str
    severity: str | None  # the GHM's last character: 1-4, A-D, J, T, Z, E
    price: Price | None
    cma: list[CmaVerdict]
    path: list[str]
    warnings: list[str]
    preview: str
    severity_steps: list[str] = field(default_factory=list)

    @property
    def ghs(self) -> int | None:
        return self.price.ghs if self.price else None

    @property
    def tariff_eur(self) -> float | None:
        return self.price.total_eur if self.price else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "stay_id": self.stay_id,
            "cmd": self.cmd,
            "ghm": self.ghm,
            "ghm_label": self.ghm_label,
            "severity": self.severity,
            "ghs": self.ghs,
            "tariff_eur": self.tariff_eur,
            "cma": [verdict.as_dict() for verdict in self.cma],
            "path": self.path,
            "warnings": self.warnings,
            "severity_steps": self.severity_steps,
            "tariff_detail": self.price.as_dict() if self.price else None,
            "preview": self.preview,
        }
