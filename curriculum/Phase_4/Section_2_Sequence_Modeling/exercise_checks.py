"""Checks for the 4.2 exercise: each task against numbers worked out here, on fixed and drawn cases."""

from __future__ import annotations

import math

import numpy as np

from learnpath.exercises import Mismatch, expect_close, expect_equal, for_all, st, task

VOCAB = 27


def reference_nll(probabilities: np.ndarray, names: list[str]) -> float:
    """The average of -log p over every (previous, next) pair, '.' at both ends of each name."""
    logs = []
    for name in names:
        tokens = [0] + [ord(c) - ord("a") + 1 for c in name] + [0]
        logs += [math.log(probabilities[a, b]) for a, b in zip(tokens, tokens[1:])]
    return -sum(logs) / len(logs)


def random_table(seed: int) -> np.ndarray:
    """A (27, 27) table whose rows are random distributions with no zero entry."""
    rows = np.random.default_rng(seed).random((VOCAB, VOCAB)) + 0.05
    return rows / rows.sum(axis=1, keepdims=True)


def table_with(rows: dict[int, dict[int, float]]) -> np.ndarray:
    """A (27, 27) table with the given rows; every other row is uniform."""
    table = np.full((VOCAB, VOCAB), 1.0 / VOCAB)
    for row, entries in rows.items():
        table[row] = 0.0
        for column, p in entries.items():
            table[row, column] = p
    return table


class CountingGenerator:
    """A seeded np.random.Generator that stops a sampling loop which never ends the name."""

    LIMIT = 1000

    def __init__(self, seed: int) -> None:
        self._rng = np.random.default_rng(seed)
        self.draws = 0

    def __getattr__(self, name: str):
        method = getattr(self._rng, name)

        def counted(*args, **kwargs):
            self.draws += 1
            if self.draws > self.LIMIT:
                raise Mismatch(
                    "sample_name drew 1,000 tokens without the name ending",
                    expected="a '.' (token 0) to end the name within a few draws",
                    got="no end: does the loop move on to the row of the token it just drew?",
                )
            return method(*args, **kwargs)

        return counted


names_strategy = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8), min_size=1, max_size=5
)


@task("average-nll", "The average negative log-likelihood of names under a bigram table",
      hints=[
          "Turn each name into tokens with tokens_of(name); each neighbouring pair is one prediction.",
          "Every name gives one more prediction than it has letters: its last letter predicts '.'.",
          "Divide by the number of predictions over all names, not by the number of names.",
      ])
def check_average_nll(ex):
    uniform = np.full((VOCAB, VOCAB), 1.0 / VOCAB)
    got = ex.average_nll(uniform, ["emma", "ava"])
    expect_close(got, math.log(VOCAB), what="average_nll(uniform table, ['emma', 'ava'])")

    table = table_with({0: {1: 0.5, 2: 0.5}, 1: {0: 0.25, 1: 0.75}})
    expect_close(ex.average_nll(table, ["a"]), (-math.log(0.5) - math.log(0.25)) / 2,
                 what="average_nll of ['a'] with P(a after .) = 0.5 and P(. after a) = 0.25")
    expect_close(ex.average_nll(table, ["a", "aaa"]), reference_nll(table, ["a", "aaa"]),
                 what="average_nll of ['a', 'aaa'] (2 + 4 predictions, averaged over all 6)")

    def one_case(seed, names):
        probabilities = random_table(seed)
        expect_close(ex.average_nll(probabilities, names), reference_nll(probabilities, names),
                     what=f"average_nll(random_table({seed}), {names!r})")

    for_all(st.integers(0, 10_000), names_strategy, max_examples=40)(one_case)


@task("temperature", "Sharpen or flatten a distribution with a temperature",
      hints=[
          "At temperature 1 the row must come back unchanged; at a small temperature the largest entry should take over.",
          "Raise every probability to the power 1 / temperature, then make the row sum to 1.",
      ])
def check_temperature(ex):
    row = np.array([0.8, 0.2])
    expect_close(np.asarray(ex.apply_temperature(row, 0.5)), np.array([0.64, 0.04]) / 0.68,
                 what="apply_temperature([0.8, 0.2], 0.5)")
    expect_close(np.asarray(ex.apply_temperature(row, 2.0)), np.sqrt(row) / np.sqrt(row).sum(),
                 what="apply_temperature([0.8, 0.2], 2.0)")

    def one_case(seed, temperature):
        weights = np.random.default_rng(seed).random(VOCAB) + 0.01
        row = weights / weights.sum()
        expected = row ** (1.0 / temperature)
        expected /= expected.sum()
        got = np.asarray(ex.apply_temperature(row.copy(), temperature))
        expect_close(got, expected, what=f"apply_temperature(a random row of 27 (seed {seed}), {temperature!r})")
        expect_close(float(got.sum()), 1.0, what=f"the sum of apply_temperature(row, {temperature!r})")

    for_all(st.integers(0, 10_000), st.floats(0.25, 4.0), max_examples=40)(one_case)


@task("sample-name", "Draw a name from the table, one token at a time",
      hints=[
          "The loop needs a current token (0 at the start) and a list of characters drawn so far.",
          "Each draw uses the row of the token just drawn, after apply_temperature.",
          "Check for token 0 before you add a character: the '.' that ends the name is not a letter of it.",
      ])
def check_sample_name(ex):
    # A chain with no choice in it: . -> a -> b -> .
    certain = table_with({0: {1: 1.0}, 1: {2: 1.0}, 2: {0: 1.0}})
    for temperature in (1.0, 0.5, 2.0):
        got = ex.sample_name(certain, temperature, CountingGenerator(0))
        expect_equal(got, "ab", what=f"sample_name when . -> a -> b -> . are certain, at temperature {temperature}")

    # One real choice: after '.', 'a' with 0.6, 'b' with 0.2 and '.' itself with 0.2; then the name ends.
    choice = table_with({0: {1: 0.6, 2: 0.2, 0: 0.2}, 1: {0: 1.0}, 2: {0: 1.0}})
    draws = 4000
    for temperature in (1.0, 0.5, 2.0):
        weights = np.array([0.2, 0.6, 0.2]) ** (1.0 / temperature)
        expected = dict(zip(["", "a", "b"], weights / weights.sum()))
        rng = CountingGenerator(1)
        names = []
        for _ in range(draws):
            rng.draws = 0  # the limit is per name
            names.append(ex.sample_name(choice, temperature, rng))
        unexpected = sorted(set(names) - set(expected))
        if unexpected:
            raise Mismatch(f"sample_name at temperature {temperature} where . -> a, b or . then the name ends",
                           expected="only '', 'a' or 'b'", got=f"also {unexpected[:3]!r}")
        # 4,000 draws: the share of 'a' is within 0.03 of its probability except about once in 10,000 runs.
        share = names.count("a") / draws
        expect_close(share, expected["a"], abs=0.03, rel=0.0,
                     what=f"the share of 'a' in {draws:,} samples at temperature {temperature}"
                          f" (P = 0.6 at temperature 1)")
