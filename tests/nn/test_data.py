"""Tests for learnpath.nn.data: generated sets are seeded and shaped as promised, shipped sets load whole."""

from __future__ import annotations

import numpy as np
import pytest

from learnpath.nn import data

POINT_MAKERS = [
    lambda seed: data.make_xor(100, noise=0.1, seed=seed),
    lambda seed: data.make_moons(100, noise=0.1, seed=seed),
    lambda seed: data.make_circles(100, noise=0.05, seed=seed),
    lambda seed: data.make_spirals(90, n_classes=3, noise=0.2, seed=seed),
]


@pytest.mark.parametrize("make", POINT_MAKERS, ids=["xor", "moons", "circles", "spirals"])
def test_point_sets_are_deterministic_and_typed(make):
    """The same seed gives identical arrays, another seed different ones; X is float64 (n, 2), y int64 (n,)."""
    X1, y1 = make(0)
    X2, y2 = make(0)
    X3, _ = make(1)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)
    assert X1.dtype == np.float64 and X1.shape[1] == 2 and X1.ndim == 2
    assert y1.dtype == np.int64 and y1.shape == (len(X1),)


@pytest.mark.parametrize("make", POINT_MAKERS, ids=["xor", "moons", "circles", "spirals"])
def test_point_sets_have_balanced_classes(make):
    """Every class gets the same number of points (to within one)."""
    _, y = make(0)
    counts = np.bincount(y)
    assert len(counts) >= 2 and counts.max() - counts.min() <= 1


def test_xor_default_is_the_truth_table():
    """make_xor() with no arguments is the four corners and labels 0 1 1 0."""
    X, y = data.make_xor()
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == [0, 1, 1, 0]


def test_moons_lie_on_their_arcs_without_noise():
    """With noise 0, class 0 is on the upper unit arc about (0, 0) and class 1 on the lower arc about (1, 0.5)."""
    X, y = data.make_moons(101, noise=0.0, seed=3)
    upper, lower = X[y == 0], X[y == 1]
    assert len(upper) == 50 and len(lower) == 51
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, atol=1e-12)
    assert (upper[:, 1] >= -1e-12).all()
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0, atol=1e-12)
    assert (lower[:, 1] <= 0.5 + 1e-12).all()


def test_moons_noise_moves_points_about_that_far():
    """With noise 0.1 the points sit about 0.1 (never wildly) off their arcs, and rows are mixed."""
    X, y = data.make_moons(2000, noise=0.1, seed=0)
    distance = np.where(
        y == 0, np.abs(np.hypot(X[:, 0], X[:, 1]) - 1), np.abs(np.hypot(X[:, 0] - 1, X[:, 1] - 0.5) - 1)
    )
    assert 0.04 < distance.mean() < 0.12
    assert 0.3 < y[:100].mean() < 0.7  # shuffled: the first rows are not all one class


def test_circles_radii():
    """With noise 0, class 0 points are at radius 1 and class 1 at radius `factor`."""
    X, y = data.make_circles(60, noise=0.0, factor=0.3, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], 0.3)


def test_spirals_have_k_classes_within_the_unit_disc():
    """make_spirals gives labels 0..k-1 and every point within radius 1 of the origin."""
    X, y = data.make_spirals(100, n_classes=4, noise=0.0, seed=0)
    assert sorted(set(y.tolist())) == [0, 1, 2, 3]
    assert np.hypot(X[:, 0], X[:, 1]).max() <= 1.0 + 1e-12


def test_addition_digits_spell_the_sum():
    """Reading the digit tokens back as numbers, the target is the sum of the two inputs."""
    inputs, targets = data.make_addition(200, n_digits=3, seed=5)
    assert inputs.shape == (200, 6) and targets.shape == (200, 4)
    assert inputs.min() >= 0 and inputs.max() <= 9

    def number(digits):
        return int("".join(str(d) for d in digits))

    for row_in, row_out in zip(inputs, targets):
        assert number(row_in[:3]) + number(row_in[3:]) == number(row_out)
    _, reversed_targets = data.make_addition(200, n_digits=3, seed=5, reverse_sum=True)
    assert np.array_equal(reversed_targets, targets[:, ::-1])


def test_sequence_tasks_are_what_they_say():
    """copy targets equal the inputs, reverse targets are reversed, sort targets are the inputs sorted."""
    for kind in ("copy", "reverse", "sort"):
        inputs, targets = data.make_sequence_task(kind, n_samples=50, length=7, vocab_size=5, seed=2)
        assert inputs.shape == targets.shape == (50, 7)
        assert inputs.dtype == np.int64 and 0 <= inputs.min() and inputs.max() < 5
        for row_in, row_out in zip(inputs.tolist(), targets.tolist()):
            expected = {"copy": row_in, "reverse": row_in[::-1], "sort": sorted(row_in)}[kind]
            assert row_out == expected
    again, _ = data.make_sequence_task("sort", n_samples=50, length=7, vocab_size=5, seed=2)
    assert np.array_equal(again, inputs)
    with pytest.raises(ValueError, match="'copy', 'reverse', 'sort'"):
        data.make_sequence_task("shuffle")


def test_load_digits_shape_range_and_labels():
    """The digits are 1,797 rows of 64 pixels in 0..16, labels 0..9 with 174 to 183 of each."""
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert X.min() == 0 and X.max() == 16
    assert y.dtype == np.int64 and sorted(set(y.tolist())) == list(range(10))
    counts = np.bincount(y)
    assert counts.min() == 174 and counts.max() == 183
    X[0, 0] = 99  # the caller's copy; the next load is untouched
    assert data.load_digits()[0][0, 0] == 0


def test_load_names_count_and_alphabet():
    """There are 32,033 names, all lowercase a to z, starting with emma."""
    names = data.load_names()
    assert len(names) == 32033
    assert names[0] == "emma"
    assert set("".join(names)) == set("abcdefghijklmnopqrstuvwxyz")


def test_train_test_split_partitions_rows_consistently():
    """Every row lands in exactly one part, X and y are cut the same way, and the seed fixes the cut."""
    X = np.arange(50, dtype=float).reshape(25, 2)
    y = np.arange(25)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_fraction=0.2, seed=1)
    assert len(X_test) == 5 and len(X_train) == 20
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(25))
    assert np.array_equal(X_train[:, 0] / 2, y_train) and np.array_equal(X_test[:, 0] / 2, y_test)
    again = data.train_test_split(X, y, test_fraction=0.2, seed=1)
    assert np.array_equal(again[3], y_test)
    with pytest.raises(ValueError, match="same number of rows"):
        data.train_test_split(X, y[:3])


def test_minibatches_cover_every_index_once():
    """One epoch of minibatches holds each index exactly once; only the last batch is smaller."""
    batches = list(data.minibatches(103, 10, seed=4))
    assert [len(b) for b in batches] == [10] * 10 + [3]
    everything = np.concatenate(batches)
    assert sorted(everything.tolist()) == list(range(103))
    assert everything.tolist() != list(range(103))  # shuffled
    assert all(np.array_equal(a, b) for a, b in zip(batches, data.minibatches(103, 10, seed=4)))
    other = np.concatenate(list(data.minibatches(103, 10, seed=5)))
    assert not np.array_equal(everything, other)
    with pytest.raises(ValueError, match="batch_size"):
        data.minibatches(10, 0)
