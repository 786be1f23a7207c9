"""Section 2.2 exercise: one step of gradient descent for a line, by hand.

The model is y = w*x + b and the loss is the mean squared error over the data:

    MSE(w, b) = (1/n) * sum over i of (w*x_i + b - y_i)**2

Two tasks. Fill in each function where it says TODO, then run
    learnpath exercise 2.2
The checks compare your numbers with the gradients learnpath.nn's backward()
computes for the same loss, and with central differences.
"""

from __future__ import annotations


def mse_gradients(w: float, b: float, xs: list[float], ys: list[float]) -> tuple[float, float]:
    """dMSE/dw and dMSE/db for y = w*x + b, worked out by hand (plain floats, no Value).

    Example: w = 1, b = 0, xs = [1, 2], ys = [2, 2]. The errors w*x + b - y are
    -1 and 0, so dMSE/dw = (2/2) * (-1*1 + 0*2) = -1 and dMSE/db = (2/2) * (-1 + 0) = -1.
    """
    # TODO: differentiate (w*x + b - y)**2 with respect to w and to b, and average over the data.
    raise NotImplementedError("mse_gradients: write dMSE/dw and dMSE/db")


def gradient_step(w: float, b: float, xs: list[float], ys: list[float], lr: float) -> tuple[float, float]:
    """One step of gradient descent: the new (w, b) after moving each against its gradient by lr.

    Use your mse_gradients. Example: w = 1, b = 0, xs = [1, 2], ys = [2, 2], lr = 0.1.
    The gradients are (-1, -1), so the new values are (1.1, 0.1).
    """
    # TODO: one step downhill for both parameters.
    raise NotImplementedError("gradient_step: move w and b against their gradients")
