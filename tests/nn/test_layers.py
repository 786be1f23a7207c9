"""The Tensor Module contract: parameters found by name, train/eval, precision, saving and loading, and each layer's shape and numbers."""

from __future__ import annotations

import numpy as np
import pytest

import learnpath.nn as nn
from learnpath.nn import GPT, Dropout, Embedding, LayerNorm, Linear, Module, MultiHeadAttention, Tensor
from learnpath.nn.layers import MLP, ReLU, Sequential


class TwoLayers(Module):
    def __init__(self):
        super().__init__()
        self.hidden = Linear(4, 3, rng=np.random.default_rng(0))
        self.out = Linear(3, 2, bias=False, rng=np.random.default_rng(1))
        self.drop = Dropout(0.5)

    def forward(self, x):
        return self.out(self.drop(self.hidden(x).relu()))


def test_parameters_are_found_by_attribute_name_in_order():
    """named_parameters lists own tensors then children's, dotted like PyTorch; num_parameters counts them."""
    model = TwoLayers()
    assert [n for n, _ in model.named_parameters()] == ["hidden.weight", "hidden.bias", "out.weight"]
    assert model.num_parameters() == 4 * 3 + 3 + 3 * 2
    seq = Sequential(Linear(2, 2), ReLU(), Linear(2, 1))
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_linear_stores_weight_out_by_in_and_computes_x_wt_plus_b():
    """Linear(in, out).weight is (out, in), bias (out,), starting within +-1/sqrt(in); output is x @ W.T + b."""
    layer = Linear(16, 5, rng=np.random.default_rng(0))
    assert layer.weight.shape == (5, 16) and layer.bias.shape == (5,)
    assert np.abs(layer.weight.data).max() <= 0.25 and np.abs(layer.bias.data).max() <= 0.25
    x = np.random.default_rng(1).normal(size=(3, 7, 16))
    np.testing.assert_allclose(layer(x).data, x @ layer.weight.data.T + layer.bias.data, atol=1e-13)


def test_embedding_and_layer_norm_hold_pytorch_shaped_weights():
    """Embedding(n, d).weight is (n, d) and picks rows; LayerNorm(d) starts at weight 1, bias 0 and normalizes rows."""
    emb = Embedding(6, 3, rng=np.random.default_rng(0))
    assert emb.weight.shape == (6, 3)
    np.testing.assert_array_equal(emb(np.array([[5, 0]])).data, emb.weight.data[[[5, 0]]])
    ln = LayerNorm(4)
    np.testing.assert_array_equal(ln.weight.data, np.ones(4))
    np.testing.assert_array_equal(ln.bias.data, np.zeros(4))
    out = ln(Tensor(np.array([[1.0, 2.0, 3.0, 6.0]]))).data
    assert abs(out.mean()) < 1e-12 and abs(out.var() - 1.0) < 1e-4


def test_train_and_eval_switch_dropout_everywhere():
    """eval() turns dropout off in every submodule (output equals the dropout-free one); train() turns it back on."""
    model = TwoLayers()
    x = np.random.default_rng(2).normal(size=(8, 4))
    model.eval()
    assert not model.drop.training
    plain = model.out(model.hidden(x).relu()).data
    np.testing.assert_array_equal(model(x).data, plain)
    model.train()
    assert model.drop.training
    assert not np.array_equal(model(x).data, plain)


def test_state_dict_round_trips_through_npz(tmp_path):
    """save then load into a fresh model gives identical parameters; a model of other sizes is refused by name."""
    a, b = TwoLayers(), TwoLayers()
    for p in b.parameters():
        p.data[...] = 0.0
    a.save(tmp_path / "m.npz")
    b.load(tmp_path / "m.npz")
    for (name, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p.data, q.data, err_msg=name)
    with pytest.raises(KeyError, match="missing"):
        Sequential(Linear(4, 3)).load(tmp_path / "m.npz")
    (tmp_path / "bad.npz").write_text("not an archive")
    with pytest.raises(ValueError, match="bad.npz"):
        a.load(tmp_path / "bad.npz")


def test_to_float32_keeps_a_model_float32_through_training():
    """A GPT moved to float32 has float32 logits, loss, gradients and weights after an AdamW step."""
    model = GPT(vocab_size=7, block_size=5, n_layer=1, n_head=2, n_embd=8, rng=np.random.default_rng(0)).to(np.float32)
    assert model.dtype == np.float32
    opt = nn.AdamW(model.parameters(), lr=1e-2)
    ids = np.array([[0, 1, 2, 3, 4]])
    logits = model(ids)
    loss = nn.cross_entropy(logits, ids)
    assert logits.dtype == np.float32 and loss.dtype == np.float32
    loss.backward()
    assert all(p.grad.dtype == np.float32 for p in model.parameters())
    opt.step()
    assert all(p.dtype == np.float32 for p in model.parameters())


def test_float32_and_float64_models_from_one_seed_agree():
    """GPT(dtype=np.float32) after manual_seed(s) holds the float64 model's weights, rounded."""
    nn.manual_seed(3)
    a = GPT(vocab_size=7, block_size=5, n_layer=1, n_head=2, n_embd=8)
    nn.manual_seed(3)
    b = GPT(vocab_size=7, block_size=5, n_layer=1, n_head=2, n_embd=8, dtype=np.float32)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.data.astype(np.float32), q.data)


def test_mlp_shapes_and_relu_between_layers():
    """Tensor MLP(4, [6, 3]) is Linear, ReLU, Linear; its output has 3 columns; learnpath.nn.MLP is this one, and Phase 2's is ScalarMLP."""
    mlp = MLP(4, [6, 3], rng=np.random.default_rng(0))
    assert [type(m).__name__ for m in mlp.layers] == ["Linear", "ReLU", "Linear"]
    assert mlp(np.ones((2, 4))).shape == (2, 3)
    from learnpath.nn.scalar import ScalarMLP

    assert nn.MLP is MLP and nn.ScalarMLP is ScalarMLP and nn.Module is Module


def test_attention_weights_are_kept_and_causal():
    """After a call, attention_weights is (batch, heads, T, T), rows sum to 1, nothing above the diagonal when causal."""
    attn = MultiHeadAttention(8, 2, causal=True, rng=np.random.default_rng(0))
    attn(Tensor(np.random.default_rng(1).normal(size=(3, 5, 8))))
    w = attn.attention_weights
    assert w.shape == (3, 2, 5, 5)
    np.testing.assert_allclose(w.sum(axis=-1), 1.0)
    assert np.all(np.triu(w, k=1) == 0)


def test_gpt_is_causal_and_shapes_logits():
    """Changing a later token leaves every earlier position's logits unchanged; logits are (batch, time, vocab)."""
    model = GPT(vocab_size=9, block_size=6, n_layer=2, n_head=2, n_embd=8, rng=np.random.default_rng(0))
    ids = np.array([[1, 2, 3, 4, 5, 6]])
    changed = ids.copy()
    changed[0, 4] = 0
    a, b = model(ids).data, model(changed).data
    assert a.shape == (1, 6, 9)
    np.testing.assert_array_equal(a[:, :4], b[:, :4])
    assert not np.allclose(a[:, 4:], b[:, 4:])
    with pytest.raises(ValueError, match="block_size"):
        model(np.zeros((1, 7), dtype=int))


def test_gpt2_init_scales_residual_projections():
    """GPT starts weights at std 0.02, residual projections at 0.02/sqrt(2 n_layer), biases at 0."""
    model = GPT(vocab_size=50, block_size=32, n_layer=4, n_head=4, n_embd=64, rng=np.random.default_rng(0))
    block = model.blocks[0]
    assert abs(block.linear1.weight.data.std() - 0.02) < 0.001
    assert abs(block.linear2.weight.data.std() - 0.02 / np.sqrt(8)) < 0.0005
    assert abs(block.self_attn.out_proj.weight.data.std() - 0.02 / np.sqrt(8)) < 0.0005
    assert np.all(block.linear1.bias.data == 0)


def test_lazy_import_keeps_numpy_out_of_phase_1():
    """Importing learnpath.nn (Value, ScalarMLP) does not import NumPy; asking for GPT does."""
    import subprocess
    import sys

    code = "import sys, learnpath.nn as n; n.Value(1.0); assert 'numpy' not in sys.modules; n.GPT; assert 'numpy' in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
