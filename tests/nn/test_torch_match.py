"""Our Tensor modules against PyTorch's own, from the same weights: forward, gradients and 10 AdamW steps to 1e-10 in float64.

Skipped where PyTorch is not installed (it is not in the test extra: see the README's Benchmarks).
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402
from torch_twin import attention_twin, copy_into, gpt_twin, run_attention_twin, tensor_of, torch_grads, torch_name  # noqa: E402

from learnpath.nn import GPT, AdamW, Embedding, LayerNorm, Linear, MultiHeadAttention, Tensor, cross_entropy  # noqa: E402
from learnpath.nn import functional as F  # noqa: E402

TOL = 1e-10


def close(ours, theirs) -> None:
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else theirs
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=TOL * max(1.0, float(np.abs(theirs).max())))


def zero_key_bias_gradients(ours, twin) -> None:
    """Set the key part of every in_proj bias gradient to exactly 0, on both sides, after checking it is ~0.

    Adding the same number to every score of a row changes no softmax, so the
    key bias has gradient exactly 0 in exact arithmetic. What backward returns
    is rounding noise (~1e-15), different in the two libraries, and AdamW
    divides it by sqrt(v) + eps ~ 1e-8: steps of ~1e-9 in different
    directions, which says nothing about either library. So it gets its exact value.
    """
    for name, p in ours.named_parameters():
        if name.endswith("in_proj.bias"):
            third = len(p.grad) // 3
            theirs = dict(twin.named_parameters())[torch_name(name)].grad
            assert np.abs(p.grad[third : 2 * third]).max() < 1e-12
            assert theirs[third : 2 * third].abs().max().item() < 1e-12
            p.grad[third : 2 * third] = 0.0
            theirs[third : 2 * third] = 0.0


def compare_training(ours, twin, batches, loss_ours, loss_twin, lr=0.01, weight_decay=0.1, steps=10) -> None:
    """Forward, every gradient, and the weights after each of `steps` AdamW steps agree."""
    opt = AdamW(ours.parameters(), lr=lr, weight_decay=weight_decay)
    topt = torch.optim.AdamW(twin.parameters(), lr=lr, weight_decay=weight_decay)
    for step in range(steps):
        batch = batches[step % len(batches)]
        opt.zero_grad()
        topt.zero_grad()
        loss = loss_ours(ours, batch)
        tloss = loss_twin(twin, batch)
        close(loss.data, tloss)
        loss.backward()
        tloss.backward()
        theirs = torch_grads(twin)
        for name, p in ours.named_parameters():
            close(p.grad, theirs[torch_name(name)])
        zero_key_bias_gradients(ours, twin)
        opt.step()
        topt.step()
        twin_params = dict(twin.named_parameters())
        for name, p in ours.named_parameters():
            close(p.data, twin_params[torch_name(name)])


def test_linear_matches_torch():
    """Linear(5, 3): same output, weight/bias/input gradients and AdamW trajectory as nn.Linear."""
    ours = Linear(5, 3, rng=np.random.default_rng(0))
    twin = copy_into(nn.Linear(5, 3, dtype=torch.float64), {n: p.data for n, p in ours.named_parameters()})
    rng = np.random.default_rng(1)
    batches = [(rng.normal(size=(4, 2, 5)), rng.normal(size=(4, 2, 3))) for _ in range(3)]
    compare_training(
        ours, twin, batches,
        lambda m, b: ((m(Tensor(b[0], requires_grad=False)) - b[1]) ** 2).mean(),
        lambda m, b: ((m(tensor_of(b[0])) - tensor_of(b[1])) ** 2).mean(),
    )


def test_embedding_matches_torch():
    """Embedding(7, 4) with repeated ids: the same rows, summed gradients and AdamW steps as nn.Embedding."""
    ours = Embedding(7, 4, rng=np.random.default_rng(0))
    twin = copy_into(nn.Embedding(7, 4, dtype=torch.float64), {"weight": ours.weight.data})
    rng = np.random.default_rng(2)
    batches = [(rng.integers(0, 7, (3, 5)), rng.normal(size=(3, 5, 4))) for _ in range(3)]
    compare_training(
        ours, twin, batches,
        lambda m, b: (m(b[0]) * b[1]).sum(),
        lambda m, b: (m(torch.from_numpy(b[0])) * tensor_of(b[1])).sum(),
    )


def test_layer_norm_matches_torch():
    """LayerNorm(6) with non-trivial weight and bias: output, gradients and AdamW steps as nn.LayerNorm."""
    ours = LayerNorm(6)
    rng = np.random.default_rng(3)
    ours.weight.data[:] = rng.normal(size=6)
    ours.bias.data[:] = rng.normal(size=6)
    twin = copy_into(nn.LayerNorm(6, dtype=torch.float64), {n: p.data for n, p in ours.named_parameters()})
    batches = [(rng.normal(size=(2, 3, 6)) * 3, rng.normal(size=(2, 3, 6))) for _ in range(3)]
    compare_training(
        ours, twin, batches,
        lambda m, b: (m(Tensor(b[0])) * b[1]).sum(),
        lambda m, b: (m(tensor_of(b[0])) * tensor_of(b[1])).sum(),
    )


@pytest.mark.parametrize("causal", [False, True])
def test_multi_head_attention_matches_torch(causal):
    """MultiHeadAttention(8, 2): output, per-head weights, gradients and AdamW steps as nn.MultiheadAttention."""
    ours = MultiHeadAttention(8, 2, causal=causal, rng=np.random.default_rng(4))
    twin = attention_twin(ours)
    rng = np.random.default_rng(5)
    x = rng.normal(size=(3, 5, 8))
    out = ours(Tensor(x))
    tout, tweights = run_attention_twin(twin, tensor_of(x), causal)
    close(out.data, tout)
    close(ours.attention_weights, tweights)
    batches = [(rng.normal(size=(3, 5, 8)), rng.normal(size=(3, 5, 8))) for _ in range(3)]

    def torch_loss(m, b):
        return (run_attention_twin(m, tensor_of(b[0]), causal)[0] * tensor_of(b[1])).sum()

    compare_training(ours, twin, batches, lambda m, b: (m(Tensor(b[0])) * b[1]).sum(), torch_loss)


def test_gpt_matches_torch_with_padding():
    """A 2-layer GPT against a twin of nn.TransformerEncoderLayers: padded cross-entropy, every gradient, 10 AdamW steps."""
    ours = GPT(vocab_size=11, block_size=6, n_layer=2, n_head=2, n_embd=8, rng=np.random.default_rng(6))
    twin = gpt_twin(ours)
    rng = np.random.default_rng(7)
    batches = []
    for _ in range(4):
        ids = rng.integers(0, 11, (3, 6))
        targets = rng.integers(0, 11, (3, 6))
        targets[0, 4:] = -100  # a padded row
        batches.append((ids, targets))

    def our_loss(m, b):
        return cross_entropy(m(b[0]), b[1], ignore_index=-100)

    def torch_loss(m, b):
        logits = m(torch.from_numpy(b[0]))
        return nn.functional.cross_entropy(logits.reshape(-1, 11), torch.from_numpy(b[1]).reshape(-1), ignore_index=-100)

    compare_training(ours, twin, batches, our_loss, torch_loss, lr=3e-3)


def test_fused_functions_match_torch():
    """gelu (tanh form), layer_norm, linear, cross_entropy with ignore_index and scaled_dot_product_attention equal PyTorch's."""
    rng = np.random.default_rng(8)
    x = rng.normal(size=(2, 3, 4)) * 3
    close(F.gelu(Tensor(x)).data, nn.functional.gelu(tensor_of(x), approximate="tanh"))
    q, k, v = rng.normal(size=(3, 2, 2, 5, 4))
    for causal in (False, True):
        theirs = nn.functional.scaled_dot_product_attention(tensor_of(q), tensor_of(k), tensor_of(v), is_causal=causal)
        close(F.scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v), is_causal=causal).data, theirs)
    logits, targets = rng.normal(size=(6, 5)), np.array([0, 4, -100, 2, -100, 1])
    theirs = nn.functional.cross_entropy(tensor_of(logits), torch.from_numpy(targets), ignore_index=-100)
    close(cross_entropy(logits, targets, ignore_index=-100).data, theirs)
