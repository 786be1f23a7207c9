"""Section 2.3 lab: five activation functions, their slopes, and what goes wrong without them.

Six steps:
  1. Sigmoid, tanh, ReLU, leaky ReLU and GELU side by side: values and a picture.
  2. Their derivatives: where each is steep, where each goes flat (saturates).
  3. Every derivative checked against a central difference.
  4. At +-1000 the stable forms stay finite; the textbook formulas overflow.
  5. Without a nonlinearity, three layers collapse into one linear map, and XOR is out of reach.
  6. Dead ReLUs: a layer started with badly chosen biases, and how many of its neurons never fire.

Everything is seeded and runs a fixed number of steps, so every run prints the same numbers.
Run it from this folder: python experiment.py   (or: learnpath run 2.3)
"""

from __future__ import annotations

import math
import random

from learnpath import lab
from learnpath.nn import ScalarLayer, ScalarMLP, Value, plot
from learnpath.nn.activations import ACTIVATIONS, gelu, gelu_exact
from learnpath.nn.data import make_moons
from learnpath.nn.losses import mse

SEED = 0
SEEDS = range(5)  # the starts the training claims of steps 5 and 6 are checked on
H = 1e-5  # step of the central differences
# 80 points from -3.987 to 3.913: spread over [-4, 4], none exactly at ReLU's kink at 0.
CHECK_POINTS = [-4.0 + 0.013 + 0.1 * i for i in range(80)]
XOR_INPUTS = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
XOR_TARGETS = [0.0, 1.0, 1.0, 0.0]
XOR_STEPS, XOR_LR = 500, 0.1
BAD_BIAS = -2.0  # the bad initialisation of step 6: every bias starts at -2


def naive_sigmoid(x: float) -> float:
    """The textbook 1 / (1 + e**-x): e**-x overflows for x below about -709."""
    return 1.0 / (1.0 + math.exp(-x))


def naive_tanh(x: float) -> float:
    """The textbook (e**2x - 1) / (e**2x + 1): e**2x overflows for x above about 354."""
    e = math.exp(2.0 * x)
    return (e - 1.0) / (e + 1.0)


def relative_error(a: float, b: float) -> float:
    """|a - b| divided by the larger of |a| and |b| (0 when both are 0)."""
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0.0 else abs(a - b) / scale


def central_difference(f, x: float, h: float = H) -> float:
    return (f(x + h) - f(x - h)) / (2.0 * h)


class LinearStack:
    """Layers applied one after another, with no activation anywhere."""

    def __init__(self, sizes: list[int]) -> None:
        self.layers = [ScalarLayer(sizes[i], sizes[i + 1], nonlin=False) for i in range(len(sizes) - 1)]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]


def matrix_and_offset(layer: ScalarLayer) -> tuple[list[list[float]], list[float]]:
    """A linear layer as a matrix (one row per neuron) and an offset vector (the biases)."""
    return [[w.data for w in n.w] for n in layer.neurons], [n.b.data for n in layer.neurons]


def compose(outer, inner):
    """The one affine map equal to outer(inner(x)): W = Wo @ Wi, b = Wo @ bi + bo."""
    (wo, bo), (wi, bi) = outer, inner
    w = [[sum(row[k] * wi[k][j] for k in range(len(wi))) for j in range(len(wi[0]))] for row in wo]
    b = [sum(row[k] * bi[k] for k in range(len(bi))) + c for row, c in zip(wo, bo)]
    return w, b


def train_on_xor(net, steps: int = XOR_STEPS, lr: float = XOR_LR) -> float:
    """Gradient descent on the MSE over XOR's four points; returns the final loss."""
    for _ in range(steps):
        loss = mse([net(x) for x in XOR_INPUTS], XOR_TARGETS)
        for p in net.parameters():
            p.grad = 0.0  # backward() adds into .grad: clear last step's gradients first
        loss.backward()
        for p in net.parameters():
            p.data -= lr * p.grad
    return mse([net(x) for x in XOR_INPUTS], XOR_TARGETS).data


def dead_in_layer(points, bias: float, seed: int = SEED) -> int:
    """How many of a fresh ScalarLayer(2, 100)'s neurons, every bias set to `bias`, output 0 on every point."""
    random.seed(seed)
    layer = ScalarLayer(2, 100)
    for neuron in layer.neurons:
        neuron.b.data = bias
    return sum(all(n(p).data == 0.0 for p in points) for n in layer.neurons)


def main(argv=None) -> dict:
    figures: dict = {}

    lab.step("Five activations: what each does to a number")
    print(f"  {'x':>6}" + "".join(f"{name:>12}" for name in ACTIVATIONS))
    for x in (-5.0, -1.0, 0.0, 1.0, 5.0):
        print(f"  {x:>6g}" + "".join(f"{f(x):>12.4f}" for f, _ in ACTIVATIONS.values()))
    grid = [-4.0 + 0.1 * i for i in range(81)]
    print(plot.line_chart({name: [f(x) for x in grid] for name, (f, _) in ACTIVATIONS.items()}, xs=grid,
                          title="the activations on [-4, 4]", width=56, height=12))
    worst_gap = max(abs(gelu(x) - gelu_exact(x)) for x in (i / 1000 for i in range(-6000, 6001)))
    lab.say(f"""
    GELU here is GPT-2's tanh form, within {worst_gap:.1e} of x*Phi(x) on [-6, 6].""")
    figures["gelu_tanh_form_max_gap"] = worst_gap

    lab.step("The slopes: where each function can pass gradient back")
    print(f"  {'x':>6}" + "".join(f"{name:>12}" for name in ACTIVATIONS))
    for x in (-5.0, -1.0, 0.0, 1.0, 5.0):
        print(f"  {x:>6g}" + "".join(f"{df(x):>12.6f}" for _, df in ACTIVATIONS.values()))
        for name, (_, df) in ACTIVATIONS.items():
            figures[f"slope_{name}_{x:g}"] = df(x)
    print(plot.line_chart({name: [df(x) for x in grid] for name, (_, df) in ACTIVATIONS.items()}, xs=grid,
                          title="their derivatives on [-4, 4]", width=56, height=12))
    lab.say("""
    The sigmoid's slope is at most 0.25 (at 0). At x = 5 the sigmoid's slope is 0.0066 and tanh's
    0.00018: both saturated. ReLU's is 1 there, and 0 on the whole negative side.""")

    lab.step(f"Each derivative against a central difference (h = {H:g})")
    lab.say(f"""
    At {len(CHECK_POINTS)} points in [-4, 4], none at ReLU's kink, the relative error
    |analytic - numeric| / max(|analytic|, |numeric|):""")
    for name, (f, df) in ACTIVATIONS.items():
        worst = max(relative_error(df(x), central_difference(f, x)) for x in CHECK_POINTS)
        print(f"  {name:>10}: largest relative error {worst:.1e}")
        figures[f"derivative_error_{name}"] = worst
    # Value's own relu, tanh and sigmoid record the same slopes as the formulas above.
    value_gap = 0.0
    for name in ("sigmoid", "tanh", "relu"):
        _, df = ACTIVATIONS[name]
        for x in CHECK_POINTS:
            v = Value(x)
            getattr(v, name)().backward()
            value_gap = max(value_gap, abs(v.grad - df(x)))
    lab.say(f"""
    Value.sigmoid, tanh and relu after backward() agree with these slopes to {value_gap:.1e}.""")
    figures["value_slope_gap"] = value_gap

    lab.step("Far from 0: x = -1000 and x = +1000")
    for x in (-1000.0, 1000.0):
        for name, naive in (("sigmoid", naive_sigmoid), ("tanh", naive_tanh)):
            try:
                naive_text = f"{naive(x):g}"
            except OverflowError:
                naive_text = "OverflowError"
            figures[f"naive_{name}_{x:g}"] = naive_text
            print(f"  textbook {name:7}({x:+g}) -> {naive_text}")
        stable = {name: f(x) for name, (f, _) in ACTIVATIONS.items()}
        figures[f"stable_{x:g}"] = stable
        print("  stable forms: " + ", ".join(f"{name} {value:g}" for name, value in stable.items()))
    figures["all_stable_finite"] = all(
        math.isfinite(v) for x in (-1000.0, 1000.0) for v in figures[f"stable_{x:g}"].values()
    )
    lab.say("""
    The textbook formulas overflow on one side each; the stable forms stay finite on both.""")

    lab.step("No nonlinearity: three layers are one")
    random.seed(SEED)
    stack = LinearStack([2, 4, 4, 1])
    linear_loss = train_on_xor(stack)
    random.seed(SEED)
    relu_net = ScalarMLP(2, [4, 4, 1])
    relu_loss = train_on_xor(relu_net)
    lab.say(f"""
    Trained on XOR ({XOR_STEPS} steps of gradient descent on MSE, lr {XOR_LR}, seed {SEED}): the 2-4-4-1
    stack without activations ends at MSE {linear_loss:.6f}; the same sizes with ReLU at {relu_loss:.1e}.
    The ReLU network says {[round(relu_net(x).data, 3) for x in XOR_INPUTS]} for targets {XOR_TARGETS}.""")
    figures.update(xor_linear_loss=linear_loss, xor_relu_loss=relu_loss,
                   xor_relu_outputs=[relu_net(x).data for x in XOR_INPUTS])
    # Multiply the trained linear layers out: one matrix and one offset do the same job.
    maps = [matrix_and_offset(layer) for layer in stack.layers]
    single = compose(maps[2], compose(maps[1], maps[0]))
    (w1, w2), b = single[0][0], single[1][0]
    rng = random.Random(SEED)
    gap = 0.0
    for _ in range(100):
        x = (rng.uniform(-3, 3), rng.uniform(-3, 3))
        gap = max(gap, abs(stack(x).data - (w1 * x[0] + w2 * x[1] + b)))
    lab.say(f"""
    Multiplied out, the trained stack ({len(stack.parameters())} parameters) is one neuron in disguise:

      y = {w1:.6f}*x1 {w2:+.6f}*x2 {b:+.6f}

    On 100 random inputs in [-3, 3]^2 the two differ by at most {gap:.1e}.""")
    figures.update(collapse_gap=gap, collapse_parameters=len(stack.parameters()), collapsed_map=(w1, w2, b))
    # The same comparison from five starts: one seed could be lucky or unlucky.
    linear_losses, relu_losses = [], []
    with lab.progress(len(SEEDS), "training on XOR from five seeds") as bar:
        for done, seed in enumerate(SEEDS, start=1):
            random.seed(seed)
            linear_losses.append(train_on_xor(LinearStack([2, 4, 4, 1])))
            random.seed(seed)
            relu_losses.append(train_on_xor(ScalarMLP(2, [4, 4, 1])))
            bar.update(done, loss=relu_losses[-1])
    solved = [loss for loss in relu_losses if loss < 1e-3]
    stalled = [f"{loss:.4f} (seed {seed})" for seed, loss in zip(SEEDS, relu_losses) if loss >= 1e-3]
    figures.update(seed_linear_losses=linear_losses, seed_relu_losses=relu_losses)
    # Said from the numbers, so that it stays true when a Try this changes the network.
    solved_text = f" (MSE at most {max(solved):.1e})" if solved else ""
    stalled_text = f" and stalls at {', '.join(stalled)}" if stalled else ", every time"
    lab.say(f"""
    From seeds 0 to {SEEDS[-1]}: the linear stack ends at MSE {min(linear_losses):.6f} to {max(linear_losses):.6f}
    every time; the ReLU network solves XOR from {len(solved)} of {len(SEEDS)} starts{solved_text}{stalled_text}.""")

    lab.step("Dead ReLUs: a layer of 100 neurons on 200 two-moons points")
    X, _ = make_moons(200, noise=0.1, seed=SEED)
    points = [(float(a), float(c)) for a, c in X]
    for label, bias in (("default (bias 0)", 0.0), (f"bad (bias {BAD_BIAS:g})", BAD_BIAS)):
        random.seed(SEED)
        layer = ScalarLayer(2, 100)
        for neuron in layer.neurons:
            neuron.b.data = bias
        dead = [n for n in layer.neurons if all(n(p).data == 0.0 for p in points)]
        # Any loss will do to show it: a dead neuron's parameters get exactly zero gradient.
        loss = sum((sum(layer(p)) for p in points), Value(0.0))
        loss.backward()
        frozen = sum(all(p.grad == 0.0 for p in n.parameters()) for n in layer.neurons)
        print(f"  {label:16}: {len(dead):3} of 100 output 0 on every point; {frozen:3} get zero gradient")
        figures[f"dead_{bias:g}"] = len(dead)
        figures[f"frozen_{bias:g}"] = frozen
    dead_counts = [dead_in_layer(points, BAD_BIAS, seed) for seed in SEEDS]
    figures["seed_dead_counts"] = dead_counts
    lab.say(f"""
    With every bias at {BAD_BIAS:g}, seeds 0 to {SEEDS[-1]} give {min(dead_counts)} to {max(dead_counts)} dead neurons of 100.
    A dead neuron's weights get a gradient of exactly 0, so plain gradient descent never changes them.""")
    return figures


if __name__ == "__main__":
    main()
