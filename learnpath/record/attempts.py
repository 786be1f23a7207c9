"""The attempt log: every quiz and review a learner has taken, and every check of their
exercise.py, one JSON line each.

PROGRESS.md keeps only the best score; the log keeps the history, question by
question, which is what the review schedule (quiz/schedule.py) is built from. It lives
at `<root>/.learnpath/attempts.jsonl`, a personal file that git ignores.

The log is only ever appended to. Each attempt is written as one whole line by
a single `os.write` on a file opened with O_APPEND, under a lock, then forced
to disk, so two processes can't interleave their lines and a crash can leave
at most the last line half written. Reading skips such a torn last line
silently; a bad line anywhere else (edited by hand, damaged) is skipped with a
warning naming its line, so one bad line never costs the rest of the history.
"""

from __future__ import annotations

import json
import math
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from learnpath.errors import AttemptLogError
from learnpath.files import NotReadable, read_capped
from learnpath.record.locking import lock_path, locked

LOG_FOLDER = ".learnpath"
LOG_NAME = "attempts.jsonl"


class GradedQuestion(Protocol):
    """One graded question, as the log needs it (quiz.model.QuestionResult is one)."""

    @property
    def id(self) -> str: ...
    @property
    def correct(self) -> bool: ...
    @property
    def points(self) -> float: ...
    @property
    def max_points(self) -> float: ...


class Graded(Protocol):
    """A graded attempt, as the log needs it (quiz.model.QuizResult is one). Named here, not
    imported, because the record sits below the quiz: `learnpath list` reads the log without it."""

    @property
    def score(self) -> float: ...
    @property
    def total(self) -> float: ...
    @property
    def passed(self) -> bool: ...
    @property
    def results(self) -> Sequence[GradedQuestion]: ...


class AttemptKind(str, Enum):
    """Why the questions were asked: the section's quiz, a spaced review, or some of a
    quiz's questions graded on their own (`quiz --answers F --only-given`), which never ticks."""

    QUIZ = "quiz"
    REVIEW = "review"
    PARTIAL = "partial"
    EXERCISE = "exercise"  # one check of exercise.py: each task's status, no questions


@dataclass(frozen=True)
class TaskRecord:
    """How one exercise task went in one check of exercise.py."""

    id: str
    status: str  # passed, failed, not started, error


@dataclass(frozen=True)
class QuestionRecord:
    """How one question went in one attempt."""

    id: str
    correct: bool
    points: float
    max_points: float


@dataclass(frozen=True)
class Attempt:
    """One line of the log."""

    section: str
    kind: AttemptKind
    when: datetime
    score: float
    total: float
    passed: bool
    results: tuple[QuestionRecord, ...]
    line: int = 0  # where it was read from; 0 for one not read from a file
    seed: int | None = None  # the shuffle seed the questions were asked in; None in file order
    tasks: tuple[TaskRecord, ...] = ()  # an exercise check: each task's status, in task order
    seconds: float | None = None  # an exercise check: how long the checks took


def log_path(root: Path | str) -> Path:
    """Where the attempt log of the course at `root` lives."""
    return Path(root) / LOG_FOLDER / LOG_NAME


def check_can_log(root: Path | str) -> None:
    """Raise AttemptLogError now if an attempt could not be appended later.

    Checks the folder (there or creatable), the log and its lock file (plain
    files we may write, when they exist), so a quiz never finds out at the end.
    """
    path = log_path(root)
    folder = path.parent
    for target, kind in ((folder, "folder"), (path, "file"), (lock_path(path), "file")):
        problem = _unwritable(target, kind)
        if problem is not None:
            reason, fix = problem
            raise AttemptLogError(f"the attempt log can't be written: {target} {reason}",
                                  path=path, fix=fix)


def _unwritable(target: Path, kind: str) -> tuple[str, str] | None:
    """Why `target` (an existing folder or file, or one to be made) can't be written, with the fix."""
    try:
        info = target.stat()
    except FileNotFoundError:
        # it will be created: that needs a folder above it that we may write
        return _unwritable(target.parent, "folder")
    except OSError as error:
        return f"can't be reached ({error.strerror})", f"check the permissions of {target.parent}"
    is_kind = stat.S_ISDIR(info.st_mode) if kind == "folder" else stat.S_ISREG(info.st_mode)
    if not is_kind:
        return (f"is not a {'folder' if kind == 'folder' else 'plain file'}",
                f"move {target} out of the way")
    wanted = os.W_OK | os.X_OK if kind == "folder" else os.W_OK
    if os.access(target, wanted):
        return None
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return ("belongs to another user (was learnpath run with sudo?)",
                f"give it back: sudo chown -R $USER {target}")
    return "is read-only", f"make it writable: chmod u+w {target}"


def append_attempt(
    root: Path | str,
    section_id: str,
    result: Graded,
    *,
    kind: AttemptKind | str = AttemptKind.QUIZ,
    when: datetime | None = None,
    seed: int | None = None,
) -> Attempt:
    """Add one graded attempt to the log and return it as recorded.

    `when` defaults to now, in local time with its UTC offset. `seed` is the
    shuffle seed the questions were asked in, so the attempt can be replayed
    (`learnpath quiz ID --seed N`).
    """
    attempt = Attempt(
        section=section_id,
        kind=AttemptKind(kind),
        when=when if when is not None else datetime.now().astimezone(),
        score=result.score,
        total=result.total,
        passed=result.passed,
        results=tuple(
            QuestionRecord(r.id, r.correct, r.points, r.max_points) for r in result.results
        ),
        seed=seed,
    )
    _append(root, attempt)
    return attempt


def append_exercise_run(root: Path | str, section_id: str, tasks: list[tuple[str, str]], *,
                        seconds: float, when: datetime | None = None) -> Attempt:
    """Add one check of exercise.py to the log: (task id, status) of each task, and its time.

    Score and total count passing tasks, so a reader that only knows quizzes still reads a
    sane line; `tasks` holds the statuses. Review never asks from these lines (no results).
    """
    passing = sum(status == "passed" for _, status in tasks)
    attempt = Attempt(
        section=section_id, kind=AttemptKind.EXERCISE,
        when=when if when is not None else datetime.now().astimezone(),
        score=float(passing), total=float(len(tasks)), passed=bool(tasks) and passing == len(tasks),
        results=(), tasks=tuple(TaskRecord(task_id, status) for task_id, status in tasks),
        seconds=round(float(seconds), 2))
    _append(root, attempt)
    return attempt


def _append(root: Path | str, attempt: Attempt) -> None:
    line = (json.dumps(_to_json(attempt), ensure_ascii=False) + "\n").encode("utf-8")
    path = log_path(root)
    try:
        with locked(path):
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                _drop_torn_tail(fd, path)
                _write_all(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
    except OSError as error:
        raise AttemptLogError(f"can't write the attempt log ({error.strerror})", path=path,
                              fix=f"make {path.parent} a writable folder") from None


def _drop_torn_tail(fd: int, path: Path) -> None:
    """Make sure the file ends in a newline before appending to it.

    A crash mid-append leaves a last line with no newline. If that fragment is
    not a record it held nothing recoverable, and appending after it would glue
    two records into one bad line, so it is cut off. A complete record that
    merely lacks its newline (a hand edit) is kept and finished.
    """
    size = os.fstat(fd).st_size
    if size == 0:
        return
    with open(path, "rb") as reader:
        reader.seek(size - 1)
        if reader.read(1) == b"\n":
            return
        reader.seek(0)
        data = reader.read()
    start = data.rfind(b"\n") + 1
    if _parse_line(data[start:]) is not None:
        _write_all(fd, b"\n")
    else:
        os.ftruncate(fd, start)


def _write_all(fd: int, data: bytes) -> None:
    # One write normally takes the whole line; the loop only guards short writes.
    while data:
        written = os.write(fd, data)
        data = data[written:]


def read_attempts(root: Path | str, warn: Callable[[str], None] | None = None) -> list[Attempt]:
    """Every attempt in the log, oldest first; none if there is no log yet.

    A line that isn't a valid record (edited by hand, damaged, dated in the
    future, numbers no quiz can score) is skipped, and `warn` is told which
    line, so one bad line never costs the rest of the history.
    """
    path = log_path(root)
    try:
        data = read_capped(path, "attempt log")
    except NotReadable as problem:
        if problem.missing:
            return []
        raise AttemptLogError(f"the attempt log {problem.reason}", path=path, fix=problem.fix) from None
    lines = data.split(b"\n")
    # The piece after the last newline is empty, or a line torn by a crash.
    torn = lines.pop()
    attempts = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        attempt = _parse_line(raw, number)
        if attempt is None:
            if warn is not None:
                warn(f"{path}:{number}: skipped, not a valid attempt record "
                     "(delete the line to keep this quiet; the other attempts are used)")
            continue
        attempts.append(attempt)
    last = _parse_line(torn, len(lines) + 1) if torn.strip() else None
    if last is not None:  # a whole record whose newline was removed by hand
        attempts.append(last)
    return attempts


def _to_json(attempt: Attempt) -> dict:
    return {
        "section": attempt.section,
        "kind": attempt.kind.value,
        "when": attempt.when.isoformat(timespec="seconds"),
        "score": attempt.score,
        "total": attempt.total,
        "passed": attempt.passed,
        "results": [
            {"id": r.id, "correct": r.correct, "points": r.points, "max_points": r.max_points}
            for r in attempt.results
        ],
        **({"seed": attempt.seed} if attempt.seed is not None else {}),
        **({"tasks": [{"id": t.id, "status": t.status} for t in attempt.tasks],
            "seconds": attempt.seconds} if attempt.kind is AttemptKind.EXERCISE else {}),
    }


def _parse_line(raw: bytes, line: int = 0) -> Attempt | None:
    """An Attempt from one line of the log, or None if the line isn't a valid record."""
    try:
        record = json.loads(raw.decode("utf-8"))
        results = tuple(
            QuestionRecord(
                id=_text(item["id"]),
                correct=_flag(item["correct"]),
                points=_amount(item["points"]),
                max_points=_amount(item["max_points"]),
            )
            for item in _list(record["results"])
        )
        return Attempt(
            section=_text(record["section"]),
            kind=AttemptKind(record["kind"]),
            when=_moment(record["when"]),
            score=_amount(record["score"]),
            total=_amount(record["total"]),
            passed=_flag(record["passed"]),
            results=results,
            line=line,
            seed=_seed(record.get("seed")),
            tasks=_tasks(record.get("tasks")),
            seconds=None if record.get("seconds") is None else _amount(record["seconds"]),
        )
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
        # UnicodeDecodeError and json's JSONDecodeError are ValueErrors too; RecursionError is
        # JSON nested too deep, OverflowError a 400-digit number
        return None


def _text(value) -> str:
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


# a day of slack for a clock set a little wrong; anything later was not written by this tool
_LATEST = timedelta(days=1)


def _moment(value) -> datetime:
    """A time no later than tomorrow, with its UTC offset (local time when the line has none)."""
    when = datetime.fromisoformat(_text(value))
    if when.tzinfo is None:
        when = when.astimezone()
    if when > datetime.now().astimezone() + _LATEST:
        raise ValueError("an attempt dated in the future")
    return when


def _flag(value) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected true or false")
    return value


# far above any real score (points are at most 1000 a question), far below float trouble
_LARGEST_AMOUNT = 1e9


def _amount(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("expected a number")
    amount = float(value)  # OverflowError for an integer too long for a float
    if not math.isfinite(amount) or not 0 <= amount <= _LARGEST_AMOUNT:
        raise ValueError("not a score")
    return amount


def _seed(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**64:
        raise TypeError("expected a seed")
    return value


_TASK_STATUSES = ("passed", "failed", "not started", "error")


def _tasks(value) -> tuple[TaskRecord, ...]:
    if value is None:  # every quiz line, and every line written before exercise runs were logged
        return ()
    return tuple(TaskRecord(_text(item["id"]), _status(item["status"])) for item in _list(value))


def _status(value) -> str:
    if value not in _TASK_STATUSES:
        raise ValueError("not a task status")
    return value


def _list(value) -> list:
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return value


@dataclass(frozen=True)
class BestAttempt:
    """A section's best whole-quiz attempt in the log, passed or not."""

    score: float
    total: float
    passed: bool
    when: datetime


@dataclass(frozen=True)
class ExerciseHistory:
    """A section's checks of exercise.py in the log: how many, and the best (most tasks passing)."""

    runs: int
    best_passing: int
    tasks: int
    passed: bool
    last: datetime


def exercise_history(attempts: list[Attempt]) -> dict[str, ExerciseHistory]:
    """Section id -> its exercise checks in the log (the earliest of equally good runs is best)."""
    history: dict[str, ExerciseHistory] = {}
    for attempt in attempts:
        if attempt.kind is not AttemptKind.EXERCISE:
            continue
        kept = history.get(attempt.section)
        passing = int(attempt.score)
        if kept is None:
            history[attempt.section] = ExerciseHistory(1, passing, int(attempt.total), attempt.passed,
                                                       attempt.when)
            continue
        better = passing > kept.best_passing
        history[attempt.section] = ExerciseHistory(
            kept.runs + 1, passing if better else kept.best_passing,
            int(attempt.total) if better else kept.tasks, kept.passed or attempt.passed,
            max(kept.last, attempt.when))
    return history


def best_attempts(attempts: list[Attempt]) -> dict[str, BestAttempt]:
    """Section id -> its best whole-quiz attempt (highest fraction; the earliest of equals).

    Review and --only-given attempts grade a few questions, so they don't count.
    """
    best: dict[str, BestAttempt] = {}
    for attempt in attempts:
        if attempt.kind is not AttemptKind.QUIZ or attempt.total <= 0:
            continue
        kept = best.get(attempt.section)
        if kept is None or attempt.score / attempt.total > kept.score / kept.total:
            best[attempt.section] = BestAttempt(attempt.score, attempt.total, attempt.passed, attempt.when)
    return best
