"""Benchmark: the scalar Value engine, side by side with micrograd 0.1.0, and how backward() scales.

Part 1 is the workload of micrograd's demo notebook: two moons (100 points,
noise 0.1), MLP(2, [16, 16, 1]) (ReLU hidden layers, linear output), the hinge
loss mean(relu(1 - y * score)) + 1e-4 * sum(p * p), and 100 full-batch SGD
steps at learning rate 1.0 - 0.9 * k / 100. Both engines build their model
right after random.seed(1337), so they start from the same weights, and both
run here, one after the other, on the same data. The table shows the largest
difference between the two losses over all steps (goal: at most 1e-9) and how
many times faster our engine is (goal: at least 20x).

Part 2 times backward() on chains of 1e3 to 1e6 relu nodes. The time per node
should stay flat as the chain grows: the walk is linear in the number of
nodes and needs no recursion. micrograd is tried on the same chains to show
where its recursive walk gives up.

Run:  python bench/bench_value.py                (prints the tables)
      python bench/bench_value.py --save         (also writes bench/value_results.txt)
      python bench/bench_value.py --steps 10     (a quicker, shorter comparison)

micrograd is the `bench` extra: pip install micrograd==0.1.0. Without it the
bench says so and still measures our engine.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from learnpath.nn import ScalarMLP, Value, sum_values

SEED = 1337
L2_WEIGHT = 1e-4
CHAIN_LENGTHS = (1_000, 10_000, 100_000, 1_000_000)


def two_moons(n: int = 100, noise: float = 0.1, seed: int = SEED) -> tuple[list[list[float]], list[float]]:
    """The data as plain Python floats, labels -1/+1 (what a hinge loss wants)."""
    try:
        from learnpath.nn.data import make_moons
    except ImportError:
        make_moons = _numpy_moons
    X, y = make_moons(n_samples=n, noise=noise, seed=seed)
    return X.tolist(), [2.0 * label - 1.0 for label in y.tolist()]


def _numpy_moons(n_samples: int, noise: float, seed: int):
    """Two interleaving half circles with Gaussian noise, for when learnpath.nn.data is absent."""
    import numpy as np

    rng = np.random.default_rng(seed)
    upper_count = n_samples // 2
    t_upper = np.linspace(0.0, np.pi, upper_count)
    t_lower = np.linspace(0.0, np.pi, n_samples - upper_count)
    X = np.vstack(
        [
            np.column_stack([np.cos(t_upper), np.sin(t_upper)]),
            np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)]),
        ]
    )
    y = np.repeat([0, 1], [upper_count, n_samples - upper_count])
    return X + rng.normal(0.0, noise, X.shape), y


# ----------------------------------------------------------------------
# Part 1: the demo workload
# ----------------------------------------------------------------------


def train(model, points, labels, add_up: Callable, steps: int) -> tuple[list[float], float]:
    """Run the demo's SGD loop; return the loss at every step and the seconds it took.

    `add_up` adds a list of Values: Python's sum for micrograd (binary + nodes),
    sum_values for ours (one node). The weight update is the same plain loop.
    """
    parameters = model.parameters()
    losses = []
    gc.collect()  # start each engine with no garbage left over from the other
    start = time.perf_counter()
    for k in range(steps):
        scores = [model(x) for x in points]
        margins = [(1 + -y * score).relu() for y, score in zip(labels, scores)]
        data_loss = add_up(margins) * (1.0 / len(margins))
        loss = data_loss + L2_WEIGHT * add_up([p * p for p in parameters])
        model.zero_grad()
        loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in parameters:
            p.data -= learning_rate * p.grad
        losses.append(loss.data)
    return losses, time.perf_counter() - start


def compare_on_demo(steps: int) -> list[str]:
    points, labels = two_moons()
    random.seed(SEED)
    ours = ScalarMLP(2, [16, 16, 1])
    our_start = [p.data for p in ours.parameters()]
    our_losses, our_seconds = train(ours, points, labels, sum_values, steps)
    rows = [_engine_row("learnpath Value", our_losses, our_seconds)]
    try:
        from micrograd.nn import MLP as MicrogradMLP
    except ImportError:
        rows.append("micrograd         not installed (pip install micrograd==0.1.0): no comparison")
        return rows
    random.seed(SEED)
    theirs = MicrogradMLP(2, [16, 16, 1])
    same_start = [p.data for p in theirs.parameters()] == our_start
    their_losses, their_seconds = train(theirs, points, labels, sum, steps)
    difference = max(abs(a - b) for a, b in zip(our_losses, their_losses))
    agree = _verdict(difference <= 1e-9)
    ratio = their_seconds / our_seconds
    rows += [
        _engine_row("micrograd 0.1.0", their_losses, their_seconds),
        f"same starting weights: {'yes' if same_start else 'NO'}",
        f"max |loss difference| over {steps} steps: {difference:.1e}   (goal <= 1e-9: {agree})",
        f"speed: {ratio:.1f}x faster than micrograd   (goal >= 20x: {_verdict(ratio >= 20)})",
    ]
    return rows


def _engine_row(name: str, losses: list[float], seconds: float) -> str:
    per_step = seconds / len(losses) * 1e3
    return f"{name:<16}  {seconds:8.2f} s  {per_step:8.1f} ms/step   final loss {losses[-1]:.6f}"


# ----------------------------------------------------------------------
# Part 2: backward() cost per node as the graph grows
# ----------------------------------------------------------------------


def relu_chain(value_type, length: int):
    """x, relu(x), relu(relu(x)), ...: `length` nodes, each made from the one before.

    relu is used because micrograd 0.1.0 has it (it has no tanh) and makes one node per call.
    """
    x = value_type(0.5)
    node = x
    for _ in range(length - 1):
        node = node.relu()
    return x, node


def seconds_per_node(value_type, length: int, repeats: int) -> float:
    """The median time of `repeats` backward() calls on a chain, divided by its length.

    backward() includes the topological sort, the clearing of the graph's
    gradients and the adding into the leaves, so this is the whole cost of
    one backward pass. The median,
    not the minimum, so that a busy machine's slow moments and lucky moments
    both count for as little as possible, for short chains and long alike.
    """
    _, end = relu_chain(value_type, length)
    gc.collect()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        end.backward()
        times.append(time.perf_counter() - start)
    return statistics.median(times) / length


def million_node_chain() -> list[str]:
    """backward() through 1,000,000 negations: far past Python's recursion limit (moved here from the tests)."""
    x = Value(1.0)
    v = x
    for _ in range(999_999):
        v = -v
    order = v.topological_order()
    assert len(order) == 1_000_000 and order[0] is x and order[-1] is v
    del order
    v.backward()
    assert v.data == -1.0 and x.grad == -1.0  # an odd number of negations: v = -x, dv/dx = -1
    return ["", "3. backward() through a chain of 1,000,000 negations: dv/dx = -1, as it should be"]


def scaling_table() -> list[str]:
    try:
        from micrograd.engine import Value as MicrogradValue
    except ImportError:
        MicrogradValue = None
    rows = [f"{'nodes':>10}  {'learnpath ns/node':>18}  {'micrograd ns/node':>18}"]
    ours = []
    micrograd_failed = False
    for length in CHAIN_LENGTHS:
        # Short chains are timed more often, so every row rests on a similar amount of work.
        ours.append(seconds_per_node(Value, length, repeats=max(5, 200_000 // length)))
        if MicrogradValue is None:
            theirs = "not installed"
        elif micrograd_failed:
            theirs = "RecursionError"  # it failed on a shorter chain; a longer one cannot do better
        else:
            try:
                theirs = f"{seconds_per_node(MicrogradValue, length, repeats=1) * 1e9:.0f}"
            except RecursionError:  # its topological sort recurses once per node
                theirs = "RecursionError"
                micrograd_failed = True
        rows.append(f"{length:>10,}  {ours[-1] * 1e9:>18.0f}  {theirs:>18}")
    flatness = max(ours) / min(ours)
    rows.append(f"largest / smallest ns/node (learnpath): {flatness:.2f}   (flat means close to 1)")
    return rows


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="SGD steps of the demo workload (default 100)")
    parser.add_argument("--save", action="store_true", help="also write the output to value_results.txt")
    args = parser.parse_args()

    lines = [
        f"bench_value.py  Python {platform.python_version()}  {platform.machine()}  {platform.system()}",
        "",
        "1. micrograd's demo: two moons (100 points, noise 0.1), MLP(2, [16, 16, 1]),",
        f"   hinge loss + 1e-4 L2, {args.steps} full-batch SGD steps",
    ]
    print("\n".join(lines), flush=True)
    parts = (
        lambda: compare_on_demo(args.steps),
        lambda: ["", "2. backward() on a chain of relu nodes: median time per node"],
        scaling_table,
        million_node_chain,
    )
    for part in parts:  # printed as each part finishes, so a long run shows progress
        block = part()
        print("\n".join(block), flush=True)
        lines.extend(block)
    if args.save:
        out = Path(__file__).with_name("value_results.txt")
        out.write_text("\n".join(lines) + "\n")
        print(f"\nwritten to {out}")


if __name__ == "__main__":
    sys.exit(main())
