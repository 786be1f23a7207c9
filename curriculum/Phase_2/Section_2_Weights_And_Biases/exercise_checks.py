"""Checks for the Section 2.2 exercise: MSE gradients for a line, and one gradient-descent step."""

from __future__ import annotations

from learnpath.exercises import central_difference, expect_close, for_all, st, task
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


@task("mse-gradients", "dMSE/dw and dMSE/db by hand",
      hints=["Differentiate one term (w*x + b - y)**2 first, then average over the points.",
             "The chain rule gives 2*(w*x + b - y) times the derivative of the inside.",
             "The inside w*x + b - y changes by x when w moves by 1, and by 1 when b does."])
def check_mse_gradients(ex):
    def one_case(w, b, points):
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        dw, db = ex.mse_gradients(w, b, xs, ys)
        case = f"w = {w}, b = {b}, xs = {xs}, ys = {ys}"
        want_dw, want_db = _library_gradients(w, b, xs, ys)
        expect_close(dw, want_dw, what=f"dMSE/dw for {case} (backward() gives the expected value)")
        expect_close(db, want_db, what=f"dMSE/db for {case} (backward() gives the expected value)")

    one_case(1.0, 0.0, [(1.0, 2.0), (2.0, 2.0)])  # the docstring's example: (-1, -1)
    one_case(3.0, -2.0, [(0.0, -2.0), (1.0, 1.5), (2.0, 3.0)])
    # Central differences, independent of the library.
    xs, ys = [0.5, 1.5, 2.5], [0.0, 2.0, 5.0]
    dw, db = ex.mse_gradients(0.7, 0.2, xs, ys)
    expect_close(dw, central_difference(lambda w: _mse(w, 0.2, xs, ys), 0.7),
                 what=f"dMSE/dw at w = 0.7, b = 0.2, xs = {xs}, ys = {ys} against a central difference", rel=1e-6)
    expect_close(db, central_difference(lambda b: _mse(0.7, b, xs, ys), 0.2),
                 what=f"dMSE/db at w = 0.7, b = 0.2, xs = {xs}, ys = {ys} against a central difference", rel=1e-6)
    for_all(number, number, data, max_examples=60)(one_case)


@task("gradient-step", "One step of gradient descent",
      hints=["Gradient descent moves each parameter against its own gradient.",
             "new = old - lr * gradient, for w with dMSE/dw and for b with dMSE/db."])
def check_gradient_step(ex):
    def one_case(w, b, points, lr):
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        new_w, new_b = ex.gradient_step(w, b, xs, ys, lr)
        dw, db = _library_gradients(w, b, xs, ys)
        case = f"w = {w}, b = {b}, xs = {xs}, ys = {ys}, lr = {lr}"
        expect_close(new_w, w - lr * dw, what=f"the new w for {case}")
        expect_close(new_b, b - lr * db, what=f"the new b for {case}")

    one_case(1.0, 0.0, [(1.0, 2.0), (2.0, 2.0)], 0.1)  # the docstring's example: (1.1, 0.1)
    one_case(0.0, 0.0, [(1.0, 1.0), (2.0, 4.0)], 0.05)
    for_all(number, number, data, st.floats(0.001, 0.5), max_examples=60)(one_case)
