"""A GPT: a stack of transformer blocks that predicts the next token at every position.

    ids (batch, time) -> token embedding + position embedding
                      -> Block -> Block -> ...        (n_layer of them)
                      -> LayerNorm -> Linear           -> logits (batch, time, vocab_size)

Logits[b, t] scores every possible token to follow ids[b, :t+1]. Attention is
causal, so position t never sees a later token, and one forward pass trains
on all the time positions of a sequence at once.

Each Block is pre-norm (as in GPT-2): normalize, transform, and *add* the
result to what came in, x = x + attn(ln_1(x)); x = x + mlp(ln_2(x)). The
running sum x is the "residual stream": each block reads it and writes a
correction into it, and the gradient flows straight down it through every +.

The names follow minGPT (n_layer, n_head, n_embd, block_size, wte, wpe,
ln_f, lm_head); a Block's pieces follow PyTorch's nn.TransformerEncoderLayer
(self_attn, linear1, linear2, norm1, norm2), which with norm_first=True,
batch_first=True and a causal mask computes the same thing.
"""

from __future__ import annotations

import math

import numpy as np

from learnpath.nn import init
from learnpath.nn.attention import MultiHeadAttention
from learnpath.nn.layers import GELU, Dropout, Embedding, LayerNorm, Linear, Module
from learnpath.nn.sampling import generate
from learnpath.nn.tensor import ArrayLike, Tensor

# The names (ends of dotted paths) of the layers that write into the residual stream.
RESIDUAL_PROJECTIONS = ("self_attn.out_proj", "linear2")


class Block(Module):
    """One transformer block: x + attention(norm(x)), then + MLP(norm(x)); the MLP is 4x wide with GELU.

    causal=False lets every position attend to every other (an encoder block,
    for tasks where the whole input is known, such as sorting it).
    """

    def __init__(
        self,
        n_embd: int,
        n_head: int,
        dropout: float = 0.0,
        bias: bool = True,
        causal: bool = True,
        *,
        block_size: int | None = None,
        dtype=np.float64,
        rng=None,
    ) -> None:
        super().__init__()
        self.norm1 = LayerNorm(n_embd, bias=bias, dtype=dtype)
        self.self_attn = MultiHeadAttention(
            n_embd, n_head, dropout, bias, causal, block_size=block_size, dtype=dtype, rng=rng
        )
        self.norm2 = LayerNorm(n_embd, bias=bias, dtype=dtype)
        self.linear1 = Linear(n_embd, 4 * n_embd, bias, dtype=dtype, rng=rng)
        self.activation = GELU()
        self.linear2 = Linear(4 * n_embd, n_embd, bias, dtype=dtype, rng=rng)
        self.dropout = Dropout(dropout, rng=rng)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.dropout(self.self_attn(self.norm1(x)))
        x = x + self.dropout(self.linear2(self.activation(self.linear1(self.norm2(x)))))
        return x


class GPT(Module):
    """A decoder-only transformer language model (GPT-2's layout), mapping (batch, time) ids to logits.

    tie_weights=True uses the token embedding table as the output layer too
    (one (vocab_size, n_embd) matrix read both ways), as GPT-2 does.
    Starting weights follow GPT-2 (GPT._init_weights, applied to every module
    with Module.apply as nanoGPT does), drawn from `rng` or the library's
    generator (init.manual_seed).
    """

    def __init__(
        self,
        vocab_size: int,
        block_size: int,
        n_layer: int = 2,
        n_head: int = 4,
        n_embd: int = 64,
        dropout: float = 0.0,
        bias: bool = True,
        tie_weights: bool = False,
        *,
        dtype=np.float64,
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        self.vocab_size, self.block_size = vocab_size, block_size
        self.wte = Embedding(vocab_size, n_embd, dtype=dtype, rng=rng)  # token embedding
        self.wpe = Embedding(block_size, n_embd, dtype=dtype, rng=rng)  # position embedding
        self.drop = Dropout(dropout, rng=rng)
        self.blocks = [
            Block(n_embd, n_head, dropout, bias, block_size=block_size, dtype=dtype, rng=rng) for _ in range(n_layer)
        ]
        self.ln_f = LayerNorm(n_embd, bias=bias, dtype=dtype)
        self.lm_head = Linear(n_embd, vocab_size, bias=False, dtype=dtype, rng=rng)
        # GPT-2's starting weights. The layers whose output is added to the residual
        # stream, found by name (each block's attention out_proj and its linear2),
        # start smaller, so that the sum of 2 * n_layer of them does not grow with depth.
        residual = [m for name, m in self.named_modules() if name.endswith(RESIDUAL_PROJECTIONS)]
        self.apply(lambda module: self._init_weights(module, n_layer, any(module is m for m in residual), rng))
        if tie_weights:
            self.lm_head.weight = self.wte.weight

    @staticmethod
    def _init_weights(module: Module, n_layer: int, residual: bool, rng=None, std: float = 0.02) -> None:
        """GPT-2's start for one module: weights N(0, 0.02**2), biases 0, layer norms scale 1 and shift 0.

        A residual projection gets std / sqrt(2 * n_layer) (Radford et al., 2019).
        """
        if isinstance(module, Linear):
            init.normal_(module.weight, 0.0, std / math.sqrt(2 * n_layer) if residual else std, rng)
            if module.bias is not None:
                init.zeros_(module.bias)
        elif isinstance(module, Embedding):
            init.normal_(module.weight, 0.0, std, rng)
        elif isinstance(module, LayerNorm):
            init.ones_(module.weight)
            if module.bias is not None:
                init.zeros_(module.bias)

    def forward(self, ids: ArrayLike) -> Tensor:
        ids = np.asarray(ids.data if isinstance(ids, Tensor) else ids)
        if ids.ndim != 2:
            raise ValueError(f"GPT takes a (batch, time) array of token ids, got shape {ids.shape}")
        time = ids.shape[1]
        if time > self.block_size:
            raise ValueError(f"GPT: a sequence of {time} tokens is longer than block_size={self.block_size}")
        # Token vectors plus position vectors: the only place the model learns where a token is.
        x = self.drop(self.wte(ids) + self.wpe.weight[:time])
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.ln_f(x))

    def generate(
        self,
        ids: ArrayLike,
        max_new_tokens: int,
        temperature: float = 1.0,
        top_k: int | None = None,
        *,
        rng: np.random.Generator | None = None,
        stop_token: int | None = None,
    ) -> np.ndarray:
        """Continue each row of `ids` by up to max_new_tokens sampled tokens (see sampling.generate)."""
        return generate(
            self, ids, max_new_tokens, self.block_size, temperature, top_k, rng=rng, stop_token=stop_token
        )
