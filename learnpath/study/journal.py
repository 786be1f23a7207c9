"""Every write to the learner's record goes through here, so the tool can say what was written.

`write` keeps a journal of what this process has written (PROGRESS.md, the
attempt log), so a message after Ctrl-C or after a failure can say exactly
what was recorded. Two promises hold for every use case that earns a tick:

- Before the work starts (the first question, the experiment), everything it
  will write is checked (`ready_to_record`), so nobody sits through a quiz or
  an experiment only to learn that PROGRESS.md is read-only.
- If a write still fails at the end (a full disk, a file changed meanwhile),
  the work is not dropped: the use case says what was kept and how to record it.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from learnpath.errors import LearnpathError
from learnpath.record import attempts, progress

if TYPE_CHECKING:
    from learnpath.catalog import Catalog

T = TypeVar("T")

_journal: list[str] = []


def recorded_so_far() -> tuple[str, ...]:
    """What this process has written to the learner's record, in order ("the attempt log", ...)."""
    return tuple(_journal)


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Let a write and its journal entry finish together; a Ctrl-C meanwhile is raised after.

    Otherwise Ctrl-C could land between a write and the note that it happened,
    and the tool would say "nothing was recorded" about a line that was.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed: list[Any] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        raise KeyboardInterrupt


def write(what: str, action: Callable[[], T]) -> T:
    """Do one write to the learner's record and note it in the journal as `what`."""
    with _ctrl_c_held():
        outcome = action()
        _journal.append(what)
    return outcome


class RecordingFailed(LearnpathError):
    """The work was done and graded, but writing it down failed; the message says what was kept."""


def ready_to_record(catalog: Catalog, *, attempt_log: bool = True) -> None:
    """Raise now, before any work, if a tick or a log line could not be written later."""
    progress.check_can_record(catalog.progress_path, catalog.sections)
    if attempt_log:
        attempts.check_can_log(catalog.root)
