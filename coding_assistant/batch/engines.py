"""Coding engines: stays in, proposals (or one error per stay) out. The runner does not care where they run.

Every engine builds the same `CodingPipeline` from the same model folder, so that the local and the Spark
engine give identical proposals for the same stay. The local engine also codes `predict`'s files.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Protocol

from coding_assistant.errors import CodingAssistantError, unexpected_error
from coding_assistant.schema import Codes, ModelInfo, Stay, StayProposals
from coding_assistant.stay_limits import StayLimits, check_stay_size, time_budget

logger = logging.getLogger(__name__)

CHUNK = 16  # stays per task sent to a worker process: amortises pickling, keeps the progress bar moving


@dataclass(frozen=True, slots=True)
class CodingResult:
    """One stay's outcome: proposals, or the reason it could not be coded (never document text)."""

    stay_id: str
    proposals: StayProposals | None = None
    error: str | None = None


class Proposer(Protocol):
    """What an engine codes with: a `CodingPipeline`, or a stand-in with the same `propose` (tests)."""

    def propose(self, stay: Stay) -> StayProposals: ...


class CodingEngine(Protocol):
    name: str

    def code(self, stays: Iterable[Stay]) -> Iterator[CodingResult]:
        """One result per stay given; order may differ from the input's (Spark returns partitions as done)."""
        ...

    def close(self) -> None: ...


def check_model(model_dir: Path) -> ModelInfo:
    """The name and version of the model folder every engine will load; a bad folder (or a fusion.json that
    does not fit this version) is one clear error here, before any stay is read or any worker starts."""
    from coding_assistant.classifier import read_bundle
    from coding_assistant.pipeline.fusion import Fusion

    bundle = read_bundle(model_dir)
    Fusion.load(model_dir)
    return ModelInfo(name=bundle.name, version=bundle.version)


def coding_input(stay: Stay) -> Stay:
    """The stay as the coding reads it: its diagnoses never (they are what the coding proposes), the act lines
    it came with when it has some (`codes.acts`: a JSONL stay's coded acts, an RSS stay's act zones), which
    the grouping preview groups beside the selected act proposals, as the review UI's preview does."""
    acts = stay.codes.acts if stay.codes is not None else None
    return stay.model_copy(update={"codes": Codes(acts=acts) if acts else None})


def code_stays(pipeline: Proposer, stays: Sequence[Stay], limits: StayLimits | None = None) -> list[CodingResult]:
    """Code stays one by one with a loaded pipeline; an exception in one stay becomes that stay's error.

    Each stay is checked against the size limits and coded within the per-stay time budget (`limits`, from
    the settings by default): a stay too large or too slow fails alone, with its id and the reason.
    """
    limits = limits or StayLimits.from_settings()
    out: list[CodingResult] = []
    for stay in stays:
        try:
            check_stay_size(stay, limits)
            with time_budget(stay.stay_id, limits.time_budget_s):
                proposals = pipeline.propose(coding_input(stay))
            out.append(CodingResult(stay.stay_id, proposals=proposals))
        except CodingAssistantError as exc:
            out.append(CodingResult(stay.stay_id, error=str(exc)))
        except Exception as exc:  # one stay's unexpected failure must not lose the others
            # Type and code location only: an exception's message may quote the letter it choked on.
            logger.error("stay %s failed: %s", stay.stay_id, unexpected_error(exc))
            out.append(CodingResult(stay.stay_id, error=f"{type(exc).__name__} while coding this stay"))
    return out


_worker_pipeline: Proposer | None = None
_worker_limits: StayLimits | None = None
PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_CHECK_S = 1.0


def _die_with_parent(parent_pid: int) -> None:
    """A worker ends when the batch that started it ends, even by SIGKILL: orphans would keep coding (and
    burning the night's CPU) for a run nobody will save.

    On Linux the kernel sends SIGKILL to the worker when its parent dies (prctl PR_SET_PDEATHSIG); a thread
    that watches the parent's pid covers the other systems, and the moment before prctl took effect.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl in this libc: the watchdog alone
            logger.debug("prctl unavailable; the worker watches its parent instead")
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _init_worker(model_dir: Path | None, parent_pid: int, limits: StayLimits | None = None) -> None:
    global _worker_pipeline, _worker_limits
    _die_with_parent(parent_pid)
    _worker_limits = limits
    _worker_pipeline = _load_pipeline(model_dir)


# Objects a process may allocate, net, before a young-generation collection. Coding a stay makes and drops tens of
# thousands of small objects (tokens, mentions, cue matches) that reference counting frees; at the default 700 the
# collector ran every few hundred of them for nothing to collect. Measured on 200 long stays, three alternating
# rounds: 79.9 → 75.0 CPU ms a stay (bench/pipeline_bench.py gives the end-to-end figure).
YOUNG_GENERATION_THRESHOLD = 50_000


def _load_pipeline(model_dir: Path | None) -> Proposer:
    """The pipeline, its tables set apart from the garbage collector: they live as long as the process, and
    each full collection would otherwise walk their half-million objects again while stays are coded. Young
    collections are spaced out for the same reason (`YOUNG_GENERATION_THRESHOLD`)."""
    from coding_assistant.pipeline import CodingPipeline

    pipeline = CodingPipeline.load(model_dir)
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)
    return pipeline


def _code_chunk(stays: Sequence[Stay]) -> list[CodingResult]:
    assert _worker_pipeline is not None, "the worker's initializer loads the pipeline"
    return code_stays(_worker_pipeline, stays, _worker_limits)


def _chunks(stays: Iterable[Stay], size: int) -> Iterator[list[Stay]]:
    iterator = iter(stays)
    while chunk := list(islice(iterator, size)):
        yield chunk


class LocalEngine:
    """This machine: the pipeline in-process (`jobs=1`) or one pipeline per worker process."""

    name = "local"

    def __init__(
        self,
        model_dir: Path | None,
        jobs: int = 1,
        pipeline: Proposer | None = None,
        limits: StayLimits | None = None,
    ) -> None:
        self.model_dir = model_dir
        self.jobs = jobs
        self.limits = limits  # size limits and time budget; None: from the settings
        self._pipeline = pipeline  # tests pass a ready pipeline to skip loading a model
        self._executor: ProcessPoolExecutor | None = None

    def code(self, stays: Iterable[Stay]) -> Iterator[CodingResult]:
        if self.jobs == 1 or self._pipeline is not None:
            if self._pipeline is None:
                self._pipeline = _load_pipeline(self.model_dir)
            for chunk in _chunks(stays, CHUNK):
                yield from code_stays(self._pipeline, chunk, self.limits)
            return
        if self._executor is None:
            # "spawn": a worker inherits none of the batch's descriptors (above all the batch lock's file or
            # connection), so that only the batch process itself holds the lock, and it ends with it.
            self._executor = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.model_dir, os.getpid(), self.limits),
            )
        # map() keeps at most the submitted chunks in flight; results come back in input order.
        for results in self._executor.map(_code_chunk, _chunks(stays, CHUNK)):
            yield from results

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None
