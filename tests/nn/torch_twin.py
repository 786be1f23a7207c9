"""PyTorch twins of learnpath.nn's Tensor modules, built from PyTorch's own layers with the same weights.

Used by tests/nn/test_torch_match.py (where torch is installed) and by
bench/bench_gpt.py. Every twin is built from torch.nn's stock modules, so a
match proves that ours computes what PyTorch's do, not what a copy of our
code does:
    Linear -> nn.Linear, Embedding -> nn.Embedding, LayerNorm -> nn.LayerNorm,
    MultiHeadAttention -> nn.MultiheadAttention(batch_first=True),
    Block -> nn.TransformerEncoderLayer(norm_first=True, batch_first=True,
             activation=gelu(approximate="tanh"), dim_feedforward=4 * n_embd)
             with a causal mask,
    GPT -> the embeddings, those layers, nn.LayerNorm and nn.Linear.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as TF

TORCH_DTYPE = {np.dtype(np.float64): torch.float64, np.dtype(np.float32): torch.float32}


def tensor_of(array: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.array(array))


def copy_into(module: nn.Module, named_arrays: dict[str, np.ndarray]) -> nn.Module:
    """Set the torch module's parameters from {torch name: array}; every parameter must be given."""
    own = dict(module.named_parameters())
    assert set(own) == set(named_arrays), (sorted(own), sorted(named_arrays))
    with torch.no_grad():
        for name, array in named_arrays.items():
            own[name].copy_(tensor_of(array))
    return module


def torch_name(name: str) -> str:
    """Our parameter name -> the twin's."""
    name = name.replace("blocks.", "layers.")
    name = name.replace("in_proj.weight", "in_proj_weight")
    name = name.replace("in_proj.bias", "in_proj_bias")
    return name


def attention_twin(ours) -> nn.MultiheadAttention:
    dtype = TORCH_DTYPE[ours.dtype]
    twin = nn.MultiheadAttention(ours.embed_dim, ours.num_heads, dropout=0.0, batch_first=True, dtype=dtype)
    return copy_into(twin, {torch_name(n): p.data for n, p in ours.named_parameters()})


def run_attention_twin(twin: nn.MultiheadAttention, x: torch.Tensor, causal: bool):
    T = x.shape[1]
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1) if causal else None
    return twin(x, x, x, attn_mask=mask, need_weights=True, average_attn_weights=False)


class GPTTwin(nn.Module):
    def __init__(self, vocab_size: int, block_size: int, n_layer: int, n_head: int, n_embd: int, dtype) -> None:
        super().__init__()
        self.wte = nn.Embedding(vocab_size, n_embd, dtype=dtype)
        self.wpe = nn.Embedding(block_size, n_embd, dtype=dtype)
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(
                n_embd,
                n_head,
                dim_feedforward=4 * n_embd,
                dropout=0.0,
                activation=lambda x: TF.gelu(x, approximate="tanh"),
                batch_first=True,
                norm_first=True,
                dtype=dtype,
            )
            for _ in range(n_layer)
        )
        self.ln_f = nn.LayerNorm(n_embd, dtype=dtype)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False, dtype=dtype)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        T = ids.shape[1]
        x = self.wte(ids) + self.wpe.weight[:T]
        mask = torch.triu(torch.full((T, T), float("-inf"), dtype=x.dtype), diagonal=1)
        for layer in self.layers:
            x = layer(x, src_mask=mask, is_causal=True)
        return self.lm_head(self.ln_f(x))


def gpt_twin(ours) -> GPTTwin:
    """A GPTTwin holding a copy of our GPT's weights (untied)."""
    blocks = ours.blocks
    attn = blocks[0].self_attn
    twin = GPTTwin(
        ours.vocab_size, ours.block_size, len(blocks), attn.num_heads, attn.embed_dim, TORCH_DTYPE[ours.dtype]
    )
    return copy_into(twin, {torch_name(n): p.data for n, p in ours.named_parameters()})


def torch_grads(twin: nn.Module) -> dict[str, np.ndarray]:
    return {n: p.grad.numpy().copy() for n, p in twin.named_parameters()}
