"""Section 4.3 exercise: causal multi-head attention, written by you.

Six tasks. Each function below raises NotImplementedError until you write it.
Check your work with:  learnpath exercise 4.3
Ask for a hint with:   learnpath hint 4.3 TASK_ID
  (task ids: scores, mask-future, softmax, attention, split-heads, merge-heads)

When every task passes, `learnpath run 4.3 --mine` trains the experiment's
reversing transformer with your attention in every block instead of the
library's, and draws where your attention looks.

q, k and v are Tensors of shape (..., T, d): any number of leading axes (the
batch, then the heads), then T positions, then d numbers per position. Use
Tensor operations (@, *, +, -, /, .exp(), .sum(), .reshape(), .transpose())
so that backward() reaches q, k and v: the checks compare your gradients
with measured slopes. Keep the precision you are given: a float32 model
must stay float32, so an array you build to combine with a Tensor should
have that Tensor's dtype.
"""

from __future__ import annotations

import numpy as np

from learnpath.nn import Tensor


def last_two_swapped(t: Tensor) -> Tensor:
    """t with its last two axes swapped: (..., T, d) -> (..., d, T). Given, not a task."""
    return t.transpose(*range(t.ndim - 2), t.ndim - 1, t.ndim - 2)


def attention_scores(q: Tensor, k: Tensor) -> Tensor:
    """How well each query matches each key: shape (..., T, T).

    Entry [i, j] is the dot product of query i with key j, divided by the
    square root of d, the length of each vector, so that the scores stay near
    unit size however long the vectors are.

    Example: q = [[1, 0], [0, 2]] and k = [[1, 1], [0, 1]] (T = 2, d = 2):
    the dot products are [[1, 0], [2, 2]], and the scores are those divided by
    1.4142, [[0.7071, 0], [1.4142, 1.4142]].
    """
    # TODO: every query against every key, then the scale from the docstring.
    raise NotImplementedError("attention_scores is not written yet")


def mask_future(scores: Tensor) -> Tensor:
    """The scores with every entry above the diagonal (column j > row i) set to minus infinity.

    Row i holds query i's scores against keys 0..T-1; position i may look at
    positions 0..i only, so the rest become -inf (after the softmax: weight
    exactly 0). The entries on and below the diagonal are unchanged, and the
    gradient must still reach them. Works for any leading axes; leaves the
    caller's scores unchanged; keeps their dtype.

    Example: [[1, 2, 3], [4, 5, 6], [7, 8, 9]] becomes
    [[1, -inf, -inf], [4, 5, -inf], [7, 8, 9]].
    """
    # TODO: the same scores with -inf above the diagonal, as a Tensor the gradient
    # still flows through to the scores that stay.
    raise NotImplementedError("mask_future is not written yet")


def softmax_rows(scores: Tensor) -> Tensor:
    """The softmax along the last axis: each row becomes positive weights that sum to 1.

    Weight j of a row is e**(s_j) / (the sum of e**(s_m) over the row). It
    must stay finite for scores of 1000 (e**1000 overflows), and a score of
    -inf gets weight exactly 0, as long as its row has a finite score too.

    Examples: [0, ln 3] gives [0.25, 0.75]; [1000, 1000] gives [0.5, 0.5];
    [2, -inf] gives [1, 0].
    """
    # TODO: weights that sum to 1 along each row, finite for scores of 1000,
    # exactly 0 where a score is -inf.
    raise NotImplementedError("softmax_rows is not written yet")


def causal_attention(q: Tensor, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor]:
    """Causal attention: (output, weights), of shapes (..., T, d) and (..., T, T).

    The weights are the softmax of the masked scores (tasks scores,
    mask-future and softmax); row i of the output is the average of the value
    rows weighted by row i of the weights.

    Example: with q = k = [[0], [0]] (every score 0) and v = [[1], [3]], the
    weights are [[1, 0], [0.5, 0.5]]: position 0 sees only itself and outputs
    1; position 1 weighs both equally and outputs 2.
    """
    # TODO: tasks scores, mask-future and softmax in turn, then weigh the values.
    raise NotImplementedError("causal_attention is not written yet")


def split_heads(x: Tensor, n_head: int) -> Tensor:
    """(B, T, C) -> (B, n_head, T, C // n_head): each head's slice of every position, as its own batch.

    Head h gets numbers h*D to h*D + D - 1 of every position's vector, where
    D = C // n_head, and out[b, h] is the (T, D) matrix of those slices.

    Example: x = [[[0, 1, 2, 3], [4, 5, 6, 7]]] (B = 1, T = 2, C = 4) with
    2 heads gives head 0 = [[0, 1], [4, 5]] and head 1 = [[2, 3], [6, 7]].
    """
    # TODO: out[b, h] is head h's slice of every position of x[b].
    raise NotImplementedError("split_heads is not written yet")


def merge_heads(x: Tensor) -> Tensor:
    """(B, n_head, T, D) -> (B, T, n_head * D): the heads' outputs side by side again, split_heads undone.

    Position t's vector is head 0's row t, then head 1's row t, and so on.

    Example: head 0 = [[0, 1], [4, 5]] and head 1 = [[2, 3], [6, 7]] (B = 1)
    give [[[0, 1, 2, 3], [4, 5, 6, 7]]].
    """
    # TODO: the inverse of split_heads: position t holds every head's row t, head 0 first.
    raise NotImplementedError("merge_heads is not written yet")


def multi_head_attention(layer, x: Tensor) -> Tensor:
    """The library's MultiHeadAttention layer (causal), computed with your functions. Given, not a task.

    `layer.in_proj` makes every position's query, key and value at once;
    your functions split them into heads, attend, and merge the heads;
    `layer.out_proj` mixes the heads. `learnpath run 4.3 --mine` puts this in
    place of the layer's own forward pass in every block of the experiment's
    model, and the weights are kept for its heatmap.
    """
    batch, time, width = x.shape
    q, k, v = layer.in_proj(x).split(width, axis=-1)
    q, k, v = (split_heads(t, layer.num_heads) for t in (q, k, v))
    out, weights = causal_attention(q, k, v)
    layer.attention_weights = weights.data
    return layer.out_proj(merge_heads(out))
