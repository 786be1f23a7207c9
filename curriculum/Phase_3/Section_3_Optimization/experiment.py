"""Section 3.3: plain gradient descent, momentum and Adam, on a valley and on a spiral.

The valley is section 3.1's f(x, y) = (x**2 + 100 y**2) / 2 from (10, 1). The
spiral is three interleaved arms of 100 points each, learned by a small MLP.
Every optimizer is the library's (learnpath/nn/optim.py).

Run it: python experiment.py  (or: learnpath run 3.3)
"""

from __future__ import annotations

import math
import os

# Small matrix products run fastest on one thread; OpenBLAS's extra threads cost more than
# they save at this size, many times more on a busy machine. Set before NumPy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from learnpath.nn import Tensor, accuracy, cross_entropy, manual_seed  # noqa: E402
from learnpath.nn.data import make_spirals, minibatches  # noqa: E402
from learnpath.nn.layers import MLP  # noqa: E402
from learnpath.nn.optim import SGD, Adam  # noqa: E402
from learnpath.nn.plot import line_chart  # noqa: E402

CURVATURES = np.array([1.0, 100.0])
START = (10.0, 1.0)
TARGET = 1e-8
MAX_STEPS = 20_000

SPIRAL_STEPS = 400
HIDDEN = 64
BATCHES_COMPARED = 8  # random batches of each size compared with the full gradient in step 4


def valley_steps(make_optimizer) -> int | None:
    """Updates until f < TARGET on the valley, for the optimizer that make_optimizer([p]) builds."""
    p = Tensor(np.array(START))
    optimizer = make_optimizer([p])
    for step in range(MAX_STEPS):
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging walk overflows to inf, on purpose
            f = 0.5 * float(np.sum(CURVATURES * p.data**2))
        if f < TARGET:
            return step
        if not math.isfinite(f):
            return None
        p.grad = CURVATURES * p.data  # the gradient (x, 100 y), as in section 3.1
        optimizer.step()
    return None


def valley_path(make_optimizer, steps: int) -> list[tuple[float, float]]:
    """The first `steps` points an optimizer visits on the valley."""
    p = Tensor(np.array(START))
    optimizer = make_optimizer([p])
    path = [tuple(p.data)]
    for _ in range(steps):
        p.grad = CURVATURES * p.data
        optimizer.step()
        path.append(tuple(p.data))
    return path


def full_batches(n: int, size: int, count: int, rng) -> list[np.ndarray]:
    """`count` random batches of exactly `size` rows, from successive shuffles.

    minibatches() ends each shuffle with a shorter batch (300 rows in batches of
    128 give 128, 128 and 44); skipping those keeps every batch the size it claims.
    """
    batches: list[np.ndarray] = []
    while len(batches) < count:
        batches += [idx for idx in minibatches(n, size, seed=rng) if len(idx) == size]
    return batches[:count]


def spiral_model() -> MLP:
    """2 inputs, one hidden layer of 64 ReLUs, 3 class scores; the same starting weights every call."""
    manual_seed(0)
    return MLP(2, [HIDDEN, 3])


def train_spiral(make_optimizer, X, y, steps: int = SPIRAL_STEPS):
    """Full-batch training with cross-entropy; returns the model and the loss before each step."""
    model = spiral_model()
    optimizer = make_optimizer(model.parameters())
    losses = []
    for _ in range(steps):
        loss = cross_entropy(model(X), y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model, losses


def gradient_of(model, X, y) -> np.ndarray:
    """The loss gradient for every parameter, flattened into one long vector."""
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    loss.backward()
    return np.concatenate([p.grad.ravel() for p in model.parameters()])


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def main() -> dict:
    figures: dict = {}

    # Step 1. The valley: how many updates each optimizer needs to reach f < 1e-8.
    best_plain = 2 / 101  # the best constant rate for plain descent here (section 3.1)
    tuned_lr, tuned_mu = 4 / (1 + 10) ** 2, (9 / 11) ** 2  # heavy-ball settings for curvatures 1 and 100
    runs = {
        "plain, lr 2/101": lambda ps: SGD(ps, lr=best_plain),
        "momentum 0.9, lr 2/101": lambda ps: SGD(ps, lr=best_plain, momentum=0.9),
        "plain, lr 0.01": lambda ps: SGD(ps, lr=0.01),
        "momentum 0.9, lr 0.01": lambda ps: SGD(ps, lr=0.01, momentum=0.9),
        "momentum 0.669, lr 0.0331": lambda ps: SGD(ps, lr=tuned_lr, momentum=tuned_mu),
        "Adam, lr 0.1": lambda ps: Adam(ps, lr=0.1),
        "Adam, lr 0.5": lambda ps: Adam(ps, lr=0.5),
    }
    counts = {name: valley_steps(make) for name, make in runs.items()}
    figures["valley_steps"] = counts
    print("Step 1. The valley f = (x**2 + 100 y**2) / 2 from (10, 1): updates to f < 1e-8.")
    for name, count in counts.items():
        print(f"  {name:<27} {count:>5}")
    plain = counts["plain, lr 2/101"]
    ratios = {"same rate, momentum 0.9": plain / counts["momentum 0.9, lr 2/101"],
              "at lr 0.01": counts["plain, lr 0.01"] / counts["momentum 0.9, lr 0.01"],
              "each with its best factor per step": plain / counts["momentum 0.669, lr 0.0331"]}
    figures["momentum_ratios"] = ratios
    print("  Momentum's advantage (plain updates / momentum updates):")
    for name, ratio in ratios.items():
        print(f"    {name}: {ratio:.1f}x")
    path = valley_path(runs["momentum 0.9, lr 2/101"], 12)
    figures["momentum_first_ys"] = [y for _, y in path[:8]]
    print("  With momentum 0.9 at lr 2/101, y over the first 7 steps:")
    print("    " + " ".join(f"{y:+.2f}" for _, y in path[1:8]))
    print("  The velocity carries y past the floor and back: a swing that shrinks slowly,")
    print("  while along x the velocity builds up speed that plain descent never has.\n")

    # Step 2. The spiral, with each optimizer at an ordinary learning rate.
    X, y = make_spirals(300, n_classes=3, noise=0.2, seed=0)
    settings = {
        "SGD lr 1.0": lambda ps: SGD(ps, lr=1.0),
        "momentum lr 0.1": lambda ps: SGD(ps, lr=0.1, momentum=0.9),
        "Adam lr 0.01": lambda ps: Adam(ps, lr=0.01),
    }
    curves, final = {}, {}
    for name, make in settings.items():
        model, losses = train_spiral(make, X, y)
        curves[name] = losses
        final[name] = {"loss": losses[-1], "accuracy": accuracy(model(X), y)}
    figures["spiral"] = final
    print(f"Step 2. Three spiral arms, 300 points, MLP(2, [{HIDDEN}, 3]), {SPIRAL_STEPS} full-batch steps,")
    print("  the same starting weights for every optimizer:")
    print(line_chart(curves, log_y=True, title="cross-entropy on the spiral", x_label="step", height=12))
    for name, result in final.items():
        print(f"  {name:<16} final loss {result['loss']:.3f}   training accuracy {result['accuracy']:.1%}")
    print()

    # Step 3. A learning rate ten times too high.
    model, losses = train_spiral(lambda ps: SGD(ps, lr=10.0), X, y)
    hidden = model[1](model[0](X)).data  # the ReLU layer's outputs on every point
    dead = int(np.sum(np.all(hidden == 0.0, axis=0)))
    predicted = np.unique(model(X).data.argmax(axis=1))
    figures["too_high"] = {"losses_start": losses[:4], "peak": max(losses), "final": losses[-1],
                           "accuracy": accuracy(model(X), y), "dead_units": dead,
                           "classes_predicted": predicted.tolist()}
    print("Step 3. SGD with lr 10.0, ten times step 2's:")
    print("  loss over the first steps: " + " ".join(f"{v:.2f}" for v in losses[:6]))
    print(f"  peak {max(losses):.1f}; after {SPIRAL_STEPS} steps {losses[-1]:.2f}, worse than guessing"
          f" (ln 3 = {math.log(3):.2f});")
    print(f"  {dead} of {HIDDEN} hidden units now output 0 for every point, and the network gives")
    said = ("class " if len(predicted) == 1 else "one of the classes ") + ", ".join(str(c) for c in predicted)
    print(f"  every point {said}: accuracy {accuracy(model(X), y):.1%}.\n")

    # Step 4. Mini-batches: how far a batch's gradient points from the full one.
    model = spiral_model()
    full = gradient_of(model, X, y)
    figures["batch_cosines"] = {}
    print("Step 4. At the starting weights, the gradient of random mini-batches against the")
    print("  full-batch gradient (cosine similarity: 1 means the same direction):")
    rng = np.random.default_rng(0)
    for size in (8, 32, 128):
        sims = [cosine(gradient_of(model, X[idx], y[idx]), full)
                for idx in full_batches(len(X), size, BATCHES_COMPARED, rng)]
        figures["batch_cosines"][size] = float(np.mean(sims))
        print(f"  batch of {size:>3}: mean cosine {np.mean(sims):.2f} over {len(sims)} batches"
              f" (lowest {min(sims):.2f})")
    print("  Smaller batches are cheaper per step and noisier.")
    return figures


if __name__ == "__main__":
    main()
