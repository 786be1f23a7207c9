"""Checks for section 1.1's exercise: each task against learnpath.nn's Value and central differences."""

from __future__ import annotations

import math

from learnpath.exercises import central_difference, expect_close, for_all, st, task
from learnpath.nn import Value as Reference

# Inputs drawn for the hypothesis checks: sizes a person would use, away from 0 where a slope blows up.
moderate = st.floats(-10, 10, allow_nan=False).filter(lambda x: abs(x) > 0.1)
positive = st.floats(0.2, 10, allow_nan=False)


@task("central-difference", "central_difference(f, x, h): the numerical slope",
      hints=["Evaluate f at x + h and at x - h. How far apart are those two points?",
             "The slope of the line through two points is (rise) / (run); the run here is 2h, not h."])
def check_central_difference(ex):
    got = ex.central_difference(lambda x: x * x, 3.0, 0.1)
    expect_close(got, 6.0, what="central_difference(lambda x: x * x, 3.0, 0.1)", rel=1e-9)
    got = ex.central_difference(lambda x: x**3, 2.0, 0.1)
    expect_close(got, (2.1**3 - 1.9**3) / 0.2, what="central_difference(lambda x: x**3, 2.0, 0.1)", rel=1e-9)
    # The default step must be small: for sin at 1 the estimate should match cos(1) to about 1e-9.
    got = ex.central_difference(math.sin, 1.0)
    expect_close(got, math.cos(1.0), what="central_difference(math.sin, 1.0) with the default h", rel=1e-8)


def _expect_node(got, reference, what: str) -> None:
    expect_close(got.data, reference.data, what=f"{what}: .data", rel=1e-12)
    expect_close(len(got.parents), len(reference.parents), what=f"{what}: number of parents")
    for i, (mine, right) in enumerate(zip(got.local_grads, reference.local_grads)):
        expect_close(mine, right, what=f"{what}: .local_grads[{i}]", rel=1e-9)


@task("mul-grad", "Value.__mul__: the local derivatives of a * b",
      hints=["Hold b fixed and nudge a by h: how far does a * b move?",
             "Each factor's local derivative is the other factor's data."])
def check_mul(ex):
    _expect_node(ex.Value(2.0) * ex.Value(-5.0), Reference(2.0) * Reference(-5.0), "Value(2.0) * Value(-5.0)")
    _expect_node(ex.Value(3.0) * 4, Reference(3.0) * 4, "Value(3.0) * 4")

    def one_case(a, b):
        _expect_node(ex.Value(a) * ex.Value(b), Reference(a) * Reference(b), f"Value({a!r}) * Value({b!r})")
        slope = central_difference(lambda x: (ex.Value(x) * ex.Value(b)).data, a)
        expect_close((ex.Value(a) * ex.Value(b)).local_grads[0], slope, rel=1e-6, abs=1e-6,
                     what=f"d(a*b)/da at a = {a!r}, b = {b!r}, against a central difference")

    for_all(moderate, moderate, max_examples=40)(one_case)


@task("pow-grad", "Value.__pow__: the power rule for a number exponent",
      hints=["For x**2 the slope is 2x; for x**3 it is 3x**2. What is the pattern for x**n?",
             "n * x**(n - 1), computed from self.data."])
def check_pow(ex):
    _expect_node(ex.Value(2.0) ** 3, Reference(2.0) ** 3, "Value(2.0) ** 3")
    _expect_node(ex.Value(4.0) ** 0.5, Reference(4.0) ** 0.5, "Value(4.0) ** 0.5")
    _expect_node(ex.Value(-1.5) ** 2, Reference(-1.5) ** 2, "Value(-1.5) ** 2")

    def one_case(x, n):
        _expect_node(ex.Value(x) ** n, Reference(x) ** n, f"Value({x!r}) ** {n!r}")
        slope = central_difference(lambda t: (ex.Value(t) ** n).data, x)
        expect_close((ex.Value(x) ** n).local_grads[0], slope, rel=1e-5, abs=1e-5,
                     what=f"d(x**{n!r})/dx at x = {x!r}, against a central difference")

    for_all(positive, st.sampled_from([-2, -1, 0.5, 1, 1.5, 2, 3]), max_examples=40)(one_case)


@task("div-grad", "Value.__truediv__: the local derivatives of a / b",
      hints=["In a: a / b is a times the number 1/b. In b: write a / b as a * b**-1 and use the power rule.",
             "d(a/b)/da = 1/b and d(a/b)/db = -a/b**2."])
def check_div(ex):
    _expect_node(ex.Value(6.0) / ex.Value(-2.0), Reference(6.0) / Reference(-2.0), "Value(6.0) / Value(-2.0)")
    _expect_node(1 / ex.Value(4.0), 1 / Reference(4.0), "1 / Value(4.0)")

    def one_case(a, b):
        _expect_node(ex.Value(a) / ex.Value(b), Reference(a) / Reference(b), f"Value({a!r}) / Value({b!r})")
        slope = central_difference(lambda t: (ex.Value(a) / ex.Value(t)).data, b)
        expect_close((ex.Value(a) / ex.Value(b)).local_grads[1], slope, rel=1e-5, abs=1e-5,
                     what=f"d(a/b)/db at a = {a!r}, b = {b!r}, against a central difference")

    for_all(moderate, moderate, max_examples=40)(one_case)
