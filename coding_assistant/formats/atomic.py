"""Write files atomically: into a temporary file beside each, then os.replace, so a reader never sees half.

The one helper of the package for output files (proposals, reports, RSS and CSV exports, synthetic corpora,
model files). A file that cannot be written — full disk, read-only folder, no permission — is one
`OutputError` naming the file and the system's reason, and leaves no temporary file behind. A target that
exists and is not a regular file (/dev/stdout, a named pipe) is written in place: renaming over it would
replace the device instead of writing to it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, TextIO, cast

from coding_assistant.errors import CodingAssistantError


class OutputError(CodingAssistantError):
    """A file that cannot be written (no space left, read-only file system, no permission)."""


def output_error(path: Path | str, exc: OSError) -> OutputError:
    return OutputError(f"{path}: cannot be written ({exc.strerror or type(exc).__name__})")


@dataclass
class _Target:
    path: Path
    handle: IO[str] | IO[bytes]
    temporary: Path | None  # None: written in place


class AtomicGroup:
    """Files that appear together or not at all: each is written to its temporary file; once every one is
    written and synced, they are renamed one after the other (each rename is atomic; the group's renames are
    not one step, but a rename within a folder hardly fails once the data is on disk)."""

    def __init__(self, before_rename: Callable[[list[tuple[Path, Path]]], None] | None = None) -> None:
        self._targets: list[_Target] = []
        self._current: Path | None = None  # the file being opened or finished, to name it in an error
        # Called with (temporary, target) pairs once every file is complete on disk and before any rename: the
        # export records there what it is about to rename and commits the store, so that a kill at any point
        # can be finished or undone (see export.py); an error there discards the files like any other.
        self._before_rename = before_rename

    def open_text(self, path: Path | str, encoding: str = "utf-8", newline: str = "") -> TextIO:
        return cast(TextIO, self._open(Path(path), "x", encoding, newline))

    def open_bytes(self, path: Path | str) -> BinaryIO:
        return cast(BinaryIO, self._open(Path(path), "xb", None, None))

    def _open(self, path: Path, mode: str, encoding: str | None, newline: str | None) -> IO[str] | IO[bytes]:
        self._current = path
        if _is_special(path):
            handle = path.open(mode.replace("x", "w"), encoding=encoding, newline=newline)
            self._targets.append(_Target(path, handle, None))
            self._current = None
            return handle
        path.parent.mkdir(parents=True, exist_ok=True)
        # Same folder, so that os.replace is a rename on one file system; a random part, so that two writers
        # (or a leftover of a killed one) never share a temporary file; "x" with the umask's permissions.
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        handle = temporary.open(mode, encoding=encoding, newline=newline)
        self._targets.append(_Target(path, handle, temporary))
        self._current = None
        return handle

    def failed_path(self, exc: OSError) -> Path | str:
        """The file an error is about: the one being opened or finished, else the one whose temporary file
        the error names, else all of them."""
        if self._current is not None:
            return self._current
        named = str(exc.filename or "")
        for target in self._targets:
            if named and named in (str(target.temporary), str(target.path)):
                return target.path
        return ", ".join(str(t.path) for t in self._targets) or "output"

    def finish(self) -> None:
        for target in self._targets:
            self._current = target.path
            _sync(target.handle)
            target.handle.close()
        self._current = None
        if self._before_rename is not None:
            self._before_rename([(t.temporary, t.path) for t in self._targets if t.temporary is not None])
        for target in self._targets:
            self._current = target.path
            if target.temporary is not None:
                os.replace(target.temporary, target.path)
                target.temporary = None
        self._current = None

    def discard(self) -> None:
        for target in self._targets:
            with contextlib.suppress(OSError):  # a full disk refuses the last flush too; the file goes anyway
                target.handle.close()
            if target.temporary is not None:
                target.temporary.unlink(missing_ok=True)


def _is_special(path: Path) -> bool:
    try:
        return path.exists() and not path.is_file()
    except OSError:
        return False


def _sync(handle: IO[str] | IO[bytes]) -> None:
    handle.flush()
    try:
        os.fsync(handle.fileno())  # on disk before the rename; and a full disk may only say so here
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):  # a pipe or device: no sync
            raise


@contextmanager
def atomic_group(
    before_rename: Callable[[list[tuple[Path, Path]]], None] | None = None,
) -> Iterator[AtomicGroup]:
    """`with atomic_group() as files:` then `files.open_text(path)` for each file; see AtomicGroup."""
    group = AtomicGroup(before_rename)
    try:
        yield group
        group.finish()
    except OSError as exc:
        group.discard()
        raise output_error(group.failed_path(exc), exc) from None
    except BaseException:
        group.discard()
        raise


@contextmanager
def atomic_text_file(path: Path | str, encoding: str = "utf-8", newline: str = "") -> Iterator[TextIO]:
    """Open a temporary file next to `path` for writing; it replaces `path` only if the block succeeds."""
    with atomic_group() as group:
        yield group.open_text(path, encoding, newline)


def atomic_write_text(path: Path | str, text: str, encoding: str = "utf-8") -> None:
    with atomic_text_file(path, encoding=encoding) as handle:
        handle.write(text)


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    with atomic_group() as group:
        group.open_bytes(path).write(data)


@contextmanager
def atomic_binary_file(path: Path | str) -> Iterator[BinaryIO]:
    """Like `atomic_text_file`, for a writer that takes a binary handle (pickle, torch.save)."""
    with atomic_group() as group:
        yield group.open_bytes(path)


def check_writable_folder(folder: Path) -> None:
    """Create the output folder and write (then remove) a probe file in it: a read-only or full file system is
    one clear error before a long job (a training), not a traceback after it."""
    probe = folder / ".write-check"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(probe, "ok\n")
        probe.unlink()
    except OSError as exc:
        raise output_error(folder, exc) from None
