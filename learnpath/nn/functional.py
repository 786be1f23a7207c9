"""Neural-network functions on Tensors: softmax, cross-entropy, layer norm, dropout, attention.

Each of these could be written with the Tensor operations alone (exp, sum,
division, ...), and the gradient would come out right. Most are instead
written here as one "fused" node with a hand-derived backward function, for
three reasons:

- Stability. softmax(x) = e**x / sum(e**x) overflows at x = 1000. Subtracting
  the row's maximum first gives the same answer without overflow; doing it
  inside one node also keeps the backward pass free of huge or tiny
  intermediate numbers.
- Speed. A fused softmax is one node instead of five, with one backward
  formula instead of five temporary arrays.
- The formulas are worth reading. The backward of softmax, s * (g - sum(g*s)),
  or of cross-entropy, softmax - one_hot, is what a learner derives on paper.

Fused here: softmax, log_softmax, cross_entropy, masked_softmax and the
normalizing step of layer_norm. Left as compositions of Tensor operations,
since nothing is gained by fusing them: dropout (a multiplication by a random
mask), layer_norm's scale and shift, linear (x @ W + b) and attention
(matmuls around a masked softmax). The tests check every fused backward
against numerical differences, the same way the basic operations are checked.
"""

from __future__ import annotations

import numpy as np

from learnpath.nn.tensor import ArrayLike, Tensor, as_tensor, make_node


def softmax(x: Tensor, axis: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along `axis`: turns scores into probabilities that sum to 1."""
    x = as_tensor(x)
    s = _softmax(x.data, axis)

    def backward(g: np.ndarray) -> np.ndarray:
        # ds_i/dx_j = s_i * (delta_ij - s_j), so the gradient is s * (g - sum(g * s)).
        return s * (g - (g * s).sum(axis=axis, keepdims=True))

    return make_node(s, "softmax", (x, backward))


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    """log(softmax(x)) computed as x - max - log(sum(exp(x - max))): finite even at x = +-1000."""
    x = as_tensor(x)
    out = _log_softmax(x.data, axis)

    def backward(g: np.ndarray) -> np.ndarray:
        # d(x_i - logsumexp(x))/dx_j = delta_ij - softmax_j.
        return g - np.exp(out) * g.sum(axis=axis, keepdims=True)

    return make_node(out, "log_softmax", (x, backward))


def cross_entropy(logits: Tensor, targets: ArrayLike, reduction: str = "mean") -> Tensor:
    """-log(softmax(logits)[target]), averaged (or summed) over examples.

    logits: shape (..., classes), raw scores. targets: integer class ids,
    shape (...). One fused node: the gradient with respect to the logits is
    (softmax - one_hot(target)) / count, with no log of a tiny number anywhere.
    """
    logits = as_tensor(logits)
    targets = _class_ids(targets, logits.shape)
    log_probs = _log_softmax(logits.data, -1)
    picked = np.take_along_axis(log_probs, targets[..., np.newaxis], axis=-1)[..., 0]
    if reduction == "mean":
        scale = 1.0 / max(1, picked.size)
    elif reduction == "sum":
        scale = 1.0
    else:
        raise ValueError(f"cross_entropy reduction must be 'mean' or 'sum', got {reduction!r}")
    loss = -picked.sum() * scale

    def backward(g: np.ndarray) -> np.ndarray:
        # d(-log softmax_t)/dx_j = softmax_j - [j == t]: the predicted probabilities,
        # minus one at the right answer.
        grad = np.exp(log_probs).reshape(-1, log_probs.shape[-1])
        grad[np.arange(len(grad)), targets.ravel()] -= 1.0
        return grad.reshape(log_probs.shape) * (g * scale)

    return make_node(np.asarray(loss), "cross_entropy", (logits, backward))


def layer_norm(x: Tensor, weight: Tensor | None = None, bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalize each vector along the last axis to mean 0 and variance 1, then scale and shift.

    The normalization is one fused node; `* weight + bias` are ordinary
    broadcasting operations, so their gradients come from tensor.py.
    """
    x = as_tensor(x)
    centered = x.data - x.data.mean(axis=-1, keepdims=True)
    inv_std = 1.0 / np.sqrt((centered * centered).mean(axis=-1, keepdims=True) + eps)
    normalized = centered * inv_std

    def backward(g: np.ndarray) -> np.ndarray:
        # Moving one input moves the mean and the variance too, which is where the
        # two subtracted averages come from:
        # dx = inv_std * (g - mean(g) - normalized * mean(g * normalized)).
        return inv_std * (
            g - g.mean(axis=-1, keepdims=True) - normalized * (g * normalized).mean(axis=-1, keepdims=True)
        )

    out = make_node(normalized, "layer_norm", (x, backward))
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def dropout(x: Tensor, p: float, rng: np.random.Generator, training: bool = True) -> Tensor:
    """Zero each element with probability p and scale the survivors by 1/(1-p); identity in eval.

    Scaling keeps the expected value of every element unchanged, so nothing
    needs rescaling at evaluation time. Pass a seeded np.random.default_rng
    to make a run repeatable.
    """
    x = as_tensor(x)
    if not 0.0 <= p < 1.0:
        raise ValueError(f"dropout probability must be in [0, 1), got {p!r}")
    if not training or p == 0.0:
        return x
    keep = rng.random(x.shape) >= p
    return x * (keep / (1.0 - p))


def causal_mask(length: int) -> np.ndarray:
    """A (length, length) boolean array, True where position i may look at position j (j <= i)."""
    return np.tril(np.ones((length, length), dtype=bool))


def masked_softmax(x: Tensor, mask: np.ndarray, axis: int = -1) -> Tensor:
    """softmax over the positions where `mask` is True; the others get probability exactly 0.

    This is what causal self-attention uses: with mask = causal_mask(T), a
    token's attention never reaches a later token. `mask` broadcasts against
    x; every row must keep at least one position.
    """
    x = as_tensor(x)
    mask = np.broadcast_to(np.asarray(mask, dtype=bool), x.shape)
    if not mask.any(axis=axis).all():
        raise ValueError("masked_softmax: a row has every position masked out; keep at least one per row")
    s = _softmax(np.where(mask, x.data, -np.inf), axis)

    def backward(g: np.ndarray) -> np.ndarray:
        # The softmax formula again; masked positions have s = 0, so they get no gradient.
        return s * (g - (g * s).sum(axis=axis, keepdims=True))

    return make_node(s, "masked_softmax", (x, backward))


def attention(query: Tensor, key: Tensor, value: Tensor, causal: bool = True) -> Tensor:
    """Scaled dot-product attention: softmax(q k^T / sqrt(d)) v over the last two axes.

    query, key, value: (..., T, d). Each position's output is an average of the
    value vectors, weighted by how well its query matches each key. With
    causal=True a position attends only to itself and earlier positions.
    Built from matmul, transpose and masked_softmax, so its gradient needs no
    code of its own.
    """
    keys_swapped = key.transpose(*range(key.ndim - 2), -1, -2)  # (..., d, T): the last two axes swapped
    # Dividing by sqrt(d) keeps the scores near unit size whatever d is, so the
    # softmax does not saturate into a one-hot with vanishing gradients.
    scores = (query @ keys_swapped) * (query.shape[-1] ** -0.5)
    length = scores.shape[-1]
    mask = causal_mask(length) if causal else np.ones((length, length), dtype=bool)
    return masked_softmax(scores, mask) @ value


def embedding(table: Tensor, ids: ArrayLike) -> Tensor:
    """Rows of `table` (vocabulary, dim) picked by integer `ids` of any shape: shape ids.shape + (dim,)."""
    return table.gather_rows(ids)


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x @ weight + bias: a fully connected layer with weight of shape (inputs, outputs)."""
    out = as_tensor(x) @ weight
    return out + bias if bias is not None else out


# ----------------------------------------------------------------------
# The NumPy arithmetic behind the nodes above.
# ----------------------------------------------------------------------


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    # Subtracting the maximum changes nothing mathematically (it cancels in the
    # ratio) but makes the largest exponent e**0 = 1: no overflow.
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _class_ids(targets: ArrayLike, logits_shape: tuple[int, ...]) -> np.ndarray:
    ids = np.asarray(targets.data if isinstance(targets, Tensor) else targets)
    if ids.dtype.kind not in "iu":
        if ids.dtype.kind == "f" and np.all(ids == np.round(ids)):
            ids = ids.astype(np.int64)
        else:
            raise TypeError(f"cross_entropy needs integer class ids as targets, got dtype {ids.dtype}")
    if ids.shape != logits_shape[:-1]:
        raise ValueError(
            f"cross_entropy: targets have shape {ids.shape} but logits {logits_shape} need {logits_shape[:-1]} "
            "(one class id per row of logits)"
        )
    classes = logits_shape[-1]
    if ids.size and (ids.min() < 0 or ids.max() >= classes):
        raise ValueError(f"cross_entropy: class ids must be in 0..{classes - 1}, got {ids.min()}..{ids.max()}")
    return ids
