"""Checks for the section 3.4 exercise: the learner's loop against one written here, on identical models."""

from __future__ import annotations

import numpy as np

import learnpath.nn.tensor as tensor_module
from learnpath.exercises import expect_close, expect_equal, for_all, st, task
from learnpath.nn import manual_seed
from learnpath.nn.data import minibatches
from learnpath.nn.functional import cross_entropy
from learnpath.nn.layers import MLP, Linear
from learnpath.nn.optim import SGD, Adam


def _data(seed: int, n: int, features: int = 4, classes: int = 3):
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 1.0, (n, features)), rng.integers(0, classes, n)


def _model(seed: int):
    manual_seed(seed)
    return MLP(4, [8, 3])


class _Watched:
    """A model that notes whether a graph was being recorded each time it was called."""

    def __init__(self, model):
        self.model = model
        self.recording = []

    def __call__(self, X):
        self.recording.append(tensor_module._grad_enabled)
        return self.model(X)


@task("evaluate", "Loss and accuracy, without a graph",
      hints=["cross_entropy(scores, y) is already the mean over rows; .item() makes it a float.",
             "The guess for each row is the column with the highest score: argmax along axis 1.",
             "Put the forward pass inside `with no_grad():`."])
def check_evaluate(ex):
    manual_seed(0)
    fixed = Linear(2, 2)
    fixed.weight.data[...] = [[1.0, 0.0], [0.0, 1.0]]
    fixed.bias.data[...] = 0.0
    loss, acc = ex.evaluate(fixed, np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([0, 0]))
    expect_close(acc, 0.5, what="accuracy of scores [[2, 0], [0, 1]] for labels [0, 0]")
    expect_close(loss, 0.7201, rel=1e-3, what="loss of scores [[2, 0], [0, 1]] for labels [0, 0]")

    def one_case(seed, n):
        X, y = _data(seed, n)
        model = _Watched(_model(seed))
        loss, acc = ex.evaluate(model, X, y)
        scores = model.model(X)
        expect_close(loss, cross_entropy(scores, y).item(), rel=1e-12,
                     what=f"loss of a random MLP(4, [8, 3]) on {n} random rows (seed {seed})")
        expect_close(acc, float(np.mean(scores.data.argmax(axis=1) == y)), rel=1e-12,
                     what=f"accuracy of a random MLP(4, [8, 3]) on {n} random rows (seed {seed})")
        expect_equal(model.recording[:1], [False], what="was a graph being recorded when evaluate called the model?"
                     " (False means no_grad was on)")

    for_all(st.integers(0, 10_000), st.integers(1, 40), max_examples=25)(one_case)


def _reference_epoch(model, optimizer, X, y, batch_size, seed):
    total = 0.0
    for idx in minibatches(len(X), batch_size, seed=seed):
        loss = cross_entropy(model(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(idx)
    return total / len(X)


@task("train-epoch", "One epoch of mini-batch training",
      hints=[("minibatches(len(X), batch_size, seed=seed) yields arrays of row numbers;"
              " each picks one batch of X and y."),
             ("Each batch is one whole training step: its loss, clearing the old gradients,"
              " backward, the optimizer's step."),
             ("For the mean, weight each batch's loss by its number of rows,"
              " and divide by the number of rows at the end.")])
def check_train_epoch(ex):
    def one_case(seed, n, batch_size, use_adam):
        X, y = _data(seed, n)
        mine, theirs = _model(seed), _model(seed)
        make = (lambda ps: Adam(ps, lr=0.01)) if use_adam else (lambda ps: SGD(ps, lr=0.1, momentum=0.9))
        got = ex.train_epoch(mine, make(mine.parameters()), X, y, batch_size, seed)
        expected = _reference_epoch(theirs, make(theirs.parameters()), X, y, batch_size, seed)
        setting = (f"{n} rows, batches of {batch_size}, seed {seed}, "
                   f"{'Adam' if use_adam else 'SGD with momentum'}")
        expect_close(got, expected, rel=1e-9, what=f"mean training loss returned by train_epoch ({setting})")
        for (name, p), q in zip(mine.named_parameters(), theirs.parameters()):
            expect_close(p.data, q.data, rel=1e-9, abs=1e-12, what=f"{name} after one epoch ({setting})")

    one_case(0, 37, 8, True)  # 4 batches of 8 and one of 5
    for_all(st.integers(0, 10_000), st.integers(2, 40), st.integers(1, 16), st.booleans(), max_examples=20)(one_case)


def _scripted(ex, losses):
    """Replace train_epoch and evaluate so that fit sees the validation losses in `losses`.

    'Training' epoch e writes e into every weight, so the model's state says
    which epoch it came from. Returns (the best epoch fit returned, the epochs trained,
    the epoch the model's weights came from).
    """
    manual_seed(0)
    model = Linear(2, 2)
    trained = []

    def fake_train_epoch(model, optimizer, X, y, batch_size, seed):
        trained.append(seed)
        for p in model.parameters():
            p.data[...] = seed
        return 0.0

    def fake_evaluate(model, X, y):
        return losses[len(trained) - 1], 0.0

    real = ex.train_epoch, ex.evaluate
    ex.train_epoch, ex.evaluate = fake_train_epoch, fake_evaluate
    try:
        X, y = _data(0, 4, features=2, classes=2)
        best = ex.fit(model, SGD(model.parameters(), lr=0.1), X, y, X, y, epochs=len(losses), patience=2)
    finally:
        ex.train_epoch, ex.evaluate = real
    return best, trained, float(model.weight.data[0, 0])


def _expected_fit(losses, patience):
    best_loss, best_epoch, trained = float("inf"), 0, []
    for epoch in range(1, len(losses) + 1):
        trained.append(epoch)
        if losses[epoch - 1] < best_loss:
            best_loss, best_epoch = losses[epoch - 1], epoch
        elif epoch - best_epoch >= patience:
            break
    return best_epoch, trained


@task("fit", "Early stopping on a validation set",
      hints=["Track the best validation loss so far, its epoch and model.state_dict() at that epoch.",
             "Stop when the current epoch is `patience` epochs past the best one.",
             "Strictly lower counts as better; after the loop, model.load_state_dict(best)."])
def check_fit(ex):
    best, trained, weights_from = _scripted(ex, [0.9, 0.5, 0.6, 0.7, 0.1])
    expect_equal(best, 2, what="fit's best epoch for validation losses 0.9, 0.5, 0.6, 0.7, 0.1 with patience 2")
    expect_equal(trained, [1, 2, 3, 4], what="epochs trained for validation losses 0.9, 0.5, 0.6, 0.7, 0.1, patience 2")
    expect_equal(weights_from, 2.0, what="the epoch the model's final weights come from (the best one)")

    best, trained, _ = _scripted(ex, [0.9, 0.5, 0.5, 0.4, 0.3])
    expect_equal(best, 5, what="best epoch for 0.9, 0.5, 0.5, 0.4, 0.3 (an equal loss is not an improvement)")

    def one_case(losses):
        expected_best, expected_trained = _expected_fit(losses, 2)
        best, trained, weights_from = _scripted(ex, losses)
        shown = ", ".join(f"{v:g}" for v in losses)
        expect_equal(best, expected_best, what=f"best epoch for validation losses {shown}, patience 2")
        expect_equal(trained, expected_trained, what=f"epochs trained for validation losses {shown}, patience 2")
        expect_equal(weights_from, float(expected_best), what=f"epoch of the final weights for losses {shown}")

    for_all(st.lists(st.integers(1, 9).map(lambda k: k / 10), min_size=1, max_size=8), max_examples=40)(one_case)
