"""Grade exercise.py task by task: run the checks in a child process and read back what happened.

The child (child.py) runs in a scratch folder of its own, in its own process group,
under a timeout: the rules of `learnpath run`, through sandbox.run_child. It
writes one event a line (protocol.py) to a results file in a temporary folder (which
also holds Hypothesis's scratch files, so nothing is written beside the
learner's code). Whatever the child managed to report before it ended, or
was stopped, becomes a TaskResult per task; nothing here raises because of
the learner's code. Problems with the exercise's own files (the checks, a
missing reference) raise ExerciseError, which the command line prints as one
line for the author.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

from learnpath.exercises import protocol
from learnpath.exercises.files import ExerciseError, ExerciseFiles, read_tasks, stub_functions
from learnpath.sandbox import RunOutcome, RunResult, inside_curriculum, run_child

# how much of the child's raw output is kept (it is shown only if the child dies unexpectedly)
RAW_OUTPUT_LIMIT = 64 * 1024
# extra seconds the child gets beyond the checks' budget to start Python and Hypothesis
START_SECONDS = 10.0
DEFAULT_TIMEOUT = 20.0


class TaskStatus(str, Enum):
    PASSED = "passed"
    FAILED = "failed"  # the check's comparison failed: expected vs got
    NOT_STARTED = "not started"  # the learner's code still raises NotImplementedError
    ERROR = "error"  # the learner's code raised, looped, exited, or didn't load


@dataclass(frozen=True)
class Where:
    """A line of the learner's file: where an error passed, or a function that ran."""

    file: Path
    line: int
    code: str = ""
    function: str | None = None


@dataclass(frozen=True)
class TaskResult:
    id: str
    title: str
    status: TaskStatus
    message: str | None = None
    expected: str | None = None
    got: str | None = None
    input: str | None = None  # the drawn inputs that failed (from for_all)
    where: Where | None = None
    ran: tuple[Where, ...] = ()  # for a failure: the last lines of the learner's file that ran
    called: tuple[str, ...] = ()  # the task functions (of the starter) it called, first call first
    blocked_by: str | None = None  # the id of a failing task whose function this one calls
    output: str | None = None  # what the learner's code printed during the task (its start)
    output_chars: int = 0  # how much it printed in all


@dataclass(frozen=True)
class ExerciseReport:
    section_id: str
    tasks: tuple[TaskResult, ...]
    seconds: float
    problem: str | None = None  # about the whole run, e.g. "exercise.py didn't load"

    @property
    def passed(self) -> bool:
        return bool(self.tasks) and all(t.status is TaskStatus.PASSED for t in self.tasks)


@dataclass(frozen=True)
class Variant:
    """One version of exercise.py to grade: the learner's file, or the starter / reference / a mutant."""

    name: str
    filename: Path  # the file its lines belong to (a mutant borrows the reference's)
    source: str
    tasks: tuple[str, ...] | None = None  # only these tasks; None for all
    watch_stubs: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RunOfChecks:
    """What one child process reported: per variant, a result for every task it was asked to run."""

    results: dict[str, list[TaskResult]]
    problems: dict[str, str]  # variant -> a problem that touched all its tasks
    seconds: float


def grade_exercise(files: ExerciseFiles, *, timeout: float = DEFAULT_TIMEOUT, curriculum: Path,
                   on_task: Callable[[str, int, int], None] | None = None) -> ExerciseReport:
    """Run the section's checks against the learner's exercise.py (it must exist: study/exercise.py
    says so first, in the learner's words).

    `on_task(task_id, number, total)` is called as each task starts (for a progress line).
    """
    exercise = inside_curriculum(files.exercise, curriculum)
    source = _read_source(exercise)
    stubs = {}
    pristine = files.starter if files.starter.is_file() else None
    if pristine is not None:
        try:
            stubs = stub_functions(pristine.read_text(encoding="utf-8"), str(pristine))
        except (SyntaxError, OSError, UnicodeDecodeError):
            stubs = {}
    variant = Variant("learner", exercise, source, watch_stubs=stubs)
    run = run_checks(files, [variant], seconds=timeout, on_task=on_task)
    return ExerciseReport(files.section.id, tuple(run.results["learner"]), run.seconds,
                          run.problems.get("learner"))


def _read_source(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ExerciseError(f"can't read exercise.py ({error.strerror})", path=path,
                            fix="Check that it is a readable file") from None
    try:
        return data.decode("utf-8-sig")  # an editor's byte-order mark, which Python accepts too
    except UnicodeDecodeError as error:
        raise ExerciseError("exercise.py is not UTF-8 text", path=path,
                            line=data[: error.start].count(b"\n") + 1,
                            fix="Save it as UTF-8 in your editor") from None


def run_checks(files: ExerciseFiles, variants: list[Variant], *, seconds: float,
               on_task: Callable[[str, int, int], None] | None = None) -> RunOfChecks:
    """Run the checks once per variant in one child process; results for every task of each.

    Raises ExerciseError for a checks file that doesn't load, and
    KeyboardInterrupt if the learner pressed Ctrl-C (the child is stopped first).
    """
    declared = read_tasks(files.checks)  # also proves the file is there and parses
    folder = Path(tempfile.mkdtemp(prefix="learnpath-exercise-"))
    try:
        results_path = folder / "results.jsonl"
        spec_path = folder / "spec.json"
        spec = protocol.Spec(
            checks=str(files.checks.resolve()),
            results=str(results_path),
            seconds=seconds,
            variants=tuple(protocol.VariantSpec(v.name, str(v.filename), v.source, v.tasks, v.watch_stubs)
                           for v in variants),
        )
        spec_path.write_text(spec.to_json(), encoding="utf-8")
        with _following(results_path, on_task):
            outcome = run_child(
                [sys.executable, "-m", "learnpath.exercises.child", str(spec_path)],
                # a scratch working folder: what the learner's code writes by a relative path
                # (a log, a plot, PROGRESS.md by mistake) lands there and is removed with it
                cwd=_scratch(folder), timeout=seconds + START_SECONDS, capture=True,
                output_limit=RAW_OUTPUT_LIMIT,
                env={"HYPOTHESIS_STORAGE_DIRECTORY": str(folder / "hypothesis"),
                     "PYTHONDONTWRITEBYTECODE": "1"},
                what="the exercise checks",
            )
        events = _read_events(results_path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if outcome.outcome is RunOutcome.INTERRUPTED:
        raise KeyboardInterrupt
    return _collect(files, variants, declared, events, outcome, seconds)


def _scratch(folder: Path) -> Path:
    scratch = folder / "scratch"
    scratch.mkdir()
    return scratch


@contextlib.contextmanager
def _following(path: Path, on_task: Callable[[str, int, int], None] | None) -> Iterator[None]:
    """While the child runs, call `on_task` for each task it starts (read from its results file)."""
    if on_task is None:
        yield
        return
    done = threading.Event()

    def follow() -> None:
        seen, total, started = 0, 0, 0
        while True:
            finished = done.wait(0.1)
            events = _read_events(path)
            for event in events[seen:]:
                if isinstance(event, protocol.TasksListed):
                    total = len(event.tasks)
                elif isinstance(event, protocol.TaskStarted):
                    started += 1
                    try:
                        on_task(event.task, started, total)
                    except Exception:  # noqa: BLE001 - a progress line must never stop the checks
                        return
            seen = len(events)
            if finished:
                return

    thread = threading.Thread(target=follow, name="learnpath-exercise-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=1)


def _read_events(path: Path) -> list[protocol.Event]:
    events = []
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    for line in lines:
        try:
            events.append(protocol.decode(line))
        except ValueError:  # a line cut off when the child was stopped
            break
    return events


def _collect(files: ExerciseFiles, variants: list[Variant], declared, events: list[protocol.Event],
             outcome: RunResult, seconds: float) -> RunOfChecks:
    for event in events:
        if isinstance(event, protocol.ChecksError):
            raise ExerciseError(f"the checks file doesn't load: {event.message}",
                                path=files.checks, line=event.where.line if event.where else None,
                                fix="This is the exercise's own file, not yours: "
                                "report it, or fix it if you are its author")
    titles = {info.id: info.title for info in declared}
    listed = next((e.tasks for e in events if isinstance(e, protocol.TasksListed)), None)
    if listed is None:
        if outcome.outcome is RunOutcome.TIMED_OUT:
            raise ExerciseError("the checks did not even start in time", path=files.checks,
                                fix="Try again with a longer --timeout; the machine may be busy")
        said = _last_line(outcome.output)
        raise ExerciseError(f"the checks could not start (exit code {outcome.exit_code})"
                            + (f": {said}" if said else ""), path=files.checks,
                            fix="Run `learnpath check` to see what the exercise lacks")
    order = [task_id for task_id, _ in listed]
    titles.update(dict(listed))
    by_name = {v.name: v for v in variants}
    results: dict[str, dict[str, TaskResult]] = {v.name: {} for v in variants}
    problems: dict[str, str] = {}
    running: tuple[str, str] | None = None
    for event in events:
        if isinstance(event, protocol.LoadError):
            variant = by_name[event.variant]
            where = _where(event.where, variant.filename)
            message = f"{variant.filename.name} didn't load: {event.message}"
            problems[variant.name] = message
            for task_id in _wanted(variant, order):
                results[variant.name][task_id] = TaskResult(
                    task_id, titles.get(task_id, task_id), TaskStatus.ERROR, message, where=where,
                    **_output(event.output))
        elif isinstance(event, protocol.TaskStarted):
            running = (event.variant, event.task)
        elif isinstance(event, protocol.TaskEnded):
            variant = by_name[event.variant]
            results[variant.name][event.task] = _task_result(event, variant, titles)
            running = None
    cause = _stop_cause(outcome, seconds)
    for variant in variants:
        for task_id in _wanted(variant, order):
            if task_id in results[variant.name]:
                continue
            if running == (variant.name, task_id):
                message = cause
            else:
                message = "not run: the checks stopped in an earlier task"
            results[variant.name][task_id] = TaskResult(task_id, titles.get(task_id, task_id),
                                                        TaskStatus.ERROR, message)
            problems.setdefault(variant.name, cause)
    ordered = {name: _blame_callees([results[name][t] for t in _wanted(by_name[name], order)])
               for name in results}
    return RunOfChecks(ordered, problems, outcome.seconds)


def _blame_callees(tasks: list[TaskResult]) -> list[TaskResult]:
    """A task that fails while calling another task's function that fails itself says so.

    A task's own function is the first task function its check called; any later one in
    its `called` list was reached through it (gradient_step calling mse_gradients). When
    that function is the own function of a task that doesn't pass, fixing that task comes
    first: the message says which, and `blocked_by` names it for a tutor.
    """
    owner_of = {}
    for task in tasks:
        if task.called and task.status is not TaskStatus.PASSED:
            owner_of.setdefault(task.called[0], task)
    blamed = []
    for task in tasks:
        culprit = None
        if task.status in (TaskStatus.FAILED, TaskStatus.ERROR) and task.called:
            culprit = next((owner_of[name] for name in task.called[1:]
                            if name in owner_of and owner_of[name].id != task.id
                            and name != task.called[0]), None)
        if culprit is None:
            blamed.append(task)
            continue
        function = culprit.called[0]
        sentence = (f"{task.id} calls your {function}, which fails: fix that task first "
                    f"({culprit.id})")
        if task.message and function in task.message and "first" in task.message:
            message = task.message  # the checks said so already, in their own words
        else:
            message = f"{sentence}. What it saw: {task.message}" if task.message else sentence
        blamed.append(replace(task, message=message, blocked_by=culprit.id))
    return blamed


def _wanted(variant: Variant, order: list[str]) -> list[str]:
    return [t for t in order if variant.tasks is None or t in variant.tasks]


def _stop_cause(outcome: RunResult, seconds: float) -> str:
    if outcome.outcome is RunOutcome.TIMED_OUT:
        return (f"still running after {seconds:g} s and stopped: is there a loop that never ends "
                "(one that Python can't interrupt, such as a huge NumPy array)?")
    said = _last_line(outcome.output)
    return (f"the checks ended early (exit code {outcome.exit_code}) while running this task"
            + (f": {said}" if said else "")
            + ". Does your code call os._exit, or crash Python?")


def _last_line(output: str | None) -> str:
    lines = [line.strip() for line in (output or "").splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def _task_result(event: protocol.TaskEnded, variant: Variant, titles: dict[str, str]) -> TaskResult:
    return TaskResult(
        id=event.task,
        title=titles.get(event.task, event.task),
        status=TaskStatus(event.status),
        message=event.message,
        expected=event.expected,
        got=event.got,
        input=event.input,
        where=_where(event.where, variant.filename),
        ran=tuple(Where(variant.filename, r.line, r.code, r.function) for r in event.ran),
        called=event.called,
        **_output(event.output),
    )


def _where(line: protocol.Line | None, filename: Path) -> Where | None:
    if line is None:
        return None
    return Where(filename, line.line, line.code, line.function)


def _output(printed: protocol.Printed | None) -> dict:
    if printed is None:
        return {}
    return {"output": printed.text, "output_chars": printed.chars}
