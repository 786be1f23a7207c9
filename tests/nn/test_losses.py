"""learnpath.nn.losses: each loss equals its definition on both engines, and its gradients check."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_tensor_gradcheck import assert_gradients_match

from learnpath.nn import losses
from learnpath.nn.tensor import Tensor
from learnpath.nn.value import Value

few = settings(max_examples=25, deadline=None)
sizes = st.integers(1, 6)


def vector(n, lo=-3.0, hi=3.0):
    return hnp.arrays(np.float64, (n,), elements=st.floats(lo, hi))


def labels(n, values):
    return st.lists(st.sampled_from(values), min_size=n, max_size=n).map(lambda v: np.array(v, dtype=np.float64))


def values_of(array: np.ndarray) -> list[Value]:
    return [Value(float(v)) for v in array]


def assert_value_grads_equal_tensor_grads(value_params: list[Value], tensor: Tensor) -> None:
    np.testing.assert_allclose([v.grad for v in value_params], tensor.grad, rtol=1e-12, atol=1e-15)


@few
@given(st.data(), sizes)
def test_mse(data, n):
    """mse = mean((p - t)**2) on Tensors and Values alike; Tensor gradient checks and Value gradients agree."""
    p, t = data.draw(vector(n)), data.draw(vector(n))
    expected = np.mean((p - t) ** 2)
    assert math.isclose(losses.mse(Tensor(p), t).item(), expected, rel_tol=1e-12, abs_tol=1e-15)
    vp = values_of(p)
    loss = losses.mse(vp, list(t))
    assert math.isclose(loss.data, expected, rel_tol=1e-12, abs_tol=1e-15)
    assert_gradients_match(lambda x: losses.mse(x, t), p)
    loss.backward()
    tp = Tensor(p)
    losses.mse(tp, t).backward()
    assert_value_grads_equal_tensor_grads(vp, tp)


@few
@given(st.data(), sizes)
def test_hinge(data, n):
    """hinge = mean(max(0, 1 - y*s)) for y in {-1, +1}; gradients check away from the kink and agree across engines."""
    s, y = data.draw(vector(n)), data.draw(labels(n, [-1.0, 1.0]))
    s = np.where(np.abs(1 - y * s) < 0.01, s + 0.05, s)  # off the kink at margin exactly 1
    expected = np.mean(np.maximum(0.0, 1 - y * s))
    assert math.isclose(losses.hinge(Tensor(s), y).item(), expected, rel_tol=1e-12, abs_tol=1e-15)
    vs = values_of(s)
    loss = losses.hinge(vs, list(y))
    assert math.isclose(loss.data, expected, rel_tol=1e-12, abs_tol=1e-15)
    assert_gradients_match(lambda x: losses.hinge(x, y), s)
    loss.backward()
    ts = Tensor(s)
    losses.hinge(ts, y).backward()
    assert_value_grads_equal_tensor_grads(vs, ts)


@few
@given(st.data(), sizes)
def test_binary_cross_entropy(data, n):
    """bce = mean(-(y log p + (1-y) log(1-p))) on both engines; gradients check and agree."""
    p, y = data.draw(vector(n, 0.2, 0.8)), data.draw(labels(n, [0.0, 1.0]))
    expected = np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))
    assert math.isclose(losses.binary_cross_entropy(Tensor(p), y).item(), expected, rel_tol=1e-12)
    vp = values_of(p)
    loss = losses.binary_cross_entropy(vp, list(y))
    assert math.isclose(loss.data, expected, rel_tol=1e-12)
    assert_gradients_match(lambda x: losses.binary_cross_entropy(x, y), p)
    loss.backward()
    tp = Tensor(p)
    losses.binary_cross_entropy(tp, y).backward()
    assert_value_grads_equal_tensor_grads(vp, tp)


@few
@given(st.data(), sizes)
def test_binary_cross_entropy_with_logits(data, n):
    """bce_with_logits(z) = bce(sigmoid(z)) on both engines; the fused gradient checks and agrees."""
    z, y = data.draw(vector(n, -8.0, 8.0)), data.draw(labels(n, [0.0, 1.0]))
    p = 1 / (1 + np.exp(-z))
    expected = np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))
    assert math.isclose(losses.binary_cross_entropy_with_logits(Tensor(z), y).item(), expected, rel_tol=1e-9)
    vz = values_of(z)
    loss = losses.binary_cross_entropy_with_logits(vz, list(y))
    assert math.isclose(loss.data, expected, rel_tol=1e-9)
    assert_gradients_match(lambda x: losses.binary_cross_entropy_with_logits(x, y), z)
    loss.backward()
    tz = Tensor(z)
    losses.binary_cross_entropy_with_logits(tz, y).backward()
    assert_value_grads_equal_tensor_grads(vz, tz)


def test_binary_cross_entropy_with_logits_is_finite_at_extremes():
    """At logits of +-1000 the loss is finite and exact (0 when right, 1000 when wrong) on both engines."""
    z = np.array([1000.0, -1000.0, 1000.0])
    y = np.array([1.0, 0.0, 0.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        t = Tensor(z)
        loss = losses.binary_cross_entropy_with_logits(t, y)
        loss.backward()
    assert loss.item() == pytest.approx(1000.0 / 3)
    np.testing.assert_allclose(t.grad, [0.0, 0.0, 1 / 3])
    value_loss = losses.binary_cross_entropy_with_logits(values_of(z), list(y))
    assert value_loss.data == pytest.approx(1000.0 / 3)


@few
@given(st.data(), st.integers(1, 4), st.integers(2, 5))
def test_cross_entropy(data, n, classes):
    """cross_entropy on Values (rows of Values, int targets) equals the Tensor version, in value and gradient."""
    logits = data.draw(hnp.arrays(np.float64, (n, classes), elements=st.floats(-3.0, 3.0)))
    targets = np.array(data.draw(st.lists(st.integers(0, classes - 1), min_size=n, max_size=n)))
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    expected = -log_probs[np.arange(n), targets].mean()
    t = Tensor(logits)
    loss = losses.cross_entropy(t, targets)
    assert math.isclose(loss.item(), expected, rel_tol=1e-12, abs_tol=1e-15)
    rows = [values_of(row) for row in logits]
    value_loss = losses.cross_entropy(rows, list(targets))
    assert math.isclose(value_loss.data, expected, rel_tol=1e-12, abs_tol=1e-15)
    loss.backward()
    value_loss.backward()
    np.testing.assert_allclose([[v.grad for v in row] for row in rows], t.grad, rtol=1e-10, atol=1e-14)


def test_cross_entropy_on_values_single_row_and_extremes():
    """One row with an int target works, and logits of +-1000 give a finite, exact loss on Values."""
    row = [Value(1000.0), Value(-1000.0)]
    assert losses.cross_entropy(row, 0).data == pytest.approx(0.0, abs=1e-12)
    assert losses.cross_entropy(row, 1).data == pytest.approx(2000.0)
    with pytest.raises(ValueError, match="0..1"):
        losses.cross_entropy(row, 2)
    with pytest.raises(ValueError, match="list of rows"):
        losses.cross_entropy(row, [0, 1])
    with pytest.raises(ValueError, match="list of rows"):
        losses.cross_entropy([row, row], 0)  # several rows need one id each


def test_l2_penalty_on_both_engines():
    """l2_penalty = weight * sum of squares of all parameters; gradient 2 * weight * p on Tensors and Values."""
    a = np.array([[1.0, -2.0], [0.5, 3.0]])
    b = np.array([4.0, -1.0])
    expected = 1e-2 * ((a * a).sum() + (b * b).sum())
    ta, tb = Tensor(a), Tensor(b)
    loss = losses.l2_penalty([ta, tb], 1e-2)
    assert loss.item() == pytest.approx(expected, rel=1e-14)
    loss.backward()
    np.testing.assert_allclose(ta.grad, 2e-2 * a)
    np.testing.assert_allclose(tb.grad, 2e-2 * b)
    assert_gradients_match(lambda x, y: losses.l2_penalty([x, y], 0.3), a, b)
    params = values_of(np.concatenate([a.ravel(), b]))
    value_loss = losses.l2_penalty(params, 1e-2)
    assert value_loss.data == pytest.approx(expected, rel=1e-14)
    value_loss.backward()
    np.testing.assert_allclose([p.grad for p in params], 2e-2 * np.concatenate([a.ravel(), b]))


def test_mismatched_shapes_are_refused_not_broadcast():
    """Scores (100, 1) against targets (100,) raise a message naming the fix, instead of a silent (100, 100) broadcast."""
    with pytest.raises(ValueError, match=r"reshape one so they match"):
        losses.hinge(Tensor(np.zeros((100, 1))), np.ones(100))
    with pytest.raises(ValueError, match="3 predictions but 2 targets"):
        losses.mse([Value(1.0), Value(2.0), Value(3.0)], [1.0, 2.0])
