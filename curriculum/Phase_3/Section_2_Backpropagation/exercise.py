"""Section 3.2 exercise: the backward pass of a two-layer network, in matrix form.

The network, for a batch X of n rows:
    Z1 = X @ W1 + b1        H = sigmoid(Z1)        (n, hidden)
    Z2 = H @ W2 + b2        P = sigmoid(Z2)        (n, 1)
    loss = mean((P - Y) ** 2)                      over all n rows

A "delta" is the gradient of the loss with respect to a layer's
pre-activation Z, one number per example and unit. Three tasks, one per
line of the delta rule; run `learnpath exercise 3.2` to check them against the
Tensor engine and central differences.

    output-delta    delta2 = dloss/dZ2
    hidden-delta    delta1 = dloss/dZ1, from delta2
    weight-grads    dloss/dW1, db1, dW2, db2, from the deltas

Everything is a NumPy array; no loops over examples are needed.
"""

from __future__ import annotations

import numpy as np


def output_delta(P: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """dloss/dZ2, shape (n, 1), for loss = mean((P - Y)**2) and P = sigmoid(Z2).

    Two factors per entry: d(loss)/dP for the mean of n squares, and the
    slope of the sigmoid, P * (1 - P).

    Example: P = [[0.5]], Y = [[1.0]] (n = 1) gives 2 * (0.5 - 1) * 0.25 = [[-0.25]].
    """
    # TODO: one line of NumPy.
    raise NotImplementedError("output_delta: write dloss/dZ2")


def hidden_delta(delta2: np.ndarray, W2: np.ndarray, H: np.ndarray) -> np.ndarray:
    """dloss/dZ1, shape (n, hidden), from the delta of the layer above.

    Send delta2 back through the weights W2, then through the slope of the
    hidden sigmoid, H * (1 - H). This section's network has one output, but
    the rule holds for any number k of them: delta2 is (n, k), W2 is
    (hidden, k), and every hidden unit collects blame from every output it
    feeds. The checks try k = 1, 2 and 3.

    Example: delta2 = [[-0.25]], W2 = [[2.0], [-1.0]], H = [[0.5, 0.5]]
    gives [[-0.25 * 2 * 0.25, -0.25 * -1 * 0.25]] = [[-0.125, 0.0625]].
    """
    # TODO: one line of NumPy.
    raise NotImplementedError("hidden_delta: write dloss/dZ1")


def weight_gradients(X: np.ndarray, H: np.ndarray, delta1: np.ndarray, delta2: np.ndarray) -> dict[str, np.ndarray]:
    """The gradients of the loss, shaped like the weights: {"W1", "b1", "W2", "b2"}.

    Each gradient has the shape of its weight. Entry [i, j] of a weight
    matrix's gradient adds up, over the examples, input i of that layer times
    the delta of unit j; a bias is added to every row, so each example's delta
    reaches it once. As in hidden_delta, delta2 may have several columns, one
    per output.

    Example: X = [[1.0, 2.0]], H = [[0.5, 0.5]], delta1 = [[-0.125, 0.0625]],
    delta2 = [[-0.25]] give W1 = [[-0.125, 0.0625], [-0.25, 0.125]],
    b1 = [-0.125, 0.0625], W2 = [[-0.125], [-0.125]], b2 = [-0.25].
    """
    # TODO: four lines, one per gradient.
    raise NotImplementedError("weight_gradients: write the four gradients")
