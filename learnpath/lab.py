"""What an experiment.py uses to talk to the learner: prose, steps, progress, and "your code".

An experiment is a lab notebook that runs. Four small helpers keep that notebook
readable on any terminal and let the learner's own code take part:

    lab.step("Count the pairs")        a heading for one step; with `learnpath run ID --pause`
                                       the run waits for Enter before every step after the first
    lab.say('''Prose ...''')           paragraphs wrapped at the terminal's width, so a sentence
                                       is never cut mid-word at 60 or 40 columns
    with lab.progress(300, "training") as bar:
        bar.update(step, loss=2.31)    one live line on a terminal (step, figures, time left);
                                       nothing at all in a pipe, a log file or a test
    parts = lab.mine(__file__, generate=generate)
        parts.generate                 the learner's `generate` from exercise.py when the run
                                       asked for it (`learnpath run ID --mine`, or
                                       `python experiment.py --mine`), the library's otherwise

Only the standard library is used: an experiment of Phase 1 stays light.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import textwrap
import time
from pathlib import Path
from types import ModuleType, SimpleNamespace

# `learnpath run` sets these for the experiment's process (the flags of the same names)
PAUSE_VARIABLE = "LEARNPATH_PAUSE"  # "1": wait for Enter between steps
MINE_VARIABLE = "LEARNPATH_MINE"  # the path of the learner's exercise.py to take parts from

_steps_shown = 0
_run_frame = None  # the frame of the experiment run the count belongs to (see _count_step)


def width() -> int:
    """The columns prose may use: COLUMNS when set, else the terminal's, else 80 (capped at 100,
    since lines much longer than that are hard to read)."""
    columns = shutil.get_terminal_size(fallback=(80, 24)).columns
    return max(20, min(columns, 100))


def say(text: str) -> None:
    """Print prose, re-wrapped at the terminal's width.

    Paragraphs are separated by blank lines; the line breaks inside one are
    ignored, so the source can be wrapped however reads best. A line starting
    with two or more spaces is kept exactly (a table, a formula, a picture).
    """
    lines = textwrap.dedent(text).strip("\n").splitlines()
    paragraph: list[str] = []
    out: list[str] = []

    def flush() -> None:
        if paragraph:
            out.extend(textwrap.wrap(" ".join(paragraph), width=width(),
                                     break_long_words=False, break_on_hyphens=False))
            paragraph.clear()

    for line in lines:
        if not line.strip():
            flush()
            out.append("")
        elif line.startswith("  "):
            flush()
            out.append(line)
        else:
            paragraph.append(line.strip())
    flush()
    print("\n".join(out))


def step(title: str) -> None:
    """Mark the start of one step of the experiment (and, with --pause, wait for Enter first)."""
    global _steps_shown
    _count_from_this_run(sys._getframe(1))
    if _steps_shown and os.environ.get(PAUSE_VARIABLE) == "1":
        _wait_for_enter()
    _steps_shown += 1
    print()
    print(f"== Step {_steps_shown}: {title}")


def _count_from_this_run(caller) -> None:
    """Start counting from 1 again when a new run of an experiment begins.

    A run is the outermost frame, in the calling file, above the call: main(),
    or the module itself. Tests call several experiments' main() in one process,
    some twice; each call is a new frame, so each run numbers its own steps. The
    frame is held (not just its id), so a new one can never be mistaken for it.
    """
    global _steps_shown, _run_frame
    outermost, frame = caller, caller
    while frame is not None:
        if frame.f_code.co_filename == caller.f_code.co_filename:
            outermost = frame
        frame = frame.f_back
    if outermost is not _run_frame:
        _run_frame, _steps_shown = outermost, 0


def _wait_for_enter() -> None:
    sys.stdout.flush()
    try:
        # the prompt goes to stderr so that a piped stdout stays the experiment's own text
        sys.stderr.write("   (press Enter for the next step)")
        sys.stderr.flush()
        line = sys.stdin.readline()
    except (OSError, ValueError):  # no terminal to read from: carry on rather than hang
        return
    if not line:  # stdin closed (end of file): nothing will ever come, so don't wait again
        os.environ[PAUSE_VARIABLE] = "0"


class Progress:
    """One live status line for a long loop; silent unless stderr is a terminal."""

    def __init__(self, total: int, label: str, *, stream=None) -> None:
        self.total = max(1, int(total))
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.live = _is_terminal(self.stream) and os.environ.get("TERM") != "dumb"
        self.started = time.monotonic()
        self._last_drawn = 0.0
        self._drawn_width = 0

    def update(self, done: int, **figures: float) -> None:
        """Say that `done` of `total` are finished; `figures` (loss=2.3) are shown beside."""
        if not self.live:
            return
        now = time.monotonic()
        if now - self._last_drawn < 0.1 and done < self.total:
            return  # at most ten redraws a second: drawing must not slow the loop
        self._last_drawn = now
        elapsed = now - self.started
        parts = [self.label, f"step {done}/{self.total}"]
        parts += [f"{name} {value:.4g}" for name, value in figures.items()]
        if 0 < done < self.total:
            parts.append(f"~{elapsed / done * (self.total - done):.0f} s left")
        line = "  ".join(parts)[: width() - 1]
        self.stream.write("\r" + line.ljust(self._drawn_width))
        self.stream.flush()
        self._drawn_width = len(line)

    def close(self) -> None:
        """Wipe the live line, so the experiment's own output starts on a clean line."""
        if self.live and self._drawn_width:
            self.stream.write("\r" + " " * self._drawn_width + "\r")
            self.stream.flush()
            self._drawn_width = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def progress(total: int, label: str = "working") -> Progress:
    """A live progress line for a loop of `total` steps (use it as a context manager)."""
    return Progress(total, label)


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class NotYours(Exception):
    """The learner's exercise.py can't supply a part the experiment needs."""


def mine(experiment_file: str, **library_parts) -> SimpleNamespace:
    """The parts an experiment runs on: the learner's (with --mine) or the library's.

    `experiment_file` is the experiment's `__file__`: with `--mine`, the
    exercise.py beside it is loaded (or the file LEARNPATH_MINE names). Each
    keyword is a part's name in exercise.py and the library's version of it.
    The result has those names as attributes, and `.mine` (True or False).
    """
    source = _mine_source(Path(experiment_file))
    if source is None:
        return SimpleNamespace(mine=False, **library_parts)
    module = _load(source)
    chosen = {}
    for name in library_parts:
        if not hasattr(module, name):
            raise NotYours(f"{source} defines no {name!r}, which this experiment runs on")
        chosen[name] = getattr(module, name)
    return SimpleNamespace(mine=True, **chosen)


def _mine_source(experiment_file: Path) -> Path | None:
    named = os.environ.get(MINE_VARIABLE, "")
    if named and named != "0":
        return Path(named) if named != "1" else experiment_file.parent / "exercise.py"
    if "--mine" in sys.argv[1:] and Path(sys.argv[0]).resolve() == experiment_file.resolve():
        return experiment_file.parent / "exercise.py"
    return None


_loaded: dict[Path, ModuleType] = {}


def _load(path: Path) -> ModuleType:
    """Import the learner's file once per run (every part then comes from the same module)."""
    path = path.resolve()
    if path not in _loaded:
        spec = importlib.util.spec_from_file_location(f"learner_exercise_{len(_loaded)}", path)
        if spec is None or spec.loader is None:
            raise NotYours(f"{path} can't be loaded as Python")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _loaded[path] = module
    return _loaded[path]
