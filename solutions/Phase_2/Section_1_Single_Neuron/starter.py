"""Section 2.1 exercise: write a neuron's forward pass, and find the line it draws.

Two tasks. Fill in each function where it says TODO, then run
    learnpath exercise 2.1
to check your work. Each check compares your code with the library on fixed
cases and on many generated ones, and tells you the inputs where they differ.
"""

from __future__ import annotations

from learnpath.nn import Value


def neuron_forward(weights: list[Value], bias: Value, inputs: list[float]) -> Value:
    """sigmoid(bias + w1*x1 + w2*x2 + ...), built from Value operations.

    Use Value arithmetic (+, *) and Value.sigmoid(), so that backward() can
    reach every weight and the bias afterwards.

    Example: weights [Value(2.0), Value(1.0), Value(-4.0)], bias Value(-1.0),
    inputs [1, 1, 0]: the sum is -1 + 2 + 1 + 0 = 2, and sigmoid(2) = 0.8808.
    """
    # TODO: the weighted sum plus the bias, then the activation.
    raise NotImplementedError("neuron_forward: write the weighted sum, the bias and the sigmoid")


def decision_line(w1: float, w2: float, b: float) -> tuple[float, float]:
    """The neuron's decision line w1*x1 + w2*x2 + b = 0, as (slope, intercept) of x2 = slope*x1 + intercept.

    Points on this line get a sum of exactly 0, so sigmoid says 0.5 there.
    Assume w2 is not 0 (otherwise the line is vertical and has no slope).

    Example: w1 = 1, w2 = 1, b = -1.5 (an AND neuron): x2 = -1*x1 + 1.5,
    so the answer is (-1.0, 1.5).
    """
    # TODO: solve w1*x1 + w2*x2 + b = 0 for x2.
    raise NotImplementedError("decision_line: solve w1*x1 + w2*x2 + b = 0 for x2")
