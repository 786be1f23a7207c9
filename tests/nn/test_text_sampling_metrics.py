"""The character vocabulary, the two dataset builders, the three-way split, sampling, and the classification helpers."""

from __future__ import annotations

import numpy as np
import pytest

from learnpath.nn import CharVocab, accuracy, confusion_matrix
from learnpath.nn.data import train_dev_test_split
from learnpath.nn.sampling import generate, sample_next
from learnpath.nn.text import context_windows, drop_padding_columns, padded_sequences


def test_vocab_round_trips_and_keeps_end_at_zero():
    """encode/decode are inverse; the end token is id 0; an unknown character is named in the error."""
    vocab = CharVocab.from_words(["emma", "ava"])
    assert vocab.chars == [".", "a", "e", "m", "v"] and len(vocab) == 5 and vocab.end_id == 0
    assert vocab.decode(vocab.encode("mave")) == "mave"
    with pytest.raises(ValueError, match="'oz' not in the vocabulary"):
        vocab.encode("zoe")
    assert vocab.words(np.array([[0, 0, 1, 4, 1, 0, 3]])) == ["ava"]


def test_context_windows_match_the_makemore_recipe():
    """'ab' with block 3 gives windows ..., ..a, .ab predicting a, b, end."""
    vocab = CharVocab.from_words(["ab"])
    X, Y = context_windows(["ab"], vocab, 3)
    np.testing.assert_array_equal(X, [[0, 0, 0], [0, 0, 1], [0, 1, 2]])
    np.testing.assert_array_equal(Y, [1, 2, 0])


def test_padded_sequences_and_dropping_padding_columns():
    """X = end + word, Y = word + end, padding ignored in Y; a batch of short words loses its all-padding columns."""
    vocab = CharVocab.from_words(["abc", "b"])
    X, Y = padded_sequences(["abc", "b"], vocab)
    np.testing.assert_array_equal(X, [[0, 1, 2, 3], [0, 2, 0, 0]])
    np.testing.assert_array_equal(Y, [[1, 2, 3, 0], [2, 0, -100, -100]])
    xb, yb = drop_padding_columns(X[1:], Y[1:])
    np.testing.assert_array_equal(xb, [[0, 2]])
    np.testing.assert_array_equal(yb, [[2, 0]])


def test_three_way_split_is_a_seeded_partition():
    """train/dev/test are disjoint, cover everything, are 80/10/10 by default, and repeat with the seed."""
    items = [f"w{i}" for i in range(100)]
    train, dev, test = train_dev_test_split(items, seed=1)
    assert (len(train), len(dev), len(test)) == (80, 10, 10)
    assert sorted(train + dev + test) == sorted(items)
    assert train_dev_test_split(items, seed=1) == (train, dev, test)
    arr_train, _, _ = train_dev_test_split(np.arange(10))
    assert isinstance(arr_train, np.ndarray) and len(arr_train) == 8
    with pytest.raises(ValueError):
        train_dev_test_split(items, dev_fraction=0.6, test_fraction=0.5)


def test_sampling_follows_temperature_and_top_k():
    """Draws follow softmax(logits/T): top_k=1 is always the best; low temperature concentrates; a seed repeats."""
    logits = np.log(np.array([[0.5, 0.3, 0.2]]))
    rng = np.random.default_rng(0)
    draws = np.array([sample_next(logits, rng=rng)[0] for _ in range(4000)])
    np.testing.assert_allclose(np.bincount(draws, minlength=3) / 4000, [0.5, 0.3, 0.2], atol=0.03)
    assert all(sample_next(logits, top_k=1, rng=rng)[0] == 0 for _ in range(50))
    assert set(sample_next(np.repeat(logits, 200, 0), top_k=2, rng=rng)) <= {0, 1}
    cold = np.array([sample_next(logits, temperature=0.1, rng=rng)[0] for _ in range(500)])
    assert (cold == 0).mean() > 0.95
    a = sample_next(np.repeat(logits, 10, 0), rng=np.random.default_rng(5))
    b = sample_next(np.repeat(logits, 10, 0), rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="temperature"):
        sample_next(logits, temperature=0)


def test_generate_feeds_the_last_block_and_stops_at_the_end_token():
    """generate passes the last block_size ids to the model and pads finished rows with the stop token."""
    seen = []

    def model(ids):  # always predicts "previous id + 1", ending at 3 (the stop token)
        seen.append(ids.shape[1])
        nxt = np.minimum(ids[:, -1] + 1, 3)
        from learnpath.nn import Tensor

        return Tensor(np.log(np.eye(4)[nxt] + 1e-12))

    out = generate(model, np.array([[0], [2]]), 10, block_size=2, stop_token=3, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(out, [[0, 1, 2, 3], [2, 3, 3, 3]])
    assert seen == [1, 2, 2]


def test_accuracy_and_confusion_matrix():
    """accuracy takes labels or scores; confusion_matrix[true, predicted] counts, rows summing to class sizes."""
    targets = np.array([0, 1, 2, 2])
    scores = np.array([[2.0, 0, 0], [0, 0, 1], [0, 0, 3], [0, 5, 0]])
    assert accuracy(scores, targets) == 0.5
    assert accuracy(np.array([0, 1, 2, 0]), targets) == 0.75
    np.testing.assert_array_equal(confusion_matrix(scores, targets), [[1, 0, 0], [0, 0, 1], [0, 1, 1]])
    assert confusion_matrix(scores, targets, num_classes=4).shape == (4, 4)
