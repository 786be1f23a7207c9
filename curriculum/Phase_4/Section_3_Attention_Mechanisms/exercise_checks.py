"""Checks for the 4.3 exercise: each piece of causal multi-head attention against the library and measured slopes.

Every check tries what a wrong version can hide behind: four axes, several
heads whose shapes would let a misplaced axis pass, scores of 1000, masks one
diagonal off, rows that are not square, float32 inputs, and the caller's
arrays after the call.
"""

from __future__ import annotations

import numpy as np

from learnpath.exercises import Mismatch, expect_close, expect_equal, for_all, st, task
from learnpath.nn import Tensor, gradcheck
from learnpath.nn import functional as F


def tensors(seed: int, shape: tuple[int, ...], count: int = 3, scale: float = 1.0, dtype=np.float64) -> list[Tensor]:
    rng = np.random.default_rng(seed)
    return [Tensor((scale * rng.standard_normal(shape)).astype(dtype)) for _ in range(count)]


def data(t) -> np.ndarray:
    return np.asarray(t.data if isinstance(t, Tensor) else t)


def expect_tensor(got, what: str) -> None:
    if not isinstance(got, Tensor):
        raise Mismatch(what, expected="a Tensor (so that backward() can pass through it)",
                       got=f"a {type(got).__name__}")


def expect_slopes(fn, inputs: list[Tensor], what: str) -> None:
    """backward() through fn against central differences, for every input."""
    result = gradcheck(fn, inputs)
    if not result:
        raise Mismatch(f"the gradient of {what}, against measured slopes (central differences)",
                       expected="a relative error below 1e-7", got=f"{result.max_relative_error:.2e}")


def future(T: int) -> np.ndarray:
    """True above the diagonal: key j later than query i."""
    return np.triu(np.ones((T, T), dtype=bool), k=1)


# (batch, heads, T, d): four axes, with T and d different so that a swapped axis shows.
four_axes = st.tuples(st.integers(1, 2), st.integers(1, 3), st.integers(1, 5), st.integers(1, 4))


@task("scores", "Scaled scores: every query against every key, over sqrt(d)",
      hints=[
          "Entry [i, j] pairs query i (a row of q) with key j (a row of k): a matrix product in which k's rows "
          "must become columns. last_two_swapped is there for that.",
          "The scale is 1 over the square root of d, the length of one query (the last axis of q): not T, "
          "and not d itself.",
      ])
def check_scores(ex):
    q, k = Tensor([[1.0, 0.0], [0.0, 2.0]]), Tensor([[1.0, 1.0], [0.0, 1.0]])
    got = ex.attention_scores(q, k)
    expect_tensor(got, "attention_scores(q = [[1, 0], [0, 2]], k = [[1, 1], [0, 1]])")
    expect_close(data(got), np.array([[1.0, 0.0], [2.0, 2.0]]) / np.sqrt(2),
                 what="attention_scores(q = [[1, 0], [0, 2]], k = [[1, 1], [0, 1]])")

    def one_case(seed, shape):
        q, k = tensors(seed, shape, 2)
        expected = (q.data @ np.swapaxes(k.data, -1, -2)) / np.sqrt(shape[-1])
        what = f"attention_scores for q, k of shape {shape} (batch, heads, T, d), seed {seed}"
        try:
            got = ex.attention_scores(q, k)
        except ValueError as error:
            raise Mismatch(what, expected=f"scores of shape {expected.shape}: only the last two axes of k swap",
                           got=f"ValueError: {error}") from None
        expect_close(data(got), expected, what=what)
        expect_slopes(lambda q, k: ex.attention_scores(q, k), [q, k],
                      f"attention_scores for shape {shape} (seed {seed})")

    for_all(st.integers(0, 10_000), four_axes, max_examples=25)(one_case)

    # Queries and keys of length 16 over 3 positions: sqrt(16) = 4, where T = 3 and d = 16 differ.
    q, k = tensors(5, (1, 3, 16), 2)
    expect_close(data(ex.attention_scores(q, k)), (q.data @ np.swapaxes(k.data, -1, -2)) / 4.0,
                 what="attention_scores for q, k of shape (1, 3, 16): d = 16, so the scale is 1/4")
    q32, k32 = tensors(6, (2, 3, 4), 2, dtype=np.float32)
    expect_equal(str(data(ex.attention_scores(q32, k32)).dtype), "float32",
                 what="the dtype of attention_scores for float32 q and k (a float32 model must stay float32)")


@task("mask-future", "The causal mask: minus infinity above the diagonal",
      hints=[
          "np.tril and np.triu build a (T, T) table from a matrix of ones; which one keeps the diagonal, "
          "where a position looks at itself?",
          "A Tensor has no 'where', but adding a constant array passes the gradient through unchanged: "
          "what number, added to a score, leaves it alone, and what number makes it -inf?",
          "Build that array in scores.dtype, so that float32 scores stay float32.",
      ])
def check_mask_future(ex):
    scores = Tensor(np.arange(1.0, 10.0).reshape(3, 3))
    inf = np.inf
    got = ex.mask_future(scores)
    expect_tensor(got, "mask_future([[1, 2, 3], [4, 5, 6], [7, 8, 9]])")
    expect_close(data(got), np.array([[1, -inf, -inf], [4, 5, -inf], [7, 8, 9]]),
                 what="mask_future([[1, 2, 3], [4, 5, 6], [7, 8, 9]])")

    def one_case(seed, shape):
        (scores,) = tensors(seed, shape[:-1] + (shape[-2],), 1)
        original = scores.data.copy()
        T = shape[-2]
        out = ex.mask_future(scores)
        expected = np.where(future(T), -np.inf, original)
        expect_close(data(out), expected,
                     what=f"mask_future on scores of shape {scores.shape} (seed {seed}); above the diagonal -inf, "
                          "on and below it the scores themselves")
        expect_close(scores.data, original, what=f"the caller's scores (shape {scores.shape}) after mask_future")
        # The gradient reaches every kept score, unchanged.
        upstream = np.where(future(T), 0.0, np.random.default_rng(seed + 1).standard_normal(scores.shape))
        scores.grad = None
        out.backward(upstream)
        grad = np.zeros(scores.shape) if scores.grad is None else np.asarray(scores.grad)
        expect_close(np.where(future(T), 0.0, grad), np.where(future(T), 0.0, upstream),
                     what=f"the gradient reaching the kept scores (on and below the diagonal) through mask_future, "
                          f"shape {scores.shape} (seed {seed})")

    for_all(st.integers(0, 10_000), four_axes, max_examples=25)(one_case)

    (s32,) = tensors(3, (2, 4, 4), 1, dtype=np.float32)
    expect_equal(str(data(ex.mask_future(s32)).dtype), "float32",
                 what="the dtype of mask_future for float32 scores (build the added array in scores.dtype)")


@task("softmax", "A softmax along each row that never overflows",
      hints=[
          "Weights only depend on differences between the scores of a row: subtracting the same number from "
          "every score of the row changes nothing.",
          "Subtract each row's largest score, taken from the scores' numbers as a constant, so that the largest "
          "exponent is e**0 = 1. Keep the row axis when you take the maximum, so that the subtraction lines up.",
          "Then exponentiate and divide by the row's sum, also with keepdims.",
      ])
def check_softmax(ex):
    def expect_rows(scores, expected, what):
        given = np.array(scores, dtype=float)
        got = ex.softmax_rows(Tensor(given))
        expect_tensor(got, what)
        expect_close(data(got), np.array(expected), what=what, rel=1e-6, abs=1e-9)

    expect_rows([[0.0, np.log(3.0)]], [[0.25, 0.75]], "softmax_rows([[0, ln 3]])")
    expect_rows([[1000.0, 1000.0]], [[0.5, 0.5]], "softmax_rows([[1000, 1000]]) (e**1000 overflows)")
    expect_rows([[1000.0, 999.0], [-1000.0, -1001.0]], [[1 / (1 + np.exp(-1)), 1 / (1 + np.e)]] * 2,
                "softmax_rows([[1000, 999], [-1000, -1001]])")
    expect_rows([[2.0, -np.inf]], [[1.0, 0.0]], "softmax_rows([[2, -inf]])")
    expect_rows([[-np.inf, 0.0, 0.0], [3.0, -np.inf, -np.inf]], [[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]],
                "softmax_rows([[-inf, 0, 0], [3, -inf, -inf]])")

    def one_case(seed, shape, scale):
        (scores,) = tensors(seed, shape, 1, scale=scale)
        original = scores.data.copy()
        expect_close(data(ex.softmax_rows(scores)), F.softmax(Tensor(original), axis=-1).data,
                     what=f"softmax_rows on scores of shape {shape} times {scale} (seed {seed}), "
                          "each row over the last axis")
        expect_close(scores.data, original, what=f"the caller's scores (shape {shape}) after softmax_rows")
        if scale <= 10:
            expect_slopes(lambda s: ex.softmax_rows(s), [scores], f"softmax_rows for shape {shape} (seed {seed})")

    # Rows of 5 under 3 (or 2) rows: a softmax down the columns gives other numbers.
    shapes = st.tuples(st.integers(1, 2), st.integers(2, 3), st.integers(2, 5))
    for_all(st.integers(0, 10_000), shapes, st.sampled_from([1.0, 10.0, 400.0]), max_examples=30)(one_case)


def _known_case_of(ex, name: str):
    """None if task `name` gives the right answer on its docstring's case, else what it got."""
    try:
        if name == "scores":
            got = data(ex.attention_scores(Tensor([[1.0, 0.0], [0.0, 2.0]]), Tensor([[1.0, 1.0], [0.0, 1.0]])))
            want = np.array([[1.0, 0.0], [2.0, 2.0]]) / np.sqrt(2)
        elif name == "mask-future":
            got = data(ex.mask_future(Tensor(np.arange(1.0, 5.0).reshape(2, 2))))
            want = np.array([[1.0, -np.inf], [3.0, 4.0]])
        else:
            got = data(ex.softmax_rows(Tensor([[1000.0, 1000.0], [2.0, -np.inf]])))
            want = np.array([[0.5, 0.5], [1.0, 0.0]])
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 (any error there means that task is wrong)
        return f"an error: {error}"
    if got.shape != want.shape or not np.allclose(got, want, equal_nan=False):
        return got
    return None


@task("attention", "Causal attention: mask, softmax, weighted sum",
      hints=[
          "Call your three functions in turn on q and k: scores, then the mask, then the softmax.",
          "Each output row is a weighted average of the rows of v, with the weights of its row: one matrix product.",
          "Return the output and the weights, in that order.",
      ])
def check_attention(ex):
    try:
        _check_attention(ex)
    except Mismatch:
        for name in ("scores", "mask-future", "softmax"):
            wrong = _known_case_of(ex, name)
            if wrong is not None:
                raise Mismatch(f"causal_attention calls your {name.replace('-', '_')} function (task {name}), "
                               f"which is wrong on its own docstring's example: fix task {name} first",
                               expected="the docstring's example", got=wrong) from None
        raise


def _check_attention(ex):
    q = k = Tensor([[0.0], [0.0]])
    v = Tensor([[1.0], [3.0]])
    result = ex.causal_attention(q, k, v)
    if not (isinstance(result, tuple) and len(result) == 2):
        raise Mismatch("causal_attention(q = k = [[0], [0]], v = [[1], [3]])",
                       expected="a pair (output, weights)", got=result)
    out, weights = result
    expect_tensor(out, "the output of causal_attention")
    expect_close(data(out), np.array([[1.0], [2.0]]), what="the output of causal_attention with every score 0 "
                 "and v = [[1], [3]]")
    expect_close(data(weights), np.array([[1.0, 0.0], [0.5, 0.5]]),
                 what="the weights of causal_attention with every score 0")

    def one_case(seed, shape, scale):
        q, k, v = tensors(seed, shape, scale=scale)
        copies = [t.data.copy() for t in (q, k, v)]
        expected, expected_weights = F.scaled_dot_product_attention(q, k, v, is_causal=True, need_weights=True)
        out, weights = ex.causal_attention(q, k, v)
        where = f"q, k, v of shape {shape} (batch, heads, T, d) times {scale}, seed {seed}"
        expect_close(data(weights), expected_weights, what=f"the weights of causal_attention for {where}")
        expect_close(data(out), expected.data, what=f"the output of causal_attention for {where}")
        for name, t, c in zip("qkv", (q, k, v), copies):
            expect_close(t.data, c, what=f"the caller's {name} after causal_attention ({where})")
        if scale == 1.0:
            expect_slopes(lambda q, k, v: ex.causal_attention(q, k, v)[0], [q, k, v],
                          f"the output of causal_attention for {where}")

    for_all(st.integers(0, 10_000), four_axes, st.sampled_from([1.0, 30.0]), max_examples=25)(one_case)

    # No peeking: changing the last position's key and value leaves every earlier output alone.
    q, k, v = tensors(7, (1, 2, 5, 3))
    before = data(ex.causal_attention(q, k, v)[0]).copy()
    k.data[..., -1, :] += 5.0
    v.data[..., -1, :] -= 5.0
    after = data(ex.causal_attention(q, k, v)[0])
    expect_close(after[..., :-1, :], before[..., :-1, :],
                 what="the outputs of positions 0..3 after changing only position 4's key and value")


def _reference_split(x: np.ndarray, n_head: int) -> np.ndarray:
    B, T, C = x.shape
    return np.stack([x[:, :, h * (C // n_head):(h + 1) * (C // n_head)] for h in range(n_head)], axis=1)


@task("split-heads", "Split the width into heads: (B, T, C) -> (B, h, T, C/h)",
      hints=[
          "Two moves: a reshape that cuts each position's C numbers into h pieces of C/h, then a transpose "
          "that brings the head axis in front of the time axis.",
          "Reshaping straight to (B, h, T, C/h) gives the right shape and the wrong numbers: it cuts along "
          "time, not along each vector.",
      ])
def check_split_heads(ex):
    x = Tensor(np.arange(8.0).reshape(1, 2, 4))
    got = ex.split_heads(x, 2)
    expect_tensor(got, "split_heads([[[0, 1, 2, 3], [4, 5, 6, 7]]], 2)")
    expect_close(data(got), np.array([[[[0.0, 1.0], [4.0, 5.0]], [[2.0, 3.0], [6.0, 7.0]]]]),
                 what="split_heads([[[0, 1, 2, 3], [4, 5, 6, 7]]], 2)")

    def one_case(batch, time, n_head, head_width):
        C = n_head * head_width
        x = Tensor(np.arange(batch * time * C, dtype=float).reshape(batch, time, C))
        expected = _reference_split(x.data, n_head)
        out = ex.split_heads(x, n_head)
        expect_close(data(out), expected,
                     what=f"split_heads of np.arange({batch * time * C}) shaped ({batch}, {time}, {C}), {n_head} heads")
        upstream = np.random.default_rng(batch * 100 + time).standard_normal(expected.shape)
        x.grad = None
        out.backward(upstream)
        expect_close(np.asarray(x.grad), np.concatenate(list(np.moveaxis(upstream, 1, 0)), axis=-1),
                     what=f"the gradient reaching x through split_heads, shape ({batch}, {time}, {C}), {n_head} heads")

    for_all(st.integers(1, 2), st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), max_examples=30)(one_case)


@task("merge-heads", "Merge the heads: (B, h, T, D) -> (B, T, h*D)",
      hints=[
          "Undo split_heads in the reverse order: first bring the time axis back in front of the heads, "
          "then join the last two axes.",
          "Reshaping straight from (B, h, T, D) to (B, T, h*D) gives the right shape and mixes positions.",
      ])
def check_merge_heads(ex):
    heads = Tensor(np.array([[[[0.0, 1.0], [4.0, 5.0]], [[2.0, 3.0], [6.0, 7.0]]]]))
    got = ex.merge_heads(heads)
    expect_tensor(got, "merge_heads of head 0 = [[0, 1], [4, 5]] and head 1 = [[2, 3], [6, 7]]")
    expect_close(data(got), np.arange(8.0).reshape(1, 2, 4),
                 what="merge_heads of head 0 = [[0, 1], [4, 5]] and head 1 = [[2, 3], [6, 7]]")

    def one_case(batch, n_head, time, head_width):
        shape = (batch, n_head, time, head_width)
        x = Tensor(np.arange(np.prod(shape), dtype=float).reshape(shape))
        expected = np.concatenate(list(np.moveaxis(x.data, 1, 0)), axis=-1)
        out = ex.merge_heads(x)
        expect_close(data(out), expected, what=f"merge_heads of np.arange shaped {shape} (batch, heads, T, D)")
        upstream = np.random.default_rng(batch * 100 + time).standard_normal(expected.shape)
        x.grad = None
        out.backward(upstream)
        expect_close(np.asarray(x.grad), _reference_split(upstream, n_head),
                     what=f"the gradient reaching the heads through merge_heads, shape {shape}")

    for_all(st.integers(1, 2), st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), max_examples=30)(one_case)
