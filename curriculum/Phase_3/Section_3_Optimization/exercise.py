"""Section 3.3 exercise: the momentum and Adam update rules.

Two tasks, each one step of an optimizer for one parameter array. Run
`learnpath exercise 3.3`: the checks feed your functions the same gradients as
the library's SGD(momentum=...) and Adam and compare every step.

    momentum-step   velocity = mu * velocity + grad; param -= lr * velocity
    adam-step       running averages of grad and grad**2, bias-corrected

The functions return new arrays; they do not change their arguments.
"""

from __future__ import annotations

import numpy as np


def momentum_step(
    param: np.ndarray, grad: np.ndarray, velocity: np.ndarray, lr: float, mu: float
) -> tuple[np.ndarray, np.ndarray]:
    """One step of gradient descent with momentum: return (new_param, new_velocity).

    The velocity is a running sum of gradients in which older ones count less:
    each step multiplies it by mu (0 <= mu < 1) and adds the new gradient. The
    parameter then moves by lr times the velocity, downhill.

    Example: param [1.0], grad [2.0], velocity [0.5], lr 0.1, mu 0.9:
    velocity becomes 0.9 * 0.5 + 2.0 = 2.45, param becomes 1.0 - 0.1 * 2.45 = 0.755.
    """
    # TODO: two lines.
    raise NotImplementedError("momentum_step: update the velocity, then the parameter")


def adam_step(
    param: np.ndarray,
    grad: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    t: int,
    lr: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One step of Adam: return (new_param, new_m, new_v).

    t is the number of this step, counting from 1. With g the gradient:
        m = beta1 * m + (1 - beta1) * g            running mean of g
        v = beta2 * v + (1 - beta2) * g**2         running mean of g**2
        m_hat = m / (1 - beta1**t)                 undo the pull towards m's zero start
        v_hat = v / (1 - beta2**t)
        param = param - lr * m_hat / (sqrt(v_hat) + eps)
    Return the new m and v, not m_hat and v_hat: the next step continues from them.

    Example, the first step (t = 1, m = v = 0) with grad [4.0] and lr 0.1:
    m = 0.4, v = 0.016, m_hat = 4.0, v_hat = 16.0, so the step is 0.1 * 4 / 4 = 0.1
    (for any gradient much larger than eps, Adam's first step is almost exactly lr).
    """
    # TODO: five lines, one per formula.
    raise NotImplementedError("adam_step: update m and v, correct them, move the parameter")
