"""Checks for the 4.1 exercise: counting, the loss, and the character MLP against the library's own numbers."""

from __future__ import annotations

import math

import numpy as np

from learnpath.exercises import Mismatch, expect_close, expect_equal, for_all, relative_error, st, task
from learnpath.nn import Tensor
from learnpath.nn import functional as F
from learnpath.nn.optim import SGD

VOCAB = 27
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def reference_tokens(name: str) -> list[int]:
    return [0] + [LETTERS.index(c) + 1 for c in name] + [0]


def reference_counts(names: list[str]) -> np.ndarray:
    counts = np.zeros((VOCAB, VOCAB))
    for name in names:
        tokens = reference_tokens(name)
        np.add.at(counts, (tokens[:-1], tokens[1:]), 1)
    return counts


def reference_nll(probabilities: np.ndarray, names: list[str]) -> float:
    logs = [math.log(probabilities[a, b]) for name in names
            for a, b in zip(reference_tokens(name), reference_tokens(name)[1:])]
    return -sum(logs) / len(logs)


def random_table(seed: int) -> np.ndarray:
    """(27, 27) rows that are random distributions, no zero entry, far from symmetric."""
    rows = np.random.default_rng(seed).random((VOCAB, VOCAB)) ** 3 + 0.01
    return rows / rows.sum(axis=1, keepdims=True)


def nonzero_entries(counts: np.ndarray) -> str:
    counts = np.asarray(counts)
    cells = [f"[{i}, {j}] = {counts[i, j]:g}" for i, j in zip(*np.nonzero(counts))]
    return ", ".join(cells[:8]) + (" ..." if len(cells) > 8 else "") if cells else "all zeros"


def parameters(seed: int, block: int, dim: int = 3, hidden: int = 5, vocab: int = 6) -> dict[str, Tensor]:
    rng = np.random.default_rng(seed)
    return {
        "table": Tensor(rng.standard_normal((vocab, dim))),
        "W1": Tensor(rng.standard_normal((hidden, block * dim)) * 0.5),
        "b1": Tensor(rng.standard_normal(hidden) * 0.5),
        "W2": Tensor(rng.standard_normal((vocab, hidden)) * 0.5),
        "b2": Tensor(rng.standard_normal(vocab) * 0.5),
    }


def copy_of(params: dict[str, Tensor]) -> dict[str, Tensor]:
    return {name: Tensor(p.data.copy()) for name, p in params.items()}


def reference_forward(p: dict[str, Tensor], context: np.ndarray) -> Tensor:
    x = F.embedding(context, p["table"]).reshape(len(context), -1)
    return F.linear(F.linear(x, p["W1"], p["b1"]).tanh(), p["W2"], p["b2"])


def gradients(output: Tensor, params: list[Tensor], upstream: np.ndarray) -> list[np.ndarray]:
    """d(sum(output * upstream))/d(each parameter): a random direction weighs every entry of the output."""
    for p in params:
        p.grad = None
    (output * Tensor(upstream, requires_grad=False)).sum().backward()
    return [np.zeros_like(p.data) if p.grad is None else np.array(p.grad) for p in params]


def values(t) -> np.ndarray:
    return np.asarray(t.data if isinstance(t, Tensor) else t)


names_strategy = st.lists(st.text(alphabet="abcdez", min_size=1, max_size=7), min_size=1, max_size=6)


@task("count-bigrams", "Count which token follows which",
      hints=[
          "Write one name out as tokens with tokens_of and list its neighbouring pairs by hand first.",
          "Each pair (previous, next) adds one to the cell in row previous, column next.",
          "A pair that occurs twice must count twice: a loop of single additions is the safe way.",
      ])
def check_count_bigrams(ex):
    names = ["ab", "b"]
    got = ex.count_bigrams(names)
    expected = np.zeros((VOCAB, VOCAB))
    expected[0, 1] = expected[1, 2] = expected[0, 2] = 1
    expected[2, 0] = 2
    if np.shape(got) != (VOCAB, VOCAB):
        raise Mismatch("count_bigrams(['ab', 'b'])", expected="an array of shape (27, 27)",
                       got=f"shape {np.shape(got)}")
    if not np.array_equal(np.asarray(got, dtype=float), expected):
        raise Mismatch("count_bigrams(['ab', 'b']): its nonzero cells", expected=nonzero_entries(expected),
                       got=nonzero_entries(got))
    expect_equal(names, ["ab", "b"], what="the list of names after count_bigrams (it must not change)")

    repeated = ["anna", "anna", "aa", "banana"]
    got = np.asarray(ex.count_bigrams(repeated), dtype=float)
    expected = reference_counts(repeated)
    if not np.array_equal(got, expected):
        raise Mismatch("count_bigrams(['anna', 'anna', 'aa', 'banana']): pairs that occur several times",
                       expected=nonzero_entries(expected), got=nonzero_entries(got))

    def one_case(names):
        kept = list(names)
        got = np.asarray(ex.count_bigrams(names), dtype=float)
        expect_equal(names, kept, what="the list of names after count_bigrams (it must not change)")
        expected = reference_counts(names)
        if got.shape != expected.shape or not np.array_equal(got, expected):
            raise Mismatch(f"count_bigrams({names!r})", expected=nonzero_entries(expected),
                           got=nonzero_entries(got) if got.shape == expected.shape else f"shape {got.shape}")
        expect_equal(int(got.sum()), sum(len(n) + 1 for n in names),
                     what=f"the total of count_bigrams({names!r}) (a name of n letters is n + 1 pairs)")

    for_all(names_strategy, max_examples=40)(one_case)


@task("average-nll", "The average negative log-likelihood of names under a bigram table",
      hints=[
          "One prediction per neighbouring pair of tokens_of(name), so a name of n letters makes n + 1.",
          "The natural logarithm, with a minus sign: a likely pair costs little, an unlikely one a lot.",
          "Divide once, at the end, by the number of predictions over all the names together.",
      ])
def check_average_nll(ex):
    uniform = np.full((VOCAB, VOCAB), 1.0 / VOCAB)
    expect_close(ex.average_nll(uniform, ["emma", "ava"]), math.log(VOCAB),
                 what="average_nll(uniform table, ['emma', 'ava']) (every prediction costs ln 27)")

    table = np.full((VOCAB, VOCAB), 1.0 / VOCAB)
    table[0] = 0.0
    table[0, 1], table[0, 2] = 0.5, 0.5
    table[1] = 0.0
    table[1, 0], table[1, 1] = 0.25, 0.75
    expect_close(ex.average_nll(table, ["a"]), (math.log(2) + math.log(4)) / 2,
                 what="average_nll of ['a'] with P(a after .) = 0.5 and P(. after a) = 0.25")
    # A short name and a long one: the mean over predictions is not the mean of the two names' means.
    mixed = ["a", "aaaa"]
    expect_close(ex.average_nll(table, mixed), reference_nll(table, mixed),
                 what="average_nll of ['a', 'aaaa'] (2 + 5 predictions, each weighing the same)")
    before = table.copy()
    ex.average_nll(table, mixed)
    if not np.array_equal(table, before):
        raise Mismatch("the table after average_nll (it must not change)", expected="the same table",
                       got="a changed table")

    def one_case(seed, names):
        probabilities = random_table(seed)
        expect_close(ex.average_nll(probabilities, names), reference_nll(probabilities, names),
                     what=f"average_nll(a random table (seed {seed}), {names!r})")

    for_all(st.integers(0, 10_000), names_strategy, max_examples=40)(one_case)


@task("embed-context", "Look up the context's vectors and join them, for a whole batch",
      hints=[
          "Indexing the table Tensor with the (B, T) array of ids picks one row per id; what shape comes out?",
          "Each example needs one row of T * D numbers, its own vectors in the order of its context.",
          "Stay with Tensor operations: going through .data cuts the graph, and the table never learns.",
      ])
def check_embed_context(ex):
    table = Tensor(np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]))
    got = ex.embed_context(table, np.array([[2, 0], [1, 1]]))
    expect_close(values(got), np.array([[4.0, 5.0, 0.0, 1.0], [2.0, 3.0, 2.0, 3.0]]),
                 what="embed_context(table = [[0, 1], [2, 3], [4, 5]], context = [[2, 0], [1, 1]])")

    def one_case(seed, batch, block, dim):
        rng = np.random.default_rng(seed)
        table = Tensor(rng.standard_normal((7, dim)))
        context = rng.integers(0, 7, (batch, block))
        kept = context.copy()
        expected = F.embedding(context, table).reshape(batch, block * dim)
        got = ex.embed_context(table, context)
        if values(got).shape != (batch, block * dim):
            raise Mismatch(f"the shape of embed_context on a (7, {dim}) table and a ({batch}, {block}) context",
                           expected=(batch, block * dim), got=values(got).shape)
        expect_close(values(got), expected.data,
                     what=f"embed_context on a (7, {dim}) table and a ({batch}, {block}) context (seed {seed})")
        expect_equal(context.tolist(), kept.tolist(), what="the context after embed_context (it must not change)")
        if not isinstance(got, Tensor) or not got.requires_grad:
            raise Mismatch("embed_context's result", expected="a Tensor in the graph of the table",
                           got="something backward() cannot follow back to the table")
        upstream = rng.standard_normal((batch, block * dim))
        [want] = gradients(expected, [table], upstream)
        [have] = gradients(got, [table], upstream)
        expect_close(have, want, what="the table's gradient through embed_context (an id used twice adds twice)")

    # Batches, windows and widths of different sizes, so that no two axes can be confused unseen.
    for_all(st.integers(0, 10_000), st.integers(1, 6), st.integers(1, 4), st.integers(1, 3), max_examples=30)(one_case)


def forward_is_right(ex, caller: str) -> None:
    """Before a task that calls forward: is forward itself right, on one small case?"""
    p = parameters(11, block=2)
    context = np.array([[1, 2], [3, 3], [0, 5]])
    try:
        got = values(ex.forward(p, context))
    except NotImplementedError:
        raise
    except Exception as problem:
        raise Mismatch(f"{caller} calls your forward, which fails: fix task forward first",
                       expected="the logits of a (3, 2) context", got=repr(problem)) from None
    expected = reference_forward(p, context).data
    if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-6, atol=1e-9):
        raise Mismatch(f"{caller} calls your forward, which is wrong: fix task forward first",
                       expected=expected, got=got, input="context = [[1, 2], [3, 3], [0, 5]]")


@task("forward", "The batched forward pass: embeddings, a tanh layer, the scores",
      hints=[
          "Start from embed_context; a layer stored (out, in) like Linear multiplies by the transpose of its weight.",
          "Only the hidden layer is squashed; the output layer's numbers are logits and stay as they are.",
      ])
def check_forward(ex):
    try:
        forward_cases(ex)
    except Mismatch:
        embed_context_is_right(ex, "forward")  # a wrong lookup underneath is named first
        raise


def embed_context_is_right(ex, caller: str) -> None:
    """When a task that may call embed_context fails: is embed_context itself right, on one small case?"""
    table = Tensor(np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]))
    context = np.array([[2, 0, 1], [1, 1, 0]])
    expected = F.embedding(context, table).reshape(2, 6).data
    try:
        got = values(ex.embed_context(table, context))
    except NotImplementedError:
        got = None
    except Exception as problem:
        got = repr(problem)
    if not isinstance(got, np.ndarray) or got.shape != expected.shape or not np.allclose(got, expected):
        raise Mismatch(f"{caller} calls your embed_context, which is wrong: fix task embed-context first",
                       expected=expected, got=got if got is not None else "not written yet",
                       input="table = [[0, 1], [2, 3], [4, 5]], context = [[2, 0, 1], [1, 1, 0]]")


def forward_cases(ex):
    p = {"table": Tensor([[0.5]]), "W1": Tensor([[2.0]]), "b1": Tensor([0.0]),
         "W2": Tensor([[1.0], [-1.0]]), "b2": Tensor([0.0, 0.0])}
    t = float(np.tanh(1.0))
    expect_close(values(ex.forward(p, np.array([[0]]))), np.array([[t, -t]]),
                 what="forward on the docstring's one-number example")

    def one_case(seed, batch, block):
        rng = np.random.default_rng(seed)
        p = parameters(seed, block=block)
        before = {name: t.data.copy() for name, t in p.items()}
        context = rng.integers(0, 6, (batch, block))
        expected = reference_forward(p, context)
        got = ex.forward(p, context)
        expect_close(values(got), expected.data, what=f"forward on a ({batch}, {block}) context (seed {seed})")
        for name, t in p.items():
            expect_close(t.data, before[name], what=f"params[{name!r}] after forward (it must not change)")
        upstream = rng.standard_normal(expected.shape)
        want = gradients(expected, list(p.values()), upstream)
        have = gradients(got, list(p.values()), upstream)
        for name, w, h in zip(p, want, have):
            expect_close(h, w, what=f"the gradient of {name} through forward (seed {seed})")

    for_all(st.integers(0, 10_000), st.integers(1, 5), st.integers(1, 3), max_examples=25)(one_case)

    # And against central differences, entry by entry of W1, through the learner's own code.
    p = parameters(3, block=2, hidden=4)
    context = np.array([[1, 2], [3, 3], [0, 5]])
    weights = np.random.default_rng(3).standard_normal((3, 6))

    def loss_at(value: float, i: int, j: int) -> float:
        saved = p["W1"].data[i, j]
        p["W1"].data[i, j] = value
        out = float((values(ex.forward(p, context)) * weights).sum())
        p["W1"].data[i, j] = saved
        return out

    [grad] = gradients(ex.forward(p, context), [p["W1"]], weights)
    for i, j in [(0, 0), (2, 5), (3, 1)]:
        h = 1e-6
        numeric = (loss_at(p["W1"].data[i, j] + h, i, j) - loss_at(p["W1"].data[i, j] - h, i, j)) / (2 * h)
        if relative_error(grad[i, j], numeric) > 1e-5:
            expect_close(grad[i, j], numeric, what=f"dLoss/dW1[{i}, {j}] by backward() against central differences")


class WatchedSGD:
    """A stand-in optimizer: it records the gradients it is asked to apply, then takes a real SGD step."""

    def __init__(self, params: dict[str, Tensor], lr: float) -> None:
        self.params = params
        self.inner = SGD(list(params.values()), lr=lr)
        self.applied: list[dict[str, np.ndarray]] = []
        self.zeroed = 0

    def zero_grad(self) -> None:
        self.zeroed += 1
        self.inner.zero_grad()

    def step(self) -> None:
        self.applied.append({name: None if p.grad is None else np.array(p.grad, dtype=float)
                             for name, p in self.params.items()})
        self.inner.step()


@task("train-step", "One minibatch training step: clear, backward, update",
      hints=[
          "Three things happen in a step, and the order matters: what must .grad hold when the update reads it?",
          "The gradients left in .grad by an earlier step are not this batch's: get rid of them before backward().",
          "Return the loss as a plain float (loss.item()), measured before the parameters move.",
      ])
def check_train_step(ex):
    forward_is_right(ex, "train_step")
    lr = 0.1
    rng = np.random.default_rng(5)
    params = parameters(21, block=2)
    # Gradients left over from "an earlier step": the update must not see them.
    for p in params.values():
        p.grad = rng.standard_normal(p.shape)
    optimizer = WatchedSGD(params, lr)
    batches = [(rng.integers(0, 6, (4, 2)), rng.integers(0, 6, 4)) for _ in range(3)]
    for number, (context, targets) in enumerate(batches, start=1):
        kept = (context.copy(), targets.copy())
        twin = copy_of(params)
        loss = F.cross_entropy(reference_forward(twin, context), targets)
        loss.backward()
        want = {name: np.array(p.grad) for name, p in twin.items()}
        before = {name: p.data.copy() for name, p in params.items()}
        steps_before = len(optimizer.applied)
        got_loss = ex.train_step(params, optimizer, context, targets)
        where = f"step {number} of 3 on a batch of 4 (context {context.tolist()}, targets {targets.tolist()})"
        expect_equal(len(optimizer.applied) - steps_before, 1, what=f"optimizer.step() calls in {where}")
        applied = optimizer.applied[-1]
        for name in params:
            if applied[name] is None:
                raise Mismatch(f"params[{name!r}].grad when optimizer.step() ran, {where}",
                               expected="the gradient of this batch's loss", got="None: no gradient at all")
            expect_close(applied[name], want[name],
                         what=f"params[{name!r}].grad when optimizer.step() ran, {where}"
                              " (the gradient of this batch's mean cross-entropy, nothing else)")
            expect_close(params[name].data, before[name] - lr * want[name],
                         what=f"params[{name!r}] after {where}, with SGD at lr = {lr}")
        if not isinstance(got_loss, float):
            raise Mismatch(f"what train_step returns, {where}", expected="a float (the loss's .item())",
                           got=f"{type(got_loss).__name__}: {got_loss!r}")
        expect_close(got_loss, loss.item(), what=f"the loss train_step returns, {where} (before the update)")
        expect_equal([kept[0].tolist(), kept[1].tolist()], [context.tolist(), targets.tolist()],
                     what="the batch after train_step (it must not change)")

    # Zero logits: the loss is ln 27 whatever the targets.
    flat = {"table": Tensor(np.zeros((VOCAB, 2))), "W1": Tensor(np.zeros((3, 4))), "b1": Tensor(np.zeros(3)),
            "W2": Tensor(np.zeros((VOCAB, 3))), "b2": Tensor(np.zeros(VOCAB))}
    got_loss = ex.train_step(flat, WatchedSGD(flat, lr), np.array([[0, 5], [7, 7]]), np.array([3, 0]))
    expect_close(got_loss, math.log(VOCAB), what="train_step's loss when every logit is 0 (the uniform guess)")
