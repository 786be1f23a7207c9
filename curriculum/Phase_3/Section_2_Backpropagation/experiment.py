"""Section 3.2: backpropagation through whole layers.

Three ways to get the same gradients of a small network, checked against each
other and against central differences; XOR learned by a 2-4-1 network trained
with the matrix-form delta rule, and what its hidden units turned into; then
micrograd's two-moons demo on our Tensor engine, decision boundary and all.

Run it: python experiment.py  (or: learnpath run 3.2)
"""

from __future__ import annotations

import random

import numpy as np

from learnpath import lab
from learnpath.nn import ScalarMLP, Tensor, Value
from learnpath.nn.data import make_moons, make_xor
from learnpath.nn.losses import hinge, l2_penalty
from learnpath.nn.optim import SGD, LinearDecay
from learnpath.nn.plot import decision_boundary, loss_curve

XOR_SEED = 34  # a seed whose hidden units are easy to read; other seeds also learn XOR (step 3)
XOR_HIDDEN = 4
XOR_LR = 1.0
XOR_STEPS = 2000


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def init_xor_weights(seed: int, hidden: int = XOR_HIDDEN) -> dict[str, np.ndarray]:
    """Weights drawn from N(0, 1), biases zero: W1 (2, hidden), b1 (hidden,), W2 (hidden, 1), b2 (1,)."""
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0.0, 1.0, (2, hidden)), "b1": np.zeros(hidden),
            "W2": rng.normal(0.0, 1.0, (hidden, 1)), "b2": np.zeros(1)}


def forward(weights: dict[str, np.ndarray], X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hidden activations H = sigmoid(X W1 + b1) and outputs P = sigmoid(H W2 + b2), one row per example."""
    H = sigmoid(X @ weights["W1"] + weights["b1"])
    P = sigmoid(H @ weights["W2"] + weights["b2"])
    return H, P


def mse(P: np.ndarray, Y: np.ndarray) -> float:
    return float(np.mean((P - Y) ** 2))


def loss_and_gradients(weights: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray):
    """The MSE, and its gradient with respect to every weight by the delta rule in matrix form.

    A delta is dLoss/d(pre-activation) for every example and unit: one matrix
    per layer, computed from the layer above. Each weight gradient is then
    (input to the layer)^T @ (delta of the layer).
    """
    H, P = forward(weights, X)
    n = len(X)
    delta2 = (2.0 / n) * (P - Y) * P * (1.0 - P)          # (n, 1): through the loss, then the output sigmoid
    delta1 = (delta2 @ weights["W2"].T) * H * (1.0 - H)   # (n, hidden): back through W2, then the hidden sigmoid
    gradients = {"W2": H.T @ delta2, "b2": delta2.sum(axis=0),
                 "W1": X.T @ delta1, "b1": delta1.sum(axis=0)}
    return mse(P, Y), gradients


def backward_by_hand(weights: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray) -> dict[str, np.ndarray]:
    """Just the gradients of loss_and_gradients."""
    return loss_and_gradients(weights, X, Y)[1]


def backward_by_values(weights: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray) -> dict[str, np.ndarray]:
    """The same gradient from Phase 1's scalar engine: one Value per weight, backward() once."""
    values = {name: np.vectorize(Value, otypes=[object])(array) for name, array in weights.items()}
    W1, b1, W2, b2 = values["W1"], values["b1"], values["W2"], values["b2"]
    squared_errors = []
    for x, target in zip(X.tolist(), Y[:, 0].tolist()):
        hidden = [(x[0] * W1[0, j] + x[1] * W1[1, j] + b1[j]).sigmoid() for j in range(W1.shape[1])]
        out = sum((h * W2[j, 0] for j, h in enumerate(hidden)), b2[0]).sigmoid()
        squared_errors.append((out - target) ** 2)
    loss = sum(squared_errors, Value(0.0)) * (1.0 / len(X))
    loss.backward()
    return {name: np.vectorize(lambda v: v.grad, otypes=[float])(array) for name, array in values.items()}


def backward_by_tensors(weights: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray) -> dict[str, np.ndarray]:
    """The same gradient from the Tensor engine: the forward pass written once, backward() derived."""
    params = {name: Tensor(array) for name, array in weights.items()}
    H = (Tensor(X, requires_grad=False) @ params["W1"] + params["b1"]).sigmoid()
    P = (H @ params["W2"] + params["b2"]).sigmoid()
    loss = ((P - Y) ** 2).mean()
    loss.backward()
    return {name: t.grad for name, t in params.items()}


def central_difference(weights, X, Y, name: str, index: tuple, h: float = 1e-6) -> float:
    """d(MSE)/d(one weight) by nudging it h up and h down: slow, but independent of any backward code."""
    nudged = {k: v.copy() for k, v in weights.items()}
    nudged[name][index] += h
    up = mse(forward(nudged, X)[1], Y)
    nudged[name][index] -= 2 * h
    down = mse(forward(nudged, X)[1], Y)
    return (up - down) / (2 * h)


def train_xor(seed: int, hidden: int = XOR_HIDDEN, lr: float = XOR_LR, steps: int = XOR_STEPS,
              label: str = "XOR"):
    """Full-batch gradient descent on the four XOR points with the delta rule; returns weights and losses."""
    X, y = make_xor()
    Y = y.reshape(-1, 1).astype(float)
    weights = init_xor_weights(seed, hidden)
    losses = []
    with lab.progress(steps, label) as bar:
        for step in range(steps):
            loss, grads = loss_and_gradients(weights, X, Y)
            losses.append(loss)
            for name in weights:
                weights[name] -= lr * grads[name]
            bar.update(step + 1, loss=loss)
    losses.append(mse(forward(weights, X)[1], Y))
    return weights, losses


BOOLEAN_NAMES = {  # a unit's on/off pattern on the inputs (0,0) (0,1) (1,0) (1,1)
    (0, 1, 1, 1): "OR", (0, 0, 0, 1): "AND", (1, 0, 0, 0): "NOR", (1, 1, 1, 0): "NAND",
    (0, 1, 1, 0): "XOR", (1, 0, 0, 1): "XNOR", (0, 0, 1, 1): "x1", (0, 1, 0, 1): "x2",
    (1, 1, 0, 0): "not x1", (1, 0, 1, 0): "not x2", (0, 0, 1, 0): "x1 and not x2",
    (0, 1, 0, 0): "x2 and not x1", (1, 0, 1, 1): "x1 or not x2", (1, 1, 0, 1): "x2 or not x1",
    (0, 0, 0, 0): "always off", (1, 1, 1, 1): "always on",
}


def read_hidden_units(weights) -> list[dict]:
    """For each hidden unit: its activations on the four inputs, the Boolean function they round to,
    its weight to the output, and its path strengths (input weight times output weight)."""
    X, _ = make_xor()
    H, _ = forward(weights, X)
    units = []
    for j in range(H.shape[1]):
        pattern = tuple(int(a > 0.5) for a in H[:, j])
        out_weight = float(weights["W2"][j, 0])
        units.append({"activations": H[:, j].round(2).tolist(), "function": BOOLEAN_NAMES[pattern],
                      "out_weight": out_weight,
                      "paths": [float(weights["W1"][i, j] * out_weight) for i in range(2)]})
    return units


def moons_tensors_from(model: ScalarMLP) -> list[Tensor]:
    """The weights of a Value MLP as Tensors [W1, b1, W2, b2, ...], W of shape (inputs, neurons)."""
    params = []
    for layer in model.layers:
        W = [[neuron.w[i].data for neuron in layer.neurons] for i in range(layer.nin)]
        params += [Tensor(W), Tensor([neuron.b.data for neuron in layer.neurons])]
    return params


def moons_scores(params: list[Tensor], X: np.ndarray) -> Tensor:
    """The MLP's forward pass on a whole batch: ReLU between layers, a linear last layer, one score per row."""
    h = Tensor(X, requires_grad=False)
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i + 2 < len(params):
            h = h.relu()
    return h.reshape(-1)


def train_moons(init_seed: int, X: np.ndarray, y: np.ndarray, steps: int = 100):
    """micrograd's demo recipe: ScalarMLP(2, [16, 16, 1]), hinge loss + 1e-4 L2, lr 1.0 - 0.9 k / 100."""
    random.seed(init_seed)
    model = ScalarMLP(2, [16, 16, 1])  # draws the same starting weights as micrograd after the same seed
    params = moons_tensors_from(model)
    signs = 2.0 * y - 1.0  # labels 0/1 become -1/+1 for the hinge loss
    optimizer = SGD(params, lr=LinearDecay(1.0, 0.1, steps))
    losses = []
    with lab.progress(steps, f"two moons, random.seed({init_seed})") as bar:
        for step in range(steps):
            loss = hinge(moons_scores(params, X), signs) + l2_penalty(params, 1e-4)
            losses.append(loss.item())
            optimizer.zero_grad()  # backward() adds into .grad: clear last step's first
            loss.backward()
            optimizer.step()
            bar.update(step + 1, loss=losses[-1])
    return model, params, losses


def accuracy(params: list[Tensor], X: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((moons_scores(params, X).data > 0) == (y == 1)))


def main() -> dict:
    figures: dict = {}
    X, y = make_xor()
    Y = y.reshape(-1, 1).astype(float)

    # Step 1. One gradient, three ways, at the untrained weights of the pinned seed.
    lab.step("One gradient, three ways")
    weights = init_xor_weights(XOR_SEED)
    by_hand = backward_by_hand(weights, X, Y)
    by_values = backward_by_values(weights, X, Y)
    by_tensors = backward_by_tensors(weights, X, Y)
    gap_values = max(float(np.max(np.abs(by_hand[k] - by_values[k]))) for k in weights)
    gap_tensors = max(float(np.max(np.abs(by_hand[k] - by_tensors[k]))) for k in weights)
    # The gradient check: nudge every single weight and compare.
    numeric_gaps = []
    for name, array in weights.items():
        for index in np.ndindex(array.shape):
            numeric = central_difference(weights, X, Y, name, index)
            numeric_gaps.append(abs(numeric - by_hand[name][index]))
    figures.update(gap_values=gap_values, gap_tensors=gap_tensors, gap_numeric=max(numeric_gaps),
                   weights_checked=len(numeric_gaps), dW1=by_hand["W1"])
    lab.say(f"d(MSE)/d(parameters) of a 2-{XOR_HIDDEN}-1 sigmoid network on XOR, three ways; the largest "
            "difference between them:")
    print(f"  delta rule vs Value graph:   {gap_values:.1e}")
    print(f"  delta rule vs Tensor engine: {gap_tensors:.1e}")
    print(f"  delta rule vs central differences (h = 1e-6), all {len(numeric_gaps)} parameters: "
          f"{max(numeric_gaps):.1e}")

    # Step 2. Train XOR with the delta rule.
    lab.step("XOR learned with the delta rule")
    weights, losses = train_xor(XOR_SEED, label=f"XOR, seed {XOR_SEED}")
    _, P = forward(weights, X)
    figures.update(xor_loss=losses[-1], xor_first_loss=losses[0], xor_predictions=P[:, 0].tolist())
    lab.say(f"Gradient descent, lr {XOR_LR}, {XOR_STEPS} full-batch steps, seed {XOR_SEED}:")
    print(loss_curve(losses, title="XOR: mean squared error", log_y=True, height=10))
    for x, p, t in zip(X.tolist(), P[:, 0], y):
        print(f"  input {tuple(int(v) for v in x)}  output {p:.3f}  target {t}")
    lab.say(f"Final MSE {losses[-1]:.4f} (below 0.01).")

    # Step 3. The same recipe from other seeds, and with only 2 hidden units.
    lab.step("Other seeds, and a narrower network")
    seeds = list(range(8))
    four = {s: train_xor(s, label=f"2-4-1, seed {s}")[1][-1] for s in seeds}
    two = {s: train_xor(s, hidden=2, label=f"2-2-1, seed {s}")[1][-1] for s in seeds}
    figures.update(xor_seeds_4=four, xor_seeds_2=two)
    lab.say("Final MSE by seed, the same recipe with 4 hidden units and with 2:")
    print("  seed   " + "".join(f"{s:>7}" for s in seeds))
    print("  2-4-1  " + "".join(f"{four[s]:7.4f}" for s in seeds))
    print("  2-2-1  " + "".join(f"{two[s]:7.4f}" for s in seeds))
    stuck = [s for s in seeds if two[s] > 0.1]
    figures["xor_stuck_seeds_2"] = stuck
    lab.say(f"With 2 hidden units seeds {stuck} are still on a plateau above 0.1 after {XOR_STEPS:,} steps: "
            "same code, same data, different starting weights. (Whether such a plateau ever ends is "
            "another question: the overview follows these two much further.)")

    # Step 4. What the hidden units learned: round each to on/off on the four inputs.
    lab.step("Reading the hidden units")
    units = read_hidden_units(weights)
    figures["xor_units"] = units
    lab.say(f"The trained hidden units (seed {XOR_SEED}), on inputs (0,0) (0,1) (1,0) (1,1):")
    print("  unit  activations           acts like  weight to output  paths from x1, x2")
    for j, unit in enumerate(units):
        acts = " ".join(f"{a:.2f}" for a in unit["activations"])
        paths = ", ".join(f"{p:+.1f}" for p in unit["paths"])
        print(f"  h{j + 1}    {acts:<20}  {unit['function']:<9}  {unit['out_weight']:+16.2f}  {paths}")
    lab.say("The OR unit pushes the output up, the AND units push it down: OR and not AND is XOR. The NOR "
            "unit adds a push down at (0, 0), where OR is already off.")

    # Step 5. micrograd's demo: two moons, on the Tensor engine.
    lab.step("micrograd's two-moons demo, on the Tensor engine")
    Xm, ym = make_moons(100, noise=0.1, seed=0)
    model, params, moon_losses = train_moons(1337, Xm, ym)
    train_accuracy = accuracy(params, Xm, ym)
    X_fresh, y_fresh = make_moons(1000, noise=0.1, seed=99)
    fresh_accuracy = accuracy(params, X_fresh, y_fresh)
    figures.update(moons_accuracy=train_accuracy, moons_fresh_accuracy=fresh_accuracy,
                   moons_first_loss=moon_losses[0], moons_last_loss=moon_losses[-1])
    lab.say(f"""
        ScalarMLP(2, [16, 16, 1]) from random.seed(1337), hinge loss + 1e-4 L2, 100 steps,
        lr 1.0 - 0.9 k/100, on 100 points of make_moons(noise=0.1). The loss, taken
        before each step as micrograd's demo prints it, goes {moon_losses[0]:.3f} -> {moon_losses[-1]:.4f}
        from the first step to the last; accuracy after the last on the 100 training points
        {train_accuracy:.0%}, on 1,000 fresh points from the same generator {fresh_accuracy:.1%}.
        """)
    print(decision_boundary(lambda P: moons_scores(params, P).data, Xm, ym, title="two moons, after 100 steps",
                            width=56, height=20))
    others = {s: train_moons(s, Xm, ym)[1] for s in range(1, 6)}
    seed_accuracy = {s: accuracy(p, Xm, ym) for s, p in others.items()}
    seed_fresh = {s: accuracy(p, X_fresh, y_fresh) for s, p in others.items()}
    figures.update(moons_seed_accuracy=seed_accuracy, moons_seed_fresh=seed_fresh)
    lab.say("Other starting seeds: accuracy on the training points / on the fresh points.")
    for s in others:
        print(f"    random.seed({s}): {seed_accuracy[s]:.0%} / {seed_fresh[s]:.1%}")
    return figures


if __name__ == "__main__":
    main()
