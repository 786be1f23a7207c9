"""The safety of PROGRESS.md as a file: a plain, readable, writable UTF-8 file, or a clear error.

Nothing here knows the Markdown inside (progress_format.py) or when it is
changed (progress.py). A named pipe, a folder, a dangling link, a device or a
read-only file is never read for ever, replaced or created through: each gets
a ProgressError naming the file and the fix.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from learnpath.errors import ProgressError
from learnpath.files import ownership_fix
from learnpath.record.locking import lock_path


def is_there(path: Path) -> bool:
    """Whether PROGRESS.md exists; ProgressError if it is anything but a plain file.

    Reading a named pipe would wait for ever, and the atomic write would replace
    a device such as /dev/null (as root) or create the missing target of a
    dangling link, folders and all: none of those is a learner's record.
    """
    try:
        mode = path.stat().st_mode  # follows a symlink to the real file
    except FileNotFoundError:
        if path.is_symlink():
            raise ProgressError(
                f"the progress file is a link to {os.readlink(path)}, which does not exist",
                path=path, fix="Remove the link, or create the file it points to",
            ) from None
        return False
    except OSError as error:
        raise ProgressError(f"can't read the progress file ({error.strerror})", path=path,
                            fix="Check that it is a readable file") from None
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a plain file"
        raise ProgressError(f"the progress file is {kind}", path=path,
                            fix="Move it out of the way; learnpath then starts a fresh PROGRESS.md")
    return True


def read_text(path: Path) -> str | None:
    """The file's text, or None if there is no file. Line endings are left as they are."""
    if not is_there(path):
        return None
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ProgressError(
            f"can't read the progress file ({error.strerror})",
            path=path,
            fix="Check that it is a readable file",
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ProgressError(
            "this line is not UTF-8 text",
            path=path,
            line=line,
            fix="Save PROGRESS.md as UTF-8 in your editor",
        ) from None


def refuse_read_only(path: Path) -> None:
    """A PROGRESS.md without write permission is left alone.

    The atomic write replaces the file by renaming, which needs only the folder
    to be writable, so without this check a read-only file would be replaced
    anyway. The permission bits are read too, because for root `os.access`
    says every file is writable.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if not mode & 0o222 or not os.access(path, os.W_OK):
        raise ProgressError(
            "the progress file is read-only, so learnpath can't change its boxes",
            path=path,
            fix=ownership_fix(path) or f"Make it writable (chmod u+w {path.name}) and run the command again",
        )



def check_writable(path: Path) -> None:
    """Raise ProgressError now if the file, its folder or its lock could not be written later."""
    refuse_read_only(path)
    # the lock file and the atomic write's temporary file are made beside the real file
    folder = Path(os.path.realpath(path)).parent
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ProgressError(
            f"the folder {folder} is read-only, so the progress file can't be written",
            path=path,
            fix=ownership_fix(folder)
            or "Make the folder writable, or pass --root for a copy of the course you can write to",
        )
    lock = lock_path(path)
    if lock.exists() and not lock.is_file():  # e.g. a folder made by hand: found now, not after a run
        raise ProgressError(
            f"its lock file {lock} is not a plain file, so the progress file can't be changed",
            path=path, fix=f"Move {lock} out of the way (learnpath makes it again)",
        )
    if lock.exists() and not os.access(lock, os.W_OK):
        raise ProgressError(
            f"its lock file {lock.name} can't be written, so the progress file can't be changed",
            path=path, fix=ownership_fix(lock) or f"Make it writable (chmod u+w {lock})",
        )
