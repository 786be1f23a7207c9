"""Section 3.1 (Gradient Descent): every claim of the overview and every numeric quiz answer, recomputed."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from learnpath.nn import Value
from learnpath.nn.optim import SGD

from sections import load_experiment, numeric_key_check, quiz_questions, quoted_lines_missing, run_alone, section_dir

SECTION = "3.1"


@pytest.fixture(scope="module")
def experiment():
    return load_experiment(SECTION)


_assert_matches_key = numeric_key_check(SECTION)


def test_gradient_at_the_start_by_hand_and_by_backward(run_main):
    """At (10, 1), f = 100 and the gradient is (10, 100) both by the formula and by Value.backward()."""
    figures, printed = run_main
    assert figures["start_f"] == 100.0
    assert figures["start_gradient"] == (10.0, 100.0)
    assert figures["start_gradient_backward"] == (10.0, 100.0)
    prose = " ".join(printed.split())
    assert "10 times the slope along it" in prose and "10 times farther away along x" in prose


def test_converges_below_two_over_l_and_diverges_above(run_main):
    """2/L = 0.02; lr 0.019 has factor -0.9 on y and f = 1.08 after 100 steps; 0.021 has -1.1 and f = 9.5e9."""
    figures, printed = run_main
    assert figures["critical_lr"] == 0.02
    assert figures["below_factor_y"] == pytest.approx(-0.9)
    assert figures["above_factor_y"] == pytest.approx(-1.1)
    assert f"{figures['below_f_after_100']:.3g}" == "1.08"
    assert f"{figures['above_f_after_100']:.2g}" == "9.5e+09"
    assert "after 100 steps f = 1.08" in printed and "after 100 steps f = 9.5e+09" in printed


def test_iteration_counts_match_the_overview_table(run_main):
    """The table of updates until f < 1e-8: 11,161 ... 576 at 2/101, never at 0.02 and 0.021."""
    figures, printed = run_main
    counts = {round(lr, 6): n for lr, n in figures["steps_by_lr"].items()}
    assert counts == {0.001: 11161, 0.002: 5578, 0.005: 2228, 0.01: 1112, 0.015: 739, 0.019: 583,
                      round(2 / 101, 6): 576, 0.02: None, 0.021: None}
    assert figures["fastest_lr"] == pytest.approx(2 / 101, abs=1e-4) and figures["fastest_steps"] == 576
    overview = (section_dir(SECTION) / "overview.md").read_text(encoding="utf-8")
    for row in ("| 0.001   | 11,161", "| 0.019   | 583", "| 2/101   | 576", "| 0.02    | never", "| 0.021   | never"):
        assert row in overview
    assert "   583   " in printed and "never" in printed


def test_at_exactly_two_over_l_f_settles_towards_fifty(experiment):
    """With lr = 0.02, y alternates between 1 and -1 and f approaches 50 without going below it."""
    path = experiment.descend(experiment.START, 0.02, max_steps=2000)
    ys = [y for _, y in path]
    assert all(abs(abs(y) - 1.0) < 1e-9 for y in ys)
    fs = [experiment.valley(*p) for p in path]
    assert min(fs) >= 50.0 and fs[-1] == pytest.approx(50.0, abs=1e-9)


def test_count_falls_roughly_as_one_over_lr_in_the_slow_regime(run_main):
    """Up to 0.019, lr times the count stays within 10% of ln(1e-8 / 50) / -1 (about 11.1)."""
    figures, _ = run_main
    for lr, count in figures["steps_by_lr"].items():
        if lr <= 0.019:
            assert 10.0 < lr * count < 11.7


def test_loss_curve_diverged_run_grows_by_about_1_21_per_step(run_main):
    """The 0.021 run's f after 60 steps is about 1.21**60 times the y-part at the start."""
    figures, printed = run_main
    assert figures["diverged_f_after_60"] == pytest.approx(50 * 1.21**60, rel=0.01)
    assert "f(x, y) during descent" in printed


def test_path_zigzags_across_the_valley(run_main):
    """At lr 0.019 y changes sign at every step while x creeps from 10 to 6.81 in 20 steps."""
    figures, printed = run_main
    assert figures["zigzag_signs_of_y"] == [True, False, True, False, True, False]
    assert f"{figures['path_after_20'][0]:.2f}" == "6.81"
    assert "from 10 to 6.81" in " ".join(printed.split())
    assert figures["falls_at_every_step"] == {"lr 0.005": True, "lr 0.019": True, "lr 0.021": False}
    picture = printed.split("Step 5:")[1]
    assert "S" in picture and "+" in picture
    assert all(len(line) <= 80 for line in printed.splitlines())


def test_worked_example_one_step_at_lr_0_015(experiment):
    """One step from (10, 1) at lr 0.015 lands on (9.85, -0.5) with f = 61.01125."""
    path = experiment.descend(experiment.START, 0.015, max_steps=1)
    x, y = path[1]
    assert (x, y) == pytest.approx((9.85, -0.5))
    assert experiment.valley(x, y) == pytest.approx(61.01125)


def test_sgd_walks_the_same_path_as_the_experiment(experiment):
    """optim.SGD on two Values follows descend() exactly, step for step, at lr 0.019."""
    x, y = Value(10.0), Value(1.0)
    optimizer = SGD([x, y], lr=0.019)
    expected = experiment.descend(experiment.START, 0.019, max_steps=50)
    for point in expected[1:]:
        loss = (x * x + 100.0 * y * y) / 2.0
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        assert (x.data, y.data) == pytest.approx(point, rel=1e-12, abs=1e-15)


def test_a_rate_slightly_off_arrives_sooner_from_this_start(experiment):
    """From (10, 1), lr 0.01975 needs 560 updates where 2/101 needs 576."""
    assert experiment.steps_to_target(0.01975) == 560 and experiment.steps_to_target(2 / 101) == 576


def test_best_rate_is_two_over_one_plus_l_with_factor_99_over_101():
    """|1 - lr| and |1 - 100 lr| are equal at lr = 2/101, both 99/101 (about 0.980): the fastest rate."""
    lr = 2 / 101
    assert abs(1 - lr) == pytest.approx(99 / 101) and abs(1 - 100 * lr) == pytest.approx(99 / 101)
    grid = [i / 100_000 for i in range(1, 2000)]
    best = min(grid, key=lambda r: max(abs(1 - r), abs(1 - 100 * r)))
    assert best == pytest.approx(lr, abs=1e-5)


# ----------------------------------------------------------------------
# The quiz's numeric answers


def test_quiz_one_step_f(experiment):
    """One step at lr 0.01 from (10, 1) lands where f = 49.005."""
    path = experiment.descend(experiment.START, 0.01, max_steps=1)
    _assert_matches_key("one-step-f", experiment.valley(*path[1]))


def test_quiz_critical_rate():
    """Descent on (4x**2 + 25y**2)/2 converges at 0.079 and diverges at 0.081."""
    def final_f(lr: float) -> float:
        x, y = 1.0, 1.0
        for _ in range(3000):
            x, y = x - lr * 4 * x, y - lr * 25 * y
        return (4 * x * x + 25 * y * y) / 2

    assert final_f(0.079) < 1e-6 and final_f(0.081) > 1.0
    _assert_matches_key("critical-rate", 2 / 25)


def test_quiz_three_steps_y(experiment):
    """y after three steps at lr 0.015 from y = 1, by the experiment's own descend()."""
    path = experiment.descend((0.0, 1.0), 0.015, max_steps=3)
    _assert_matches_key("three-steps-y", path[3][1])


def test_quiz_best_rate_factor():
    """The smallest max(|1 - lr|, |1 - 9 lr|) over a fine grid of rates is the key, 0.8."""
    grid = [i / 100_000 for i in range(1, 22_000)]
    best = min(max(abs(1 - r), abs(1 - 9 * r)) for r in grid)
    _assert_matches_key("best-rate-factor", best)


def _quadratic_descent(curvatures, lr, start, steps):
    """Plain descent on f = sum(c * x**2) / 2, every point visited."""
    path = [tuple(start)]
    for _ in range(steps):
        path.append(tuple(x - lr * c * x for c, x in zip(curvatures, path[-1])))
    return path


def test_quiz_limit_value():
    """(x**2 + 4 y**2)/2 from (2, 3) at lr 0.5: y flips between 3 and -3 and f approaches 18."""
    path = _quadratic_descent((1.0, 4.0), 0.5, (2.0, 3.0), 200)
    fs = [(x * x + 4 * y * y) / 2 for x, y in path]
    assert all(abs(abs(y) - 3.0) < 1e-12 for _, y in path)
    _assert_matches_key("limit-value", fs[-1])


def test_quiz_near_the_limit(experiment):
    """lr 0.0199 needs 1,112 updates, more than 0.019's 583, because y's factor is -0.99."""
    assert experiment.steps_to_target(0.0199) == 1112 and experiment.steps_to_target(0.019) == 583
    question = quiz_questions(SECTION)["near-the-limit"]
    assert question["choices"][question["answer"]]["text"].startswith("More than 583")
    assert 1 - 100 * 0.0199 == pytest.approx(-0.99)


def test_quiz_visit_order(experiment):
    """x**2 from 1 at lr 0.75 visits 1, -0.5, 0.25, -0.125: the key's order."""
    path = _quadratic_descent((2.0,), 0.75, (1.0,), 3)
    question = quiz_questions(SECTION)["visit-order"]
    keyed = [float(question["choices"][k]) for k in question["answer"]]
    assert keyed == [p[0] for p in path]


def test_quiz_what_speeds_it():
    """Best worst-factor per step: 99/101 for the valley, x10 and turned; 24/26 with 25; 199/201 with 200."""
    import numpy as np

    def best_factor(hessian):
        curvatures = np.linalg.eigvalsh(np.asarray(hessian, dtype=float))
        lr = 2 / (curvatures.min() + curvatures.max())
        return max(abs(1 - lr * c) for c in curvatures)

    turn = np.sqrt(0.5) * np.array([[1.0, 1.0], [1.0, -1.0]])
    assert best_factor(np.diag([1.0, 100.0])) == pytest.approx(99 / 101)
    assert best_factor(np.diag([10.0, 1000.0])) == pytest.approx(99 / 101)
    assert best_factor(turn.T @ np.diag([1.0, 100.0]) @ turn) == pytest.approx(99 / 101)
    assert best_factor(np.diag([1.0, 25.0])) == pytest.approx(24 / 26)
    assert best_factor(np.diag([1.0, 200.0])) == pytest.approx(199 / 201)
    question = quiz_questions(SECTION)["what-speeds-it"]
    assert "25 y**2" in question["choices"][question["answer"]]["text"]


def test_quiz_diverging_statements(experiment):
    """At lr 0.021 x shrinks, |y| grows 10% per step with alternating sign, and from (10, 0) it converges."""
    path = experiment.descend(experiment.START, 0.021, max_steps=30)
    xs = [x for x, _ in path]
    ys = [y for _, y in path]
    assert all(b < a for a, b in zip(xs, xs[1:]))
    assert all(b / a == pytest.approx(-1.1) for a, b in zip(ys, ys[1:]))
    assert quiz_questions(SECTION)["diverging-statements"]["answer"] == ["a", "b", "c"]


# ----------------------------------------------------------------------
# The "Try this" outcomes


def test_try_start_on_the_floor(experiment, monkeypatch):
    """From (10, 0), lr 0.021 converges in 527 updates and lr 1 in a single one."""
    monkeypatch.setattr(experiment, "START", (10.0, 0.0))
    assert experiment.steps_to_target(0.021) == 527
    assert experiment.steps_to_target(1.0) == 1


def test_try_a_wider_valley(experiment, monkeypatch):
    """With STEEPNESS 10 the limit is 0.2 and the best rate 2/11 needs 56 updates."""
    monkeypatch.setattr(experiment, "STEEPNESS", 10.0)
    assert experiment.steps_to_target(2 / 11) == 56
    assert experiment.steps_to_target(0.199) is not None and experiment.steps_to_target(0.201) is None


def test_try_just_over_the_edge(experiment):
    """At lr 0.0201, f after 100 steps is about 367, above the starting 100."""
    path = experiment.descend(experiment.START, 0.0201, max_steps=100)
    assert len(path) == 101
    assert round(experiment.valley(*path[-1])) == 367


def test_try_a_wider_valley_in_the_script(tmp_path):
    """Editing STEEPNESS = 10.0 into the script, as the overview asks, prints a 56-update best rate."""
    source = (section_dir(SECTION) / "experiment.py").read_text(encoding="utf-8")
    assert source.count("STEEPNESS = 100.0") == 1
    script = tmp_path / "experiment.py"
    script.write_text(source.replace("STEEPNESS = 100.0", "STEEPNESS = 10.0"), encoding="utf-8")
    result = subprocess.run([sys.executable, script.name], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert "lr = 0.1818      56" in result.stdout


# ----------------------------------------------------------------------
# The files themselves


def test_experiment_runs_alone_in_its_folder():
    """`python experiment.py` in the section folder exits 0 and prints all five steps."""
    result = run_alone(SECTION)
    assert result.returncode == 0, result.stderr
    assert "== Step 5: The path over the contours" in result.stdout


def test_code_quoted_in_the_overview_is_in_the_library():
    """Every line the overview quotes appears in learnpath/nn/optim.py."""
    assert quoted_lines_missing(SECTION, ["learnpath/nn/optim.py"]) == []


def test_every_printed_number_is_finite_or_says_never(run_main):
    """No nan or inf leaks into the printed narrative: divergence is reported as "never"."""
    _, printed = run_main
    assert "nan" not in printed and "inf" not in printed.replace("infinity", "")
    assert math.isfinite(run_main[0]["above_f_after_100"])


def test_loss_falls_at_every_step_below_two_over_l_while_y_zigzags(experiment):
    """Below 2/L the loss falls at every step even where y changes sign every step (the zig-zag is in the parameters)."""
    for lr in (0.001, 0.01, 0.015, 0.019, 2 / 101, 0.0199):
        path = experiment.descend(experiment.START, lr, max_steps=3000)
        fs = [experiment.valley(*p) for p in path]
        assert all(b < a for a, b in zip(fs, fs[1:])), lr
    ys = [y for _, y in experiment.descend(experiment.START, 0.019, max_steps=50)]
    assert all(a * b < 0 for a, b in zip(ys, ys[1:]))
    overview = (section_dir(SECTION) / "overview.md").read_text(encoding="utf-8")
    assert "falls at every step\n  for every rate below 2/L" in overview


def test_divergence_ends_in_inf_then_nan(experiment):
    """At lr 0.021 f grows by a factor that settles at 1.21 (1.08 at the first step), overflows to inf,
    and the parameters then meet inf - inf: nan."""
    x, y = experiment.START
    fs, ys = [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(8000):
            fs.append(np.float64(experiment.valley(np.float64(x), np.float64(y))))
            ys.append(y)
            gx, gy = experiment.valley_gradient(np.float64(x), np.float64(y))
            x, y = x - 0.021 * gx, y - 0.021 * gy
    assert f"{fs[1] / fs[0]:.2f}" == "1.08" and f"{fs[60] / fs[59]:.2f}" == "1.21"
    first_inf = next(k for k, f in enumerate(fs) if math.isinf(f))
    assert all(math.isfinite(f) for f in fs[:first_inf])
    assert any(math.isnan(v) for v in ys[first_inf:])
