"""Checks for the section 3.4 exercise: the learner's loop against one written here, on identical models."""

from __future__ import annotations

import numpy as np

import learnpath.nn.tensor as tensor_module
from learnpath.exercises import Mismatch, expect_close, expect_equal, for_all, st, task
from learnpath.nn import manual_seed, no_grad
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

    # Scores in the hundreds: exp(1000) overflows, so a softmax must be computed the stable way.
    fixed.weight.data[...] = [[500.0, 0.0], [0.0, 500.0]]
    loss, acc = ex.evaluate(fixed, np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([0, 0]))
    expect_close(loss, 250.0, rel=1e-9,
                 what="loss of scores [[1000, 0], [0, 500]] for labels [0, 0] (-log softmax: 0 and 500)")
    expect_close(acc, 0.5, what="accuracy of scores [[1000, 0], [0, 500]] for labels [0, 0]")

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


class _Scripted:
    """Stand-ins for train_epoch and evaluate that fit calls, and that check what fit gives them.

    The training set and the validation set are different and recognisable: every
    training pixel is 1.0, every validation pixel 2.0 (and their lengths differ).
    'Training' epoch e writes e into every weight, so the model's state says which
    epoch it came from. evaluate returns the scripted validation loss of the epoch
    just trained when it is given the validation set; given the training set it
    returns a training loss that keeps falling, so a fit that watches the wrong set
    stops at the wrong epoch.
    """

    def __init__(self, losses, batch_size):
        manual_seed(0)
        self.model = Linear(2, 2)
        self.optimizer = SGD(self.model.parameters(), lr=0.1)
        self.X, self.y = np.full((5, 2), 1.0), np.array([0, 1, 0, 1, 0])
        self.X_val, self.y_val = np.full((3, 2), 2.0), np.array([1, 1, 0])
        self.losses, self.batch_size = losses, batch_size
        self.trained = []

    @staticmethod
    def _which(X, y, known):
        for name, (kX, ky) in known.items():
            if X is kX and y is ky:
                return name
        return None

    def _sets(self):
        return {"the training set (X, y)": (self.X, self.y), "the validation set (X_val, y_val)": (self.X_val, self.y_val)}

    def train_epoch(self, model, optimizer, X, y, batch_size, seed):
        epoch = len(self.trained) + 1
        given = self._which(X, y, self._sets())
        if given != "the training set (X, y)":
            raise Mismatch(f"the data fit passed to train_epoch in epoch {epoch}",
                           expected="the training set (X, y)", got=given or "other arrays")
        if model is not self.model or optimizer is not self.optimizer:
            raise Mismatch(f"the model and optimizer fit passed to train_epoch in epoch {epoch}",
                           expected="fit's own model and optimizer", got="other objects")
        if batch_size != self.batch_size:
            raise Mismatch(f"batch_size fit passed to train_epoch in epoch {epoch}",
                           expected=self.batch_size, got=batch_size)
        if seed != epoch:
            raise Mismatch(f"seed fit passed to train_epoch in epoch {epoch}", expected=epoch, got=seed)
        self.trained.append(epoch)
        for p in model.parameters():
            p.data[...] = epoch
        return 0.0

    def evaluate(self, model, X, y):
        epoch = len(self.trained)
        given = self._which(X, y, self._sets())
        if given is None:
            raise Mismatch(f"the data fit passed to evaluate after epoch {epoch}",
                           expected="the validation set (X_val, y_val)", got="other arrays")
        if given == "the training set (X, y)":
            return 1.0 / (epoch + 1), 1.0  # falls every epoch: watching it never stops early
        return self.losses[epoch - 1], 0.0

    def run(self, ex, **batch):
        real = ex.train_epoch, ex.evaluate
        ex.train_epoch, ex.evaluate = self.train_epoch, self.evaluate
        try:
            best = ex.fit(self.model, self.optimizer, self.X, self.y, self.X_val, self.y_val,
                          epochs=len(self.losses), patience=2, **batch)
        finally:
            ex.train_epoch, ex.evaluate = real
        return best, self.trained, float(self.model.weight.data[0, 0])


def _scripted(ex, losses, batch_size=7):
    """fit run on the stand-ins: (the best epoch fit returned, the epochs trained, the epoch of the weights)."""
    script = _Scripted(losses, batch_size)
    return script.run(ex, batch_size=batch_size) if batch_size != 32 else script.run(ex)


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
             "Strictly lower counts as better; after the loop, the model must hold the best epoch's parameters again."])
def check_fit(ex):
    best, trained, weights_from = _scripted(ex, [0.9, 0.5, 0.6, 0.7, 0.1])
    expect_equal(best, 2, what="fit's best epoch for validation losses 0.9, 0.5, 0.6, 0.7, 0.1 with patience 2")
    expect_equal(trained, [1, 2, 3, 4], what="epochs trained for validation losses 0.9, 0.5, 0.6, 0.7, 0.1, patience 2")
    expect_equal(weights_from, 2.0, what="the epoch the model's final weights come from (the best one)")

    best, trained, _ = _scripted(ex, [0.9, 0.5, 0.5, 0.4, 0.3])
    expect_equal(best, 5, what="best epoch for 0.9, 0.5, 0.5, 0.4, 0.3 (an equal loss is not an improvement)")

    # Called without batch_size, fit trains in batches of 32, its default.
    best, trained, _ = _scripted(ex, [0.9, 0.5, 0.6], batch_size=32)
    expect_equal(trained, [1, 2, 3], what="epochs trained by fit(..., epochs=3, patience=2) without batch_size")

    def one_case(losses):
        expected_best, expected_trained = _expected_fit(losses, 2)
        best, trained, weights_from = _scripted(ex, losses)
        shown = ", ".join(f"{v:g}" for v in losses)
        expect_equal(best, expected_best, what=f"best epoch for validation losses {shown}, patience 2")
        expect_equal(trained, expected_trained, what=f"epochs trained for validation losses {shown}, patience 2")
        expect_equal(weights_from, float(expected_best), what=f"epoch of the final weights for losses {shown}")

    for_all(st.lists(st.integers(1, 9).map(lambda k: k / 10), min_size=1, max_size=8), max_examples=40)(one_case)

    _real_fit_check(ex)


def _learnable(seed: int, n: int, shift: float = 0.0):
    """Rows whose class follows from the features (plus noise), so training lowers the validation loss for a while."""
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 1.0, (n, 4))
    rule = np.array([[1.0, -1.0, 0.0], [0.0, 1.0, -1.0], [1.0, 0.0, 1.0], [-1.0, 1.0, 0.0]])
    y = (X @ rule + rng.normal(0.0, 1.0, (n, 3))).argmax(axis=1)
    return X + shift, y


def _real_fit_check(ex):
    """fit with the learner's own train_epoch and evaluate, against a loop written here."""
    X, y = _learnable(3, 24)
    X_val, y_val = _learnable(4, 10, shift=0.5)  # drawn apart, and shifted: a mix-up shows
    tiny_X, tiny_y = _data(5, 7)
    probe, probe_ref = _model(5), _model(5)
    got = ex.train_epoch(probe, SGD(probe.parameters(), lr=0.1), tiny_X, tiny_y, 3, 1)
    expected = _reference_epoch(probe_ref, SGD(probe_ref.parameters(), lr=0.1), tiny_X, tiny_y, 3, 1)
    if abs(got - expected) > 1e-9 * max(1.0, abs(expected)) or not all(
            np.allclose(p.data, q.data, rtol=1e-9, atol=1e-12)
            for p, q in zip(probe.parameters(), probe_ref.parameters())):
        raise Mismatch("fit calls your train_epoch, which is wrong: fix task train-epoch first "
                       "(one epoch of SGD lr 0.1 on 7 rows in batches of 3, seed 1: the mean loss)",
                       expected=expected, got=got)

    mine, theirs = _model(6), _model(6)
    # Here the validation loss is lowest after epoch 9 and fit stops after epoch 12 of 16.
    best = ex.fit(mine, Adam(mine.parameters(), lr=0.05), X, y, X_val, y_val, epochs=16, patience=3, batch_size=5)
    optimizer = Adam(theirs.parameters(), lr=0.05)
    best_loss, best_epoch, best_state = float("inf"), 0, theirs.state_dict()
    for epoch in range(1, 17):
        _reference_epoch(theirs, optimizer, X, y, 5, epoch)
        with no_grad():
            val_loss = cross_entropy(theirs(X_val), y_val).item()
        if val_loss < best_loss:
            best_loss, best_epoch, best_state = val_loss, epoch, theirs.state_dict()
        elif epoch - best_epoch >= 3:
            break
    theirs.load_state_dict(best_state)
    setting = ("fit on 24 training rows and 10 different validation rows, Adam lr 0.05, "
               "epochs 16, patience 3, batch_size 5")
    expect_equal(best, best_epoch, what=f"best epoch returned by {setting}")
    for (name, p), q in zip(mine.named_parameters(), theirs.parameters()):
        expect_close(p.data, q.data, rel=1e-9, abs=1e-12, what=f"{name} after {setting}")
