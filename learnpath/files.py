"""Reading a file the learner or an author gave us: a plain file, and never more than we can use.

Every file the tool reads (an answers file, quiz.yaml, an overview, the
attempt log, PROGRESS.md) goes through `read_capped`. Two things it refuses,
each with one line that names the file:

- anything that is not a plain file. A named pipe would block the read for
  ever (opening it even blocks, so it is opened without waiting), and a device
  such as /dev/zero never ends;
- a file larger than the limit for its kind: these are text files a person
  writes, a few kilobytes each, so megabytes mean a mistake, not a quiz.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MB = 1024 * 1024

# how large each kind of file may be: far above any real one, far below trouble
LIMITS = {
    "answers": 1 * MB,
    "quiz": 2 * MB,
    "overview": 2 * MB,
    "progress": 16 * MB,
    "attempt log": 256 * MB,
}


class NotReadable(Exception):
    """Why a file can't be read, as a phrase ("is a named pipe"), and the fix to suggest."""

    def __init__(self, reason: str, fix: str, missing: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.fix, self.missing = reason, fix, missing


def kind_of(mode: int) -> str:
    """What a file that is not a plain file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def read_capped(path: Path | str, kind: str) -> bytes:
    """The bytes of the plain file at `path`, at most LIMITS[kind]; NotReadable says why not."""
    limit = LIMITS[kind]
    try:
        # O_NONBLOCK: opening a named pipe with no writer would otherwise wait for one
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise NotReadable("does not exist", "check the name", missing=True) from None
    except OSError as error:
        raise NotReadable(f"can't be opened ({error.strerror or error})",
                          _permission_fix(path, error)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotReadable(f"is {kind_of(mode)}, not a file", "give a plain file instead")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(MB, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise NotReadable(f"is larger than {limit // MB} MB, far more than any {kind} file",
                              "check that it is the right file")
        return b"".join(chunks)
    except OSError as error:
        raise NotReadable(f"can't be read ({error.strerror or error})", "check that it is a readable file") from None
    finally:
        os.close(fd)


def read_stream_capped(stream, kind: str) -> bytes:
    """At most LIMITS[kind] bytes of a binary stream (stdin); NotReadable if it holds more."""
    limit = LIMITS[kind]
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise NotReadable(f"holds more than {limit // MB} MB, far more than any {kind} file",
                          "check what is piped in")
    return data


def _permission_fix(path: Path | str, error: OSError) -> str:
    """The fix that works: for a file of another user (after `sudo learnpath`), chown it back."""
    if isinstance(error, PermissionError):
        return ownership_fix(Path(path)) or f"make it readable: chmod u+r {path}"
    return "check that it is a readable file"


def ownership_fix(path: Path) -> str | None:
    """`sudo chown $USER ...` when `path` (or the folder it would be made in) belongs to someone else."""
    if not hasattr(os, "getuid"):  # pragma: no cover - Windows
        return None
    for candidate in (path, path.parent):
        try:
            owner = candidate.stat().st_uid
        except OSError:
            continue
        if owner != os.getuid():
            flag = "-R " if candidate.is_dir() else ""
            return (f"It belongs to another user (was learnpath run with sudo?): "
                    f"take it back with `sudo chown {flag}$USER {candidate}`")
        return None
    return None
