"""Activation functions on plain floats, each with its derivative: the reference Phase 2 plots and checks.

A neuron's activation is a function of one number. Value has relu, tanh and
sigmoid built in; this file has those and two more (leaky ReLU and GELU) as
ordinary functions of a float, each paired with its derivative, so that an
experiment can draw and compare them and an exercise can be checked against
them. Every form here is finite for every finite input, including +-1000.

GELU is written in the tanh form that GPT-2 uses (PyTorch:
`gelu(x, approximate="tanh")`). The exact GELU is x * Phi(x), with Phi the
standard normal distribution function; `gelu_exact` gives it for comparison.
"""

from __future__ import annotations

import math
from collections.abc import Callable

__all__ = [
    "sigmoid", "sigmoid_slope",
    "tanh", "tanh_slope",
    "relu", "relu_slope",
    "leaky_relu", "leaky_relu_slope",
    "gelu", "gelu_slope", "gelu_exact",
    "ACTIVATIONS",
]

LEAKY_SLOPE = 0.01  # the slope of leaky ReLU for negative inputs (PyTorch's default too)
_GELU_C = math.sqrt(2.0 / math.pi)  # from matching the normal distribution near 0
_GELU_A = 0.044715  # the cubic term's weight in the tanh form


def sigmoid(x: float) -> float:
    """1 / (1 + e**-x), in a form that never overflows."""
    # For negative x, e**-x is huge; the equal form e**x / (1 + e**x) uses a tiny e**x instead.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def sigmoid_slope(x: float) -> float:
    """d sigmoid / dx = sigmoid(x) * (1 - sigmoid(x)); at most 0.25, at x = 0."""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x: float) -> float:
    """(e**x - e**-x) / (e**x + e**-x), through math.tanh, which stays in [-1, 1] for any x."""
    return math.tanh(x)


def tanh_slope(x: float) -> float:
    """d tanh / dx = 1 - tanh(x)**2; at most 1, at x = 0."""
    t = math.tanh(x)
    return 1.0 - t * t


def relu(x: float) -> float:
    """max(0, x)."""
    return x if x > 0 else 0.0


def relu_slope(x: float) -> float:
    """1 for x > 0, else 0 (at the kink x = 0 we pick 0, as Value.relu does)."""
    return 1.0 if x > 0 else 0.0


def leaky_relu(x: float, slope: float = LEAKY_SLOPE) -> float:
    """x for x > 0, else slope * x: a ReLU that lets a little through on the negative side."""
    return x if x > 0 else slope * x


def leaky_relu_slope(x: float, slope: float = LEAKY_SLOPE) -> float:
    """1 for x > 0, else `slope` (never 0, so a negative input still passes some gradient)."""
    return 1.0 if x > 0 else slope


def gelu(x: float) -> float:
    """0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3))): GELU in GPT-2's tanh form."""
    return 0.5 * x * (1.0 + math.tanh(_GELU_C * (x + _GELU_A * x**3)))


def gelu_slope(x: float) -> float:
    """d gelu / dx, by the product rule on 0.5 * x * (1 + t) with t = tanh(u), u = c*(x + a*x**3)."""
    t = math.tanh(_GELU_C * (x + _GELU_A * x**3))
    du_dx = _GELU_C * (1.0 + 3.0 * _GELU_A * x * x)
    return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du_dx


def gelu_exact(x: float) -> float:
    """x * Phi(x) with Phi the standard normal distribution function: the GELU the tanh form approximates."""
    return 0.5 * x * (1.0 + math.erf(x / math.sqrt(2.0)))


# name -> (function, derivative), in the order the course introduces them.
ACTIVATIONS: dict[str, tuple[Callable[[float], float], Callable[[float], float]]] = {
    "sigmoid": (sigmoid, sigmoid_slope),
    "tanh": (tanh, tanh_slope),
    "relu": (relu, relu_slope),
    "leaky_relu": (leaky_relu, leaky_relu_slope),
    "gelu": (gelu, gelu_slope),
}
