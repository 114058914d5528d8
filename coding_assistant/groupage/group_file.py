"""Group a file of coded stays into a JSONL file, one line per stay: its grouping preview, or its error.

The output is written beside the target and renamed over it at the end: a reader never sees half a file, and
an interrupted run leaves the previous output as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from coding_assistant.errors import CodingAssistantError
from coding_assistant.groupage.model import StayFacts
from coding_assistant.groupage.reading import InputError, read_stays

if TYPE_CHECKING:
    from coding_assistant.groupage.grouper import Grouper


def group_file(
    grouper: Grouper, input_path: Path, output: Path, input_format: str, on_error: Callable[[str], None]
) -> tuple[int, int]:
    """(stays grouped, stays failed); each failure goes to `on_error` too (where, and why)."""
    stays = read_stays(input_path, input_format)
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(f".{output.name}.tmp")
    try:
        grouped, failed = _write(grouper, stays, temporary, on_error)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    temporary.replace(output)
    return grouped, failed


def _write(
    grouper: Grouper, stays: Iterable[StayFacts | InputError], temporary: Path, on_error: Callable[[str], None]
) -> tuple[int, int]:
    grouped = failed = 0
    with temporary.open("w", encoding="utf-8") as handle:
        for item in stays:
            if isinstance(item, InputError):
                record: dict[str, object] = {"stay_id": item.stay_id, "error": f"{item.where}: {item.message}"}
                on_error(f"{item.where}: {item.message}")
                failed += 1
            else:
                try:
                    record = grouper.group(item).as_dict()
                    grouped += 1
                except CodingAssistantError as exc:
                    record = {"stay_id": item.stay_id, "error": str(exc)}
                    on_error(f"stay {item.stay_id}: {exc}")
                    failed += 1
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return grouped, failed
