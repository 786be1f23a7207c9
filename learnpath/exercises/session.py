"""The exercise use cases: check the learner's file and record a pass; watch it and check on each save.

The command line calls these and prints what they return; nothing here draws.
"""

from __future__ import annotations

import contextlib
import os
import select
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from learnpath.catalog import Catalog, Section
from learnpath.errors import LearnpathError
from learnpath.exercises.files import ExerciseError
from learnpath.exercises.grading import DEFAULT_TIMEOUT, ExerciseReport

# how often --watch looks at the file: often enough to feel immediate, cheap on any file system
POLL_SECONDS = 0.25
# a save is taken as finished when the file has not changed for this long
SETTLE_SECONDS = 0.15


@dataclass(frozen=True)
class Checked:
    report: ExerciseReport
    ticked: bool  # this run ticked the exercise box (it passed)


def require_exercise(section: Section) -> None:
    if not section.has_exercise:
        raise ExerciseError(f"section {section.id} has no exercise", path=section.exercise,
                            fix="Only sections with an exercise.py have one; `learnpath next` "
                            "lists the steps of each section")


def check_and_record(catalog: Catalog, section: Section, *, timeout: float = DEFAULT_TIMEOUT,
                     on_task: Callable[[str, int, int], None] | None = None) -> Checked:
    """Grade the learner's exercise.py; if every task passes, tick the exercise box.

    PROGRESS.md is checked before the checks run (so a broken file is reported
    first) and written only on a pass, by study.py; the learner's code can't reach it.
    """
    from learnpath import study

    require_exercise(section)
    done = study.check_exercise(catalog, section, timeout=timeout, on_task=on_task)
    return Checked(done.report, done.ticked)


class WatchEnd(Enum):
    QUIT = "quit"  # q pressed
    INTERRUPTED = "interrupted"  # Ctrl-C


def watch(
    catalog: Catalog,
    section: Section,
    *,
    show: Callable[[Checked], None],
    problem: Callable[[LearnpathError], None] = lambda error: None,
    timeout: float = DEFAULT_TIMEOUT,
    poll: float = POLL_SECONDS,
    on_task: Callable[[str, int, int], None] | None = None,
) -> WatchEnd:
    """Check now, then again each time exercise.py is saved, until q or Ctrl-C.

    Changes are found by polling the file's size, time and inode a few times a
    second: that works on every file system, network folders and containers
    included, where change notifications (inotify) may never arrive. Saving by
    renaming a new file over the old one, as many editors do, is seen too.
    A problem the learner can fix while watching (a mangled PROGRESS.md, the
    file deleted) goes to `problem` and the watch goes on.
    """
    require_exercise(section)
    path = section.exercise
    try:
        with _keys() as pressed:
            while True:
                try:
                    show(check_and_record(catalog, section, timeout=timeout, on_task=on_task))
                except LearnpathError as error:
                    problem(error)
                seen = _stamp(path)
                while True:
                    key = pressed(poll)
                    if key in ("q", "Q"):
                        return WatchEnd.QUIT
                    if key in ("\n", "\r"):
                        break  # Enter: check again now
                    now = _stamp(path)
                    if now is not None and now != seen:
                        _settle(path)
                        break
    except KeyboardInterrupt:
        return WatchEnd.INTERRUPTED


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:  # mid-save: the editor removed the file before writing the new one
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def _settle(path: Path) -> None:
    """Wait until the file stops changing, so a save written in pieces is checked once, whole."""
    last = _stamp(path)
    while True:
        time.sleep(SETTLE_SECONDS)
        now = _stamp(path)
        if now == last and now is not None:
            return
        last = now


@contextlib.contextmanager
def _keys() -> Iterator[Callable[[float], str | None]]:
    """A function that waits up to N seconds for one key press (None if none came).

    On a terminal, keys are read one at a time without Enter (cbreak mode,
    restored on the way out, Ctrl-C still works); without a terminal, only
    the clock runs and Ctrl-C stops.
    """
    stdin = sys.stdin
    try:
        interactive = stdin is not None and stdin.isatty()
    except (AttributeError, ValueError):
        interactive = False
    if not interactive:
        yield lambda seconds: time.sleep(seconds)
        return
    import termios
    import tty

    descriptor = stdin.fileno()
    saved = termios.tcgetattr(descriptor)
    try:
        tty.setcbreak(descriptor)

        def pressed(seconds: float) -> str | None:
            ready, _, _ = select.select([descriptor], [], [], seconds)
            if not ready:
                return None
            data = os.read(descriptor, 1)
            return data.decode("utf-8", errors="replace") if data else None

        yield pressed
    finally:
        termios.tcsetattr(descriptor, termios.TCSADRAIN, saved)
