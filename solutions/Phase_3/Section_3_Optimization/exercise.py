"""Section 3.3 exercise: the momentum and Adam update rules.

Two tasks, each one step of an optimizer for one parameter array. Run
`learnpath exercise 3.3`: the checks feed your functions the same gradients as
the library's SGD(momentum=...) and Adam and compare every step.

    momentum-step   one step of gradient descent with momentum
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
    velocity = mu * velocity + grad
    return param - lr * velocity, velocity


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

    What must hold, entry by entry:
    - m and v are running averages of the gradient and of its square that
      started at zero: each step keeps the share beta1 (beta2) of the old
      value and gives the rest to the new gradient (its square).
    - t is the number of this step, counting from 1. Because m and v started
      at zero they are too small early on; the step uses them corrected, so
      that a gradient that has been the same g since step 1 gives a corrected
      m of exactly g and a corrected v of exactly g**2, at every t.
    - The parameter moves downhill by lr times the corrected m over the
      square root of the corrected v, with eps added to that root (not under
      it): so a steady gradient moves it by almost exactly lr per step,
      whether the gradient is 100 or 0.01.
    - Return the new m and v uncorrected: the next step continues from them.

    Example, param [1.0], m = v = [0.0], lr 0.1. Step t = 1 with grad [4.0]:
    new m [0.4], new v [0.016], corrected 4.0 and 16.0, new param [0.9].
    Then step t = 2 from there with grad [2.0]: new m [0.56], new v
    [0.019984], corrected about 2.947 and 9.997, new param about [0.806782].
    """
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad**2
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
