"""Everything the stay page shows, read from the store once when the stay is opened (not on every rerun).

The highlighted HTML of the documents and the measurements are computed here too: a coder's clicks rerun the
page many times, the documents do not change in between.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from coding_assistant.errors import CodingAssistantError
from coding_assistant.formats import act_lines, parse_rum_line
from coding_assistant.schema import Stay, StayProposals
from coding_assistant.store import AuditEntry, DecidedAct, Decision, StayRecord, Store, UnknownStayError
from coding_assistant.text.measurements import Measurement, find_measurements
from coding_review.draft import Draft, draft_from
from coding_review.highlight import code_colours, document_spans, highlighted_html
from coding_review.labels import MEASUREMENT_LABELS


@dataclass(frozen=True, slots=True)
class MeasurementRow:
    document: str
    kind: str
    value: str
    excerpt: str


@dataclass
class OpenStay:
    record: StayRecord
    stay: Stay
    proposals: StayProposals | None
    decision: Decision | None
    history: list[AuditEntry]
    colours: dict[str, str]
    document_html: list[str]
    measurements: list[MeasurementRow]
    draft: Draft
    # The same values as the PMSI checks read them (a code a value contradicts: E87.10 beside natrémie 126).
    values: list[Measurement] = field(default_factory=list)
    source_rum: str | None = None  # the RUM line the stay was read from, which the export writes back
    draft_restored_at: datetime | None = None  # a stored draft was put back (shown once)

    @property
    def exported_at(self) -> datetime | None:
        """When the stay was last exported (from its history), None if never."""
        return next((e.at for e in reversed(self.history) if e.action == "stay_exported"), None)


def _value(value: float, unit: str, computed: bool) -> str:
    shown = f"{value:g} {unit}".strip()
    return f"{shown} (calculé)" if computed else shown


def read_values(stay: Stay, proposals: StayProposals | None) -> list[tuple[str, Measurement]]:
    """The values the pipeline read, kept with the proposals, by document; a run from before they were kept
    has none (None), and the documents are then read here."""
    if proposals is not None and proposals.measurements is not None:
        return [
            (m.doc_id, Measurement(m.kind, m.value, m.unit, m.start, m.end, m.text, m.computed))
            for m in proposals.measurements
        ]
    return [(document.doc_id, m) for document in stay.documents for m in find_measurements(document.text)]


def measurement_rows(stay: Stay, values: list[tuple[str, Measurement]]) -> list[MeasurementRow]:
    kinds = {document.doc_id: f"{document.type} {document.doc_id}" for document in stay.documents}
    return [
        MeasurementRow(
            document=kinds.get(doc_id, doc_id),
            kind=MEASUREMENT_LABELS.get(m.kind, m.kind),
            value=_value(m.value, m.unit, m.computed),
            excerpt=m.text,
        )
        for doc_id, m in values
    ]


def source_acts(source_rum: str | None) -> list[DecidedAct]:
    """The act zones of the RUM the stay was read from (none without one, or when the line cannot be read:
    the export says why then)."""
    if not source_rum:
        return []
    try:
        record = parse_rum_line(source_rum)
    except CodingAssistantError:
        return []
    return [DecidedAct(act.code, act.activity, act.phase, act.date) for act in act_lines(record.acts)]


def input_acts(stay: Stay, source_rum: str | None) -> list[DecidedAct]:
    """The acts the stay came with: its RUM line's act zones when it was read from an RSS (`source_acts`), else
    the act lines its source gave (JSONL, CSV, Parquet, SQL `codes.acts`), which the store keeps and gives back
    with the stay. The batch's grouping preview groups the same acts beside the selected proposals."""
    if source_rum:
        return source_acts(source_rum)
    acts = stay.codes.acts if stay.codes is not None else None
    return [DecidedAct(act.code, act.activity, act.phase, act.date) for act in acts or []]


def load_open_stay(
    store: Store,
    stay_id: str,
    label_of: Callable[[str], str],
    generation: int = 0,
    act_label: Callable[[str], str] = lambda code: "",
) -> OpenStay:
    """Read the stay, its proposals, its latest decision and its history; build the coder's draft."""
    record = store.get_stay(stay_id)
    if record is None:
        raise UnknownStayError(stay_id)
    stay = store.load_stay(stay_id)
    proposals = store.load_proposals(stay_id)
    decision = store.latest_decision(stay_id)
    if proposals is not None:
        # Labels are shown in tooltips and legends: fill those the proposals lack from the terminology.
        labelled = [p if p.label else p.model_copy(update={"label": label_of(p.code)}) for p in proposals.proposals]
        proposals = proposals.model_copy(update={"proposals": labelled})
    listed = proposals.proposals if proposals else []
    colours = code_colours(p.code for p in listed if p.evidence)  # a colour ties a code to its mentions
    documents = [
        highlighted_html(document.text, document_spans(document.doc_id, len(document.text), listed, colours))
        for document in stay.documents
    ]
    values = read_values(stay, proposals)
    source_rum = store.source_rums([stay_id]).get(stay_id)
    draft = draft_from(
        stay_id,
        record.version,
        listed,
        proposals.model.version if proposals else None,
        decision,
        label_of,
        generation,
        acts=proposals.acts if proposals else (),
        source_acts=input_acts(stay, source_rum),
        act_label=act_label,
    )
    return OpenStay(
        record=record,
        stay=stay,
        proposals=proposals,
        decision=decision,
        history=store.audit_for_stay(stay_id),
        colours=colours,
        document_html=documents,
        measurements=measurement_rows(stay, values),
        values=[m for _, m in values],
        draft=draft,
        source_rum=source_rum,
    )


def refresh_after_save(store: Store, opened: OpenStay) -> None:
    """After a successful save: the new status, decision and history (documents and proposals are unchanged)."""
    stay_id = opened.record.stay_id
    record = store.get_stay(stay_id)
    if record is not None:
        opened.record = record
    opened.decision = store.latest_decision(stay_id)
    opened.history = store.audit_for_stay(stay_id)
