"""Section 4.1 (MLPs: scaling up): every figure the overview and the experiment claim, and every numeric quiz answer."""

from __future__ import annotations

import math

import numpy as np
import pytest

from learnpath.nn import Embedding, Linear, Tensor, no_grad
from sections import load_experiment, numeric_key_check, quiz_questions, quoted_lines_missing, run_alone

SECTION = "4.1"


def test_both_engines_compute_the_same_losses(run_main):
    """From the same weights, the scalar and Tensor MLPs give losses that agree to within 1e-14 at each of 3 SGD steps."""
    figures, printed = run_main
    assert len(figures["scalar_losses"]) == len(figures["tensor_losses"]) == 3
    assert figures["loss_gap"] < 1e-14
    assert [round(x, 10) for x in figures["scalar_losses"]] == [7.1935049489, 4.6059630919, 3.1881923313]
    assert "7.1935049489 (Value)   7.1935049489 (Tensor)" in printed


def test_tensor_is_hundreds_of_times_faster(run_main):
    """The speed claim, as a ratio measured side by side in one process: Tensor is at least 100x faster per step."""
    figures, printed = run_main
    assert figures["speed_ratio"] >= 100
    assert figures["speed_ratio"] == pytest.approx(figures["scalar_ms_per_step"] / figures["tensor_ms_per_step"])
    assert "x faster" in printed


def test_node_counts_of_step_two(run_main):
    """32 x 42 = 1,344 weighted-sum nodes and 1,024 relu nodes per scalar forward pass are printed."""
    _, printed = run_main
    assert "32 x (32 + 10) = 1,344 weighted-sum" in printed and "1,024 relu nodes" in printed


def test_activation_sizes_by_depth(run_main):
    """N(0,1): 16 at layer 1, about 11.3x per layer, 1.3e21 at 20; Xavier: 1.0 falling by about 0.707 to 0.0011; He: 1.42 to 1.1."""
    sizes = run_main[0]["activation_sizes"]
    normal, xavier, he = sizes["N(0, 1)"], sizes["Xavier"], sizes["He"]
    assert normal[0] == pytest.approx(16.1, abs=0.05) and f"{normal[19]:.2g}" == "1.3e+21"
    assert f"{normal[9]:.3g}" == "4.83e+10"
    growth = (normal[19] / normal[0]) ** (1 / 19)
    assert growth == pytest.approx(math.sqrt(128), rel=0.03)
    assert xavier[0] == pytest.approx(1.01, abs=0.005) and f"{xavier[9]:.3g}" == "0.0439" and f"{xavier[19]:.3g}" == "0.00108"
    shrink = (xavier[19] / xavier[0]) ** (1 / 19)
    assert shrink == pytest.approx(math.sqrt(0.5), rel=0.03)
    assert he[0] == pytest.approx(1.42, abs=0.005) and he[9] == pytest.approx(1.41, abs=0.005)
    assert he[19] == pytest.approx(1.1, abs=0.05)
    assert all(1.0 < value < 2.0 for value in he)


def test_char_mlp_dev_loss_and_parameters(run_main):
    """The issue's bound: dev loss at most 2.17 (2.1168 here), train 2.0783, well below the bigram's 2.4515; 10,187 parameters."""
    figures, printed = run_main
    assert figures["dev_loss"] <= 2.17
    assert figures["dev_loss"] == pytest.approx(2.1168, abs=5e-5)
    assert figures["train_loss"] == pytest.approx(2.0783, abs=5e-5)
    assert figures["bigram_dev_loss"] == pytest.approx(2.4515, abs=5e-5)
    assert figures["bigram_dev_loss"] - figures["dev_loss"] > 0.3
    assert figures["parameters"] == 27 * 16 + (48 * 128 + 128) + (128 * 27 + 27) == 10187
    assert figures["train_examples"] == 182537
    assert "dev loss 2.1168" in printed


def test_samples_quoted_in_the_overview(run_main):
    """The three samples the overview quotes are among the experiment's samples."""
    samples = run_main[0]["samples"]
    assert {"cayten", "annah", "shaachael"} <= set(samples)


def test_the_bigram_figure_matches_section_4_2(run_main):
    """4.1 computes the bigram's dev loss on the same split as 4.2, and the two agree."""
    figures, _ = run_main
    experiment = load_experiment("4.2")
    from learnpath.nn.data import load_names

    split = experiment.split_names(load_names())
    counts = experiment.count_table(*experiment.bigrams(split["train"]))
    assert experiment.nll(experiment.probabilities_from_counts(counts), *experiment.bigrams(split["dev"])) == \
        pytest.approx(figures["bigram_dev_loss"], abs=1e-12)


def test_experiment_runs_alone_in_its_folder():
    """`python experiment.py` in the section folder exits 0 and reaches step 4, every line within 80 columns."""
    result = run_alone(SECTION)
    assert result.returncode == 0, result.stderr
    assert "Step 4" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_code_quoted_in_the_overview_is_in_the_library():
    """Every line of Python the overview quotes is in functional.py or init.py."""
    assert quoted_lines_missing(SECTION, ["learnpath/nn/functional.py", "learnpath/nn/init.py"]) == []


def test_overview_worked_layer():
    """x = [1, 2], W = [[1, 0], [0.5, -1]], b = [0, 1] gives [1, -0.5] through Linear."""
    layer = Linear(2, 2)
    layer.weight.data[:] = [[1.0, 0.0], [0.5, -1.0]]
    layer.bias.data[:] = [0.0, 1.0]
    assert layer(Tensor([[1.0, 2.0]])).data.tolist() == [[1.0, -0.5]]


# ----------------------------------------------------------------------
# The quiz's numeric answers, recomputed.


_assert_matches_key = numeric_key_check(SECTION)


def test_quiz_layer_by_hand():
    """The second output of x @ W.T + b for x = [2, 3] is the key."""
    layer = Linear(2, 2)
    layer.weight.data[:] = [[1.0, 0.0], [0.5, -1.0]]
    layer.bias.data[:] = [0.0, 1.0]
    _assert_matches_key("layer-by-hand", layer(Tensor([[2.0, 3.0]])).data[0, 1])


def test_quiz_parameter_count():
    """Embedding(27, 10) + Linear(40, 100) + Linear(100, 27) have the key's number of parameters."""
    parts = [Embedding(27, 10), Linear(4 * 10, 100), Linear(100, 27)]
    _assert_matches_key("parameter-count", sum(p.size for part in parts for p in part.parameters()))


def test_quiz_he_scale():
    """kaiming_normal_ on a (256, 512) weight draws with the key's standard deviation."""
    from learnpath.nn import init

    weight = Linear(512, 256, bias=False).weight
    init.kaiming_normal_(weight, rng=np.random.default_rng(0))
    _assert_matches_key("he-scale", math.sqrt(2 / 512))
    assert weight.data.std() == pytest.approx(math.sqrt(2 / 512), rel=0.01)


def test_quiz_growth_per_layer():
    """Through a 200-wide ReLU layer with N(0, 1) weights the pre-activation's size grows by the key (measured)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4000, 200))
    z1 = x @ rng.standard_normal((200, 200))
    z2 = np.maximum(z1, 0) @ rng.standard_normal((200, 200))
    _assert_matches_key("growth-per-layer", math.sqrt(200 * 1.0 / 2))
    assert z2.std() / z1.std() == pytest.approx(10.0, rel=0.03)


# ----------------------------------------------------------------------
# The "Try this" outcomes told at the end of the overview.


def test_try_tanh_stack():
    """With tanh: N(0, 1) stays near 16, Xavier 1.0 -> 0.23 -> 0.15, He 1.42 -> 0.77 -> 0.78 (layers 1, 10, 20)."""
    experiment = load_experiment(SECTION)

    def sizes(initialise):
        rng = np.random.default_rng(experiment.SEED)
        x = Tensor(rng.standard_normal((1000, 256)), requires_grad=False)
        out = []
        with no_grad():
            for _ in range(20):
                layer = Linear(256, 256, bias=False)
                initialise(layer.weight, rng)
                z = layer(x)
                out.append(float(z.data.std()))
                x = z.tanh()
        return [round(out[i], 2) for i in (0, 9, 19)]

    table = {name: sizes(f) for name, f in experiment.INITIALISATIONS.items()}
    assert all(15.0 < v < 17.0 for v in table["N(0, 1)"])
    assert table["Xavier"] == [1.01, 0.23, 0.15]
    assert table["He"] == [1.42, 0.77, 0.78]


@pytest.mark.parametrize("change, expected", [("BLOCK_SIZE", 2.4538), ("HIDDEN", 2.1982)])
def test_try_smaller_models(change, expected):
    """BLOCK_SIZE = 1 gives 2.4538 (a bigram), HIDDEN = 32 gives 2.1982."""
    experiment = load_experiment(SECTION)
    setattr(experiment, change, 1 if change == "BLOCK_SIZE" else 32)
    assert experiment.train_char_mlp()["dev_loss"] == pytest.approx(expected, abs=5e-5)
