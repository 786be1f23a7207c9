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

It also holds TorchGPT, the other kind of twin: a GPT written in PyTorch the
idiomatic nanoGPT way (manual causal attention, queries, keys and values from
one fused Linear, the mask a buffer) under exactly our attribute names, so
our state_dict() loads into it as it is, strictly, key for key. That is how a
learner takes a trained model to PyTorch (README, "The Tensor library").
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


# ----------------------------------------------------------------------
# TorchGPT: our GPT's layout and names, in PyTorch. load_state_dict(ours) just works.
# ----------------------------------------------------------------------


class TorchAttention(nn.Module):
    """Causal self-attention as nanoGPT writes it: one Linear for q, k, v, a mask buffer, softmax by hand."""

    def __init__(self, n_embd: int, n_head: int, block_size: int, dtype) -> None:
        super().__init__()
        self.n_head = n_head
        self.in_proj = nn.Linear(n_embd, 3 * n_embd, dtype=dtype)
        self.out_proj = nn.Linear(n_embd, n_embd, dtype=dtype)
        self.register_buffer("mask", torch.tril(torch.ones(block_size, block_size, dtype=dtype)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = self.in_proj(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        scores = (q @ k.transpose(-2, -1)) * (k.shape[-1] ** -0.5)
        scores = scores.masked_fill(self.mask[:T, :T] == 0, float("-inf"))
        y = TF.softmax(scores, dim=-1) @ v
        return self.out_proj(y.transpose(1, 2).contiguous().view(B, T, C))


class TorchBlock(nn.Module):
    def __init__(self, n_embd: int, n_head: int, block_size: int, dtype) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(n_embd, dtype=dtype)
        self.self_attn = TorchAttention(n_embd, n_head, block_size, dtype)
        self.norm2 = nn.LayerNorm(n_embd, dtype=dtype)
        self.linear1 = nn.Linear(n_embd, 4 * n_embd, dtype=dtype)
        self.linear2 = nn.Linear(4 * n_embd, n_embd, dtype=dtype)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.self_attn(self.norm1(x))
        return x + self.linear2(TF.gelu(self.linear1(self.norm2(x)), approximate="tanh"))


class TorchGPT(nn.Module):
    """learnpath.nn.GPT's layout and attribute names in PyTorch (no dropout, untied)."""

    def __init__(self, vocab_size: int, block_size: int, n_layer: int, n_head: int, n_embd: int, dtype=torch.float64) -> None:
        super().__init__()
        self.wte = nn.Embedding(vocab_size, n_embd, dtype=dtype)
        self.wpe = nn.Embedding(block_size, n_embd, dtype=dtype)
        self.blocks = nn.ModuleList(TorchBlock(n_embd, n_head, block_size, dtype) for _ in range(n_layer))
        self.ln_f = nn.LayerNorm(n_embd, dtype=dtype)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False, dtype=dtype)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        T = ids.shape[1]
        x = self.wte(ids) + self.wpe.weight[:T]
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.ln_f(x))


def torch_gpt_from(ours) -> TorchGPT:
    """A TorchGPT of our GPT's sizes and precision, holding its state_dict() (loaded strictly: every key, no other)."""
    attn = ours.blocks[0].self_attn
    twin = TorchGPT(
        ours.vocab_size, ours.block_size, len(ours.blocks), attn.num_heads, attn.embed_dim, TORCH_DTYPE[ours.dtype]
    )
    twin.load_state_dict({name: torch.from_numpy(array) for name, array in ours.state_dict().items()}, strict=True)
    return twin
