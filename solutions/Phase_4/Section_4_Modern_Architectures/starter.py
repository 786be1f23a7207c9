"""Section 4.4 exercise: your own GPT, from the embeddings to the names it writes.

Six tasks. Each one raises NotImplementedError until you write it.
Check your work with:  learnpath exercise 4.4
Ask for a hint with:   learnpath hint 4.4 TASK_ID
  (task ids: embeddings, block, forward, loss, train-step, generate)

When every task passes, `learnpath run 4.4 --mine` builds this GPT, trains it
on the names with your training step, and samples new names with your
generate: the whole experiment runs on your code.

The parameters are built for you in each __init__ from the library's layers,
in the same order and from the same random numbers as the library's GPT, so
that your model starts from exactly the same weights. Call a layer like a
function: self.norm1(x). Tensors of activations are (batch, time, width).
"""

from __future__ import annotations

import numpy as np

from learnpath.nn import Tensor, clip_grad_norm_, no_grad
from learnpath.nn import functional as F
from learnpath.nn import gpt as library
from learnpath.nn.attention import MultiHeadAttention
from learnpath.nn.layers import GELU, Embedding, LayerNorm, Linear, Module

PAD = -1  # fills a row of token ids after its name has ended; never a real token


class Block(Module):
    """One transformer block: causal self-attention, then a 4x wide MLP, each on a residual branch."""

    def __init__(self, n_embd: int, n_head: int, *, block_size: int | None = None, dtype=np.float64,
                 rng=None) -> None:
        super().__init__()
        self.norm1 = LayerNorm(n_embd, dtype=dtype)
        # causal: the layer keeps a (block_size, block_size) mask, as a buffer
        self.self_attn = MultiHeadAttention(n_embd, n_head, causal=True, block_size=block_size, dtype=dtype, rng=rng)
        self.norm2 = LayerNorm(n_embd, dtype=dtype)
        self.linear1 = Linear(n_embd, 4 * n_embd, dtype=dtype, rng=rng)  # the MLP widens...
        self.activation = GELU()
        self.linear2 = Linear(4 * n_embd, n_embd, dtype=dtype, rng=rng)  # ...and narrows back

    def forward(self, x: Tensor) -> Tensor:
        """The block on x (batch, time, width), pre-norm as in GPT-2.

        Two halves, each a residual branch: the first reads x through norm1
        and self_attn, the second reads the result of the first through norm2
        and the MLP (linear1, activation, linear2). Each branch's output is
        added to the stream it read, which is never normalised itself.
        Same shape in and out.
        """
        # TODO: both halves, each adding its branch's output to the stream it read.
        raise NotImplementedError("Block.forward is not written yet")


class GPT(Module):
    """Token ids (batch, time) -> logits (batch, time, vocab_size) for the token that follows each position."""

    def __init__(self, vocab_size: int, block_size: int, n_layer: int = 1, n_head: int = 4, n_embd: int = 64,
                 *, dtype=np.float64, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        self.vocab_size, self.block_size = vocab_size, block_size
        self.wte = Embedding(vocab_size, n_embd, dtype=dtype, rng=rng)  # one vector per token
        self.wpe = Embedding(block_size, n_embd, dtype=dtype, rng=rng)  # one vector per position
        self.blocks = [Block(n_embd, n_head, block_size=block_size, dtype=dtype, rng=rng) for _ in range(n_layer)]
        self.ln_f = LayerNorm(n_embd, dtype=dtype)
        self.lm_head = Linear(n_embd, vocab_size, bias=False, dtype=dtype, rng=rng)
        # GPT-2's starting weights, drawn in the library GPT's order: its _init_weights applied
        # to every module, the layers that add to the residual stream starting smaller.
        adds_to_stream = [m for b in self.blocks for m in (b.self_attn.out_proj, b.linear2)]
        self.apply(lambda m: library.GPT._init_weights(m, n_layer, any(m is a for a in adds_to_stream), rng))

    def embed(self, ids: np.ndarray) -> Tensor:
        """Each position's starting vector: its token's row of wte plus its position's row of wpe.

        ids: integers (batch, time), time at most block_size; returns (batch,
        time, width). Position t of every row gets row t of the position
        table, so a sequence of 5 tokens uses rows 0..4 of it, whatever
        block_size is.

        Example: with width 2, wte rows [1, 1] (token 0) and [2, 2] (token 1)
        and wpe rows [10, 0], [20, 0], [30, 0], ids [[1, 0]] give
        [[[12, 2], [21, 1]]].
        """
        # TODO: the token vectors plus as many position vectors as there are positions.
        raise NotImplementedError("GPT.embed is not written yet")

    def forward(self, ids: np.ndarray) -> Tensor:
        """Logits (batch, time, vocab_size): the embeddings, every block in turn, the final norm, the head.

        ids: integers (batch, time); raise ValueError if time > block_size
        (there is no position vector for it).
        """
        # TODO: refuse a sequence longer than block_size, then the four stages in order.
        raise NotImplementedError("GPT.forward is not written yet")


def next_token_loss(model, tokens: np.ndarray, end_id: int = 0) -> Tensor:
    """The mean cross-entropy of predicting every next token of every row, padding left out.

    tokens: integers (batch, length). A row is the end token, a name, the end
    token again, then PAD to the batch's length: ".emma." is
    [0, 5, 13, 13, 1, 0], and in a batch of length 8 it continues [-1, -1].
    The model reads every token but the last and, at each position, is scored
    on the token that comes next. A position whose next token is PAD is not
    scored at all (it adds nothing to the mean), and the model must never be
    given PAD as input: an input PAD may be any real token (end_id here),
    because causal attention keeps the real positions from seeing it.
    `model` maps (batch, time) ids to (batch, time, vocab) logits.
    Returns a one-element Tensor that backward() can start from.

    Example: for ".emma." alone the model is scored on 5 predictions: e after
    ".", m after ".e", m after ".em", a after ".emm", the end after ".emma".
    """
    # TODO: the inputs and the targets are the same rows, one position apart;
    #       PAD must be out of the inputs, and left out of the loss.
    raise NotImplementedError("next_token_loss is not written yet")


def train_step(model, optimizer, tokens: np.ndarray, max_norm: float = 1.0) -> float:
    """One step of training on a batch of rows (as in next_token_loss); returns the batch's loss as a float.

    The step: forget the gradients of the previous step (they would add up),
    compute the loss (task loss) and its gradients, scale the gradients down
    together if their global norm is above max_norm (clip_grad_norm_), then
    let the optimizer update the parameters.
    """
    # TODO: the four moves of the docstring, in its order; return a plain float.
    raise NotImplementedError("train_step is not written yet")


def draw(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One token id per row of probs (batch, vocab), drawn with one fresh uniform number per row. Given.

    Inverse-CDF sampling, as the library's sampler: the first token whose
    running total of probability passes the uniform number.
    """
    uniform = rng.random((len(probs), 1))
    ids = (probs.cumsum(axis=-1) < uniform).sum(axis=-1)
    return np.minimum(ids, probs.shape[-1] - 1)


def generate(model, ids: np.ndarray, max_new_tokens: int, temperature: float = 1.0, top_k: int | None = None,
             *, rng: np.random.Generator, stop_token: int | None = None) -> np.ndarray:
    """Each row of ids (batch, time) continued by up to max_new_tokens sampled tokens; returns the longer array.

    Each new token: the model reads at most the last model.block_size tokens
    of each row, and the scores (logits) of its last position become
    probabilities: divided by temperature, then, with top_k, every score
    below the row's k-th largest is ruled out (probability 0), then a softmax
    (safe for large scores), computed in float64. Then draw(probs, rng) picks
    the next token of every row, once per new token, rows that have stopped
    included. With stop_token, a row that has drawn it has stopped: every
    later token of that row is stop_token, and generation ends as soon as
    every row has stopped. No gradients are needed (no_grad).

    Example: a model that always gives logits [0, ln 3] (two tokens) at
    temperature 1 draws token 1 three times in four; at temperature 0.5 the
    probabilities are [0.1, 0.9]; with top_k = 1 it always draws token 1.
    """
    # TODO: loop over the new tokens: crop, score, turn the last position's scores
    #       into probabilities, draw, handle stop_token, append.
    raise NotImplementedError("generate is not written yet")
