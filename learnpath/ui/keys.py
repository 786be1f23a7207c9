"""Key presses at the terminal, one at a time, without Enter (for `learnpath exercise --watch`)."""

from __future__ import annotations

import contextlib
import os
import select
import sys
import time
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def terminal_keys() -> Iterator[Callable[[float], str | None]]:
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
