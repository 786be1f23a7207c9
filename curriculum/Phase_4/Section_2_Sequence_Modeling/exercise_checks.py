"""Checks for the 4.2 exercise: windows against the library's, softmax on hard inputs, sampling by its statistics."""

from __future__ import annotations

import math

import numpy as np

from learnpath.exercises import Mismatch, expect_close, expect_equal, for_all, st, task
from learnpath.nn import CharVocab
from learnpath.nn.text import context_windows as library_windows

VOCAB = 27
LETTERS = "abcdefghijklmnopqrstuvwxyz"
ALPHABET = "." + LETTERS
DRAW_LIMIT = 200  # draws for one name: far more than any name of these checks needs


def reference_softmax(logits: np.ndarray, temperature: float) -> np.ndarray:
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    weights = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True)


def logits_table(rows: dict[int, dict[int, float]]) -> np.ndarray:
    """(27, 27) logits: the given rows get log-probabilities (-1e4 where a token is impossible); others are 0."""
    table = np.zeros((VOCAB, VOCAB))
    for row, entries in rows.items():
        table[row] = -1e4
        for column, p in entries.items():
            table[row, column] = math.log(p)
    return table


class CountingGenerator:
    """A seeded np.random.Generator that stops a sampling loop which has drawn far too often for one name."""

    def __init__(self, seed: int) -> None:
        self._rng = np.random.default_rng(seed)
        self.draws = 0

    def __getattr__(self, name: str):
        method = getattr(self._rng, name)

        def counted(*args, **kwargs):
            self.draws += 1
            if self.draws > DRAW_LIMIT:
                raise Mismatch(f"sample_name drew {DRAW_LIMIT} times for one name",
                               expected="one draw per token, and the name over at '.' or at max_length letters",
                               got="still drawing: does the loop stop at max_length, and move to the drawn token's row?")
            return method(*args, **kwargs)

        return counted


class CountedSoftmax:
    """Stands in for the learner's softmax_with_temperature inside sample_name: counts calls, checks the rows."""

    def __init__(self, own, table: np.ndarray, temperature: float) -> None:
        self.own, self.table, self.temperature, self.calls = own, table, temperature, 0

    def __call__(self, logits, temperature):
        self.calls += 1
        if self.calls > DRAW_LIMIT:
            raise Mismatch(f"sample_name called softmax_with_temperature {DRAW_LIMIT} times for one name",
                           expected="a name that ends at '.' or at max_length letters",
                           got="a loop that does not end: is max_length respected, and is every token a new draw?")
        scores = np.asarray(logits)
        whole = scores.shape == self.table.shape and np.array_equal(scores, self.table)
        one_row = scores.shape == (VOCAB,) and any(np.array_equal(scores, r) for r in self.table)
        if not (whole or one_row):
            raise Mismatch("what sample_name passes to softmax_with_temperature",
                           expected="a row of the logits table (27 scores), or the whole table",
                           got=f"an array of shape {scores.shape} whose numbers are not the table's"
                               " (changed before the call?)")
        if temperature != self.temperature:
            raise Mismatch("the temperature sample_name passes to softmax_with_temperature",
                           expected=self.temperature, got=temperature)
        return self.own(logits, temperature)


def draw_names(ex, table: np.ndarray, temperature: float, count: int, seed: int, max_length: int) -> list[str]:
    own = ex.softmax_with_temperature
    stand_in = CountedSoftmax(own, table, temperature)
    rng = CountingGenerator(seed)
    names = []
    ex.softmax_with_temperature = stand_in
    try:
        for _ in range(count):
            rng.draws = stand_in.calls = 0  # the limits are per name
            names.append(ex.sample_name(table, temperature, rng, max_length))
            if rng.draws == 0:
                raise Mismatch("the random numbers sample_name used", expected="draws from the rng it is given",
                               got=f"no call to rng for the name {names[-1]!r}: draw with rng, so a seed repeats a run")
    finally:
        ex.softmax_with_temperature = own
    return names


@task("context-windows", "Cut names into (context, next token) examples",
      hints=[
          "Write out ['ab'] with block_size 2 by hand: three targets, and the window before each.",
          "Before the first letter the window is all '.'; after each target, that target joins the window and its oldest token leaves.",
          "Store a copy of the window for each example: a list you keep changing afterwards changes every row that holds it.",
      ])
def check_context_windows(ex):
    X, Y = ex.context_windows(["ab"], 3)
    expect_equal(np.asarray(X).tolist(), [[0, 0, 0], [0, 0, 1], [0, 1, 2]], what="X of context_windows(['ab'], 3)")
    expect_equal(np.asarray(Y).tolist(), [1, 2, 0], what="Y of context_windows(['ab'], 3)")
    vocab = CharVocab(LETTERS)

    def one_case(names, block_size):
        kept = list(names)
        X, Y = ex.context_windows(names, block_size)
        want_X, want_Y = library_windows(names, vocab, block_size)
        X, Y = np.asarray(X), np.asarray(Y)
        expect_equal(X.shape, want_X.shape, what=f"the shape of X from context_windows({names!r}, {block_size})")
        expect_equal(Y.shape, want_Y.shape, what=f"the shape of Y from context_windows({names!r}, {block_size})")
        if X.dtype.kind not in "iu" or Y.dtype.kind not in "iu":
            raise Mismatch(f"the dtypes of context_windows({names!r}, {block_size})",
                           expected="integer token ids", got=f"X {X.dtype}, Y {Y.dtype}")
        expect_equal(X.tolist(), want_X.tolist(), what=f"X of context_windows({names!r}, {block_size})")
        expect_equal(Y.tolist(), want_Y.tolist(), what=f"Y of context_windows({names!r}, {block_size})")
        expect_equal(names, kept, what="the list of names after context_windows (it must not change)")

    names = st.lists(st.text(alphabet="abcxyz", min_size=1, max_size=7), min_size=1, max_size=5)
    for_all(names, st.integers(1, 5), max_examples=40)(one_case)


@task("softmax-temperature", "Probabilities at a temperature, safe for large scores and any shape",
      hints=[
          "Temperature acts on the scores, before they become probabilities; at temperature 1 this is a plain softmax.",
          "e to the power 1,000 is infinite in floating point; subtracting the same number from every score of a row changes no probability.",
          "Every reduction (the largest score, the total) is along the last axis only, kept as an axis so it lines up with the scores.",
      ])
def check_softmax_temperature(ex):
    row = np.log(np.array([0.8, 0.2]))
    for temperature, want in [(1.0, [0.8, 0.2]), (0.5, [0.64 / 0.68, 0.04 / 0.68]), (2.0, None)]:
        if want is None:
            want = np.sqrt([0.8, 0.2]) / np.sqrt([0.8, 0.2]).sum()
        expect_close(np.asarray(ex.softmax_with_temperature(row.copy(), temperature)), np.array(want),
                     what=f"softmax_with_temperature([ln 0.8, ln 0.2], {temperature})")

    big = np.array([1000.0, 1000.0, 0.0])
    expect_close(np.asarray(ex.softmax_with_temperature(big.copy(), 1.0)), np.array([0.5, 0.5, 0.0]),
                 what="softmax_with_temperature([1000, 1000, 0], 1.0) (e**1000 overflows)")
    cold = np.array([1000.0, 990.0, 0.0])
    expect_close(np.asarray(ex.softmax_with_temperature(cold.copy(), 0.25)), reference_softmax(cold, 0.25),
                 what="softmax_with_temperature([1000, 990, 0], 0.25) (the scaled scores reach 4,000)")
    huge = np.array([[800.0, 790.0, -1000.0], [-5000.0, -5001.0, -5003.0]])
    expect_close(np.asarray(ex.softmax_with_temperature(huge.copy(), 0.5)), reference_softmax(huge, 0.5),
                 what="softmax_with_temperature([[800, 790, -1000], [-5000, -5001, -5003]], 0.5)")

    def one_case(seed, temperature, scale):
        rng = np.random.default_rng(seed)
        # A batch of tables, 4 axes: every reduction must stay on the last one.
        logits = rng.standard_normal((2, 3, 4, 5)) * scale
        kept = logits.copy()
        expected = reference_softmax(logits, temperature)
        got = np.asarray(ex.softmax_with_temperature(logits, temperature))
        expect_close(logits, kept, what="the caller's logits after softmax_with_temperature (they must not change)")
        expect_equal(got.shape, logits.shape, what=f"the shape of softmax_with_temperature on a {logits.shape} array")
        expect_close(got, expected,
                     what=f"softmax_with_temperature(random (2, 3, 4, 5) scores of size about {scale} (seed {seed}),"
                          f" {temperature!r})")

    for_all(st.integers(0, 10_000), st.floats(0.25, 4.0), st.sampled_from([1.0, 30.0, 1000.0]),
            max_examples=40)(one_case)


def softmax_is_right(ex) -> None:
    """Before sampling: is softmax_with_temperature itself right, on one small case?"""
    logits = np.log(np.array([0.5, 0.3, 0.2]))
    try:
        got = np.asarray(ex.softmax_with_temperature(logits.copy(), 0.5))
    except NotImplementedError:
        raise
    except Exception as problem:
        raise Mismatch("sample_name calls your softmax_with_temperature, which fails: fix task softmax-temperature"
                       " first", expected=reference_softmax(logits, 0.5), got=repr(problem)) from None
    if got.shape != (3,) or not np.allclose(got, reference_softmax(logits, 0.5), rtol=1e-6):
        raise Mismatch("sample_name calls your softmax_with_temperature, which is wrong: fix task"
                       " softmax-temperature first", expected=reference_softmax(logits, 0.5), got=got,
                       input="logits = [ln 0.5, ln 0.3, ln 0.2], temperature = 0.5")


def expected_mean_length(stop: float, max_length: int) -> float:
    """Mean length when the first draw is always a letter and each later draw stops with probability `stop`."""
    return sum((1 - stop) ** (k - 1) for k in range(1, max_length + 1))


@task("sample-name", "Draw a name from the table, one token at a time",
      hints=[
          "The loop keeps a current token (0 at the start) and the letters drawn so far.",
          "Each token is drawn from the row of the token drawn just before it, after the temperature.",
          "Every token needs its own random draw from rng; the '.' that ends the name is not one of its letters.",
      ])
def check_sample_name(ex):
    softmax_is_right(ex)
    # A chain with no choice in it: . -> a -> b -> .
    certain = logits_table({0: {1: 1.0}, 1: {2: 1.0}, 2: {0: 1.0}})
    for temperature in (1.0, 0.5, 2.0):
        [got] = draw_names(ex, certain, temperature, 1, 0, 50)
        expect_equal(got, "ab", what=f"sample_name when . -> a -> b -> . are certain, at temperature {temperature}")

    # 'a' is always followed by 'a': only max_length ends the name.
    endless = logits_table({0: {1: 1.0}, 1: {1: 1.0}})
    [got] = draw_names(ex, endless, 1.0, 1, 0, 7)
    expect_equal(got, "aaaaaaa", what="sample_name with max_length = 7 when 'a' is always followed by 'a'")

    # After the first letter every draw is random again: '.', 'a' or 'b' after each letter.
    # A sampler that reuses one random number per name repeats the same choice and never stops.
    after_letter = {0: 0.5, 1: 0.3, 2: 0.2}
    table = logits_table({0: {1: 0.7, 2: 0.3}, 1: after_letter, 2: after_letter})
    count, max_length = 3000, 20
    for temperature in (1.0, 0.5, 2.0):
        weights = np.array([0.5, 0.3, 0.2]) ** (1 / temperature)
        stop, a_then = weights[0] / weights.sum(), weights[1] / weights.sum()
        first = np.array([0.7, 0.3]) ** (1 / temperature)
        first_a = first[0] / first.sum()
        names = draw_names(ex, table, temperature, count, 1, max_length)
        unexpected = sorted({n for n in names if not n or set(n) - {"a", "b"} or len(n) > max_length})
        if unexpected:
            raise Mismatch(f"sample_name at temperature {temperature} on a table of '.', 'a' and 'b'",
                           expected=f"names of 1 to {max_length} letters a and b", got=f"also {unexpected[:3]!r}")
        lengths = np.array([len(n) for n in names])
        where = f"{count:,} names at temperature {temperature}, where each letter is followed by '.' " \
                f"with probability {stop:.3f}"
        # With 3,000 names each tolerance below is over 5 standard errors of the share or mean it bounds.
        expect_close(float(np.mean([n[0] == "a" for n in names])), round(first_a, 4), abs=0.05, rel=0.0,
                     what=f"the share of names starting with 'a', {where}")
        expect_close(float(lengths.mean()), round(expected_mean_length(stop, max_length), 4), abs=0.15, rel=0.0,
                     what=f"the mean length of {where}")
        longer = [n for n in names if len(n) >= 2]
        expect_close(float(np.mean([n[1] == "a" for n in longer])), round(a_then / (1 - stop), 4), abs=0.06, rel=0.0,
                     what=f"the share of 'a' as the second letter, {where} (second letters are drawn afresh)")
        switched = np.mean([n[0] != n[1] for n in longer])
        p_switch = (first_a * (1 - a_then / (1 - stop)) + (1 - first_a) * a_then / (1 - stop))
        expect_close(float(switched), round(p_switch, 4), abs=0.06, rel=0.0,
                     what=f"the share of names whose second letter differs from the first, {where}")
