"""Checks for the 4.3 exercise: scores and causal attention against the library, by measured slopes, and for peeking."""

from __future__ import annotations

import numpy as np

from learnpath.exercises import Mismatch, expect_close, for_all, st, task
from learnpath.nn import Tensor, gradcheck
from learnpath.nn import functional as F


def qkv(seed: int, shape: tuple[int, ...]) -> list[Tensor]:
    rng = np.random.default_rng(seed)
    return [Tensor(rng.standard_normal(shape)) for _ in range(3)]


shapes = st.tuples(st.integers(1, 2), st.integers(1, 5), st.integers(1, 4))  # (batch, T, d)


@task("scores", "Scaled dot-product scores: q k^T / sqrt(d)",
      hints=[
          "Entry [i, j] is query i dotted with key j: that is q @ (k with its last two axes swapped).",
          "Divide by the square root of d, the length of each vector (q.shape[-1]), not by d itself.",
      ])
def check_scores(ex):
    q, k = Tensor([[1.0, 0.0], [0.0, 2.0]]), Tensor([[1.0, 1.0], [0.0, 1.0]])
    expect_close(np.asarray(ex.attention_scores(q, k).data), np.array([[1.0, 0.0], [2.0, 2.0]]) / np.sqrt(2),
                 what="attention_scores(q = [[1, 0], [0, 2]], k = [[1, 1], [0, 1]])")

    def one_case(seed, shape):
        q, k, _ = qkv(seed, shape)
        expected = (q.data @ np.swapaxes(k.data, -1, -2)) / np.sqrt(shape[-1])
        expect_close(np.asarray(ex.attention_scores(q, k).data), expected,
                     what=f"attention_scores for q, k of shape {shape} (seed {seed})")
        result = gradcheck(lambda q, k: ex.attention_scores(q, k), [q, k])
        if not result:
            raise Mismatch(f"the gradient of attention_scores for shape {shape} (seed {seed}) against measured slopes",
                           expected="a relative error below 1e-7", got=f"{result.max_relative_error:.2e}")

    for_all(st.integers(0, 10_000), shapes, max_examples=25)(one_case)


@task("causal-attention", "Causal attention: mask the future, softmax each row, weigh the values",
      hints=[
          "Build a (T, T) boolean array that is True where column j <= row i: np.tril of a matrix of ones.",
          "F.masked_softmax(scores, allowed, axis=-1) gives masked positions weight exactly 0 and keeps each row summing to 1.",
          "Masking after the softmax leaves rows that no longer sum to 1: mask first.",
      ])
def check_causal_attention(ex):
    q = k = Tensor([[0.0], [0.0]])
    v = Tensor([[1.0], [3.0]])
    expect_close(np.asarray(ex.causal_attention(q, k, v).data), np.array([[1.0], [2.0]]),
                 what="causal_attention with all scores 0 and v = [[1], [3]]")

    def one_case(seed, shape):
        q, k, v = qkv(seed, shape)
        expected = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        got = ex.causal_attention(q, k, v)
        expect_close(np.asarray(got.data), expected.data,
                     what=f"causal_attention for q, k, v of shape {shape} (seed {seed}), against the library")
        result = gradcheck(lambda q, k, v: ex.causal_attention(q, k, v), [q, k, v])
        if not result:
            raise Mismatch(f"the gradient of causal_attention for shape {shape} (seed {seed}) against measured slopes",
                           expected="a relative error below 1e-7", got=f"{result.max_relative_error:.2e}")

    for_all(st.integers(0, 10_000), shapes, max_examples=25)(one_case)

    # No peeking: changing the last position's key and value leaves every earlier output alone.
    q, k, v = qkv(7, (1, 5, 3))
    before = np.asarray(ex.causal_attention(q, k, v).data).copy()
    k.data[0, -1] += 5.0
    v.data[0, -1] -= 5.0
    after = np.asarray(ex.causal_attention(q, k, v).data)
    expect_close(after[0, :-1], before[0, :-1],
                 what="the outputs of positions 0..3 after changing only position 4's key and value")
