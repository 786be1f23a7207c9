"""Section 2.3 (Activation Functions): every claim of the overview and every numeric quiz answer, recomputed."""

from __future__ import annotations

import random

import pytest

from learnpath.nn import Value
from learnpath.nn.activations import gelu, gelu_slope, sigmoid, sigmoid_slope, tanh, tanh_slope
from learnpath.nn.data import make_moons

from sections import load_experiment, numeric_key_check, quiz_questions, quoted_lines_missing, run_alone, section_dir

SECTION = "2.3"


def _experiment():
    return load_experiment(SECTION)


def test_values_and_gelu_gap(run_main):
    """GELU(-1) = -0.1588, the tanh form is within 4.7e-4 of the exact GELU, its minimum is -0.1700 at -0.7525."""
    figures, printed = run_main
    assert f"{gelu(-1.0):.4f}" == "-0.1588" and "-0.1588" in printed
    assert f"{figures['gelu_tanh_form_max_gap']:.1e}" == "4.7e-04"
    low = min((gelu(-1.5 + i * 1e-5), -1.5 + i * 1e-5) for i in range(150_000))
    assert f"{low[0]:.4f}" == "-0.1700" and f"{low[1]:.4f}" == "-0.7525"


def test_slopes_at_plus_and_minus_five(run_main):
    """At 5: 0.006648, 0.000182, 1, 1, 1.000002; at -5: 0.006648, 0.000182, 0, 0.01, -0.000002."""
    figures, _ = run_main
    at_5 = [figures[f"slope_{n}_5"] for n in ("sigmoid", "tanh", "relu", "leaky_relu", "gelu")]
    at_minus_5 = [figures[f"slope_{n}_-5"] for n in ("sigmoid", "tanh", "relu", "leaky_relu", "gelu")]
    assert [f"{v:.6f}" for v in at_5] == ["0.006648", "0.000182", "1.000000", "1.000000", "1.000002"]
    assert [f"{v:.6f}" for v in at_minus_5] == ["0.006648", "0.000182", "0.000000", "0.010000", "-0.000002"]
    assert figures["slope_sigmoid_0"] == 0.25


def test_derivatives_match_central_differences(run_main):
    """Largest relative errors: 3.9e-10, 1.9e-9, 6.6e-12, 2.9e-11, 1.0e-8; Value's slopes equal the formulas exactly."""
    figures, _ = run_main
    expected = {"sigmoid": "3.9e-10", "tanh": "1.9e-09", "relu": "6.6e-12", "leaky_relu": "2.9e-11", "gelu": "1.0e-08"}
    for name, text in expected.items():
        assert f"{figures[f'derivative_error_{name}']:.1e}" == text
    assert figures["value_slope_gap"] == 0.0
    assert 0.0 not in _experiment().CHECK_POINTS


def test_stable_forms_are_finite_and_textbook_forms_overflow(run_main):
    """At -1000 the textbook sigmoid overflows, at +1000 the textbook tanh; every stable form gives the overview's finite value."""
    figures, _ = run_main
    assert figures["naive_sigmoid_-1000"] == "OverflowError"
    assert figures["naive_tanh_1000"] == "OverflowError"
    assert figures["all_stable_finite"] is True
    assert figures["stable_-1000"] == {"sigmoid": 0.0, "tanh": -1.0, "relu": 0.0, "leaky_relu": -10.0, "gelu": -0.0}
    assert figures["stable_1000"] == {"sigmoid": 1.0, "tanh": 1.0, "relu": 1000.0, "leaky_relu": 1000.0, "gelu": 1000.0}
    v = Value(-1000.0)
    assert v.sigmoid().data == 0.0 and Value(1000.0).tanh().data == 1.0


def test_where_the_textbook_formulas_overflow():
    """e^(-x) overflows below about -709 and e^(2x) above about 354; the e^x, e^(-x) form of tanh past +-709."""
    import math

    def overflows(f):
        try:
            f()
        except OverflowError:
            return True
        return False

    assert not overflows(lambda: math.exp(709.0)) and overflows(lambda: math.exp(710.0))
    assert not overflows(lambda: math.exp(2 * 354.0)) and overflows(lambda: math.exp(2 * 355.0))
    textbook_sigmoid = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    tanh_two_sided = lambda x: (math.exp(x) - math.exp(-x)) / (math.exp(x) + math.exp(-x))  # noqa: E731
    assert not overflows(lambda: textbook_sigmoid(-709.0)) and overflows(lambda: textbook_sigmoid(-710.0))
    assert overflows(lambda: tanh_two_sided(710.0)) and overflows(lambda: tanh_two_sided(-710.0))
    assert not overflows(lambda: tanh_two_sided(709.0)) and not overflows(lambda: tanh_two_sided(-709.0))


def test_central_difference_at_and_around_the_relu_kink():
    """At exactly 0 the central difference of ReLU is 0.5; straddling 0 nearby it lies strictly between 0 and 1."""
    h = 1e-5
    relu = lambda x: max(0.0, x)  # noqa: E731
    slope = lambda x: (relu(x + h) - relu(x - h)) / (2 * h)  # noqa: E731
    assert slope(0.0) == 0.5
    for x in (-0.9 * h, -0.5 * h, 0.3 * h, 0.9 * h):
        assert 0.0 < slope(x) < 1.0


def test_linear_stack_collapses(run_main):
    """The trained 2-4-4-1 linear stack (37 parameters) is y = 0.5, MSE 0.25 on XOR; within 4.4e-16 of one neuron."""
    figures, printed = run_main
    assert figures["collapse_parameters"] == 37
    assert f"{figures['xor_linear_loss']:.6f}" == "0.250000"
    w1, w2, b = figures["collapsed_map"]
    assert f"{abs(w1):.6f}" == "0.000000" and f"{abs(w2):.6f}" == "0.000000" and f"{b:.6f}" == "0.500000"
    assert figures["collapse_gap"] <= 4.5e-16
    assert f"{figures['collapse_gap']:.1e}" == "4.4e-16"


def test_relu_network_fits_xor(run_main):
    """ScalarMLP(2, [4, 4, 1]) with the same seed reaches MSE 2.4e-7 and answers 0.0, 0.999, 1.0, 0.0."""
    figures, _ = run_main
    assert f"{figures['xor_relu_loss']:.1e}" == "2.4e-07"
    assert [round(v, 3) for v in figures["xor_relu_outputs"]] == [0.0, 0.999, 1.0, 0.0]


def test_dead_relus(run_main):
    """No dead neuron with zero biases; with biases at -2, 94 of 100 output 0 on every point and get zero gradient."""
    figures, _ = run_main
    assert figures["dead_0"] == 0 and figures["frozen_0"] == 0
    assert figures["dead_-2"] == 94 and figures["frozen_-2"] == 94


def test_worked_example_numbers():
    """sigmoid(1) = 0.7311 with slope 0.1966, tanh(1) = 0.7616 with slope 0.4200, sigmoid's slope at 5 is 0.0066."""
    assert f"{sigmoid(1.0):.4f}" == "0.7311" and f"{sigmoid_slope(1.0):.4f}" == "0.1966"
    assert f"{tanh(1.0):.4f}" == "0.7616" and f"{tanh_slope(1.0):.4f}" == "0.4200"
    assert f"{sigmoid_slope(5.0):.4f}" == "0.0066" and sigmoid_slope(5.0) < 0.01


def test_experiment_runs_alone_in_its_folder():
    """`python experiment.py` in the section folder exits 0 and prints every step."""
    result = run_alone(SECTION)
    assert result.returncode == 0, result.stderr
    assert "Step 6" in result.stdout


def test_code_quoted_in_the_overview_is_in_the_library():
    """Every line of Python the overview quotes appears in value.py."""
    assert quoted_lines_missing(SECTION, ["learnpath/nn/value.py"]) == []


# ----------------------------------------------------------------------
# Quiz keys


_assert_matches_key = numeric_key_check(SECTION)


def test_quiz_sigmoid_peak_slope():
    """Value.sigmoid's gradient at ln 3 is the key (and 0.25 at 0 is larger)."""
    import math

    x = Value(math.log(3.0))
    x.sigmoid().backward()
    _assert_matches_key("sigmoid-slope-at-ln3", x.grad)
    peak = Value(0.0)
    peak.sigmoid().backward()
    assert peak.grad == 0.25 > x.grad


def test_quiz_tanh_slope_from_output():
    """At the x where tanh(x) = 0.6, Value.tanh's gradient is the key."""
    import math

    x = Value(math.atanh(0.6))
    x.tanh().backward()
    _assert_matches_key("tanh-slope-from-output", x.grad)


def test_quiz_collapsed_offset():
    """z = -2(3x + 1) + 4 at x = 0 is the key offset, and its slope is -6."""
    x = Value(0.0)
    z = -2 * (3 * x + 1) + 4
    z.backward()
    _assert_matches_key("collapsed-offset", z.data)
    assert x.grad == -6.0


def test_quiz_relative_error_value():
    """The experiment's relative_error(2.00, 2.02) is the key."""
    _assert_matches_key("relative-error-value", _experiment().relative_error(2.00, 2.02))


def test_quiz_three_sigmoids():
    """Three sigmoids in a row at their steepest pass back the key fraction."""
    x = Value(0.0)
    out = x.sigmoid()
    # Shift each later input back to 0 so each sigmoid sits at its steepest point.
    out = (out - 0.5).sigmoid()
    out = (out - 0.5).sigmoid()
    out.backward()
    _assert_matches_key("three-sigmoids", x.grad)


def test_quiz_rank_slopes_at_minus_2():
    """Slopes at -2 sort GELU < ReLU < leaky ReLU < tanh < sigmoid, the key's order, with clear gaps."""
    from learnpath.nn.activations import leaky_relu_slope, relu_slope

    slopes = {"b": tanh_slope(-2.0), "d": sigmoid_slope(-2.0), "a": relu_slope(-2.0), "c": gelu_slope(-2.0),
              "e": leaky_relu_slope(-2.0)}
    assert sorted(slopes, key=slopes.get) == quiz_questions(SECTION)["rank-slopes-at-minus-2"]["answer"]
    ordered = sorted(slopes.values())
    assert min(b - a for a, b in zip(ordered, ordered[1:])) > 0.009  # no near-tie to trick anyone
    assert [f"{slopes[k]:.3f}" for k in "caebd"] == ["-0.086", "0.000", "0.010", "0.071", "0.105"]


def test_quiz_three_sigmoids_without_biases():
    """With weights 1 and no biases the best product of the three slopes is 0.0134, below the key 0.25**3."""
    best = 0.0
    for i in range(-4000, 4001):
        x = Value(i / 1000)
        out = x.sigmoid().sigmoid().sigmoid()
        out.backward()
        best = max(best, x.grad)
    assert f"{best:.4f}" == "0.0134" and best < 0.25 ** 3


def test_quiz_what_moves_dead():
    """A dead first-layer ReLU: plain gradient descent leaves it; an L2 penalty and momentum move it."""
    from learnpath.nn import ScalarNeuron
    from learnpath.nn.losses import l2_penalty

    import random as random_module

    random_module.seed(0)
    neuron = ScalarNeuron(2)
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 0.5, 0.5, -2.0
    data = [(0.5, 0.5), (1.0, 0.2), (0.1, 0.9)]  # sums all negative: dead
    assert all(neuron(x).data == 0.0 for x in data)

    def loss_gradients(with_l2):
        neuron.zero_grad()
        loss = sum((neuron(x) for x in data), Value(0.0))
        if with_l2:
            loss = loss + l2_penalty(neuron.parameters(), 0.1)
        loss.backward()
        return [p.grad for p in neuron.parameters()]

    assert loss_gradients(False) == [0.0, 0.0, 0.0]
    assert all(g != 0.0 for g in loss_gradients(True))
    # Momentum: a velocity from an earlier step keeps moving the parameters though the gradient is 0.
    velocity = [0.3, 0.3, 0.3]
    before = [p.data for p in neuron.parameters()]
    for p, v, g in zip(neuron.parameters(), velocity, loss_gradients(False)):
        p.data -= 0.1 * (0.9 * v + g)
    assert [p.data for p in neuron.parameters()] != before
    assert quiz_questions(SECTION)["what-moves-dead"]["answer"] == ["a", "b"]


def test_quiz_saturation_facts():
    """The true choices are true and the false ones false, numerically."""
    assert sigmoid_slope(5.0) < 0.01
    assert tanh_slope(5.0) < sigmoid_slope(5.0)
    assert gelu_slope(-1.0) < 0 and f"{gelu_slope(-1.0):.3f}" == "-0.083"
    assert quiz_questions(SECTION)["saturation-facts"]["answer"] == ["a", "b", "e"]


# ----------------------------------------------------------------------
# The "Try this" outcomes at the end of the overview


def _dead_count(bias: float) -> int:
    from learnpath.nn import ScalarLayer

    X, _ = make_moons(200, noise=0.1, seed=0)
    points = [(float(a), float(c)) for a, c in X]
    random.seed(0)
    layer = ScalarLayer(2, 100)
    for neuron in layer.neurons:
        neuron.b.data = bias
    return sum(all(n(p).data == 0.0 for p in points) for n in layer.neurons)


def test_try_less_bad_start():
    """Bias -1 kills 54 of 100, bias -3 all 100; no point has |x1| + |x2| above 2.5807."""
    import numpy as np

    assert _dead_count(-1.0) == 54 and _dead_count(-3.0) == 100
    X, _ = make_moons(200, noise=0.1, seed=0)
    assert f"{np.abs(X).sum(axis=1).max():.4f}" == "2.5806"


def test_try_less_bad_start_over_five_seeds():
    """Bias -1 kills 38 to 54 of 100 over seeds 0-4; bias -3 kills all 100 from every seed."""
    experiment = _experiment()
    X, _ = make_moons(200, noise=0.1, seed=0)
    points = [(float(a), float(c)) for a, c in X]
    counts = [experiment.dead_in_layer(points, -1.0, seed) for seed in experiment.SEEDS]
    assert (min(counts), max(counts)) == (38, 54)
    assert all(experiment.dead_in_layer(points, -3.0, seed) == 100 for seed in experiment.SEEDS)


def test_gelu_slope_on_the_negative_side():
    """GELU's slope falls from 0.5 at 0 to 0 at -0.7525, is lowest (-0.129) near -1.42, and is negative down to -6."""
    assert gelu_slope(0.0) == 0.5
    assert abs(gelu_slope(-0.7525)) < 1e-4
    grid = [-6.0 + 0.001 * i for i in range(6001)]
    slopes = [gelu_slope(x) for x in grid]
    lowest = min(range(len(grid)), key=slopes.__getitem__)
    assert f"{slopes[lowest]:.3f}" == "-0.129" and f"{grid[lowest]:.2f}" == "-1.42"
    assert all(gelu_slope(x) < 0 for x in grid if x < -0.7526)


def test_try_another_seed():
    """With seed 1 the ReLU network stalls at 1/6 answering 1/3, 1, 1/3, 1/3; the linear stack stays at 0.25."""
    experiment = _experiment()
    random.seed(1)
    stack = experiment.LinearStack([2, 4, 4, 1])
    assert experiment.train_on_xor(stack) == pytest.approx(0.25, abs=1e-9)
    random.seed(1)
    from learnpath.nn import ScalarMLP

    net = ScalarMLP(2, [4, 4, 1])
    assert experiment.train_on_xor(net) == pytest.approx(1 / 6, abs=1e-9)
    assert [round(net(x).data, 6) for x in experiment.XOR_INPUTS] == [round(1 / 3, 6), 1.0, round(1 / 3, 6), round(1 / 3, 6)]


def test_try_wider():
    """ScalarMLP(2, [8, 8, 1]) solves XOR from seed 1 (MSE 4.5e-21) and from every seed 0-4 (MSE at most 4.5e-21)."""
    from learnpath.nn import ScalarMLP

    experiment = _experiment()
    losses = []
    for seed in range(5):
        random.seed(seed)
        net = ScalarMLP(2, [8, 8, 1])
        losses.append(experiment.train_on_xor(net))
        if seed == 1:
            assert [round(net(x).data, 3) + 0.0 for x in experiment.XOR_INPUTS] == [0.0, 1.0, 1.0, 0.0]
    assert f"{losses[1]:.1e}" == "4.5e-21" and f"{max(losses):.1e}" == "4.5e-21"


def test_try_tiny_h():
    """With h = 1e-9: sigmoid 2.8e-6, tanh 2.8e-5, GELU 1.7e-4 (worst at -3.987, slope -0.00035), ReLU and leaky 8.3e-8."""
    from learnpath.nn.activations import ACTIVATIONS

    experiment = _experiment()
    worst = {name: max((experiment.relative_error(df(x), experiment.central_difference(f, x, 1e-9)), x)
                       for x in experiment.CHECK_POINTS)
             for name, (f, df) in ACTIVATIONS.items()}
    assert {name: f"{w[0]:.1e}" for name, w in worst.items()} == {
        "sigmoid": "2.8e-06", "tanh": "2.8e-05", "relu": "8.3e-08", "leaky_relu": "8.3e-08", "gelu": "1.7e-04"}
    assert f"{worst['gelu'][1]:.3f}" == "-3.987" and f"{gelu_slope(-3.987):.5f}" == "-0.00035"


def test_try_more_depth_no_bends():
    """A five-layer linear stack still ends at MSE 0.25 on XOR."""
    experiment = _experiment()
    random.seed(0)
    stack = experiment.LinearStack([2, 4, 4, 4, 4, 1])
    assert experiment.train_on_xor(stack) == pytest.approx(0.25, abs=1e-12)


def test_claims_over_five_seeds(run_main):
    """Seeds 0-4: the linear stack ends at 0.250000 each time; ReLU solves XOR from 4 (MSE <= 2.4e-7) and stalls
    at 0.1667 from seed 1; bias -2 leaves 90 to 96 of 100 neurons dead."""
    figures, printed = run_main
    assert all(f"{v:.6f}" == "0.250000" for v in figures["seed_linear_losses"])
    relu = figures["seed_relu_losses"]
    assert sum(v < 1e-3 for v in relu) == 4 and f"{max(v for v in relu if v < 1e-3):.1e}" == "2.4e-07"
    assert f"{relu[1]:.4f}" == "0.1667" and max(relu) == relu[1]
    assert (min(figures["seed_dead_counts"]), max(figures["seed_dead_counts"])) == (90, 96)
    assert "solves XOR from 4 of 5 starts" in " ".join(printed.split())


def test_training_loop_zeroes_gradients():
    """train_on_xor clears every .grad before backward()."""
    source = (section_dir(SECTION) / "experiment.py").read_text(encoding="utf-8")
    body = source.split("def train_on_xor", 1)[1].split("\ndef ", 1)[0]
    assert body.index("p.grad = 0.0") < body.index("loss.backward()")
