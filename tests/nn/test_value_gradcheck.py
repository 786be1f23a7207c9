"""Gradient checks: every Value operation's backward() agrees with numerical differentiation.

The numerical derivative is a five-point central difference in float64,

    f'(x) ~ (f(x-2h) - 8 f(x-h) + 8 f(x+h) - f(x+2h)) / 12h,

whose error shrinks like h**4, so it is accurate to far better than the 1e-7
relative error the tests demand. Inputs are drawn by hypothesis, kept away from
the kinks (relu at 0) and from where a function is undefined (log of x <= 0,
division by ~0), where no derivative exists to compare with.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from learnpath.nn import Value, sum_values, weighted_sum

STEP = 1e-3
TOLERANCE = 1e-7

# Applied to each test (not as a global profile, which would change other files' tests too).
# No example database: the checks are cheap to rerun and leave no folder behind.
check = settings(max_examples=60, deadline=None, database=None)


def numerical_gradient(f: Callable[[Sequence[float]], float], xs: Sequence[float], i: int) -> float:
    """d f / d xs[i] by the five-point central difference."""
    # A step in proportion to x, so steep functions near 0 (x**-2.5 at 0.1) are still sampled finely.
    h = STEP * max(0.1, abs(xs[i]))

    def at(offset: float) -> float:
        shifted = list(xs)
        shifted[i] += offset
        return f(shifted)

    return (at(-2 * h) - 8 * at(-h) + 8 * at(h) - at(2 * h)) / (12 * h)


def assert_gradients_match(build: Callable[[list[Value]], Value], xs: Sequence[float]) -> None:
    """backward() on build(Values of xs) gives the numerical gradient for every input."""
    inputs = [Value(x) for x in xs]
    out = build(inputs)
    out.backward()
    for i, node in enumerate(inputs):
        numeric = numerical_gradient(lambda values: build([Value(v) for v in values]).data, xs, i)
        scale = max(abs(node.grad), abs(numeric), 1e-3)  # a relative error, floored so 0 vs 1e-14 passes
        assert abs(node.grad - numeric) / scale <= TOLERANCE, (i, node.grad, numeric)


def floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def away_from_zero(low: float, high: float, gap: float) -> st.SearchStrategy[float]:
    """Floats in [low, high] with |x| >= gap."""
    return floats(low, high).filter(lambda x: abs(x) >= gap)


ANY = floats(-3.0, 3.0)
NONZERO = away_from_zero(-3.0, 3.0, 0.1)
POSITIVE = floats(0.1, 5.0)


@check
@given(ANY, ANY)
def test_add_sub_mul(a, b):
    """+, - and * between two Values."""
    assert_gradients_match(lambda v: v[0] + v[1], [a, b])
    assert_gradients_match(lambda v: v[0] - v[1], [a, b])
    assert_gradients_match(lambda v: v[0] * v[1], [a, b])


@check
@given(ANY, NONZERO)
def test_division(a, b):
    """a / b, with respect to both the numerator and the denominator."""
    assert_gradients_match(lambda v: v[0] / v[1], [a, b])


@check
@given(NONZERO, floats(-4.0, 4.0))
def test_reflected_operators_with_a_plain_number_on_the_left(x, c):
    """c + x, c - x, c * x and c / x, where c is a plain float."""
    assert_gradients_match(lambda v: c + v[0], [x])
    assert_gradients_match(lambda v: c - v[0], [x])
    assert_gradients_match(lambda v: c * v[0], [x])
    assert_gradients_match(lambda v: c / v[0], [x])


@check
@given(ANY, away_from_zero(-4.0, 4.0, 0.1))
def test_plain_number_on_the_right(x, c):
    """x + c, x - c, x * c and x / c, where c is a plain nonzero float."""
    assert_gradients_match(lambda v: v[0] + c, [x])
    assert_gradients_match(lambda v: v[0] - c, [x])
    assert_gradients_match(lambda v: v[0] * c, [x])
    assert_gradients_match(lambda v: v[0] / c, [x])


@check
@given(ANY)
def test_negation(x):
    """Unary minus."""
    assert_gradients_match(lambda v: -v[0], [x])


@check
@given(NONZERO, st.sampled_from([-3, -2, -1, 0, 1, 2, 3, 4]))
def test_power_with_whole_exponents(x, n):
    """x ** n for whole exponents, negative bases included."""
    assert_gradients_match(lambda v: v[0] ** n, [x])


@check
@given(POSITIVE, st.sampled_from([-2.5, -1.5, -0.5, 0.25, 0.5, 1.5, 2.5, math.pi]))
def test_power_with_fractional_exponents(x, n):
    """x ** n for fractional exponents, on positive bases."""
    assert_gradients_match(lambda v: v[0] ** n, [x])


@check
@given(floats(-2.0, 2.0), st.sampled_from([0.5, 2.0, math.e, 10.0]))
def test_number_to_the_power_of_a_value(x, base):
    """c ** x for a constant positive base c."""
    assert_gradients_match(lambda v: base ** v[0], [x])


@check
@given(floats(-5.0, 5.0))
def test_exp_tanh_sigmoid(x):
    """exp, tanh and sigmoid."""
    assert_gradients_match(lambda v: v[0].exp(), [x])
    assert_gradients_match(lambda v: v[0].tanh(), [x])
    assert_gradients_match(lambda v: v[0].sigmoid(), [x])


@check
@given(POSITIVE)
def test_log(x):
    """The natural logarithm, on positive inputs."""
    assert_gradients_match(lambda v: v[0].log(), [x])


@check
@given(away_from_zero(-3.0, 3.0, 0.01))
def test_relu_away_from_its_kink(x):
    """relu on either side of 0 (at 0 itself there is no derivative to check)."""
    assert_gradients_match(lambda v: v[0].relu(), [x])


@check
@given(st.lists(ANY, min_size=1, max_size=12), floats(-2.0, 2.0))
def test_sum_values(xs, start):
    """sum_values over many Values, with a plain starting number."""
    assert_gradients_match(lambda v: sum_values(v, start=start), xs)


@check
@given(st.integers(1, 8).flatmap(lambda n: st.lists(ANY, min_size=2 * n + 1, max_size=2 * n + 1)))
def test_weighted_sum(xs):
    """weighted_sum with respect to the bias, every weight and every input."""
    n = (len(xs) - 1) // 2
    assert_gradients_match(lambda v: weighted_sum(v[1 : 1 + n], v[1 + n :], v[0]), xs)


@check
@given(st.lists(ANY, min_size=4, max_size=4))
def test_weighted_sum_with_plain_number_inputs(xs):
    """weighted_sum whose inputs are plain floats: the weights and bias still get the right gradients."""
    data = [0.7, -1.3]
    assert_gradients_match(lambda v: weighted_sum(v[:2], data, v[2]) * v[3], xs)


@check
@given(floats(-2.0, 2.0), floats(-2.0, 2.0), floats(0.2, 2.0))
def test_a_composite_expression_with_reused_nodes(a, b, c):
    """A formula using most operations, with nodes reused, matches numerically as a whole."""

    def build(v: list[Value]) -> Value:
        x, y, z = v
        hidden = (x * y + z).tanh()
        mixed = sum_values([hidden * x, (y - x).sigmoid(), z.log() / (1 + z**2), hidden.exp()])
        return weighted_sum([x, y], [mixed, hidden], z) + 2 ** (-x * x)

    assert_gradients_match(build, [a, b, c])
