"""The checks API: what a section's exercise_checks.py imports to grade the learner's code.

A check is a function that receives the learner's exercise.py as a module,
calls into it, and compares what comes back with a reference. It says "wrong"
by raising Mismatch (through expect_close / expect_equal), carrying what was
computed, the expected value and what the learner's code gave, all as text in
the learner's own numbers. See docs/exercises.md for the whole contract.

This module is imported inside the child process that runs the checks (and by
the authors' tests), never on the path of `learnpath list` or `next`: it pulls
in Hypothesis.
"""

from __future__ import annotations

import builtins
import inspect
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

__all__ = [
    "Mismatch",
    "central_difference",
    "expect_close",
    "expect_equal",
    "for_all",
    "relative_error",
    "st",
    "task",
]

# Python 3.11+; on 3.10 nothing is a group, and `except ()` catches nothing
_EXCEPTION_GROUP = getattr(builtins, "BaseExceptionGroup", ())

TASK_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Task:
    """One graded task: its id and title as the learner sees them, its hints, its check."""

    id: str
    title: str
    hints: tuple[str, ...]
    check: Callable[[object], None] = field(compare=False)


# Filled by @task as exercise_checks.py is imported; the child process reads it.
REGISTERED: list[Task] = []


def task(id: str, title: str, *, hints: list[str] | tuple[str, ...] = ()) -> Callable:
    """Register the decorated function as the check of one task, in the order of the file.

    The id, title and hints must be written as plain string literals: the tool
    reads them from the file without running it (for `learnpath hint`).
    """
    if not isinstance(id, str) or not TASK_ID.fullmatch(id):
        raise ValueError(f"task id {id!r} must be lowercase words joined by '-', e.g. 'mul-grad'")
    if any(existing.id == id for existing in REGISTERED):
        raise ValueError(f"task id {id!r} is used twice")

    def register(check: Callable[[object], None]) -> Callable[[object], None]:
        REGISTERED.append(Task(id, str(title), tuple(str(hint) for hint in hints), check))
        return check

    return register


class Mismatch(AssertionError):
    """The learner's code gave a different value than the reference.

    `what` names the computation in the learner's terms ("a.grad after
    c = a * b with a = 2, b = -3"); `expected` and `got` are shown as text;
    `input` is filled in by for_all with the drawn inputs that failed.
    """

    def __init__(self, what: str, *, expected: object, got: object, input: str | None = None):
        self.what = what
        self.expected = expected if isinstance(expected, str) else show(expected)
        self.got = got if isinstance(got, str) else show(got)
        self.input = input
        super().__init__(f"{what}: expected {self.expected}, got {self.got}")


def show(value: object) -> str:
    """A value as the learner would write it: 3.0, [1, 2], an array cut to a few lines."""
    if _is_numpy_scalar(value):
        return show(value.item())
    if _is_array(value):
        import numpy as np

        return np.array2string(np.asarray(value), precision=6, threshold=20, max_line_width=72)
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _is_array(value: object) -> bool:
    """A NumPy array (NumPy's scalars, such as np.float64(2.0), count as plain numbers)."""
    return type(value).__module__ == "numpy" and hasattr(value, "shape") and not _is_numpy_scalar(value)


def _is_numpy_scalar(value: object) -> bool:
    if type(value).__module__ != "numpy":
        return False
    import numpy as np

    return isinstance(value, np.generic)


def _number(value: object) -> float | None:
    """A real number as a float, None if `value` isn't one (a bool is not a number here)."""
    if isinstance(value, bool):
        return None
    try:
        import numbers

        if isinstance(value, numbers.Real):
            return float(value)
    except (TypeError, ValueError):
        return None
    return None


def expect_close(got: object, expected: object, *, what: str,
                 rel: float = 1e-6, abs: float = 1e-9) -> None:
    """Mismatch unless `got` is within `rel` (relative) or `abs` of `expected`.

    Both may be numbers, or NumPy arrays of the same shape (compared element
    by element; the message points at the element furthest off). NaN equals
    NaN here, so a reference that is NaN on purpose can be matched.
    """
    if _is_array(expected) or _is_array(got):
        _expect_close_arrays(got, expected, what=what, rel=rel, abs_=abs)
        return
    number = _number(got)
    if number is None:
        raise Mismatch(what, expected=expected, got=f"{show(got)}, which is not a number")
    target = float(expected)
    if math.isnan(target) and math.isnan(number):
        return
    if not math.isclose(number, target, rel_tol=rel, abs_tol=abs):
        raise Mismatch(what, expected=expected, got=got)


def _expect_close_arrays(got, expected, *, what: str, rel: float, abs_: float) -> None:
    import numpy as np

    try:
        got_array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise Mismatch(what, expected=expected, got=f"{show(got)}, which is not an array of numbers")
    want = np.asarray(expected, dtype=float)
    if got_array.shape != want.shape:
        raise Mismatch(what, expected=f"an array of shape {want.shape}",
                       got=f"an array of shape {got_array.shape}")
    close = np.isclose(got_array, want, rtol=rel, atol=abs_, equal_nan=True)
    if close.all():
        return
    worst = np.unravel_index(np.argmax(np.where(close, -1.0, np.abs(got_array - want))), want.shape)
    at = f" (furthest off at index {tuple(int(i) for i in worst)}: expected {show(float(want[worst]))}, " \
         f"got {show(float(got_array[worst]))})" if want.ndim else ""
    raise Mismatch(what + at, expected=want, got=got_array)


def expect_equal(got: object, expected: object, *, what: str) -> None:
    """Mismatch unless `got == expected` (NumPy arrays: same shape and every element equal)."""
    if _is_array(expected) or _is_array(got):
        import numpy as np

        if np.shape(got) == np.shape(expected) and np.array_equal(np.asarray(got), np.asarray(expected)):
            return
        raise Mismatch(what, expected=expected, got=got)
    if type(got) is not type(expected) and not (_number(got) is not None and _number(expected) is not None):
        raise Mismatch(what, expected=expected, got=f"{show(got)} (a {type(got).__name__}, "
                       f"not a {type(expected).__name__})")
    if got != expected:
        raise Mismatch(what, expected=expected, got=got)


class NotStartedSignal(BaseException):
    """The learner's code raised NotImplementedError inside for_all.

    A BaseException, so Hypothesis lets it through at once instead of trying
    to shrink a stub that fails on every input; the child turns it back into
    "not started".
    """

    def __init__(self, original: NotImplementedError):
        super().__init__(*original.args)
        self.original = original


def for_all(*strategies, max_examples: int = 50) -> Callable[[Callable], None]:
    """Run the decorated function on inputs drawn from `strategies`, at once.

    `for_all(st.floats(-10, 10), st.floats(-10, 10))(one_case)` calls
    `one_case(x, y)` on up to `max_examples` pairs. Runs are derandomized and
    keep no example database, so every run draws the same inputs and nothing
    is written to the section folder. On a failure, Hypothesis shrinks the
    inputs to the simplest case that still fails, and the Mismatch raised
    names them (`x = 0.0, y = 1.0`).
    """

    def run(case: Callable) -> None:
        names = _parameter_names(case, len(strategies))

        @settings(
            database=None,
            derandomize=True,
            max_examples=max_examples,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
            print_blob=False,
            phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
        )
        @given(st.tuples(*strategies))
        def property_(drawn: tuple) -> None:
            try:
                case(*drawn)
            except NotImplementedError as not_started:
                raise NotStartedSignal(not_started) from not_started
            except Exception as problem:
                _note_input(problem, names, drawn)
                raise

        try:
            property_()
        except _EXCEPTION_GROUP as group:  # pragma: no cover - Hypothesis found distinct bugs
            raise group.exceptions[0] from None

    return run


def _parameter_names(case: Callable, count: int) -> list[str]:
    try:
        parameters = list(inspect.signature(case).parameters)
    except (TypeError, ValueError):
        parameters = []
    return (parameters + [f"input {n + 1}" for n in range(count)])[:count]


def _note_input(problem: Exception, names: list[str], drawn: tuple) -> None:
    """Write the failing inputs on the exception (the last, shrunk, case wins)."""
    text = ", ".join(f"{name} = {show(value)}" for name, value in zip(names, drawn))
    if isinstance(problem, Mismatch):
        problem.input = text
    else:
        try:
            problem.learnpath_input = text  # read by the child for errors in the learner's code
        except AttributeError:  # pragma: no cover - an exception type without a __dict__
            pass


def central_difference(f: Callable[[float], float], x: float, h: float = 1e-6) -> float:
    """The slope of `f` at `x` estimated as (f(x + h) - f(x - h)) / 2h, error of order h squared."""
    return (f(x + h) - f(x - h)) / (2 * h)


def relative_error(a, b) -> float:
    """|a - b| / max(|a|, |b|): 0 when equal, about 1e-9 when they agree to nine digits.

    0.0 when both are zero. For arrays, the largest difference over the
    largest magnitude.
    """
    if _is_array(a) or _is_array(b):
        import numpy as np

        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        scale = float(max(np.max(np.abs(a), initial=0.0), np.max(np.abs(b), initial=0.0)))
        difference = float(np.max(np.abs(a - b), initial=0.0))
    else:
        scale = max(abs(float(a)), abs(float(b)))
        difference = abs(float(a) - float(b))
    return 0.0 if scale == 0.0 else difference / scale
