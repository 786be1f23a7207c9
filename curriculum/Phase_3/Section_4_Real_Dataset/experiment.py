"""Section 3.4: a real data set, handwritten digits, with a fair test.

1,797 images of 8x8 pixels (shipped in learnpath/nn/datasets/), split once
into 1,347 to learn from and 450 to test on. A linear softmax classifier sets
the baseline; an MLP beats it; then overfitting, L2 and early stopping on a
small training set; finally what the MLP gets wrong, and how.

Run it: python experiment.py  (or: learnpath run 3.4)
"""

from __future__ import annotations

import os

# Small matrix products run fastest on one thread; OpenBLAS's extra threads cost more than
# they save at this size, many times more on a busy machine. Set before NumPy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from learnpath.nn import Linear, accuracy, confusion_matrix, cross_entropy, manual_seed, no_grad  # noqa: E402
from learnpath.nn.data import load_digits, minibatches, train_test_split  # noqa: E402
from learnpath.nn.functional import softmax  # noqa: E402
from learnpath.nn.layers import MLP  # noqa: E402
from learnpath.nn.losses import l2_penalty  # noqa: E402
from learnpath.nn.optim import Adam  # noqa: E402
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
    std[std == 0] = 1.0  # a few corner pixels are 0 in every training image: leave them at 0
    return lambda X: (X - mean) / std


def evaluate(model, X, y) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) on a data set, without building a graph."""
    with no_grad():
        scores = model(X)
        return cross_entropy(scores, y).item(), accuracy(scores, y)


def train(model, X, y, epochs: int, lr: float, batch: int = BATCH, l2: float = 0.0, watch=None):
    """Adam on shuffled mini-batches; after each epoch, evaluate on each (name, X, y) in `watch`."""
    optimizer = Adam(model.parameters(), lr=lr)
    weights = [p for p in model.parameters() if p.ndim == 2]  # L2 on weight matrices, not on biases
    history = {name: [] for name, _, _ in (watch or [])}
    for epoch in range(epochs):
        for idx in minibatches(len(X), batch, seed=epoch):
            loss = cross_entropy(model(X[idx]), y[idx])
            if l2:
                loss = loss + l2_penalty(weights, l2)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        for name, X_eval, y_eval in watch or []:
            history[name].append(evaluate(model, X_eval, y_eval))
    return history


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

    # Step 1. The data and the split, fixed by a seed so every run tests on the same 450 images.
    X_train, X_test, y_train, y_test = load_split()
    scale = standardizer(X_train)
    A_train, A_test = scale(X_train), scale(X_test)
    figures.update(n_train=len(X_train), n_test=len(X_test),
                   test_counts=np.bincount(y_test, minlength=10).tolist())
    print(f"Step 1. {len(X_train) + len(X_test):,} digits: {len(X_train):,} to train on, {len(X_test)} to test on.")
    print("  test images per class: " + " ".join(f"{d}:{n}" for d, n in enumerate(figures["test_counts"])))
    print(side_by_side([str(digit(X_train[i], title=f"label {y_train[i]}")) for i in range(4)]))
    print()

    # Step 2. The baseline: one linear layer, 64 pixels to 10 scores, softmax cross-entropy.
    manual_seed(0)
    linear = Linear(64, 10)
    train(linear, A_train, y_train, EPOCHS, lr=1e-2)
    figures["linear_test_accuracy"] = evaluate(linear, A_test, y_test)[1]
    figures["linear_train_accuracy"] = evaluate(linear, A_train, y_train)[1]
    print(f"Step 2. Linear softmax ({linear.num_parameters()} parameters), {EPOCHS} epochs of Adam,"
          f" batches of {BATCH}:")
    print(f"  train accuracy {figures['linear_train_accuracy']:.1%}, test accuracy {figures['linear_test_accuracy']:.1%}\n")

    # Step 3. The MLP: 64 -> 256 -> 128 -> 10 with ReLUs.
    manual_seed(0)
    mlp = MLP(64, [256, 128, 10])
    history = train(mlp, A_train, y_train, EPOCHS, lr=3e-3,
                    watch=[("train", A_train, y_train), ("test", A_test, y_test)])
    train_loss, train_acc = history["train"][-1]
    test_loss, test_acc = history["test"][-1]
    figures.update(mlp_parameters=mlp.num_parameters(), mlp_test_accuracy=test_acc, mlp_train_accuracy=train_acc,
                   mlp_train_loss=train_loss, mlp_test_loss=test_loss,
                   mlp_test_accuracy_by_epoch=[a for _, a in history["test"]])
    print(f"Step 3. MLP(64, [256, 128, 10]), {mlp.num_parameters():,} parameters, {EPOCHS} epochs of Adam lr 0.003:")
    print(line_chart({"train": [l for l, _ in history["train"]], "test": [l for l, _ in history["test"]]},
                     xs=list(range(1, EPOCHS + 1)), log_y=True, title="cross-entropy after each epoch",
                     x_label="epoch", height=10))
    print(f"  train: loss {train_loss:.4f}, accuracy {train_acc:.1%}")
    print(f"  test:  loss {test_loss:.4f}, accuracy {test_acc:.1%}   (the linear model: "
          f"{figures['linear_test_accuracy']:.1%})\n")

    # Step 4. Overfitting on purpose: 200 training images, 40 epochs, watched on a validation
    # set carved out of the training part (never the test set: it must stay unseen).
    small_X, small_y = A_train[:200], y_train[:200]
    val_X, val_y = A_train[1047:], y_train[1047:]  # 300 training images the small run never sees
    runs = {}
    for name, l2 in (("no penalty", 0.0), ("L2 1e-3", 1e-3)):
        manual_seed(0)
        model = MLP(64, [256, 128, 10])
        curve = train(model, small_X, small_y, 40, lr=3e-3, batch=32, l2=l2,
                      watch=[("small train", small_X, small_y), ("validation", val_X, val_y)])
        val_losses = [l for l, _ in curve["validation"]]
        runs[name] = {"train_loss": curve["small train"][-1][0], "train_accuracy": curve["small train"][-1][1],
                      "val_loss": val_losses[-1], "best_val_loss": min(val_losses),
                      "best_epoch": int(np.argmin(val_losses)) + 1, "test_accuracy": evaluate(model, A_test, y_test)[1],
                      "val_curve": val_losses}
    figures["small_runs"] = runs
    print("Step 4. Only 200 training images, 40 epochs; validation on 300 other training")
    print("  images:")
    for name, r in runs.items():
        print(f"  {name:<10}  train loss {r['train_loss']:.4f} ({r['train_accuracy']:.0%} right),"
              f" test accuracy {r['test_accuracy']:.1%}")
        print(f"              validation loss {r['val_loss']:.3f}, lowest {r['best_val_loss']:.3f}"
              f" at epoch {r['best_epoch']}")
    print(line_chart({name: r["val_curve"] for name, r in runs.items()}, xs=list(range(1, 41)), log_y=True,
                     title="validation loss, 200 training images", x_label="epoch", height=8))
    print()

    # Step 5. What the MLP of step 3 confuses: rows are the true digit, columns the guess.
    with no_grad():
        test_scores = mlp(A_test)
    matrix = confusion_matrix(test_scores, y_test, num_classes=10)
    figures["confusion"] = matrix.tolist()
    print("Step 5. Confusion matrix on the 450 test images (row: true digit, column: the")
    print("  model's guess):")
    print("       " + " ".join(f"{d:>3}" for d in range(10)))
    for d in range(10):
        print(f"    {d}  " + " ".join(f"{n:>3}" if n else "  ." for n in matrix[d]))
    mistakes = matrix - np.diag(np.diag(matrix))
    print(heatmap(mistakes, row_labels=range(10), col_labels=range(10),
                  title="the mistakes alone (diagonal set to 0)"))
    print(f"  {int(np.trace(matrix))} right, {int(mistakes.sum())} wrong; every row sums to that digit's test count.\n")

    # Step 6. The mistakes themselves, with the model's three favourite answers.
    probabilities = softmax(test_scores).data
    wrong = np.flatnonzero(probabilities.argmax(axis=1) != y_test)
    shown = []
    for i in wrong[:4]:
        top3 = np.argsort(probabilities[i])[::-1][:3]
        shown.append({"index": int(i), "label": int(y_test[i]), "top3": top3.tolist(),
                      "probabilities": probabilities[i][top3].round(3).tolist()})
    figures["misclassified"] = shown
    print(f"Step 6. The first {len(shown)} of the {len(wrong)} test images the MLP gets wrong:")
    pictures = [str(digit(X_test[s["index"]], title=f"true {s['label']}")) for s in shown]
    print(side_by_side(pictures))
    for s in shown:
        guesses = ", ".join(f"{d} ({p:.0%})" for d, p in zip(s["top3"], s["probabilities"]))
        print(f"  true {s['label']}: top three guesses {guesses}")
    return figures


if __name__ == "__main__":
    main()
