"""Section 2.4 (Loss Functions): every claim of the overview and every numeric quiz answer, recomputed."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from learnpath.nn import Value
from learnpath.nn.losses import binary_cross_entropy, cross_entropy, hinge, mse

from sections import assert_same_figures, figures_on_the_reference, load_experiment, numeric_key_check, quiz_questions, quoted_lines_missing, run_alone, section_dir

SECTION = "2.4"


def _experiment():
    return load_experiment(SECTION)


def test_three_binary_losses_and_their_slopes(run_main):
    """At z = -5: MSE 0.9867/-0.0132, BCE 5.0067/-0.9933, hinge 6/-1; at z = 3 hinge is 0 with slope 0, BCE 0.0486."""
    figures, _ = run_main
    assert [f"{v:.4f}" for v in figures["mse_-5"]] == ["0.9867", "-0.0132"]
    assert [f"{v:.4f}" for v in figures["bce_-5"]] == ["5.0067", "-0.9933"]
    assert figures["hinge_-5"] == (6.0, -1.0)
    assert figures["hinge_3"] == (0.0, 0.0)
    assert f"{figures['bce_3'][0]:.4f}" == "0.0486"
    # BCE's slope is p - 1 at every score, as the overview derives.
    for z in _experiment().SCORES:
        p = 1 / (1 + math.exp(-z))
        assert figures[f"bce_{z:g}"][1] == pytest.approx(p - 1, abs=1e-12)
        assert figures[f"mse_{z:g}"][1] == pytest.approx(2 * (p - 1) * p * (1 - p), abs=1e-12)


def test_softmax_cross_entropy_worked_example(run_main):
    """Logits (2, 1, -1), class 0: softmax (0.7054, 0.2595, 0.0351), loss 0.3490, gradient softmax - one-hot."""
    figures, _ = run_main
    assert [f"{p:.4f}" for p in figures["softmax"]] == ["0.7054", "0.2595", "0.0351"]
    assert f"{figures['ce_loss']:.4f}" == "0.3490"
    expected = [p - t for p, t in zip(figures["softmax"], [1.0, 0.0, 0.0])]
    assert figures["ce_grad"] == pytest.approx(expected, abs=1e-15)
    assert [f"{math.exp(v):.3f}" for v in (2, 1, -1)] == ["7.389", "2.718", "0.368"]
    assert f"{math.exp(2) + math.exp(1) + math.exp(-1):.3f}" == "10.475"


def test_large_logits_stay_finite(run_main):
    """Logits (1000, 0, -1000) with class 1: loss 1000 and gradient (1, -1, 0)."""
    figures, _ = run_main
    assert figures["big_ce_loss"] == 1000.0
    assert figures["big_ce_grad"] == [1.0, -1.0, 0.0]


def test_slow_learning_with_mse(run_main):
    """From z = -6: BCE passes 0.5 at step 7, MSE at step 214; MSE's p is still below 0.01 after 150 steps."""
    figures, _ = run_main
    assert figures["steps_to_half_bce"] == 7 and figures["steps_to_half_mse"] == 214
    history = _experiment().probability_history("MSE")
    assert history[150] < 0.01
    p = 1 / (1 + math.exp(6))
    assert f"{p:.4f}" == "0.0025" and f"{2 * (p - 1) * p * (1 - p):.4f}" == "-0.0049"
    assert 190 < (1 - p) / abs(2 * (p - 1) * p * (1 - p)) < 210  # "about 200 times larger"


def test_l2_matches_the_formula(run_main):
    """lambda 0, 0.1, 1 give w = 1.822413, 1.604328, 0.772421, within 1e-15 of Sxy/(Sxx + n lambda); b keeps the mean point."""
    figures, _ = run_main
    assert [f"{figures[f'l2_w_{k:g}']:.6f}" for k in (0.0, 0.1, 1.0)] == ["1.822413", "1.604328", "0.772421"]
    assert all(figures[f"l2_gap_{k:g}"] < 1e-15 for k in (0.0, 0.1, 1.0))
    experiment = _experiment()
    xs, ys = experiment.ridge_points()
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    bs = []
    for strength in (0.0, 0.1, 1.0):
        w, b = experiment.fit_with_l2(xs, ys, strength)
        assert w * mean_x + b == pytest.approx(mean_y, abs=1e-12)
        bs.append(b)
    assert [f"{b:.3f}" for b in bs] == ["0.992", "1.023", "1.142"]


def test_l2_penalty_gradient_is_two_lambda_w():
    """The penalty lambda * w**2 sends 2 * lambda * w back to w."""
    from learnpath.nn.losses import l2_penalty

    w = Value(1.5)
    l2_penalty([w], 0.3).backward()
    assert w.grad == pytest.approx(2 * 0.3 * 1.5)


def test_ln_k_check(run_main):
    """Zero logits give ln K exactly; a fresh MLP starts at 2.2704 (K=3) and 3.9409 (K=10); last layer x 0.01: 1.1013, 2.3045."""
    figures, _ = run_main
    ln3, zero3, fresh3, small3 = figures["lnk_3"]
    ln10, zero10, fresh10, small10 = figures["lnk_10"]
    assert f"{ln3:.4f}" == "1.0986" and f"{ln10:.4f}" == "2.3026"
    assert zero3 == pytest.approx(ln3, abs=1e-15) and zero10 == pytest.approx(ln10, abs=1e-15)
    assert (f"{fresh3:.4f}", f"{fresh10:.4f}") == ("2.2704", "3.9409")
    assert (f"{small3:.4f}", f"{small10:.4f}") == ("1.1013", "2.3045")


def test_forecaster_numbers():
    """-ln 0.1 = 2.3, -ln 0.01 = 4.6, -ln 0.5 = 0.69."""
    assert [f"{-math.log(p):.2g}" for p in (0.1, 0.01, 0.5)] == ["2.3", "4.6", "0.69"]


def test_hinge_with_zero_label_learns_nothing():
    """With label 0 the hinge loss is the constant 1 and its gradient is 0, as the common mistakes say."""
    z = Value(0.7)
    loss = hinge(z, 0.0)
    loss.backward()
    assert loss.data == 1.0 and z.grad == 0.0


def test_experiment_runs_alone_in_its_folder():
    """`python experiment.py` in the section folder exits 0 and prints every step."""
    result = run_alone(SECTION)
    assert result.returncode == 0, result.stderr
    assert "Step 5" in result.stdout


def test_code_quoted_in_the_overview_is_in_the_library():
    """Every line of Python the overview quotes appears in losses.py."""
    assert quoted_lines_missing(SECTION, ["learnpath/nn/losses.py"]) == []


# ----------------------------------------------------------------------
# Quiz keys


_assert_matches_key = numeric_key_check(SECTION)


def test_quiz_bce_confident_miss():
    """BCE of p = 0.3 with label 1 is the key."""
    _assert_matches_key("bce-confident-miss", binary_cross_entropy(Value(0.3), 1).data)


def test_quiz_mse_sigmoid_slope():
    """d (sigmoid(z) - 1)**2 / dz at z = 0 is the key."""
    z = Value(0.0)
    mse(z.sigmoid(), 1.0).backward()
    _assert_matches_key("mse-sigmoid-slope", z.grad)


def test_quiz_ce_other_class():
    """Cross-entropy of logits (2, 1, -1) with class 1 is the key."""
    _assert_matches_key("ce-other-class", cross_entropy([Value(2.0), Value(1.0), Value(-1.0)], 1).data)


def test_quiz_ce_gradient_entry():
    """d CE / d first logit for logits (1, 1), class 0, is the key."""
    row = [Value(1.0), Value(1.0)]
    cross_entropy(row, 0).backward()
    _assert_matches_key("ce-gradient-entry", row[0].grad)


def test_quiz_hinge_wrong_side():
    """Hinge loss of score 0.3 for label -1 is the key."""
    _assert_matches_key("hinge-wrong-side", hinge(Value(0.3), -1.0).data)


def test_quiz_untrained_five_classes():
    """Mean cross-entropy of equal logits over 5 classes is the key, whatever the labels."""
    rows = [[Value(0.5) for _ in range(5)] for _ in range(7)]
    _assert_matches_key("untrained-five-classes", cross_entropy(rows, [0, 3, 4, 2, 2, 1, 1]).data)


def test_fresh_network_loss_over_five_seeds(run_main):
    """Seeds 0-4: fresh MLP(4, [16, K]) at 1.7884-2.2704 (K=3), 3.1033-4.0699 (K=10); scaled 1.0963-1.1013, 2.3004-2.3052."""
    figures, _ = run_main
    assert [f"{v:.4f}" for v in figures["lnk_3_seed_range"]] == ["1.7884", "2.2704", "1.0963", "1.1013"]
    assert [f"{v:.4f}" for v in figures["lnk_10_seed_range"]] == ["3.1033", "4.0699", "2.3004", "2.3052"]
    # every fresh start is well above ln K, every scaled one within 0.01 of it
    assert figures["lnk_3_seed_range"][0] > math.log(3) + 0.5 and figures["lnk_10_seed_range"][0] > math.log(10) + 0.5
    assert abs(figures["lnk_3_seed_range"][2] - math.log(3)) < 0.01
    assert abs(figures["lnk_10_seed_range"][3] - math.log(10)) < 0.01


def test_try_many_classes_over_five_seeds():
    """K = 100, seeds 0-4: fresh 6.0789 to 6.3346, last layer x 0.01: 4.6043 to 4.6076."""
    experiment = _experiment()
    fresh = [experiment.untrained_loss(100, seed=seed) for seed in experiment.SEEDS]
    small = [experiment.untrained_loss(100, 0.01, seed=seed) for seed in experiment.SEEDS]
    assert (f"{min(fresh):.4f}", f"{max(fresh):.4f}") == ("6.0789", "6.3346")
    assert (f"{min(small):.4f}", f"{max(small):.4f}") == ("4.6043", "4.6076")


def test_quiz_stable_log_softmax():
    """Only the fully shifted form is finite at (1000, 0, -1000), t = 2; the others overflow or hit ln 0."""
    z, t = np.array([1000.0, 0.0, -1000.0]), 2
    m = z.max()
    with np.errstate(all="ignore"):
        forms = {
            "a": z[t] - m - np.log(np.sum(np.exp(z - m))),
            "b": np.log(np.exp(z[t]) / np.sum(np.exp(z))),
            "c": np.log((np.exp(z - m) / np.sum(np.exp(z - m)))[t]),
            "d": z[t] - np.log(np.sum(np.exp(z))),
        }
    finite = sorted(key for key, value in forms.items() if np.isfinite(value))
    assert finite == quiz_questions(SECTION)["stable-log-softmax"]["answer"]
    assert forms["a"] == -2000.0


# ----------------------------------------------------------------------
# The "Try this" outcomes at the end of the overview


def _steps_to_half(history):
    return next(i for i, p in enumerate(history) if p > 0.5)


def test_try_less_wrong():
    """From z = -2: MSE 8 steps, BCE 3; sigmoid(-2) = 0.12."""
    experiment = _experiment()
    assert _steps_to_half(experiment.probability_history("MSE", start=-2.0)) == 8
    assert _steps_to_half(experiment.probability_history("BCE", start=-2.0)) == 3
    assert f"{1 / (1 + math.exp(2)):.2f}" == "0.12"


def test_try_push_harder():
    """lr = 10: MSE 24 steps, BCE 1."""
    experiment = _experiment()
    assert _steps_to_half(experiment.probability_history("MSE", lr=10.0)) == 24
    assert _steps_to_half(experiment.probability_history("BCE", lr=10.0)) == 1


def test_try_strong_penalty():
    """lambda = 10 at lr 0.1 diverges to about -5.9e121 (curvature 21.5, limit 0.093); at lr 0.05 it lands on 0.1249."""
    experiment = _experiment()
    xs, ys = experiment.ridge_points()
    w, _ = experiment.fit_with_l2(xs, ys, 10.0)
    assert f"{w:.1e}" == "-5.9e+121"
    assert f"{experiment.ridge_slope(xs, ys, 10.0):.4f}" == "0.1249"
    hessian = np.array([[2 * np.mean(np.square(xs)) + 20, 2 * np.mean(xs)], [2 * np.mean(xs), 2.0]])
    steepest = np.linalg.eigvalsh(hessian).max()
    assert f"{steepest:.1f}" == "21.5" and f"{2 / steepest:.3f}" == "0.093"
    w, _ = experiment.fit_with_l2(xs, ys, 10.0, lr=0.05)
    assert f"{w:.4f}" == "0.1249"


def test_try_many_classes():
    """K = 100: ln 100 = 4.6052, fresh 6.1401, last layer x 0.01: 4.6076."""
    experiment = _experiment()
    assert f"{math.log(100):.4f}" == "4.6052"
    assert f"{experiment.untrained_loss(100):.4f}" == "6.1401"
    assert f"{experiment.untrained_loss(100, last_layer_scale=0.01):.4f}" == "4.6076"


def test_an_error_in_the_learners_loss_names_the_logits_it_raised_on(tmp_path, cli):
    """The ln(softmax) mistake raises ValueError at logits (1000, 0, -1000); the report says which logits."""
    import shutil

    from learnpath.catalog import load_catalog
    from learnpath.exercises.files import exercise_files

    root = Path(__file__).resolve().parents[2]
    catalog = load_catalog(root)
    section = next(s for s in catalog.sections if s.id == SECTION)
    copy = tmp_path / "course" / "curriculum" / section.path.relative_to(catalog.curriculum)
    shutil.copytree(section.path, copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(section.path.parent / "README.md", copy.parent / "README.md")
    reference = exercise_files(catalog, section).reference.read_text()
    right = "loss = log_total - logits[target]"
    assert right in reference
    (copy / "exercise.py").write_text(reference.replace(right, "loss = -math.log(softmax(logits)[target])"))
    result = cli(tmp_path / "course", "exercise", SECTION)
    assert result.exit_code != 0
    assert "math domain error" in result.stdout
    assert "logits = [1000.0, 0.0, -1000.0], target = 1" in result.stdout


def test_mse_step_is_bce_step_times_two_p_one_minus_p():
    """At any z, for a positive example, MSE-on-sigmoid's dLoss/dz is BCE's times 2p(1 - p), at most half of it."""
    for z0 in (-6.0, -2.0, 0.0, 1.5):
        slopes = []
        for loss_of in (lambda p: (p - 1.0) ** 2, lambda p: -(p.log())):
            z = Value(z0)
            loss_of(z.sigmoid()).backward()
            slopes.append(z.grad)
        p = 1 / (1 + math.exp(-z0))
        assert slopes[0] == pytest.approx(slopes[1] * 2 * p * (1 - p), rel=1e-12)
        assert abs(slopes[0]) <= 0.5 * abs(slopes[1])


def test_sigmoid_then_mse_at_minus_six():
    """At z = -6: p = 0.0025, MSE's slope -0.0049 against BCE's -0.9975, about 200 times larger (202.7)."""
    slopes = []
    for loss_of in (lambda p: (p - 1.0) ** 2, lambda p: -(p.log())):
        z = Value(-6.0)
        loss_of(z.sigmoid()).backward()
        slopes.append(z.grad)
    p = Value(-6.0).sigmoid().data
    assert f"{p:.4f}" == "0.0025"
    assert (f"{slopes[0]:.4f}", f"{slopes[1]:.4f}") == ("-0.0049", "-0.9975")
    assert round(slopes[1] / slopes[0], -2) == 200


def test_quiz_shift_by_magnitude():
    """Shifting by the logit of largest magnitude overflows exactly on the keyed rows."""
    question = quiz_questions(SECTION)["shift-by-magnitude"]
    overflows = []
    for key, choice in question["choices"].items():
        row = [float(v) for v in choice["text"].strip("[]").split(",")]
        m = max(row, key=abs)
        try:
            [math.exp(z - m) for z in row]
        except OverflowError:
            overflows.append(key)
    assert overflows == question["answer"]


def test_bce_with_logits_where_the_plain_form_fails(run_main):
    """Label 0: plain BCE on sigmoid(z) is 36.0437 at z = 36 (off by 0.04) and raises at 37; with logits
    every loss is z + ln(1 + e**-z) and the slope sigmoid(z) - 0."""
    figures, printed = run_main
    assert f"{figures['far_plain_36']:.4f}" == "36.0437" and figures["far_plain_37"] is None
    assert f"{figures['far_plain_error_36']:.2f}" == "0.04"
    for z in (30.0, 36.0, 37.0):
        loss, slope = figures[f"far_logits_{z:g}"]
        assert loss == pytest.approx(z + math.log1p(math.exp(-z)), rel=1e-15)
        assert slope == pytest.approx(1.0 / (1.0 + math.exp(-z)), rel=1e-15)
    assert [f"{v:.2e}" for v in figures["one_minus_sigmoid_36"]] == ["2.22e-16", "2.32e-16"]
    assert "ValueError (ln 0)" in printed
    # Below z = 36.7 sigmoid(z) is still below 1.0 as a float; at 37 it is exactly 1.0.
    from learnpath.nn.losses import binary_cross_entropy

    assert Value(37.0).sigmoid().data == 1.0 and Value(36.0).sigmoid().data < 1.0
    with pytest.raises(ValueError):
        binary_cross_entropy(Value(37.0).sigmoid(), 1.0)  # even the right label: ln(1 - p) is still formed


def test_bias_rises_because_mean_x_is_positive(run_main):
    """b = mean y - w * mean x for every lambda, and mean x = 0.1426 > 0, so b rises as w shrinks."""
    figures, _ = run_main
    assert f"{figures['ridge_mean_x']:.4f}" == "0.1426" and figures["ridge_mean_x"] > 0
    for strength in ("0", "0.1", "1"):
        assert figures[f"l2_b_gap_{strength}"] < 1e-12
    assert figures["l2_b_0"] < figures["l2_b_0.1"] < figures["l2_b_1"]


def test_training_loops_zero_gradients():
    """Both loops clear the gradients before backward()."""
    source = (section_dir(SECTION) / "experiment.py").read_text(encoding="utf-8")
    for name in ("probability_history", "fit_with_l2"):
        body = source.split(f"def {name}", 1)[1].split("\ndef ", 1)[0]
        assert body.index(".grad = 0.0") < body.index("loss.backward()"), name


def test_mine_reproduces_the_default_figures(monkeypatch, run_main):
    """With the reference exercise as the learner's code (--mine), main() gives every default figure to 1e-6."""
    mine, _ = figures_on_the_reference(SECTION, monkeypatch)
    assert mine["mine"] is True and run_main[0]["mine"] is False
    assert_same_figures(mine, run_main[0], abs=1e-6)
