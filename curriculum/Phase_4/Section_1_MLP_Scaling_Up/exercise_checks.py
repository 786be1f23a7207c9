"""Checks for the 4.1 exercise: the learner's lookup and forward pass against the library's, values and gradients."""

from __future__ import annotations

import numpy as np

from learnpath.exercises import expect_close, for_all, relative_error, st, task
from learnpath.nn import Tensor
from learnpath.nn import functional as F


def parameters(seed: int, vocab: int, dim: int, block: int, hidden: int) -> dict[str, Tensor]:
    rng = np.random.default_rng(seed)
    return {
        "table": Tensor(rng.standard_normal((vocab, dim))),
        "W1": Tensor(rng.standard_normal((hidden, block * dim)) * 0.5),
        "b1": Tensor(rng.standard_normal(hidden) * 0.1),
        "W2": Tensor(rng.standard_normal((vocab, hidden)) * 0.5),
        "b2": Tensor(rng.standard_normal(vocab) * 0.1),
    }


def reference_forward(p: dict[str, Tensor], context: np.ndarray) -> Tensor:
    x = F.embedding(context, p["table"]).reshape(len(context), -1)
    h = F.linear(x, p["W1"], p["b1"]).tanh()
    return F.linear(h, p["W2"], p["b2"])


def gradients(output: Tensor, params: list[Tensor], upstream: np.ndarray) -> list[np.ndarray]:
    """d(sum(output * upstream))/d(each parameter): a random direction tests every entry of the output."""
    for p in params:
        p.grad = None
    (output * Tensor(upstream, requires_grad=False)).sum().backward()
    return [np.zeros_like(p.data) if p.grad is None else np.array(p.grad) for p in params]


@task("embed-context", "Look up the context's vectors and join them, for a whole batch",
      hints=[
          "A Tensor indexed by an integer array, table[context], picks one row per id: shape (B, T, D).",
          "reshape(B, T * D) keeps each example's vectors together, in the order of the context.",
          "Stay with Tensor operations: going through .data cuts the graph, and the table never learns.",
      ])
def check_embed_context(ex):
    table = Tensor(np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]))
    got = ex.embed_context(table, np.array([[2, 0], [1, 1]]))
    expect_close(np.asarray(got.data), np.array([[4.0, 5.0, 0.0, 1.0], [2.0, 3.0, 2.0, 3.0]]),
                 what="embed_context(table = [[0, 1], [2, 3], [4, 5]], context = [[2, 0], [1, 1]])")

    def one_case(seed, batch, block, dim):
        rng = np.random.default_rng(seed)
        table = Tensor(rng.standard_normal((7, dim)))
        context = rng.integers(0, 7, (batch, block))
        expected = F.embedding(context, table).reshape(batch, block * dim)
        got = ex.embed_context(table, context)
        expect_close(np.asarray(got.data), expected.data,
                     what=f"embed_context on a (7, {dim}) table and a ({batch}, {block}) context (seed {seed})")
        upstream = rng.standard_normal((batch, block * dim))
        [want] = gradients(expected, [table], upstream)
        [have] = gradients(got, [table], upstream)
        expect_close(have, want, what="the table's gradient through embed_context (an id used twice adds twice)")

    for_all(st.integers(0, 10_000), st.integers(1, 6), st.integers(1, 4), st.integers(1, 3), max_examples=30)(one_case)


@task("forward", "The batched forward pass: embeddings, a tanh layer, the scores",
      hints=[
          "x is embed_context(table, context); a Linear layer with weight W computes x @ W.T + b.",
          "The hidden layer is squashed by tanh; the output layer is not: its scores are logits.",
      ])
def check_forward(ex):
    got = ex.forward(Tensor([[0.5]]), Tensor([[2.0]]), Tensor([0.0]), Tensor([[1.0], [-1.0]]), Tensor([0.0, 0.0]),
                     np.array([[0]]))
    t = float(np.tanh(1.0))
    expect_close(np.asarray(got.data), np.array([[t, -t]]), what="the overview's one-number forward example")

    def one_case(seed, batch, block):
        rng = np.random.default_rng(seed)
        p = parameters(seed, vocab=6, dim=3, block=block, hidden=5)
        context = rng.integers(0, 6, (batch, block))
        expected = reference_forward(p, context)
        got = ex.forward(p["table"], p["W1"], p["b1"], p["W2"], p["b2"], context)
        expect_close(np.asarray(got.data), expected.data, what=f"forward on a ({batch}, {block}) context (seed {seed})")
        upstream = rng.standard_normal(expected.shape)
        names = list(p)
        want = gradients(expected, list(p.values()), upstream)
        have = gradients(got, list(p.values()), upstream)
        for name, w, h in zip(names, want, have):
            expect_close(h, w, what=f"the gradient of {name} through forward (seed {seed})")

    for_all(st.integers(0, 10_000), st.integers(1, 5), st.integers(1, 3), max_examples=25)(one_case)

    # And against central differences, entry by entry of W1, through the learner's own code.
    p = parameters(3, vocab=6, dim=3, block=2, hidden=4)
    context = np.array([[1, 2], [3, 3], [0, 5]])
    weights = np.random.default_rng(3).standard_normal((3, 6))

    def loss_at(value: float, i: int, j: int) -> float:
        saved = p["W1"].data[i, j]
        p["W1"].data[i, j] = value
        out = float((ex.forward(p["table"], p["W1"], p["b1"], p["W2"], p["b2"], context).data * weights).sum())
        p["W1"].data[i, j] = saved
        return out

    [grad] = gradients(ex.forward(p["table"], p["W1"], p["b1"], p["W2"], p["b2"], context), [p["W1"]], weights)
    for i, j in [(0, 0), (2, 5), (3, 1)]:
        h = 1e-6
        numeric = (loss_at(p["W1"].data[i, j] + h, i, j) - loss_at(p["W1"].data[i, j] - h, i, j)) / (2 * h)
        if relative_error(grad[i, j], numeric) > 1e-5:
            expect_close(grad[i, j], numeric, what=f"dLoss/dW1[{i}, {j}] by backward() against central differences")
