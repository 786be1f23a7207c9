"""Section 2.1 (Single Neuron): every claim of the overview and every numeric quiz answer, recomputed."""

from __future__ import annotations

import math
import random

import pytest

from learnpath.nn import Value, weighted_sum
from learnpath.nn.losses import binary_cross_entropy

from sections import assert_same_figures, figures_on_the_reference, load_experiment, numeric_key_check, quiz_questions, quoted_lines_missing, run_alone, section_dir

SECTION = "2.1"


def _experiment():
    return load_experiment(SECTION)



def test_washing_line_neuron(run_main):
    """The washing-line neuron says 0.881, 0.047 and 0.269 for the overview's three days."""
    figures, printed = run_main
    assert f"{figures['washing_1_1_0']:.3f}" == "0.881"
    assert f"{figures['washing_1_0_1']:.3f}" == "0.047"
    assert f"{figures['washing_0_0_0']:.3f}" == "0.269"
    assert "sum = +2" in printed and "sum = -3" in printed and "sum = -1" in printed


def test_hand_set_gates(run_main):
    """w = (1, 1) with b = -1.5 computes AND, with b = -0.5 computes OR."""
    figures, _ = run_main
    assert figures["hand_and_outputs"] == [0, 0, 0, 1]
    assert figures["hand_or_outputs"] == [0, 1, 1, 1]


def test_trained_neuron_learns_and_and_or(run_main):
    """Trained AND and OR neurons reach accuracy 1.0 and BCE below 0.01, with the weights the overview quotes."""
    figures, printed = run_main
    for gate in ("and", "or"):
        assert figures[f"{gate}_accuracy"] == 1.0
        assert figures[f"{gate}_loss"] < 0.01
    assert f"{figures['and_loss']:.6f}" == "0.008643"
    assert f"{figures['or_loss']:.6f}" == "0.004576"
    assert [f"{v:.3f}" for v in figures["and_weights"]] == ["8.828", "8.828", "-13.412"]
    assert [f"{v:.3f}" for v in figures["or_weights"]] == ["10.086", "10.086", "-4.582"]
    assert "accuracy 1.00" in printed


def test_trained_neuron_stalls_at_ln2_on_xor(run_main):
    """XOR's loss ends at ln 2 (0.693147), within 1e-6 from step 56 on; weights within 2e-16 of 0; p = 0.5; accuracy 0.5."""
    figures, printed = run_main
    assert abs(figures["xor_loss"] - math.log(2)) < 1e-12
    assert f"{figures['xor_loss']:.6f}" == "0.693147"
    assert figures["xor_step_within_1e-6_of_ln2"] == 56
    assert all(abs(v) < 2e-16 for v in figures["xor_weights"])
    assert all(abs(p - 0.5) < 1e-15 for p in figures["xor_probabilities"])
    assert figures["xor_accuracy"] == 0.5
    assert "from step 56 on" in printed


def test_decision_lines(run_main):
    """AND's line is x2 = -1.000 x1 + 1.519 and OR's x2 = -1.000 x1 + 0.454; the pictures show 100% and 75%."""
    figures, printed = run_main
    assert [f"{v:.3f}" for v in figures["and_line"]] == ["-1.000", "1.519"]
    assert [f"{v:.3f}" for v in figures["or_line"]] == ["-1.000", "0.454"]
    assert "accuracy on these 4 points: 100%" in printed
    assert "accuracy on these 4 points: 75%" in printed


def test_several_seeds(run_main):
    """Seeds 0-4: AND and OR reach accuracy 1.00 with BCE in the printed ranges; XOR ends at ln 2 every time."""
    figures, printed = run_main
    assert figures["and_seed_accuracies"] == [1.0] * 5 and figures["or_seed_accuracies"] == [1.0] * 5
    assert [f"{f(figures['and_seed_losses']):.6f}" for f in (min, max)] == ["0.008632", "0.008679"]
    assert [f"{f(figures['or_seed_losses']):.6f}" for f in (min, max)] == ["0.004569", "0.004600"]
    assert all(abs(v - math.log(2)) < 1e-12 for v in figures["xor_seed_losses"])
    assert "AND ends at BCE 0.008632 to 0.008679" in " ".join(printed.split())


def test_base_rate_entropy(run_main):
    """The labels' entropy is 0.5623 on AND (a quarter 1s) and ln 2 on XOR; AND's trained loss is far below it."""
    figures, _ = run_main
    experiment = _experiment()
    assert f"{figures['and_label_entropy']:.4f}" == "0.5623"
    assert experiment.label_entropy(experiment.TRUTH_TABLES["XOR"]) == pytest.approx(math.log(2), abs=1e-15)
    assert figures["and_loss"] < figures["and_label_entropy"]
    # The best constant answer on AND is q = 1/4, and its BCE is that entropy.
    loss = binary_cross_entropy([Value(0.25)] * 4, experiment.TRUTH_TABLES["AND"])
    assert loss.data == pytest.approx(figures["and_label_entropy"], abs=1e-15)


def test_training_zeroes_gradients_first():
    """The training loop clears every .grad before backward(): a stale gradient in a parameter changes nothing."""
    source = (section_dir(SECTION) / "experiment.py").read_text(encoding="utf-8")
    loop = source.split("def train_logistic_neuron", 1)[1].split("\ndef ", 1)[0]
    assert loop.index("p.grad = 0.0") < loop.index("loss.backward()")


def test_mine_reproduces_the_default_figures(monkeypatch, run_main):
    """With the reference exercise as the learner's code (--mine), main() gives every default figure to 1e-6."""
    mine, _ = figures_on_the_reference(SECTION, monkeypatch)
    assert mine["mine"] is True and run_main[0]["mine"] is False
    assert_same_figures(mine, run_main[0], abs=1e-6)


def test_no_line_separates_xor(run_main):
    """The best of 20,000 random lines gets 3 of XOR's 4 points."""
    figures, _ = run_main
    assert figures["xor_best_line_accuracy"] == 0.75


def test_xor_minimum_is_ln2_at_zero_weights():
    """At w = b = 0 the XOR loss is ln 2 and its gradient is exactly 0: the stationary point the overview proves is the minimum."""
    experiment = _experiment()
    weights, bias = [Value(0.0), Value(0.0)], Value(0.0)
    loss = binary_cross_entropy([experiment.neuron(weights, bias, x) for x in experiment.CORNERS],
                                experiment.TRUTH_TABLES["XOR"])
    loss.backward()
    assert loss.data == pytest.approx(math.log(2), abs=1e-15)
    assert [weights[0].grad, weights[1].grad, bias.grad] == [0.0, 0.0, 0.0]


def test_xor_inequalities_have_no_solution():
    """No (w1, w2, b) on a fine grid satisfies the four XOR inequalities the overview adds up."""
    grid = [i / 4 for i in range(-12, 13)]
    solutions = [(w1, w2, b) for w1 in grid for w2 in grid for b in grid
                 if w2 + b > 0 and w1 + b > 0 and b <= 0 and w1 + w2 + b <= 0]
    assert solutions == []


def test_overview_worked_numbers():
    """sigmoid(2) = 0.881, sigmoid(-3) = 0.047, sigmoid(-1) = 0.269; -ln 0.01 = 4.6; AND line x2 = -x1 + 1.5 sums."""
    assert [f"{Value(z).sigmoid().data:.3f}" for z in (2, -3, -1)] == ["0.881", "0.047", "0.269"]
    assert f"{-math.log(0.01):.1f}" == "4.6"
    sums = [1.0 * x1 + 1.0 * x2 - 1.5 for x1, x2 in _experiment().CORNERS]
    assert sums == [-1.5, -0.5, -0.5, 0.5]
    assert _experiment().decision_line(1.0, 1.0, -1.5) == (-1.0, 1.5)


def test_experiment_runs_alone_in_its_folder():
    """`python experiment.py` in the section folder exits 0 and prints every step."""
    result = run_alone(SECTION)
    assert result.returncode == 0, result.stderr
    assert "Step 5" in result.stdout


def test_code_quoted_in_the_overview_is_in_the_library():
    """Every line of Python the overview quotes appears in scalar.py or value.py."""
    assert quoted_lines_missing(SECTION, ["learnpath/nn/scalar.py", "learnpath/nn/value.py"]) == []


# ----------------------------------------------------------------------
# Quiz keys


_assert_matches_key = numeric_key_check(SECTION)


def test_quiz_forward_by_hand():
    """sigmoid(0.25 + 0.5*2 - 1.5*1) is the key; without the bias it is 0.3775, as the explanation says."""
    out = weighted_sum([Value(0.5), Value(-1.5)], [2.0, 1.0], Value(0.25)).sigmoid()
    _assert_matches_key("forward-by-hand", out.data)
    assert f"{weighted_sum([Value(0.5), Value(-1.5)], [2.0, 1.0]).sigmoid().data:.4f}" == "0.3775"


def test_quiz_shrug_loss():
    """The best constant answer on labels 30% ones is p = 0.3, and its BCE (the labels' entropy) is the key."""
    labels = [1] * 3 + [0] * 7
    grid = [i / 1000 for i in range(1, 1000)]
    best_p = min(grid, key=lambda p: binary_cross_entropy([Value(p) for _ in labels], labels).data)
    assert best_p == 0.3
    loss = binary_cross_entropy([Value(best_p) for _ in labels], labels)
    _assert_matches_key("shrug-loss", loss.data)
    assert loss.data < math.log(2)  # the shrug p = 0.5 is worse
    assert f"{binary_cross_entropy([Value(0.5) for _ in labels], labels).data:.4f}" == "0.6931"


def test_quiz_no_bias_origin():
    """Without a bias, the output at (0, 0) is 0.5 for every choice of weights (the key), trained or not."""
    question = quiz_questions(SECTION)["no-bias-origin"]
    assert "0.5" in question["choices"][question["answer"]]["text"]
    experiment = _experiment()
    for w1, w2 in ((8.0, -3.0), (-20.0, 0.5), (0.0, 0.0)):
        assert experiment.neuron([Value(w1), Value(w2)], Value(0.0), (0.0, 0.0)).data == 0.5


def test_quiz_intercept():
    """The decision line of w = (2, 4), b = -6 has the key as its intercept."""
    _, intercept = _experiment().decision_line(2.0, 4.0, -6.0)
    _assert_matches_key("intercept", intercept)


def test_quiz_single_line_gates():
    """A hard-threshold neuron on a grid of weights computes AND, OR and NAND but neither XOR nor XNOR."""
    experiment = _experiment()
    grid = [i / 2 for i in range(-6, 7)]
    tables = {"a": [0, 0, 0, 1], "b": [0, 1, 1, 0], "c": [1, 1, 1, 0], "d": [0, 1, 1, 1], "e": [1, 0, 0, 1]}
    reachable = {key for key, table in tables.items()
                 if any([experiment.step_neuron((w1, w2), b, x) for x in experiment.CORNERS] == table
                        for w1 in grid for w2 in grid for b in grid)}
    assert sorted(reachable) == sorted(quiz_questions(SECTION)["single-line-gates"]["answer"])


def test_quiz_and_bias():
    """With weights (1, 1) the bias -1.5 (the key) makes AND; -0.5, +0.5 and -2.5 do not."""
    experiment = _experiment()
    question = quiz_questions(SECTION)["and-bias"]
    for key, choice in question["choices"].items():
        outputs = [experiment.step_neuron((1.0, 1.0), float(choice["text"]), x) for x in experiment.CORNERS]
        assert (outputs == [0, 0, 0, 1]) == (key == question["answer"])


def test_quiz_bce_slope():
    """d(-ln sigmoid(z))/dz where sigmoid(z) = 0.8 is the key, p - 1."""
    z = Value(math.log(0.8 / 0.2))  # sigmoid(z) = 0.8
    loss = binary_cross_entropy(z.sigmoid(), 1)
    loss.backward()
    _assert_matches_key("bce-slope", z.grad)


def test_quiz_and_weights_grow():
    """Doubling trained AND weights and bias lowers the BCE: larger weights keep paying."""
    experiment = _experiment()
    weights, bias, losses = experiment.train_logistic_neuron(experiment.TRUTH_TABLES["AND"], steps=300)
    doubled = [Value(2 * w.data) for w in weights]
    loss_doubled = binary_cross_entropy([experiment.neuron(doubled, Value(2 * bias.data), x)
                                         for x in experiment.CORNERS], experiment.TRUTH_TABLES["AND"])
    assert loss_doubled.data < losses[-1]


# ----------------------------------------------------------------------
# The "Try this" outcomes at the end of the overview


def test_try_smaller_step():
    """At lr = 0.5 AND ends at BCE 0.0344, above 0.01, still right on every corner."""
    experiment = _experiment()
    w, b, losses = experiment.train_logistic_neuron(experiment.TRUTH_TABLES["AND"], lr=0.5)
    assert f"{losses[-1]:.4f}" == "0.0344"
    assert experiment.accuracy(w, b, experiment.TRUTH_TABLES["AND"]) == 1.0


def test_try_wild_start_for_xor():
    """Weights from uniform(-10, 10): XOR starts at 3.1869 / 2.1338 / 4.6927 (seeds 0-2) and ends at ln 2, all within 2e-16 of 0."""
    experiment = _experiment()
    source = (section_dir(SECTION) / "experiment.py").read_text(encoding="utf-8")
    assert "weights = [Value(random.uniform(-1, 1)) for _ in range(2)]" in source  # the line the learner changes
    firsts = []
    for seed in range(3):
        random.seed(seed)
        weights, bias = [Value(random.uniform(-10, 10)) for _ in range(2)], Value(0.0)
        for step in range(experiment.STEPS):
            loss = binary_cross_entropy([experiment.neuron(weights, bias, x) for x in experiment.CORNERS],
                                        experiment.TRUTH_TABLES["XOR"])
            if step == 0:
                firsts.append(f"{loss.data:.4f}")
            for p in (*weights, bias):
                p.grad = 0.0
            loss.backward()
            for p in (*weights, bias):
                p.data -= experiment.LEARNING_RATE * p.grad
        assert f"{loss.data:.6f}" == f"{math.log(2):.6f}"
        assert all(abs(p.data) < 2e-16 for p in (*weights, bias))
    assert firsts == ["3.1869", "2.1338", "4.6927"]


def test_try_smaller_step_over_five_seeds():
    """At lr = 0.5, seeds 0-4: AND ends at BCE 0.0342 to 0.0349, right on every corner each time."""
    experiment = _experiment()
    targets = experiment.TRUTH_TABLES["AND"]
    runs = [experiment.train_logistic_neuron(targets, lr=0.5, seed=seed) for seed in experiment.SEEDS]
    finals = [losses[-1] for _, _, losses in runs]
    assert f"{min(finals):.4f}" == "0.0342" and f"{max(finals):.4f}" == "0.0349"
    assert all(experiment.accuracy(w, b, targets) == 1.0 for w, b, _ in runs)


def test_try_nand_over_five_seeds():
    """NAND, seeds 0-4: BCE 0.008641 to 0.008685, accuracy 1.00 each time."""
    experiment = _experiment()
    targets = [1, 1, 1, 0]
    runs = [experiment.train_logistic_neuron(targets, seed=seed) for seed in experiment.SEEDS]
    finals = [losses[-1] for _, _, losses in runs]
    assert f"{min(finals):.6f}" == "0.008641" and f"{max(finals):.6f}" == "0.008685"
    assert all(experiment.accuracy(w, b, targets) == 1.0 for w, b, _ in runs)


def test_try_take_away_the_bias_over_five_seeds():
    """Without the bias, seeds 0-4: AND at ln 2 with accuracy 0.75 every time; OR at 0.1743 every time."""
    experiment = _experiment()
    for seed in experiment.SEEDS:
        and_loss, and_accuracy = _train_without_bias(experiment, experiment.TRUTH_TABLES["AND"], seed)
        assert f"{and_loss:.6f}" == f"{math.log(2):.6f}" and and_accuracy == 0.75
        or_loss, or_accuracy = _train_without_bias(experiment, experiment.TRUTH_TABLES["OR"], seed)
        assert f"{or_loss:.4f}" == "0.1743" and or_accuracy == 1.0


def test_try_nand():
    """NAND is learned: accuracy 1.0, BCE 0.008678, weights (-8.820, -8.820), bias 13.400."""
    experiment = _experiment()
    targets = [1, 1, 1, 0]
    w, b, losses = experiment.train_logistic_neuron(targets)
    assert experiment.accuracy(w, b, targets) == 1.0
    assert f"{losses[-1]:.6f}" == "0.008678"
    assert [f"{p.data:.3f}" for p in (*w, b)] == ["-8.820", "-8.820", "13.400"]


def _train_without_bias(experiment, targets, seed=None):
    source = (section_dir(SECTION) / "experiment.py").read_text(encoding="utf-8")
    assert "for p in (*weights, bias):" in source  # the line the learner is told to change
    random.seed(experiment.SEED if seed is None else seed)
    weights, bias = [Value(random.uniform(-1, 1)) for _ in range(2)], Value(0.0)
    for _ in range(experiment.STEPS):
        loss = binary_cross_entropy([experiment.neuron(weights, bias, x) for x in experiment.CORNERS], targets)
        for p in (*weights, bias):
            p.grad = 0.0
        loss.backward()
        for p in weights:
            p.data -= experiment.LEARNING_RATE * p.grad
    loss = binary_cross_entropy([experiment.neuron(weights, bias, x) for x in experiment.CORNERS], targets)
    return loss.data, experiment.accuracy(weights, bias, targets)


def test_try_take_away_the_bias():
    """Without the bias AND stalls at ln 2 (accuracy 0.75); OR gets every corner but ends at BCE 0.1743 > ln2/4 = 0.1733."""
    experiment = _experiment()
    and_loss, and_accuracy = _train_without_bias(experiment, experiment.TRUTH_TABLES["AND"])
    assert f"{and_loss:.6f}" == f"{math.log(2):.6f}" and and_accuracy == 0.75
    or_loss, or_accuracy = _train_without_bias(experiment, experiment.TRUTH_TABLES["OR"])
    assert f"{or_loss:.4f}" == "0.1743" and or_accuracy == 1.0
    assert f"{math.log(2) / 4:.4f}" == "0.1733" and or_loss > math.log(2) / 4


def test_weighted_sum_equals_the_binary_operator_chain_to_the_last_bit():
    """weighted_sum gives bit for bit what bias + w1*x1 + w2*x2 + ... gives with one Value node per + and *."""
    import random

    from learnpath.nn import Value, weighted_sum

    rng = random.Random(7)
    for _ in range(200):
        n = rng.randint(1, 6)
        ws = [rng.uniform(-3, 3) for _ in range(n)]
        xs = [rng.uniform(-3, 3) for _ in range(n)]
        b = rng.uniform(-3, 3)
        chained = Value(b)
        for w, x in zip(ws, xs):
            chained = chained + Value(w) * x
        assert weighted_sum([Value(w) for w in ws], xs, Value(b)).data == chained.data
