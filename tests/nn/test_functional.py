"""learnpath.nn.functional: values match their definitions, fused backwards match numerical gradients, extremes stay finite."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_tensor_gradcheck import assert_gradients_match

from learnpath.nn import functional as F
from learnpath.nn.tensor import Tensor

few = settings(max_examples=25, deadline=None)
moderate = st.floats(-3.0, 3.0, allow_nan=False)
shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


def arrays_of(shape, elements=moderate):
    return hnp.arrays(np.float64, shape, elements=elements)


def reference_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    # The textbook formula, in extended precision so it cannot overflow on moderate inputs.
    e = np.exp(x.astype(np.longdouble))
    return (e / e.sum(axis=axis, keepdims=True)).astype(np.float64)


@few
@given(arrays_of(shapes), st.data())
def test_softmax_matches_definition_and_gradient(x, data):
    """softmax along any axis equals exp(x)/sum(exp(x)), and its fused backward matches numerical differences."""
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    np.testing.assert_allclose(F.softmax(Tensor(x), axis=axis).data, reference_softmax(x, axis), rtol=1e-12)
    assert_gradients_match(lambda t: F.softmax(t, axis=axis), x)


@few
@given(arrays_of(shapes), st.data())
def test_log_softmax_matches_definition_and_gradient(x, data):
    """log_softmax equals log(softmax), and its fused backward matches numerical differences."""
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    np.testing.assert_allclose(F.log_softmax(Tensor(x), axis=axis).data, np.log(reference_softmax(x, axis)), atol=1e-12)
    assert_gradients_match(lambda t: F.log_softmax(t, axis=axis), x)


@st.composite
def logits_and_targets(draw):
    leading = draw(st.sampled_from([(1,), (4,), (2, 3)]))
    classes = draw(st.integers(2, 5))
    logits = draw(arrays_of((*leading, classes)))
    targets = np.array(draw(st.lists(st.integers(0, classes - 1), min_size=int(np.prod(leading)), max_size=int(np.prod(leading))))).reshape(leading)
    return logits, targets


@few
@given(logits_and_targets(), st.sampled_from(["mean", "sum"]))
def test_cross_entropy_matches_definition_and_gradient(case, reduction):
    """cross_entropy = mean (or sum) of -log softmax[target], for (N, C) and (B, T, C) logits; gradient checks."""
    logits, targets = case
    picked = np.take_along_axis(np.log(reference_softmax(logits, -1)), targets[..., None], -1)
    expected = -picked.mean() if reduction == "mean" else -picked.sum()
    np.testing.assert_allclose(F.cross_entropy(Tensor(logits), targets, reduction).item(), expected, rtol=1e-12)
    assert_gradients_match(lambda t: F.cross_entropy(t, targets, reduction), logits)


def test_softmax_family_is_stable_at_plus_minus_1000():
    """At logits of +-1000 softmax, log_softmax and cross_entropy are finite and right, and so are their gradients."""
    x = np.array([[1000.0, -1000.0, 0.0], [1000.0, 1000.0, -1000.0], [-1000.0, -1000.0, -1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = F.softmax(Tensor(x)).data
        log_s = F.log_softmax(Tensor(x)).data
        loss = F.cross_entropy(Tensor(x), np.array([1, 0, 2]))
    np.testing.assert_allclose(s, [[1, 0, 0], [0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3]], atol=1e-300)
    np.testing.assert_allclose(log_s[0], [0.0, -2000.0, -1000.0])
    np.testing.assert_allclose(log_s[1, :2], [-np.log(2), -np.log(2)])
    # Row 0 picks the -1000 logit: loss 2000. Row 1: log 2. Row 2: log 3.
    np.testing.assert_allclose(loss.item(), (2000.0 + np.log(2) + np.log(3)) / 3)
    t = Tensor(x)
    F.cross_entropy(t, np.array([1, 0, 2])).backward()
    assert np.all(np.isfinite(t.grad))
    np.testing.assert_allclose(t.grad[0], np.array([1.0, -1.0, 0.0]) / 3, atol=1e-15)


def test_cross_entropy_refuses_bad_targets():
    """Targets of the wrong shape, out of range, or fractional are refused with messages saying so."""
    logits = Tensor(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="one class id per row"):
        F.cross_entropy(logits, np.array([0, 1]))
    with pytest.raises(ValueError, match="0..3"):
        F.cross_entropy(logits, np.array([0, 1, 4]))
    with pytest.raises(TypeError, match="integer class ids"):
        F.cross_entropy(logits, np.array([0.5, 1.0, 2.0]))


@few
@given(arrays_of(st.sampled_from([(3, 4), (2, 2, 5), (6,)])), st.booleans())
def test_layer_norm_matches_definition_and_gradient(x, affine):
    """layer_norm gives mean 0 / variance 1 rows (then scale and shift), and all three gradients check."""
    width = x.shape[-1]
    x = x + np.linspace(0.0, 1.0, width)  # rows of equal entries have no spread to normalize
    weight = np.linspace(0.5, 1.5, width)
    bias = np.linspace(-1.0, 1.0, width)
    expected = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
    if affine:
        np.testing.assert_allclose(F.layer_norm(Tensor(x), weight=Tensor(weight), bias=Tensor(bias)).data, expected * weight + bias, atol=1e-12)
        assert_gradients_match(lambda t, w, b: F.layer_norm(t, x.shape[-1], w, b), x, weight, bias)
    else:
        np.testing.assert_allclose(F.layer_norm(Tensor(x)).data, expected, atol=1e-12)
        assert_gradients_match(lambda t: F.layer_norm(t), x)


def test_dropout_is_seeded_scaled_and_off_in_eval():
    """dropout zeroes about p of the entries, scales the rest by 1/(1-p), repeats with the same seed, and is the identity in eval."""
    x = Tensor(np.ones((200, 50)))
    a = F.dropout(x, 0.3, np.random.default_rng(0))
    b = F.dropout(x, 0.3, np.random.default_rng(0))
    np.testing.assert_array_equal(a.data, b.data)
    kept = a.data != 0
    assert abs(1 - kept.mean() - 0.3) < 0.02
    np.testing.assert_allclose(a.data[kept], 1 / 0.7)
    assert abs(a.data.mean() - 1.0) < 0.03  # the expected value is unchanged
    a.sum().backward()
    np.testing.assert_allclose(x.grad, a.data)  # gradient = the same mask and scale
    assert F.dropout(x, 0.3, np.random.default_rng(0), training=False) is x
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        F.dropout(x, 1.0, np.random.default_rng(0))


def test_causal_mask_lets_each_position_see_only_the_past():
    """causal_mask(4) is lower triangular: position i sees positions 0..i."""
    np.testing.assert_array_equal(F.causal_mask(4).astype(int), np.tril(np.ones((4, 4), dtype=int)))


@few
@given(arrays_of(st.sampled_from([(3, 3), (2, 4, 4), (2, 2, 3, 3)])))
def test_masked_softmax_causal_values_and_gradient(x):
    """With a causal mask, future positions get probability exactly 0, rows sum to 1, and the gradient checks."""
    mask = F.causal_mask(x.shape[-1])
    s = F.masked_softmax(Tensor(x), mask).data
    assert np.all(s[..., ~mask] == 0.0)
    np.testing.assert_allclose(s.sum(-1), 1.0)
    np.testing.assert_allclose(s[..., 0, 0], 1.0)  # the first position can only look at itself
    last = x[..., -1, :]
    np.testing.assert_allclose(s[..., -1, :], reference_softmax(last, -1), rtol=1e-12)
    assert_gradients_match(lambda t: F.masked_softmax(t, mask), x)


def test_masked_softmax_refuses_a_fully_masked_row():
    """A row with nothing left to attend to is refused instead of producing nan."""
    mask = np.array([[True, False], [False, False]])
    with pytest.raises(ValueError, match="every position masked"):
        F.masked_softmax(Tensor(np.zeros((2, 2))), mask)


@few
@given(arrays_of((5, 3)), arrays_of((3, 2)), arrays_of((2,)))
def test_embedding_and_linear(table, weight, bias):
    """embedding(ids, table) picks rows by id; linear is x @ W.T + b with W (out, in) as in PyTorch; both gradients check."""
    ids = np.array([[4, 0], [0, 2]])
    np.testing.assert_array_equal(F.embedding(ids, Tensor(table)).data, table[ids])
    np.testing.assert_array_equal(F.embedding(Tensor(table), ids).data, table[ids])  # the first edition's order
    assert_gradients_match(lambda t: F.embedding(ids, t), table)
    x = table[:2]
    weight = weight.T.copy()  # (out, in)
    np.testing.assert_allclose(F.linear(Tensor(x), Tensor(weight), Tensor(bias)).data, x @ weight.T + bias)
    assert_gradients_match(lambda x, w, b: F.linear(x, w, b), x, weight, bias)


@few
@given(hnp.arrays(np.float64, (3, 2, 4, 3), elements=st.floats(-1.0, 1.0)), st.booleans())
def test_attention_matches_definition_and_gradient(qkv, causal):
    """attention = softmax(q k^T / sqrt(d), causal mask) v for batched (B, T, d) inputs; q, k and v gradients check."""
    q, k, v = qkv
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(3)
    if causal:
        scores = np.where(F.causal_mask(4), scores, -np.inf)
    expected = reference_softmax(scores, -1) @ v
    np.testing.assert_allclose(F.attention(Tensor(q), Tensor(k), Tensor(v), causal).data, expected, rtol=1e-12)
    assert_gradients_match(lambda q, k, v: F.attention(q, k, v, causal), q, k, v)


@pytest.mark.parametrize("causal", [False, True])
def test_multi_head_self_attention_is_the_step_by_step_composition_and_passes_gradcheck(causal):
    """The fused node gives split/reshape/transpose/attention/merge's numbers and gradients bit for bit, and measured slopes agree."""
    from learnpath.nn.gradient_check import gradcheck

    rng = np.random.default_rng(3)
    qkv_data = rng.normal(size=(2, 5, 3 * 6))
    upstream = rng.normal(size=(2, 5, 6))

    def step_by_step(qkv):
        q, k, v = (t.reshape(2, 5, 3, 2).transpose(0, 2, 1, 3) for t in qkv.split(6, axis=-1))
        return F.scaled_dot_product_attention(q, k, v, is_causal=causal).transpose(0, 2, 1, 3).reshape(2, 5, 6)

    fused_in, composed_in = Tensor(qkv_data), Tensor(qkv_data)
    fused = F.multi_head_self_attention(fused_in, 3, is_causal=causal)
    composed = step_by_step(composed_in)
    np.testing.assert_array_equal(fused.data, composed.data)
    (fused * upstream).sum().backward()
    (composed * upstream).sum().backward()
    np.testing.assert_array_equal(fused_in.grad, composed_in.grad)
    assert gradcheck(lambda t: F.multi_head_self_attention(t, 3, is_causal=causal), [Tensor(qkv_data)])
