"""Checks for section 1.4's exercise: softplus end to end, a relative error, and a gradient check."""

from __future__ import annotations

import math

from learnpath.exercises import central_difference, expect_close, expect_equal, for_all, relative_error, st, task
from learnpath.nn import Value


def reference_softplus(t: float) -> float:
    return max(t, 0.0) + math.log1p(math.exp(-abs(t)))


def reference_sigmoid(t: float) -> float:
    return (Value(t).sigmoid()).data


@task("softplus", "softplus(x): the forward number and its local derivative",
      hints=["The slope of ln(1 + e**x) is the sigmoid 1 / (1 + e**-x).",
             "For large |x| pick the form whose exp has a negative argument, so nothing overflows.",
             "return Value(value, (x,), (slope,), \"softplus\")"])
def check_softplus(ex):
    x = Value(0.0)
    out = ex.softplus(x)
    expect_close(out.data, math.log(2.0), what="softplus(Value(0.0)).data")
    expect_equal(out.parents, (x,), what="softplus(x).parents")
    expect_close(out.local_grads[0], 0.5, what="softplus(Value(0.0)).local_grads[0]")
    expect_equal(out.op, "softplus", what="softplus(x).op")
    for t in (800.0, -800.0):
        out = ex.softplus(Value(t))
        expect_close(out.data, reference_softplus(t), what=f"softplus(Value({t})).data (no overflow)")
        expect_close(out.local_grads[0], reference_sigmoid(t), abs=1e-12,
                     what=f"softplus(Value({t})).local_grads[0] (no overflow)")

    def one_case(t):
        out = ex.softplus(Value(t))
        expect_close(out.data, reference_softplus(t), rel=1e-12, abs=1e-15, what=f"softplus(Value({t!r})).data")
        slope = central_difference(reference_softplus, t)
        expect_close(out.local_grads[0], slope, rel=1e-6, abs=1e-9,
                     what=f"softplus(Value({t!r})).local_grads[0], against a central difference")
        x = Value(t)
        (ex.softplus(x) * 3.0).backward()
        expect_close(x.grad, 3.0 * reference_sigmoid(t), rel=1e-9, abs=1e-12,
                     what=f"x.grad after (softplus(x) * 3).backward() at x = {t!r}")

    for_all(st.floats(-30, 30), max_examples=50)(one_case)


@task("relative-error", "relative_error(a, b): the gap measured against the size of the numbers",
      hints=["Divide |a - b| by the larger of |a| and |b|.", "If both are 0 the numbers agree: return 0.0."])
def check_relative_error(ex):
    expect_close(ex.relative_error(1000.0, 1001.0), 1 / 1001, what="relative_error(1000.0, 1001.0)")
    expect_close(ex.relative_error(1.0, 1.001), 0.001 / 1.001, what="relative_error(1.0, 1.001)")
    expect_close(ex.relative_error(-2.0, 2.0), 2.0, what="relative_error(-2.0, 2.0)")
    expect_close(ex.relative_error(0.0, 0.0), 0.0, what="relative_error(0.0, 0.0)")
    expect_close(ex.relative_error(0.0, 1e-9), 1.0, what="relative_error(0.0, 1e-9)")

    def one_case(a, b):
        expect_close(ex.relative_error(a, b), relative_error(a, b), rel=1e-12, abs=1e-15,
                     what=f"relative_error({a!r}, {b!r})")

    for_all(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), max_examples=50)(one_case)


def wrong_square(v: Value) -> Value:
    """v**2 with a deliberately wrong local derivative (v instead of 2v)."""
    return Value(v.data * v.data, (v,), (v.data,), "bad square")


@task("gradient-check", "gradient_check(f, x): your own referee for backward()",
      hints=["point = Value(x); f(point).backward(); then point.grad is backward()'s answer.",
             "The central difference needs plain numbers: use lambda t: f(Value(t)).data.",
             "Return relative_error of the two, not their difference."])
def check_gradient_check(ex):
    for name, f, at in (("tanh", lambda v: v.tanh(), 0.5), ("x * x", lambda v: v * v, 3.0),
                        ("e**x at 20 (a gradient of 4.9e8)", lambda v: v.exp(), 20.0),
                        ("softplus from the library's pieces", lambda v: (v.exp() + 1).log(), -1.5)):
        result = ex.gradient_check(f, at)
        expect_equal(result < 1e-8, True,
                     what=f"gradient_check on a correct {name} at {at} is below 1e-8 (it returned {result!r})")
    result = ex.gradient_check(wrong_square, 2.0)
    expect_close(result, relative_error(2.0, 4.0), rel=1e-4,
                 what="gradient_check on x**2 with a wrong local derivative (x instead of 2x) at 2.0")
