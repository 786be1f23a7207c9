"""Section 4.4 lab: a GPT trained from scratch on the names, and its parameters counted by hand.

Four steps, each one a claim from the overview put to the test:
1. the model: GPT with 1 block, 4 heads, width 64, and its 54,592 parameters counted
   part by part, then checked against the model's own count;
2. the same formula at GPT-2's sizes: 124,439,808 parameters;
3. training on the names (the same train/dev split as 4.1 and 4.2) and the dev loss;
4. names sampled from it.

`python experiment.py --long` trains a larger GPT (2 blocks) for several minutes
instead, printing its progress as it goes.

The GPT is the library's (learnpath/nn/gpt.py), laid out like Andrej Karpathy's
minGPT and nanoGPT; the names are makemore's collection.

Run it from this folder: python experiment.py   (or: python experiment.py --long)
"""

from __future__ import annotations

import os

# These matrices are small: one BLAS thread is fastest for them, and on a busy
# machine extra threads wait on each other and can cost 10 to 50 times the time.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import sys  # noqa: E402 (after the thread setting, which must come before NumPy loads)
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import numpy as np  # noqa: E402

from learnpath.nn import GPT, AdamW, CharVocab, no_grad  # noqa: E402
from learnpath.nn import functional as F  # noqa: E402
from learnpath.nn.data import load_names, train_dev_test_split  # noqa: E402
from learnpath.nn.optim import Cosine  # noqa: E402
from learnpath.nn.plot import loss_curve  # noqa: E402
from learnpath.nn.text import IGNORE_INDEX, drop_padding_columns, padded_sequences  # noqa: E402

SPLIT_SEED = 42  # the same dev names as 4.1 and 4.2
SEED = 0


@dataclass(frozen=True)
class Run:
    """How big a GPT, and how long to train it."""

    n_layer: int
    n_head: int
    n_embd: int
    steps: int
    batch: int
    learning_rate: float


DEFAULT = Run(n_layer=1, n_head=4, n_embd=64, steps=1000, batch=32, learning_rate=3e-3)
LONG = Run(n_layer=2, n_head=4, n_embd=64, steps=8000, batch=64, learning_rate=2e-3)


# --------------------------------------------------------------------------
# Counting parameters by hand.
# --------------------------------------------------------------------------


def parameters_by_part(vocab: int, block_size: int, n_layer: int, n_embd: int, tied: bool = False) -> dict[str, int]:
    """Every parameter of the library's GPT, part by part (biases included, the head has none)."""
    E = n_embd
    block = {
        "layer norm 1 (scale, shift)": 2 * E,
        "attention: q, k, v (E -> 3E)": E * 3 * E + 3 * E,
        "attention: output (E -> E)": E * E + E,
        "layer norm 2 (scale, shift)": 2 * E,
        "MLP: up (E -> 4E)": E * 4 * E + 4 * E,
        "MLP: down (4E -> E)": 4 * E * E + E,
    }
    parts = {
        "token embedding (vocab x E)": vocab * E,
        "position embedding (block x E)": block_size * E,
        **{f"block: {name}": n_layer * count for name, count in block.items()},
        "final layer norm": 2 * E,
        "head (E -> vocab, no bias)": 0 if tied else E * vocab,
    }
    return parts


def gpt2_small_parameters() -> int:
    """GPT-2 small: 12 blocks, width 768, 1,024 positions, 50,257 tokens, head tied to the token embedding."""
    return sum(parameters_by_part(vocab=50257, block_size=1024, n_layer=12, n_embd=768, tied=True).values())


# --------------------------------------------------------------------------
# Training.
# --------------------------------------------------------------------------


def the_names() -> tuple[CharVocab, tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Each name as one row: input '.emma', target 'emma.', padded; padded targets are ignored by the loss."""
    names = load_names()
    train, dev, _ = train_dev_test_split(names, seed=SPLIT_SEED)
    vocab = CharVocab.from_words(names)
    return vocab, padded_sequences(train, vocab), padded_sequences(dev, vocab)


def dev_loss(model: GPT, X: np.ndarray, Y: np.ndarray) -> float:
    """Mean loss per predicted character over every dev name (the same measure as 4.1 and 4.2)."""
    with no_grad():
        return F.cross_entropy(model(X), Y, ignore_index=IGNORE_INDEX).item()


def train(run: Run, progress_every: int = 0) -> dict:
    vocab, (X, Y), (X_dev, Y_dev) = the_names()
    rng = np.random.default_rng(SEED)
    model = GPT(vocab_size=len(vocab), block_size=X.shape[1], n_layer=run.n_layer, n_head=run.n_head,
                n_embd=run.n_embd, dtype=np.float32, rng=rng)
    optimizer = AdamW(model.parameters(), lr=Cosine(run.learning_rate, run.steps, 0.1 * run.learning_rate),
                      weight_decay=0.01)
    losses, dev_curve = [], []
    start = time.perf_counter()
    for step in range(run.steps):
        rows = rng.integers(0, len(X), run.batch)
        inputs, targets = drop_padding_columns(X[rows], Y[rows])  # no time spent on all-padding columns
        loss = F.cross_entropy(model(inputs), targets, ignore_index=IGNORE_INDEX)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if progress_every and (step + 1) % progress_every == 0:
            elapsed = time.perf_counter() - start
            left = elapsed / (step + 1) * (run.steps - step - 1)
            dev_curve.append((step + 1, dev_loss(model, X_dev, Y_dev)))
            print(f"  step {step + 1:5,}/{run.steps:,}  train {np.mean(losses[-progress_every:]):.4f}"
                  f"  dev {dev_curve[-1][1]:.4f}  {elapsed / 60:4.1f} min, about {left / 60:.1f} min left",
                  flush=True)
    seconds = time.perf_counter() - start
    start_ids = np.zeros((10, 1), dtype=np.int64)  # '.': a name starts here
    sampled = model.generate(start_ids, X.shape[1] - 1, rng=np.random.default_rng(7), stop_token=vocab.end_id)
    return {
        "model": model,
        "losses": losses,
        "dev_curve": dev_curve,
        "dev_loss": dev_loss(model, X_dev, Y_dev),
        "seconds": seconds,
        "parameters": model.num_parameters(),
        "block_size": X.shape[1],
        "vocab_size": len(vocab),
        "samples": vocab.words(sampled[:, 1:]),
    }


def words_within(prefix: str, words: list[str], width: int = 80) -> str:
    """As many of the words as fit on one line of `width` characters after the prefix."""
    line = prefix
    for word in words:
        if len(line) + 1 + len(word) > width:
            break
        line += " " + word
    return line


# --------------------------------------------------------------------------
# The lab.
# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    run = LONG if "--long" in argv else DEFAULT
    figures: dict = {"run": run}

    print(f"Step 1. The model: GPT, {run.n_layer} block(s), {run.n_head} heads, width {run.n_embd},")
    print("  on 27 tokens and 16 positions. Its parameters, part by part:")
    parts = parameters_by_part(vocab=27, block_size=16, n_layer=run.n_layer, n_embd=run.n_embd)
    for name, count in parts.items():
        print(f"  {name:42} {count:9,}")
    by_hand = sum(parts.values())
    figures["by_hand"] = by_hand
    print(f"  {'total, by hand':42} {by_hand:9,}")

    print("\nStep 2. The same formula at GPT-2 small's sizes (12 blocks, width 768,")
    print("  1,024 positions, 50,257 tokens, head tied to the token embedding):")
    figures["gpt2_small"] = gpt2_small_parameters()
    print(f"  {figures['gpt2_small']:,} parameters")

    label = "--long: several minutes" if run is LONG else "about 10 seconds"
    print(f"\nStep 3. Train on the names ({label}):")
    print(f"  AdamW, {run.steps:,} steps of {run.batch} names.")
    result = train(run, progress_every=500 if run is LONG else 0)
    figures.update({k: v for k, v in result.items() if k != "model"})
    print(f"  the model counts its own parameters: {result['parameters']:,}"
          f" ({'the same' if result['parameters'] == by_hand else 'DIFFERENT'} as by hand)")
    print(loss_curve(result["losses"], title=f"training loss (minibatches of {run.batch} names)", height=10))
    print(f"  dev loss {result['dev_loss']:.4f} nats per character")
    print("  (the same dev names: 4.1's MLP 2.1168, 4.2's bigram 2.4515, uniform 3.2958)")

    print("\nStep 4. New names, sampled one character at a time (temperature 1):")
    print(words_within(" ", result["samples"]))
    return figures


if __name__ == "__main__":
    main()
