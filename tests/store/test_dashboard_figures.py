"""The dashboard's acceptance per week and per medical unit (store/dashboard.py): latest decision of each stay."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coding_assistant.schema import Codes, Document, ModelInfo, Proposal, Stay, StayProposals
from coding_assistant.store import Store
from coding_assistant.store.dashboard import AcceptanceCounts, acceptance_by_week_and_unit

# Stay, unit, pre-selected codes (the DP first).
STAYS: list[tuple[str, str | None, list[str]]] = [
    ("A1", "CARD", ["I5002", "I10"]),
    ("A2", "CARD", ["I5002", "I10"]),
    ("B1", "PNEU", ["J189", "J449"]),
    ("X1", None, ["K359"]),
    ("N1", "CARD", []),  # no proposals: its decision measures nothing
]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    opened = Store.open(None, tmp_path, clock=clock)
    opened.add_user("alice", "mot-de-passe-sûr", "coder", "Alice")
    for stay_id, unit, codes in STAYS:
        stay = Stay(
            stay_id=stay_id,
            sex="F",
            age=70,
            admission_date=date(2025, 2, 20),
            unit=unit,
            documents=[Document(doc_id=f"{stay_id}-D", text="Texte")],
        )
        opened.upsert_stay(stay)
        if codes:
            proposals = [
                Proposal(code=code, score=0.9, role="DP" if i == 0 else "DAS", selected=True)
                for i, code in enumerate(codes)
            ]
            model = ModelInfo(name="m", version="1")
            opened.save_proposals(stay_id, StayProposals(stay_id=stay_id, model=model, proposals=proposals), None)
    yield opened
    opened.close()


def decide(store: Store, clock: Clock, at: datetime, stay_id: str, codes: Codes) -> None:
    clock.now = at
    record = store.get_stay(stay_id)
    assert record is not None
    store.save_decision(stay_id, "alice", codes, record.version)


def counts(figures: AcceptanceCounts) -> tuple[int, int, int, int, int, int]:
    return (
        figures.decisions,
        figures.accepted,
        figures.rejected,
        figures.added,
        figures.dp_compared,
        figures.dp_agreed,
    )


WEEK_1, WEEK_2 = date(2025, 3, 3), date(2025, 3, 10)  # Mondays


def test_acceptance_per_week_and_per_unit_counts_the_latest_decision_of_each_stay(store: Store, clock: Clock) -> None:
    # Week 1: A1 keeps both codes (replaced in week 2 by a decision that drops I10); B1's DP is changed.
    decide(store, clock, datetime(2025, 3, 5, 10, tzinfo=UTC), "A1", Codes(dp="I5002", das=["I10"]))
    decide(store, clock, datetime(2025, 3, 5, 11, tzinfo=UTC), "B1", Codes(dp="J181", das=["J449"]))
    # Week 2: A2 and X1 keep everything; A1's new decision drops I10; N1 has nothing to measure.
    decide(store, clock, datetime(2025, 3, 11, 10, tzinfo=UTC), "A2", Codes(dp="I5002", das=["I10"]))
    decide(store, clock, datetime(2025, 3, 11, 11, tzinfo=UTC), "X1", Codes(dp="K359"))
    decide(store, clock, datetime(2025, 3, 12, 10, tzinfo=UTC), "A1", Codes(dp="I5002"))
    decide(store, clock, datetime(2025, 3, 12, 11, tzinfo=UTC), "N1", Codes(dp="R69"))

    figures = store.dashboard_figures()
    # (stays, accepted, rejected, added, DP compared, DP confirmed)
    per_week = {w.week: counts(w.counts) for w in figures.acceptance_per_week}
    assert per_week == {WEEK_1: (1, 1, 1, 1, 1, 0), WEEK_2: (3, 4, 1, 0, 3, 3)}  # A1 once, in week 2
    assert [w.week for w in figures.acceptance_per_week] == [WEEK_1, WEEK_2]
    rates = [(w.counts.rate, w.counts.dp_agreement) for w in figures.acceptance_per_week]
    assert rates == [(0.5, 0.0), (0.8, 1.0)]

    per_unit = [(u.unit, counts(u.counts)) for u in figures.acceptance_per_unit]
    # Most stays first; between units with as many stays, a named unit before the stays without one.
    assert per_unit == [
        ("CARD", (2, 3, 1, 0, 2, 2)),
        ("PNEU", (1, 1, 1, 1, 1, 0)),
        (None, (1, 1, 0, 0, 1, 1)),
    ]
    assert figures.acceptance_per_unit[0].counts.rate == 0.75
    # The groups split the same decisions as the overall figures.
    assert figures.acceptance.decisions == sum(u.counts.decisions for u in figures.acceptance_per_unit) == 4
    assert figures.acceptance.rejected == sum(w.counts.rejected for w in figures.acceptance_per_week)

    # Over a period starting in week 2: B1, decided in week 1 only, is out.
    recent = store.dashboard_figures(datetime(2025, 3, 10, tzinfo=UTC))
    assert [w.week for w in recent.acceptance_per_week] == [WEEK_2]
    assert [u.unit for u in recent.acceptance_per_unit] == ["CARD", None]


def test_the_week_is_the_local_iso_week_of_the_latest_decision(store: Store, clock: Clock) -> None:
    # Sunday 23:30 UTC is already Monday in Paris: the decision belongs to the next week there.
    decide(store, clock, datetime(2025, 3, 9, 23, 30, tzinfo=UTC), "B1", Codes(dp="J189", das=["J449"]))
    with store.sessions() as session:
        paris, _ = acceptance_by_week_and_unit(session, zone=ZoneInfo("Europe/Paris"))
        utc, per_unit = acceptance_by_week_and_unit(session, zone=UTC)
    assert [w.week for w in paris] == [WEEK_2] and [w.week for w in utc] == [WEEK_1]
    assert [(u.unit, u.counts.rate, u.counts.dp_agreement) for u in per_unit] == [("PNEU", 1.0, 1.0)]


def test_no_decision_no_groups(store: Store) -> None:
    figures = store.dashboard_figures()
    assert figures.acceptance_per_week == [] and figures.acceptance_per_unit == []
