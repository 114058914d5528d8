"""Export of validated stays: each stay with its latest decision, written as an RSS non groupé file and a CSV.

The CLI (`coding-assistant export`) and the review UI's export page both call `export_validated`. Stays that
cannot be written as a RUM (no age, a unit name too long for its field…) are left out with their reason and
keep their status, so that they can be fixed and exported later; only the stays actually written are marked
exported.

The store keeps the stays' documents and codes, not the RUM lines they came from: the RUM is rebuilt from the
stay (see `formats.stay_to_record`), so the file carries the validated codes with the stay's dates, sex, age
and unit, and default entry and exit modes. Check it before an ePMSI submission.

A decision's validated CCAM acts (code, activity, phase, date) replace the RUM's act zones; a decision whose
acts were not reviewed (None) leaves the source RUM's act zones as they came, or, for a stay without a RUM line,
writes the act lines its source gave (`codes.acts`, kept by the store), one realisation each.
"""

from __future__ import annotations

import fcntl
import glob
import json
import os
import re
import secrets
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from coding_assistant.errors import CodingAssistantError
from coding_assistant.formats import (
    LATEST_VERSION,
    RumAct,
    RumRecord,
    format_rum_line,
    parse_rum_line,
    stay_to_record,
)
from coding_assistant.formats.atomic import atomic_group, atomic_write_text, output_error
from coding_assistant.formats.writer import act_zones_of, write_codes_csv_to, write_rss_to
from coding_assistant.schema import CodedAct, Codes, Stay
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
    # An export to the same RSS path that was killed after its stays were marked exported and before both
    # files were in place: this call put them in place and wrote nothing else (`written`: its stays).
    completed_interrupted: bool = False


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
    return [stay for stay, _ in validated_stays(store, selection)]


def validated_stays(store: Store, selection: ExportSelection | None = None) -> list[tuple[Stay, list[RumAct] | None]]:
    """`stays_to_export` with each decision's validated act lines (None: acts not reviewed, the source RUM's
    acts are written as they are). A stay whose acts were not reviewed keeps in `codes.acts` the act lines its
    source gave, which the RUM built for a stay without a RUM line carries (None for a stay with one)."""
    stays: list[tuple[Stay, list[RumAct] | None]] = []
    for row in selected_rows(store, selection):
        decision = store.latest_decision(row.stay_id)
        if decision is None:  # a status set without a decision: nothing validated to write
            continue
        stay = store.load_stay(row.stay_id)
        reviewed = (
            None
            if decision.acts is None
            else [CodedAct(code=a.code, activity=a.activity, phase=a.phase, date=a.date) for a in decision.acts]
        )
        codes = Codes(
            dp=decision.dp,
            dr=decision.dr,
            das=list(decision.das),
            # Not reviewed: the stay's input acts, as they came.
            acts=reviewed if reviewed is not None else (stay.codes.acts if stay.codes is not None else None),
        )
        acts = None if reviewed is None else act_zones_of(reviewed)
        stays.append((stay.model_copy(update={"documents": [], "codes": codes}), acts))
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
    acts: Mapping[str, Sequence[RumAct]] | None = None,
) -> tuple[list[tuple[Stay, RumRecord]], list[SkippedStay]]:
    """Each stay as a RUM that formats without error, and the stays that cannot, with the reason.

    A stay read from an RSS is written as its original RUM line with the validated codes in place (its acts,
    modes, birth date and numbers kept); the others as a RUM built from the stay (see `stay_to_record`).
    `acts`: stay_id -> the validated act lines, which replace the RUM's act zones (a stay absent keeps them).
    """
    ready: list[tuple[Stay, RumRecord]] = []
    skipped: list[SkippedStay] = []
    source_rums = source_rums or {}
    for stay in stays:
        try:
            line = source_rums.get(stay.stay_id)
            original = parse_rum_line(line, f"stored RUM of stay {stay.stay_id}") if line else None
            record = stay_to_record(stay, original, finess=finess, acts=(acts or {}).get(stay.stay_id))
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

    All or nothing, even when the process is killed: both files are written to temporary files beside their
    targets; once both are complete on disk, a journal beside the RSS names them, then the stays are marked
    exported (one transaction, with its audit entry carrying the journal's token), then the files are renamed
    into place and the journal removed. The store's commit decides: a kill before it leaves the stays
    validated and no file; a kill after it leaves the journal, and the next export to the same RSS path puts
    the files in place before anything else (see `finish_interrupted_export`). A file that cannot be written
    leaves the targets as they were and the stays validated. Nothing is written when no stay can be.
    """
    finess = check_finess(finess)
    if rss_format not in ("022", "023"):
        raise ExportError(f"RSS format {rss_format!r} refused: use 023 (2026) or 022 (2024-2025)")
    if csv_path is not None and Path(csv_path).resolve() == Path(rss_path).resolve():
        raise ExportError(f"{rss_path}: the RSS and the CSV cannot be the same file")
    rss_path = Path(rss_path)
    if rss_path.exists() and not rss_path.is_file():
        # A device or a pipe (/dev/stdout) is written in place: no file to rename, nothing to journal.
        return _export(store, actor, rss_path, csv_path, finess, rss_format, selection, None)
    with _export_lock(rss_path):
        interrupted = finish_interrupted_export(store, rss_path)
        if interrupted is not None:
            # Its stays are exported and its files now in place: writing more to the same paths would replace
            # them before anyone sent them. The next export writes the stays validated since.
            return interrupted
        for target in (rss_path, csv_path, journal_path(rss_path)):
            if target is not None:  # temporary files of an export killed before its journal: never renamed
                for leftover in Path(target).parent.glob(f".{glob.escape(Path(target).name)}.*.tmp"):
                    leftover.unlink(missing_ok=True)
        return _export(store, actor, rss_path, csv_path, finess, rss_format, selection, journal_path(rss_path))


@contextmanager
def _export_lock(rss_path: Path) -> Iterator[None]:
    """One export at a time to an RSS path (two would share the journal and the temporary files): `flock` on
    a hidden file beside it, which the kernel releases when the holder dies. The holder removes the file, so
    that the folder keeps only the exports; one that locked a file removed meanwhile is refused like a
    second export, never let in beside the first."""
    lock = rss_path.with_name(f".{rss_path.name}.export-lock")
    try:
        rss_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise output_error(rss_path, exc) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            ours = os.fstat(fd).st_ino == os.stat(lock).st_ino
        except OSError:
            ours = False
        if not ours:
            raise ExportError(f"{rss_path}: another export to this file is running; try again when it ends")
        try:
            yield
        finally:
            lock.unlink(missing_ok=True)  # still holding it: a waiter that opened it sees it was removed
    finally:
        os.close(fd)


def _export(
    store: Store,
    actor: str,
    rss_path: Path,
    csv_path: Path | None,
    finess: str,
    rss_format: str,
    selection: ExportSelection | None,
    journal: Path | None,
) -> ExportResult:
    validated = validated_stays(store, selection)
    stays = [stay for stay, _ in validated]
    decided = {stay.stay_id: acts for stay, acts in validated if acts is not None}
    rums = store.source_rums(stay.stay_id for stay in stays)
    ready, skipped = writable_records(stays, finess, rss_format, rums, decided)
    if not ready:
        return ExportResult(written=[], skipped=skipped)
    written = [stay.stay_id for stay, _ in ready]
    token = secrets.token_hex(16)
    details = {
        "rss": Path(rss_path).name,
        "csv": Path(csv_path).name if csv_path else None,
        "format": rss_format,
        "stays": len(written),
        "skipped": len(skipped),
        "token": token,
    }
    marked = 0

    def commit(renames: list[tuple[Path, Path]]) -> None:
        nonlocal marked
        if journal is not None:
            entries = [[str(temporary), str(target)] for temporary, target in renames]
            atomic_write_text(journal, json.dumps({"token": token, "files": entries, "stays": written}))
        try:
            marked = store.mark_exported(written, actor, audit=(EXPORT_AUDIT_ACTION, details))
        except BaseException:
            if journal is not None:
                journal.unlink(missing_ok=True)  # not committed: the temporary files go with the group
            raise

    with atomic_group(before_rename=commit) as files:
        write_rss_to(files.open_text(rss_path, "latin-1"), [record for _, record in ready], rss_format)
        if csv_path is not None:
            write_codes_csv_to(files.open_text(csv_path, "utf-8"), [stay for stay, _ in ready])
    if journal is not None:
        journal.unlink(missing_ok=True)
    return ExportResult(written=written, skipped=skipped, marked=marked, rss_path=Path(rss_path), csv_path=csv_path)


def journal_path(rss_path: Path) -> Path:
    """Where an export to `rss_path` records the files it is about to rename (hidden, beside the RSS)."""
    return rss_path.with_name(f".{rss_path.name}.export-journal")


def finish_interrupted_export(store: Store, rss_path: Path) -> ExportResult | None:
    """Finish or undo an export to `rss_path` that was killed between its temporary files and its last rename.

    Its audit entry (found by the journal's token) says whether its stays were marked exported: if so, its
    complete temporary files are renamed into place (the result names its stays); if not, they are removed
    and None is returned, as when there is no journal.
    """
    journal = journal_path(rss_path)
    if not journal.is_file():
        return None
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        token = str(data["token"])
        renames = [(Path(temporary), Path(target)) for temporary, target in data["files"]]
        stays = [str(stay_id) for stay_id in data["stays"]]
    except OSError as exc:
        raise ExportError(f"{journal}: an interrupted export's journal cannot be read ({exc.strerror})") from None
    except (ValueError, KeyError, TypeError):
        raise ExportError(f"{journal}: an interrupted export's journal is damaged; check the folder") from None
    for temporary, target in renames:
        # Only the hidden temporary files the export itself makes beside its targets: a journal edited by hand
        # must not rename other files.
        if temporary.parent != target.parent or not temporary.name.startswith(f".{target.name}."):
            raise ExportError(f"{journal}: an interrupted export's journal names files it did not write")
    committed = any(details.get("token") == token for details in store.audit_details(EXPORT_AUDIT_ACTION))
    try:
        for temporary, target in renames:
            if committed and temporary.exists():
                os.replace(temporary, target)
            elif not committed:
                temporary.unlink(missing_ok=True)
        journal.unlink()
    except OSError as exc:
        raise output_error(journal.parent, exc) from None
    if not committed:
        return None
    targets = [target for _, target in renames]
    return ExportResult(
        written=stays,
        rss_path=rss_path,
        csv_path=next((target for target in targets if target != rss_path), None),
        completed_interrupted=True,
    )
