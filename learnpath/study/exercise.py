"""The exercise use cases: check the learner's file and record a pass; watch it and check on each save;
show the reference once it is earned.

The command line calls these and prints what they return; nothing here draws.
Keys come from the caller (`keys`), so the watch loop runs the same in a test
as at a terminal.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, ContextManager

from learnpath.errors import LearnpathError
from learnpath.exercises import grading, starter
from learnpath.exercises.files import ExerciseError, exercise_files
from learnpath.record import attempts, progress
from learnpath.study.journal import RecordingFailed, ready_to_record, write

if TYPE_CHECKING:
    from learnpath.catalog import Catalog, Section
    from learnpath.exercises.grading import ExerciseReport

# how often --watch looks at the file: often enough to feel immediate, cheap on any file system
POLL_SECONDS = 0.25
# a save is taken as finished when the file has not changed for this long
SETTLE_SECONDS = 0.15

# waits up to N seconds for one key press; None if none came
KeyReader = Callable[[float], "str | None"]


@dataclass(frozen=True)
class ExerciseChecked:
    report: ExerciseReport
    ticked: bool  # this check ticked the exercise box (every task passed)


def require_exercise(section: Section) -> None:
    if not section.has_exercise:
        raise ExerciseError(f"section {section.id} has no exercise", path=section.exercise,
                            fix="Only sections with an exercise.py have one; `learnpath next` "
                            "lists the steps of each section")


def check_exercise(catalog: Catalog, section: Section, *,
                   timeout: float = grading.DEFAULT_TIMEOUT,
                   on_task: Callable[[str, int, int], None] | None = None) -> ExerciseChecked:
    """Grade the learner's exercise.py in a child process; every task passing ticks its box.

    Each check goes into the attempt log (each task's status and the time taken), so the
    learner's tries have a history. `on_task(task_id, number, total)` hears each task start.

    PROGRESS.md is checked before the checks run (so a broken file is reported
    first) and written only on a pass; the learner's code can't reach it.
    """
    require_exercise(section)
    ready_to_record(catalog)
    report = grading.grade_exercise(exercise_files(catalog, section), timeout=timeout,
                                    curriculum=catalog.curriculum, on_task=on_task)
    if report.tasks:
        write("the attempt log", lambda: attempts.append_exercise_run(
            catalog.root, section.id, [(task.id, task.status.value) for task in report.tasks],
            seconds=report.seconds))
    if not report.passed:
        return ExerciseChecked(report, ticked=False)
    try:
        write(f"the exercise box of {section.id}",
              lambda: progress.tick(catalog.progress_path, catalog.sections, section.id, progress.Step.EXERCISE))
    except LearnpathError as problem:
        raise RecordingFailed(
            f"every task of exercise {section.id} passes, but its box could not be ticked: {problem}",
            fix=f"Once that is fixed, `learnpath exercise {section.id}` ticks it") from None
    return ExerciseChecked(report, ticked=True)


def show_solution(catalog: Catalog, section: Section, *, force: bool = False) -> starter.Solution:
    """The reference and the learner's code, once the exercise box is ticked (or with `force`)."""
    passed = progress.read_progress(catalog.progress_path, catalog.sections)[section.id].exercise is True
    return starter.solution(catalog, section, passed=passed, force=force)


class WatchEnd(Enum):
    QUIT = "quit"  # q pressed
    INTERRUPTED = "interrupted"  # Ctrl-C


@contextlib.contextmanager
def no_keys() -> Iterator[KeyReader]:
    """No keyboard (not a terminal): only the clock runs, and Ctrl-C stops."""
    def wait(seconds: float) -> None:
        time.sleep(seconds)

    yield wait


def watch(
    catalog: Catalog,
    section: Section,
    *,
    show: Callable[[ExerciseChecked], None],
    problem: Callable[[LearnpathError], None] = lambda error: None,
    timeout: float = grading.DEFAULT_TIMEOUT,
    poll: float = POLL_SECONDS,
    keys: Callable[[], ContextManager[KeyReader]] = no_keys,
    on_task: Callable[[str, int, int], None] | None = None,
) -> WatchEnd:
    """Check now, then again each time exercise.py is saved, until q or Ctrl-C.

    Changes are found by polling the file's size, time and inode a few times a
    second: that works on every file system, network folders and containers
    included, where change notifications (inotify) may never arrive. Saving by
    renaming a new file over the old one, as many editors do, is seen too.
    A problem the learner can fix while watching (a mangled PROGRESS.md, the
    file deleted) goes to `problem` and the watch goes on. `keys()` gives the
    key presses (ui.keys.terminal_keys at a terminal): q stops, Enter checks now.
    """
    require_exercise(section)
    path = section.exercise
    try:
        with keys() as pressed:
            while True:
                try:
                    show(check_exercise(catalog, section, timeout=timeout, on_task=on_task))
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
