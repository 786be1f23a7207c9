"""Section 2.3 exercise: two activations for Value, and a gradient check of your own.

Value has relu, tanh and sigmoid. Here you add two more the same way the library
does: compute the output, work out the local derivative, and return a new Value
that records both. Then you write the tool that catches a wrong local
derivative: a relative-error gradient check.

A Value that records one parent and its local derivative is made like this
(it is how Value.relu is written in learnpath/nn/value.py):

    Value(output, (x,), (local_derivative,), "name")

Three tasks. Fill in each function where it says TODO, then run
    learnpath exercise 2.3
"""

from __future__ import annotations

import math
from collections.abc import Callable

from learnpath.nn import Value

GELU_C = math.sqrt(2.0 / math.pi)
GELU_A = 0.044715


def leaky_relu(x: Value, slope: float = 0.01) -> Value:
    """x for x > 0, else slope * x; local derivative 1 for x > 0, else slope.

    Example: leaky_relu(Value(-3.0)) has data -0.03, and after backward() x.grad is 0.01.
    At exactly 0 use the negative side (output 0, slope `slope`), as Value.relu does.
    """
    # TODO: the output and the local derivative on each side of 0, then one new Value.
    raise NotImplementedError("leaky_relu: compute the output and its local derivative")


def gelu(x: Value) -> Value:
    """GELU in GPT-2's tanh form: 0.5 * x * (1 + t) with t = tanh(GELU_C * (x + GELU_A * x**3)).

    Work out its local derivative yourself: the product rule on 0.5 * x * (1 + t),
    and the chain rule through tanh (d tanh(u)/du = 1 - tanh(u)**2).
    Example: gelu(Value(1.0)) has data 0.841192, and after backward() x.grad is 1.082964.
    """
    # TODO: t, the output, the local derivative, then one new Value.
    raise NotImplementedError("gelu: compute the output and its local derivative")


def gradient_check(f: Callable[[Value], Value], x: float, h: float = 1e-5) -> float:
    """The relative error between backward()'s derivative of f at x and a central difference.

    Build Value(x), apply f, call backward() and read the gradient. Separately,
    estimate the slope as (f(x + h) - f(x - h)) / (2h) from f's outputs' .data.
    Return |analytic - numeric| / max(|analytic|, |numeric|), or 0.0 when both are 0.

    Example: for f = lambda v: v * v at x = 3, backward() says 6 and the central
    difference says 6 (to about 1e-11), so the result is below 1e-9.
    """
    # TODO: the analytic slope from backward(), the numeric one from two forward passes, their relative error.
    raise NotImplementedError("gradient_check: compare backward() with a central difference")
