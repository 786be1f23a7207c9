"""Data to learn from: small generated problems and two real data sets shipped with the course.

Generated sets (NumPy only, no scikit-learn) are made from a seed, so the same
call gives the same numbers on every machine and every run:

    make_xor, make_moons, make_circles, make_spirals   points in the plane with class labels
    make_addition, make_sequence_task                   integer token sequences for sequence models

Real sets are read from files in `datasets/` beside this module (see
datasets/SOURCES.md for where they come from); nothing is downloaded:

    load_digits   1,797 handwritten digits, 8x8 pixels
    load_names    32,033 given names

And helpers for training: `train_test_split`, `train_dev_test_split` and `minibatches`.

Points come back as float64 arrays of shape (n, 2), labels as int64 arrays of
shape (n,), so they go straight into a Tensor or, one row at a time, into Values.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from enum import Enum
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = [
    "SequenceTask",
    "make_xor",
    "make_moons",
    "make_circles",
    "make_spirals",
    "make_addition",
    "make_sequence_task",
    "load_digits",
    "load_names",
    "train_test_split",
    "train_dev_test_split",
    "minibatches",
]

DATASETS = Path(__file__).resolve().parent / "datasets"


def _check_count(name: str, value: int, smallest: int = 1) -> int:
    if int(value) != value or value < smallest:
        raise ValueError(f"{name} must be a whole number of at least {smallest}, got {value!r}")
    return int(value)


def _shuffled(rng: np.random.Generator, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same rows in a random order, so that any slice holds every class."""
    order = rng.permutation(len(y))
    return X[order], y[order]


def _two_classes(
    class_0: np.ndarray, class_1: np.ndarray, noise: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Two sets of exact points labelled 0 and 1, jittered by Gaussian noise, rows shuffled."""
    X = np.vstack([class_0, class_1])
    y = np.concatenate([np.zeros(len(class_0), dtype=np.int64), np.ones(len(class_1), dtype=np.int64)])
    rng = np.random.default_rng(seed)
    X = X + rng.normal(0.0, noise, X.shape)
    return _shuffled(rng, X, y)


# ---------------------------------------------------------------------------
# Points in the plane


def make_xor(n_samples: int = 4, noise: float = 0.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The XOR problem: label 1 when exactly one coordinate is 1.

    Row i sits at corner i % 4 of the unit square, in truth-table order
    (0,0) (0,1) (1,0) (1,1), plus Gaussian noise of standard deviation `noise`.
    The default (4 points, no noise) is the truth table itself: no straight
    line separates its labels 0 1 1 0, which is why a single neuron fails on it.
    """
    n = _check_count("n_samples", n_samples)
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    X = corners[np.arange(n) % 4]
    y = (X[:, 0] != X[:, 1]).astype(np.int64)
    rng = np.random.default_rng(seed)
    return X + rng.normal(0.0, noise, X.shape), y


def make_moons(n_samples: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: no straight line separates them, a small MLP can.

    Class 0 is the upper arc of the unit circle centred at (0, 0) (angles 0 to
    pi); class 1 is the same arc turned upside down and centred at (1, 0.5).
    Half the points (rounded down) are class 0, spaced evenly along the arc,
    then Gaussian noise of standard deviation `noise` moves each point. Rows
    are shuffled.
    """
    n = _check_count("n_samples", n_samples, smallest=2)
    n_upper = n // 2
    n_lower = n - n_upper
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n_lower)
    upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    return _two_classes(upper, lower, noise, seed)


def make_circles(
    n_samples: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A ring around a disc: class 0 on the circle of radius 1, class 1 on radius `factor`.

    Separable, but only by a curve; with noise 0 every point is exactly on
    its circle. Rows are shuffled.
    """
    n = _check_count("n_samples", n_samples, smallest=2)
    if not 0.0 < factor < 1.0:
        raise ValueError(f"factor is the inner radius and must be between 0 and 1, got {factor}")
    n_outer = n // 2
    n_inner = n - n_outer
    t_outer = np.linspace(0.0, 2 * np.pi, n_outer, endpoint=False)
    t_inner = np.linspace(0.0, 2 * np.pi, n_inner, endpoint=False)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = factor * np.column_stack([np.cos(t_inner), np.sin(t_inner)])
    return _two_classes(outer, inner, noise, seed)


def make_spirals(
    n_samples: int = 300, n_classes: int = 3, noise: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """`n_classes` arms winding out from the centre, one class per arm.

    Each arm starts at the origin and reaches radius 1 after turning 4
    radians; `noise` jitters the angle. The classes get n_samples // n_classes
    points each (the first few one more when it does not divide). Rows are
    shuffled.
    """
    n = _check_count("n_samples", n_samples)
    k = _check_count("n_classes", n_classes, smallest=2)
    if n < k:
        raise ValueError(f"n_samples ({n}) must be at least n_classes ({k}) so every arm has a point")
    rng = np.random.default_rng(seed)
    points, labels = [], []
    for arm in range(k):
        count = n // k + (1 if arm < n % k else 0)
        radius = np.linspace(0.0, 1.0, count)
        angle = np.linspace(4.0 * arm, 4.0 * (arm + 1), count) + rng.normal(0.0, noise, count)
        points.append(np.column_stack([radius * np.sin(angle), radius * np.cos(angle)]))
        labels.append(np.full(count, arm, dtype=np.int64))
    return _shuffled(rng, np.vstack(points), np.concatenate(labels))


# ---------------------------------------------------------------------------
# Token sequences


class SequenceTask(str, Enum):
    """What the target of make_sequence_task is, given the input sequence."""

    COPY = "copy"
    REVERSE = "reverse"
    SORT = "sort"


def make_addition(
    n_samples: int = 1000, n_digits: int = 2, seed: int = 0, *, reverse_sum: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Addition as sequences of digit tokens (0..9), for sequence models.

    Each row adds two random numbers a and b of up to `n_digits` digits.
    inputs[i] is the digits of a then the digits of b, each zero-padded to
    n_digits, most significant first: 47 + 5 with n_digits=2 is [4, 7, 0, 5].
    targets[i] is the digits of a + b zero-padded to n_digits + 1: [0, 5, 2].
    With reverse_sum the sum is written least significant digit first
    ([2, 5, 0]), the order in which carries are worked out, which makes the
    task easier for a model that writes one digit at a time.
    """
    n = _check_count("n_samples", n_samples)
    width = _check_count("n_digits", n_digits)
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 10**width, n)
    b = rng.integers(0, 10**width, n)
    inputs = np.hstack([_digits_of(a, width), _digits_of(b, width)])
    targets = _digits_of(a + b, width + 1)
    if reverse_sum:
        targets = targets[:, ::-1]
    return inputs, np.ascontiguousarray(targets)


def _digits_of(numbers: np.ndarray, width: int) -> np.ndarray:
    """Each number as `width` decimal digits, most significant first."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (numbers[:, None] // powers) % 10


def make_sequence_task(
    kind: SequenceTask | str = "copy",
    n_samples: int = 1000,
    length: int = 8,
    vocab_size: int = 10,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Random token sequences and what a model should answer: the same, reversed, or sorted.

    inputs is an int64 array (n_samples, length) of tokens 0..vocab_size-1;
    targets has the same shape. Copy needs memory, reverse needs position,
    sort needs comparing every token with every other: three steps up in
    difficulty for attention.
    """
    try:
        task = SequenceTask(kind)
    except ValueError:
        choices = ", ".join(repr(t.value) for t in SequenceTask)
        raise ValueError(f"unknown sequence task {kind!r}; choose one of {choices}") from None
    n = _check_count("n_samples", n_samples)
    size = _check_count("length", length)
    vocab = _check_count("vocab_size", vocab_size, smallest=2)
    rng = np.random.default_rng(seed)
    inputs = rng.integers(0, vocab, (n, size), dtype=np.int64)
    if task is SequenceTask.COPY:
        targets = inputs.copy()
    elif task is SequenceTask.REVERSE:
        targets = inputs[:, ::-1].copy()
    else:
        targets = np.sort(inputs, axis=1)
    return inputs, targets


# ---------------------------------------------------------------------------
# Real data shipped with the course


@lru_cache(maxsize=1)
def _digits_table() -> np.ndarray:
    # Read once per process; load_digits hands out copies so callers cannot spoil the cache.
    with gzip.open(DATASETS / "digits.csv.gz", "rt", encoding="ascii") as handle:
        return np.loadtxt(handle, delimiter=",", ndmin=2)


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """1,797 handwritten digits: X (1797, 64) float64 pixel intensities 0..16, y (1797,) int64 0..9.

    Row i of X is an 8x8 image read row by row; `X[i].reshape(8, 8)` gives it
    back, and `learnpath.nn.plot.digit(X[i])` draws it.
    """
    table = _digits_table()
    return table[:, :64].copy(), table[:, 64].astype(np.int64)


def load_names() -> list[str]:
    """32,033 given names, lowercase a to z, one per entry (for character-level models)."""
    text = (DATASETS / "names.txt").read_text(encoding="ascii")
    return [line.strip() for line in text.splitlines() if line.strip()]


# ---------------------------------------------------------------------------
# Helpers for training


def train_test_split(
    *arrays: np.ndarray, test_fraction: float = 0.2, seed: int = 0
) -> list[np.ndarray]:
    """Shuffle rows (the same way for every array) and cut off a test part.

    Returns train and test of each array in turn, like scikit-learn:
    `X_train, X_test, y_train, y_test = train_test_split(X, y)`. The test part
    has round(n * test_fraction) rows, at least one.
    """
    if not arrays:
        raise ValueError("give at least one array to split, e.g. train_test_split(X, y)")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    n = len(arrays[0])
    if any(len(a) != n for a in arrays):
        lengths = ", ".join(str(len(a)) for a in arrays)
        raise ValueError(f"the arrays must have the same number of rows, got {lengths}")
    if n < 2:
        raise ValueError(f"need at least 2 rows to split into train and test, got {n}")
    n_test = min(n - 1, max(1, round(n * test_fraction)))
    order = np.random.default_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    parts: list[np.ndarray] = []
    for a in arrays:
        a = np.asarray(a)
        parts += [a[train], a[test]]
    return parts


def train_dev_test_split(
    items, dev_fraction: float = 0.1, test_fraction: float = 0.1, seed: int = 0
) -> tuple:
    """Shuffle and cut into three parts: train (to fit), dev (to choose settings), test (to report once).

    `items` is an array (rows are split) or a list, such as the names; each part
    comes back the same kind. Dev and test get round(n * fraction) items each,
    at least one; train gets the rest (the default cut is 80/10/10, as in makemore).
    """
    n = len(items)
    if not (0.0 < dev_fraction < 1.0 and 0.0 < test_fraction < 1.0 and dev_fraction + test_fraction < 1.0):
        raise ValueError(f"dev_fraction and test_fraction must be in (0, 1) with a sum below 1, got {dev_fraction} and {test_fraction}")
    n_dev, n_test = max(1, round(n * dev_fraction)), max(1, round(n * test_fraction))
    if n - n_dev - n_test < 1:
        raise ValueError(f"{n} items are too few to split into train, dev and test")
    order = np.random.default_rng(seed).permutation(n)
    cuts = (order[: n - n_dev - n_test], order[n - n_dev - n_test : n - n_test], order[n - n_test :])
    if isinstance(items, np.ndarray):
        return tuple(items[part] for part in cuts)
    return tuple([items[i] for i in part] for part in cuts)


def minibatches(
    n: int, batch_size: int, *, seed: int | np.random.Generator = 0
) -> Iterator[np.ndarray]:
    """Index arrays for one epoch: every index 0..n-1 exactly once, shuffled, batch_size at a time.

    The last batch is smaller when batch_size does not divide n. Use the
    indices to pick rows: `for idx in minibatches(len(X), 32, seed=epoch): step(X[idx], y[idx])`.
    A different seed per epoch (or one Generator reused) gives a new order each epoch.
    """
    total = _check_count("n", n, smallest=0)
    size = _check_count("batch_size", batch_size)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    order = rng.permutation(total)
    # A generator expression, not `yield`, so that bad arguments fail here and not at the first batch.
    return (order[start : start + size] for start in range(0, total, size))
