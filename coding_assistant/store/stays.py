"""Stays in the store: import with change detection, and the question "does this stay need (re)coding?"."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coding_assistant.errors import CodingAssistantError
from coding_assistant.formats.join import AdminFields, admin_fields
from coding_assistant.formats.reader import parse_rum_line
from coding_assistant.rum_admin import STAY_ADMIN_FIELDS
from coding_assistant.schema import CodedAct, Codes, Document, Stay
from coding_assistant.store.audit import append_audit
from coding_assistant.store.errors import UnknownStayError
from coding_assistant.store.hashing import document_hash, stay_content_hash
from coding_assistant.store.models import DocumentRow, ProposalRunRow, StayRow
from coding_assistant.store.views import CodingState, ReviewFlag, StayRecord, input_act_lines

log = logging.getLogger(__name__)


def find_stay(session: Session, stay_id: str) -> StayRow | None:
    return session.execute(select(StayRow).where(StayRow.stay_id == stay_id)).scalar_one_or_none()


def require_stay(session: Session, stay_id: str) -> StayRow:
    row = find_stay(session, stay_id)
    if row is None:
        raise UnknownStayError(stay_id)
    return row


def record_of(row: StayRow) -> StayRecord:
    return StayRecord(
        stay_id=row.stay_id,
        status=row.status,
        version=row.version,
        content_hash=row.content_hash,
        unit=row.unit,
        admission_date=row.admission_date,
        discharge_date=row.discharge_date,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        note=row.note,
        review=ReviewFlag(row.review_reason, row.review_by, row.review_at) if row.review_reason else None,
    )


def upsert_stay(
    session: Session, stay: Stay, actor: str, now: datetime, source_rum: str | None = None
) -> tuple[StayRow, bool]:
    """Insert or update a stay; `changed` is False when it is stored already with the same content hash.

    `source_rum` (the RUM line the stay was read from) is kept for the export; a new line for an unchanged stay
    (acts added in the PMSI software, say) replaces the stored one without sending the stay back to coding.
    The administrative fields (modes, provenance, destination, birth weight…) are not in the hash either: the
    stored ones become the stay's as read, all of them (None included), also for an unchanged stay, so that the
    review UI's grouping preview reads what the batch's did; `changed` stays False. So are the act lines the
    stay came with (`codes.acts`) when it has no RUM line, neither read with it nor stored before: the export
    writes them when a coder's decision left the acts unreviewed. For a stay with a RUM line, the line's act
    zones are its acts and nothing else is stored (NULL), so that the two cannot disagree.
    """
    content_hash = stay_content_hash(stay)
    row = session.execute(
        select(StayRow).where(StayRow.stay_id == stay.stay_id).options(selectinload(StayRow.documents))
    ).scalar_one_or_none()
    if row is not None and row.content_hash == content_hash:
        new_line = source_rum is not None and row.source_rum != source_rum
        new_fields = _admin_columns(row) != _admin_fields_of(stay)
        acts = input_act_lines(stay, has_rum_line=source_rum is not None or row.source_rum is not None)
        new_acts = row.source_acts != acts
        if new_line or new_fields or new_acts:
            if new_line:
                row.source_rum = source_rum
            _store_admin_fields(row, stay)
            row.source_acts = acts
            row.updated_at, row.updated_by = now, actor
            session.flush()
        return row, False

    if row is None:
        row = StayRow(stay_id=stay.stay_id, status="to_code", created_at=now)
        session.add(row)
        details: dict[str, object] = {"documents": len(stay.documents)}
        action = "stay_imported"
    else:
        action = "stay_changed"
        details = {"documents": len(stay.documents), "previous_status": row.status}
        # Replacing the list deletes the old rows (delete-orphan); flush first so that their positions are free.
        row.documents.clear()
        session.flush()
        row.status = "to_code"
    row.sex, row.age, row.unit = stay.sex, stay.age, stay.unit
    row.admission_date, row.discharge_date = stay.admission_date, stay.discharge_date
    row.content_hash = content_hash
    _store_admin_fields(row, stay)
    if source_rum is not None:
        row.source_rum = source_rum
    row.source_acts = input_act_lines(stay, has_rum_line=row.source_rum is not None)
    row.updated_at, row.updated_by = now, actor
    row.documents.extend(_document_rows(stay.documents))
    session.flush()
    append_audit(session, actor, action, row, details, now)
    log.debug("stay %s: %s (%d documents)", stay.stay_id, action, len(stay.documents))
    return row, True


def _admin_fields_of(stay: Stay) -> AdminFields:
    return AdminFields(
        entry_mode=stay.entry_mode,
        entry_origin=stay.entry_origin,
        exit_mode=stay.exit_mode,
        exit_destination=stay.exit_destination,
        birth_weight=stay.birth_weight,
        gestational_age=stay.gestational_age,
        sessions=stay.sessions,
    )


def _admin_columns(row: StayRow) -> AdminFields:
    return AdminFields(
        entry_mode=row.entry_mode,
        entry_origin=row.entry_origin,
        exit_mode=row.exit_mode,
        exit_destination=row.exit_destination,
        birth_weight=row.birth_weight,
        gestational_age=row.gestational_age,
        sessions=row.sessions,
    )


def _store_admin_fields(row: StayRow, stay: Stay) -> None:
    fields = _admin_fields_of(stay)
    row.entry_mode, row.entry_origin = fields["entry_mode"], fields["entry_origin"]
    row.exit_mode, row.exit_destination = fields["exit_mode"], fields["exit_destination"]
    row.birth_weight, row.gestational_age = fields["birth_weight"], fields["gestational_age"]
    row.sessions = fields["sessions"]


def _document_rows(documents: Iterable[Document]) -> list[DocumentRow]:
    return [
        DocumentRow(position=i, doc_id=d.doc_id, type=d.type, text=d.text, content_hash=document_hash(d))
        for i, d in enumerate(documents)
    ]


def needs_coding(session: Session, stay_id: str, model_version: str) -> bool:
    """True when the stay is unknown, has no proposals, changed since its proposals, or they come from another
    model version; False for validated or exported stays whose content did not change."""
    row = find_stay(session, stay_id)
    if row is None:
        return True
    run = row.proposal_run
    state = CodingState(
        row.status, row.content_hash, run.input_hash if run else None, run.model_version if run else None
    )
    return state.needs_coding(row.content_hash, model_version)


IN_LIST_SIZE = 500  # stay ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits


def coding_states(session: Session, stay_ids: Iterable[str]) -> dict[str, CodingState]:
    """For many stays at once, what `needs_coding` reads: one query per 500 ids instead of one per stay, so that
    a nightly batch over mostly unchanged stays costs reads, not a transaction each."""
    states: dict[str, CodingState] = {}
    ids = list(dict.fromkeys(stay_ids))
    for start in range(0, len(ids), IN_LIST_SIZE):
        chunk = ids[start : start + IN_LIST_SIZE]
        rows = session.execute(
            select(
                StayRow.stay_id,
                StayRow.status,
                StayRow.content_hash,
                ProposalRunRow.input_hash,
                ProposalRunRow.model_version,
                StayRow.source_rum.is_not(None),
                StayRow.source_acts,
                *[getattr(StayRow, name) for name in STAY_ADMIN_FIELDS],
            )
            .outerjoin(ProposalRunRow, ProposalRunRow.stay_pk == StayRow.id)
            .where(StayRow.stay_id.in_(chunk))
        )
        for stay_id, status, content_hash, input_hash, model_version, has_line, acts, *admin in rows:
            states[stay_id] = CodingState(
                status,
                content_hash,
                input_hash,
                model_version,
                tuple(admin),
                source_acts=acts,
                has_rum_line=bool(has_line),
                acts_read=True,
            )
    return states


def source_rums(session: Session, stay_ids: Iterable[str]) -> dict[str, str]:
    """stay_id → the RUM line it was read from, for the stays that have one."""
    found: dict[str, str] = {}
    ids = list(dict.fromkeys(stay_ids))
    for start in range(0, len(ids), IN_LIST_SIZE):
        rows = session.execute(
            select(StayRow.stay_id, StayRow.source_rum).where(
                StayRow.stay_id.in_(ids[start : start + IN_LIST_SIZE]), StayRow.source_rum.is_not(None)
            )
        )
        found.update({stay_id: line for stay_id, line in rows if line is not None})
    return found


def stored_admin_fields(stay_id: str, source_rum: str | None) -> AdminFields | None:
    """The RUM's administrative fields (modes, provenance, destination, birth weight…) read back from the
    stored RUM line, for rows stored before their columns existed (migration 0012). None for a stay without
    a line, or whose line this version cannot read (logged, without content)."""
    if not source_rum:
        return None
    try:
        return admin_fields([parse_rum_line(source_rum)])
    except CodingAssistantError:
        log.warning("stay %s: its stored RUM line cannot be read; administrative fields left out", stay_id)
        return None


def stored_acts(stay_id: str, lines: list[Any] | None) -> list[CodedAct] | None:
    """The act lines kept in `stays.source_acts` as `CodedAct`s; None when none were kept, or when they no
    longer read (logged, without content)."""
    if lines is None:
        return None
    try:
        return [CodedAct.model_validate(line) for line in lines]
    except (ValidationError, CodingAssistantError, TypeError):
        log.warning("stay %s: its stored act lines cannot be read; left out", stay_id)
        return None


def load_stay(session: Session, stay_id: str) -> Stay:
    """The stay with its documents, as the pipeline and the review UI read it, with its administrative fields;
    a row whose fields are all NULL but that has a RUM line (stored before migration 0012, or read from an
    RSS whose RUMs leave them blank) gets them from that line.

    A stay stored with the act lines its source gave (a stay without a RUM line, migration 0013) comes back
    with them as `codes=Codes(acts=…)`, the other codes empty; otherwise `codes` is None (a stay with a RUM
    line: its acts are the line's act zones, see `source_rums`)."""
    row = require_stay(session, stay_id)
    acts = stored_acts(row.stay_id, row.source_acts)
    stay = Stay(
        stay_id=row.stay_id,
        sex=row.sex,  # type: ignore[arg-type]  # validated on the way in
        age=row.age,
        admission_date=row.admission_date,
        discharge_date=row.discharge_date,
        unit=row.unit,
        documents=[Document(doc_id=d.doc_id, type=d.type, text=d.text) for d in row.documents],
        codes=Codes(acts=acts) if acts is not None else None,
        **_admin_columns(row),
    )
    if any(value is not None for value in _admin_columns(row).values()):
        return stay
    fields = stored_admin_fields(row.stay_id, row.source_rum)
    return stay if fields is None else stay.model_copy(update=fields)


def mark_exported(session: Session, stay_ids: Iterable[str], actor: str, now: datetime) -> int:
    """Validated stays written to an RSS file become exported; returns how many changed."""
    count = 0
    for stay_id in stay_ids:
        row = require_stay(session, stay_id)
        if row.status != "validated":
            continue
        row.status, row.updated_at, row.updated_by = "exported", now, actor
        append_audit(session, actor, "stay_exported", row, {}, now)
        count += 1
    session.flush()
    return count
