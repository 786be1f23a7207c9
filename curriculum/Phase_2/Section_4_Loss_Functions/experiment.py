"""Section 2.4 lab: four losses, their gradients, and three things a loss can tell you.

Six steps:
  1. One positive example and a range of scores z: MSE on sigmoid(z), binary cross-entropy
     and hinge, each with its gradient dLoss/dz from backward().
  2. Binary cross-entropy from the score itself (with logits): finite where BCE on
     sigmoid(z) loses its digits (z = 36) or raises (z = 37).
  3. Softmax cross-entropy on three logits: the loss, and its gradient softmax - one-hot.
  4. A neuron that starts confidently wrong: with MSE it takes 214 steps to change its mind,
     with cross-entropy 7.
  5. L2 regularisation as a loss term: the fitted slope shrinks, exactly as the formula says.
  6. The ln K check: an untrained K-class classifier should start near ln K (K = 3 and 10).

Everything is seeded and runs a fixed number of steps, so every run prints the same numbers.
Run it from this folder: python experiment.py   (or: learnpath run 2.4)
With --mine (learnpath run 2.4 --mine) steps 3 and 6 use your softmax and
cross_entropy_and_grad from exercise.py instead of the library's.
"""

from __future__ import annotations

import math
import random

from learnpath import lab
from learnpath.nn import ScalarMLP, Value, plot
from learnpath.nn.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge,
    l2_penalty,
    mse,
)

SEED = 0
SEEDS = range(5)  # the fresh networks the ln K claim of step 6 is checked on
SCORES = [-5.0, -3.0, -1.0, 0.0, 0.8, 3.0]  # scores z given to one example of the positive class
LOGITS, TARGET = [2.0, 1.0, -1.0], 0  # step 3: three classes, the right one is class 0
START_SCORE = -6.0  # step 4: sigmoid(-6) = 0.0025, a confident "no" for a "yes" example
SLOW_STEPS, SLOW_LR = 300, 1.0
L2_WEIGHTS = [0.0, 0.1, 1.0]  # step 5: the lambda of the penalty lambda * w**2
L2_STEPS, L2_LR = 2000, 0.1
CLASS_COUNTS = [3, 10]  # step 6
FAR_SCORES = [30.0, 36.0, 37.0]  # step 2: scores given to an example of class 0, ever more confidently wrong


def library_softmax(logits: list[float]) -> list[float]:
    """learnpath.nn's softmax of one row of plain floats (the exercise's softmax does the same)."""
    import numpy as np

    from learnpath.nn import Tensor
    from learnpath.nn.functional import softmax

    return [float(p) for p in softmax(Tensor(np.array(logits, dtype=float))).data]


def library_cross_entropy_and_grad(logits: list[float], target: int) -> tuple[float, list[float]]:
    """learnpath.nn's cross-entropy of one row and d(loss)/d(logits) from backward()."""
    values = [Value(z) for z in logits]
    loss = cross_entropy(values, target)
    loss.backward()
    return loss.data, [v.grad for v in values]


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
        z.grad = 0.0  # backward() adds into .grad: clear last step's gradient first
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
        w.grad = b.grad = 0.0  # backward() adds into .grad: clear last step's gradients first
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


def untrained_loss(classes: int, last_layer_scale: float = 1.0, seed: int = SEED,
                   cross_entropy_and_grad=library_cross_entropy_and_grad) -> float:
    """Cross-entropy of a fresh ScalarMLP(4, [16, K]) on 100 random inputs with random labels.

    `cross_entropy_and_grad` scores one row of logits (the library's, or yours with --mine).
    """
    random.seed(seed)
    net = ScalarMLP(4, [16, classes])
    for neuron in net.layers[-1].neurons:
        for w in neuron.w:
            w.data *= last_layer_scale
    rng = random.Random(seed + 1)
    inputs = [[rng.gauss(0.0, 1.0) for _ in range(4)] for _ in range(100)]
    labels = [rng.randrange(classes) for _ in range(100)]
    rows = [[v.data for v in net(x)] for x in inputs]
    return sum(cross_entropy_and_grad(row, label)[0] for row, label in zip(rows, labels)) / len(rows)


def main(argv=None) -> dict:
    figures: dict = {}
    # With --mine these are your softmax and cross_entropy_and_grad from exercise.py.
    parts = lab.mine(__file__, softmax=library_softmax, cross_entropy_and_grad=library_cross_entropy_and_grad)
    figures["mine"] = parts.mine
    if parts.mine:
        lab.say("""
    This run uses your softmax and cross_entropy_and_grad from exercise.py (--mine).""")

    lab.step("One positive example, scored z: three losses and their slopes dLoss/dz")
    print(f"  {'':>5}  {'':>10}" + "".join(f"  {name:^16}" for name in BINARY_LOSSES))
    print(f"  {'z':>5}  {'sigmoid(z)':>10}" + "  {:>7} {:>8}".format("loss", "slope") * len(BINARY_LOSSES))
    for z in SCORES:
        row = [loss_and_slope(loss_of, z) for loss_of in BINARY_LOSSES.values()]
        print(f"  {z:>5g}  {1 / (1 + math.exp(-z)):>10.4f}"
              + "".join(f"  {loss:>7.4f} {slope:>+8.4f}" for loss, slope in row))
        for name, (loss, slope) in zip(("mse", "bce", "hinge"), row):
            figures[f"{name}_{z:g}"] = (loss, slope)
    lab.say("""
    At z = -5, confidently wrong, BCE's slope is -0.9933 and MSE's only -0.0132. BCE's slope is
    sigmoid(z) - 1: however wrong the score, it stays between -1 and 0, near -1 for a confident
    mistake, while the loss itself grows without bound. Hinge is 0 from z = 1 on (right, with a
    margin) and has slope -1 below it.""")

    lab.step("Binary cross-entropy from the score: z far on the wrong side of a label 0")
    lab.say("""
    binary_cross_entropy takes a probability, so it needs sigmoid(z) first; by z = 37 that
    probability rounds to exactly 1.0 and ln(1 - p) is ln 0. binary_cross_entropy_with_logits
    takes z itself and computes max(z, 0) - y*z + ln(1 + e**-|z|), which never forms ln 0. Its
    slope is sigmoid(z) - y.""")
    for z in FAR_SCORES:
        try:
            plain = binary_cross_entropy(Value(z).sigmoid(), 0.0).data
            plain_text = f"{plain:.4f}"
        except ValueError:
            plain, plain_text = None, "ValueError (ln 0)"
        score = Value(z)
        with_logits = binary_cross_entropy_with_logits(score, 0.0)
        with_logits.backward()
        print(f"  z = {z:g}: BCE on sigmoid(z) {plain_text:>17};  with logits {with_logits.data:.4f},"
              f" slope {score.grad:.4f}")
        figures[f"far_plain_{z:g}"] = plain
        figures[f"far_logits_{z:g}"] = (with_logits.data, score.grad)
    # The exact loss for label 0 is z + ln(1 + e**-z); the float 1 - sigmoid(36) against the true e**-36/(1 + e**-36).
    true_losses = [z + math.log1p(math.exp(-z)) for z in FAR_SCORES]
    figures["far_true"] = true_losses
    figures["far_plain_error_36"] = figures["far_plain_36"] - true_losses[1]
    rounded_gap, true_gap = 1.0 - Value(36.0).sigmoid().data, math.exp(-36.0) / (1.0 + math.exp(-36.0))
    figures["one_minus_sigmoid_36"] = (rounded_gap, true_gap)
    lab.say(f"""
    The true loss is z + ln(1 + e**-z): {', '.join(f'{v:.4f}' for v in true_losses)}. At 36 the plain form
    is off by {figures['far_plain_error_36']:.2f}, because 1 - sigmoid(36) comes out as {rounded_gap:.2e}
    instead of {true_gap:.2e}; at 37 it raises. With logits, every one is right.""")

    lab.step(f"Softmax cross-entropy: logits {LOGITS}, the right class is {TARGET}")
    softmax = parts.softmax(list(LOGITS))
    loss, grad = parts.cross_entropy_and_grad(list(LOGITS), TARGET)
    _, backward_grad = library_cross_entropy_and_grad(LOGITS, TARGET)
    one_hot = [1.0 if i == TARGET else 0.0 for i in range(len(LOGITS))]
    who = "your" if parts.mine else "the library's"
    print(f"  softmax = {[round(p, 4) for p in softmax]}, loss = -ln {softmax[TARGET]:.4f} = {loss:.4f}")
    print(f"  softmax - one-hot          = {[round(p - t, 4) for p, t in zip(softmax, one_hot)]}")
    print(f"  gradient from backward()   = {[round(g, 4) for g in backward_grad]}")
    lab.say(f"""
    (softmax, loss and softmax - one-hot from {who} code; backward() from learnpath.nn's Values.)""")
    figures.update(softmax=softmax, ce_loss=loss, ce_grad=grad, ce_backward_grad=backward_grad)
    big_loss, big_grad = parts.cross_entropy_and_grad([1000.0, 0.0, -1000.0], 1)
    print(f"  logits [1000, 0, -1000], right class 1: loss = {big_loss:g}, gradient = {big_grad}")
    lab.say("""
    Finite: the largest logit is subtracted before exponentiating, and the loss is computed as
    ln(sum of e**(z - max)) + max - z_target, never as the log of a probability that has
    underflowed to 0.""")
    figures.update(big_ce_loss=big_loss, big_ce_grad=big_grad)

    lab.step(f"Confidently wrong: z starts at {START_SCORE:g} "
             f"(sigmoid {1 / (1 + math.exp(-START_SCORE)):.4f}), a positive example")
    lab.say(f"""
    Gradient descent on z alone, lr = {SLOW_LR:g}: each step clears z's gradient, calls backward() and
    moves z against it.""")
    curves = {}
    for name in ("MSE", "BCE"):
        history = probability_history(name)
        curves[name] = history[:250]
        first = next(i for i, p in enumerate(history) if p > 0.5)
        print(f"  {name}: sigmoid(z) first passes 0.5 at step {first}; after {SLOW_STEPS} steps it is {history[-1]:.4f}")
        figures[f"steps_to_half_{name.lower()}"] = first
        figures[f"final_p_{name.lower()}"] = history[-1]
    print(plot.line_chart(curves, title="sigmoid(z) per step", width=56, height=10, x_label="step"))

    lab.step("L2 regularisation: minimise MSE + lambda * w**2")
    xs, ys = ridge_points()
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    lab.say(f"""
    For y = w*x + b on 8 points around y = 2x + 1; only w is penalised. Here the mean x is
    {mean_x:.4f} and the mean y {mean_y:.4f}.""")
    for strength in L2_WEIGHTS:
        w, b = fit_with_l2(xs, ys, strength)
        formula = ridge_slope(xs, ys, strength)
        print(f"  lambda = {strength:<4g}: descent w = {w:.6f}, b = {b:.6f}; formula w = {formula:.6f}")
        figures[f"l2_w_{strength:g}"] = w
        figures[f"l2_b_{strength:g}"] = b
        figures[f"l2_gap_{strength:g}"] = abs(w - formula)
        figures[f"l2_b_gap_{strength:g}"] = abs(b - (mean_y - w * mean_x))
    figures.update(ridge_mean_x=mean_x, ridge_mean_y=mean_y)
    lab.say(f"""
    The penalty pulls w towards 0; its own gradient is 2 * lambda * w. The unpenalised bias keeps
    the line through the mean point, b = mean y - w * mean x, so as w shrinks b rises: the mean x
    is positive ({mean_x:.4f}) here. With a negative mean x, b would fall instead.""")

    lab.step("The ln K check: a classifier that knows nothing says 1/K to each class")
    bars_labels, bars = [], []
    with lab.progress(len(CLASS_COUNTS), "fresh networks") as bar:
        for done, k in enumerate(CLASS_COUNTS, start=1):
            default = untrained_loss(k, cross_entropy_and_grad=parts.cross_entropy_and_grad)
            small = untrained_loss(k, last_layer_scale=0.01, cross_entropy_and_grad=parts.cross_entropy_and_grad)
            zero = parts.cross_entropy_and_grad([0.0] * k, 0)[0]
            print(f"  K = {k:>2}: ln K = {math.log(k):.4f}, all-zero logits {zero:.4f}")
            print(f"          fresh ScalarMLP(4, [16, {k}]) {default:.4f}, last layer x 0.01: {small:.4f}")
            figures[f"lnk_{k}"] = (math.log(k), zero, default, small)
            bars_labels += [f"K={k} ln K", f"K={k} fresh", f"K={k} x0.01"]
            bars += [math.log(k), default, small]
            bar.update(done)
    print(plot.bar_chart(bars_labels, bars, title="cross-entropy before any training", width=36))
    # One fresh network is one draw of weights: the same from five seeds.
    for k in CLASS_COUNTS:
        defaults = [untrained_loss(k, seed=seed, cross_entropy_and_grad=parts.cross_entropy_and_grad)
                    for seed in SEEDS]
        smalls = [untrained_loss(k, last_layer_scale=0.01, seed=seed,
                                 cross_entropy_and_grad=parts.cross_entropy_and_grad) for seed in SEEDS]
        figures[f"lnk_{k}_seed_range"] = (min(defaults), max(defaults), min(smalls), max(smalls))
        print(f"  K = {k:>2}, seeds {SEEDS[0]} to {SEEDS[-1]}: fresh {min(defaults):.4f} to {max(defaults):.4f}, "
              f"last layer x 0.01: {min(smalls):.4f} to {max(smalls):.4f}")
    lab.say("""
    The fresh network's uniform(-1, 1) weights make its logits far from equal: it starts out
    confident, and its loss starts well above ln K. Shrinking the last layer's weights brings the
    starting loss back near ln K.""")
    return figures


if __name__ == "__main__":
    main()
