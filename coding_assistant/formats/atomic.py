"""Write a file atomically: into a temporary file beside it, then os.replace, so a reader never sees half."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def atomic_text_file(path: Path, encoding: str = "utf-8", newline: str = "") -> Iterator[TextIO]:
    """Open a temporary file next to `path` for writing; it replaces `path` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Same folder so that os.replace is a rename on one file system; opened with "x" (and the process id in
    # the name) so that two writers never share a temporary file, and with the umask's usual permissions.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("x", encoding=encoding, newline=newline) as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
