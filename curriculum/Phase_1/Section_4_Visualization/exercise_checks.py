"""Checks for section 1.4's exercise: softplus end to end, a relative error, and a gradient check.

softplus is held to what its docstring promises: no overflow anywhere in [-800, 800], and a
relative error below 1e-12 in both tails (a formula that looks stable but rounds a tiny
result to 0 has a relative error of 1 there). gradient_check is fed backward passes that are
wrong in each way a referee must notice: a local derivative of 0, one twice too big, half too
small, and of the wrong sign.
"""

from __future__ import annotations

import math

from learnpath.exercises import (
    Mismatch,
    central_difference,
    expect_close,
    expect_equal,
    for_all,
    relative_error,
    st,
    task,
)
from learnpath.nn import Value


def reference_softplus(t: float) -> float:
    return max(t, 0.0) + math.log1p(math.exp(-abs(t)))


def reference_sigmoid(t: float) -> float:
    return (Value(t).sigmoid()).data


# Far in both tails, where e**t overflows or 1 + e**t rounds to 1 (but nothing is subnormal).
TAILS = (-700.0, -300.0, -100.0, -40.0, -37.0, -30.0, -27.0, -24.0, -21.0, -18.0, -15.0, -12.0, -9.0, -5.0,
         5.0, 9.0, 12.0, 15.0, 18.0, 21.0, 24.0, 27.0, 30.0, 37.0, 40.0, 100.0, 300.0, 700.0)


def _expect_softplus_at(ex, t: float) -> None:
    x = Value(t)
    x.grad = 0.5  # left by some earlier pass: softplus must not touch it
    out = ex.softplus(x)
    expect_equal((x.data, x.grad), (t, 0.5), what=f"x's data and grad after softplus(x) at x = {t!r} (x is left as it was)")
    expect_close(out.data, reference_softplus(t), rel=1e-12, abs=0.0,
                 what=f"softplus(Value({t!r})).data, to a relative error of 1e-12")
    expect_close(out.local_grads[0], reference_sigmoid(t), rel=1e-12, abs=0.0,
                 what=f"softplus(Value({t!r})).local_grads[0] (the sigmoid of x), to a relative error of 1e-12")


@task("softplus", "softplus(x): the forward number and its local derivative",
      hints=["The slope of ln(1 + e**x) is the sigmoid e**x / (1 + e**x). Divide top and bottom by e**x: "
             "which of the two forms is safe for large positive x, and which for large negative x?",
             "Far below 0, e**x is tiny and 1 + e**x rounds to exactly 1, so ln of it is 0: every digit lost. "
             "The math module has a logarithm made for ln(1 + u) with u tiny.",
             "Far above 0, e**x overflows. Write 1 + e**x as e**x times something, and split the logarithm "
             "of that product."])
def check_softplus(ex):
    x = Value(0.0)
    out = ex.softplus(x)
    expect_close(out.data, math.log(2.0), what="softplus(Value(0.0)).data")
    expect_equal(len(out.parents), 1, what="how many parents softplus(x) has")
    if out.parents[0] is not x:
        raise Mismatch("softplus(x).parents[0]", expected=f"x itself, {x!r}", got=repr(out.parents[0]))
    expect_close(out.local_grads[0], 0.5, what="softplus(Value(0.0)).local_grads[0]")
    expect_equal(out.op, "softplus", what="softplus(x).op")
    for t in (800.0, -800.0):
        out = ex.softplus(Value(t))
        expect_close(out.data, reference_softplus(t), abs=1e-300, what=f"softplus(Value({t})).data (no overflow)")
        expect_close(out.local_grads[0], reference_sigmoid(t), abs=1e-300,
                     what=f"softplus(Value({t})).local_grads[0] (no overflow)")
    for t in TAILS:
        _expect_softplus_at(ex, t)

    def one_case(t):
        _expect_softplus_at(ex, t)
        x = Value(t)
        (ex.softplus(x) * 3.0).backward()
        expect_close(x.grad, 3.0 * reference_sigmoid(t), rel=1e-9, abs=0.0,
                     what=f"x.grad after (softplus(x) * 3).backward() at x = {t!r}")

    # Everywhere, and then closely in the stretch where 1 + e**x has started to lose e**x's digits.
    for_all(st.floats(-700, 700), max_examples=40)(one_case)
    for_all(st.floats(-36, 36), max_examples=40)(one_case)

    def against_central(t):
        slope = central_difference(lambda u: ex.softplus(Value(u)).data, t)
        expect_close(ex.softplus(Value(t)).local_grads[0], slope, rel=1e-6, abs=1e-9,
                     what=f"softplus(Value({t!r})).local_grads[0], against a central difference of your softplus")

    for_all(st.floats(-10, 10), max_examples=20)(against_central)


@task("relative-error", "relative_error(a, b): the gap measured against the size of the numbers",
      hints=["Divide |a - b| by the larger of |a| and |b|.", "If both are 0 the numbers agree: return 0.0."])
def check_relative_error(ex):
    for a, b, expected in ((1000.0, 1001.0, 1 / 1001), (1.0, 1.001, 0.001 / 1.001), (-2.0, 2.0, 2.0),
                           (0.0, 0.0, 0.0), (0.0, 1e-9, 1.0), (1e-9, 0.0, 1.0), (3.0, -1.0, 4 / 3),
                           (-5.0, -4.0, 0.2), (1e-300, 2e-300, 0.5), (1e300, -1e300, 2.0)):
        expect_close(ex.relative_error(a, b), expected, rel=1e-12, abs=0.0, what=f"relative_error({a!r}, {b!r})")

    def one_case(a, b):
        expect_close(ex.relative_error(a, b), relative_error(a, b), rel=1e-12, abs=1e-15,
                     what=f"relative_error({a!r}, {b!r})")

    for_all(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), max_examples=50)(one_case)


def squared_with_slope(factor: float, name: str):
    """v**2 whose recorded local derivative is factor * 2v: right for factor 1, wrong otherwise."""
    def square(v: Value) -> Value:
        return Value(v.data * v.data, (v,), (factor * 2.0 * v.data,), name)
    return square


def _relative_error_is_right(ex) -> bool:
    try:
        return all(abs(ex.relative_error(a, b) - expected) <= 1e-12 * expected + 1e-300
                   for a, b, expected in ((1.0, 2.0, 0.5), (2.0, 1.0, 0.5), (-2.0, 2.0, 2.0), (0.0, 0.0, 0.0)))
    except Exception:
        return False


@task("gradient-check", "gradient_check(f, x): your own referee for backward()",
      hints=["Make the input a Value, run f on it and call backward() on the result: its grad is backward()'s answer.",
             "The central difference needs a function of plain numbers: wrap f so it takes and returns floats.",
             "Return the relative error of the two, not their difference: a referee must read the same for "
             "slopes of 1e-8 and of 1e8."])
def check_gradient_check(ex):
    try:
        _check_gradient_check(ex)
    except Mismatch:
        if not _relative_error_is_right(ex):
            raise Mismatch("gradient-check calls your relative_error, which is wrong: fix task relative-error first",
                           expected="relative_error(1.0, 2.0) = 0.5, relative_error(-2.0, 2.0) = 2.0, "
                                    "relative_error(0.0, 0.0) = 0.0",
                           got=_relative_errors_seen(ex)) from None
        raise


def _relative_errors_seen(ex) -> str:
    seen = []
    for a, b in ((1.0, 2.0), (-2.0, 2.0), (0.0, 0.0)):
        try:
            seen.append(f"relative_error({a}, {b}) = {ex.relative_error(a, b)!r}")
        except Exception as error:  # the learner's function may raise
            seen.append(f"relative_error({a}, {b}) raised {type(error).__name__}")
    return ", ".join(seen)


def _check_gradient_check(ex):
    for name, f, at in (("tanh", lambda v: v.tanh(), 0.5), ("x * x", lambda v: v * v, 3.0),
                        ("e**x at 20 (a gradient of 4.9e8)", lambda v: v.exp(), 20.0),
                        ("e**x at -20 (a gradient of 2.1e-9)", lambda v: v.exp(), -20.0),
                        ("softplus from the library's pieces", lambda v: (v.exp() + 1).log(), -1.5)):
        result = ex.gradient_check(f, at)
        expect_equal(result < 1e-8, True,
                     what=f"gradient_check on a correct {name} at {at} is below 1e-8 (it returned {result!r})")
    # x * x at 0: both slopes are 0, which is a perfect match.
    expect_close(ex.gradient_check(lambda v: v * v, 0.0), 0.0, abs=1e-12,
                 what="gradient_check(lambda v: v * v, 0.0): both slopes are 0")
    # Wrong backward passes of each kind, at x = 2 where the true slope of x**2 is 4.
    for factor, kind in ((0.0, "a local derivative of 0"), (2.0, "a local derivative twice too big"),
                         (0.5, "a local derivative half too small"), (-1.0, "a local derivative of the wrong sign"),
                         (-0.5, "a local derivative half too small and of the wrong sign")):
        wrong = squared_with_slope(factor, "bad square")
        expected = relative_error(factor * 4.0, 4.0)
        expect_close(ex.gradient_check(wrong, 2.0), expected, rel=1e-4,
                     what=f"gradient_check at 2.0 on x**2 with {kind} (backward() says {factor * 4.0:g}, the truth is 4)")
    # The same wrong square at -3: the check must look at the x it is given.
    expect_close(ex.gradient_check(squared_with_slope(2.0, "bad square"), -3.0), relative_error(-12.0, -6.0), rel=1e-4,
                 what="gradient_check at -3.0 on x**2 with a local derivative twice too big (backward() says -12, the truth is -6)")
