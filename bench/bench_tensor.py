"""Benchmark: micrograd's demo workload on the Tensor engine, side by side with micrograd 0.1.0.

The workload is the one in micrograd's demo notebook: two moons (100 points,
noise 0.1), an MLP 2-16-16-1 (ReLU hidden layers, linear output), the hinge
loss mean(relu(1 - y * score)) plus 1e-4 * the sum of squares of every
parameter, and 100 full-batch SGD steps with learning rate 1.0 - 0.9 * k / 100.

Both engines start from the same weights: random.seed(1337), then micrograd's
MLP draws them, and they are copied into Tensors (one weight matrix and one
bias vector per layer). Every engine is timed in this one run, and the table
shows how many times faster than micrograd each one is and the largest
difference between its loss and micrograd's at any of the 100 steps.
PyTorch (CPU, float64) is run too when it is installed; otherwise it is skipped.

Run:  python bench/bench_tensor.py            (writes nothing)
      python bench/bench_tensor.py --save     (also writes bench/tensor_results.txt)
"""

from __future__ import annotations

import argparse
import platform
import random
import time
from pathlib import Path

import numpy as np

STEPS = 100
L2_WEIGHT = 1e-4
SIZES = [2, 16, 16, 1]


def two_moons(n: int = 100, noise: float = 0.1, seed: int = 1337) -> tuple[np.ndarray, np.ndarray, str]:
    """The data set and where it came from: learnpath.nn.data when it exists, else a local copy of the recipe."""
    try:
        from learnpath.nn.data import make_moons

        return (*make_moons(n_samples=n, noise=noise, seed=seed), "learnpath.nn.data.make_moons")
    except ImportError:
        rng = np.random.default_rng(seed)
        outer = n // 2
        inner = n - outer
        t_outer = np.linspace(0, np.pi, outer)
        t_inner = np.linspace(0, np.pi, inner)
        X = np.concatenate(
            [
                np.stack([np.cos(t_outer), np.sin(t_outer)], axis=1),
                np.stack([1 - np.cos(t_inner), 0.5 - np.sin(t_inner)], axis=1),
            ]
        )
        X += rng.normal(scale=noise, size=X.shape)
        y = np.concatenate([np.zeros(outer, dtype=np.int64), np.ones(inner, dtype=np.int64)])
        return X, y, "the bench's own two-moons recipe"


def micrograd_model():
    """micrograd's MLP after random.seed(1337): the starting weights every engine copies."""
    from micrograd.nn import MLP

    random.seed(1337)
    return MLP(SIZES[0], SIZES[1:])


def layer_arrays(model) -> list[tuple[np.ndarray, np.ndarray]]:
    """(W, b) per layer, W of shape (inputs, outputs): column j holds neuron j's weights."""
    arrays = []
    for layer in model.layers:
        W = np.array([[w.data for w in neuron.w] for neuron in layer.neurons]).T
        b = np.array([neuron.b.data for neuron in layer.neurons], dtype=np.float64)
        arrays.append((W, b))
    return arrays


def run_micrograd(X: np.ndarray, y: np.ndarray) -> tuple[float, list[float]]:
    """micrograd 0.1.0, written as its demo notebook writes the loop."""
    from micrograd.engine import Value

    model = micrograd_model()
    losses = []
    start = time.perf_counter()
    for k in range(STEPS):
        inputs = [list(map(Value, row)) for row in X.tolist()]
        scores = list(map(model, inputs))
        data_losses = [(1 + -yi * si).relu() for yi, si in zip(y.tolist(), scores)]
        data_loss = sum(data_losses) * (1.0 / len(data_losses))
        reg_loss = L2_WEIGHT * sum(p * p for p in model.parameters())
        total = data_loss + reg_loss
        model.zero_grad()
        total.backward()
        lr = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= lr * p.grad
        losses.append(total.data)
    return time.perf_counter() - start, losses


def run_tensor(X: np.ndarray, y: np.ndarray, fused_l2: bool) -> tuple[float, list[float]]:
    """The Tensor engine with learnpath's losses and SGD: what a learner would write."""
    from learnpath.nn.losses import hinge, l2_penalty
    from learnpath.nn.optim import SGD, LinearDecay
    from learnpath.nn.tensor import Tensor

    layers = [(Tensor(W.copy()), Tensor(b.copy())) for W, b in layer_arrays(micrograd_model())]
    params = [t for pair in layers for t in pair]
    inputs = Tensor(X, requires_grad=False)
    optimizer = SGD(params, lr=LinearDecay(1.0, 0.1, STEPS))
    losses = []
    start = time.perf_counter()
    for _ in range(STEPS):
        h = inputs
        for i, (W, b) in enumerate(layers):
            h = h @ W + b
            if i < len(layers) - 1:
                h = h.relu()
        scores = h.reshape(-1)
        if fused_l2:
            reg = l2_penalty(params, L2_WEIGHT)
        else:
            reg = L2_WEIGHT * sum((p * p).sum() for p in params)
        loss = hinge(scores, y) + reg
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return time.perf_counter() - start, losses


def run_torch(X: np.ndarray, y: np.ndarray) -> tuple[float, list[float]]:
    """PyTorch on the CPU in float64 with the same weights and the same loop."""
    import torch

    torch.set_num_threads(1)  # as NumPy effectively is on these small arrays
    layers = [
        (torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True)) for W, b in layer_arrays(micrograd_model())
    ]
    params = [t for pair in layers for t in pair]
    inputs = torch.tensor(X)
    targets = torch.tensor(y, dtype=torch.float64)
    optimizer = torch.optim.SGD(params, lr=1.0)
    losses = []
    start = time.perf_counter()
    for k in range(STEPS):
        for group in optimizer.param_groups:
            group["lr"] = 1.0 - 0.9 * k / 100
        h = inputs
        for i, (W, b) in enumerate(layers):
            h = h @ W + b
            if i < len(layers) - 1:
                h = h.relu()
        scores = h.reshape(-1)
        loss = (1 - targets * scores).relu().mean() + L2_WEIGHT * sum((p * p).sum() for p in params)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return time.perf_counter() - start, losses


def best_of(runs: int, fn, *args) -> tuple[float, list[float]]:
    """The fastest of several runs (the others were slowed by something else on the machine)."""
    results = [fn(*args) for _ in range(runs)]
    return min(results, key=lambda r: r[0])


def main() -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", action="store_true", help="also write bench/tensor_results.txt")
    parser.add_argument("--tensor-runs", type=int, default=20, help="Tensor runs to take the fastest of")
    args = parser.parse_args()

    X, labels, source = two_moons()
    y = labels * 2.0 - 1.0  # classes 0/1 -> -1/+1 for the hinge loss

    # The machine's load can change during micrograd's minutes, so the fast engines
    # run half their repeats before micrograd and half after; the fastest run counts.
    variants = (("Tensor (l2_penalty fused)", True), ("Tensor (l2 as p*p sums)", False))
    half = max(1, args.tensor_runs // 2)
    before = [best_of(half, run_tensor, X, y, fused) for _, fused in variants]
    torch_before = best_of(half, run_torch, X, y) if _has_torch() else None
    micro_seconds, micro_losses = run_micrograd(X, y)
    rows = [("micrograd 0.1.0", micro_seconds, micro_losses)]
    for (name, fused), first in zip(variants, before):
        seconds, losses = min(first, best_of(half, run_tensor, X, y, fused), key=lambda r: r[0])
        rows.append((name, seconds, losses))
    torch_result = None
    if torch_before is not None:
        torch_result = min(torch_before, best_of(half, run_torch, X, y), key=lambda r: r[0])
    if torch_result is not None:
        rows.append(("PyTorch CPU float64", *torch_result))

    lines = [
        f"micrograd demo workload: two moons n=100 noise=0.1, MLP 2-16-16-1, hinge + 1e-4 L2, {STEPS} SGD steps",
        f"data: {source} (seed 1337); starting weights: random.seed(1337), micrograd's MLP draws, copied",
        f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}; "
        f"Tensor and PyTorch timings are the fastest of {2 * half} runs (half before micrograd, half after)",
        "",
        f"{'engine':<27} {'100 steps':>11} {'per step':>11} {'x micrograd':>12} {'max |loss diff|':>16} {'final loss':>11}",
    ]
    for name, seconds, losses in rows:
        diff = max(abs(a - b) for a, b in zip(losses, micro_losses))
        lines.append(
            f"{name:<27} {_seconds(seconds):>11} {_seconds(seconds / STEPS):>11} "
            f"{micro_seconds / seconds:>11.0f}x {diff:>16.2e} {losses[-1]:>11.6f}"
        )
    if torch_result is None:
        lines.append("PyTorch: not installed here, skipped (the comparison runs where `import torch` works)")
    else:
        torch_seconds = torch_result[0]
        tensor_seconds = rows[1][1]
        lines.append(f"Tensor vs PyTorch: {torch_seconds / tensor_seconds:.2f}x (above 1 means Tensor is faster)")
    text = "\n".join(lines)
    print(text)
    if args.save:
        Path(__file__).with_name("tensor_results.txt").write_text(text + "\n")
    return text


def _has_torch() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def _seconds(s: float) -> str:
    return f"{s:.3f} s" if s >= 1 else f"{s * 1000:.2f} ms"


if __name__ == "__main__":
    main()
