"""Section 4.2 exercise: cut names into training examples, then sample new names with a temperature.

Three tasks. Each function below raises NotImplementedError until you write it.
Check your work with:  learnpath exercise 4.2
Ask for a hint with:   learnpath hint 4.2 TASK_ID
Task ids: context-windows, softmax-temperature, sample-name.
When they all pass, `learnpath run 4.2 --mine` cuts the names into examples
and samples every name of the experiment with your code.

Tokens: 0 is '.', which marks both the start and the end of a name, and
'a'..'z' are 1..26, so there are 27 tokens. A bigram model here is a
(27, 27) table of logits: row i holds the scores of every next token after
token i (softmax of the row gives the probabilities).
"""

from __future__ import annotations

import numpy as np

ALPHABET = ".abcdefghijklmnopqrstuvwxyz"
TOKEN = {character: index for index, character in enumerate(ALPHABET)}
VOCAB = len(ALPHABET)  # 27


def context_windows(names: list[str], block_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Every prediction in the names as (context, target): X of shape (n, block_size), Y of shape (n,).

    Each letter of a name, and the '.' after its last letter, is one target.
    Its context is the block_size tokens just before it, where the name is
    taken to start after block_size '.' tokens. Both arrays hold integer
    token ids, predictions in the order they occur, name after name.

    Example: ["ab"] with block_size 3 gives three predictions,
    X = [[0, 0, 0], [0, 0, 1], [0, 1, 2]] and Y = [1, 2, 0]
    (". . ." before a, ". . a" before b, ". a b" before the end).
    """
    # TODO: slide a window of the last block_size tokens along each name.
    raise NotImplementedError("context_windows is not written yet")


def softmax_with_temperature(logits: np.ndarray, temperature: float) -> np.ndarray:
    """Probabilities from scores, along the last axis, at a temperature: the same shape as `logits`.

    The scores are divided by the temperature and then turned into
    probabilities that are positive and sum to 1 along the last axis. Any
    number of leading axes (one row, a table, a batch of tables) and scores
    as large as 1,000 must work. The caller's array is left unchanged.

    Example: logits [ln 0.8, ln 0.2] = [-0.2231, -1.6094] give [0.8, 0.2] at
    temperature 1, [0.941, 0.059] at 0.5 and [0.667, 0.333] at 2; logits
    [1000, 1000, 0] give [0.5, 0.5, 0.0] at temperature 1.
    """
    # TODO: scale, then softmax along the last axis, safely for large scores.
    raise NotImplementedError("softmax_with_temperature is not written yet")


def sample_name(logits: np.ndarray, temperature: float, rng: np.random.Generator, max_length: int = 50) -> str:
    """One name drawn from a bigram table of logits, one token at a time.

    Start with the current token 0. Each step turns the current token's row
    of `logits` into probabilities at this temperature (with
    softmax_with_temperature) and draws the next token from them with `rng`,
    a new random draw for every token. The name ends when the token drawn is
    0 (that '.' is not part of the name) or when it has max_length letters.

    Example: if row 0 gives all its probability to 'a', row 1 ('a') to 'b'
    and row 2 ('b') to '.', every call returns "ab", at any temperature.
    """
    # TODO: a loop that draws one token at a time.
    raise NotImplementedError("sample_name is not written yet")
