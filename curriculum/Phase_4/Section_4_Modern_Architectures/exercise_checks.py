"""Checks for the 4.4 exercise: each half of the block, and the whole block against Block itself, same weights."""

from __future__ import annotations

import numpy as np

from learnpath.exercises import expect_close, for_all, st, task
from learnpath.nn import Block, Tensor


def block_and_input(seed: int, batch: int, time: int, width: int = 8, heads: int = 2) -> tuple[Block, Tensor]:
    rng = np.random.default_rng(seed)
    block = Block(width, heads, rng=rng)
    for p in block.parameters():  # move the norms' scales and shifts away from 1 and 0, so that each part shows
        p.data += rng.normal(0.0, 0.1, p.shape)
    return block, Tensor(rng.standard_normal((batch, time, width)))


def gradients(output: Tensor, tensors: list[Tensor], upstream: np.ndarray) -> list[np.ndarray]:
    for t in tensors:
        t.grad = None
    (output * Tensor(upstream, requires_grad=False)).sum().backward()
    return [np.zeros_like(t.data) if t.grad is None else np.array(t.grad) for t in tensors]


def compare(got: Tensor, expected: Tensor, block: Block, x: Tensor, what: str, seed: int) -> None:
    expect_close(np.asarray(got.data), expected.data, what=what)
    upstream = np.random.default_rng(seed + 1).standard_normal(expected.shape)
    tensors = [x, *block.parameters()]
    want = gradients(expected, tensors, upstream)
    have = gradients(got, tensors, upstream)
    names = ["x", *(name for name, _ in block.named_parameters())]
    for name, w, h in zip(names, want, have):
        expect_close(h, w, what=f"the gradient of {name} through {what}")


@task("attention-sublayer", "The attention half: x + attention(layer norm(x))",
      hints=[
          "Pre-layer-norm: the norm is applied to the branch's input, not to the sum.",
          "The residual stream is x itself: add the branch's output to x, untouched.",
      ])
def check_attention_sublayer(ex):
    def one_case(seed, batch, time):
        block, x = block_and_input(seed, batch, time)
        expected = x + block.self_attn(block.norm1(x))
        compare(ex.attention_sublayer(block, x), expected, block, x,
                f"attention_sublayer on a ({batch}, {time}, 8) input (seed {seed})", seed)

    for_all(st.integers(0, 10_000), st.integers(1, 2), st.integers(1, 5), max_examples=15)(one_case)


@task("mlp-sublayer", "The MLP half, and the whole block against Block itself",
      hints=[
          "The branch is norm2, then linear1 (4 times wider), then the activation, then linear2.",
          "As in the attention half, add the branch's output to x itself.",
      ])
def check_mlp_sublayer(ex):
    def one_case(seed, batch, time):
        block, x = block_and_input(seed, batch, time)
        expected = x + block.linear2(block.activation(block.linear1(block.norm2(x))))
        compare(ex.mlp_sublayer(block, x), expected, block, x,
                f"mlp_sublayer on a ({batch}, {time}, 8) input (seed {seed})", seed)
        # The two halves together must be the library's block, number for number.
        compare(ex.block_forward(block, x), block(x), block, x,
                f"block_forward against Block.forward on a ({batch}, {time}, 8) input (seed {seed})", seed)

    for_all(st.integers(0, 10_000), st.integers(1, 2), st.integers(1, 5), max_examples=15)(one_case)
