"""Section 4.3 (Attention Mechanisms): every figure the overview and the experiment claim, and every numeric quiz answer."""

from __future__ import annotations

import contextlib
import io
import math
from pathlib import Path

import numpy as np
import pytest

from learnpath.nn import MultiHeadAttention, Tensor
from learnpath.nn import functional as F
from learnpath.quiz.answers import grade_question
from sections import load_experiment, numeric_key_check, quoted_lines_missing, run_alone, section_dir

SECTION = "4.3"
SOLUTION = Path(__file__).resolve().parents[2] / "solutions" / "Phase_4" / "Section_3_Attention_Mechanisms"


def test_reversing_is_exact_on_unseen_sequences(run_main):
    """The issue's claim: reversing 6 digits is 100% exact on 1,000 held-out sequences; loss 2.308 -> 0.008."""
    figures, printed = run_main
    reverse = figures["reverse"]
    assert reverse["exact"] == 1.0
    assert reverse["first_loss"] == pytest.approx(2.308, abs=5e-4)
    assert reverse["first_loss"] == pytest.approx(math.log(10), abs=0.01)
    assert reverse["last_loss"] == pytest.approx(0.008, abs=5e-4)
    assert reverse["trained_on"] == 15886
    assert reverse["example"] == [9, 5, 1, 4, 1, 3]
    assert "exactly right on 100.0% of 1,000 sequences it never saw" in " ".join(printed.split())


def test_sorting_is_at_least_99_percent_on_unseen_sequences(run_main):
    """The issue's claim: sorting is at least 99% exact on held-out sequences (100.0% here), loss 2.299 -> 0.005."""
    sort = run_main[0]["sort"]
    assert sort["exact"] >= 0.99
    assert sort["exact"] == 1.0
    assert sort["last_loss"] == pytest.approx(0.005, abs=5e-4)
    assert sort["trained_on"] == 37665
    assert sort["example"] == [1, 1, 3, 4, 5, 9]


def test_held_out_sequences_are_really_unseen():
    """unseen_sequences never returns a sequence that was in the training set it is given."""
    experiment = load_experiment(SECTION)
    digits = np.random.default_rng(0).integers(0, 10, (5000, 6))
    seen = set(experiment.as_number(digits).tolist())
    fresh = experiment.unseen_sequences(seen, count=500)
    assert len(fresh) == 500
    assert not (set(experiment.as_number(fresh).tolist()) & seen)


def test_the_model_and_its_size(run_main):
    """GPT with 1 block, 4 heads, width 32 over 10 digits and 11 positions has 13,760 parameters."""
    figures, _ = run_main
    assert figures["reverse"]["parameters"] == figures["sort"]["parameters"] == 13760
    # token 10*32 + position 11*32 + block + final norm + head, counted by hand
    block = 2 * 64 + (32 * 96 + 96) + (32 * 32 + 32) + (32 * 128 + 128) + (128 * 32 + 32)
    assert 10 * 32 + 11 * 32 + block + 64 + 32 * 10 == 13760


def test_attention_is_an_anti_diagonal(run_main):
    """The position writing answer digit j puts its largest weight on input digit 5 - j: 0.804 for the first, 0.996 for the second."""
    figures, printed = run_main
    assert figures["reverse"]["peaks"] == [5, 4, 3, 2, 1, 0]
    weights = figures["reverse"]["peak_weights"]
    assert round(weights[0], 3) == 0.804 and weights[0] == min(weights)
    assert round(weights[1], 3) == 0.996 and weights[1] == max(weights)
    assert "answer 0" in printed and "·░▒▓█" in printed


def test_gradient_check_through_attention(run_main):
    """backward() through MultiHeadAttention agrees with measured slopes to about 2e-12."""
    error = run_main[0]["gradcheck_error"]
    assert error < 1e-9
    assert f"{error:.0e}" == "2e-12"


def test_overview_worked_example():
    """q = [[1, 0], [0, 2]], k = [[1, 1], [0, 1]], v = [[10, 0], [0, 10]]: weights 0.6698/0.3302 and 0.5/0.5, outputs [6.698, 3.302] and [5, 5]."""
    q, k, v = Tensor([[1.0, 0.0], [0.0, 2.0]]), Tensor([[1.0, 1.0], [0.0, 1.0]]), Tensor([[10.0, 0.0], [0.0, 10.0]])
    out, weights = F.scaled_dot_product_attention(q, k, v, need_weights=True)
    assert weights.round(4).tolist() == [[0.6698, 0.3302], [0.5, 0.5]]
    assert out.data.round(3).tolist() == [[6.698, 3.302], [5.0, 5.0]]


def test_overview_attention_parameter_count():
    """A MultiHeadAttention of width 32 has 3E*E + 3E + E*E + E = 4,224 parameters, whatever the heads."""
    for heads in (1, 2, 4):
        assert MultiHeadAttention(32, heads).num_parameters() == 4224


def test_experiment_runs_alone_in_its_folder():
    """`python experiment.py` in the section folder exits 0 and reaches step 5, every line within 80 columns."""
    result = run_alone(SECTION)
    assert result.returncode == 0, result.stderr
    assert "Step 5" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_code_quoted_in_the_overview_is_in_the_library():
    """Every line of Python the overview quotes is in functional.py or attention.py."""
    assert quoted_lines_missing(SECTION, ["learnpath/nn/functional.py", "learnpath/nn/attention.py"]) == []


# ----------------------------------------------------------------------
# The quiz's numeric answers, recomputed.


_assert_matches_key = numeric_key_check(SECTION)


def test_quiz_weight_by_hand():
    """softmax([ln 3, 0])[0] is the key."""
    _assert_matches_key("weight-by-hand", F.softmax(Tensor([math.log(3), 0.0])).data[0])


def test_quiz_output_by_hand():
    """[0.5, 0.25, 0.25] @ [4, 8, -4] is the key."""
    _assert_matches_key("output-by-hand", float(np.array([0.5, 0.25, 0.25]) @ np.array([4.0, 8.0, -4.0])))


def test_quiz_score_spread():
    """The dot product of two 64-long N(0, 1) vectors has standard deviation 8 (measured over 200,000 pairs)."""
    rng = np.random.default_rng(0)
    dots = (rng.standard_normal((200_000, 64)) * rng.standard_normal((200_000, 64))).sum(axis=1)
    assert dots.std() == pytest.approx(8.0, rel=0.01)
    _assert_matches_key("score-spread", math.sqrt(64))


def test_quiz_mha_parameters():
    """MultiHeadAttention(64, heads) has the key's parameters for 1, 2, 4 and 8 heads."""
    for heads in (1, 2, 4, 8):
        _assert_matches_key("mha-parameters", MultiHeadAttention(64, heads).num_parameters())


# ----------------------------------------------------------------------
# The "Try this" outcomes told at the end of the overview.


def test_try_one_head():
    """N_HEAD = 1 still reverses 100% of the unseen sequences."""
    experiment = load_experiment(SECTION)
    experiment.N_HEAD = 1
    model, _, seen = experiment.train("reverse", experiment.STEPS["reverse"])
    assert experiment.exact_share(model, "reverse", experiment.unseen_sequences(seen)) == 1.0


def test_try_short_sorting():
    """150 sorting steps: 92.6% exact, loss still 0.14."""
    experiment = load_experiment(SECTION)
    model, losses, seen = experiment.train("sort", 150)
    assert experiment.exact_share(model, "sort", experiment.unseen_sequences(seen)) == pytest.approx(0.926, abs=1e-9)
    assert losses[-1] == pytest.approx(0.14, abs=5e-3)


def test_try_eight_digits():
    """LENGTH = 8: 99.8% of 1,000 unseen sequences sorted in 600 steps."""
    experiment = load_experiment(SECTION)
    experiment.LENGTH = 8
    model, _, seen = experiment.train("sort", 600)
    assert experiment.exact_share(model, "sort", experiment.unseen_sequences(seen)) == pytest.approx(0.998, abs=1e-9)


# ----------------------------------------------------------------------
# Several seeds, --mine, and the quiz's text answer.


def test_several_seeds(run_main):
    """Seeds 0 to 3: reversing is 100.0% exact every time; sorting 99.7% to 100.0%."""
    experiment = load_experiment(SECTION)
    shares = {}
    for task in ("reverse", "sort"):
        shares[task, 0] = run_main[0][task]["exact"]  # the experiment's own run is seed 0
        for seed in range(1, 4):
            model, _, seen = experiment.train(task, experiment.STEPS[task], seed=seed)
            shares[task, seed] = experiment.exact_share(model, task, experiment.unseen_sequences(seen))
    assert [shares["reverse", seed] for seed in range(4)] == [1.0] * 4
    sort = [shares["sort", seed] for seed in range(4)]
    assert min(sort) == pytest.approx(0.997, abs=1e-9) and max(sort) == 1.0


def _flat(figures: dict) -> dict:
    out = {}
    for key, value in figures.items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in _flat(value).items()})
        else:
            out[key] = value
    return out


def test_mine_with_the_reference_reproduces_every_figure(run_main, monkeypatch):
    """With LEARNPATH_MINE at the reference solution, main() runs the learner's attention and gives every figure to 1e-6."""
    reference = SOLUTION / "exercise.py"
    monkeypatch.setenv("LEARNPATH_MINE", str(reference))
    experiment = load_experiment(SECTION)
    assert experiment.the_attention().mine
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        mine = _flat(experiment.main())
    default = _flat(run_main[0])
    assert mine.pop("mine") is True and default.pop("mine") is False
    assert mine.keys() == default.keys()
    for key, value in default.items():
        assert np.allclose(mine[key], value, rtol=0, atol=1e-6), key
    assert "your attention" in buffer.getvalue()


def test_mine_runs_the_learners_functions(monkeypatch, tmp_path):
    """--mine really calls the exercise's code: a copy whose causal_attention counts its calls is called in training."""
    source = (SOLUTION / "exercise.py").read_text(encoding="utf-8")
    source = source.replace("    weights = softmax_rows(mask_future(attention_scores(q, k)))",
                            "    CALLS.append(1)\n    weights = softmax_rows(mask_future(attention_scores(q, k)))")
    copy = tmp_path / "exercise.py"
    copy.write_text(source.replace("from learnpath.nn import Tensor\n", "from learnpath.nn import Tensor\n\nCALLS = []\n"),
                    encoding="utf-8")
    monkeypatch.setenv("LEARNPATH_MINE", str(copy))
    experiment = load_experiment(SECTION)
    parts = experiment.the_attention()
    experiment.train("reverse", 3)
    assert len(parts.multi_head_attention.__globals__["CALLS"]) >= 3


@pytest.mark.parametrize("typed", ["anti-diagonal", "the antidiagonal", "counter-diagonal", "secondary diagonal",
                                   "slash diagonal", "top right to bottom left", "from the top-right corner to the "
                                   "bottom-left corner", "bottom left to top right", "Anti diagonal."])
def test_quiz_reverse_pattern_accepts(typed):
    """The line of the reversing model's peaks runs '/': its right names are accepted."""
    assert grade_question(_question("reverse-pattern"), typed).correct


@pytest.mark.parametrize("typed", ["backslash diagonal", "main diagonal", "diagonal", "top left to bottom right",
                                   "the leading diagonal", "bottom right to top left", "a vertical line"])
def test_quiz_reverse_pattern_rejects(typed):
    """The main diagonal (copying, '\\') and other lines are not accepted."""
    assert not grade_question(_question("reverse-pattern"), typed).correct


def _question(question_id: str):
    from learnpath.quiz.file import load_quiz

    quiz = load_quiz(section_dir(SECTION) / "quiz.yaml")
    return next(q for q in quiz.questions if q.id == question_id)
