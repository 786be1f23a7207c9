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

Fused here: softmax, log_softmax, cross_entropy, masked_softmax, gelu,
linear, layer_norm, scaled_dot_product_attention and
multi_head_self_attention. Left as compositions of
Tensor operations: dropout (a multiplication by a random mask) and
`attention`, the readable version of scaled_dot_product_attention (matmuls
around a masked softmax) that the tests check the fused one against. The
tests check every fused backward against numerical differences, the same way
the basic operations are checked.

Names and argument orders are PyTorch's (torch.nn.functional), so a model
written with these moves to PyTorch line for line.
"""

from __future__ import annotations

import numpy as np

from functools import lru_cache

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


def cross_entropy(
    logits: Tensor, targets: ArrayLike, reduction: str = "mean", ignore_index: int | None = None
) -> Tensor:
    """-log(softmax(logits)[target]), averaged (or summed) over examples.

    logits: shape (..., classes), raw scores. targets: integer class ids,
    shape (...). Positions whose target is `ignore_index` (the padding of a
    batch of sequences of different lengths) count for nothing: no loss, no
    gradient, and the mean is over the other positions only, as in PyTorch.
    One fused node: the gradient with respect to the logits is
    (softmax - one_hot(target)) / count, with no log of a tiny number anywhere.
    """
    logits = as_tensor(logits)
    targets = _class_ids(targets, logits.shape, ignore_index)
    classes = logits.shape[-1]
    log_probs = _log_softmax(logits.data, -1).reshape(-1, classes)
    rows = np.arange(len(log_probs))
    ids = targets.ravel()
    kept = ids != ignore_index if ignore_index is not None else np.ones(len(ids), dtype=bool)
    if not kept.any():
        raise ValueError(f"cross_entropy: every target is ignore_index={ignore_index}; there is nothing to average")
    rows, ids = rows[kept], ids[kept]
    picked = log_probs[rows, ids]
    if reduction == "mean":
        scale = 1.0 / len(picked)
    elif reduction == "sum":
        scale = 1.0
    else:
        raise ValueError(f"cross_entropy reduction must be 'mean' or 'sum', got {reduction!r}")
    loss = -picked.sum() * scale

    def backward(g: np.ndarray) -> np.ndarray:
        # d(-log softmax_t)/dx_j = softmax_j - [j == t]: the predicted probabilities,
        # minus one at the right answer. Ignored positions get no gradient at all.
        grad = np.exp(log_probs)
        grad[rows, ids] -= 1.0
        if not kept.all():
            grad[~kept] = 0.0
        grad *= g * scale
        return grad.reshape(logits.shape)

    return make_node(np.asarray(loss), "cross_entropy", (logits, backward))


def layer_norm(
    x: Tensor,
    normalized_shape: int | tuple[int, ...] | None = None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalize each vector along the last axis to mean 0 and variance 1, then scale and shift.

    out = (x - mean) / sqrt(var + eps) * weight + bias, with mean and var taken
    over the last axis (the variance divides by n, not n - 1). One node: the
    normalizing and the scale and shift share one backward formula.
    normalized_shape is there for PyTorch's argument order; only the last axis
    is normalized, so it must be that axis's length if given.
    """
    x = as_tensor(x)
    if isinstance(weight, (int, float)) or isinstance(normalized_shape, Tensor):
        raise TypeError("layer_norm(x, normalized_shape, weight, bias): weight comes third, as in PyTorch")
    if normalized_shape is not None and tuple(np.atleast_1d(normalized_shape)) != x.shape[-1:]:
        raise ValueError(f"layer_norm normalizes the last axis only; got normalized_shape={normalized_shape} for x of shape {x.shape}")
    n = x.shape[-1]
    # Means written as sum / n: np.mean does the same sum with more Python around it.
    centered = x.data - _sum_last(x.data) / n
    inv_std = 1.0 / np.sqrt(_sum_last(centered * centered) / n + eps)
    normalized = centered * inv_std
    out = normalized * weight.data if weight is not None else normalized.copy()
    if bias is not None:
        out += bias.data

    def grad_x(g: np.ndarray) -> np.ndarray:
        # Moving one input moves the mean and the variance too, which is where the
        # two subtracted averages come from:
        # dx = inv_std * (g - mean(g) - normalized * mean(g * normalized)), with g
        # first passed back through the scale.
        if weight is not None:
            g = g * weight.data
        # Worked out in place, in this order (the same bits as the one-line formula, two arrays fewer).
        dx = g - _sum_last(g) / n
        along = g * normalized
        np.multiply(normalized, _sum_last(along) / n, out=along)
        dx -= along
        dx *= inv_std
        return dx

    def grad_weight(g: np.ndarray) -> np.ndarray:
        return _sum_rows((g * normalized).reshape(-1, normalized.shape[-1]))

    def grad_bias(g: np.ndarray) -> np.ndarray:
        return _sum_rows(g.reshape(-1, g.shape[-1]))

    inputs = [(x, grad_x)]
    if weight is not None:
        inputs.append((weight, grad_weight))
    if bias is not None:
        inputs.append((bias, grad_bias))
    return make_node(out, "layer_norm", *inputs)


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
    return x * (keep * x.dtype.type(1.0 / (1.0 - p)))  # the mask in x's own precision


@lru_cache(maxsize=64)
def causal_mask(length: int) -> np.ndarray:
    """A (length, length) boolean array, True where position i may look at position j (j <= i).

    Built once per length and then reused (it is read-only).
    """
    mask = np.tril(np.ones((length, length), dtype=bool))
    mask.flags.writeable = False
    return mask


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


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    *,
    attn_mask: np.ndarray | None = None,
    rng: np.random.Generator | None = None,
    need_weights: bool = False,
) -> Tensor | tuple[Tensor, np.ndarray]:
    """`attention` as one node: softmax(q k^T / sqrt(d)) v, with its backward written out.

    query, key, value: (..., T, d). With is_causal a position attends only to
    itself and earlier ones; attn_mask, a boolean array broadcasting against
    (..., T, T), lets position i see position j where it is True (PyTorch's
    convention for a boolean mask). dropout_p > 0 drops attention weights at random
    (pass rng for a repeatable run). need_weights=True also returns the
    attention weights, an array (..., T, T) whose rows sum to 1 (before
    dropout), for a heatmap. The same numbers as `attention`, in one node
    instead of five, which matters in a model that calls it in every block.
    """
    out, weights, backward = _attention(query.data, key.data, value.data, dropout_p, is_causal, attn_mask, rng)
    # The three backward functions share one pass of `backward`, done once per backward().
    cache: dict[str, object] = {}

    def grads(g: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if cache.get("g") is not g:
            cache["g"], cache["grads"] = g, backward(g)
        return cache["grads"]

    node = make_node(
        out,
        "attention",
        (query, lambda g: grads(g)[0]),
        (key, lambda g: grads(g)[1]),
        (value, lambda g: grads(g)[2]),
    )
    return (node, weights) if need_weights else node


def multi_head_self_attention(
    qkv: Tensor,
    num_heads: int,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    *,
    attn_mask: np.ndarray | None = None,
    rng: np.random.Generator | None = None,
    need_weights: bool = False,
) -> Tensor | tuple[Tensor, np.ndarray]:
    """Self-attention with num_heads heads, from queries, keys and values side by side, as one node.

    qkv: (batch, time, 3 * embed), what one Linear makes from x (queries,
    keys, values in that order). Each of the three is cut into num_heads
    slices of embed / num_heads numbers, each head attends on its own
    (scaled_dot_product_attention's arithmetic), and the heads' outputs are
    put side by side again: (batch, time, embed). The same numbers as doing
    those steps with split, reshape, transpose and scaled_dot_product_attention;
    as one node, the gradient comes back as one (batch, time, 3 * embed) array
    instead of three zero-padded ones added up (that was a tenth of a GPT step).
    """
    a = qkv.data
    batch, time, three_embed = a.shape
    embed = three_embed // 3
    if three_embed % 3 or embed % num_heads:
        raise ValueError(f"multi_head_self_attention: last axis {three_embed} is not 3 x a multiple of {num_heads} heads")
    head_dim = embed // num_heads
    # (batch, time, 3, heads, head_dim); q, k and v are views (batch, heads, time, head_dim).
    split = a.reshape(batch, time, 3, num_heads, head_dim)
    q, k, v = (split[:, :, i].transpose(0, 2, 1, 3) for i in range(3))
    out, weights, backward = _attention(q, k, v, dropout_p, is_causal, attn_mask, rng)
    # heads side by side again
    merged = out.transpose(0, 2, 1, 3).reshape(batch, time, embed)

    def grad_qkv(g: np.ndarray) -> np.ndarray:
        dq, dk, dv = backward(g.reshape(batch, time, num_heads, head_dim).transpose(0, 2, 1, 3))
        full = np.empty((batch, time, 3, num_heads, head_dim), dtype=a.dtype)
        for i, d in enumerate((dq, dk, dv)):
            full[:, :, i] = d.transpose(0, 2, 1, 3)
        return full.reshape(a.shape)

    node = make_node(merged, "multi_head_attention", (qkv, grad_qkv))
    return (node, weights) if need_weights else node


def _attention(q, k, v, dropout_p, is_causal, attn_mask, rng):
    """softmax(q k^T / sqrt(d)) v on arrays: the output, the weights, and backward(g) -> (dq, dk, dv)."""
    scale = q.dtype.type(q.shape[-1] ** -0.5)
    scores = (q @ np.swapaxes(k, -1, -2)) * scale
    if is_causal:
        scores = np.where(causal_mask(scores.shape[-1]), scores, -np.inf)
    if attn_mask is not None:
        scores = np.where(attn_mask, scores, -np.inf)
    weights = _softmax(scores, -1)
    used, keep = weights, None
    if dropout_p > 0.0:
        rng = rng if rng is not None else np.random.default_rng()
        keep = (rng.random(weights.shape) >= dropout_p) * q.dtype.type(1.0 / (1.0 - dropout_p))
        used = weights * keep
    out = used @ v

    def backward(g: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Back through `used @ v`, the dropout mask, and the softmax
        # (s * (dL/ds - sum(dL/ds * s)), as in `softmax`), then the 1/sqrt(d).
        d_weights = g @ np.swapaxes(v, -1, -2)
        if keep is not None:
            d_weights = d_weights * keep
        d_scores = weights * (d_weights - _sum_last(d_weights * weights)) * scale
        # scores = q k^T, so dq = dscores k and dk = dscores^T q; out = used v, so dv = used^T g.
        return d_scores @ k, np.swapaxes(d_scores, -1, -2) @ q, np.swapaxes(used, -1, -2) @ g

    return out, weights, backward


def gelu(x: Tensor) -> Tensor:
    """The Gaussian error linear unit, in the tanh form GPT-2 uses.

    gelu(x) = x * Phi(x), Phi the standard normal's cumulative distribution,
    approximated as 0.5 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x**3))). Like
    ReLU for large |x|, but smooth, and slightly negative just left of 0.
    PyTorch's equivalent is F.gelu(x, approximate="tanh"); its default is the
    exact Phi, which needs an erf that NumPy does not have.
    """
    x = as_tensor(x)
    a = x.data
    c = a.dtype.type(np.sqrt(2.0 / np.pi))
    k = a.dtype.type(0.044715)
    square = a * a
    # (1 + tanh(u)) / 2 is sigmoid(2u): the same number, and one exp is about twice as fast as a tanh.
    # s = 1 / (1 + exp(-2c x (1 + k x**2))), worked out in place in two arrays: the
    # same operations in the same order as the one-line formula (so the same bits),
    # without its eight temporary arrays (this runs on the widest activations).
    u = k * square
    u += 1.0
    s = (-2.0 * c) * a
    s *= u
    with np.errstate(over="ignore"):  # exp overflows to inf for very negative x, and 1/(1+inf) = 0 is right
        np.exp(s, out=s)
    s += 1.0
    np.divide(1.0, s, out=s)
    out = a * s

    def backward(g: np.ndarray) -> np.ndarray:
        # The product rule on x * s, with ds/dx = 2 s (1 - s) * c * (1 + 3 * 0.044715 x**2):
        # g * (s + 2c x s (1 - s) (1 + 3k x**2)), in place, in the formula's order.
        slope = (2.0 * c) * a
        slope *= s
        slope *= 1.0 - s
        curve = (3.0 * k) * square
        curve += 1.0
        slope *= curve
        slope += s
        slope *= g
        return slope

    return make_node(out, "gelu", (x, backward))


def embedding(input: ArrayLike, weight: Tensor) -> Tensor:
    """Rows of `weight` (vocabulary, dim) picked by integer ids `input` of any shape: shape input.shape + (dim,).

    The argument order is PyTorch's: the ids first, then the table. The first
    edition's order, embedding(table, ids), is still understood: a Tensor of
    floats and integer ids cannot be mistaken for each other.
    """
    if isinstance(input, Tensor) and input.data.dtype.kind == "f" and not isinstance(weight, Tensor):
        input, weight = weight, input
    return weight.gather_rows(input)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """input @ weight.T + bias, with weight of shape (out_features, in_features) as in PyTorch.

    One node for the whole layer. The batch axes in front (a (batch, time,
    features) input, say) are folded into one for the weight's gradient, so it
    is one matrix product, not one per example added up afterwards.
    """
    x = as_tensor(input)
    a, w = x.data, weight.data
    if a.shape[-1] != w.shape[1]:
        raise ValueError(
            f"linear: input has {a.shape[-1]} features but weight is {w.shape} (out_features, in_features)"
        )
    # Rows are rows: (batch, time, in) is multiplied as one (batch * time, in) matrix,
    # one big matrix product instead of batch small ones.
    rows = a.reshape(-1, a.shape[-1])
    out = rows @ w.T
    if bias is not None:
        out += bias.data
    out = out.reshape(*a.shape[:-1], w.shape[0])

    def grad_input(g: np.ndarray) -> np.ndarray:
        # dL/dx = g W: each input feeds every output through its column of W.
        return (g.reshape(-1, g.shape[-1]) @ w).reshape(a.shape)

    def grad_weight(g: np.ndarray) -> np.ndarray:
        # dL/dW = g^T x, summed over every row of the batch.
        return g.reshape(-1, g.shape[-1]).T @ rows

    inputs = [(x, grad_input), (weight, grad_weight)]
    if bias is not None:
        inputs.append((bias, lambda g: _sum_rows(g.reshape(-1, g.shape[-1]))))
    return make_node(out, "linear", *inputs)


# ----------------------------------------------------------------------
# The NumPy arithmetic behind the nodes above.
# ----------------------------------------------------------------------


def _max(x: np.ndarray, axis: int) -> np.ndarray:
    """x.max(axis=axis, keepdims=True), the same numbers, faster along a short last axis.

    NumPy reduces a short last axis (16 attention positions, 27 classes) row
    by row, slowly: in float32, ten times slower than an exp of the same
    array. One elementwise np.maximum per column does the same job in whole
    arrays (a maximum is exact, so the result is bit for bit the same).
    """
    if axis not in (-1, x.ndim - 1) or not 1 < x.shape[-1] <= 64:
        return x.max(axis=axis, keepdims=True)
    top = x[..., 0].copy()
    for i in range(1, x.shape[-1]):
        np.maximum(top, x[..., i], out=top)
    return top[..., np.newaxis]


# Sums in float32, the precision a model trains in for speed, are products with a
# vector of ones: BLAS does them in a fraction of the time NumPy's reduction takes
# over a short last axis (64 features of a layer norm, 16 attention positions)
# or down a batch (a bias gradient). The additions come in another order, so the
# last bits differ. float64 keeps NumPy's sums, pairwise and so more accurate:
# it is the precision of gradient checks and of every float64 number the course
# quotes, which stay the same to the last bit.


def _sum_last(x: np.ndarray) -> np.ndarray:
    """x.sum(axis=-1, keepdims=True); in float32, x @ ones."""
    if x.dtype != np.float32:
        return x.sum(axis=-1, keepdims=True)
    return (x @ np.ones(x.shape[-1], dtype=x.dtype))[..., np.newaxis]


def _sum_rows(m: np.ndarray) -> np.ndarray:
    """m.sum(axis=0) of a 2-D array (a bias gradient: the sum over every row of a batch); in float32, ones @ m."""
    if m.dtype != np.float32:
        return m.sum(axis=0)
    return np.ones(m.shape[0], dtype=m.dtype) @ m


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    # Subtracting the maximum changes nothing mathematically (it cancels in the
    # ratio) but makes the largest exponent e**0 = 1: no overflow.
    e = x - _max(x, axis)
    np.exp(e, out=e)
    e /= _sum_last(e) if axis in (-1, x.ndim - 1) else e.sum(axis=axis, keepdims=True)
    return e


def _log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = x - _max(x, axis)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _class_ids(targets: ArrayLike, logits_shape: tuple[int, ...], ignore_index: int | None = None) -> np.ndarray:
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
    real = ids[ids != ignore_index] if ignore_index is not None else ids
    if real.size and (real.min() < 0 or real.max() >= classes):
        hint = "" if ignore_index is None else f" (or ignore_index={ignore_index})"
        raise ValueError(f"cross_entropy: class ids must be in 0..{classes - 1}{hint}, got {real.min()}..{real.max()}")
    return ids
