"""One RUM (résumé d'unité médicale) as read from, or written to, an RSS non groupé line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal


@dataclass(slots=True)
class RumAct:
    """One act zone: a CCAM act with its date, activity and phase (ATIH 2026 act zone; 022 lacks dialysis)."""

    code: str
    date: date | None = None  # ATIH: mandatory, but a blank date is only reported ("signalement")
    activity: str = ""
    phase: str = ""
    extension: str = ""  # PMSI extension of the CCAM code ("-01" written as "01 " or similar)
    doc_extension: str = ""
    modifiers: str = ""
    exceptional_refund: str = ""
    unforeseen_association: str = ""
    count: int = 1
    dialysis_start_time: str = ""  # format 023 only
    dialysis_modality: str = ""  # format 023 only


@dataclass(slots=True)
class RumRecord:
    """A RUM. Codes are ATIH-style (normalise_code); text fields are stripped of their padding.

    Fields the product does not use are kept, raw and stripped, in `extra` (keyed by the names of
    `field_names.py`) so that a record written back gives the same line.
    """

    finess: str
    version: str
    rss_number: str
    admin_number: str
    rum_number: str
    birth_date: date
    sex: Literal["M", "F"] | None  # file: 1 male, 2 female, 3 undetermined (None)
    unit: str
    entry_date: date
    entry_mode: str
    exit_date: date
    exit_mode: str
    entry_origin: str = ""
    exit_destination: str = ""
    postcode: str = ""
    birth_weight: int | None = None
    gestational_age: int | None = None
    last_period_date: date | None = None
    sessions: int | None = None
    dp: str | None = None
    dr: str | None = None
    igs2: int | None = None
    das: list[str] = field(default_factory=list)
    dad: list[str] = field(default_factory=list)
    acts: list[RumAct] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)
    source: str = field(default="", compare=False)  # "file:line" of a record that was read

    @property
    def age_at_entry(self) -> int:
        """Age in whole years on the day of entry into the unit."""
        before_birthday = (self.entry_date.month, self.entry_date.day) < (self.birth_date.month, self.birth_date.day)
        return self.entry_date.year - self.birth_date.year - int(before_birthday)

    @property
    def age_in_days_at_entry(self) -> int:
        return (self.entry_date - self.birth_date).days

    @property
    def stay_id(self) -> str:
        """Identifier of this RUM as a stay: "<RSS number>-<RUM number>"."""
        return f"{self.rss_number}-{self.rum_number}"

    @property
    def length_of_stay(self) -> int:
        return (self.exit_date - self.entry_date).days
