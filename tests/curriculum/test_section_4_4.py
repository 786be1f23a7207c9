"""Section 4.4 (Modern Architectures): every figure the overview and the experiment claim, and every numeric quiz answer."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re

import numpy as np
import pytest

from learnpath.nn import GPT, Block, LayerNorm, Tensor
from sections import load_experiment, numeric_key_check, quoted_lines_missing, run_alone, section_dir

SECTION = "4.4"


def test_parameters_by_hand_match_the_model(run_main):
    """The hand count is 54,592 and the model's own count agrees, for the default GPT."""
    figures, printed = run_main
    assert figures["by_hand"] == figures["parameters"] == 54592
    assert "54,592, the same as the count by hand" in " ".join(printed.split())


@pytest.mark.parametrize("n_layer, n_embd, tied", [(1, 64, False), (2, 32, False), (3, 16, True), (2, 24, True)])
def test_the_formula_matches_the_library(n_layer, n_embd, tied):
    """parameters_by_part adds up to GPT(...).num_parameters() for other sizes too, tied or not."""
    experiment = load_experiment(SECTION)
    model = GPT(vocab_size=27, block_size=16, n_layer=n_layer, n_head=4, n_embd=n_embd, tie_weights=tied)
    assert sum(experiment.parameters_by_part(27, 16, n_layer, n_embd, tied).values()) == model.num_parameters()


def test_block_has_12E2_plus_13E_parameters():
    """The overview's table: a Block of width E has 12E² + 13E parameters (49,984 at E = 64)."""
    for E in (8, 32, 64):
        assert Block(E, 4).num_parameters() == 12 * E * E + 13 * E
    assert Block(64, 4).num_parameters() == 49984


def test_gpt2_small_count(run_main):
    """GPT-2 small's sizes give 124,439,808, with the overview's partial sums."""
    figures, printed = run_main
    assert figures["gpt2_small"] == 124439808
    assert 50257 * 768 == 38597376 and 1024 * 768 == 786432 and 12 * 768**2 + 13 * 768 == 7087872
    assert 38597376 + 786432 + 12 * 7087872 + 1536 == 124439808
    assert "124,439,808 parameters" in " ".join(printed.split())


def test_default_run_dev_loss(run_main):
    """The issue's bound: dev loss at most 2.20 in the default run (2.1652 here): below the bigram, above the MLP."""
    figures, printed = run_main
    assert figures["dev_loss"] <= 2.20
    assert figures["dev_loss"] == pytest.approx(2.1652, abs=5e-5)
    assert 2.1168 < figures["dev_loss"] < 2.4515
    assert "Dev loss 2.1652" in " ".join(printed.split())


def test_samples_quoted_in_the_overview(run_main):
    """mailee, emariah and kylare (names) and shdara (not yet) are among the default run's samples."""
    assert {"mailee", "emariah", "kylare", "shdara"} <= set(run_main[0]["samples"])


def test_layer_norm_worked_example():
    """LayerNorm of [1, 2, 3, 6] is about [-1.069, -0.535, 0, 1.604]."""
    out = LayerNorm(4)(Tensor([[1.0, 2.0, 3.0, 6.0]])).data[0]
    assert out.round(3).tolist() == [-1.069, -0.535, 0.0, 1.604]


def test_experiment_runs_alone_in_its_folder():
    """`python experiment.py` in the section folder exits 0 and reaches step 4, every line within 80 columns."""
    result = run_alone(SECTION)
    assert result.returncode == 0, result.stderr
    assert "Step 4" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_code_quoted_in_the_overview_is_in_the_library():
    """Every line of Python the overview quotes is in gpt.py."""
    assert quoted_lines_missing(SECTION, ["learnpath/nn/gpt.py"]) == []


# ----------------------------------------------------------------------
# The quiz's numeric answers, recomputed.


_assert_matches_key = numeric_key_check(SECTION)


def test_quiz_block_count():
    """Block(32, 4) has the key's parameters."""
    _assert_matches_key("block-count", Block(32, 4).num_parameters())


def test_quiz_gpt_count():
    """GPT(27 tokens, 16 positions, 2 blocks, width 32, untied) has the key's parameters."""
    _assert_matches_key("gpt-count", GPT(vocab_size=27, block_size=16, n_layer=2, n_head=4, n_embd=32).num_parameters())


def test_quiz_norm_by_hand():
    """LayerNorm of [2, 4, 6, 8] starts with the key."""
    _assert_matches_key("norm-by-hand", LayerNorm(4)(Tensor([[2.0, 4.0, 6.0, 8.0]])).data[0, 0])


def test_quiz_predictions_per_pass():
    """'.emma.' and '.al.' padded to the same length give 5 + 3 = 8 scored positions (10 with the padding)."""
    from learnpath.nn import CharVocab
    from learnpath.nn.text import IGNORE_INDEX, padded_sequences

    _, Y = padded_sequences(["emma", "al"], CharVocab("abcdefghijklmnopqrstuvwxyz"))
    assert Y.size == 10
    _assert_matches_key("predictions-per-pass", int((Y != IGNORE_INDEX).sum()))


def test_quiz_no_zero_grad():
    """Three backward() calls without clearing: .grad is the sum of all three batches' gradients."""
    from learnpath.nn import Linear

    layer = Linear(3, 2, rng=np.random.default_rng(0))
    batches = [np.random.default_rng(seed).standard_normal((4, 3)) for seed in (1, 2, 3)]
    alone = []
    for batch in batches:
        layer.zero_grad()
        (layer(Tensor(batch)) ** 2).sum().backward()
        alone.append(layer.weight.grad.copy())
    layer.zero_grad()
    for batch in batches:
        (layer(Tensor(batch)) ** 2).sum().backward()
    summed = [n for n in (1, 2, 3) if np.allclose(layer.weight.grad, sum(alone[:n]))]
    _assert_matches_key("no-zero-grad", summed[0])


# ----------------------------------------------------------------------
# The "Try this" outcomes, and the long run.


@pytest.mark.parametrize("change, parameters, loss", [({"n_head": 1}, 54592, 2.1752), ({"n_layer": 2}, 104576, 2.1655)])
def test_try_heads_and_layers(change, parameters, loss):
    """n_head=1: 54,592 parameters, dev 2.1752; n_layer=2: 104,576 parameters, dev 2.1655."""
    experiment = load_experiment(SECTION)
    result = experiment.train(dataclasses.replace(experiment.DEFAULT, **change))
    assert result["parameters"] == parameters
    assert result["dev_loss"] == pytest.approx(loss, abs=5e-5)


def _long_run_figure_in_the_overview() -> float:
    text = (section_dir(SECTION) / "overview.md").read_text(encoding="utf-8")
    return float(re.search(r"The long run reached a dev loss of \*\*(\d\.\d{4})\*\*", " ".join(text.split())).group(1))


@pytest.mark.slow
def test_long_run_reaches_2_05_and_beats_the_mlp():
    """`--long`: dev loss at most 2.05, below 4.1's MLP (2.1168), equal to the figure the overview states; progress printed."""
    experiment = load_experiment(SECTION)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        figures = experiment.main(["--long"])
    assert figures["dev_loss"] <= 2.05
    assert figures["dev_loss"] < 2.1168
    assert figures["dev_loss"] == pytest.approx(_long_run_figure_in_the_overview(), abs=5e-5)
    assert figures["dev_loss"] == pytest.approx(1.9839, abs=5e-5)
    assert round(2.1168 - figures["dev_loss"], 2) == 0.13
    assert figures["parameters"] == 104576
    assert len(figures["dev_curve"]) == 16
    assert re.search(r"step 8,000/8,000 .* min left", buffer.getvalue())


def test_long_run_settings_are_the_ones_the_overview_describes():
    """--long trains 2 blocks for 8,000 steps of 64 names, reporting every 500 steps (the run itself is the slow test)."""
    experiment = load_experiment(SECTION)
    assert (experiment.LONG.n_layer, experiment.LONG.steps, experiment.LONG.batch) == (2, 8000, 64)
    assert "every 500 steps" in (section_dir(SECTION) / "overview.md").read_text(encoding="utf-8")


def test_share_of_parameters_in_the_blocks():
    """The blocks' 12E² terms: 68% of GPT-2 small's 124,439,808 parameters, over 99% of GPT-3's 175 billion."""
    assert round(12 * 12 * 768**2 / 124439808, 2) == 0.68
    assert 96 * 12 * 12288**2 / 175e9 > 0.99


@pytest.mark.slow
def test_several_seeds_heads_and_layers():
    """Seeds 0-2: four heads 2.1652-2.1679, one head 2.1752-2.1804 (worse each time), two blocks 2.1655-2.1700."""
    experiment = load_experiment(SECTION)
    spread = {}
    for name, change in (("four heads", {}), ("one head", {"n_head": 1}), ("two blocks", {"n_layer": 2})):
        losses = [experiment.train(dataclasses.replace(experiment.DEFAULT, **change), seed=seed)["dev_loss"]
                  for seed in range(3)]
        spread[name] = losses
    assert [round(x, 4) for x in spread["four heads"]] == [2.1652, 2.1668, 2.1679]
    assert round(min(spread["one head"]), 4) == 2.1752 and round(max(spread["one head"]), 4) == 2.1804
    assert all(one > four for one, four in zip(spread["one head"], spread["four heads"]))
    assert round(min(spread["two blocks"]), 4) == 2.1655 and round(max(spread["two blocks"]), 4) == 2.1700


def test_the_seed_spread_of_the_default_run_is_stated():
    """The overview's seed spread is the one the slow test measures (kept in one place: its asserts)."""
    text = " ".join((section_dir(SECTION) / "overview.md").read_text(encoding="utf-8").split())
    assert "between 2.1652 and 2.1679" in text and "between 2.1752 and 2.1804" in text


# ----------------------------------------------------------------------
# The exercise's GPT, and --mine.


SOLUTION = section_dir(SECTION).parents[2] / "solutions" / "Phase_4" / "Section_4_Modern_Architectures"


def _load(path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"exercise_{path.stem}_{abs(hash(path))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("which", ["starter.py", "exercise.py"])
def test_the_exercise_gpt_starts_from_the_library_weights(which):
    """The exercise's given __init__ builds the library GPT's parameters: same names, same numbers, same seed."""
    exercise = _load(SOLUTION / which)
    for n_layer, n_head, n_embd in ((1, 4, 64), (2, 2, 16)):
        library = GPT(27, 16, n_layer, n_head, n_embd, dtype=np.float32, rng=np.random.default_rng(5))
        mine = exercise.GPT(vocab_size=27, block_size=16, n_layer=n_layer, n_head=n_head, n_embd=n_embd,
                            dtype=np.float32, rng=np.random.default_rng(5))
        theirs, ours = dict(library.named_parameters()), dict(mine.named_parameters())
        assert list(theirs) == list(ours)
        for name in theirs:
            assert theirs[name].data.dtype == ours[name].data.dtype
            assert np.array_equal(theirs[name].data, ours[name].data), name


def test_mine_with_the_reference_reproduces_every_figure(run_main, monkeypatch):
    """With LEARNPATH_MINE at the reference, main() trains the learner's GPT and gives every figure to 1e-6."""
    monkeypatch.setenv("LEARNPATH_MINE", str(SOLUTION / "exercise.py"))
    experiment = load_experiment(SECTION)
    assert experiment.the_parts().mine
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        mine = experiment.main([])
    default = run_main[0]
    assert mine["mine"] is True and default["mine"] is False
    for key in ("by_hand", "gpt2_small", "parameters", "block_size", "vocab_size", "samples", "dev_curve"):
        assert mine[key] == default[key], key
    assert mine["dev_loss"] == pytest.approx(default["dev_loss"], abs=1e-6)
    assert mine["dev_loss"] <= 2.20
    assert np.allclose(mine["losses"], default["losses"], rtol=0, atol=1e-6)
    assert "Training your GPT" in " ".join(buffer.getvalue().split())
