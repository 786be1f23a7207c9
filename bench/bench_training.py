"""The training figures the curriculum claims, each with the time it took on this machine.

    digits   an MLP 64-128-10 on the 8x8 digits: test accuracy
    names    a character MLP (4 characters of context) on the names: dev loss
    gpt      a 1-layer, 4-head, width-64 GPT on the names: dev loss (the default run)
    gpt-long the same GPT with 2 layers and more steps: dev loss (a few minutes)
    sort     a 1-layer GPT that writes 6 digits in sorted order: exact-match accuracy on held-out sequences

Every run is seeded and has a fixed number of steps, so the figures repeat
exactly on any machine; only the times depend on the machine (and on what
else it is doing: the load average is printed beside them). All runs use
float32 models; the names use the 80/10/10 split of
learnpath.nn.data.train_dev_test_split (seed 0), and dev loss is the mean
cross-entropy per predicted character over the whole dev set.

Run:  python bench/bench_training.py                 (all but gpt-long)
      python bench/bench_training.py gpt gpt-long    (just those)
      python bench/bench_training.py --save          (also writes bench/training_results.txt)
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # the curriculum's experiments run single-threaded too
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from learnpath.nn import GPT, AdamW, CharVocab, Embedding, Linear, Module, Tanh, cross_entropy, no_grad  # noqa: E402
from learnpath.nn.data import load_digits, load_names, train_dev_test_split, train_test_split  # noqa: E402
from learnpath.nn.layers import MLP  # noqa: E402
from learnpath.nn.metrics import accuracy  # noqa: E402
from learnpath.nn.optim import Cosine, Warmup  # noqa: E402
from learnpath.nn.text import context_windows, drop_padding_columns, padded_sequences  # noqa: E402

F32 = np.float32


def schedule(lr: float, steps: int, warmup: int = 50):
    """Linear warm-up, then a cosine down to lr/10: the schedule every run here uses."""
    return Warmup(warmup, Cosine(lr, steps - warmup, lr / 10))


def decay_groups(model: Module, weight_decay: float) -> list[dict]:
    """Weight decay on matrices only; biases, layer norms and 1-D tables keep theirs at 0 (as minGPT does)."""
    params = model.parameters()
    return [
        {"params": [p for p in params if p.ndim == 2], "weight_decay": weight_decay},
        {"params": [p for p in params if p.ndim != 2], "weight_decay": 0.0},
    ]


def names_split():
    train, dev, _ = train_dev_test_split(load_names())
    return train, dev, CharVocab.from_words(train)


def digits() -> str:
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split((X / 16.0).astype(F32), y, test_fraction=0.2, seed=0)
    model = MLP(64, [128, 10], dtype=F32, rng=np.random.default_rng(0))
    steps, batch = 600, 64
    opt = AdamW(model.parameters(), lr=schedule(3e-3, steps), weight_decay=0.01)
    rng = np.random.default_rng(1)
    for _ in range(steps):
        ix = rng.integers(0, len(X_train), batch)
        loss = cross_entropy(model(X_train[ix]), y_train[ix])
        opt.zero_grad()
        loss.backward()
        opt.step()
    with no_grad():
        acc = accuracy(model(X_test), y_test)
    return f"digits MLP 64-128-10, {steps} AdamW steps of {batch}: test accuracy {acc:.2%} ({len(y_test)} test digits)"


class CharMLP(Module):
    """Bengio et al.'s character model: embed each of the last block_size characters, concatenate, one tanh layer."""

    def __init__(self, vocab_size: int, block_size: int, n_embd: int, hidden: int, rng) -> None:
        super().__init__()
        self.embedding = Embedding(vocab_size, n_embd, dtype=F32, rng=rng)
        self.hidden = Linear(block_size * n_embd, hidden, dtype=F32, rng=rng)
        self.act = Tanh()
        self.out = Linear(hidden, vocab_size, dtype=F32, rng=rng)

    def forward(self, ids):
        e = self.embedding(ids)
        return self.out(self.act(self.hidden(e.reshape(e.shape[0], -1))))


def names_mlp() -> str:
    train, dev, vocab = names_split()
    block = 4
    X, Y = context_windows(train, vocab, block)
    Xd, Yd = context_windows(dev, vocab, block)
    model = CharMLP(len(vocab), block, 16, 256, np.random.default_rng(0))
    steps, batch = 3000, 128
    opt = AdamW(decay_groups(model, 0.01), lr=schedule(1e-2, steps))
    rng = np.random.default_rng(1)
    for _ in range(steps):
        ix = rng.integers(0, len(X), batch)
        loss = cross_entropy(model(X[ix]), Y[ix])
        opt.zero_grad()
        loss.backward()
        opt.step()
    with no_grad():
        dev_loss = cross_entropy(model(Xd), Yd).item()
    return f"names MLP (4 characters of context, embed 16, hidden 256), {steps} steps of {batch}: dev loss {dev_loss:.4f}"


def names_gpt(n_layer: int, steps: int, batch: int, lr: float) -> str:
    train, dev, vocab = names_split()
    X, Y = padded_sequences(train, vocab)
    Xd, Yd = padded_sequences(dev, vocab)
    model = GPT(len(vocab), X.shape[1], n_layer=n_layer, n_head=4, n_embd=64, dtype=F32, rng=np.random.default_rng(0))
    opt = AdamW(decay_groups(model, 0.1), lr=schedule(lr, steps))
    rng = np.random.default_rng(1)
    for _ in range(steps):
        ix = rng.integers(0, len(X), batch)
        xb, yb = drop_padding_columns(X[ix], Y[ix])
        loss = cross_entropy(model(xb), yb, ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with no_grad():
        dev_loss = cross_entropy(model(Xd), Yd, ignore_index=-100).item()
    return (
        f"names GPT {n_layer} layer(s), 4 heads, width 64, {steps} steps of {batch}, lr {lr:g}: dev loss {dev_loss:.4f}"
    )


def sort_digits(n_layer: int = 2, steps: int = 1500, lr: float = 3e-3) -> str:
    """minGPT's sorting demo, our own sizes: read 6 digits, then write them sorted, one token at a time."""
    length, vocab = 6, 10
    rng = np.random.default_rng(0)
    train = rng.integers(0, vocab, (20000, length))
    held_out = rng.integers(0, vocab, (1000, length))
    seen = {tuple(row) for row in train}
    held_out = np.array([row for row in held_out if tuple(row) not in seen])  # never trained on
    sequences = np.hstack([train, np.sort(train, axis=1)])
    X, Y = sequences[:, :-1], sequences[:, 1:].copy()
    Y[:, : length - 1] = -100  # no loss for predicting the input digits: only the sorted answer counts
    model = GPT(vocab, 2 * length - 1, n_layer=n_layer, n_head=4, n_embd=64, dtype=F32, rng=np.random.default_rng(1))
    batch = 64
    opt = AdamW(decay_groups(model, 0.1), lr=schedule(lr, steps))
    for _ in range(steps):
        ix = rng.integers(0, len(X), batch)
        loss = cross_entropy(model(X[ix]), Y[ix], ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
    written = model.generate(held_out, length, top_k=1)[:, length:]  # top_k=1: always the most likely digit
    exact = float((written == np.sort(held_out, axis=1)).all(axis=1).mean())
    return f"sorting 6 digits, GPT {n_layer} layer(s) width 64, {steps} steps of {batch}, lr {lr:g}: {exact:.2%} of {len(held_out)} held-out sequences exactly right"


RUNS = {
    "digits": digits,
    "names": names_mlp,
    "gpt": lambda: names_gpt(1, 1200, 48, 5e-3),
    "gpt-long": lambda: names_gpt(2, 8000, 64, 3e-3),
    "sort": lambda: sort_digits(1, 600, 5e-3),
}


def main() -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="*", metavar="run", help=f"any of {', '.join(RUNS)} (default: all but gpt-long)")
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args()
    unknown = [name for name in args.runs if name not in RUNS]
    if unknown:
        parser.error(f"unknown run {unknown[0]!r}; choose from {', '.join(RUNS)}")
    args.runs = args.runs or ["digits", "names", "gpt", "sort"]
    lines = [f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, 1 BLAS thread, float32"]
    for name in args.runs:
        start = time.perf_counter()
        figure = RUNS[name]()
        seconds = time.perf_counter() - start
        load = os.getloadavg()[0]
        lines.append(f"{figure}  [{seconds:.1f} s, load average {load:.1f}]")
        print(lines[-1], flush=True)
    report = "\n".join(lines)
    if args.save:
        (ROOT / "bench" / "training_results.txt").write_text(report + "\n")
    return report


if __name__ == "__main__":
    main()
