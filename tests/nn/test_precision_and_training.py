"""float32 stays float32; backward's stored-first-gradient never aliases; AdamW, clipping and the initialisers do what they say."""

from __future__ import annotations

import numpy as np
import pytest

from learnpath.nn import AdamW, Tensor, clip_grad_norm_
from learnpath.nn import functional as F
from learnpath.nn import init


def test_python_numbers_keep_float32():
    """Every arithmetic op with a Python number or list, on either side, keeps a float32 Tensor float32, gradients too."""
    x = Tensor(np.array([0.5, 1.5, 2.0], dtype=np.float32))
    results = [x * 0.5, 0.5 * x, x + 1, 1 - x, x / 3.0, 2.0 / x, x**2, x - [1, 2, 3], x.relu(), x.tanh(),
               x.sigmoid(), x.exp(), x.log(), x.max(), x.mean(), F.gelu(x), F.softmax(x), F.dropout(x, 0.5, np.random.default_rng(0))]
    assert all(r.dtype == np.float32 for r in results), [r.dtype for r in results]
    total = results[0]
    for r in results[1:]:
        total = total + r.sum()
    total.sum().backward()
    assert x.grad.dtype == np.float32


def test_fused_nodes_keep_float32():
    """linear, layer_norm, attention and cross_entropy on float32 inputs give float32 outputs and gradients."""
    rng = np.random.default_rng(0)
    f32 = lambda *s: Tensor(rng.normal(size=s).astype(np.float32))  # noqa: E731
    x, w, b = f32(2, 3, 4), f32(5, 4), f32(5)
    q, k, v = f32(2, 3, 4), f32(2, 3, 4), f32(2, 3, 4)
    out = F.cross_entropy(F.linear(F.layer_norm(F.scaled_dot_product_attention(q, k, v, is_causal=True), 4), w, b), np.zeros((2, 3), int))
    assert out.dtype == np.float32
    out.backward()
    assert all(t.grad.dtype == np.float32 for t in (w, b, q, k, v))


def test_backward_gives_every_input_its_own_gradient_array():
    """x + b with equal shapes hands both the same upstream array; each input still gets its own, writable copy."""
    x, b = Tensor(np.ones(3)), Tensor(np.zeros(3))
    (x + b).sum().backward()
    assert x.grad is not b.grad and x.grad.flags.writeable
    x.grad *= 5
    np.testing.assert_array_equal(b.grad, np.ones(3))
    y = Tensor(np.ones(3))
    (y * 2 + y * 3).sum().backward()  # two uses: 2 + 3
    np.testing.assert_array_equal(y.grad, [5.0, 5.0, 5.0])
    held = y.grad
    (y * 2 + y * 3).sum().backward()  # a leaf accumulates: 5 + 5, added into its own array
    np.testing.assert_array_equal(y.grad, [10.0, 10.0, 10.0])
    assert y.grad is held


def test_adamw_decays_weights_decoupled_from_the_gradient():
    """With zero gradient AdamW only shrinks p by lr*wd per step; with wd=0 its first step is lr*sign(g)."""
    p = Tensor(np.array([2.0, -4.0]))
    opt = AdamW([p], lr=0.1, weight_decay=0.5)
    p.grad = np.zeros(2)
    opt.step()
    np.testing.assert_allclose(p.data, [2.0 * 0.95, -4.0 * 0.95])
    q = Tensor(np.array([1.0, 1.0]))
    opt = AdamW([q], lr=0.1, weight_decay=0.0)
    q.grad = np.array([3.0, -0.5])
    opt.step()
    np.testing.assert_allclose(q.data, [0.9, 1.1], atol=1e-7)


def test_adamw_parameter_groups_have_their_own_decay():
    """PyTorch-style groups: decay applies to the first group only."""
    w, bias = Tensor(np.ones(2)), Tensor(np.ones(2))
    opt = AdamW([{"params": [w], "weight_decay": 0.5}, {"params": [bias], "weight_decay": 0.0}], lr=0.1)
    w.grad, bias.grad = np.zeros(2), np.zeros(2)
    opt.step()
    np.testing.assert_allclose(w.data, 0.95)
    np.testing.assert_allclose(bias.data, 1.0)


def test_clip_grad_norm_scales_only_above_the_limit():
    """A global norm of 5 clipped to 1 becomes 1 (direction kept) and 5 is returned; a norm below the limit is untouched."""
    a, b = Tensor(np.zeros(1)), Tensor(np.zeros(1))
    a.grad, b.grad = np.array([3.0]), np.array([4.0])
    assert clip_grad_norm_([a, b], 1.0) == pytest.approx(5.0)
    np.testing.assert_allclose([a.grad[0], b.grad[0]], [0.6, 0.8], rtol=1e-5)
    assert clip_grad_norm_([a, b], 10.0) == pytest.approx(1.0, rel=1e-5)
    np.testing.assert_allclose([a.grad[0], b.grad[0]], [0.6, 0.8], rtol=1e-5)


def test_initialisers_have_the_promised_spread():
    """Xavier variance 2/(fan_in+fan_out), He variance 2/fan_in, uniform and normal bounds, all in place."""
    rng = np.random.default_rng(0)
    w = Tensor(np.zeros((400, 600)))
    assert init.xavier_uniform_(w, rng=rng) is w
    assert w.data.var() == pytest.approx(2 / 1000, rel=0.02)
    init.xavier_normal_(w, rng=rng)
    assert w.data.var() == pytest.approx(2 / 1000, rel=0.02)
    init.kaiming_normal_(w, rng=rng)
    assert w.data.var() == pytest.approx(2 / 600, rel=0.02)
    init.kaiming_uniform_(w, rng=rng)
    assert w.data.var() == pytest.approx(2 / 600, rel=0.02)
    assert np.abs(w.data).max() <= np.sqrt(6 / 600)
    init.uniform_(w, -0.1, 0.3, rng=rng)
    assert w.data.min() >= -0.1 and w.data.max() < 0.3
    init.normal_(w, 1.0, 0.02, rng=rng)
    assert w.data.mean() == pytest.approx(1.0, abs=0.001) and w.data.std() == pytest.approx(0.02, rel=0.02)
    init.manual_seed(7)
    first = init.normal_(Tensor(np.zeros(3))).data.copy()
    init.manual_seed(7)
    np.testing.assert_array_equal(init.normal_(Tensor(np.zeros(3))).data, first)
