"""Section 2.4 lab: four losses, their gradients, and three things a loss can tell you.

Five steps:
  1. One positive example and a range of scores z: MSE on sigmoid(z), binary cross-entropy
     and hinge, each with its gradient dLoss/dz from backward().
  2. Softmax cross-entropy on three logits: the loss, and its gradient softmax - one-hot.
  3. A neuron that starts confidently wrong: with MSE it takes 214 steps to change its mind,
     with cross-entropy 7.
  4. L2 regularisation as a loss term: the fitted slope shrinks, exactly as the formula says.
  5. The ln K check: an untrained K-class classifier should start near ln K (K = 3 and 10).

Everything is seeded and runs a fixed number of steps, so every run prints the same numbers.
Run it from this folder: python experiment.py   (or: learnpath run 2.4)
"""

from __future__ import annotations

import math
import random

from learnpath.nn import MLP, Value, plot
from learnpath.nn.losses import binary_cross_entropy, cross_entropy, hinge, l2_penalty, mse

SEED = 0
SCORES = [-5.0, -3.0, -1.0, 0.0, 0.8, 3.0]  # scores z given to one example of the positive class
LOGITS, TARGET = [2.0, 1.0, -1.0], 0  # step 2: three classes, the right one is class 0
START_SCORE = -6.0  # step 3: sigmoid(-6) = 0.0025, a confident "no" for a "yes" example
SLOW_STEPS, SLOW_LR = 300, 1.0
L2_WEIGHTS = [0.0, 0.1, 1.0]  # step 4: the lambda of the penalty lambda * w**2
L2_STEPS, L2_LR = 2000, 0.1
CLASS_COUNTS = [3, 10]  # step 5


def loss_and_slope(loss_of, z: float) -> tuple[float, float]:
    """The loss at score z and dLoss/dz, from one forward and one backward pass."""
    score = Value(z)
    loss = loss_of(score)
    loss.backward()
    return loss.data, score.grad


# The three ways to score one positive example with a single number z.
BINARY_LOSSES = {
    "MSE on sigmoid": lambda z: mse(z.sigmoid(), 1.0),  # target probability 1
    "BCE": lambda z: binary_cross_entropy(z.sigmoid(), 1.0),  # label 1
    "hinge": lambda z: hinge(z, 1.0),  # label +1, raw score
}


def probability_history(loss_name: str, start: float = START_SCORE, steps: int = SLOW_STEPS, lr: float = SLOW_LR):
    """Gradient descent on one score z for one positive example; sigmoid(z) before every step."""
    z = Value(start)
    history = []
    for _ in range(steps):
        p = z.sigmoid()
        history.append(p.data)
        loss = mse(p, 1.0) if loss_name == "MSE" else binary_cross_entropy(p, 1.0)
        z.grad = 0.0  # backward() adds into .grad: clear the last step's first
        loss.backward()
        z.data -= lr * z.grad
    return history


def ridge_points(seed: int = SEED) -> tuple[list[float], list[float]]:
    """Eight points around y = 2x + 1 with Gaussian noise (sd 0.5), x uniform in [-2, 2]."""
    rng = random.Random(seed)
    xs = [rng.uniform(-2.0, 2.0) for _ in range(8)]
    ys = [2.0 * x + 1.0 + rng.gauss(0.0, 0.5) for x in xs]
    return xs, ys


def fit_with_l2(xs, ys, strength: float, steps: int = L2_STEPS, lr: float = L2_LR) -> tuple[float, float]:
    """Gradient descent on MSE + strength * w**2 for y = w*x + b (the bias is not penalised)."""
    w, b = Value(0.0), Value(0.0)
    for _ in range(steps):
        loss = mse([w * x + b for x in xs], ys) + l2_penalty([w], strength)
        w.grad = b.grad = 0.0  # backward() adds into .grad: clear the last step's first
        loss.backward()
        w.data -= lr * w.grad
        b.data -= lr * b.grad
    return w.data, b.data


def ridge_slope(xs, ys, strength: float) -> float:
    """The slope minimising MSE + strength * w**2: Sxy / (Sxx + n * strength), sums about the means."""
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    return sxy / (sxx + n * strength)


def untrained_loss(classes: int, last_layer_scale: float = 1.0, seed: int = SEED) -> float:
    """Cross-entropy of a fresh MLP(4, [16, K]) on 100 random inputs with random labels."""
    random.seed(seed)
    net = MLP(4, [16, classes])
    for neuron in net.layers[-1].neurons:
        for w in neuron.w:
            w.data *= last_layer_scale
    rng = random.Random(seed + 1)
    inputs = [[rng.gauss(0.0, 1.0) for _ in range(4)] for _ in range(100)]
    labels = [rng.randrange(classes) for _ in range(100)]
    return cross_entropy([net(x) for x in inputs], labels).data


def main() -> dict:
    figures: dict = {}

    print("Step 1. One positive example, scored z: three losses and their slopes dLoss/dz")
    print(f"  {'':>5}  {'':>10}" + "".join(f"  {name:^16}" for name in BINARY_LOSSES))
    print(f"  {'z':>5}  {'sigmoid(z)':>10}" + "  {:>7} {:>8}".format("loss", "slope") * len(BINARY_LOSSES))
    for z in SCORES:
        row = [loss_and_slope(loss_of, z) for loss_of in BINARY_LOSSES.values()]
        print(f"  {z:>5g}  {1 / (1 + math.exp(-z)):>10.4f}"
              + "".join(f"  {loss:>7.4f} {slope:>+8.4f}" for loss, slope in row))
        for name, (loss, slope) in zip(("mse", "bce", "hinge"), row):
            figures[f"{name}_{z:g}"] = (loss, slope)
    print("  At z = -5, confidently wrong: BCE's slope is -0.9933, MSE's only -0.0132.")
    print("  Hinge is 0 from z = 1 on (right, with a margin) and has slope -1 below it.")
    print()

    print(f"Step 2. Softmax cross-entropy: logits {LOGITS}, the right class is {TARGET}")
    logits = [Value(v) for v in LOGITS]
    loss = cross_entropy(logits, TARGET)
    loss.backward()
    exps = [math.exp(v) for v in LOGITS]
    softmax = [e / sum(exps) for e in exps]
    one_hot = [1.0 if i == TARGET else 0.0 for i in range(len(LOGITS))]
    print(f"  softmax = {[round(p, 4) for p in softmax]}, loss = -ln {softmax[TARGET]:.4f} = {loss.data:.4f}")
    print(f"  gradient from backward()   = {[round(v.grad, 4) for v in logits]}")
    print(f"  softmax - one-hot          = {[round(p - t, 4) for p, t in zip(softmax, one_hot)]}")
    figures.update(softmax=softmax, ce_loss=loss.data, ce_grad=[v.grad for v in logits])
    big = [Value(1000.0), Value(0.0), Value(-1000.0)]
    big_loss = cross_entropy(big, 1)
    big_loss.backward()
    print(f"  logits [1000, 0, -1000], right class 1: loss = {big_loss.data:g}")
    print(f"  gradient = {[v.grad for v in big]}")
    print("  (finite: the largest logit is subtracted before exponentiating)")
    figures.update(big_ce_loss=big_loss.data, big_ce_grad=[v.grad for v in big])
    print()

    print(f"Step 3. Confidently wrong: z starts at {START_SCORE:g} "
          f"(sigmoid {1 / (1 + math.exp(-START_SCORE)):.4f}), a positive example")
    print(f"  gradient descent on z alone, lr = {SLOW_LR:g}")
    curves = {}
    for name in ("MSE", "BCE"):
        history = probability_history(name)
        curves[name] = history[:250]
        first = next(i for i, p in enumerate(history) if p > 0.5)
        print(f"  {name}: sigmoid(z) first passes 0.5 at step {first}; after {SLOW_STEPS} steps it is {history[-1]:.4f}")
        figures[f"steps_to_half_{name.lower()}"] = first
        figures[f"final_p_{name.lower()}"] = history[-1]
    print(plot.line_chart(curves, title="sigmoid(z) per step", width=56, height=10, x_label="step"))
    print()

    print("Step 4. L2 regularisation: minimise MSE + lambda * w**2")
    print("  for y = w*x + b on 8 points around y = 2x + 1")
    xs, ys = ridge_points()
    for strength in L2_WEIGHTS:
        w, b = fit_with_l2(xs, ys, strength)
        formula = ridge_slope(xs, ys, strength)
        print(f"  lambda = {strength:<4g}: descent w = {w:.6f}, b = {b:.6f}; formula w = {formula:.6f}")
        figures[f"l2_w_{strength:g}"] = w
        figures[f"l2_gap_{strength:g}"] = abs(w - formula)
    print("  the penalty pulls w towards 0; its own gradient is 2 * lambda * w")
    print()

    print("Step 5. The ln K check: a classifier that knows nothing says 1/K to each class")
    bars_labels, bars = [], []
    for k in CLASS_COUNTS:
        default = untrained_loss(k)
        small = untrained_loss(k, last_layer_scale=0.01)
        zero = cross_entropy([[Value(0.0)] * k], [0]).data
        print(f"  K = {k:>2}: ln K = {math.log(k):.4f}, all-zero logits {zero:.4f}")
        print(f"          fresh MLP(4, [16, {k}]) {default:.4f}, last layer x 0.01: {small:.4f}")
        figures[f"lnk_{k}"] = (math.log(k), zero, default, small)
        bars_labels += [f"K={k} ln K", f"K={k} fresh", f"K={k} x0.01"]
        bars += [math.log(k), default, small]
    print(plot.bar_chart(bars_labels, bars, title="cross-entropy before any training", width=36))
    print("  The fresh network's uniform(-1, 1) weights make its logits far from equal: it")
    print("  starts out confident, and its loss starts well above ln K. Shrinking the last")
    print("  layer's weights brings the starting loss back near ln K.")
    return figures


if __name__ == "__main__":
    main()
