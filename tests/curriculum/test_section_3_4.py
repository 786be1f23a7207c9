"""Section 3.4 (Real Dataset): every claim of the overview and every numeric quiz answer, recomputed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from learnpath.nn import confusion_matrix, cross_entropy
from learnpath.nn.functional import softmax
from learnpath.nn.losses import l2_penalty
from learnpath.nn import Tensor

from sections import assert_same_figures, figures_on_the_reference, load_experiment, numeric_key_check, quiz_questions, quoted_lines_missing, run_alone

SECTION = "3.4"


@pytest.fixture(scope="module")
def experiment():
    return load_experiment(SECTION)


_assert_matches_key = numeric_key_check(SECTION)


def test_split_sizes(run_main):
    """1,347 training and 450 test images; 39 to 52 test images of each digit, 450 in all."""
    figures, printed = run_main
    assert (figures["n_train"], figures["n_test"]) == (1347, 450)
    counts = figures["test_counts"]
    assert sum(counts) == 450 and min(counts) == 39 and max(counts) == 52
    assert "1,347 to train on, 450 to test on" in printed


def test_split_is_fixed_and_disjoint(experiment):
    """The same seed gives the same split; train and test share no image row index."""
    a = experiment.load_split()
    b = experiment.load_split()
    for x, y in zip(a, b):
        assert np.array_equal(x, y)
    X, _ = experiment.load_digits()
    order = np.random.default_rng(experiment.SPLIT_SEED).permutation(len(X))
    assert np.array_equal(a[1], X[order[:450]]) and np.array_equal(a[0], X[order[450:]])


def test_three_edge_pixels_are_always_zero_in_training(experiment):
    """Pixels 0, 32 and 39 (left and right edges) are 0 in every training image; the standardizer leaves them 0."""
    X_train, X_test, _, _ = experiment.load_split()
    constant = np.flatnonzero(X_train.std(axis=0) == 0)
    assert constant.tolist() == [0, 32, 39]
    assert X_train[:, constant].max() == 0
    assert [(j // 8, j % 8) for j in constant] == [(0, 0), (4, 0), (4, 7)]
    scaled = experiment.standardizer(X_train)(X_train)
    assert np.all(scaled[:, constant] == 0)
    assert np.allclose(scaled[:, X_train.std(axis=0) > 0].mean(axis=0), 0, atol=1e-12)


def test_linear_baseline(run_main):
    """Linear softmax, 650 parameters: 99.0% on training images, 94.7% on the test set."""
    figures, printed = run_main
    assert f"{figures['linear_train_accuracy']:.1%}" == "99.0%"
    assert f"{figures['linear_test_accuracy']:.1%}" == "94.7%"
    assert "Linear softmax (650 parameters)" in printed


def test_mlp_reaches_at_least_97_percent(run_main):
    """MLP(64, [256, 128, 10]): 50,826 parameters, train loss 0.0018 (100.0%), test loss 0.096 and 97.3%."""
    figures, _ = run_main
    assert figures["mlp_parameters"] == 50_826 == 64 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10
    assert figures["mlp_test_accuracy"] >= 0.97
    assert f"{figures['mlp_test_accuracy']:.1%}" == "97.3%"
    assert f"{figures['mlp_train_accuracy']:.1%}" == "100.0%"
    assert f"{figures['mlp_train_loss']:.4f}" == "0.0018" and f"{figures['mlp_test_loss']:.3f}" == "0.096"
    gain = figures["mlp_test_accuracy"] - figures["linear_test_accuracy"]
    assert f"{100 * gain:.1f}" == "2.7" and round(gain * 450) == 12


def test_small_training_set_and_l2(run_main):
    """200 images: no penalty 0.0004 / val 0.158 (best at 40) / test 94.0%; L2 1e-3: 0.0086 / 0.129 (0.126 at 38) / 94.7%."""
    runs = run_main[0]["small_runs"]
    plain, l2 = runs["no penalty"], runs["L2 1e-3"]
    assert f"{plain['train_loss']:.4f}" == "0.0004" and plain["train_accuracy"] == 1.0
    assert f"{plain['val_loss']:.3f}" == "0.158" and plain["best_epoch"] == 40
    assert f"{plain['test_accuracy']:.1%}" == "94.0%"
    assert f"{l2['train_loss']:.4f}" == "0.0086" and l2["train_accuracy"] == 1.0
    assert f"{l2['val_loss']:.3f}" == "0.129" and f"{l2['best_val_loss']:.3f}" == "0.126" and l2["best_epoch"] == 38
    assert f"{l2['test_accuracy']:.1%}" == "94.7%"


def test_validation_images_are_not_the_small_training_images(experiment):
    """The 200-image run trains on rows 0-199 and validates on rows 1047-1346 of the training part: disjoint, 300 rows."""
    X_train, _, _, _ = experiment.load_split()
    assert len(X_train[1047:]) == 300 and 1047 > 200


def test_confusion_matrix(run_main):
    """438 right, 12 wrong, no off-diagonal count above 1; every row sums to that digit's test count."""
    figures, printed = run_main
    matrix = np.array(figures["confusion"])
    assert matrix.sum() == 450
    assert np.trace(matrix) == 438 and matrix.sum() - np.trace(matrix) == 12
    assert (matrix - np.diag(np.diag(matrix))).max() == 1
    assert matrix.sum(axis=1).tolist() == figures["test_counts"]
    assert "438 right, 12 wrong" in printed
    assert f"{np.trace(matrix) / 450:.1%}" == f"{figures['mlp_test_accuracy']:.1%}"


def test_misclassified_digits_have_the_truth_in_their_top_three(run_main):
    """Four mistakes shown; the first, a 2, is guessed 1 (72%) then 2 (28%); each has the true digit in its top three."""
    shown = run_main[0]["misclassified"]
    assert len(shown) == 4
    first = shown[0]
    assert first["label"] == 2 and first["top3"][:2] == [1, 2]
    assert [f"{p:.0%}" for p in first["probabilities"][:2]] == ["72%", "28%"]
    for s in shown:
        assert s["top3"][0] != s["label"] and s["label"] in s["top3"]


def test_other_seeds_and_splits_give_about_97_percent(experiment):
    """Starting seeds 1-4: 97.1, 97.6, 96.9, 97.6%; split seeds 1 and 2: 96.7 and 96.9%: about 97% (96.7-97.6%)."""
    by_init = [experiment.mlp_test_accuracy(init_seed=s) for s in (1, 2, 3, 4)]
    by_split = [experiment.mlp_test_accuracy(split_seed=s) for s in (1, 2)]
    assert [f"{a:.1%}" for a in by_init] == ["97.1%", "97.6%", "96.9%", "97.6%"]
    assert [f"{a:.1%}" for a in by_split] == ["96.7%", "96.9%"]
    everything = by_init + by_split + [experiment.mlp_test_accuracy()]
    assert (f"{min(everything):.1%}", f"{max(everything):.1%}") == ("96.7%", "97.6%")


def test_linear_baseline_over_seeds_stays_below_every_mlp(experiment):
    """Linear softmax from seeds 0-4: 94.0% to 95.3%; the MLP from seeds 0-4: 96.9% to 97.6%."""
    linear = [experiment.linear_test_accuracy(s) for s in range(5)]
    mlp = [experiment.mlp_test_accuracy(init_seed=s) for s in range(5)]
    assert (f"{min(linear):.1%}", f"{max(linear):.1%}") == ("94.0%", "95.3%")
    assert (f"{min(mlp):.1%}", f"{max(mlp):.1%}") == ("96.9%", "97.6%")
    assert max(linear) < min(mlp)


def test_l2_over_seeds(experiment):
    """Seeds 0-4: final validation loss 0.141-0.179 without a penalty, 0.115-0.134 with L2 1e-3, lower with L2 every time."""
    A_train, A_test, y_train, y_test = _scaled(experiment)
    plain = [experiment.small_run(A_train, y_train, A_test, y_test, 0.0, init_seed=s) for s in range(5)]
    l2 = [experiment.small_run(A_train, y_train, A_test, y_test, 1e-3, init_seed=s) for s in range(5)]
    assert all(b["val_loss"] < a["val_loss"] for a, b in zip(plain, l2))

    def spread(runs, key, fmt):
        values = [r[key] for r in runs]
        return format(min(values), fmt), format(max(values), fmt)

    assert spread(plain, "val_loss", ".3f") == ("0.141", "0.179")
    assert spread(l2, "val_loss", ".3f") == ("0.115", "0.134")
    assert [f"{r['val_loss']:.3f}" for r in plain[2:4]] == ["0.144", "0.141"]
    assert [f"{r['val_loss']:.3f}" for r in l2[2:4]] == ["0.121", "0.115"]
    assert spread(plain, "test_accuracy", ".1%") == ("94.0%", "94.9%")
    assert spread(l2, "test_accuracy", ".1%") == ("94.7%", "95.8%")


def _scaled(experiment):
    X_train, X_test, y_train, y_test = experiment.load_split()
    scale = experiment.standardizer(X_train)
    return scale(X_train), scale(X_test), y_train, y_test


def test_patience_3_would_have_stopped_step_4_early(run_main):
    """Step 4's no-penalty curve is lowest at epoch 40, but patience 3 would stop at 15, keeping epoch 12 (0.172)."""
    curve = run_main[0]["small_runs"]["no penalty"]["val_curve"]
    best, best_epoch, stopped = float("inf"), 0, None
    for epoch, loss in enumerate(curve, start=1):
        if loss < best:
            best, best_epoch = loss, epoch
        elif epoch - best_epoch >= 3:
            stopped = epoch
            break
    assert (stopped, best_epoch, f"{best:.3f}") == (15, 12, "0.172")
    next_low = next(epoch for epoch, loss in enumerate(curve, start=1) if epoch > 12 and loss < curve[11])
    assert next_low == 18  # five epochs (13 to 17) without a new low
    assert int(np.argmin(curve)) + 1 == 40


def test_early_stopping_with_fit(run_main, experiment):
    """fit on 200 images, patience 3: epoch 10 (validation 0.152), test 92.2%; seeds 1, 2: epochs 11, 11, 94.4%, 94.2%."""
    stopped = run_main[0]["early_stopping"]
    assert stopped["best_epoch"] == 10 and f"{stopped['val_loss']:.3f}" == "0.152"
    assert f"{stopped['test_accuracy']:.1%}" == "92.2%"
    A_train, A_test, y_train, y_test = _scaled(experiment)
    others = [experiment.early_stopping_run(A_train, y_train, A_test, y_test, init_seed=s) for s in (1, 2)]
    assert [r["best_epoch"] for r in others] == [11, 11]
    assert [f"{r['test_accuracy']:.1%}" for r in others] == ["94.4%", "94.2%"]


def test_two_half_batches_accumulated_make_the_full_batch_step(run_main):
    """Halves of 32 with loss x 1/2 and no zero_grad between: the same gradient and step as 64 at once, to 1e-12."""
    accumulated = run_main[0]["accumulation"]
    assert accumulated["gradient_gap"] < 1e-16 and accumulated["weight_gap"] < 1e-16
    assert f"{accumulated['largest_step']:.3f}" == "0.006"  # the step itself, far larger than the gap


def test_try_accumulation_without_the_half(tmp_path):
    """Without the * 0.5 the accumulated gradient is twice the full one: the weights differ by the whole step."""
    import importlib.util

    from sections import section_dir

    source = (section_dir(SECTION) / "experiment.py").read_text(encoding="utf-8")
    assert source.count("* 0.5).backward()") == 1
    edited = tmp_path / "experiment_no_half.py"
    edited.write_text(source.replace("* 0.5).backward()", ").backward()"), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("experiment_3_4_no_half", edited)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    X_train, _, y_train, _ = module.load_split()
    A_train = module.standardizer(X_train)(X_train)
    result = module.accumulation_check(A_train[:64], y_train[:64])
    assert result["weight_gap"] == pytest.approx(result["largest_step"], rel=1e-9)


def test_forgetting_zero_grad_ruins_the_mlp(run_main):
    """Step 3's loop without zero_grad: test loss 4.94 and 58.2%, against 0.096 and 97.3%."""
    forgot = run_main[0]["forgot_zero_grad"]
    assert f"{forgot['test_loss']:.2f}" == "4.94" and f"{forgot['test_accuracy']:.1%}" == "58.2%"


def test_forgetting_zero_grad_over_seeds(experiment):
    """Seeds 0-4 without zero_grad: 43.8% to 68.2% of the test images, test loss 1.49 to 5.33."""
    A_train, A_test, y_train, y_test = _scaled(experiment)
    results = []
    for seed in range(5):
        experiment.manual_seed(seed)
        model = experiment.MLP(64, [256, 128, 10])
        experiment.train_forgetting_to_zero(model, A_train, y_train, experiment.EPOCHS, lr=3e-3)
        results.append(experiment.evaluate(model, A_test, y_test))
    losses, accuracies = [r[0] for r in results], [r[1] for r in results]
    assert (f"{min(accuracies):.1%}", f"{max(accuracies):.1%}") == ("43.8%", "68.2%")
    assert (f"{min(losses):.2f}", f"{max(losses):.2f}") == ("1.49", "5.33")


def test_mine_with_the_reference_reproduces_every_figure(run_main, monkeypatch):
    """With LEARNPATH_MINE at the reference solution, main() gives every default figure to 1e-6."""
    mine, _ = figures_on_the_reference(SECTION, monkeypatch)
    assert mine["mine"] is True and run_main[0]["mine"] is False
    assert_same_figures(mine, run_main[0])


def test_try_raw_pixels_and_longer_training(experiment):
    """Raw pixels: 94.2% (loss 0.151); pixels / 16: 96.0%; 20 epochs standardised: 97.1%."""
    X_train, X_test, y_train, y_test = experiment.load_split()

    def mlp_accuracy(A, B, epochs=experiment.EPOCHS):
        experiment.manual_seed(0)
        model = experiment.MLP(64, [256, 128, 10])
        experiment.train(model, A, y_train, epochs, lr=3e-3)
        return experiment.evaluate(model, B, y_test)

    loss, acc = mlp_accuracy(X_train, X_test)
    assert (f"{acc:.1%}", f"{loss:.3f}") == ("94.2%", "0.151")
    assert f"{mlp_accuracy(X_train / 16, X_test / 16)[1]:.1%}" == "96.0%"
    scale = experiment.standardizer(X_train)
    assert f"{mlp_accuracy(scale(X_train), scale(X_test), 20)[1]:.1%}" == "97.1%"


def test_try_raw_pixels_and_longer_training_over_seeds(experiment):
    """Seeds 0-4: raw 94.2-98.2%, /16 94.9-96.4%, standardised 96.9-97.6% (10 epochs), 97.1-97.6% (20 epochs)."""
    X_train, X_test, y_train, y_test = experiment.load_split()
    scale = experiment.standardizer(X_train)

    def spread(A, B, epochs):
        accuracies = []
        for seed in range(5):
            experiment.manual_seed(seed)
            model = experiment.MLP(64, [256, 128, 10])
            experiment.train(model, A, y_train, epochs, lr=3e-3)
            accuracies.append(experiment.evaluate(model, B, y_test)[1])
        return accuracies

    raw = spread(X_train, X_test, 10)
    sixteenths = spread(X_train / 16, X_test / 16, 10)
    standard = spread(scale(X_train), scale(X_test), 10)
    longer = spread(scale(X_train), scale(X_test), 20)
    shown = [(f"{min(a):.1%}", f"{max(a):.1%}") for a in (raw, sixteenths, standard, longer)]
    assert shown == [("94.2%", "98.2%"), ("94.9%", "96.4%"), ("96.9%", "97.6%"), ("97.1%", "97.6%")]
    assert all(s > d for s, d in zip(standard, sixteenths))
    assert any(r > s for r, s in zip(raw, standard))


def test_one_epoch_is_22_steps(experiment):
    """1,347 = 21 * 64 + 3: minibatches gives 22 batches, the last of 3."""
    sizes = [len(idx) for idx in experiment.minibatches(1347, 64, seed=0)]
    assert len(sizes) == 22 and sizes[-1] == 3


def test_worked_example():
    """Scores [[2, 0], [0, 1]] for labels [0, 0]: losses 0.127 and 1.313, mean 0.720, accuracy 0.5, matrix [[1, 1], [0, 0]]."""
    scores = np.array([[2.0, 0.0], [0.0, 1.0]])
    p = softmax(Tensor(scores)).data
    assert f"{-math.log(p[0, 0]):.3f}" == "0.127" and f"{-math.log(p[1, 0]):.3f}" == "1.313"
    assert f"{cross_entropy(Tensor(scores), np.array([0, 0])).item():.3f}" == "0.720"
    assert confusion_matrix(scores, np.array([0, 0]), num_classes=2).tolist() == [[1, 1], [0, 0]]


# ----------------------------------------------------------------------
# The quiz's numeric answers


def test_quiz_steps_per_epoch(experiment):
    """minibatches(1347, 64) gives the key's number of batches."""
    _assert_matches_key("steps-per-epoch", len(list(experiment.minibatches(1347, 64, seed=0))))


def test_quiz_cross_entropy_value():
    """cross_entropy of logits whose softmax gives the true class 0.25."""
    logits = Tensor(np.log(np.array([[0.25, 0.75]])))
    _assert_matches_key("cross-entropy-value", cross_entropy(logits, np.array([0])).item())


def test_quiz_one_image_worth():
    """One image of 450 in percentage points."""
    _assert_matches_key("one-image-worth", 100 / 450)


def test_quiz_accuracy_from_matrix():
    """The trace over the total of [[8, 1, 1], [0, 9, 1], [2, 0, 8]], rebuilt through confusion_matrix."""
    matrix = np.array([[8, 1, 1], [0, 9, 1], [2, 0, 8]])
    targets = np.repeat(np.arange(3), matrix.sum(axis=1))
    guesses = np.concatenate([np.repeat(np.arange(3), row) for row in matrix])
    assert confusion_matrix(guesses, targets, num_classes=3).tolist() == matrix.tolist()
    _assert_matches_key("accuracy-from-matrix", np.trace(matrix) / matrix.sum())


def test_quiz_l2_gradient():
    """l2_penalty(weight 0.001) adds 0.004 to the gradient of a weight equal to 2."""
    w = Tensor(np.array([2.0]))
    l2_penalty([w], 0.001).backward()
    _assert_matches_key("l2-gradient", float(w.grad[0]))


def test_quiz_early_stopping_answer_is_the_reference_solution():
    """The reference fit() on scripted losses 0.8, 0.6, 0.65, 0.55, 0.7, 0.75, 0.3, patience 2, returns epoch 4."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "solutions/Phase_3/Section_4_Real_Dataset/exercise.py"
    spec = importlib.util.spec_from_file_location("reference_3_4", path)
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    losses, trained = [0.8, 0.6, 0.65, 0.55, 0.7, 0.75, 0.3], []
    reference.train_epoch = lambda model, optimizer, X, y, batch_size, seed: trained.append(seed)
    reference.evaluate = lambda model, X, y: (losses[len(trained) - 1], 0.0)

    class Frozen:
        def state_dict(self):
            return {"epoch": len(trained)}

        def load_state_dict(self, state):
            self.restored = state["epoch"]

    model = Frozen()
    best = reference.fit(model, None, None, None, None, None, epochs=7, patience=2)
    assert (best, trained, model.restored) == (4, [1, 2, 3, 4, 5, 6], 4)
    question = quiz_questions(SECTION)["early-stopping-result"]
    assert question["answer"] == "d" and question["choices"]["d"]["text"].startswith("The model after epoch 4")


def test_quiz_accumulation_scale(experiment):
    """Four micro-batches of 16, each loss times the key (1/4), accumulate to the gradient of the batch of 64."""
    A_train, _, y_train, _ = _scaled(experiment)
    X, y = A_train[:64], y_train[:64]
    key = float(quiz_questions(SECTION)["accumulation-scale"]["answer"])
    experiment.manual_seed(0)
    model = experiment.MLP(64, [256, 128, 10])
    model.zero_grad()
    cross_entropy(model(X), y).backward()
    full = [p.grad.copy() for p in model.parameters()]
    model.zero_grad()
    for start in range(0, 64, 16):
        (cross_entropy(model(X[start:start + 16]), y[start:start + 16]) * key).backward()
    assert all(np.allclose(p.grad, g, rtol=0, atol=1e-12) for p, g in zip(model.parameters(), full))
    _assert_matches_key("accumulation-scale", 16 / 64)


# ----------------------------------------------------------------------
# The files themselves


def test_experiment_runs_alone_in_its_folder():
    """`python experiment.py` exits 0, prints all six steps and fits 80 columns."""
    result = run_alone(SECTION)
    assert result.returncode == 0, result.stderr
    assert "== Step 8: The mistakes" in result.stdout
    assert all(len(line) <= 80 for line in result.stdout.splitlines())


def test_code_quoted_in_the_overview_is_in_the_library():
    """Every line the overview quotes appears in learnpath/nn/metrics.py or tensor.py."""
    assert quoted_lines_missing(SECTION, ["learnpath/nn/metrics.py", "learnpath/nn/tensor.py"]) == []


def test_phase_readme_quotes_the_measured_test_accuracy(run_main):
    """Phase 3's README says about 97% (96.7-97.6% over seeds and splits) and quotes the fixed split's figure."""
    from sections import CURRICULUM

    accuracy = run_main[0]["mlp_test_accuracy"]
    readme = " ".join((CURRICULUM / "Phase_3" / "README.md").read_text(encoding="utf-8").split())
    assert "about 97% of a held-out test set right (96.7% to 97.6%" in readme and f"{accuracy:.1%} on the course's fixed split" in readme
