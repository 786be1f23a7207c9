"""Every op and module of the second edition, gradient-checked in float64 with learnpath.nn.gradcheck (relative error <= 1e-7)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from learnpath.nn import GPT, Block, Embedding, LayerNorm, Linear, MultiHeadAttention, Tensor, gradcheck
from learnpath.nn import functional as F
from learnpath.nn.layers import MLP, GELU, Sequential, Tanh

few = settings(max_examples=15, deadline=None)


def arrays(shape, low=-2.0, high=2.0):
    return hnp.arrays(np.float64, shape, elements=st.floats(low, high, allow_nan=False))


def check(fn, *tensors) -> None:
    result = gradcheck(fn, list(tensors))
    assert result, f"relative errors {result.relative_errors}"


def module_check(module, x) -> None:
    """The gradient of every parameter and of the input."""
    params = module.parameters()
    x = Tensor(x)

    def run(x, *ps):
        return module(x)

    check(run, x, *params)


@few
@given(arrays((2, 3, 5), -4.0, 4.0))
def test_gelu_gradient(x):
    """gelu's hand-written backward matches measured slopes, including near 0 and in the tails."""
    check(F.gelu, Tensor(x))


@few
@given(arrays((2, 3, 4)), arrays((5, 4)), arrays((5,)))
def test_linear_gradient(x, w, b):
    """The fused linear node: gradients for input, weight (out, in) and bias, with two batch axes."""
    check(F.linear, Tensor(x), Tensor(w), Tensor(b))
    check(lambda x, w: F.linear(x, w), Tensor(x), Tensor(w))


@few
@given(arrays((2, 3, 6), -3.0, 3.0), arrays((6,)), arrays((6,)))
def test_layer_norm_gradient(x, w, b):
    """The fused layer_norm: input, scale and shift gradients.

    A ramp is added so every row has a spread well above sqrt(eps): a row of
    equal numbers has its curvature on the scale of sqrt(eps) = 0.003, where
    nudges of 1e-3 cannot measure a slope (the formula is right there too).
    """
    x = x + np.linspace(-1.0, 1.0, 6)
    check(lambda x, w, b: F.layer_norm(x, 6, w, b), Tensor(x), Tensor(w), Tensor(b))


@few
@given(arrays((3, 2, 4, 3), -1.5, 1.5), st.booleans())
def test_scaled_dot_product_attention_gradient_and_value(qkv, causal):
    """The fused attention equals the composed `attention` and its three gradients check."""
    q, k, v = (Tensor(a) for a in qkv)
    np.testing.assert_allclose(
        F.scaled_dot_product_attention(q, k, v, is_causal=causal).data, F.attention(q, k, v, causal).data, atol=1e-13
    )
    check(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=causal), q, k, v)


def test_attention_dropout_gradient():
    """With dropout on the attention weights (the same mask every call, by a fixed seed) the gradients still check."""
    rng = np.random.default_rng(0)
    q, k, v = (Tensor(rng.normal(size=(2, 4, 3))) for _ in range(3))

    def fn(q, k, v):
        return F.scaled_dot_product_attention(q, k, v, 0.3, True, rng=np.random.default_rng(1))

    check(fn, q, k, v)


@few
@given(arrays((6, 5), -3.0, 3.0), st.lists(st.sampled_from([0, 1, 2, 3, 4, -100]), min_size=6, max_size=6))
def test_cross_entropy_ignore_index_gradient(logits, targets):
    """cross_entropy with ignore_index: mean over the kept rows only, and its gradient checks."""
    targets = np.array(targets)
    if (targets == -100).all():
        targets[0] = 1
    kept = targets != -100
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    expected = -log_probs[np.flatnonzero(kept), targets[kept]].mean()
    np.testing.assert_allclose(F.cross_entropy(Tensor(logits), targets, ignore_index=-100).item(), expected, rtol=1e-12)
    check(lambda z: F.cross_entropy(z, targets, ignore_index=-100), Tensor(logits))


def test_split_and_astype_gradients():
    """split hands each piece its slice of the gradient; astype passes it back in the input's precision."""
    x = Tensor(np.random.default_rng(0).normal(size=(2, 7)))
    check(lambda x: x.split(3, axis=-1)[1] * x.split(3, axis=-1)[2][:, :1], x)
    assert [p.shape for p in x.split(3)] == [(2, 3), (2, 3), (2, 1)]
    y = x.astype(np.float32)
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float64


def test_module_gradients():
    """Linear, Embedding (repeated ids), LayerNorm, MLP and Sequential with GELU/Tanh: every parameter's gradient checks."""
    rng = np.random.default_rng(0)
    module_check(Linear(4, 3, rng=rng), rng.normal(size=(2, 4)))
    ln = LayerNorm(5)
    ln.weight.data[:] = rng.normal(size=5)
    module_check(ln, rng.normal(size=(3, 5)))
    module_check(MLP(4, [6, 3], rng=rng), rng.normal(size=(5, 4)))
    module_check(Sequential(Linear(3, 4, rng=rng), GELU(), Linear(4, 2, rng=rng), Tanh()), rng.normal(size=(2, 3)))
    emb = Embedding(5, 3, rng=rng)
    ids = np.array([[0, 4, 4], [1, 0, 2]])
    check(lambda w: F.embedding(ids, w), emb.weight)
    check(lambda w: w.gather_rows(np.array([-1, 0, 4, 2, 0])), emb.weight)  # -1 and 4 are the same row


@pytest.mark.parametrize("causal", [False, True])
def test_attention_and_block_gradients(causal):
    """MultiHeadAttention (2 heads) and a Block: every parameter's and the input's gradient checks."""
    rng = np.random.default_rng(1)
    module_check(MultiHeadAttention(4, 2, causal=causal, rng=rng), rng.normal(size=(2, 3, 4)))
    if causal:
        module_check(Block(4, 2, rng=rng), rng.normal(size=(2, 3, 4)))


def test_gpt_gradients_with_tied_weights():
    """A 1-layer GPT with tied embedding/output weights: all parameters check, the tied one summing both uses."""
    model = GPT(vocab_size=5, block_size=4, n_layer=1, n_head=2, n_embd=4, tie_weights=True, rng=np.random.default_rng(2))
    ids = np.array([[0, 3, 3, 1], [2, 4, 0, 0]])
    targets = np.array([[3, 3, 1, -100], [4, 0, -100, -100]])
    assert model.lm_head.weight is model.wte.weight
    # Weights of size ~0.5 instead of GPT-2's 0.02: with 0.02 the layer norms see spreads
    # of ~0.02, on which nudges of 1e-3 are too coarse to measure a slope.
    rng = np.random.default_rng(3)
    for p in model.parameters():
        p.data[...] = rng.normal(scale=0.5, size=p.shape)
    check(lambda *ps: F.cross_entropy(model(ids), targets, ignore_index=-100), *model.parameters())


def test_gradcheck_rejects_a_wrong_gradient_and_float32():
    """gradcheck fails a backward that is off by a factor 2 and refuses float32 inputs."""
    from learnpath.nn.tensor import make_node

    def bad_square(x):
        return make_node(x.data**2, "bad", (x, lambda g: g * x.data))  # should be 2 * x

    x = Tensor(np.array([0.5, -1.0, 2.0]))
    result = gradcheck(bad_square, [x])
    assert not result and result.max_relative_error > 0.1
    assert gradcheck(lambda x: x * x, [x]).max_relative_error < 1e-9
    with pytest.raises(TypeError, match="float64"):
        gradcheck(lambda x: x * x, [Tensor(np.ones(2, dtype=np.float32))])
