"""What a synthetic stay is made of before it is written: the patient, the coded conditions with the
wording and place of each mention, the treatments, and the distractors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from coding_assistant.synth.distractors import Distractor
from coding_assistant.synth.measurements import Measured


@dataclass
class Patient:
    sex: Literal["M", "F"]
    age: int
    admission: date
    discharge: date
    surname: str
    first_name: str
    hospital: str
    service: str
    doctor: str
    doctor2: str
    gp: str

    @property
    def length_of_stay(self) -> int:
        return (self.discharge - self.admission).days


@dataclass
class Mention:
    """One gold code and how the letter shows it."""

    code: str
    role: str  # DP, DR or DAS
    place: str  # dp, dr, chronic, acute, long_tail, external, delivery, status, metastasis
    text: str | None  # wording; None when only the measurement (or a drug line) shows the condition
    measure: Measured | None = None
    care: str = ""
    drug_classes: tuple[str, ...] = ()
    # Where a hospital-style letter writes a status item (atcd_med, atcd_chir, mode_de_vie).
    section: str = ""
    # True when the wording belongs to the mention before it: one coordinated phrase, several codes
    # ("métastases hépatiques et osseuses", "IRC terminale en hémodialyse").
    joined: bool = False


@dataclass
class DrugLine:
    drug_class: str
    text: str
    brand: str = ""
    generic: str = ""


@dataclass
class StayPlan:
    index: int
    scenario: dict[str, Any]
    patient: Patient
    mentions: list[Mention] = field(default_factory=list)
    drugs_in: list[DrugLine] = field(default_factory=list)
    drugs_out: list[DrugLine] = field(default_factory=list)
    distractors: list[Distractor] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    lab_overrides: dict[str, tuple[float, float]] = field(default_factory=dict)
    measured_tests: dict[str, str] = field(default_factory=dict)  # lab test -> measurement text

    @property
    def dp(self) -> Mention:
        return next(m for m in self.mentions if m.role == "DP")

    @property
    def dr(self) -> Mention | None:
        return next((m for m in self.mentions if m.role == "DR"), None)

    @property
    def das(self) -> list[Mention]:
        return [m for m in self.mentions if m.role == "DAS"]

    @property
    def measurements(self) -> list[Measured]:
        return [m.measure for m in self.mentions if m.measure is not None]
