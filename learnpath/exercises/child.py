"""Runs an exercise's checks against one or more versions of exercise.py, in a child process.

`python -m learnpath.exercises.child SPEC.json` is started by grading.py, in
a scratch folder, with core dumps off, in a process group of its own and under a timeout (the
machinery of `learnpath run`, in sandbox.py). Whatever the learner's code does
(loop for ever, exit, print megabytes, fail to import) happens here, never in
the tool.

The spec (protocol.Spec) names the checks file, the versions to grade
("variants": the learner's file; or the starter, the reference and each mutant
for the authors' check), a time budget and a results file. Results go to that
file as protocol events, one JSON object a line, flushed as each task starts
and ends, so that when this process is stopped the tool still knows which task
was running. Nothing is written to
stdout on purpose: the learner's prints are captured per task instead.
"""

from __future__ import annotations

import functools
import io
import linecache
import signal
import sys
import time
import traceback
import types
from collections.abc import Callable
from pathlib import Path

from learnpath.exercises.protocol import (
    ChecksError,
    Event,
    Line,
    LoadError,
    Printed,
    Spec,
    TaskEnded,
    TasksListed,
    TaskStarted,
    encode,
)

# what is kept of the learner's printing, per task: enough to debug with, never megabytes
OUTPUT_KEEP_CHARS = 2000


class OutOfTime(BaseException):
    """The time budget ran out inside a task (a BaseException, so Hypothesis lets it through)."""


class CappedOutput(io.TextIOBase):
    """Stands in for stdout and stderr during a task: keeps the first characters, counts the rest."""

    def __init__(self) -> None:
        self.kept: list[str] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        room = OUTPUT_KEEP_CHARS - self.size
        if room > 0:
            self.kept.append(text[:room])
        self.size += len(text)
        return len(text)

    def summary(self) -> Printed | None:
        if not self.size:
            return None
        return Printed("".join(self.kept), self.size)


def main(argv: list[str]) -> int:
    spec = Spec.from_json(Path(argv[1]).read_text(encoding="utf-8"))
    sys.dont_write_bytecode = True  # nothing written beside the learner's file
    _no_core_dumps()
    with open(spec.results, "a", encoding="utf-8", buffering=1) as results:

        def emit(event: Event) -> None:
            results.write(encode(event) + "\n")
            results.flush()

        return grade_all(spec, emit)


def grade_all(spec: Spec, emit: Callable[[Event], None]) -> int:
    from learnpath.exercises import api

    api.REGISTERED.clear()
    checks_path = spec.checks
    output = CappedOutput()
    try:
        with _captured(output):
            _load_module("exercise_checks", checks_path, Path(checks_path).read_text(encoding="utf-8"))
    except BaseException as problem:  # the author's file: say where, don't crash
        emit(ChecksError(_describe(problem), _where(problem, checks_path)))
        return 3
    tasks = list(api.REGISTERED)
    emit(TasksListed(tuple((t.id, t.title) for t in tasks)))
    deadline = time.monotonic() + spec.seconds
    signal.signal(signal.SIGALRM, _out_of_time)
    for variant in spec.variants:
        name, filename = variant.name, variant.filename
        wanted = [t for t in tasks if variant.tasks is None or t.id in variant.tasks]
        output = CappedOutput()
        try:
            with _captured(output), _alarm(deadline - time.monotonic()):
                module = _load_module("exercise", filename, variant.source)
        except BaseException as problem:
            if isinstance(problem, KeyboardInterrupt):
                raise
            emit(LoadError(name, _load_message(problem), _where(problem, filename), output.summary()))
            continue
        for task in wanted:
            left = deadline - time.monotonic()
            if left <= 0:
                emit(TaskEnded(name, task.id, "error",
                               "not run: the time for the checks ran out in an earlier task"))
                continue
            emit(TaskStarted(name, task.id))
            emit(run_task(task, module, name, filename, variant.stubs or {}, left, budget=spec.seconds))
    return 0


def run_task(task, module, variant: str, filename: str, stubs: dict[str, int], seconds: float,
             budget: float) -> TaskEnded:
    """Run one check against `module`; its status and, when it isn't passed, why."""
    from learnpath.exercises.api import Mismatch, NotStartedSignal

    ran: list[Line] = []
    restore = _watch_stubs(module, stubs, ran)
    output = CappedOutput()
    started = time.monotonic()
    try:
        with _captured(output), _alarm(seconds):
            task.check(module)
        ended = dict(status="passed")
    except (NotImplementedError, NotStartedSignal) as problem:
        original = problem.original if isinstance(problem, NotStartedSignal) else problem
        ended = dict(status="not started",
                     message="still raises NotImplementedError: write the code under the TODO",
                     where=_where(original, filename) or _where(problem, filename))
    except Mismatch as mismatch:
        ended = dict(status="failed", message=mismatch.what, expected=_text(mismatch.expected),
                     got=_text(mismatch.got), input=_text(mismatch.input), where=_where(mismatch, filename))
    except OutOfTime as problem:
        ended = dict(status="error",
                     message=f"still running when the {budget:g} s for the checks ran out: is there "
                             "a loop that never ends? (--timeout gives more time)",
                     where=_where(problem, filename))
    except SystemExit as problem:
        ended = dict(status="error",
                     message=f"your code called sys.exit({_exit_argument(problem)}), "
                             "which would end the checks; return a value instead",
                     where=_where(problem, filename))
    except KeyboardInterrupt:
        raise
    except BaseException as problem:
        where = _where(problem, filename)
        if isinstance(problem, AssertionError) and where is None:
            # a plain `assert` in the checks file: a failure, worded by the author
            ended = dict(status="failed", message=str(problem) or "a check failed",
                         input=_text(getattr(problem, "learnpath_input", None)))
        else:
            ended = dict(status="error", message=_describe(problem), where=where,
                         input=_text(getattr(problem, "learnpath_input", None)))
    finally:
        restore()
    called = tuple(entry.function for entry in ran if entry.function)
    took = time.monotonic() - started
    lines: tuple[Line, ...] = ()
    if ended["status"] == "failed" and ran:
        # the traced rerun may use half of what is left, and no more than a few times the
        # first run: the tasks after this one keep their time
        allowed = min((seconds - took) / 2, 1.0 + 4 * took)
        lines = tuple(_lines_that_ran(task, module, filename, allowed) or _fallback_places(ran, module))
    # `called`: the task functions it called, first call first: the tool tells from them when a
    # task fails only because another task's function it calls fails
    return TaskEnded(variant, task.id, **ended, seconds=round(took, 3),
                     output=output.summary(), ran=lines, called=called)


def _text(value: object) -> str | None:
    """A value as the report shows it (the checks API already gives text; anything else is str()-ed)."""
    return None if value is None else value if isinstance(value, str) else str(value)


# places shown for a failure: the last lines of the learner's file that ran, newest last
PLACES_KEPT = 3
# a loop's own line runs once more when the loop ends; the line that computed is in its body
_LOOP_HEADS = ("for ", "while ", "async for ")


def _lines_that_ran(task, module, filename: str, seconds: float) -> list[Line]:
    """Run the failing check once more, tracing only the learner's file, and return the last
    line each of its functions executed (each place once, the line that ran last at the end).

    A failed comparison happens after the learner's function returned, so its traceback
    never names their line; the trace does. Only failures pay for it (the first run is
    untraced), and Hypothesis replays the failing example first, from its database.
    """
    if seconds < 0.05:
        return []
    last: dict[types.CodeType, tuple[int, int]] = {}
    order = iter(range(1 << 62))
    header: dict[int, bool] = {}  # line -> it only steers a loop (`for x in ...:` checked at its end)

    def in_learner_frame(frame, event, arg):
        if event == "line":
            line = frame.f_lineno
            if line not in header:
                header[line] = linecache.getline(filename, line).lstrip().startswith(_LOOP_HEADS)
            if not header[line] or frame.f_code not in last:
                last[frame.f_code] = (next(order), line)
        return in_learner_frame

    def on_call(frame, event, arg):
        return in_learner_frame if frame.f_code.co_filename == filename else None

    try:
        with _captured(CappedOutput()), _alarm(seconds):
            sys.settrace(on_call)
            try:
                task.check(module)
            finally:
                sys.settrace(None)
    except KeyboardInterrupt:
        raise
    except OutOfTime:
        return []
    except BaseException:  # noqa: BLE001 - the failure itself, expected this time too
        pass
    # one place per function: a comprehension or a lambda counts as the function it is in
    latest: dict[str | None, tuple[int, int]] = {}
    for code, (when, line) in last.items():
        name = _function_name(code)
        if name not in latest or when > latest[name][0]:
            latest[name] = (when, line)
    places = []
    for name, (_, line) in sorted(latest.items(), key=lambda item: item[1][0]):
        text = linecache.getline(filename, line).strip()
        if text:
            places.append(Line(line, text, name))
    return places[-PLACES_KEPT:]


def _function_name(code: types.CodeType) -> str | None:
    """The learner's function a code object belongs to: `mse_gradients` for its list
    comprehension, `Value.__mul__.<locals>._backward` for a closure it defines."""
    parts = getattr(code, "co_qualname", code.co_name).split(".")
    while len(parts) > 1 and parts[-1].startswith("<") and parts[-1] != "<locals>":
        parts.pop()
        if parts[-1] == "<locals>":
            parts.pop()
    name = ".".join(parts)
    return None if name in ("<module>", "<lambda>") else name


def _fallback_places(ran: list[Line], module) -> list[Line]:
    """Without a trace (no time left): each function's last line, which is most often its return."""
    places = []
    for entry in ran:
        function = _lookup(module, entry.function or "")
        code = getattr(function, "__code__", None)
        line, text = entry.line, ""
        if code is not None:
            line = max((number for _, _, number in code.co_lines() if number is not None), default=line)
            text = linecache.getline(code.co_filename, line).strip()
        places.append(Line(line, text, entry.function))
    return places


def _lookup(module, qualified: str):
    """`name` or `Class.method` in the learner's module; None if it isn't there."""
    found = module
    for part in qualified.split("."):
        found = getattr(found, part, None)
        if found is None:
            return None
    return found


def _no_core_dumps() -> None:
    """A crash of the learner's code (a NumPy segfault, os.abort) leaves no `core` file anywhere."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):  # not on this system: nothing to turn off
        pass


# ---- loading a version of exercise.py -------------------------------------------


def _load_module(name: str, filename: str, source: str) -> types.ModuleType:
    """Compile `source` as if it were the file `filename` and run it as module `name`."""
    module = types.ModuleType(name)
    module.__file__ = filename
    sys.modules[name] = module  # dataclasses and pickling look a module up by name
    code = compile(source, filename, "exec", dont_inherit=True)
    # tracebacks show lines from linecache; a mutant exists only in memory
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(code, module.__dict__)
    return module


def _load_message(problem: BaseException) -> str:
    if isinstance(problem, SyntaxError):
        return f"{type(problem).__name__}: {problem.msg}"
    if isinstance(problem, SystemExit):
        return f"exercise.py called sys.exit({_exit_argument(problem)}) while it was loading"
    if isinstance(problem, OutOfTime):
        return "exercise.py was still loading when the time ran out: is there a loop that never ends?"
    if isinstance(problem, (NotImplementedError,)):
        return "exercise.py calls an unfinished task while it loads (NotImplementedError)"
    return _describe(problem)


def _exit_argument(problem: SystemExit) -> str:
    return "" if problem.code is None else repr(problem.code)


def _describe(problem: BaseException) -> str:
    text = str(problem)
    if len(text) > 300:
        text = text[:297] + "..."
    return f"{type(problem).__name__}: {text}" if text else type(problem).__name__


def _where(problem: BaseException, filename: str) -> Line | None:
    """The innermost line of `filename` the exception passed through: where the learner looks.

    If the exception itself never passed through the file, the exceptions it
    was raised from are searched (a check may re-raise the learner's error).
    """
    if isinstance(problem, SyntaxError) and problem.filename == filename and problem.lineno:
        return Line(problem.lineno, (problem.text or "").strip(), None)
    current, links = problem, 0
    while current is not None and links < 5:
        found = None
        for frame, line in traceback.walk_tb(current.__traceback__):
            if frame.f_code.co_filename == filename:
                found = (frame, line)
        if found is not None:
            frame, line = found
            function = frame.f_code.co_name
            return Line(line, linecache.getline(filename, line).strip(),
                        None if function == "<module>" else function)
        current, links = current.__cause__ or current.__context__, links + 1
    return None


# ---- which of the learner's task functions ran -------------------------------


def _watch_stubs(module, stubs: dict[str, int], ran: list[Line]):
    """Wrap each task function so its first call is recorded, then unwrap it.

    A failed comparison happens in the checks, after the learner's code has
    returned; the functions that ran tell the learner where to look. The
    wrapper removes itself on its first call, so recursion depth and speed are
    those of the learner's own code.
    """
    installed = []
    for qualified in stubs:
        owner, attribute = module, qualified
        if "." in qualified:
            class_name, attribute = qualified.split(".", 1)
            owner = getattr(module, class_name, None)
            if not isinstance(owner, type):
                continue
        original = (owner.__dict__ if isinstance(owner, type) else vars(owner)).get(attribute)
        if not isinstance(original, types.FunctionType):
            continue
        wrapper = _recording(owner, attribute, original, qualified, ran)
        setattr(owner, attribute, wrapper)
        installed.append((owner, attribute, original, wrapper))

    def restore() -> None:
        for owner, attribute, original, wrapper in installed:
            current = owner.__dict__.get(attribute) if isinstance(owner, type) else vars(owner).get(attribute)
            if current is wrapper:
                setattr(owner, attribute, original)

    return restore


def _recording(owner, attribute: str, original, qualified: str, ran: list[Line]):
    @functools.wraps(original)
    def first_call(*args, **kwargs):
        setattr(owner, attribute, original)
        ran.append(Line(original.__code__.co_firstlineno, "", qualified))
        return original(*args, **kwargs)

    return first_call


# ---- time and output -------------------------------------------------------


def _out_of_time(signum, frame):
    raise OutOfTime()


class _alarm:
    """SIGALRM after `seconds`, so an endless loop stops with a traceback into the learner's line."""

    def __init__(self, seconds: float):
        self.seconds = max(seconds, 0.01)

    def __enter__(self):
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)
        return False


class _captured:
    """sys.stdout and sys.stderr both go to `output` inside the block."""

    def __init__(self, output: CappedOutput):
        self.output = output

    def __enter__(self):
        self.saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = self.output

    def __exit__(self, *exc):
        sys.stdout, sys.stderr = self.saved
        return False


if __name__ == "__main__":
    sys.exit(main(sys.argv))
