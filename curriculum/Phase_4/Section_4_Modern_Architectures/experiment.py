"""Section 4.4 lab: a GPT trained from scratch on the names, and its parameters counted by hand.

Four steps, each one a claim from the overview put to the test:
1. the model: GPT with 1 block, 4 heads, width 64, and its 54,592 parameters counted
   part by part, then checked against the model's own count;
2. the same formula at GPT-2's sizes: 124,439,808 parameters;
3. training on the names (the same train/dev split as 4.1 and 4.2) and the dev loss;
4. names sampled from it.

With --mine (`learnpath run 4.4 --mine`), steps 3 and 4 run on your exercise.py:
your GPT, your loss, your training step and your generate. With the reference
solution in place, every figure comes out the same as the library's.

`learnpath run 4.4 -- --long` trains a larger GPT (2 blocks) for several
minutes instead, showing the step, the loss and the time left as it goes.

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

from learnpath import lab  # noqa: E402
from learnpath.nn import GPT, AdamW, CharVocab, clip_grad_norm_, no_grad  # noqa: E402
from learnpath.nn import functional as F  # noqa: E402
from learnpath.nn.data import load_names, train_dev_test_split  # noqa: E402
from learnpath.nn.optim import Cosine  # noqa: E402
from learnpath.nn.plot import loss_curve  # noqa: E402
from learnpath.nn.sampling import generate as sample_tokens  # noqa: E402
from learnpath.nn.text import IGNORE_INDEX, padded_sequences  # noqa: E402

SPLIT_SEED = 42  # the same dev names as 4.1 and 4.2
SEED = 0
PAD = -1  # fills a row after its name has ended (as in the exercise)
MAX_NORM = 1.0  # gradients are clipped to this global norm at every step


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
# The data: one name per row.
# --------------------------------------------------------------------------


def name_rows(words: list[str], vocab: CharVocab) -> np.ndarray:
    """Each name as one row: the end token, the name, the end token, then PAD (".emma." -> 0 5 13 13 1 0 -1 ...).

    Built from the library's padded_sequences: X = end + name and Y = name +
    end, so the row is X's first column followed by Y, with PAD where Y is
    padding.
    """
    X, Y = padded_sequences(words, vocab)
    return np.concatenate([X[:, :1], np.where(Y == IGNORE_INDEX, PAD, Y)], axis=1)


def cut_padding(rows: np.ndarray) -> np.ndarray:
    """The batch without its trailing all-PAD columns: no time spent on positions nobody is scored on."""
    real = (rows != PAD).any(axis=0)
    return rows[:, : int(np.flatnonzero(real)[-1]) + 1]


def the_names() -> tuple[CharVocab, np.ndarray, np.ndarray]:
    names = load_names()
    train, dev, _ = train_dev_test_split(names, seed=SPLIT_SEED)
    vocab = CharVocab.from_words(names)
    return vocab, name_rows(train, vocab), name_rows(dev, vocab)


# --------------------------------------------------------------------------
# The library's way of training and sampling. With --mine, the same four
# parts come from your exercise.py instead.
# --------------------------------------------------------------------------


def next_token_loss(model, rows: np.ndarray, end_id: int = 0) -> object:
    """Mean cross-entropy of each next token; a position whose next token is PAD is not scored."""
    inputs = np.where(rows[:, :-1] == PAD, end_id, rows[:, :-1])  # the model never sees PAD
    targets = np.where(rows[:, 1:] == PAD, IGNORE_INDEX, rows[:, 1:])
    return F.cross_entropy(model(inputs), targets, ignore_index=IGNORE_INDEX)


def train_step(model, optimizer, rows: np.ndarray, max_norm: float = MAX_NORM) -> float:
    optimizer.zero_grad()  # gradients add up across backward() calls
    loss = next_token_loss(model, rows)
    loss.backward()
    clip_grad_norm_(model.parameters(), max_norm)  # one unlucky batch cannot take a huge step
    optimizer.step()
    return loss.item()


def generate(model, ids, max_new_tokens, temperature=1.0, top_k=None, *, rng, stop_token=None):
    return sample_tokens(model, ids, max_new_tokens, model.block_size, temperature, top_k, rng=rng,
                         stop_token=stop_token)


def the_parts():
    """The library's four parts, or, with --mine, the same four from your exercise.py."""
    return lab.mine(__file__, GPT=GPT, next_token_loss=next_token_loss, train_step=train_step, generate=generate)


def dev_loss(parts, model, rows: np.ndarray) -> float:
    """Mean loss per predicted character over every dev name (the same measure as 4.1 and 4.2)."""
    with no_grad():
        return parts.next_token_loss(model, rows).item()


def train(run: Run, report_every: int = 0, seed: int = SEED) -> dict:
    parts = the_parts()
    vocab, rows, dev_rows = the_names()
    rng = np.random.default_rng(seed)
    model = parts.GPT(vocab_size=len(vocab), block_size=rows.shape[1] - 1, n_layer=run.n_layer,
                      n_head=run.n_head, n_embd=run.n_embd, dtype=np.float32, rng=rng)
    optimizer = AdamW(model.parameters(), lr=Cosine(run.learning_rate, run.steps, 0.1 * run.learning_rate),
                      weight_decay=0.01)
    losses, dev_curve = [], []
    start = time.perf_counter()
    with lab.progress(run.steps, "training") as bar:
        for step in range(run.steps):
            batch = cut_padding(rows[rng.integers(0, len(rows), run.batch)])
            losses.append(parts.train_step(model, optimizer, batch, MAX_NORM))
            bar.update(step + 1, loss=losses[-1])
            if report_every and (step + 1) % report_every == 0:
                dev_curve.append((step + 1, dev_loss(parts, model, dev_rows)))
                elapsed = time.perf_counter() - start
                left = elapsed / (step + 1) * (run.steps - step - 1)
                print(f"  step {step + 1:5,}/{run.steps:,}  train {np.mean(losses[-report_every:]):.4f}"
                      f"  dev {dev_curve[-1][1]:.4f}  {elapsed / 60:4.1f} min, about {left / 60:.1f} min left",
                      flush=True)  # a line of figures, kept as it is
    seconds = time.perf_counter() - start
    start_ids = np.zeros((10, 1), dtype=np.int64)  # '.': a name starts here
    sampled = parts.generate(model, start_ids, rows.shape[1] - 2, rng=np.random.default_rng(7),
                             stop_token=vocab.end_id)
    return {
        "model": model,
        "losses": losses,
        "dev_curve": dev_curve,
        "dev_loss": dev_loss(parts, model, dev_rows),
        "seconds": seconds,
        "parameters": model.num_parameters(),
        "block_size": rows.shape[1] - 1,
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
    parts = the_parts()
    figures: dict = {"run": run, "mine": parts.mine}

    # Step 1: every parameter, by hand, before the model exists; step 3 asks the model to agree.
    lab.step(f"The model: GPT, {run.n_layer} block(s), {run.n_head} heads, width {run.n_embd}")
    parts_count = parameters_by_part(vocab=27, block_size=16, n_layer=run.n_layer, n_embd=run.n_embd)
    by_hand = sum(parts_count.values())
    table = [f"  {name:42} {count:9,}" for name, count in parts_count.items()]
    lab.say("\n".join(["On 27 tokens and 16 positions. Its parameters, part by part:", *table,
                       f"  {'total, by hand':42} {by_hand:9,}"]))
    figures["by_hand"] = by_hand

    # Step 2: the same formula, at the size of a real model.
    lab.step("The same formula at GPT-2 small's sizes")
    figures["gpt2_small"] = gpt2_small_parameters()
    lab.say(f"12 blocks, width 768, 1,024 positions, 50,257 tokens, the head tied to the token embedding: "
            f"{figures['gpt2_small']:,} parameters.")

    # Step 3: train, and score on names the model never trained on.
    whose = "your GPT, your loss and your training step" if parts.mine else "the library's GPT"
    label = "several minutes" if run is LONG else "a few seconds"
    lab.step(f"Train on the names ({label})")
    lab.say(f"Training {whose}: AdamW, {run.steps:,} steps of {run.batch} names, gradients clipped to a "
            f"global norm of {MAX_NORM:g}.")
    result = train(run, report_every=500 if run is LONG else 0)
    figures.update({k: v for k, v in result.items() if k != "model"})
    same = "the same as" if result["parameters"] == by_hand else "DIFFERENT from"
    lab.say(f"The model counts its own parameters: {result['parameters']:,}, {same} the count by hand.")
    print(loss_curve(result["losses"], title=f"training loss (minibatches of {run.batch} names)", height=10))
    lab.say(f"Dev loss {result['dev_loss']:.4f} nats per character (on the same dev names: the counted bigram "
            "2.4515, the character MLP 2.1168, a uniform guess 3.2958).")

    # Step 4: the model writes names, one character at a time, until it writes the end token.
    lab.step("New names, sampled one character at a time (temperature 1)")
    lab.say(words_within(" ", result["samples"]))
    return figures


if __name__ == "__main__":
    main()
