"""One report of one stay through the act proposer, for the tests that write their own reports: the activity-1
lines as (code, selected). The stay's dates must hold the dates the report writes."""

from __future__ import annotations

from datetime import date

from coding_assistant.acts import ActProposer
from coding_assistant.schema import Document, Stay


def act_lines(
    proposer: ActProposer,
    text: str,
    doc_type: str = "CRO",
    sex: str = "M",
    age: int = 71,
    stay_dates: tuple[date, date] = (date(2026, 4, 6), date(2026, 4, 10)),
) -> list[tuple[str, bool]]:
    stay = Stay(
        stay_id="S1",
        sex=sex,
        age=age,
        admission_date=stay_dates[0],
        discharge_date=stay_dates[1],
        documents=[Document(doc_id="S1-D", type=doc_type, text=text)],
    )
    acts, _ = proposer.propose(stay)
    return [(act.code, act.selected) for act in acts if act.activity == 1]


def selected_acts(
    proposer: ActProposer,
    text: str,
    doc_type: str = "CRO",
    sex: str = "M",
    age: int = 71,
    stay_dates: tuple[date, date] = (date(2026, 4, 6), date(2026, 4, 10)),
) -> list[str]:
    return [code for code, chosen in act_lines(proposer, text, doc_type, sex, age, stay_dates) if chosen]
