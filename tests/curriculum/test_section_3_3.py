"""Section 3.3 (Optimization): every claim of the overview and every numeric quiz answer, recomputed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from learnpath.nn import Tensor, Value, accuracy
from learnpath.nn.optim import SGD, Adam

from sections import assert_same_figures, figures_on_the_reference, load_experiment, numeric_key_check, quiz_questions, quoted_lines_missing, run_alone, section_dir

SECTION = "3.3"


@pytest.fixture(scope="module")
def experiment():
    return load_experiment(SECTION)


_assert_matches_key = numeric_key_check(SECTION)


def test_valley_counts_match_the_table(run_main):
    """576, 199, 1,112, 202, 81, 335 and 172 updates, as the overview's table says."""
    figures, printed = run_main
    assert figures["valley_steps"] == {
        "plain, lr 2/101": 576, "momentum 0.9, lr 2/101": 199, "plain, lr 0.01": 1112,
        "momentum 0.9, lr 0.01": 202, "momentum 0.669, lr 0.0331": 81, "Adam, lr 0.1": 335, "Adam, lr 0.5": 172,
    }
    assert "momentum 0.669, lr 0.0331        81" in printed


def test_turned_valley_undoes_adams_advantage(run_main):
    """Turned 45 degrees: plain 576 and momentum 199 as before; Adam lr 0.1 needs 726 (335 unturned), lr 0.5 230."""
    figures, printed = run_main
    assert figures["turned_valley_steps"] == {"plain, lr 2/101": 576, "momentum 0.9, lr 2/101": 199,
                                              "Adam, lr 0.1": 726, "Adam, lr 0.5": 230}
    assert "Adam at lr 0.1 needs 726 updates against plain descent's 576" in " ".join(printed.split())


def test_turned_valley_is_the_same_valley(experiment):
    """The turned valley has curvatures 1 and 100 and its start is at f = 100, like the original."""
    assert np.allclose(np.linalg.eigvalsh(experiment.TURNED_HESSIAN), [1.0, 100.0])
    start = np.array(experiment.TURNED_START)
    assert 0.5 * start @ experiment.TURNED_HESSIAN @ start == pytest.approx(100.0)


def test_step_functions_step_exactly_as_the_library(experiment):
    """The experiment's momentum_step and adam_step, through its StepRule optimizers, match SGD and Adam to 1e-12."""
    rng = np.random.default_rng(3)
    start = rng.normal(size=(3, 2))
    for ours, library in (
        (lambda ps: experiment.Momentum(ps, experiment.momentum_step, lr=0.05, mu=0.9),
         lambda ps: SGD(ps, lr=0.05, momentum=0.9)),
        (lambda ps: experiment.AdamRule(ps, experiment.adam_step, lr=0.05), lambda ps: Adam(ps, lr=0.05)),
    ):
        a, b = Tensor(start.copy()), Tensor(start.copy())
        opt_a, opt_b = ours([a]), library([b])
        for _ in range(20):
            g = rng.normal(size=start.shape) * 10.0 ** rng.integers(-3, 3)
            a.grad, b.grad = g.copy(), g.copy()
            opt_a.step()
            opt_b.step()
            assert np.allclose(a.data, b.data, rtol=1e-12, atol=1e-14)


def test_mine_with_the_reference_reproduces_every_figure(run_main, monkeypatch):
    """With LEARNPATH_MINE at the reference solution, main() gives every default figure to 1e-6."""
    mine, _ = figures_on_the_reference(SECTION, monkeypatch)
    assert mine["mine"] is True and run_main[0]["mine"] is False
    assert_same_figures(mine, run_main[0])


def test_momentum_needs_at_least_3x_fewer_updates_when_tuned(run_main):
    """Momentum's advantage: 7.1x each with its best factor per step, 5.5x at lr 0.01, 2.9x with 0.9 added at 2/101."""
    ratios = run_main[0]["momentum_ratios"]
    tuned = ratios["each with its best factor per step"]
    assert tuned >= 3 and f"{tuned:.1f}" == "7.1"
    assert f"{ratios['at lr 0.01']:.1f}" == "5.5"
    assert f"{ratios['same rate, momentum 0.9']:.1f}" == "2.9"


def test_momentum_theory_for_the_valley():
    """Heavy ball on curvature c: stable iff lr*c < 2(1+mu); |root| = sqrt(mu) in the complex band; tuned rate 9/11."""
    def spectral_radius(lr, mu, c):
        # p_{k+1} = p_k - lr*(c p_k) + mu*(p_k - p_{k-1}) is equivalent to the library's velocity form.
        roots = np.roots([1.0, -(1.0 + mu - lr * c), mu])
        return max(abs(roots))

    assert spectral_radius(0.0379, 0.9, 100) < 1 < spectral_radius(0.0381, 0.9, 100)
    for c in (1.0, 100.0):
        assert spectral_radius(2 / 101, 0.9, c) == pytest.approx(math.sqrt(0.9), abs=1e-9)
        assert spectral_radius(4 / 121, (9 / 11) ** 2, c) == pytest.approx(9 / 11, abs=1e-6)
    assert (1 - math.sqrt(0.9)) ** 2 < 0.0198 < 1.98 < (1 + math.sqrt(0.9)) ** 2
    # "for any lr from 0.0026 to 0.038": the band's ends are (1 - sqrt 0.9)**2 and (1 + sqrt 0.9)**2 / 100.
    low, high = (1 - math.sqrt(0.9)) ** 2, (1 + math.sqrt(0.9)) ** 2 / 100
    assert (f"{low:.2g}", f"{high:.2g}", f"{low:.5f}", f"{high:.5f}") == ("0.0026", "0.038", "0.00263", "0.03797")
    for lr in (low + 1e-6, 0.01, 2 / 101, high - 1e-6):
        for c in (1.0, 100.0):
            assert spectral_radius(lr, 0.9, c) == pytest.approx(math.sqrt(0.9), abs=1e-6)
    assert spectral_radius(low - 1e-4, 0.9, 1.0) > math.sqrt(0.9) + 1e-3  # just outside the band along x
    overview = (section_dir(SECTION) / "overview.md").read_text(encoding="utf-8")
    assert "from 0.0026 to 0.038" in overview and "0.00263" in overview and "0.03797" in overview
    # "plain descent at ten times the rate would already diverge above lr = 0.2/L": 10 lr * L > 2.
    assert abs(1 - 10 * 0.0021 * 100) > 1 > abs(1 - 10 * 0.0019 * 100)


def test_library_momentum_is_the_heavy_ball(experiment):
    """SGD(momentum) on the valley equals p_{k+1} = p_k - lr grad + mu (p_k - p_{k-1}), step for step."""
    lr, mu = 2 / 101, 0.9
    path = experiment.valley_path(lambda ps: SGD(ps, lr=lr, momentum=mu), 30)
    c = experiment.CURVATURES
    previous, current = np.array(experiment.START), np.array(experiment.START)
    for k, point in enumerate(path[1:]):
        step = current - lr * c * current + (mu * (current - previous) if k else 0.0)
        previous, current = current, step
        assert np.allclose(current, point, rtol=1e-12, atol=1e-14)


def test_momentum_y_swings(run_main):
    """With momentum 0.9 at 2/101, y over the first 7 steps is -0.98 -0.82 +0.95 +0.66 -0.91 -0.52 +0.86."""
    figures, printed = run_main
    ys = figures["momentum_first_ys"][1:8]
    assert [f"{y:+.2f}" for y in ys] == ["-0.98", "-0.82", "+0.95", "+0.66", "-0.91", "-0.52", "+0.86"]
    assert "-0.98 -0.82 +0.95 +0.66 -0.91 -0.52 +0.86" in printed


def test_spiral_results(run_main):
    """SGD 0.141 / 95.0%, momentum 0.144 / 95.0%, Adam 0.050 / 99.3%."""
    spiral = run_main[0]["spiral"]
    assert (f"{spiral['SGD lr 1.0']['loss']:.3f}", f"{spiral['SGD lr 1.0']['accuracy']:.1%}") == ("0.141", "95.0%")
    assert (f"{spiral['momentum lr 0.1']['loss']:.3f}", f"{spiral['momentum lr 0.1']['accuracy']:.1%}") == ("0.144", "95.0%")
    assert (f"{spiral['Adam lr 0.01']['loss']:.3f}", f"{spiral['Adam lr 0.01']['accuracy']:.1%}") == ("0.050", "99.3%")


def test_spiral_has_three_arms_of_100(experiment):
    """The spiral is 300 points, 100 per class."""
    _, y = experiment.make_spirals(300, n_classes=3, noise=0.2, seed=0)
    assert np.bincount(y).tolist() == [100, 100, 100]


def test_ten_times_too_high_kills_every_unit(run_main):
    """SGD lr 10: 1.07, 4.38, 15.88 ...; ends at 2.978 > ln 3; 64 of 64 units dead; one class; 33.3%."""
    too_high = run_main[0]["too_high"]
    assert [f"{v:.2f}" for v in too_high["losses_start"][:3]] == ["1.07", "4.38", "15.88"]
    assert f"{too_high['final']:.3f}" == "2.978" and too_high["final"] > math.log(3)
    assert too_high["dead_units"] == 64
    assert len(too_high["classes_predicted"]) == 1
    assert f"{too_high['accuracy']:.1%}" == "33.3%"
    assert "accuracy 33.3%" in run_main[1]


def test_ten_times_too_high_the_bias_cycles_with_period_3(run_main):
    """With every unit dead, lr 10 rotates the output bias one place per step: the class rotates, the loss stays 2.978."""
    too_high = run_main[0]["too_high"]
    cycle = [np.array(b) for b in too_high["bias_cycle"]]
    for a, b in zip(cycle, cycle[1:]):
        assert np.allclose(b, np.roll(a, -1), atol=1e-9)
    assert sorted(too_high["classes_cycle"]) == [0, 1, 2]
    assert all(f"{v:.3f}" == "2.978" for v in too_high["cycle_losses"])
    assert max(too_high["cycle_losses"]) - min(too_high["cycle_losses"]) < 1e-9


def test_ten_times_too_high_then_lr_1_reaches_ln_3(run_main):
    """Trained on at lr 1 (only the bias can move), the loss reaches ln 3 to 4 decimals."""
    assert run_main[0]["too_high"]["then_lr_1"] == pytest.approx(math.log(3), abs=5e-5)


def test_ten_times_too_high_over_seeds(run_main):
    """Seeds 1-4 at lr 10: every hidden unit dead and 33.3% each; seed 1 cycles at 2.978, seeds 2-4 swing 1.13-2.19."""
    by_seed = run_main[0]["too_high_by_seed"]
    assert all(r["dead_units"] == 64 and f"{r['accuracy']:.1%}" == "33.3%" for r in by_seed.values())
    assert f"{min(by_seed[1]['last_losses']):.3f}" == f"{max(by_seed[1]['last_losses']):.3f}" == "2.978"
    swings = [v for s in (2, 3, 4) for v in by_seed[s]["last_losses"]]
    assert (f"{min(swings):.2f}", f"{max(swings):.2f}") == ("1.13", "2.19")


def test_spiral_over_seeds(run_main):
    """Seeds 0-4: SGD 0.141-0.154 (93.7-95.0%), momentum 0.144-0.157 (93.7-95.0%), Adam 0.045-0.052 (99.3%)."""
    by_seed = run_main[0]["spiral_by_seed"]

    def spread(name, key, fmt):
        values = [r[key] for r in by_seed[name].values()]
        return format(min(values), fmt), format(max(values), fmt)

    assert spread("SGD lr 1.0", "loss", ".3f") == ("0.141", "0.154")
    assert spread("SGD lr 1.0", "accuracy", ".1%") == ("93.7%", "95.0%")
    assert spread("momentum lr 0.1", "loss", ".3f") == ("0.144", "0.157")
    assert spread("momentum lr 0.1", "accuracy", ".1%") == ("93.7%", "95.0%")
    assert spread("Adam lr 0.01", "loss", ".3f") == ("0.045", "0.052")
    assert spread("Adam lr 0.01", "accuracy", ".1%") == ("99.3%", "99.3%")
    # Adam beats both others from every start.
    for seed in by_seed["Adam lr 0.01"]:
        assert by_seed["Adam lr 0.01"][seed]["loss"] < min(by_seed["SGD lr 1.0"][seed]["loss"],
                                                          by_seed["momentum lr 0.1"][seed]["loss"])


def test_sgd_and_momentum_told_apart_by_marks_and_numbers(run_main):
    """The chart gives each optimizer its own marker and the table the losses at fixed steps."""
    figures, printed = run_main
    assert "● SGD lr 1.0  ■ momentum lr 0.1  ▲ Adam lr 0.01" in printed
    at = figures["spiral_loss_at"]
    assert f"{at['SGD lr 1.0'][10]:.3f}" == "0.739" and f"{at['momentum lr 0.1'][10]:.3f}" == "0.757"


def test_minibatch_cosines(run_main):
    """Mean cosine to the full gradient: 0.67 (8), 0.80 (32), 0.95 (128), rising with the batch size; 8 full-size batches each."""
    cosines = run_main[0]["batch_cosines"]
    assert [f"{cosines[s]:.2f}" for s in (8, 32, 128)] == ["0.67", "0.80", "0.95"]
    assert "batch of 128: mean cosine 0.95 over 8 batches" in run_main[1]


def test_full_batches_are_all_the_size_they_claim(experiment):
    """300 rows in batches of 128: 8 batches of exactly 128 rows, though each shuffle ends on 44."""
    batches = experiment.full_batches(300, 128, 8, np.random.default_rng(0))
    assert len(batches) == 8 and all(len(idx) == 128 for idx in batches)


def test_minibatch_gradients_average_to_the_full_one(experiment):
    """The loss is a mean, so the size-weighted mean of batch gradients over one epoch is the full gradient."""
    X, y = experiment.make_spirals(300, n_classes=3, noise=0.2, seed=0)
    model = experiment.spiral_model()
    full = experiment.gradient_of(model, X, y)
    total = np.zeros_like(full)
    for idx in experiment.minibatches(len(X), 32, seed=1):
        total += experiment.gradient_of(model, X[idx], y[idx]) * len(idx)
    assert np.allclose(total / len(X), full, atol=1e-12)


def test_worked_examples():
    """Momentum: 2.45 and 0.755 (plain SGD 0.8). Adam's first step with g = 4, lr 0.1: m 0.4, v 0.016, step 0.1."""
    p = Tensor(np.array([1.0]))
    opt = SGD([p], lr=0.1, momentum=0.9)
    opt.velocity[0] = np.array([0.5])
    p.grad = np.array([2.0])
    opt.step()
    assert opt.velocity[0].tolist() == pytest.approx([2.45]) and p.data.tolist() == pytest.approx([0.755])
    q = Tensor(np.array([1.0]))
    adam = Adam([q], lr=0.1)
    q.grad = np.array([4.0])
    adam.step()
    assert adam.m[0].tolist() == pytest.approx([0.4]) and adam.v[0].tolist() == pytest.approx([0.016])
    assert q.data.tolist() == pytest.approx([0.9])


def test_no_bias_correction_makes_the_first_step_3_16_lr():
    """Uncorrected, Adam's first step is 0.1/sqrt(0.001), about 3.16, times lr."""
    g = 4.0
    m, v = 0.1 * g, 0.001 * g * g
    assert m / math.sqrt(v) == pytest.approx(0.1 / math.sqrt(0.001)) and f"{m / math.sqrt(v):.2f}" == "3.16"


# ----------------------------------------------------------------------
# The quiz's numeric answers


def test_quiz_velocity_build_up():
    """Three steps of the library's momentum with g = 1 from zero velocity."""
    p = Value(0.0)
    opt = SGD([p], lr=0.1, momentum=0.9)
    for _ in range(3):
        p.grad = 1.0
        opt.step()
    _assert_matches_key("velocity-build-up", opt.velocity[0])


def test_quiz_steady_step():
    """After many steps of a constant gradient 1, momentum 0.95 at lr 0.01 moves 0.2 per step."""
    p = Value(0.0)
    opt = SGD([p], lr=0.01, momentum=0.95)
    for _ in range(2000):
        before = p.data
        p.grad = 1.0
        opt.step()
    _assert_matches_key("steady-step", before - p.data)


def test_quiz_momentum_limit():
    """Momentum 0.5 on curvature 50 converges at lr 0.0599 and diverges at 0.0601."""
    def final(lr):
        p = Value(1.0)
        opt = SGD([p], lr=lr, momentum=0.5)
        for _ in range(20_000):
            p.grad = 50.0 * p.data
            opt.step()
        return abs(p.data)

    assert final(0.0599) < 1e-3 and final(0.0601) > 1.0
    _assert_matches_key("momentum-limit", 2 * 1.5 / 50)


def test_quiz_adam_first_step():
    """The library's Adam moves a parameter with gradient 0.0004 by the key on its first step."""
    p = Value(0.0)
    adam = Adam([p], lr=0.01)
    p.grad = 0.0004
    adam.step()
    _assert_matches_key("adam-first-step", -p.data)


def test_quiz_dead_network_only_the_output_bias_learns(experiment):
    """With every hidden ReLU dead, one backward pass gives gradients only to the output bias."""
    X, y = experiment.make_spirals(300, n_classes=3, noise=0.2, seed=0)
    model, _ = experiment.train_spiral(lambda ps: SGD(ps, lr=10.0), X, y)
    loss = experiment.cross_entropy(model(X), y)
    model.zero_grad()
    loss.backward()
    hidden, output = model[0], model[2]
    grads = {name: (p.grad if p.grad is not None else np.zeros_like(p.data)) for name, p in model.named_parameters()}
    assert np.all(grads["0.weight"] == 0) and np.all(grads["0.bias"] == 0) and np.all(grads["2.weight"] == 0)
    assert np.abs(grads["2.bias"]).max() > 0.1
    assert hidden is not None and output is not None
    assert quiz_questions(SECTION)["dead-network"]["answer"] == ["a"]


def test_quiz_adam_scale():
    """Steady gradients 100 and 0.01: after 1,000 Adam steps at lr 0.001 both move 0.001 per step."""
    a, b = Value(0.0), Value(0.0)
    adam = Adam([a, b], lr=0.001)
    for _ in range(1000):
        before = (a.data, b.data)
        a.grad, b.grad = 100.0, 0.01
        adam.step()
    assert before[0] - a.data == pytest.approx(0.001, rel=1e-5)
    assert before[1] - b.data == pytest.approx(0.001, rel=1e-5)
    question = quiz_questions(SECTION)["adam-scale"]
    assert question["choices"][question["answer"]]["text"].startswith("About 0.001 each")


def test_quiz_schedule_lr():
    """Warmup(10, Cosine(0.5, 100)) at step 60 is the cosine half way: 0.25."""
    from learnpath.nn.optim import Cosine, Warmup

    _assert_matches_key("schedule-lr", Warmup(10, Cosine(0.5, 100))(60))


def test_quiz_minibatch_cosine_claim(run_main):
    """The quiz's "0.67 (batch 8) to 0.95 (batch 128)" is the experiment's figure."""
    cosines = run_main[0]["batch_cosines"]
    why = quiz_questions(SECTION)["minibatch-facts"]["choices"]["c"]["why"]
    assert f"{cosines[8]:.2f}" in why and f"{cosines[128]:.2f}" in why


# ----------------------------------------------------------------------
# The "Try this" outcomes


def test_try_momentum_0_99(experiment):
    """Momentum 0.99 at 2/101 needs 1,748 updates."""
    assert experiment.valley_steps(lambda ps: SGD(ps, lr=2 / 101, momentum=0.99)) == 1748


def test_try_past_plain_descents_limit(experiment):
    """Momentum 0.9 at lr 0.035 converges in 210 updates; at 0.039 it diverges."""
    assert experiment.valley_steps(lambda ps: SGD(ps, lr=0.035, momentum=0.9)) == 210
    assert experiment.valley_steps(lambda ps: SGD(ps, lr=0.039, momentum=0.9)) is None


def test_try_adam_at_ten_times(experiment):
    """Adam at lr 0.1 on the spiral: final loss 0.016 and 99.3% (seed 0); 0.014 to 0.016 and 99.3% over seeds 0-4."""
    X, y = experiment.make_spirals(300, n_classes=3, noise=0.2, seed=0)
    results = []
    for seed in range(5):
        model, losses = experiment.train_spiral(lambda ps: Adam(ps, lr=0.1), X, y, seed=seed)
        results.append((losses[-1], accuracy(model(X), y)))
    assert f"{results[0][0]:.3f}" == "0.016" and f"{results[0][1]:.1%}" == "99.3%"
    losses = [r[0] for r in results]
    assert (f"{min(losses):.3f}", f"{max(losses):.3f}") == ("0.014", "0.016")
    assert all(f"{r[1]:.1%}" == "99.3%" for r in results)


# ----------------------------------------------------------------------
# The files themselves


def test_experiment_runs_alone_in_its_folder():
    """`python experiment.py` exits 0, prints all four steps, fits 80 columns and warns about nothing."""
    result = run_alone(SECTION)
    assert result.returncode == 0, result.stderr
    assert "== Step 4: Mini-batch noise" in result.stdout and result.stderr == ""
    assert all(len(line) <= 80 for line in result.stdout.splitlines())


def test_code_quoted_in_the_overview_is_in_the_library():
    """Every line the overview quotes appears in learnpath/nn/optim.py."""
    assert quoted_lines_missing(SECTION, ["learnpath/nn/optim.py"]) == []


def test_tuned_momentum_rounded_is_slower(experiment):
    """Exactly 4/121 and (9/11)**2: 81 updates; rounded to 0.0331 and 0.669: 113, the steep factor 0.818 -> 0.885."""
    assert experiment.valley_steps(lambda ps: SGD(ps, lr=4 / 121, momentum=(9 / 11) ** 2)) == 81
    assert experiment.valley_steps(lambda ps: SGD(ps, lr=0.0331, momentum=0.669)) == 113

    def worst_factor(lr, mu, curvature):
        return max(abs(np.roots([1.0, -(1.0 + mu - lr * curvature), mu])))

    assert f"{worst_factor(4 / 121, (9 / 11) ** 2, 100.0):.3f}" == "0.818"
    assert f"{worst_factor(0.0331, 0.669, 100.0):.3f}" == "0.885"
    text = " ".join((section_dir(SECTION) / "overview.md").read_text().split())
    assert "0.669 needs 113 updates, not 81" in text and "the steep factor is 0.885, not 0.818" in text


def test_quiz_why_bias_correction_uncorrected_first_step_is_2_lr():
    """Betas (0.8, 0.99): uncorrected, the first step is 0.2 / sqrt(0.01) = 2 lr; the library's corrected Adam moves lr."""
    question = quiz_questions(SECTION)["why-bias-correction"]
    assert question["answer"] == "a" and question["choices"]["a"]["text"].startswith("About 2 lr")
    lr, g = 0.01, -3.0
    m, v = 0.2 * g, 0.01 * g * g
    assert abs(lr * m / (math.sqrt(v) + 1e-8)) == pytest.approx(2 * lr, rel=1e-6)
    p = Tensor(np.array([1.0]))
    adam = Adam([p], lr=lr, betas=(0.8, 0.99))
    p.grad = np.array([g])
    adam.step()
    assert abs(p.data[0] - 1.0) == pytest.approx(lr, rel=1e-6)


def test_quiz_minibatch_cost_is_about_a_fortieth():
    """A batch of 32 out of 1,347 images: 32 / 1,347 is about 1/42."""
    assert round(1347 / 32) == 42
    assert "about 1/42" in quiz_questions(SECTION)["minibatch-facts"]["choices"]["b"]["why"]
