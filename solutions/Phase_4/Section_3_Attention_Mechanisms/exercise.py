"""Section 4.3 exercise, reference solution: scaled dot-product attention with a causal mask.

Two tasks. Each function below raises NotImplementedError until you write it.
Check your work with:  learnpath exercise 4.3
Ask for a hint with:   learnpath hint 4.3 TASK_ID   (task ids: scores, causal-attention)

q, k and v are Tensors of shape (..., T, d): any number of leading batch (and
head) axes, then T positions, then d numbers per position. Use Tensor
operations (@, *, +, F.softmax, ...) so that backward() reaches q, k and v;
the checks compare your gradients with measured slopes.
"""

from __future__ import annotations

import numpy as np

from learnpath.nn import Tensor
from learnpath.nn import functional as F


def last_two_swapped(t: Tensor) -> Tensor:
    """t with its last two axes swapped: (..., T, d) -> (..., d, T). Given, not a task."""
    return t.transpose(*range(t.ndim - 2), t.ndim - 1, t.ndim - 2)


def attention_scores(q: Tensor, k: Tensor) -> Tensor:
    """How well each query matches each key: q k^T / sqrt(d), shape (..., T, T).

    Entry [i, j] is the dot product of query i with key j, divided by the square
    root of d, the length of each vector, so that the scores stay near unit size
    however long the vectors are.

    Example: q = [[1, 0], [0, 2]] and k = [[1, 1], [0, 1]] (T = 2, d = 2) give
    [[1, 0], [2, 2]] / sqrt(2) = [[0.7071, 0], [1.4142, 1.4142]].
    """
    d = q.shape[-1]
    return (q @ last_two_swapped(k)) * (1.0 / np.sqrt(d))


def causal_attention(q: Tensor, k: Tensor, v: Tensor) -> Tensor:
    """Each position's output: the values of itself and earlier positions, weighted by softmax of the scores.

    Position i may look at positions j <= i only: before the softmax, every
    score with j > i becomes minus infinity, so its weight is exactly 0 and
    each row of weights still sums to 1. The output is weights @ v, (..., T, d).

    Example: with q = k = [[0], [0]] (all scores 0) and v = [[1], [3]], position
    0 sees only itself and gives 1; position 1 weighs both equally and gives 2.
    """
    scores = attention_scores(q, k)
    T = scores.shape[-1]
    allowed = np.tril(np.ones((T, T), dtype=bool))  # row i: True for columns j <= i
    weights = F.masked_softmax(scores, allowed, axis=-1)
    return weights @ v
