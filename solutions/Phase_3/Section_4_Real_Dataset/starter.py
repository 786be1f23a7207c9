"""Section 3.4 exercise: the training loop, with an honest evaluation.

Three tasks; `learnpath exercise 3.4` checks them on small models and on the
digits, against a loop written in the checks.

    evaluate      loss and accuracy on a data set, without building a graph
    train-epoch   one pass over the training set in shuffled mini-batches
    fit           epochs of training with early stopping on a validation set

A model is a learnpath.nn Module (such as MLP(64, [32, 10])): model(X) gives
one row of class scores per row of X. Use learnpath.nn.functional.cross_entropy
for the loss and learnpath.nn.data.minibatches for the batches.
"""

from __future__ import annotations

import numpy as np

from learnpath.nn import no_grad
from learnpath.nn.data import minibatches
from learnpath.nn.functional import cross_entropy


def evaluate(model, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) of `model` on X with labels y, as two floats.

    Accuracy is the fraction of rows whose highest score is at the right class.
    Compute under `with no_grad():`, so that no graph is built: evaluation
    must never change the model, and a graph would only cost time and memory.

    Example: scores [[2, 0], [0, 1]] for labels [0, 0] give accuracy 0.5 and
    loss (-log softmax([2, 0])[0] - log softmax([0, 1])[0]) / 2 = (0.127 + 1.313) / 2 = 0.720.
    """
    # TODO: a few lines.
    raise NotImplementedError("evaluate: the loss and the accuracy, under no_grad")


def train_epoch(model, optimizer, X: np.ndarray, y: np.ndarray, batch_size: int, seed: int) -> float:
    """One epoch: every row of X once, in the shuffled batches of minibatches(len(X), batch_size, seed=seed).

    For each batch: the loss of the batch, clear the gradients, backward, one
    optimizer step. Clearing matters: backward() adds this batch's gradient
    to whatever each parameter's .grad already holds (as PyTorch does), so a
    loop that never clears them steps along the sum of every gradient so far.
    (The optimizer and the model both have a method that clears them.)
    Return the mean loss over the epoch's examples: each batch's loss counts
    in proportion to its size (the last batch may be smaller).

    Example: batches of 2, 2 and 1 rows with losses 0.5, 0.3 and 0.8 give
    (2 * 0.5 + 2 * 0.3 + 1 * 0.8) / 5 = 0.48.
    """
    # TODO: the loop over batches.
    raise NotImplementedError("train_epoch: loop over the mini-batches")


def fit(model, optimizer, X, y, X_val, y_val, epochs: int, patience: int, batch_size: int = 32) -> int:
    """Train with early stopping; return the best epoch (counting from 1) and leave the model there.

    Epoch e (1, 2, ...) is train_epoch(..., seed=e) followed by evaluate() on
    the validation set. Keep a copy of the model's parameters
    (model.state_dict()) whenever the validation loss is strictly lower than
    every earlier one. Stop after `epochs` epochs, or as soon as `patience`
    epochs in a row have not improved on the best. Before returning, put the
    best parameters back (model.load_state_dict(best)).

    Train on (X, y) in batches of batch_size; the validation set (X_val,
    y_val) is only ever evaluated, never trained on.

    Example: validation losses 0.9, 0.5, 0.6, 0.7 with patience 2 stop after
    epoch 4 and return 2, with the model as it was after epoch 2.
    """
    # TODO: the loop over epochs, remembering the best.
    raise NotImplementedError("fit: train, watch the validation loss, stop early")
