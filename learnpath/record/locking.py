"""Writing a shared file safely: one writer at a time, and never half a file.

Two learnpath processes may touch the same file at once (a quiz finishing while
an experiment run ends), and a process may be killed in the middle of a write.
Two tools handle both:

- `locked(path)` holds an exclusive lock for `path` while the caller reads,
  changes and writes it, so no update is lost between the read and the write.
- `atomic_write(path, text)` writes a temporary file next to `path`, forces it
  to disk, then renames it over `path`. A rename inside one folder is atomic,
  so a reader sees the old file or the new one, never a mix.

The lock lives in a sibling file `.NAME.lock` rather than on `path` itself,
because `atomic_write` replaces `path` with a new file: a lock held on the old
file would guard nothing. The lock file is never deleted, since deleting it
while another process waits on it would let two writers in at once.

A writer killed between creating its temporary file and renaming it leaves a
`.NAME.*.tmp` file behind. Readers never look at those, and the next writer
removes them once it holds the lock (every writer of `path` goes through
`locked`, so no temporary file can belong to a live writer at that moment).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt


def lock_path(path: Path | str) -> Path:
    """The sibling file whose lock stands for `path`: `dir/.NAME.lock`."""
    path = _real(path)
    return path.with_name(f".{path.name}.lock")


def temp_files(path: Path | str) -> list[Path]:
    """Temporary files that `atomic_write` may have left beside `path`."""
    path = _real(path)
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


def _real(path: Path | str) -> Path:
    """`path` with symlinks followed: a learner may keep the file elsewhere and link to it,
    and every writer must then meet at the same lock and write the same file."""
    return Path(os.path.realpath(path))


@contextlib.contextmanager
def locked(path: Path | str, timeout: float = 30.0) -> Iterator[None]:
    """Hold the exclusive lock for `path` for the duration of the `with` block.

    Waits while another process holds it, at most `timeout` seconds, then
    raises TimeoutError (a writer holds the lock for milliseconds, so a long
    wait means a stuck process, and the tool must not hang on it). The folder
    of `path` is created if needed. Leaving the block releases the lock, even
    after an error.
    """
    path = _real(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path(path), "a+b")
    try:
        _acquire(handle, timeout, lock_path(path))
        try:
            _remove_stale_temp_files(path)
            yield
        finally:
            _release(handle)
    finally:
        handle.close()


def atomic_write(path: Path | str, text: str | bytes) -> None:
    """Replace the contents of `path` with `text`, all at once or not at all.

    `text` is written exactly as given: a str is encoded as UTF-8 with no
    newline translation, so CRLF line endings survive. Call it inside
    `locked(path)` when other processes may write the same file.
    """
    path = _real(path)  # write through a symlink rather than replace the link with a file
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    temp = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
    try:
        with open(temp, "wb") as out:
            out.write(data)
            out.flush()
            # the data must be on disk before the rename makes it the real file,
            # or a power cut could leave the new name pointing at empty blocks
            os.fsync(out.fileno())
        if path.exists():
            # keep the learner's file permissions rather than the temp file's
            os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_folder(path.parent)


def _remove_stale_temp_files(path: Path) -> None:
    """Delete temp files of writers that died mid-write (we hold the lock, so none is live)."""
    for stale in temp_files(path):
        with contextlib.suppress(OSError):
            stale.unlink()


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable: the folder's entry list must reach the disk too."""
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - Windows can't open folders
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# what a try at a lock that someone else holds raises
_LOCK_BUSY = (BlockingIOError,) if fcntl is not None else (OSError,)


def _acquire(handle, timeout: float, name: Path) -> None:
    """Take the lock, trying again with growing pauses until `timeout` runs out."""
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:  # pragma: no cover - Windows locks a byte range instead of the file
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return
        except _LOCK_BUSY:
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"another learnpath process has held the lock {name} for {timeout:g} s"
                ) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.05)


def _release(handle) -> None:
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    else:  # pragma: no cover
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
