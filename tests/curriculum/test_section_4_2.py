"""Section 4.2 (Sequence Modeling): every figure the overview and the experiment claim, and every numeric quiz answer."""

from __future__ import annotations

import math
import re
import time
from pathlib import Path

import numpy as np
import pytest

from learnpath.nn.data import load_names, train_dev_test_split
from sections import (
    assert_same_figures, figures_on_the_reference, load_experiment, numeric_key_check, quiz_questions, quoted_lines_missing,
    run_alone,
)

SECTION = "4.2"
REFERENCE = Path(__file__).resolve().parents[2] / "solutions/Phase_4/Section_2_Sequence_Modeling/exercise.py"


def _experiment():
    return load_experiment(SECTION)


def _split():
    return train_dev_test_split(load_names(), seed=42)


def _bigram_arrays(experiment, names):
    X, Y = experiment.context_windows(names, 1)
    return X[:, 0], Y


def _learned_logits(experiment, steps=None):
    train, _, _ = _split()
    kwargs = {} if steps is None else {"steps": steps}
    W, _ = experiment.train_by_gradient_descent(*_bigram_arrays(experiment, train), **kwargs)
    return W


def test_windows_of_emma(run_main):
    """'emma' with a window of 3 is the five examples the overview draws."""
    figures, _ = run_main
    assert figures["emma_windows"] == ["... -> e", "..e -> m", ".em -> m", "emm -> a", "mma -> ."]


def test_context_coverage(run_main):
    """Contexts seen in train: 27, 595 of 729, 5,440 of 19,683, 20,269, 36,475 of 14,348,907; unseen dev shares."""
    coverage = run_main[0]["coverage"]
    assert [coverage[k]["seen"] for k in (1, 2, 3, 4, 5)] == [27, 595, 5440, 20269, 36475]
    assert [coverage[k]["possible"] for k in (1, 3, 5)] == [27, 19683, 14348907]
    shares = [round(coverage[k]["dev_unseen"] * 100, 1) for k in (1, 2, 3, 4, 5)]
    assert shares == [0.0, 0.0, 0.6, 4.4, 11.3]
    assert coverage[1]["dev_unseen"] == 0.0


def test_gradient_descent_lands_on_the_counted_table(run_main):
    """Step 0 is ln 27; dev 2.4523 learned against 2.4515 counted (0.0008 apart); train 2.4541 above the raw 2.4529."""
    figures, _ = run_main
    assert figures["first_step_loss"] == pytest.approx(math.log(27), abs=1e-12)
    assert figures["gd_dev_loss"] == pytest.approx(2.4523, abs=5e-5)
    assert figures["count_dev_loss"] == pytest.approx(2.4515, abs=5e-5)
    assert figures["dev_gap"] == pytest.approx(0.0008, abs=5e-5)
    assert figures["gd_train_loss"] == pytest.approx(2.4541, abs=5e-5)
    assert figures["raw_train_loss"] == pytest.approx(2.4529, abs=5e-5)
    assert figures["gd_train_loss"] > figures["raw_train_loss"]


def test_the_counted_table_is_section_4_1s(run_main):
    """The counted dev loss here is 4.1's bigram figure, computed by 4.1's own functions."""
    section_4_1 = load_experiment("4.1")
    train, dev, _ = _split()
    table = section_4_1.smoothed(section_4_1.count_bigrams(train))
    assert section_4_1.average_nll(table, dev) == pytest.approx(run_main[0]["count_dev_loss"], abs=1e-12)


def test_the_zero_gradient_is_at_the_counted_frequencies():
    """The overview's derivation: the gradient of the training loss is zero where softmax(W) equals the raw frequencies."""
    from learnpath.nn import Tensor
    from learnpath.nn import functional as F

    experiment = _experiment()
    train, _, _ = _split()
    previous, following = _bigram_arrays(experiment, train[:400])
    counts = experiment.count_table(previous, following)
    seen = counts.sum(axis=1) > 0
    with np.errstate(divide="ignore"):
        W = Tensor(np.where(counts > 0, np.log(counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)), -1e9))
    F.cross_entropy(F.embedding(previous, W), following).backward()
    assert np.abs(W.grad[seen]).max() < 1e-12


def test_tables_differ_most_in_the_rare_q_row(run_main):
    """The largest entry gap is 0.077 in row 'q' (220 pairs); P(u after q) is 0.755 raw, 0.676 with +1, 0.753 learned."""
    figures, _ = run_main
    assert figures["largest_probability_gap"] == pytest.approx(0.077, abs=5e-4)
    assert figures["widest_gap_row"] == "q" and figures["q_count"] == 220
    assert figures["q_then_u_raw"] == pytest.approx(0.755, abs=5e-4)
    assert figures["q_then_u_counted"] == pytest.approx(0.676, abs=5e-4)
    assert figures["q_then_u_learned"] == pytest.approx(0.753, abs=5e-4)


def test_temperature_figures(run_main):
    """Mean length 6.16 at T = 1 and 3.21 at T = 0.5 (train 6.12); first-letter entropy 3.162, 2.941, 2.408; tops."""
    figures, _ = run_main
    lengths = figures["mean_sample_length"]
    assert lengths[1.0] == pytest.approx(6.16, abs=5e-3)
    assert lengths[0.5] == pytest.approx(3.21, abs=5e-3)
    assert figures["mean_train_length"] == pytest.approx(6.12, abs=5e-3)
    entropy = figures["first_letter_entropy"]
    assert [round(entropy[t], 3) for t in (2.0, 1.0, 0.5)] == [3.162, 2.941, 2.408]
    assert [round(figures["first_letter_top"][t], 3) for t in (2.0, 1.0, 0.5)] == [0.080, 0.140, 0.303]
    assert len(figures["samples"][1.0]) == len(figures["samples"][0.5]) == 10


def test_one_character_of_context_shows_in_the_lengths(run_main):
    """11.4% of T = 1 samples are one letter and 16.8% longer than ten, against 0.0% and 0.6% of train names."""
    figures, _ = run_main
    shown = {kind: (f"{figures['share_one_letter'][kind]:.1%}", f"{figures['share_over_ten'][kind]:.1%}")
             for kind in ("samples", "train")}
    assert shown == {"samples": ("11.4%", "16.8%"), "train": ("0.0%", "0.6%")}
    assert figures["share_one_letter"]["train"] == 0.0


def test_softmax_overflow_claims():
    """e**710 is inf in float64; the shifted softmax of [1000, 1000, 0] is [0.5, 0.5, 0.0]; the plain one gives NaN."""
    experiment = _experiment()
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isinf(np.exp(710.0)) and np.isfinite(np.exp(709.0))
        plain = np.exp(np.array([1000.0, 1000.0, 0.0]))
        assert np.isnan(plain / plain.sum()).any()
    assert experiment.softmax_with_temperature(np.array([1000.0, 1000.0, 0.0]), 1.0).tolist() == [0.5, 0.5, 0.0]


def test_overview_temperature_example():
    """[0.8, 0.2] at T = 0.5 gives [0.941, 0.059] and at T = 2 gives [0.667, 0.333]."""
    experiment = _experiment()
    logits = np.log([0.8, 0.2])
    assert experiment.softmax_with_temperature(logits, 0.5) == pytest.approx([0.941, 0.059], abs=5e-4)
    assert experiment.softmax_with_temperature(logits, 2.0) == pytest.approx([0.667, 0.333], abs=5e-4)


def test_mine_with_the_reference_reproduces_every_figure(run_main, monkeypatch):
    """With the reference as exercise.py (--mine), main() gives every default figure to 1e-6, within 30 s of CPU."""
    start = time.process_time()
    mine, _ = figures_on_the_reference(SECTION, monkeypatch)
    assert time.process_time() - start < 30
    assert_same_figures(mine, run_main[0])


def test_mine_runs_the_learners_functions(monkeypatch):
    """--mine routes the windows, the softmax and the sampler through exercise.py."""
    experiment = _experiment()
    monkeypatch.setenv("LEARNPATH_MINE", str(REFERENCE))
    parts = experiment.library_parts()
    assert parts.mine
    for name in ("context_windows", "softmax_with_temperature", "sample_name"):
        assert Path(getattr(parts, name).__code__.co_filename).resolve() == REFERENCE.resolve()


def test_experiment_runs_alone_in_its_folder():
    """`python experiment.py` in the section folder exits 0 and reaches step 5."""
    result = run_alone(SECTION)
    assert result.returncode == 0, result.stderr
    assert "Step 5" in result.stdout


def test_code_quoted_in_the_overview_is_in_the_library():
    """Every line of Python the overview quotes is in functional.py or sampling.py."""
    assert quoted_lines_missing(SECTION, ["learnpath/nn/functional.py", "learnpath/nn/sampling.py"]) == []


# ----------------------------------------------------------------------
# The quiz's answers, recomputed.


_assert_matches_key = numeric_key_check(SECTION)


def test_quiz_window_count():
    """'ava' and 'bo' with a window of 4 make the key's number of examples."""
    X, Y = _experiment().context_windows(["ava", "bo"], 4)
    assert X.shape == (len(Y), 4)
    _assert_matches_key("window-count", len(Y))


def test_quiz_last_window_accepts_right_forms_only():
    """The last window of 'emma' is 'mma': the accepted forms include it with spaces or quotes, and refuse others."""
    experiment = _experiment()
    X, _ = experiment.context_windows(["emma"], 3)
    assert "".join(experiment.ALPHABET[t] for t in X[-1]) == "mma"
    question = quiz_questions(SECTION)["last-window"]
    pattern = re.compile(question["accept"], re.I)
    for right in ("mma", "m m a", "'mma'", "MMA"):
        assert pattern.search(right.lower()) or right.lower() in question["answer"], right
    for wrong in ("emm", "mma.", "ma.", "mm", "amm"):
        assert not pattern.search(wrong), wrong


def test_quiz_temperature_half():
    """[0.5, 0.3, 0.2] at T = 0.5 gives the key for the first token."""
    _assert_matches_key("temperature-half", _experiment().softmax_with_temperature(np.log([0.5, 0.3, 0.2]), 0.5)[0])


def test_quiz_temperature_after_softmax_changes_nothing():
    """Dividing probabilities by T and renormalising gives them back (the temperature-after key)."""
    experiment = _experiment()
    p = experiment.softmax_with_temperature(np.array([2.0, 0.5, -1.0]), 1.0)
    assert (p / 0.5) / (p / 0.5).sum() == pytest.approx(p)
    question = quiz_questions(SECTION)["temperature-after"]
    assert "exactly as at T = 1" in question["choices"][question["answer"]]["text"]


def test_quiz_overflow_gives_nan():
    """exp(z) / exp(z).sum() for [1000, 999] is [nan, nan]; shifted, [0.731, 0.269]."""
    z = np.array([1000.0, 999.0])
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(np.exp(z) / np.exp(z).sum()).all()
    assert _experiment().softmax_with_temperature(z, 1.0) == pytest.approx([0.731, 0.269], abs=5e-4)


def test_quiz_temperature_facts_hold_for_the_learned_table(run_main):
    """T = 0.5 raises every row's top probability and shortens the samples; the key is [a, c]."""
    figures, _ = run_main
    experiment = _experiment()
    W = _learned_logits(experiment)
    for row in W.data:
        assert experiment.softmax_with_temperature(row, 0.5).max() > experiment.softmax_with_temperature(row, 1.0).max()
    assert figures["mean_sample_length"][0.5] < figures["mean_sample_length"][1.0]
    assert sorted(quiz_questions(SECTION)["temperature-facts"]["answer"]) == ["a", "c"]


# ----------------------------------------------------------------------
# The "Try this" outcomes told at the end of the overview.


def test_try_temperature_two():
    """At T = 2 the mean of 2,000 samples is 10.54, 0.5% reach 50 letters, and 'ssiefalimzrmzack' is drawn."""
    experiment = _experiment()
    logits = _learned_logits(experiment).data
    rng = np.random.default_rng(experiment.SAMPLE_SEED)
    lengths = np.array([len(experiment.sample_name(logits, 2.0, rng)) for _ in range(2000)])
    assert lengths.mean() == pytest.approx(10.54, abs=5e-3)
    assert np.mean(lengths == 50) == pytest.approx(0.005, abs=5e-4)
    rng = np.random.default_rng(experiment.SAMPLE_SEED)
    assert "ssiefalimzrmzack" in [experiment.sample_name(logits, 2.0, rng) for _ in range(10)]


def test_try_thirty_steps():
    """STEPS = 30 leaves the learned model at 2.4779 on dev, 0.026 above the counted one."""
    experiment = _experiment()
    _, dev, _ = _split()
    W = _learned_logits(experiment, steps=30)
    loss = experiment.nll(experiment.softmax_rows(W), *_bigram_arrays(experiment, dev))
    assert loss == pytest.approx(2.4779, abs=5e-5)
    assert loss - 2.4515 == pytest.approx(0.026, abs=5e-4)


def test_try_one_draw_per_name():
    """One u per name: mean length 40.62, 1,615 of 2,000 at the 50-letter limit, loops such as 'minenene...' and 'tustus...'."""
    experiment = _experiment()
    logits = _learned_logits(experiment).data

    def one_draw_sampler(logits, temperature, rng, max_length=experiment.MAX_LENGTH):
        u = rng.random()
        token, letters = 0, []
        while len(letters) < max_length:
            probabilities = experiment.softmax_with_temperature(logits[token], temperature)
            token = int(np.searchsorted(np.cumsum(probabilities), u, side="right"))
            if token == 0:
                break
            letters.append(experiment.ALPHABET[token])
        return "".join(letters)

    rng = np.random.default_rng(experiment.SAMPLE_SEED)
    names = [one_draw_sampler(logits, 1.0, rng) for _ in range(2000)]
    lengths = np.array([len(n) for n in names])
    assert lengths.mean() == pytest.approx(40.62, abs=5e-3)
    assert int((lengths == 50).sum()) == 1615
    assert names[0].startswith("minenenene") and names[1].startswith("tustustus") and names[4] == "e" * 50


def test_end_is_likeliest_after_six_letters(run_main):
    """'.' is the likeliest next token of the learned table after a, e, h, i, n and x (the overview's step 3)."""
    assert run_main[0]["stop_is_likeliest"] == ["a", "e", "h", "i", "n", "x"]
