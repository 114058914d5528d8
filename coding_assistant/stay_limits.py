"""How much text one stay may bring, and how long its coding may take, so that one stay never holds a night.

A letter is a few thousand characters; a stay's documents together rarely reach a hundred thousand. A 20 MB
"letter" is an export gone wrong (a whole file pasted, a binary read as text): it is refused at once with its
stay id and the limit, and the batch codes the others. The per-stay time budget (batch) catches what the size
limits do not: a stay whose coding runs longer is stopped and fails alone. Settings: CODING_ASSISTANT_
MAX_DOCUMENT_CHARS, MAX_STAY_CHARS, STAY_TIME_BUDGET_S.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from coding_assistant.errors import CodingAssistantError
from coding_assistant.schema import Stay


class StayTooLargeError(CodingAssistantError):
    """A document or a stay longer than the configured limit."""


class StayTimeoutError(CodingAssistantError):
    """A stay whose coding ran past the per-stay time budget."""


@dataclass(frozen=True, slots=True)
class StayLimits:
    max_document_chars: int
    max_stay_chars: int
    time_budget_s: float  # 0: no budget

    @classmethod
    def from_settings(cls) -> StayLimits:
        from coding_assistant.config import get_settings

        settings = get_settings()
        return cls(settings.max_document_chars, settings.max_stay_chars, settings.stay_time_budget_s)


def check_stay_size(stay: Stay, limits: StayLimits) -> None:
    """Refuse a stay whose documents are too long, naming the stay, the document's place and the limit."""
    total = 0
    for number, document in enumerate(stay.documents, start=1):
        size = len(document.text)
        if size > limits.max_document_chars:
            raise StayTooLargeError(
                f"stay {stay.stay_id}: document {number} has {size:,} characters, over the limit of "
                f"{limits.max_document_chars:,} (CODING_ASSISTANT_MAX_DOCUMENT_CHARS)"
            )
        total += size
    if total > limits.max_stay_chars:
        raise StayTooLargeError(
            f"stay {stay.stay_id}: its documents have {total:,} characters, over the limit of "
            f"{limits.max_stay_chars:,} for a stay (CODING_ASSISTANT_MAX_STAY_CHARS)"
        )


class _Alarm:
    armed = False


@contextmanager
def time_budget(stay_id: str, seconds: float) -> Iterator[None]:
    """Raise StayTimeoutError in this block once `seconds` have passed (SIGALRM, so Python code is stopped
    between two bytecodes; a long call into C finishes first). Only the main thread receives signals: in any
    other thread, or with `seconds` <= 0, the block runs without a budget."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    alarm = _Alarm()

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        if alarm.armed:  # the block may have just ended: then the signal comes too late to matter
            alarm.armed = False
            raise StayTimeoutError(
                f"stay {stay_id}: coding took longer than its budget of {seconds:g} s "
                "(CODING_ASSISTANT_STAY_TIME_BUDGET_S); stopped"
            )

    previous = signal.signal(signal.SIGALRM, on_alarm)
    alarm.armed = True
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        alarm.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
