"""Section 1.1 (Value Objects): the experiment's claims, the overview's numbers and the quiz's answers."""

from __future__ import annotations

import contextlib
import io
import re

import numpy as np
import pytest

from learnpath.nn import Value

from sections import load_experiment, quiz_questions, quoted_code_missing, run_alone, section_dir

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
    """At their best h the central difference wins 1,143 times here; the constant-free model says eps**(-1/6), about 400."""
    figures, printed = run_main
    assert figures["advantage"] == figures["best_forward_error"] / figures["best_central_error"]
    assert f"{figures['advantage']:.0f}" == "1143"
    assert f"{figures['advantage']:.0f} times more accurate" in " ".join(printed.split())
    assert figures["model_advantage"] == pytest.approx(406, abs=1)
    overview = (section_dir(SECTION) / "overview.md").read_text(encoding="utf-8")
    assert "ε^(-1/6) ≈ 400" in overview and "≈ 1,143" in overview
    assert "2.53e-07 / 2.21e-10" in overview
    assert f"{figures['best_forward_error']:.2e} / {figures['best_central_error']:.2e}" == "2.53e-07 / 2.21e-10"


def test_nudge_table_and_tangent_table_in_the_overview():
    """The ratios 27.91, 27.0901, 27.009001 and the curve-versus-tangent table are what x**3 gives."""
    module = load_experiment(SECTION)
    for h, ratio in ((0.1, 27.91), (0.01, 27.0901), (0.001, 27.009001)):
        assert module.forward_difference(3.0, h) == pytest.approx(ratio, abs=1e-9)
    overview = (section_dir(SECTION) / "overview.md").read_text(encoding="utf-8")
    xs = [2.5, 2.9, 3, 3.1, 3.5]
    cubes = "| x³                    | 15.625 | 24.389 | 27 | 29.791 | 42.875 |"
    tangent = "| tangent 27 + 27(x - 3) | 13.5   | 24.3   | 27 | 29.7   | 40.5   |"
    assert cubes in overview and tangent in overview
    assert [float(c) for c in cubes.strip("|").split("|")[1:]] == pytest.approx([x**3 for x in xs])
    assert [float(c) for c in tangent.strip("|").split("|")[1:]] == pytest.approx([27 + 27 * (x - 3) for x in xs])


def test_local_derivative_table_in_the_overview():
    """The overview's table of local derivatives matches what Value records: 12 for 2**3, -0.5 and -1.5 for 6 / -2."""
    product = Value(2.0) * Value(5.0)
    assert product.local_grads == (5.0, 2.0) and (Value(2.1) * 5).data - product.data == pytest.approx(5 * 0.1)
    assert (Value(2.0) ** 3).local_grads == (12.0,)
    quotient = Value(6.0) / Value(-2.0)
    assert quotient.data == -3.0 and quotient.local_grads == (-0.5, -1.5)
    c = Value(3.0) * Value(-2.0)
    assert c.data == -6.0 and c.local_grads == (-2.0, 3.0)


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


def test_try_changing_x_after_the_fact_changes_nothing():
    """Setting x.data = 4 after y = x**3 leaves y.data and y.local_grads at 27."""
    x = Value(3.0)
    y = x**3
    x.data = 4.0
    assert y.data == 27.0 and y.local_grads == (27.0,)


def test_try_float32_moves_the_u_to_larger_h():
    """In float32 the central difference is best at 1e-2 (about 4.6e-5), forward at 1e-3, a ratio near 130, and tiny h gives error 27."""
    def f32(x):
        x = np.float32(x)
        return x * x * x

    figures = run_variant(f=f32)
    assert figures["best_central_h"] == 1e-2
    assert figures["best_central_error"] == pytest.approx(4.6e-5, rel=0.1)
    assert figures["best_forward_h"] == 1e-3
    assert figures["best_forward_error"] == pytest.approx(6e-3, rel=0.1)
    assert figures["advantage"] == pytest.approx(130, rel=0.05)
    assert figures["hs"][6] == 1e-7
    assert all(error == 27.0 for error in figures["central_errors"][6:] + figures["forward_errors"][6:])


def test_try_quadratic_has_no_central_truncation_error():
    """For x*x the central error at h = 0.1 is only rounding (about 5e-15) and the forward error is exactly h."""
    figures = run_variant(f=lambda x: x * x, EXACT=2 * 3.0)
    assert figures["central_errors"][0] < 1e-14
    assert figures["best_central_h"] == 1e-1
    central = figures["central_errors"]
    assert all(later >= earlier for earlier, later in zip(central, central[1:]))  # it only grows as h shrinks
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


def test_finer_sweep_gives_a_ratio_near_860():
    """With four steps per decade the central minimum stays at 1e-5 (2.2e-10), the forward one moves to 3e-8, a ratio of about 860."""
    figures = run_variant(STEPS=[10.0 ** (-k / 4) for k in range(4, 49)])
    assert figures["best_central_h"] == pytest.approx(1e-5)
    assert figures["best_central_error"] == pytest.approx(2.2e-10, rel=0.05)
    assert figures["best_forward_h"] == pytest.approx(10**-7.5)
    assert figures["advantage"] == pytest.approx(860, rel=0.01)


# ----------------------------------------------------------------------
# The quiz: every answer and key recomputed


def single_key_by_text(question_id: str, text: str) -> None:
    """The key of a single-choice question is the choice whose text is `text`."""
    question = quiz_questions(SECTION)[question_id]
    texts = {key: (choice["text"] if isinstance(choice, dict) else choice) for key, choice in question["choices"].items()}
    assert texts[question["answer"]] == text, question_id


def test_quiz_value_memory_is_what_value_records():
    """y = x * x holds data 9, parents (x, x), local_grads (3, 3) and grad 0, the keyed choice."""
    x = Value(3.0)
    y = x * x
    assert (y.data, y.parents, y.local_grads, y.grad) == (9.0, (x, x), (3.0, 3.0), 0.0)
    single_key_by_text("value-memory", "data 9.0, parents (x, x), local_grads (3.0, 3.0), grad 0.0")


def test_quiz_stale_data():
    """Setting x.data after y = x * x leaves y.data at 4."""
    x = Value(2.0)
    y = x * x
    x.data = 5.0
    assert_matches_key("stale-data", y.data)


def test_quiz_local_grads_of_mul_pow_div():
    """c = a * b records dc/db = a = -1.5; (-2)**4 records -32; 6 / -3 records -a/b**2 = -0.667 for the divisor."""
    assert_matches_key("mul-local-grads", (Value(-1.5) * Value(4.0)).local_grads[1])
    assert_matches_key("pow-local-grad", (Value(-2.0) ** 4).local_grads[0])
    assert_matches_key("div-local-grads", (Value(6.0) / Value(-3.0)).local_grads[1])
    # The nudge quoted in the explanation: 6 / -2.99 = -2.00669.
    assert 6 / -2.99 == pytest.approx(-2.00669, abs=1e-5)


def test_quiz_swapped_factors_is_wrong_exactly_when_the_factors_differ():
    """Storing (self.data, other.data) matches the true local derivatives only when the two factors are equal."""
    for a, b in ((2.0, 5.0), (-3.0, 4.0), (3.0, 3.0), (-2.0, -2.0)):
        right = (Value(a) * Value(b)).local_grads
        assert (right == (a, b)) == (a == b)
    single_key_by_text("swapped-factors", "Whenever the two factors hold different numbers")


def test_quiz_nudge_sensitivity():
    """The output change over the input change is -3."""
    assert_matches_key("nudge-sensitivity", (4.994 - 5.000) / (2.002 - 2.000))


def test_quiz_forward_difference_by_hand_and_the_forgotten_two():
    """Forward difference of x**2 at 3 with h = 0.1 is 6.1; dividing the central difference at 5 by h gives 20."""
    square = lambda x: x * x  # noqa: E731
    assert_matches_key("forward-by-hand", (square(3.1) - square(3.0)) / 0.1)
    buggy = (square(5.0 + 1e-3) - square(5.0 - 1e-3)) / 1e-3
    assert buggy == pytest.approx(2 * 10.0, abs=1e-6)
    assert_matches_key("forgot-the-two", buggy)


def test_quiz_u_curve_facts(run_main):
    """The statements keyed true in u-curve-facts are exactly the ones the measurements support."""
    figures, _ = run_main
    float32 = run_variant(f=lambda x: np.float32(x) * np.float32(x) * np.float32(x))
    errors = figures["central_errors"]
    truth = {
        "a": figures["best_central_h"] > figures["best_forward_h"],
        "b": figures["advantage"] > 100,
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


def test_quiz_past_the_bottom(run_main):
    """Only h = 1e-5 brings the central error below 1e-8; h = 1e-13, the forward difference and x**3 do not."""
    figures, _ = run_main
    module = load_experiment(SECTION)
    assert f"{figures['central_errors'][0]:.2e}" == "1.00e-02" and f"{figures['central_errors'][10]:.2e}" == "8.66e-05"

    def central(f, h):
        return abs((f(3.0 + h) - f(3.0 - h)) / (2 * h) - 27.0)

    cube = module.f
    assert central(cube, 1e-5) < 1e-8 and f"{central(cube, 1e-5):.0e}" == "2e-10"
    assert central(cube, 1e-13) > 1e-8 and f"{central(cube, 1e-13):.0e}" == "2e-02"
    assert f"{abs(module.forward_difference(3.0, 1e-11) - 27.0):.2e}" == "8.66e-05"
    assert f"{central(lambda x: x**3, 1e-11):.2e}" == "8.66e-05"
    # the bound quoted in the explanation: eps*|f| / 2h at h = 1e-11
    assert 2.220446049250313e-16 * 27 == pytest.approx(6e-15, rel=0.01)
    assert 6e-15 / 2e-11 == pytest.approx(3e-4)
    single_key_by_text("past-the-bottom",
                       "Use h = 1e-5: h² is 1e-10 there, and the rounding noise divided by 2h is still small")


def test_code_quoted_in_the_overview_is_in_value_py():
    """Every line of every code block under '## The code' in overview.md appears in learnpath/nn/value.py."""
    assert quoted_code_missing(SECTION, ["learnpath/nn/value.py"], under="## The code") == []


def test_your_turn_says_what_the_checks_try():
    """The overview says the checks try 0 and operands from 1e-200 to 1e200 and run backward() over each node; they do."""
    overview = " ".join((section_dir(SECTION) / "overview.md").read_text(encoding="utf-8").split())
    assert "on 0 and on operands from 1e-200 to 1e200, and runs `backward()` over each node" in overview
    checks = (section_dir(SECTION) / "exercise_checks.py").read_text(encoding="utf-8")
    for case in ("(0.0, 7.0)", "(1e200, 1e-200)", "(0.0, 0)", "got.backward()"):
        assert case in checks


def test_every_printed_line_fits_80_columns():
    """Run alone in an 80-column terminal, every line the experiment prints fits in 80 columns."""
    import os
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "experiment.py"], cwd=section_dir(SECTION), capture_output=True,
                            text=True, timeout=60, stdin=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
