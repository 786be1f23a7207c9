"""Section 1.1 (Value Objects): the experiment's claims, the overview's numbers and the quiz's answers."""

from __future__ import annotations

import contextlib
import io
import re

import numpy as np
import pytest

from learnpath.nn import Value

from sections import load_experiment, quiz_questions, quoted_lines_missing, run_alone, section_dir

SECTION = "1.1"


def numeric_answer(question_id: str) -> tuple[float, float, float | None]:
    """The quiz's answer for a numeric question with its absolute and relative tolerances."""
    question = quiz_questions(SECTION)[question_id]
    assert question["type"] == "numeric"
    rel = question.get("rel_tolerance")
    return float(question["answer"]), float(question.get("tolerance", 1e-9)), None if rel is None else float(rel)


def assert_matches_key(question_id: str, recomputed: float) -> None:
    answer, tolerance, rel_tolerance = numeric_answer(question_id)
    allowed = max(tolerance, (rel_tolerance or 0.0) * abs(answer))
    assert abs(recomputed - answer) <= allowed, f"{question_id}: key {answer}, recomputed {recomputed}"


def run_variant(**changes):
    """main() of a fresh copy of the experiment with some module-level names replaced (a 'Try this')."""
    module = load_experiment(SECTION)
    for name, value in changes.items():
        setattr(module, name, value)
    with contextlib.redirect_stdout(io.StringIO()):
        return module.main()


# ----------------------------------------------------------------------
# The experiment


def test_experiment_runs_alone_in_its_folder():
    """`python experiment.py` run in the section folder exits 0 and prints all four steps."""
    result = run_alone(SECTION)
    assert result.returncode == 0, result.stderr
    for step in ("Step 1", "Step 2", "Step 3", "Step 4"):
        assert step in result.stdout


def test_value_remembers_op_parent_and_local_derivative(run_main):
    """y = x**3 at x = 3 holds 27, op '**3', one parent and the local derivative 3x**2 = 27."""
    figures, _ = run_main
    assert figures["value_data"] == 27.0
    assert figures["value_op"] == "**3"
    assert figures["value_parents"] == 1
    assert figures["value_local_grad"] == 27.0


def test_nudge_gives_the_sensitivity(run_main):
    """Nudging x by 0.001 moves y 27.009001 times as far (forward) and 27.000001 (central)."""
    figures, printed = run_main
    assert figures["nudge_forward"] == pytest.approx(27.009001, abs=1e-8)
    assert figures["nudge_central"] == pytest.approx(27.000001, abs=1e-8)
    assert "27.009001" in printed and "27.000001" in printed


def test_truncation_side_follows_the_cubic_formulas(run_main):
    """For h = 1e-1 .. 1e-4 the errors are 3x*h + h**2 (forward, within 0.1%) and h**2 (central, within 1%)."""
    figures, _ = run_main
    x = figures["x"]
    for h, err_f, err_c in list(zip(figures["hs"], figures["forward_errors"], figures["central_errors"]))[:4]:
        assert err_f == pytest.approx(3 * x * h + h * h, rel=1e-3)
        assert err_c == pytest.approx(h * h, rel=1e-2)
    assert figures["forward_errors"][0] == pytest.approx(0.91, abs=1e-9)
    assert figures["central_errors"][0] == pytest.approx(0.01, abs=1e-9)


def test_central_difference_bottoms_out_below_1e_minus_9(run_main):
    """The central difference is best at h = 1e-5 (within 1e-5..1e-6) with an error below 1e-9, about 2.2e-10."""
    figures, printed = run_main
    assert figures["best_central_h"] == 1e-5
    assert figures["best_central_error"] < 1e-9
    assert figures["best_central_error"] == pytest.approx(2.2e-10, rel=0.05)
    assert "2.2e-10" in printed


def test_forward_difference_bottoms_out_near_sqrt_epsilon(run_main):
    """The forward difference is best at h = 1e-8, near sqrt(eps) = 1.5e-8, with an error of about 2.5e-7."""
    figures, printed = run_main
    assert figures["best_forward_h"] == 1e-8
    assert figures["best_forward_error"] == pytest.approx(2.5e-7, rel=0.05)
    assert figures["model_forward_h"] == pytest.approx(1.5e-8, rel=0.01)
    assert figures["model_central_h"] == pytest.approx(6.1e-6, rel=0.01)
    assert "2.5e-07" in printed


def test_central_beats_forward_by_orders_of_magnitude(run_main):
    """At their best h, the central difference is about 1,100 times (three orders of magnitude) more accurate."""
    figures, printed = run_main
    assert figures["advantage"] == figures["best_forward_error"] / figures["best_central_error"]
    assert 1000 < figures["advantage"] < 1300
    assert f"{figures['advantage']:.0f} times more accurate" in printed


def test_rounding_side_rises_again(run_main):
    """Below the best h the error climbs: at 1e-12 the central error is about 24 times its value at 1e-2."""
    figures, _ = run_main
    central = figures["central_errors"]
    best = central.index(min(central))
    assert central[-1] > 1e6 * central[best]
    assert central[-1] / central[1] == pytest.approx(24, rel=0.05)


def test_the_step_itself_is_rounded(run_main):
    """Asking for h = 1e-12 at x = 3 actually steps by 1.000088900582341e-12."""
    figures, printed = run_main
    assert figures["step_taken_at_1e-12"] == 1.000088900582341e-12
    assert "1.000088900582341e-12" in printed


def test_overview_table_matches_the_measurements(run_main):
    """Every row of the error table in overview.md shows what the experiment measures, to three digits."""
    figures, _ = run_main
    overview = (section_dir(SECTION) / "overview.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (1e-\d+)\s*\| ([0-9.e+-]+)\s*\| \**([0-9.e+-]+)\**\s*\|$", overview.replace("**", ""), re.M)
    assert len(rows) >= 6
    measured = dict(zip(figures["hs"], zip(figures["forward_errors"], figures["central_errors"])))
    for h_text, forward_text, central_text in rows:
        err_f, err_c = measured[float(h_text)]
        assert f"{err_f:.2e}" == forward_text, h_text
        assert f"{err_c:.2e}" == central_text, h_text


def test_chart_is_printed(run_main):
    """The narrative includes the log-log chart with both series named."""
    _, printed = run_main
    assert "error of the estimated derivative of x**3 at x = 3" in printed
    assert "forward" in printed and "central" in printed


# ----------------------------------------------------------------------
# The "Try this" predictions in the overview


def test_try_float32_moves_the_u_to_larger_h():
    """In float32 the central difference is best at 1e-2 (about 5e-5), forward at 1e-3, and tiny h gives error 27."""
    def f32(x):
        x = np.float32(x)
        return x * x * x

    figures = run_variant(f=f32)
    assert figures["best_central_h"] == 1e-2
    assert figures["best_central_error"] == pytest.approx(4.6e-5, rel=0.1)
    assert figures["best_forward_h"] == 1e-3
    assert figures["best_forward_error"] == pytest.approx(6e-3, rel=0.1)
    assert all(error == pytest.approx(27.0) for error in figures["central_errors"][6:])


def test_try_quadratic_has_no_central_truncation_error():
    """For x*x the central error at h = 0.1 is only rounding (about 5e-15) and the forward error is exactly h."""
    figures = run_variant(f=lambda x: x * x, EXACT=2 * 3.0)
    assert figures["central_errors"][0] < 1e-14
    assert figures["best_central_h"] == 1e-1
    for h, err_f in list(zip(figures["hs"], figures["forward_errors"]))[:6]:
        assert err_f == pytest.approx(h, rel=1e-3)


def test_try_larger_x_raises_the_rounding_side():
    """At x = 300 the central difference is best at 1e-3 (about 7e-6) and beats forward only about 60 times."""
    figures = run_variant(X=300.0, EXACT=3 * 300.0**2)
    assert figures["central_errors"][0] == pytest.approx(0.01, rel=1e-4)
    assert figures["forward_errors"][0] == pytest.approx(90.0, rel=1e-3)
    assert figures["best_central_h"] == 1e-3
    assert figures["best_central_error"] == pytest.approx(7e-6, rel=0.1)
    assert figures["advantage"] == pytest.approx(60, rel=0.1)


def test_try_finer_sweep_keeps_the_minima():
    """With four steps per decade the central minimum stays at 1e-5 (2.2e-10), the forward one near 3e-8."""
    figures = run_variant(STEPS=[10.0 ** (-k / 4) for k in range(4, 49)])
    assert figures["best_central_h"] == pytest.approx(1e-5)
    assert figures["best_central_error"] == pytest.approx(2.2e-10, rel=0.05)
    assert figures["best_forward_h"] == pytest.approx(10**-7.5)
    assert figures["best_forward_error"] == pytest.approx(1.9e-7, rel=0.05)


# ----------------------------------------------------------------------
# The quiz: every answer recomputed


def test_quiz_nudge_sensitivity():
    """The output change over the input change is -3."""
    assert_matches_key("nudge-sensitivity", (4.994 - 5.000) / (2.002 - 2.000))


def test_quiz_value_memory_choice_is_what_value_records():
    """y = x * x really holds data 9, op '*', parents (x, x), local_grads (3, 3) and grad 0 (choice b)."""
    x = Value(3.0)
    y = x * x
    assert (y.data, y.op, y.parents, y.local_grads, y.grad) == (9.0, "*", (x, x), (3.0, 3.0), 0.0)
    assert quiz_questions(SECTION)["value-memory"]["answer"] == "b"


def test_quiz_mul_local_grads():
    """c = a * b records dc/db = a = -1.5."""
    c = Value(-1.5) * Value(4.0)
    assert_matches_key("mul-local-grads", c.local_grads[1])


def test_quiz_forward_and_central_by_hand():
    """For x**2 at 3 with h = 0.1 the forward difference is 6.1 and the central difference is 6."""
    square = lambda x: x * x  # noqa: E731
    assert_matches_key("forward-by-hand", (square(3.1) - square(3.0)) / 0.1)
    assert_matches_key("central-quadratic", (square(3.1) - square(2.9)) / 0.2)


def test_quiz_predict_central_error():
    """The experiment's own central difference at h = 1e-4 is off by 1e-8 (h**2)."""
    module = load_experiment(SECTION)
    assert_matches_key("predict-central-error", abs(module.central_difference(3.0, 1e-4) - 27.0))
    assert_matches_key("predict-central-error", 1e-4**2)


def test_quiz_forgot_the_two():
    """Dividing the central difference of x**2 at 5 by h instead of 2h gives 20, twice the slope."""
    square = lambda x: x * x  # noqa: E731
    buggy = (square(5.0 + 1e-3) - square(5.0 - 1e-3)) / 1e-3
    assert buggy == pytest.approx(2 * 10.0, abs=1e-6)
    assert_matches_key("forgot-the-two", buggy)


def test_quiz_u_curve_facts(run_main):
    """The statements marked true in u-curve-facts are exactly the ones the measurements support."""
    figures, _ = run_main
    float32 = run_variant(f=lambda x: np.float32(x) * np.float32(x) * np.float32(x))
    errors = figures["central_errors"]
    truth = {
        "a": figures["best_central_h"] > figures["best_forward_h"],
        "b": 500 < figures["advantage"] < 2000,
        "c": all(later <= earlier for earlier, later in zip(errors, errors[1:])),
        "d": abs(errors[0] - 0.01) < 1e-9,
        "e": float32["best_central_h"] < figures["best_central_h"],
    }
    expected = sorted(key for key, true in truth.items() if true)
    assert sorted(quiz_questions(SECTION)["u-curve-facts"]["answer"]) == expected


def test_quiz_order_by_error():
    """Sorting the four step sizes by measured central error gives the key's order."""
    module = load_experiment(SECTION)
    question = quiz_questions(SECTION)["order-by-error"]
    steps = {key: float(text.split("=")[1]) for key, text in question["choices"].items()}
    by_error = sorted(steps, key=lambda key: abs(module.central_difference(3.0, steps[key]) - 27.0))
    assert question["answer"] == by_error


def test_quiz_which_error_dominates(run_main):
    """At h = 1e-11 the central error is 8.66e-05, a million times more than truncation (h**2) explains."""
    figures, _ = run_main
    error = figures["central_errors"][10]
    assert f"{error:.2e}" == "8.66e-05"
    assert error > 1e6 * (1e-11) ** 2
    assert "rounding" in quiz_questions(SECTION)["which-error-dominates"]["answer"]


def test_code_quoted_in_the_overview_is_in_value_py():
    """Every line of every code block under '## The code' in overview.md appears in learnpath/nn/value.py."""
    assert quoted_lines_missing(SECTION, ["learnpath/nn/value.py"], under="## The code") == []
