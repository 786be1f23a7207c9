"""The numerical gradient checker the Tensor tests rely on, and proof that it can fail.

`assert_gradients_match(build, *arrays)` runs `build` on Tensors made from the
arrays, backpropagates the scalar sum(output * C) for a fixed random array C
(so that every output element matters, each with its own weight), and
compares every input's gradient with a numerical derivative.

The numerical derivative is the fourth-order central difference
    (f(x - 2h) - 8 f(x - h) + 8 f(x + h) - f(x + 2h)) / (12 h),   h = 1e-3,
in float64. Its truncation error is of order h**4 = 1e-12 and its rounding
error of order 1e-16 / h = 1e-13, so a relative error of 1e-7 leaves a wide
margin for a right gradient and none for a wrong one. The relative error of
a whole gradient array is max|analytic - numeric| divided by the largest
entry of either (so that single entries that are exactly zero do not divide
by zero). One floor on that divisor: the difference formula cannot see
below its own rounding noise, about 1e-12 * |f|, so a gradient that is truly
0 comes out as +-1e-12 or so. The divisor is therefore at least
1e-4 * max(1, |f|); only a gradient that small everywhere is affected.
"""

from __future__ import annotations

import numpy as np
import pytest

from learnpath.nn.tensor import Tensor, make_node, no_grad

STEP = 1e-3
TOLERANCE = 1e-7
NOISE_FLOOR = 1e-4  # times max(1, |f|): see the module docstring


def numeric_gradient(f, arrays: list[np.ndarray], which: int) -> np.ndarray:
    """d f / d arrays[which], one element at a time, by the fourth-order central difference."""
    x = arrays[which]
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        values = []
        for offset in (-2, -1, 1, 2):
            x[index] = original + offset * STEP
            values.append(f(arrays))
        x[index] = original
        grad[index] = (values[0] - 8 * values[1] + 8 * values[2] - values[3]) / (12 * STEP)
    return grad


def relative_error(analytic: np.ndarray, numeric: np.ndarray, floor: float) -> float:
    scale = max(np.abs(numeric).max(initial=0.0), np.abs(analytic).max(initial=0.0), floor)
    return float(np.abs(analytic - numeric).max() / scale)


def assert_gradients_match(build, *arrays: np.ndarray, tolerance: float = TOLERANCE) -> None:
    """Check the gradient of every input of `build` against the numerical one."""
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    with no_grad():
        out_shape = build(*[Tensor(a) for a in arrays]).shape
    weights = np.random.default_rng(len(out_shape) + 7).uniform(-1.0, 1.0, size=out_shape)

    def f(current: list[np.ndarray]) -> float:
        with no_grad():
            return float((build(*[Tensor(a) for a in current]).data * weights).sum())

    floor = NOISE_FLOOR * max(1.0, abs(f(arrays)))
    tensors = [Tensor(a.copy()) for a in arrays]
    out = build(*tensors)
    assert out.shape == out_shape
    (out * weights).sum().backward()
    for i, t in enumerate(tensors):
        assert t.grad is not None and t.grad.shape == t.shape, f"input {i}: gradient shape {np.shape(t.grad)} != {t.shape}"
        numeric = numeric_gradient(f, arrays, i)
        error = relative_error(t.grad, numeric, floor)
        assert error <= tolerance, f"input {i}: relative error {error:.2e}\nanalytic {t.grad}\nnumeric {numeric}"


def test_checker_accepts_a_right_gradient():
    """A correct gradient (x * x) passes the check."""
    assert_gradients_match(lambda x: x * x, np.array([[1.0, -2.0], [0.5, 3.0]]))


def test_checker_rejects_a_wrong_gradient():
    """A gradient off by one part in a million is caught, so passing the check means something."""

    def slightly_wrong_square(x: Tensor) -> Tensor:
        data = x.data
        return make_node(data * data, "bad", (x, lambda g: g * 2.0 * data * (1 + 1e-6)))

    with pytest.raises(AssertionError, match="relative error"):
        assert_gradients_match(slightly_wrong_square, np.array([1.0, -2.0, 0.5]))


def test_checker_rejects_a_missing_broadcast_sum():
    """A gradient of the wrong shape (broadcasting not undone) is caught, by the check or by backward itself."""

    def add_without_unbroadcast(a: Tensor, b: Tensor) -> Tensor:
        return make_node(a.data + b.data, "bad+", (a, lambda g: g), (b, lambda g: g))

    with pytest.raises((AssertionError, ValueError), match="shape"):
        assert_gradients_match(add_without_unbroadcast, np.ones((2, 3)), np.ones(3))
