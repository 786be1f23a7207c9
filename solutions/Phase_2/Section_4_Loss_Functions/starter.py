"""Section 2.4 exercise: softmax cross-entropy and its gradient, safe for any logits.

A classifier gives one score (a logit) per class. Softmax turns them into
probabilities; the cross-entropy of the right class is -ln(its probability).
Its gradient with respect to the logits is famously simple: softmax minus the
one-hot vector of the right class.

Two tasks, on plain lists of floats (no Value). Fill in each function where it
says TODO, then run
    learnpath exercise 2.4
The checks compare your numbers with learnpath.nn's cross_entropy and its
backward(), with central differences, and at logits as large as 1000.
"""

from __future__ import annotations

import math


def softmax(logits: list[float]) -> list[float]:
    """e**z_i / sum_j e**z_j for every i: positive numbers that add up to 1.

    Must not overflow: math.exp(1000) raises OverflowError. Subtracting the
    largest logit from every logit first changes nothing in the result
    (the common factor cancels) and keeps every exponent at most 0.

    Example: softmax([2.0, 1.0, -1.0]) is [0.7054, 0.2595, 0.0351] (rounded).
    """
    # TODO: probabilities that sum to 1 and stay finite for logits of 1000.
    raise NotImplementedError("softmax is not written yet")


def cross_entropy_and_grad(logits: list[float], target: int) -> tuple[float, list[float]]:
    """The loss -ln softmax(logits)[target], and its gradient with respect to each logit.

    The loss equals ln(sum_j e**z_j) - z_target; compute it in a form that is
    finite for logits like [1000, 0, -1000] (softmax may give exactly 0 there,
    and ln 0 is not a number). The gradient is softmax(logits) minus 1 at the target.

    Example: logits [2.0, 1.0, -1.0], target 0: the loss is 0.3490 and the
    gradient is [-0.2946, 0.2595, 0.0351] (rounded).
    """
    # TODO: the loss for the target, finite for logits of 1000; then its gradient.
    raise NotImplementedError("cross_entropy_and_grad is not written yet")
