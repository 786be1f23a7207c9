"""Multi-head self-attention: every position of a sequence looks at the others and takes what it needs.

For each position the layer makes three vectors from its input: a query
(what am I looking for?), a key (what do I offer?) and a value (what do I
pass on?). A position's output is an average of all the values, weighted by
softmax(query . key / sqrt(head_dim)): the keys that match its query best
count most. With causal=True a position sees only itself and earlier ones,
which is what a model that predicts the next token needs (it must not peek).

"Multi-head" runs num_heads such attentions side by side, each on its own
embed_dim / num_heads slice of the vectors, so one head can follow, say, the
previous letter while another follows the start of the word. Their outputs
are put side by side again and mixed by one last linear layer.

The layer matches PyTorch's nn.MultiheadAttention(embed_dim, num_heads,
batch_first=True): `in_proj` holds PyTorch's in_proj_weight and in_proj_bias
(queries, keys, values stacked, in that order) and `out_proj` is its out_proj.
"""

from __future__ import annotations

import numpy as np

from learnpath.nn import functional as F
from learnpath.nn.layers import Linear, Module
from learnpath.nn.tensor import Tensor


class MultiHeadAttention(Module):
    """Self-attention with num_heads heads on (batch, time, embed_dim) inputs.

    With causal=True and a block_size, the causal mask is a buffer (`mask`,
    saved in state_dict as nanoGPT saves its `bias`).
    After each call `attention_weights` holds the (batch, num_heads, time, time)
    array of weights: row i of a head's matrix is how much position i took from
    each position, ready for a heatmap.
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        causal: bool = False,
        *,
        block_size: int | None = None,
        dtype=np.float64,
        rng=None,
    ) -> None:
        super().__init__()
        if embed_dim % num_heads:
            raise ValueError(f"embed_dim {embed_dim} must split evenly into num_heads {num_heads}")
        self.embed_dim, self.num_heads, self.dropout, self.causal = embed_dim, num_heads, dropout, causal
        self.in_proj = Linear(embed_dim, 3 * embed_dim, bias, dtype=dtype, rng=rng)  # queries, keys, values at once
        self.out_proj = Linear(embed_dim, embed_dim, bias, dtype=dtype, rng=rng)
        if causal and block_size is not None:
            # Which positions each position may see (1) or not (0): the lower triangle.
            # A buffer: saved with the model, moved by to(dtype), never trained.
            self.register_buffer("mask", np.tril(np.ones((block_size, block_size), dtype=dtype)))
        else:
            self.mask = None  # causal without a block_size: the mask is made per length instead
        self.rng = rng
        self.attention_weights: np.ndarray | None = None

    def forward(self, x: Tensor) -> Tensor:
        time = x.shape[1]
        qkv = self.in_proj(x)  # (batch, time, 3 * embed): queries, keys, values side by side
        dropout = self.dropout if self.training else 0.0
        allowed = self.mask.data[:time, :time] != 0 if self.mask is not None else None
        # Cut q, k and v into heads, (batch, heads, time, head_dim), each head a batch of its
        # own; attend; put the heads side by side again, (batch, time, embed). One node: see
        # F.multi_head_self_attention (the same as split, reshape, transpose and
        # F.scaled_dot_product_attention, step by step, which the tests check).
        out, self.attention_weights = F.multi_head_self_attention(
            qkv, self.num_heads, dropout, self.causal and allowed is None, attn_mask=allowed, rng=self.rng,
            need_weights=True,
        )
        return self.out_proj(out)

    def extra_repr(self) -> str:
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, causal={self.causal}"
