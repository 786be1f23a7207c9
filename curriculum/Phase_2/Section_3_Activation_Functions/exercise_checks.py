"""Checks for the Section 2.3 exercise: leaky ReLU and GELU on Value, and a relative-error gradient check."""

from __future__ import annotations

import math

from learnpath.exercises import Mismatch, central_difference, expect_close, expect_equal, for_all, st, task
from learnpath.nn import Value
from learnpath.nn.activations import gelu, gelu_slope, leaky_relu, leaky_relu_slope

inputs = st.floats(-6, 6, allow_nan=False, allow_infinity=False)


def _value_and_grad(fn, x: float, *args) -> tuple[float, float, object]:
    """fn(Value(x)).data and x.grad after backward(), plus the output itself.

    Also checks that fn left the Value it was given as it was: an activation
    makes a new Value and never writes into its input.
    """
    v = Value(x)
    out = fn(v, *args)
    name = getattr(fn, "__name__", "your function")
    expect_equal(v.data, x, what=f"the .data of the Value you were given, after {name}(Value({x!r}))")
    if out is v:
        raise Mismatch(f"what {name}(Value({x!r})) returns", expected="a new Value, with the input as its parent",
                       got="the input Value itself")
    out.backward()
    return out.data, v.grad, out


@task("leaky-relu", "Leaky ReLU on Value, with its local derivative",
      hints=["Two cases: x > 0 and everything else (0 included).",
             "On the negative side the output is slope * x and the local derivative is slope, not 0.",
             "Return Value(output, (x,), (local,), \"leaky_relu\"): one parent, one local derivative."])
def check_leaky_relu(ex):
    def one_case(x, slope):
        data, grad, out = _value_and_grad(ex.leaky_relu, x, slope)
        expect_close(data, leaky_relu(x, slope), what=f"leaky_relu(Value({x!r}), slope={slope}).data")
        expect_close(grad, leaky_relu_slope(x, slope),
                     what=f"x.grad after leaky_relu(Value({x!r}), slope={slope}).backward()")
        expect_equal(len(out.parents), 1, what=f"how many parents the Value returned for x = {x!r} records")

    one_case(-3.0, 0.01)  # the docstring's example: -0.03 and 0.01
    one_case(2.5, 0.01)
    one_case(0.0, 0.01)  # at the kink: the negative side, output 0 and slope 0.01
    one_case(-2.0, 0.2)
    for_all(inputs, st.floats(0.0, 0.5), max_examples=60)(one_case)
    # Away from 0, backward() must agree with a central difference.
    for x in (-4.0, -0.5, 0.5, 4.0):
        _, grad, _ = _value_and_grad(ex.leaky_relu, x)
        expect_close(grad, central_difference(lambda t: ex.leaky_relu(Value(t)).data, x),
                     what=f"x.grad of leaky_relu at x = {x} against a central difference", rel=1e-6)


@task("gelu", "GELU on Value, with its local derivative",
      hints=["Compute t = tanh(GELU_C * (x + GELU_A * x**3)) from x.data first; the output is 0.5 * x * (1 + t).",
             "Product rule: the derivative of 0.5 * x * (1 + t) is 0.5 * (1 + t) + 0.5 * x * dt/dx.",
             "Chain rule: dt/dx = (1 - t**2) times the slope of the inside, GELU_C * (x + GELU_A * x**3), in x."])
def check_gelu(ex):
    def one_case(x):
        data, grad, out = _value_and_grad(ex.gelu, x)
        expect_close(data, gelu(x), what=f"gelu(Value({x!r})).data")
        expect_close(grad, gelu_slope(x), what=f"x.grad after gelu(Value({x!r})).backward()")
        expect_equal(len(out.parents), 1, what=f"how many parents the Value returned for x = {x!r} records")

    one_case(1.0)  # the docstring's example: 0.841192 and 1.082964
    one_case(-1.0)
    one_case(0.0)
    one_case(3.0)
    for_all(inputs, max_examples=60)(one_case)
    for x in (-2.0, -0.3, 0.7, 2.5):
        _, grad, _ = _value_and_grad(ex.gelu, x)
        expect_close(grad, central_difference(lambda t: ex.gelu(Value(t)).data, x),
                     what=f"x.grad of gelu at x = {x} against a central difference", rel=1e-6)
    # Far out the tanh saturates: a form built from exp or cosh overflows there; the library's does not.
    for x in (-1000.0, -30.0, -10.0, 10.0, 30.0, 1000.0):
        one_case(x)
    for_all(st.floats(-1000, 1000, allow_nan=False, allow_infinity=False), max_examples=30)(one_case)


def _square_with_backward(local_of_v, name: str):
    """v * v whose recorded local derivative is local_of_v(v) instead of 2v: a backward that is wrong on purpose."""
    def square(v: Value) -> Value:
        return Value(v.data * v.data, (v,), (local_of_v(v.data),), name)
    square.__name__ = name
    return square


def _constant_with_backward(v: Value) -> Value:
    """The constant 5 whose backward claims a slope of 1: the true slope is 0."""
    return Value(5.0, (v,), (1.0,), "bad_constant")


def _expected_error(f, x: float, h: float) -> float:
    point = Value(x)
    f(point).backward()
    analytic = point.grad
    numeric = (f(Value(x + h)).data - f(Value(x - h)).data) / (2.0 * h)
    scale = max(abs(analytic), abs(numeric))
    return 0.0 if scale == 0.0 else abs(analytic - numeric) / scale


@task("gradient-check", "A relative-error gradient check",
      hints=["Two numbers to compare: x.grad after backward(), and (f(x + h) - f(x - h)) / (2h).",
             "Relative error: the absolute difference divided by the larger of the two absolute values.",
             "Guard the case where both are 0: the error is then 0, not a division by zero.",
             "Test your check on a backward that is wrong: one that says 0, one twice too big, one with the "
             "wrong sign. Each must give a large error, whichever of the two slopes is the bigger."])
def check_gradient_check(ex):
    half = _square_with_backward(lambda v: v, "square_with_half_the_slope")
    double = _square_with_backward(lambda v: 4.0 * v, "square_with_twice_the_slope")
    zero = _square_with_backward(lambda v: 0.0, "square_with_a_zero_slope")
    flipped = _square_with_backward(lambda v: -2.0 * v, "square_with_the_slope_negated")
    cases = [
        (lambda v: v * v, 3.0, "v * v at x = 3 (right: 6)"),
        (lambda v: v.tanh(), 0.4, "tanh at x = 0.4"),
        (lambda v: (v * 2.0).sigmoid() * v, -1.3, "sigmoid(2v) * v at x = -1.3"),
        (half, 3.0, "a square whose backward says v instead of 2v, at x = 3 (3 against 6: error 0.5)"),
        (half, -2.0, "a square whose backward says v instead of 2v, at x = -2 (-2 against -4: error 0.5)"),
        (double, 3.0, "a square whose backward says 4v instead of 2v, at x = 3 (12 against 6: error 0.5)"),
        (double, -1.5, "a square whose backward says 4v instead of 2v, at x = -1.5 (-6 against -3: error 0.5)"),
        (zero, 3.0, "a square whose backward says 0 instead of 2v, at x = 3 (0 against 6: error 1)"),
        (zero, -0.5, "a square whose backward says 0 instead of 2v, at x = -0.5 (0 against -1: error 1)"),
        (flipped, 3.0, "a square whose backward says -2v instead of 2v, at x = 3 (-6 against 6: error 2)"),
        (flipped, -1.0, "a square whose backward says -2v instead of 2v, at x = -1 (2 against -2: error 2)"),
        (_constant_with_backward, 2.0, "a constant whose backward says 1, at x = 2 (1 against 0: error 1)"),
        (lambda v: v.relu(), -1.0, "relu at x = -1 (both slopes 0)"),
        (lambda v: v * 3.0 - 2.0, 2.0, "3v - 2 at x = 2 (right: 3)"),
    ]
    for f, x, name in cases:
        got = ex.gradient_check(f, x)
        expect_close(got, _expected_error(f, x, 1e-5), what=f"gradient_check for {name}", rel=1e-6, abs=1e-9)
    # A large step makes a curved function's central difference visibly wrong: the check must see it.
    expect_close(ex.gradient_check(lambda v: v * v * v, 1.0, h=0.5), _expected_error(lambda v: v * v * v, 1.0, 0.5),
                 what="gradient_check for v**3 at x = 1 with h = 0.5 (the difference says 3.25, backward 3)",
                 rel=1e-6)
