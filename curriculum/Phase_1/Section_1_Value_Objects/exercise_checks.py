"""Checks for section 1.1's exercise: each task against learnpath.nn's Value and central differences.

Each operator is checked four ways: the node it returns (data, parents in the order written,
local derivatives, op); the gradient that reaches EACH parent when backward() runs over it,
with parents of different values (a node whose parents are stored in another order than its
local derivatives gives each parent the other's slope); the operands left as they were; and
inputs of very different sizes, zero included, where a shortcut or a fudge factor shows.
"""

from __future__ import annotations

import math

from learnpath.exercises import Mismatch, central_difference, expect_close, expect_equal, for_all, st, task
from learnpath.nn import Value as Reference

# Inputs drawn for the hypothesis checks: sizes a person would use, away from 0 where a slope blows up.
moderate = st.floats(-10, 10, allow_nan=False).filter(lambda x: abs(x) > 0.1)
positive = st.floats(0.2, 10, allow_nan=False)
# The same, times 10**k for k from -60 to 60: tiny and huge operands, none near overflow.
scaled = st.builds(lambda m, k: m * 10.0**k, moderate, st.integers(-60, 60))


@task("central-difference", "central_difference(f, x, h): the numerical slope",
      hints=["Evaluate f at x + h and at x - h. How far apart are those two points?",
             "The slope of the line through two points is (rise) / (run); the run here is 2h, not h.",
             "Use the h you are given: the checks pass h = 0.1 on purpose."])
def check_central_difference(ex):
    got = ex.central_difference(lambda x: x * x, 3.0, 0.1)
    expect_close(got, 6.0, what="central_difference(lambda x: x * x, 3.0, 0.1)", rel=1e-9)
    got = ex.central_difference(lambda x: x**3, 2.0, 0.1)
    expect_close(got, (2.1**3 - 1.9**3) / 0.2, what="central_difference(lambda x: x**3, 2.0, 0.1)", rel=1e-9)
    got = ex.central_difference(lambda x: x**3, -1.0, 0.5)
    expect_close(got, ((-0.5) ** 3 - (-1.5) ** 3) / 1.0, what="central_difference(lambda x: x**3, -1.0, 0.5)", rel=1e-9)
    # The default step must be small: for sin at 1 the estimate should match cos(1) to about 1e-9.
    got = ex.central_difference(math.sin, 1.0)
    expect_close(got, math.cos(1.0), what="central_difference(math.sin, 1.0) with the default h", rel=1e-8)
    # f must be asked exactly at x - h and x + h (a stand-in that records where it was asked).
    asked: list[float] = []

    def recording(t: float) -> float:
        asked.append(t)
        return 2.0 * t

    ex.central_difference(recording, 5.0, 0.25)
    expect_equal(sorted(set(asked)), [4.75, 5.25],
                 what="the points central_difference(f, 5.0, 0.25) evaluated f at")


def _snapshot(v) -> tuple:
    return (v.data, v.grad, tuple(id(p) for p in v.parents), tuple(v.local_grads), v.op)


def _expect_node(ex, build, reference, operands, what: str) -> None:
    """The node `build(*operands)` against the library's, then the gradients backward() sends to each operand.

    `operands` are plain numbers; each becomes a fresh Value of the learner's class.
    """
    values = [ex.Value(x) for x in operands]
    before = [_snapshot(v) for v in values]
    got = build(*values)
    after = [_snapshot(v) for v in values]
    for i, (was, now) in enumerate(zip(before, after)):
        if was != now:
            raise Mismatch(f"{what}: operand {i + 1} after the call (an operation makes a new node; its operands stay as they were)",
                           expected=f"data {was[0]!r}, grad {was[1]!r}", got=f"data {now[0]!r}, grad {now[1]!r}")
    expect_close(got.data, reference.data, what=f"{what}: .data", rel=1e-12)
    expect_equal(len(got.parents), len(reference.parents), what=f"{what}: number of parents")
    expect_equal(len(got.local_grads), len(reference.local_grads), what=f"{what}: number of local derivatives")
    for i, (mine, right) in enumerate(zip(got.local_grads, reference.local_grads)):
        expect_close(mine, right, what=f"{what}: .local_grads[{i}]", rel=1e-9, abs=1e-300)
    expect_equal(got.op, reference.op, what=f"{what}: .op")
    # What each parent receives when backward() runs: its own local derivative, not its neighbour's.
    got.backward()
    ref_values = [Reference(x) for x in operands]
    reference_out = build(*ref_values)
    reference_out.backward()
    for i, (mine, right) in enumerate(zip(values, ref_values)):
        expect_close(mine.grad, right.grad, rel=1e-9, abs=1e-300,
                     what=f"{what}: the gradient that reaches operand {i + 1} after out.backward()")
    # parents[i] must be the operand whose slope local_grads[i] is: self first, then other.
    for i, value in enumerate(values):
        if got.parents[i] is not value:
            raise Mismatch(f"{what}: .parents[{i}]", expected=f"operand {i + 1} itself, {value!r} (parents in the order written)",
                           got=repr(got.parents[i]))


@task("mul-grad", "Value.__mul__: the local derivatives of a * b",
      hints=["Hold b fixed and nudge a by h: how far does a * b move?",
             "Each factor's local derivative is the other factor's data.",
             "The i-th local derivative belongs to the i-th parent: check that the pairs match."])
def check_mul(ex):
    def mul(a, b):
        return a * b

    for a, b in ((2.0, -5.0), (3.0, 4.0), (0.0, 7.0), (-6.0, 0.0), (1e200, 1e-200), (-3e-150, 2e-150)):
        _expect_node(ex, mul, Reference(a) * Reference(b), (a, b), f"Value({a!r}) * Value({b!r})")
    got = ex.Value(3.0) * 4
    expect_close(got.data, 12.0, what="(Value(3.0) * 4).data")
    expect_close(got.local_grads[0], 4.0, what="(Value(3.0) * 4).local_grads[0]")

    def one_case(a, b):
        _expect_node(ex, mul, Reference(a) * Reference(b), (a, b), f"Value({a!r}) * Value({b!r})")

    for_all(scaled, scaled, max_examples=30)(one_case)

    def against_central(a, b):
        slope = central_difference(lambda x: (ex.Value(x) * ex.Value(b)).data, a)
        expect_close((ex.Value(a) * ex.Value(b)).local_grads[0], slope, rel=1e-6, abs=1e-6,
                     what=f"d(a*b)/da at a = {a!r}, b = {b!r}, against a central difference")

    for_all(moderate, moderate, max_examples=20)(against_central)


@task("pow-grad", "Value.__pow__: the power rule for a number exponent",
      hints=["For x**2 the slope is 2x; for x**3 it is 3x**2. What is the pattern for x**n?",
             "n * x**(n - 1), computed from self.data.",
             "Try Value(0.0) ** 0 by hand: what is x**0 as a function of x, and what is its slope?"])
def check_pow(ex):
    def power(n):
        return lambda x: x**n

    for x, n in ((2.0, 3), (4.0, 0.5), (-1.5, 2), (-2.0, 3), (-2.0, -1), (3.0, 0), (-3.0, 0),
                 (0.0, 0), (0.0, 1), (0.0, 2), (0.0, 3), (1e-100, 2), (1e100, 2), (1e-100, -1)):
        _expect_node(ex, power(n), Reference(x) ** n, (x,), f"Value({x!r}) ** {n!r}")

    def one_case(x, n):
        _expect_node(ex, power(n), Reference(x) ** n, (x,), f"Value({x!r}) ** {n!r}")
        slope = central_difference(lambda t: (ex.Value(t) ** n).data, x)
        expect_close((ex.Value(x) ** n).local_grads[0], slope, rel=1e-5, abs=1e-5,
                     what=f"d(x**{n!r})/dx at x = {x!r}, against a central difference")

    for_all(positive, st.sampled_from([-2, -1, 0, 0.5, 1, 1.5, 2, 3]), max_examples=40)(one_case)


@task("div-grad", "Value.__truediv__: the local derivatives of a / b",
      hints=["In a: a / b is a times the number 1/b. In b: write a / b as a * b**-1 and use the power rule.",
             "d(a/b)/da = 1/b and d(a/b)/db = -a/b**2.",
             "No guard against small b: the checks divide by numbers as small as 1e-60, exactly."])
def check_div(ex):
    def div(a, b):
        return a / b

    for a, b in ((6.0, -2.0), (-3.0, 4.0), (0.0, 3.0), (1e-100, 1e-100), (5e100, -2e100), (7.0, 1e-50)):
        _expect_node(ex, div, Reference(a) / Reference(b), (a, b), f"Value({a!r}) / Value({b!r})")
    got = 1 / ex.Value(4.0)
    expect_close(got.data, 0.25, what="(1 / Value(4.0)).data")
    expect_close(got.local_grads[1], -1 / 16, what="(1 / Value(4.0)).local_grads[1]")

    def one_case(a, b):
        _expect_node(ex, div, Reference(a) / Reference(b), (a, b), f"Value({a!r}) / Value({b!r})")

    for_all(scaled, scaled, max_examples=30)(one_case)

    def against_central(a, b):
        slope = central_difference(lambda t: (ex.Value(a) / ex.Value(t)).data, b)
        expect_close((ex.Value(a) / ex.Value(b)).local_grads[1], slope, rel=1e-5, abs=1e-5,
                     what=f"d(a/b)/db at a = {a!r}, b = {b!r}, against a central difference")

    for_all(moderate, moderate, max_examples=20)(against_central)
