"""One batch run: take the lock, import the source's stays, code the new or changed ones, store, report.

Crash safety rests on one fact: a stay's proposals are saved in one transaction that also records the content
they were made from (`input_hash`) and the model version. A run killed at any point leaves every stay either
coded (that transaction committed) or not; the next run recodes exactly those that are not, and takes the dead
run's lock over at once (the OS released it, see store/locking.py). Nothing is held in memory that a restart
would need. A run that learns it lost its lock (BatchLockedError from a write or a heartbeat) stops at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from coding_assistant.batch.engines import CodingEngine, CodingResult
from coding_assistant.batch.progress import LogProgress, Progress
from coding_assistant.batch.sources import SourceItem
from coding_assistant.config import get_settings
from coding_assistant.errors import CodingAssistantError
from coding_assistant.groupage import summarise_grouping
from coding_assistant.groupage.tables import GroupingTableError
from coding_assistant.pipeline.notes import DP_BELOW_THRESHOLD_NOTE
from coding_assistant.schema import GroupingSummary, ModelInfo, Stay, StayProposals
from coding_assistant.stay_limits import StayLimits, StayTooLargeError, check_stay_size
from coding_assistant.store import BatchCounts, BatchLockedError, Store, StoreError
from coding_assistant.store.hashing import stay_content_hash
from coding_assistant.store.proposals import proposed_dp

logger = logging.getLogger("coding_assistant.batch")

HEARTBEAT_EVERY_S = 30.0
REPORT_FAILURES = 200  # failures listed in the report; all of them are in the store's batch_failures table


@dataclass
class BatchReport:
    run_id: str
    engine: str
    source: str
    model: dict[str, str]
    started_at: str
    finished_at: str = ""
    status: str = "running"
    seconds: float = 0.0
    read: int = 0  # records read from the source
    coded: int = 0
    skipped: int = 0  # unchanged since their proposals (or validated): nothing to do
    # Unchanged stays whose grouping preview was made again: their administrative fields, RUM acts or input act
    # lines (`codes.acts` of a stay without a RUM line) changed.
    regrouped: int = 0
    failed: int = 0
    out_of_range: int = 0  # discharged before --since, or not discharged yet
    duplicates: int = 0  # a stay id seen again in the same source: the last record wins
    dp_above_threshold: int = 0
    dp_above_threshold_share: float | None = None  # among the stays coded by this run
    # The grouping preview's revaluations (a counting CMA the letters support, left out of the proposals):
    # how many stays, and what they would add to the preview's tariffs together.
    revaluation_stays: int = 0
    revaluation_eur: float = 0.0
    stays_per_second: float | None = None  # coded stays per second of coding
    coding_seconds: float = 0.0
    failures: list[dict[str, str | None]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        share = "—" if self.dp_above_threshold_share is None else f"{self.dp_above_threshold_share:.1%}"
        rate = "—" if self.stays_per_second is None else f"{self.stays_per_second:.1f}"
        lines = [
            f"batch {self.run_id} ({self.engine}, model {self.model['name']} {self.model['version']}): {self.status}",
            f"  source      {self.source}: {self.read} records",
            f"  coded       {self.coded}  ({rate} stays/s)",
            f"  skipped     {self.skipped}  (unchanged or validated)",
        ]
        if self.regrouped:
            lines.append(f"  regrouped   {self.regrouped}  (modes or acts changed: grouping preview made again)")
        lines.append(f"  failed      {self.failed}")
        if self.out_of_range:
            lines.append(f"  out of range {self.out_of_range}  (--since)")
        if self.duplicates:
            lines.append(f"  duplicates  {self.duplicates}  (same stay id again in the source; last kept)")
        lines.append(f"  DP above its threshold: {share}")
        if self.revaluation_stays:
            lines.append(
                f"  revaluation possible: {self.revaluation_stays} stays, +{self.revaluation_eur:,.0f} EUR "
                "(grouping preview: a supported CMA not selected)"
            )
        lines.append(f"  {self.seconds:.1f} s")
        lines.extend(f"  ✗ {_place(f)}: {f['error']}" for f in self.failures[:20])
        if self.failed > 20:
            lines.append(f"  … {self.failed - 20} more failures in the report and the store")
        return "\n".join(lines)


class BatchRunner:
    """Runs one batch against a store with a coding engine. Not reusable: one object per run."""

    def __init__(
        self,
        store: Store,
        engine: CodingEngine,
        model: ModelInfo,
        *,
        since: date | None = None,
        progress: Progress | None = None,
        heartbeat_every_s: float = HEARTBEAT_EVERY_S,
        limits: StayLimits | None = None,
    ) -> None:
        self.store = store
        self.limits = limits or StayLimits.from_settings()
        self.engine = engine
        self.model = model
        self.since = since
        self.progress = progress or LogProgress()
        self.heartbeat_every_s = heartbeat_every_s
        self._last_heartbeat = 0.0
        self.report: BatchReport | None = None
        self._places: dict[str, str] = {}

    def run(self, items: Iterable[SourceItem], source: str) -> BatchReport:
        started = time.monotonic()
        run = self.store.start_batch_run(self.engine.name, source)  # BatchLockedError: nothing was touched
        self._last_heartbeat = started
        report = self.report = BatchReport(
            run_id=run.id,
            engine=self.engine.name,
            source=source,
            model=self.model.model_dump(),
            started_at=_now_iso(),
        )
        logger.info("batch %s started (%s, %s)", run.id, self.engine.name, source)
        try:
            to_code = self._import(items, report)
            self._code(to_code, report)
        except BaseException as exc:
            report.status = "failed"
            self._finish(report, started, "failed")
            logger.error("batch %s stopped: %s", run.id, type(exc).__name__)
            raise
        report.status = "succeeded"
        self._finish(report, started, "succeeded")
        return report

    # Import: read, filter, detect changes ---------------------------------------------------------------------
    def _import(self, items: Iterable[SourceItem], report: BatchReport) -> list[Stay]:
        latest: dict[str, Stay] = {}
        rum_lines: dict[str, str] = {}
        places = self._places  # the record each kept stay came from ("file:line"), to name it in a failure
        for item in items:
            report.read += 1
            if item.stay is None:
                self._fail(report, item.stay_id, item.location, item.error or "unreadable record")
                continue
            stay = item.stay
            try:
                check_stay_size(stay, self.limits)  # refused before it reaches the store, let alone the coding
            except StayTooLargeError as exc:
                self._fail(report, stay.stay_id, item.location, str(exc))
                continue
            if self.since is not None and (stay.discharge_date is None or stay.discharge_date < self.since):
                report.out_of_range += 1
                continue
            if stay.stay_id in latest:
                report.duplicates += 1
                logger.warning(
                    "batch: %s read again at %s (first at %s): the last record is kept",
                    shown_stay(stay.stay_id),
                    item.location,
                    places[stay.stay_id],
                )
                del latest[stay.stay_id]  # re-inserted below: keeps the order of last appearance
            latest[stay.stay_id] = stay
            places[stay.stay_id] = item.location
            if item.source_rum is not None:
                rum_lines[stay.stay_id] = item.source_rum
            self._beat()
        states = self.store.coding_states(latest)
        # The RUM lines stored before this run, for the stays read with one: a new line for an unchanged stay
        # (acts added in the PMSI software) changes what the grouping preview reads, not the coding.
        stored_lines = self.store.source_rums(rum_lines) if rum_lines else {}
        to_code: list[Stay] = []
        for stay_id, stay in latest.items():
            state = states.get(stay_id)
            content_hash = stay_content_hash(stay)
            # Administrative fields (modes, provenance…) are not in the hash: a corrected one is stored all the
            # same, so that the review UI's grouping preview reads what this run's does; no recoding for it.
            admin_changed = state is not None and state.admin_fields_changed(stay)
            # So are the act lines a stay without a RUM line came with (`codes.acts`): the grouping preview
            # groups them, the export writes them when a coder did not review the acts.
            acts_changed = state is not None and stay_id not in rum_lines and state.source_acts_changed(stay)
            if state is not None and not state.needs_coding(content_hash, self.model.version):
                report.skipped += 1
                if stay_id in rum_lines or admin_changed or acts_changed:  # the newest RUM line, fields, acts
                    new_line = stay_id in rum_lines and stored_lines.get(stay_id) != rum_lines[stay_id]
                    try:
                        self.store.upsert_stay(stay, source_rum=rum_lines.get(stay_id), run_id=report.run_id)
                        if admin_changed or acts_changed or new_line:
                            self._regroup(stay, report)
                    except BatchLockedError:
                        raise
                    except (StoreError, CodingAssistantError, ValueError) as exc:
                        what = "RUM line" if stay_id in rum_lines else "administrative fields or acts"
                        self._fail(report, stay_id, places[stay_id], f"{what} not stored ({_reason(exc)})")
                continue
            if (
                state is None
                or state.content_hash != content_hash
                or stay_id in rum_lines
                or admin_changed
                or acts_changed
            ):
                try:
                    self.store.upsert_stay(stay, source_rum=rum_lines.get(stay_id), run_id=report.run_id)
                except BatchLockedError:
                    raise
                except (StoreError, CodingAssistantError, ValueError) as exc:
                    self._fail(report, stay_id, places[stay_id], f"cannot be stored ({_reason(exc)})")
                    continue
            to_code.append(stay)
            self._beat()
        logger.info(
            "batch: %d records read, %d to code, %d unchanged, %d failed on reading",
            report.read,
            len(to_code),
            report.skipped,
            report.failed,
        )
        return to_code

    def _regroup(self, stay: Stay, report: BatchReport) -> None:
        """The stored grouping preview made again for an unchanged stay whose modes, destination, birth weight,
        RUM acts or input act lines changed: the worklist's GHM and revaluation follow what the review UI's
        preview shows."""
        if not get_settings().grouping_preview:
            return
        proposals = self.store.load_proposals(stay.stay_id)
        if proposals is None:
            return
        made, grouping = _preview(stay, proposals)
        if not made:
            return
        self.store.save_grouping(stay.stay_id, grouping, run_id=report.run_id)
        report.regrouped += 1

    # Coding -------------------------------------------------------------------------------------------------
    def _code(self, stays: list[Stay], report: BatchReport) -> None:
        if not stays:  # nothing new tonight: do not even load the model
            return
        started = time.monotonic()
        self.progress.start(len(stays))
        pending = {stay.stay_id for stay in stays}
        try:
            for result in self.engine.code(stays):
                pending.discard(result.stay_id)
                coded = self._save(result, report)
                self.progress.advance(int(coded), int(not coded))
                self._beat()
        finally:
            self.progress.stop()
        for stay_id in sorted(pending):  # an engine must answer for every stay; say so if one did not
            self._fail(report, stay_id, stay_id, "no result came back from the coding engine")
        report.coding_seconds = round(time.monotonic() - started, 3)
        if report.coded:
            report.stays_per_second = round(report.coded / max(report.coding_seconds, 1e-9), 2)
            report.dp_above_threshold_share = round(report.dp_above_threshold / report.coded, 4)

    def _save(self, result: CodingResult, report: BatchReport) -> bool:
        place = self._places.get(result.stay_id, result.stay_id)
        if result.proposals is None:
            self._fail(report, result.stay_id, place, result.error or "coding failed")
            return False
        proposals = result.proposals
        try:
            self.store.save_proposals(result.stay_id, proposals, report.run_id)
        except BatchLockedError:
            raise  # another run took the lock over: this one writes nothing more
        except (StoreError, CodingAssistantError, ValueError) as exc:
            self._fail(report, result.stay_id, place, f"proposals not saved ({_reason(exc)})")
            return False
        report.coded += 1
        if dp_above_threshold(proposals):
            report.dp_above_threshold += 1
        grouping = proposals.grouping
        if grouping is not None and grouping.revaluation_eur:
            report.revaluation_stays += 1
            report.revaluation_eur = round(report.revaluation_eur + grouping.revaluation_eur, 2)
        return True

    # Bookkeeping --------------------------------------------------------------------------------------------
    def _fail(self, report: BatchReport, stay_id: str | None, location: str, error: str) -> None:
        error = _without_place(error, location, stay_id)
        report.failed += 1
        if len(report.failures) < REPORT_FAILURES:
            report.failures.append({"stay_id": stay_id, "location": location, "error": error})
        self.store.record_batch_failure(report.run_id, stay_id, location, error)
        logger.warning("batch: %s failed", shown_stay(stay_id) if stay_id else location)

    def _beat(self) -> None:
        now = time.monotonic()
        if now - self._last_heartbeat >= self.heartbeat_every_s and self.report is not None:
            self.store.heartbeat(self.report.run_id)  # raises BatchLockedError if another run took over
            self._last_heartbeat = now

    def _finish(self, report: BatchReport, started: float, status: str) -> None:
        report.finished_at = _now_iso()
        report.seconds = round(time.monotonic() - started, 3)
        counts = BatchCounts(coded=report.coded, skipped=report.skipped, failed=report.failed)
        try:
            self.store.finish_batch_run(report.run_id, counts, report.as_dict(), status=status)
        except StoreError:
            # The lock was taken over (our heartbeat went stale): the other run owns the record now.
            logger.error("batch %s: could not record its end; the lock was taken over", report.run_id)
        logger.info(
            "batch %s %s: %d coded, %d skipped, %d failed in %.1f s",
            report.run_id,
            status,
            report.coded,
            report.skipped,
            report.failed,
            report.seconds,
        )


SHOWN_ID_CHARS = 64


def _place(failure: dict[str, str | None]) -> str:
    location, stay_id = failure["location"] or "", failure["stay_id"]
    return shown_stay(location) if location == stay_id else location


def shown_stay(stay_id: str) -> str:
    """A stay id as a log line or a summary shows it: a hostile or broken source's 300-character id is cut."""
    if len(stay_id) <= SHOWN_ID_CHARS:
        return stay_id
    return f"{stay_id[:SHOWN_ID_CHARS]}… ({len(stay_id)} characters)"


def dp_above_threshold(proposals: StayProposals) -> bool:
    dp = proposed_dp(proposals)
    # The pipeline flags a DP chosen under the selection threshold (every stay gets a DP).
    return dp is not None and not any(w.rule == DP_BELOW_THRESHOLD_NOTE.rule for w in dp.warnings)


def _reason(exc: Exception) -> str:
    """The product's own messages as they are; anything else by its type only, since a driver's or the
    runtime's message may quote the values it was given (a letter's text)."""
    return str(exc) if isinstance(exc, CodingAssistantError) else type(exc).__name__


def _without_place(error: str, location: str, stay_id: str | None) -> str:
    """The reason alone: the report and the summary print the place beside it, so a message that starts by
    naming the same place (an engine's "stay S1: …") loses that prefix instead of showing it twice."""
    for prefix in (location, f"stay {stay_id}" if stay_id else None, f"{location} (stay {stay_id})"):
        if prefix and error.startswith(f"{prefix}: "):
            error = error[len(prefix) + 2 :]
    return error


def _preview(stay: Stay, proposals: StayProposals) -> tuple[bool, GroupingSummary | None]:
    """(True, the grouping preview of the stay's proposals — None without a DP), or (False, None) when it
    fails: the preview is an aid, and one stay whose preview fails keeps its proposals and never stops the
    night (logged with its id and the error's class, never its content)."""
    try:
        return True, summarise_grouping(stay, proposals)
    except GroupingTableError as exc:
        logger.warning("batch: grouping preview of %s not made (%s)", shown_stay(stay.stay_id), exc)
    except Exception as exc:  # the preview is an aid: see the docstring
        logger.warning("batch: grouping preview of %s not made (%s)", shown_stay(stay.stay_id), type(exc).__name__)
    return False, None


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
