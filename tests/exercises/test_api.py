"""The checks API that exercise_checks.py files are written in: comparisons, for_all, gradient helpers."""

from __future__ import annotations

import numpy as np
import pytest

from learnpath.exercises import (
    Mismatch,
    central_difference,
    expect_close,
    expect_equal,
    for_all,
    relative_error,
    st,
    task,
)
from learnpath.exercises import api
from learnpath.exercises.api import NotStartedSignal


def test_expect_close_accepts_rounding_and_names_both_values_when_off():
    """Within tolerance passes; outside, the Mismatch carries what, expected and got as text."""
    expect_close(0.1 + 0.2, 0.3, what="a sum")
    with pytest.raises(Mismatch) as caught:
        expect_close(9.0, 6.0, what="double(3.0)")
    assert (caught.value.what, caught.value.expected, caught.value.got) == ("double(3.0)", "6.0", "9.0")
    assert str(caught.value) == "double(3.0): expected 6.0, got 9.0"


def test_expect_close_says_when_the_learner_returned_no_number():
    """None (a forgotten return) is reported as not a number, not as a TypeError."""
    with pytest.raises(Mismatch) as caught:
        expect_close(None, 6.0, what="double(3.0)")
    assert caught.value.got == "None, which is not a number"


def test_expect_close_on_arrays_points_at_the_element_furthest_off():
    """Arrays compare element by element; the message names the worst index and its values."""
    expect_close(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12]), what="grad")
    with pytest.raises(Mismatch) as caught:
        expect_close(np.array([[1.0, 2.0], [3.0, 5.0]]), np.array([[1.0, 2.0], [3.0, 4.0]]), what="grad")
    assert "index (1, 1)" in caught.value.what and "expected 4.0" in caught.value.what
    with pytest.raises(Mismatch) as caught:
        expect_close(np.zeros(3), np.zeros((3, 1)), what="grad")
    assert caught.value.expected == "an array of shape (3, 1)"
    assert caught.value.got == "an array of shape (3,)"


def test_expect_equal_tells_types_apart():
    """[1, 2] is not (1, 2): the message says which type the learner returned."""
    expect_equal([1, 2], [1, 2], what="order")
    expect_equal(3, 3.0, what="a count")  # numbers compare by value
    with pytest.raises(Mismatch) as caught:
        expect_equal((1, 2), [1, 2], what="order")
    assert "a tuple, not a list" in caught.value.got


def test_for_all_reports_the_simplest_failing_input_and_repeats():
    """A failure is shrunk to the simplest case and named by parameter; two runs agree."""

    def run_once():
        def one_case(x, y):
            expect_close(x + y if x < 5 else x - y, x + y, what="add")

        with pytest.raises(Mismatch) as caught:
            for_all(st.floats(0, 10), st.floats(1, 10))(one_case)
        return caught.value.input

    first = run_once()
    assert first == "x = 5.0, y = 1.0"
    assert run_once() == first


def test_for_all_stops_at_the_first_not_implemented():
    """A stub fails on every input, so for_all gives up at once instead of shrinking it."""
    calls = []

    def one_case(x):
        calls.append(x)
        raise NotImplementedError

    with pytest.raises(NotStartedSignal):
        for_all(st.floats(-1, 1), max_examples=100)(one_case)
    assert len(calls) == 1


def test_central_difference_and_relative_error():
    """The slope of x**3 at 2 is 12 to about h**2; relative_error is 0 for equal values."""
    slope = central_difference(lambda x: x ** 3, 2.0)
    assert abs(slope - 12.0) < 1e-6
    assert relative_error(12.0, 12.0) == 0.0
    assert relative_error(0.0, 0.0) == 0.0
    assert relative_error(1.0, 1.1) == pytest.approx(0.1 / 1.1)
    assert relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.2])) == pytest.approx(0.2 / 2.2)


def test_task_ids_must_be_lowercase_words_and_unique():
    """A malformed or repeated id is refused when the checks file is imported."""
    saved = list(api.REGISTERED)
    try:
        api.REGISTERED.clear()
        task("mul-grad", "Multiply")(lambda ex: None)
        with pytest.raises(ValueError):
            task("mul-grad", "Again")
        with pytest.raises(ValueError):
            task("Mul Grad", "Bad id")
        assert [t.id for t in api.REGISTERED] == ["mul-grad"]
    finally:
        api.REGISTERED[:] = saved
