"""gradcheck: compare backward()'s gradients with slopes measured by nudging each input.

The derivative of f at x is the slope of f near x, so it can be measured
without any calculus: nudge one number of one input by a small h either way
and see how much f moves. This is far too slow to train with (two or more
runs of f per number) but it needs no derivative formula, so it is the
independent witness every backward function in this library is tested
against, and the one the exercises use on yours.

The measured slope is the fourth-order central difference
    (f(x - 2h) - 8 f(x - h) + 8 f(x + h) - f(x + 2h)) / (12 h),   h = 1e-3,
whose error is of order h**4 = 1e-12 (plus rounding, about 1e-16 / h), in
float64; in float32 rounding alone is 1e-4, which is why gradcheck insists on
float64. A function with a non-scalar output is first reduced to the single
number sum(output * C) with C fixed random weights, so every output element
counts, each with its own weight.

The relative error of one input's gradient is max|analytic - measured|
divided by the largest entry of either, never less than 1e-4 * max(1, |f|):
the difference formula cannot see below its own rounding noise, so a
gradient that is exactly 0 comes out as +-1e-12 or so, and this floor keeps
that noise from reading as a 100% error. A right gradient is typically 1e-9
or better; a wrong one (a missing factor of 2, a wrong sign) is 0.1 or more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from learnpath.nn.tensor import Tensor, no_grad

STEP = 1e-3
NOISE_FLOOR = 1e-4


@dataclass(frozen=True)
class GradcheckResult:
    """The worst relative error over all inputs, and each input's own. True when it is within tolerance."""

    max_relative_error: float
    relative_errors: tuple[float, ...]
    tolerance: float

    def __bool__(self) -> bool:
        return self.max_relative_error <= self.tolerance

    @property
    def passed(self) -> bool:
        return bool(self)


def gradcheck(
    fn: Callable[..., Tensor], inputs: Sequence[Tensor], *, tolerance: float = 1e-7, step: float = STEP
) -> GradcheckResult:
    """Check fn's gradient with respect to every input Tensor against measured slopes.

    `fn(*inputs)` must return a Tensor. Inputs must be float64 Tensors; each
    keeps its values (they are nudged and restored). Returns a result that is
    true when every relative error is at most `tolerance`, so
    `assert gradcheck(f, [x, w])` works, and its numbers can be printed.
    """
    inputs = list(inputs)
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"gradcheck: input {i} is a {type(t).__name__}, not a Tensor")
        if t.data.dtype != np.float64:
            raise TypeError(f"gradcheck: input {i} is {t.data.dtype}; measured slopes need float64 (Tensor(x, dtype=np.float64))")
    with no_grad():
        out_shape = fn(*inputs).shape
    weights = np.random.default_rng(12345).uniform(-1.0, 1.0, size=out_shape)

    def f() -> float:
        with no_grad():
            return float((fn(*inputs).data * weights).sum())

    floor = NOISE_FLOOR * max(1.0, abs(f()))
    for t in inputs:
        t.grad = None
    (fn(*inputs) * weights).sum().backward()
    analytic = [np.zeros(t.shape) if t.grad is None else np.array(t.grad) for t in inputs]

    errors = []
    for t, grad in zip(inputs, analytic):
        measured = np.zeros(t.shape)
        for index in np.ndindex(t.shape):
            original = t.data[index]
            values = []
            for offset in (-2, -1, 1, 2):
                t.data[index] = original + offset * step
                values.append(f())
            t.data[index] = original
            measured[index] = (values[0] - 8 * values[1] + 8 * values[2] - values[3]) / (12 * step)
        scale = max(np.abs(measured).max(initial=0.0), np.abs(grad).max(initial=0.0), floor)
        errors.append(float(np.abs(grad - measured).max(initial=0.0) / scale))
    return GradcheckResult(max(errors, default=0.0), tuple(errors), tolerance)
