"""Checks for the Section 2.2 exercise: MSE gradients for a line, and one gradient-descent step."""

from __future__ import annotations

from learnpath.exercises import Mismatch, central_difference, expect_close, expect_equal, for_all, st, task
from learnpath.nn import Value
from learnpath.nn.losses import mse

number = st.floats(-5, 5, allow_nan=False, allow_infinity=False)
# One to six (x, y) points.
data = st.lists(st.tuples(number, number), min_size=1, max_size=6)


def _library_gradients(w: float, b: float, xs: list[float], ys: list[float]) -> tuple[float, float]:
    """dMSE/dw and dMSE/db as learnpath.nn's backward() finds them."""
    wv, bv = Value(w), Value(b)
    mse([wv * x + bv for x in xs], ys).backward()
    return wv.grad, bv.grad


def _mse(w: float, b: float, xs: list[float], ys: list[float]) -> float:
    return sum((w * x + b - y) ** 2 for x, y in zip(xs, ys)) / len(xs)


def _pair(answer, call: str) -> tuple:
    """The learner's answer as a pair, or a Mismatch saying what came back instead."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Mismatch(call, expected="a pair of two numbers", got=answer)
    return tuple(answer)


def _unchanged(xs: list[float], ys: list[float], given_xs: list[float], given_ys: list[float], call: str) -> None:
    expect_equal(xs, given_xs, what=f"the list xs you were given, after {call}")
    expect_equal(ys, given_ys, what=f"the list ys you were given, after {call}")


@task("mse-gradients", "dMSE/dw and dMSE/db by hand",
      hints=["Differentiate one term (w*x + b - y)**2 first, then average over the points.",
             "The chain rule gives 2*(w*x + b - y) times the derivative of the inside.",
             "The inside w*x + b - y changes by x when w moves by 1, and by 1 when b does."])
def check_mse_gradients(ex):
    def one_case(w, b, points):
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        case = f"w = {w}, b = {b}, xs = {xs}, ys = {ys}"
        given_xs, given_ys = list(xs), list(ys)
        dw, db = _pair(ex.mse_gradients(w, b, xs, ys), f"mse_gradients({w}, {b}, {xs}, {ys})")
        _unchanged(xs, ys, given_xs, given_ys, f"mse_gradients for {case}")
        want_dw, want_db = _library_gradients(w, b, xs, ys)
        expect_close(dw, want_dw, what=f"dMSE/dw for {case} (backward() gives the expected value)")
        expect_close(db, want_db, what=f"dMSE/db for {case} (backward() gives the expected value)")

    one_case(1.0, 0.0, [(1.0, 2.0), (2.0, 2.0)])  # the docstring's example: (-1, -1)
    one_case(3.0, -2.0, [(0.0, -2.0), (1.0, 1.5), (2.0, 3.0)])
    one_case(0.5, 1.0, [(2.0, 1.0)])  # one point
    one_case(-1.0, 0.5, [(3.0, 0.0), (-1.0, 2.0), (0.5, -1.0), (4.0, 1.0)])  # four points, mixed signs
    # Central differences, independent of the library.
    xs, ys = [0.5, 1.5, 2.5], [0.0, 2.0, 5.0]
    dw, db = ex.mse_gradients(0.7, 0.2, list(xs), list(ys))
    expect_close(dw, central_difference(lambda w: _mse(w, 0.2, xs, ys), 0.7),
                 what=f"dMSE/dw at w = 0.7, b = 0.2, xs = {xs}, ys = {ys} against a central difference", rel=1e-6)
    expect_close(db, central_difference(lambda b: _mse(0.7, b, xs, ys), 0.2),
                 what=f"dMSE/db at w = 0.7, b = 0.2, xs = {xs}, ys = {ys} against a central difference", rel=1e-6)
    for_all(number, number, data, max_examples=60)(one_case)


def _wrong_mse_gradients(ex) -> Mismatch | None:
    """A Mismatch if the learner's mse_gradients is wrong on one of two small known cases, else None."""
    mse_gradients = getattr(ex.mse_gradients, "__wrapped__", ex.mse_gradients)
    for w, b, xs, ys in ((1.0, 0.0, [1.0, 2.0], [2.0, 2.0]), (-1.0, 0.5, [3.0, -1.0, 0.5], [0.0, 2.0, -1.0])):
        want = _library_gradients(w, b, xs, ys)
        call = f"mse_gradients({w}, {b}, {xs}, {ys})"
        try:
            got = mse_gradients(w, b, list(xs), list(ys))
            right = len(got) == 2 and all(abs(g - e) <= 1e-9 + 1e-6 * abs(e) for g, e in zip(got, want))
        except Exception as problem:
            got, right = f"{type(problem).__name__}: {problem}", False
        if not right:
            return Mismatch("gradient-step calls your mse_gradients, which is wrong: fix task mse-gradients first. "
                            f"Your {call}", expected=want, got=got)
    return None


@task("gradient-step", "One step of gradient descent",
      hints=["Gradient descent moves each parameter against its own gradient.",
             "new = old - lr * gradient, for w with dMSE/dw and for b with dMSE/db."])
def check_gradient_step(ex):
    def one_case(w, b, points, lr):
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        case = f"w = {w}, b = {b}, xs = {xs}, ys = {ys}, lr = {lr}"
        given_xs, given_ys = list(xs), list(ys)
        new_w, new_b = _pair(ex.gradient_step(w, b, xs, ys, lr), f"gradient_step({w}, {b}, {xs}, {ys}, {lr})")
        _unchanged(xs, ys, given_xs, given_ys, f"gradient_step for {case}")
        dw, db = _library_gradients(w, b, xs, ys)
        expect_close(new_w, w - lr * dw, what=f"the new w for {case}")
        expect_close(new_b, b - lr * db, what=f"the new b for {case}")

    def all_cases():
        one_case(1.0, 0.0, [(1.0, 2.0), (2.0, 2.0)], 0.1)  # the docstring's example: (1.1, 0.1)
        one_case(0.0, 0.0, [(1.0, 1.0), (2.0, 4.0)], 0.05)
        one_case(2.0, -1.0, [(0.5, 3.0), (-2.0, 1.0), (1.0, 0.0)], 0.3)
        for_all(number, number, data, st.floats(0.001, 0.5), max_examples=60)(one_case)

    calls = []
    real = ex.mse_gradients

    def counting_mse_gradients(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    counting_mse_gradients.__wrapped__ = real
    ex.mse_gradients = counting_mse_gradients  # to know whether the step uses the learner's gradients
    try:
        all_cases()
    except NotImplementedError as problem:
        # The step itself may be written while mse_gradients is still the stub: say so.
        frames = []
        trace = problem.__traceback__
        while trace is not None:
            frames.append(trace.tb_frame.f_code.co_name)
            trace = trace.tb_next
        if frames and frames[-1] == "mse_gradients":
            raise Mismatch("gradient-step calls your mse_gradients, which is not written yet: "
                           "write task mse-gradients first", expected="the gradients", got="NotImplementedError")
        raise
    except Mismatch:
        # A step built on a wrong mse_gradients is wrong too: say which task to fix first.
        wrong = _wrong_mse_gradients(ex) if calls else None
        if wrong is not None:
            raise wrong
        raise
    finally:
        ex.mse_gradients = real
