"""Section 3.4: a real data set, handwritten digits, with a fair test.

1,797 images of 8x8 pixels (shipped in learnpath/nn/datasets/), split once
into 1,347 to learn from and 450 to test on. A linear softmax classifier sets
the baseline; an MLP beats it; then overfitting, L2 and early stopping on a
small training set; early stopping by fit(); gradient accumulation, and what
a loop that forgets to zero the gradients does; finally what the MLP gets
wrong, and how. The training loop's parts (evaluate, train_epoch, fit) are the
three tasks of this section's exercise: this file's versions by default, yours
with `learnpath run 3.4 --mine`.

Run it: python experiment.py  (or: learnpath run 3.4, or learnpath run 3.4 --mine)
"""

from __future__ import annotations

import os

# Small matrix products run fastest on one thread; OpenBLAS's extra threads cost more than
# they save at this size, many times more on a busy machine. Set before NumPy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from types import SimpleNamespace  # noqa: E402

from learnpath import lab  # noqa: E402
from learnpath.nn import Linear, accuracy, confusion_matrix, cross_entropy, manual_seed, no_grad  # noqa: E402
from learnpath.nn.data import load_digits, minibatches, train_test_split  # noqa: E402
from learnpath.nn.functional import softmax  # noqa: E402
from learnpath.nn.layers import MLP  # noqa: E402
from learnpath.nn.losses import l2_penalty  # noqa: E402
from learnpath.nn.optim import SGD, Adam  # noqa: E402
from learnpath.nn.plot import digit, heatmap, line_chart  # noqa: E402

TEST_SIZE = 450  # a quarter of 1,797, rounded up, as scikit-learn's default split does
SPLIT_SEED = 0
EPOCHS = 10
BATCH = 64


def load_split():
    """The fixed split: X_train (1347, 64), X_test (450, 64), y_train, y_test, pixel values 0..16."""
    X, y = load_digits()
    return train_test_split(X, y, test_fraction=TEST_SIZE / len(X), seed=SPLIT_SEED)


def standardizer(X_train: np.ndarray):
    """A function that gives every pixel mean 0 and spread 1, using the training set's statistics only."""
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std[std == 0] = 1.0  # three edge pixels are 0 in every training image: leave them at 0
    return lambda X: (X - mean) / std


def evaluate(model, X, y) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) on a data set, without building a graph."""
    with no_grad():
        scores = model(X)
        return cross_entropy(scores, y).item(), accuracy(scores, y)


def train_epoch(model, optimizer, X, y, batch_size: int, seed: int) -> float:
    """One pass over X in the shuffled batches of minibatches(seed=seed); the size-weighted mean loss."""
    total = 0.0
    for idx in minibatches(len(X), batch_size, seed=seed):
        loss = cross_entropy(model(X[idx]), y[idx])
        optimizer.zero_grad()  # backward() adds into .grad: clear the last batch's gradients first
        loss.backward()
        optimizer.step()
        total += loss.item() * len(idx)
    return total / len(X)


def fit(model, optimizer, X, y, X_val, y_val, epochs: int, patience: int, batch_size: int = 32) -> int:
    """Epoch e trains with seed e; keep the state of the lowest validation loss, stop after `patience` worse epochs."""
    best_loss, best_epoch, best_state = float("inf"), 0, model.state_dict()
    for epoch in range(1, epochs + 1):
        train_epoch(model, optimizer, X, y, batch_size, seed=epoch)
        val_loss, _ = evaluate(model, X_val, y_val)
        if val_loss < best_loss:
            best_loss, best_epoch, best_state = val_loss, epoch, model.state_dict()
        elif epoch - best_epoch >= patience:
            break
    model.load_state_dict(best_state)
    return best_epoch


# The parts the learner writes in exercise.py; main() swaps in theirs with --mine.
LIBRARY = SimpleNamespace(evaluate=evaluate, train_epoch=train_epoch, fit=fit, mine=False)


def penalised_epoch(model, optimizer, X, y, batch_size: int, seed: int, weights, l2: float) -> None:
    """train_epoch with L2 added to every batch's loss (the exercise's train_epoch has no penalty)."""
    for idx in minibatches(len(X), batch_size, seed=seed):
        loss = cross_entropy(model(X[idx]), y[idx]) + l2_penalty(weights, l2)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def train(model, X, y, epochs: int, lr: float, batch: int = BATCH, l2: float = 0.0, watch=None,
          parts=LIBRARY, label: str = "training"):
    """Adam on shuffled mini-batches (epoch k shuffled with seed k); after each epoch, evaluate on
    each (name, X, y) in `watch`."""
    optimizer = Adam(model.parameters(), lr=lr)
    weights = [p for p in model.parameters() if p.ndim == 2]  # L2 on weight matrices, not on biases
    history = {name: [] for name, _, _ in (watch or [])}
    with lab.progress(epochs, label) as bar:
        for epoch in range(epochs):
            if l2:
                penalised_epoch(model, optimizer, X, y, batch, epoch, weights, l2)
            else:
                parts.train_epoch(model, optimizer, X, y, batch, epoch)
            for name, X_eval, y_eval in watch or []:
                history[name].append(parts.evaluate(model, X_eval, y_eval))
            bar.update(epoch + 1)
    return history


def train_forgetting_to_zero(model, X, y, epochs: int, lr: float, batch: int = BATCH) -> None:
    """The loop of train_epoch with one line missing: the gradients are never cleared."""
    optimizer = Adam(model.parameters(), lr=lr)
    with lab.progress(epochs, "no zero_grad") as bar:
        for epoch in range(epochs):
            for idx in minibatches(len(X), batch, seed=epoch):
                loss = cross_entropy(model(X[idx]), y[idx])
                loss.backward()  # adds this batch's gradient to the sum of all earlier ones
                optimizer.step()
            bar.update(epoch + 1)


def accumulation_check(X, y, lr: float = 0.1) -> dict:
    """One SGD step on a batch, and the same step from its two halves with the gradients accumulated.

    The loss of a batch is the mean over its rows, so the mean over 64 rows is
    half the mean over the first 32 plus half the mean over the other 32: two
    backward() calls on the halves, each loss scaled by 1/2 and no zero_grad
    between them, add up to the full batch's gradient.
    """
    manual_seed(0)
    whole = MLP(64, [256, 128, 10])
    manual_seed(0)
    halves = MLP(64, [256, 128, 10])
    SGD_whole, SGD_halves = SGD(whole.parameters(), lr=lr), SGD(halves.parameters(), lr=lr)

    SGD_whole.zero_grad()
    cross_entropy(whole(X), y).backward()
    SGD_halves.zero_grad()
    middle = len(X) // 2
    for part in (slice(0, middle), slice(middle, None)):
        (cross_entropy(halves(X[part]), y[part]) * 0.5).backward()  # no zero_grad in between
    gradient_gap = max(float(np.max(np.abs(a.grad - b.grad)))
                       for a, b in zip(whole.parameters(), halves.parameters()))
    SGD_whole.step()
    SGD_halves.step()
    weight_gap = max(float(np.max(np.abs(a.data - b.data))) for a, b in zip(whole.parameters(), halves.parameters()))
    largest_step = max(float(np.max(np.abs(lr * a.grad))) for a in whole.parameters())
    return {"gradient_gap": gradient_gap, "weight_gap": weight_gap, "largest_step": largest_step}


def early_stopping_run(A_train, y_train, A_test, y_test, init_seed: int = 0, parts=LIBRARY) -> dict:
    """Step 5: fit() on step 4's 200 images and 300 validation images, patience 3."""
    small_X, small_y = A_train[:200], y_train[:200]
    val_X, val_y = A_train[1047:], y_train[1047:]
    manual_seed(init_seed)
    model = MLP(64, [256, 128, 10])
    best_epoch = parts.fit(model, Adam(model.parameters(), lr=3e-3), small_X, small_y, val_X, val_y,
                           epochs=40, patience=3, batch_size=32)
    return {"best_epoch": best_epoch, "val_loss": parts.evaluate(model, val_X, val_y)[0],
            "test_accuracy": parts.evaluate(model, A_test, y_test)[1]}


def linear_test_accuracy(init_seed: int = 0) -> float:
    """Step 2's linear baseline from another starting seed: its test accuracy (for the tests)."""
    X_train, X_test, y_train, y_test = load_split()
    scale = standardizer(X_train)
    manual_seed(init_seed)
    model = Linear(64, 10)
    train(model, scale(X_train), y_train, EPOCHS, lr=1e-2, label=f"linear, seed {init_seed}")
    return evaluate(model, scale(X_test), y_test)[1]


def mlp_test_accuracy(init_seed: int = 0, split_seed: int = SPLIT_SEED) -> float:
    """Step 3's MLP from another starting seed or on another split: its test accuracy (for the tests)."""
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=TEST_SIZE / len(X), seed=split_seed)
    scale = standardizer(X_train)
    manual_seed(init_seed)
    model = MLP(64, [256, 128, 10])
    train(model, scale(X_train), y_train, EPOCHS, lr=3e-3, label=f"MLP, seed {init_seed}, split {split_seed}")
    return evaluate(model, scale(X_test), y_test)[1]


def small_run(A_train, y_train, A_test, y_test, l2: float, init_seed: int = 0, parts=LIBRARY) -> dict:
    """Step 4's run: 200 training images, 40 epochs, watched on 300 other training images."""
    small_X, small_y = A_train[:200], y_train[:200]
    val_X, val_y = A_train[1047:], y_train[1047:]  # 300 training images the small run never sees
    manual_seed(init_seed)
    model = MLP(64, [256, 128, 10])
    curve = train(model, small_X, small_y, 40, lr=3e-3, batch=32, l2=l2, parts=parts,
                  watch=[("small train", small_X, small_y), ("validation", val_X, val_y)],
                  label=f"200 images, L2 {l2:g}, seed {init_seed}")
    val_losses = [l for l, _ in curve["validation"]]
    return {"train_loss": curve["small train"][-1][0], "train_accuracy": curve["small train"][-1][1],
            "val_loss": val_losses[-1], "best_val_loss": min(val_losses),
            "best_epoch": int(np.argmin(val_losses)) + 1, "test_accuracy": parts.evaluate(model, A_test, y_test)[1],
            "val_curve": val_losses}


def side_by_side(pictures: list[str], gap: int = 2) -> str:
    """Terminal pictures printed next to each other instead of one under another."""
    blocks = [p.splitlines() for p in pictures]
    height = max(len(b) for b in blocks)
    width = [max(len(line) for line in b) for b in blocks]
    rows = []
    for r in range(height):
        rows.append((" " * gap).join((b[r] if r < len(b) else "").ljust(w) for b, w in zip(blocks, width)))
    return "\n".join(row.rstrip() for row in rows)


def main() -> dict:
    figures: dict = {}
    # evaluate, train_epoch and fit: this file's, or with --mine the learner's.
    parts = lab.mine(__file__, evaluate=evaluate, train_epoch=train_epoch, fit=fit)
    figures["mine"] = parts.mine
    if parts.mine:
        lab.say("Training runs on your evaluate, train_epoch and fit from exercise.py.")

    # Step 1. The data and the split, fixed by a seed so every run tests on the same 450 images.
    lab.step("The data and the split")
    X_train, X_test, y_train, y_test = load_split()
    scale = standardizer(X_train)
    A_train, A_test = scale(X_train), scale(X_test)
    figures.update(n_train=len(X_train), n_test=len(X_test),
                   test_counts=np.bincount(y_test, minlength=10).tolist())
    lab.say(f"{len(X_train) + len(X_test):,} digits: {len(X_train):,} to train on, {len(X_test)} to test on. "
            "Test images per class:")
    print("  " + " ".join(f"{d}:{n}" for d, n in enumerate(figures["test_counts"])))
    print(side_by_side([str(digit(X_train[i], title=f"label {y_train[i]}")) for i in range(4)]))

    # Step 2. The baseline: one linear layer, 64 pixels to 10 scores, softmax cross-entropy.
    lab.step("The baseline: linear softmax")
    manual_seed(0)
    linear = Linear(64, 10)
    train(linear, A_train, y_train, EPOCHS, lr=1e-2, parts=parts, label="linear softmax")
    figures["linear_test_accuracy"] = parts.evaluate(linear, A_test, y_test)[1]
    figures["linear_train_accuracy"] = parts.evaluate(linear, A_train, y_train)[1]
    lab.say(f"Linear softmax ({linear.num_parameters()} parameters), {EPOCHS} epochs of Adam, batches of "
            f"{BATCH}: train accuracy {figures['linear_train_accuracy']:.1%}, test accuracy "
            f"{figures['linear_test_accuracy']:.1%}.")

    # Step 3. The MLP: 64 -> 256 -> 128 -> 10 with ReLUs.
    lab.step("The MLP")
    manual_seed(0)
    mlp = MLP(64, [256, 128, 10])
    history = train(mlp, A_train, y_train, EPOCHS, lr=3e-3, parts=parts, label="MLP",
                    watch=[("train", A_train, y_train), ("test", A_test, y_test)])
    train_loss, train_acc = history["train"][-1]
    test_loss, test_acc = history["test"][-1]
    figures.update(mlp_parameters=mlp.num_parameters(), mlp_test_accuracy=test_acc, mlp_train_accuracy=train_acc,
                   mlp_train_loss=train_loss, mlp_test_loss=test_loss,
                   mlp_test_accuracy_by_epoch=[a for _, a in history["test"]],
                   mlp_test_loss_by_epoch=[l for l, _ in history["test"]],
                   mlp_train_loss_by_epoch=[l for l, _ in history["train"]])
    lab.say(f"MLP(64, [256, 128, 10]), {mlp.num_parameters():,} parameters, {EPOCHS} epochs of Adam lr 0.003:")
    print(line_chart({"train": [l for l, _ in history["train"]], "test": [l for l, _ in history["test"]]},
                     xs=list(range(1, EPOCHS + 1)), log_y=True, title="cross-entropy after each epoch",
                     x_label="epoch", height=10))
    print(f"  train: loss {train_loss:.4f}, accuracy {train_acc:.1%}")
    print(f"  test:  loss {test_loss:.4f}, accuracy {test_acc:.1%}   (the linear model: "
          f"{figures['linear_test_accuracy']:.1%})")

    # Step 4. Overfitting on purpose: 200 training images, 40 epochs, watched on a validation
    # set carved out of the training part (never the test set: it must stay unseen).
    lab.step("Overfitting on purpose, and L2")
    runs = {name: small_run(A_train, y_train, A_test, y_test, l2, parts=parts)
            for name, l2 in (("no penalty", 0.0), ("L2 1e-3", 1e-3))}
    figures["small_runs"] = runs
    lab.say("Only 200 training images, 40 epochs; validation on 300 other training images (seed 0):")
    for name, r in runs.items():
        print(f"  {name:<10}  train loss {r['train_loss']:.4f} ({r['train_accuracy']:.0%} right),"
              f" test accuracy {r['test_accuracy']:.1%}")
        print(f"              validation loss {r['val_loss']:.3f}, lowest {r['best_val_loss']:.3f}"
              f" at epoch {r['best_epoch']}")
    print(line_chart({name: r["val_curve"] for name, r in runs.items()}, xs=list(range(1, 41)), log_y=True,
                     title="validation loss, 200 training images", x_label="epoch", height=8))

    # Step 5. Early stopping, by fit(): the model comes back as it was at its best validation epoch.
    lab.step("Early stopping with fit")
    stopped = early_stopping_run(A_train, y_train, A_test, y_test, parts=parts)
    figures["early_stopping"] = stopped
    lab.say(f"fit() on the same 200 training images and 300 validation images, Adam lr 0.003, batches of "
            f"32, up to 40 epochs with patience 3 (epoch e shuffled with seed e, so not step 4's order): "
            f"the validation loss was lowest after epoch {stopped['best_epoch']} "
            f"({stopped['val_loss']:.3f}), and the model returned is that epoch's. Its test accuracy is "
            f"{stopped['test_accuracy']:.1%}. Early stopping chooses by validation loss; whether that also "
            "gives the best test accuracy is another matter (step 4's 40-epoch run got "
            f"{runs['no penalty']['test_accuracy']:.1%}).")

    # Step 6. backward() adds into .grad: accumulating on purpose, and forgetting to clear.
    lab.step("Gradients add up: accumulation, and forgetting zero_grad")
    accumulated = accumulation_check(A_train[:64], y_train[:64])
    figures["accumulation"] = accumulated
    lab.say(f"""
        One SGD step (lr 0.1) of a fresh MLP on 64 training images, two ways: the whole batch,
        and its two halves of 32 with backward() on each half's loss times 1/2 and no zero_grad
        in between. Largest difference between the two gradients: {accumulated['gradient_gap']:.1e};
        between the weights after the step: {accumulated['weight_gap']:.1e} (the largest change
        the step made to any weight was {accumulated['largest_step']:.1e}). This is gradient
        accumulation: how a batch too big for memory is trained in pieces.
        """)
    manual_seed(0)
    forgetful = MLP(64, [256, 128, 10])
    train_forgetting_to_zero(forgetful, A_train, y_train, EPOCHS, lr=3e-3)
    forgot_loss, forgot_acc = evaluate(forgetful, A_test, y_test)
    figures["forgot_zero_grad"] = {"test_loss": forgot_loss, "test_accuracy": forgot_acc}
    lab.say(f"The same accumulation by accident: step 3's training loop without zero_grad, so every step "
            f"follows the sum of all gradients so far. After {EPOCHS} epochs the test loss is "
            f"{forgot_loss:.2f} and the accuracy {forgot_acc:.1%}, against {test_loss:.3f} and {test_acc:.1%}.")

    # Step 7. What the MLP of step 3 confuses: rows are the true digit, columns the guess.
    lab.step("The confusion matrix")
    with no_grad():
        test_scores = mlp(A_test)
    matrix = confusion_matrix(test_scores, y_test, num_classes=10)
    figures["confusion"] = matrix.tolist()
    lab.say("On the 450 test images (row: true digit, column: the model's guess):")
    print("       " + " ".join(f"{d:>3}" for d in range(10)))
    for d in range(10):
        print(f"    {d}  " + " ".join(f"{n:>3}" if n else "  ." for n in matrix[d]))
    mistakes = matrix - np.diag(np.diag(matrix))
    print(heatmap(mistakes, row_labels=range(10), col_labels=range(10),
                  title="the mistakes alone (diagonal set to 0)"))
    lab.say(f"{int(np.trace(matrix))} right, {int(mistakes.sum())} wrong; every row sums to that digit's "
            "test count.")

    # Step 8. The mistakes themselves, with the model's three favourite answers.
    lab.step("The mistakes")
    probabilities = softmax(test_scores).data
    wrong = np.flatnonzero(probabilities.argmax(axis=1) != y_test)
    shown = []
    for i in wrong[:4]:
        top3 = np.argsort(probabilities[i])[::-1][:3]
        shown.append({"index": int(i), "label": int(y_test[i]), "top3": top3.tolist(),
                      "probabilities": probabilities[i][top3].round(3).tolist()})
    figures["misclassified"] = shown
    lab.say(f"The first {len(shown)} of the {len(wrong)} test images the MLP gets wrong:")
    pictures = [str(digit(X_test[s["index"]], title=f"true {s['label']}")) for s in shown]
    print(side_by_side(pictures))
    for s in shown:
        guesses = ", ".join(f"{d} ({p:.0%})" for d, p in zip(s["top3"], s["probabilities"]))
        print(f"  true {s['label']}: top three guesses {guesses}")
    return figures


if __name__ == "__main__":
    main()
