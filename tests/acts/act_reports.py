"""One report of one stay through the act proposer, for the tests that write their own reports: the activity-1
lines as (code, selected), the selected codes, or the codes marked not done. The stay's dates must hold the dates
the report writes."""

from __future__ import annotations

from datetime import date

from coding_assistant.acts import ActProposer
from coding_assistant.schema import ActProposal, Document, Stay

APRIL_STAY = (date(2026, 4, 6), date(2026, 4, 10))


def first_acts(
    proposer: ActProposer,
    text: str,
    doc_type: str = "CRO",
    sex: str = "M",
    age: int = 71,
    stay_dates: tuple[date, date] = APRIL_STAY,
) -> list[ActProposal]:
    """The report's activity-1 act lines, as the proposer ranks them."""
    return stay_acts(proposer, [(doc_type, text)], sex, age, stay_dates)


def stay_acts(
    proposer: ActProposer,
    documents: list[tuple[str, str]],
    sex: str = "M",
    age: int = 71,
    stay_dates: tuple[date, date] = APRIL_STAY,
) -> list[ActProposal]:
    """The activity-1 act lines of a stay of several documents (type, text), as the proposer ranks them."""
    stay = Stay(
        stay_id="S1",
        sex=sex,
        age=age,
        admission_date=stay_dates[0],
        discharge_date=stay_dates[1],
        documents=[Document(doc_id=f"S1-D{k}", type=kind, text=text) for k, (kind, text) in enumerate(documents)],
    )
    acts, _ = proposer.propose(stay)
    return [act for act in acts if act.activity == 1]


def act_lines(
    proposer: ActProposer,
    text: str,
    doc_type: str = "CRO",
    sex: str = "M",
    age: int = 71,
    stay_dates: tuple[date, date] = APRIL_STAY,
) -> list[tuple[str, bool]]:
    return [(act.code, act.selected) for act in first_acts(proposer, text, doc_type, sex, age, stay_dates)]


def selected_acts(
    proposer: ActProposer,
    text: str,
    doc_type: str = "CRO",
    sex: str = "M",
    age: int = 71,
    stay_dates: tuple[date, date] = APRIL_STAY,
) -> list[str]:
    return [act.code for act in first_acts(proposer, text, doc_type, sex, age, stay_dates) if act.selected]


def not_done_acts(
    proposer: ActProposer,
    text: str,
    doc_type: str = "CRO",
    sex: str = "M",
    age: int = 71,
    stay_dates: tuple[date, date] = APRIL_STAY,
) -> list[str]:
    """The codes the proposer marks not done (« act-not-done »)."""
    return [
        act.code
        for act in first_acts(proposer, text, doc_type, sex, age, stay_dates)
        if any(note.rule == "act-not-done" for note in act.warnings)
    ]
