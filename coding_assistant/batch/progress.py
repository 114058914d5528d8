"""Progress of a batch: a bar with stays/s and ETA on a terminal, a log line every few seconds otherwise
(cron, systemd, Spark driver logs). Counts only: never a stay's text."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any, Protocol

logger = logging.getLogger("coding_assistant.batch")

LOG_EVERY_S = 30.0


class Progress(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, coded: int, failed: int) -> None: ...
    def stop(self) -> None: ...


class LogProgress:
    """Periodic log lines: done/total, rate, ETA."""

    def __init__(self, every_s: float = LOG_EVERY_S) -> None:
        self.every_s = every_s
        self.total = 0
        self.done = self.failed = 0
        self._started = self._last = 0.0

    def start(self, total: int) -> None:
        self.total = total
        self._started = self._last = time.monotonic()
        logger.info("coding %d stays", total)

    def advance(self, coded: int, failed: int) -> None:
        self.done += coded + failed
        self.failed += failed
        now = time.monotonic()
        if now - self._last >= self.every_s:
            self._last = now
            logger.info("%s", self.line(now))

    def line(self, now: float) -> str:
        elapsed = max(now - self._started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else float("nan")
        eta = f"{left / 60:.1f} min" if left == left else "?"
        return f"{self.done}/{self.total} stays ({self.failed} failed), {rate:.1f} stays/s, ETA {eta}"

    def stop(self) -> None:
        if self.total:
            logger.info("%s", self.line(time.monotonic()))


class BarProgress:
    """A rich progress bar on stderr."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        self._bar = RichProgress(
            TextColumn("codage"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]} séjours/s"),
            TextColumn("{task.fields[failed]} échecs"),
            TimeElapsedColumn(),
            TextColumn("reste"),
            TimeRemainingColumn(),
            transient=False,
        )
        self._task: Any = None  # rich's TaskID once started
        self._started = 0.0
        self._done = self._failed = 0

    def start(self, total: int) -> None:
        self._bar.start()
        self._started = time.monotonic()
        self._task = self._bar.add_task("batch", total=total, rate="0.0", failed=0)

    def advance(self, coded: int, failed: int) -> None:
        self._done += coded + failed
        self._failed += failed
        rate = self._done / max(time.monotonic() - self._started, 1e-9)
        self._bar.update(self._task, advance=coded + failed, rate=f"{rate:.1f}", failed=self._failed)

    def stop(self) -> None:
        self._bar.stop()


def progress_for_stream(stream: object = None) -> Progress:
    """A bar when stderr is a terminal, log lines otherwise."""
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    return BarProgress() if callable(isatty) and isatty() else LogProgress()
