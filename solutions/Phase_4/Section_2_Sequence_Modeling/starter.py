"""Section 4.2 exercise: score a bigram model, then sample from it with a temperature.

Three tasks. Each function below raises NotImplementedError until you write it.
Check your work with:  learnpath exercise 4.2
Ask for a hint with:   learnpath hint 4.2 TASK_ID   (task ids: average-nll, temperature, sample-name)

A bigram table here is a (27, 27) NumPy array `probabilities`: row i is the
model's distribution over the next token after token i, so every row sums to 1.
Token 0 is '.', the start and end of a name; 'a'..'z' are tokens 1..26.
"""

from __future__ import annotations

import numpy as np

ALPHABET = ".abcdefghijklmnopqrstuvwxyz"
TOKEN = {character: index for index, character in enumerate(ALPHABET)}


def tokens_of(name: str) -> list[int]:
    """A name as the token sequence a bigram model reads: "ab" -> [0, 1, 2, 0]."""
    return [0] + [TOKEN[c] for c in name] + [0]


def average_nll(probabilities: np.ndarray, names: list[str]) -> float:
    """The average negative log-likelihood per predicted token of `names` under the table.

    Every pair of neighbouring tokens in tokens_of(name) is one prediction:
    "ab" is the three predictions . -> a, a -> b and b -> . . Add up
    -log(probabilities[previous, next]) over every prediction of every name,
    and divide by the number of predictions.

    Example: under the uniform table (every entry 1/27) any list of names
    scores ln 27 = 3.2958. With probabilities[0, 1] = 0.5 and
    probabilities[1, 0] = 0.25, the single name "a" scores
    (-ln 0.5 - ln 0.25) / 2 = 1.0397.
    """
    # TODO: loop over names and their neighbouring token pairs; return the mean of -log p.
    raise NotImplementedError("average_nll: write the average negative log-likelihood")


def apply_temperature(row: np.ndarray, temperature: float) -> np.ndarray:
    """A distribution made sharper (temperature < 1) or flatter (temperature > 1).

    Raise each probability to the power 1 / temperature, then divide by the
    total so the result sums to 1 again. temperature = 1 leaves the row as it is.

    Example: [0.8, 0.2] at temperature 0.5 becomes [0.64, 0.04] / 0.68
    = [0.941, 0.059]; at temperature 2 it becomes [0.667, 0.333].
    """
    # TODO: weights = row ** (1 / temperature); return the weights divided by their sum.
    raise NotImplementedError("apply_temperature: write p ** (1/T), renormalised")


def sample_name(probabilities: np.ndarray, temperature: float, rng: np.random.Generator) -> str:
    """One name drawn from the table: start at token 0, draw, draw again, stop at token 0.

    The current token starts as 0. Repeatedly: take the current token's row,
    apply the temperature (apply_temperature), draw the next token from that
    distribution with `rng` (np.searchsorted on the running total, or
    rng.choice(27, p=row): any correct draw passes), and stop when the token
    drawn is 0. Return the characters drawn before that final 0, joined.

    Example: if row 0 puts all its probability on 'a', row 1 ('a') all on 'b'
    and row 2 ('b') all on '.', every call returns "ab", at any temperature.
    """
    # TODO: a loop that draws one token at a time; the '.' that ends the name is not part of it.
    raise NotImplementedError("sample_name: write the sampling loop")
