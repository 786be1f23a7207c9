"""Text as numbers: a character vocabulary and the two ways of cutting words into training examples.

A model reads integer ids, not letters. CharVocab gives each character an id,
with id 0 kept for a special end token ('.' by default) that marks both
where a word starts and where it stops: a model that learns to predict it
learns when a word is finished.

Two ways to turn words into (input, target) examples, both predicting each
next character:
- context_windows: a fixed window of the previous block_size characters
  predicts the next one (the character-level MLP of Bengio et al., 2003, as
  in makemore). Every character of every word is one example.
- padded_sequences: a whole word per row, input ".emma" and target "emma.",
  so a GPT predicts every position at once. Words have different lengths;
  shorter rows are padded, and their padded targets are ignore_index, which
  cross_entropy(..., ignore_index=) leaves out of the loss.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

IGNORE_INDEX = -100  # PyTorch's default ignore_index for cross_entropy


class CharVocab:
    """Characters <-> ids, id 0 being the end token. CharVocab.from_words(words) collects the characters."""

    end_id = 0

    def __init__(self, chars: Iterable[str], end: str = ".") -> None:
        chars = sorted(set(chars) - {end})
        if any(len(c) != 1 for c in chars) or len(end) != 1:
            raise ValueError("CharVocab takes single characters (and a single-character end token)")
        self.end = end
        self.chars = [end, *chars]  # the id of a character is its position here
        self.ids = {c: i for i, c in enumerate(self.chars)}

    @classmethod
    def from_words(cls, words: Iterable[str], end: str = ".") -> CharVocab:
        return cls((c for word in words for c in word), end)

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> list[int]:
        unknown = sorted({c for c in text if c not in self.ids})
        if unknown:
            raise ValueError(f"encode: {''.join(unknown)!r} not in the vocabulary {''.join(self.chars)!r}")
        return [self.ids[c] for c in text]

    def decode(self, ids: Iterable[int]) -> str:
        return "".join(self.chars[int(i)] for i in ids)

    def words(self, ids: np.ndarray) -> list[str]:
        """Each row of generated ids as a word: leading end tokens skipped, cut at the next end token."""
        result = []
        for row in np.atleast_2d(ids):
            text = self.decode(row).lstrip(self.end)
            result.append(text.split(self.end, 1)[0])
        return result

    def __repr__(self) -> str:
        return f"CharVocab({''.join(self.chars[1:])!r}, end={self.end!r})"


def context_windows(words: Sequence[str], vocab: CharVocab, block_size: int) -> tuple[np.ndarray, np.ndarray]:
    """X (n, block_size) ids of the previous characters, Y (n,) the id of the next one.

    A word starts from a window of end tokens, and its last example predicts
    the end token: "ab" with block_size 3 gives ... -> a, ..a -> b, .ab -> end.
    """
    if block_size < 1:
        raise ValueError(f"block_size must be at least 1, got {block_size}")
    inputs, targets = [], []
    for word in words:
        window = [vocab.end_id] * block_size
        for token in [*vocab.encode(word), vocab.end_id]:
            inputs.append(window)
            targets.append(token)
            window = [*window[1:], token]
    return np.array(inputs, dtype=np.int64).reshape(-1, block_size), np.array(targets, dtype=np.int64)


def padded_sequences(
    words: Sequence[str], vocab: CharVocab, ignore_index: int = IGNORE_INDEX
) -> tuple[np.ndarray, np.ndarray]:
    """X, Y of shape (n, longest word + 1): X = end + word, Y = word + end, padded after.

    Padding in X is the end token (any id would do: causal attention means
    the real positions never see it); padding in Y is ignore_index, so those
    positions add nothing to the loss.
    """
    width = max(len(w) for w in words) + 1
    X = np.full((len(words), width), vocab.end_id, dtype=np.int64)
    Y = np.full((len(words), width), ignore_index, dtype=np.int64)
    for row, word in enumerate(words):
        ids = vocab.encode(word)
        X[row, 1 : len(ids) + 1] = ids
        Y[row, : len(ids)] = ids
        Y[row, len(ids)] = vocab.end_id
    return X, Y


def drop_padding_columns(X: np.ndarray, Y: np.ndarray, ignore_index: int = IGNORE_INDEX) -> tuple[np.ndarray, np.ndarray]:
    """The batch cut after its last column that has a real target: no time is spent on pure padding.

    A batch of short names need not pay for the longest name in the data set.
    """
    real = (Y != ignore_index).any(axis=0)
    width = int(np.flatnonzero(real)[-1]) + 1 if real.any() else 0
    return X[:, :width], Y[:, :width]
