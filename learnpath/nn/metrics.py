"""How often a classifier is right, and which classes it mixes up."""

from __future__ import annotations

import numpy as np

from learnpath.nn.tensor import ArrayLike, Tensor


def _labels(predictions: ArrayLike, targets: np.ndarray) -> np.ndarray:
    # Scores (one column per class) become the class with the highest score.
    p = np.asarray(predictions.data if isinstance(predictions, Tensor) else predictions)
    if p.ndim == targets.ndim + 1:
        return p.argmax(axis=-1)
    if p.shape != targets.shape:
        raise ValueError(f"predictions have shape {p.shape}, targets {targets.shape}: give one label (or one row of scores) per target")
    return p.astype(np.int64)


def accuracy(predictions: ArrayLike, targets: ArrayLike) -> float:
    """The fraction of examples whose predicted class is the target: labels, or scores (argmax is taken)."""
    targets = np.asarray(targets)
    if targets.size == 0:
        raise ValueError("accuracy of no examples is undefined")
    return float((_labels(predictions, targets) == targets).mean())


def confusion_matrix(predictions: ArrayLike, targets: ArrayLike, num_classes: int | None = None) -> np.ndarray:
    """matrix[true, predicted] = how many examples of class `true` were predicted as `predicted`.

    The diagonal holds the right answers; a large entry off it names two
    classes the model confuses. Rows are true classes and columns predicted
    ones (scikit-learn's layout); predictions may be labels or scores.
    """
    targets = np.asarray(targets).astype(np.int64)
    labels = _labels(predictions, targets)
    n = num_classes if num_classes is not None else int(max(targets.max(), labels.max())) + 1
    matrix = np.zeros((n, n), dtype=np.int64)
    np.add.at(matrix, (targets.ravel(), labels.ravel()), 1)
    return matrix
