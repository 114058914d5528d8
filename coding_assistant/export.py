"""Export of validated stays: each stay with its latest decision, written as an RSS non groupé file and a CSV.

The CLI (`coding-assistant export`) and the review UI's export page both call `export_validated`. Stays that
cannot be written as a RUM (no age, a unit name too long for its field…) are left out with their reason and
keep their status, so that they can be fixed and exported later; only the stays actually written are marked
exported.

The store keeps the stays' documents and codes, not the RUM lines they came from: the RUM is rebuilt from the
stay (see `formats.stay_to_record`), so the file carries the validated codes with the stay's dates, sex, age
and unit, and default entry and exit modes. Check it before an ePMSI submission.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from coding_assistant.errors import CodingAssistantError
from coding_assistant.formats import (
    LATEST_VERSION,
    RumRecord,
    format_rum_line,
    parse_rum_line,
    stay_to_record,
)
from coding_assistant.formats.atomic import atomic_group
from coding_assistant.formats.writer import write_codes_csv_to, write_rss_to
from coding_assistant.schema import Codes, Stay
from coding_assistant.store import Store, WorklistFilter, WorklistRow

EXPORT_AUDIT_ACTION = "export_written"
# FINESS: 9 characters, digits except the Corsican departments 2A / 2B.
FINESS_PATTERN = re.compile(r"^(?:\d{2}|2A|2B)\d{7}$")
_PAGE = 500


class ExportError(CodingAssistantError):
    """An export that cannot be made as asked (no FINESS, bad format)."""


@dataclass(frozen=True, slots=True)
class ExportSelection:
    """Which stays to export: validated ones by default, optionally those exported already (to resend)."""

    include_exported: bool = False
    unit: str | None = None
    discharged_from: date | None = None
    discharged_to: date | None = None

    @property
    def statuses(self) -> tuple[str, ...]:
        return ("validated", "exported") if self.include_exported else ("validated",)

    def worklist_filter(self) -> WorklistFilter:
        return WorklistFilter(
            status=self.statuses,
            unit=self.unit,
            discharged_from=self.discharged_from,
            discharged_to=self.discharged_to,
        )


@dataclass(frozen=True, slots=True)
class SkippedStay:
    stay_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ExportResult:
    written: list[str]  # stay ids, in file order
    skipped: list[SkippedStay] = field(default_factory=list)
    marked: int = 0  # stays that went from validated to exported
    rss_path: Path | None = None
    csv_path: Path | None = None


def check_finess(finess: str | None) -> str:
    value = (finess or "").strip().upper()
    if not FINESS_PATTERN.match(value):
        raise ExportError(
            f"FINESS {finess!r} refused: 9 characters are expected (digits, 2A or 2B for Corsica); "
            "it is written on every RUM of the file"
        )
    return value


def stays_to_export(store: Store, selection: ExportSelection | None = None) -> list[Stay]:
    """The selected stays, oldest first, each with the codes of its latest decision (documents left out)."""
    stays: list[Stay] = []
    for row in selected_rows(store, selection):
        decision = store.latest_decision(row.stay_id)
        if decision is None:  # a status set without a decision: nothing validated to write
            continue
        stay = store.load_stay(row.stay_id)
        codes = Codes(dp=decision.dp, dr=decision.dr, das=list(decision.das))
        stays.append(stay.model_copy(update={"documents": [], "codes": codes}))
    return stays


def selected_rows(store: Store, selection: ExportSelection | None = None) -> list[WorklistRow]:
    """The selected stays' worklist rows, oldest first: a light look at what an export would write."""
    filters = (selection or ExportSelection()).worklist_filter()
    rows: list[WorklistRow] = []
    while True:
        page = store.worklist(filters, sort="oldest", limit=_PAGE, offset=len(rows))
        rows += page
        if len(page) < _PAGE:
            return rows


def writable_records(
    stays: Collection[Stay],
    finess: str,
    rss_format: str = LATEST_VERSION,
    source_rums: Mapping[str, str] | None = None,
) -> tuple[list[tuple[Stay, RumRecord]], list[SkippedStay]]:
    """Each stay as a RUM that formats without error, and the stays that cannot, with the reason.

    A stay read from an RSS is written as its original RUM line with the validated codes in place (its acts,
    modes, birth date and numbers kept); the others as a RUM built from the stay (see `stay_to_record`).
    """
    ready: list[tuple[Stay, RumRecord]] = []
    skipped: list[SkippedStay] = []
    source_rums = source_rums or {}
    for stay in stays:
        try:
            line = source_rums.get(stay.stay_id)
            original = parse_rum_line(line, f"stored RUM of stay {stay.stay_id}") if line else None
            record = stay_to_record(stay, original, finess=finess)
            format_rum_line(record, rss_format)  # the writer's own checks, stay by stay
        except CodingAssistantError as exc:
            skipped.append(SkippedStay(stay.stay_id, str(exc)))
            continue
        ready.append((stay, record))
    return ready, skipped


def export_validated(
    store: Store,
    actor: str,
    rss_path: Path,
    csv_path: Path | None = None,
    *,
    finess: str | None,
    rss_format: str = LATEST_VERSION,
    selection: ExportSelection | None = None,
) -> ExportResult:
    """Write the selected stays to `rss_path` (and `csv_path`), mark them exported and audit the export.

    All or nothing: both files are written to temporary files and renamed only once both are complete, and
    the stays are marked exported (one transaction, with its audit entry) only after that. A file that
    cannot be written leaves the targets as they were and the stays validated; if marking fails after the
    renames, the files are removed again so that nothing says "exported" twice or not at all. Nothing is
    written when no stay can be.
    """
    finess = check_finess(finess)
    if rss_format not in ("022", "023"):
        raise ExportError(f"RSS format {rss_format!r} refused: use 023 (2026) or 022 (2024-2025)")
    if csv_path is not None and Path(csv_path).resolve() == Path(rss_path).resolve():
        raise ExportError(f"{rss_path}: the RSS and the CSV cannot be the same file")
    stays = stays_to_export(store, selection)
    ready, skipped = writable_records(stays, finess, rss_format, store.source_rums(stay.stay_id for stay in stays))
    if not ready:
        return ExportResult(written=[], skipped=skipped)
    written = [stay.stay_id for stay, _ in ready]
    details = {
        "rss": Path(rss_path).name,
        "csv": Path(csv_path).name if csv_path else None,
        "format": rss_format,
        "stays": len(written),
        "skipped": len(skipped),
    }
    with atomic_group() as files:
        write_rss_to(files.open_text(rss_path, "latin-1"), [record for _, record in ready], rss_format)
        if csv_path is not None:
            write_codes_csv_to(files.open_text(csv_path, "utf-8"), [stay for stay, _ in ready])
    try:
        marked = store.mark_exported(written, actor, audit=(EXPORT_AUDIT_ACTION, details))
    except BaseException:
        # The files say "exported", the store does not: take them back, so that the next export writes them.
        for path in (rss_path, csv_path):
            if path is not None and Path(path).is_file():
                Path(path).unlink(missing_ok=True)
        raise
    return ExportResult(written=written, skipped=skipped, marked=marked, rss_path=Path(rss_path), csv_path=csv_path)
