"""learnpath.nn.activations: every derivative matches a central difference, every form is finite far out."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learnpath.nn import Value
from learnpath.nn.activations import ACTIVATIONS, gelu, gelu_exact, gelu_slope, leaky_relu, leaky_relu_slope

# Away from 0, where ReLU and leaky ReLU have their kink.
away_from_kink = st.floats(-8, 8).filter(lambda x: abs(x) > 1e-3)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@settings(max_examples=200, deadline=None)
@given(x=away_from_kink)
def test_derivative_matches_central_difference(name, x):
    """Each listed derivative agrees with (f(x+h) - f(x-h)) / 2h to 1e-6 (absolute and relative)."""
    f, df = ACTIVATIONS[name]
    h = 1e-6
    numeric = (f(x + h) - f(x - h)) / (2 * h)
    assert df(x) == pytest.approx(numeric, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_finite_far_from_zero(name):
    """Every function and derivative is finite at -1000 and +1000."""
    f, df = ACTIVATIONS[name]
    for x in (-1000.0, 1000.0):
        assert math.isfinite(f(x)) and math.isfinite(df(x))


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
@settings(max_examples=100, deadline=None)
@given(x=st.floats(-50, 50))
def test_value_methods_agree(name, x):
    """Value.sigmoid/tanh/relu give the same output and the same gradient as these functions."""
    f, df = ACTIVATIONS[name]
    v = Value(x)
    out = getattr(v, name)()
    out.backward()
    assert out.data == f(x)
    assert v.grad == df(x)


def test_leaky_relu_passes_a_slope_on_the_negative_side():
    """leaky_relu(-3) = -0.03 with slope 0.01; at 0 it takes the negative side, like Value.relu."""
    assert leaky_relu(-3.0) == pytest.approx(-0.03)
    assert leaky_relu_slope(-3.0) == 0.01 and leaky_relu_slope(0.0) == 0.01 and leaky_relu_slope(2.0) == 1.0
    assert leaky_relu(-2.0, 0.2) == pytest.approx(-0.4)


def test_gelu_tanh_form_is_close_to_the_exact_form():
    """The tanh form is within 4.8e-4 of x * Phi(x) on [-6, 6], and gelu(1) = 0.841192 with slope 1.082964."""
    worst = max(abs(gelu(x) - gelu_exact(x)) for x in (i / 1000 for i in range(-6000, 6001)))
    assert 4.7e-4 < worst < 4.8e-4
    assert f"{gelu(1.0):.6f}" == "0.841192" and f"{gelu_slope(1.0):.6f}" == "1.082964"
