"""Section 4.3 lab: attention learns two tasks that need it, and we watch where it looks.

Five steps, each one a claim from the overview put to the test:
1. the task: read 6 digits, then write them reversed (or sorted), one digit at a time;
2. a one-block transformer with 4 attention heads learns to reverse, and is
   scored on 1,000 sequences it never trained on;
3. where it looks: its attention weights drawn as a heatmap;
4. the same model learns to sort, scored the same way;
5. a gradient check through the attention layer.

With --mine (`learnpath run 4.3 --mine`), every attention layer runs your
exercise.py's multi_head_attention (your scores, mask, softmax, weighted sum
and heads) instead of the library's; with the reference solution in place,
every figure comes out the same as the library's.

The set-up (a GPT that reads a sequence and writes its sorted version) follows
the sort demo of Andrej Karpathy's minGPT.

Run it from this folder: python experiment.py
"""

from __future__ import annotations

import os

# These matrices are small: one BLAS thread is fastest for them, and on a busy
# machine extra threads wait on each other and can cost 10 to 50 times the time.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import functools  # noqa: E402 (after the thread setting, which must come before NumPy loads)

import numpy as np  # noqa: E402

from learnpath import lab  # noqa: E402

from learnpath.nn import GPT, AdamW, MultiHeadAttention, Tensor, gradcheck, no_grad  # noqa: E402
from learnpath.nn import functional as F  # noqa: E402
from learnpath.nn.optim import Cosine  # noqa: E402
from learnpath.nn.plot import heatmap  # noqa: E402

LENGTH = 6  # digits per sequence
DIGITS = 10
N_LAYER, N_HEAD, N_EMBD = 1, 4, 32
BATCH = 64
LEARNING_RATE = 3e-3
STEPS = {"reverse": 250, "sort": 600}
TEST_SEQUENCES = 1000
SEED = 0
IGNORE = -100  # targets the loss skips: the model is not asked to predict the input digits


def targets_for(task: str, digits: np.ndarray) -> np.ndarray:
    return digits[:, ::-1] if task == "reverse" else np.sort(digits, axis=1)


def as_number(digits: np.ndarray) -> np.ndarray:
    """Each row of 6 digits as one integer, so that sequences can be compared and remembered."""
    return digits @ (10 ** np.arange(LENGTH - 1, -1, -1))


def training_batch(task: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs and targets for next-token prediction on `digits + answer`; only the answer is scored."""
    digits = rng.integers(0, DIGITS, (BATCH, LENGTH))
    sequence = np.concatenate([digits, targets_for(task, digits)], axis=1)  # 12 tokens
    inputs, targets = sequence[:, :-1], sequence[:, 1:].copy()  # predict token t+1 from tokens 0..t
    targets[:, : LENGTH - 1] = IGNORE  # the first 5 targets are input digits: random, not learnable
    return inputs, targets, digits


def the_attention():
    """The library's attention layer's forward pass, or, with --mine, your exercise.py's (same arguments)."""
    return lab.mine(__file__, multi_head_attention=MultiHeadAttention.forward)


def with_attention(layer: MultiHeadAttention, parts) -> MultiHeadAttention:
    """The layer, computing its forward pass with parts.multi_head_attention (its weights stay its own)."""
    layer.forward = functools.partial(parts.multi_head_attention, layer)
    return layer


def train(task: str, steps: int, seed: int = SEED) -> tuple[GPT, list[float], set[int]]:
    parts = the_attention()
    rng = np.random.default_rng(seed)
    model = GPT(vocab_size=DIGITS, block_size=2 * LENGTH - 1, n_layer=N_LAYER, n_head=N_HEAD, n_embd=N_EMBD,
                dtype=np.float32, rng=rng)
    for block in model.blocks:
        with_attention(block.self_attn, parts)
    optimizer = AdamW(model.parameters(), lr=Cosine(LEARNING_RATE, steps, 0.1 * LEARNING_RATE), weight_decay=0.0)
    losses, seen = [], set()
    with lab.progress(steps, f"learning to {task}") as bar:
        for step in range(steps):
            inputs, targets, digits = training_batch(task, rng)
            seen.update(as_number(digits).tolist())
            optimizer.zero_grad()  # gradients add up across backward() calls
            loss = F.cross_entropy(model(inputs), targets, ignore_index=IGNORE)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            bar.update(step + 1, loss=losses[-1])
    return model, losses, seen


def unseen_sequences(seen: set[int], count: int = TEST_SEQUENCES, seed: int = 999) -> np.ndarray:
    """`count` random digit sequences, none of which appeared in training."""
    rng = np.random.default_rng(seed)
    rows = []
    while len(rows) < count:
        digits = rng.integers(0, DIGITS, LENGTH)
        if int(as_number(digits[np.newaxis])[0]) not in seen:
            rows.append(digits)
    return np.array(rows)


def answer(model: GPT, digits: np.ndarray) -> np.ndarray:
    """The model writes 6 digits after the input, each time taking its most likely next digit."""
    ids = digits.copy()
    with no_grad():
        for _ in range(LENGTH):
            next_digit = model(ids).data[:, -1].argmax(axis=-1)
            ids = np.concatenate([ids, next_digit[:, np.newaxis]], axis=1)
    return ids[:, LENGTH:]


def exact_share(model: GPT, task: str, digits: np.ndarray) -> float:
    """The share of sequences whose 6 answer digits are all right."""
    return float((answer(model, digits) == targets_for(task, digits)).all(axis=1).mean())


def attention_picture(model: GPT, digits: np.ndarray) -> tuple[np.ndarray, list[str], list[str]]:
    """Head-averaged attention of the 6 positions that write the answer, over the whole sequence."""
    written = answer(model, digits[np.newaxis])[0]
    sequence = np.concatenate([digits, written])[np.newaxis, :-1]  # the 11 tokens the model reads
    with no_grad():
        model(sequence)
    weights = model.blocks[0].self_attn.attention_weights[0].mean(axis=0)  # (11, 11), heads averaged
    writers = weights[LENGTH - 1 :]  # rows 5..10: row 5 + j writes answer digit j
    rows = [f"answer {j}" for j in range(LENGTH)]
    columns = [str(t) for t in sequence[0]]
    return writers, rows, columns


def attention_gradient_check() -> float:
    """The largest relative error between backward() and measured slopes, through the attention layer."""
    rng = np.random.default_rng(SEED)
    attention = with_attention(MultiHeadAttention(8, 2, causal=True, rng=rng), the_attention())  # float64
    x = Tensor(rng.standard_normal((2, 5, 8)))
    inputs = [x, attention.in_proj.weight, attention.out_proj.weight]
    return gradcheck(lambda x, *_: attention(x), inputs).max_relative_error


def main() -> dict:
    figures: dict = {"mine": the_attention().mine}
    example = np.array([3, 1, 4, 1, 5, 9])
    whose = "your attention" if figures["mine"] else "the library's attention"

    # Step 1: the two tasks, on one example.
    lab.step("The task: read 6 digits, then write the answer one digit at a time")
    show = " ".join(map(str, example))
    lab.say(f"The two tasks, on one example:\n"
            f"  reverse {show} -> {' '.join(map(str, targets_for('reverse', example[None])[0]))}\n"
            f"  sort    {show} -> {' '.join(map(str, targets_for('sort', example[None])[0]))}")
    lab.say("The model reads the 6 digits and the answer so far (causal attention: never ahead) and predicts "
            "the next digit; only the 6 answer digits are scored.")

    for task in ("reverse", "sort"):
        # Steps 2 and 4: train on fresh random sequences, score on 1,000 it never saw.
        lab.step(f"Learn to {task}")
        lab.say(f"A GPT with {N_LAYER} block, {N_HEAD} heads, width {N_EMBD}, with {whose} in its block; "
                f"AdamW, {STEPS[task]} steps of {BATCH} random sequences.")
        model, losses, seen = train(task, STEPS[task])
        held_out = unseen_sequences(seen)
        share = exact_share(model, task, held_out)
        figures[task] = {"exact": share, "first_loss": losses[0], "last_loss": losses[-1],
                         "trained_on": len(seen), "parameters": model.num_parameters(),
                         "example": answer(model, example[np.newaxis])[0].tolist()}
        lab.say(f"The loss is {losses[0]:.3f} at the first step and {losses[-1]:.4f} at the last. "
                f"{len(seen):,} different sequences were seen in training (of {DIGITS**LENGTH:,} possible). "
                f"The model is exactly right on {share:.1%} of {TEST_SEQUENCES:,} sequences it never saw: "
                f"{show} -> {' '.join(map(str, figures[task]['example']))}.")
        if task == "reverse":
            # Step 3: row j writes answer digit j, which is input digit 5 - j: where is each row's peak?
            lab.step("Where does it look?")
            lab.say(f"The attention of the positions that write the answer (rows), over the whole sequence "
                    f"(columns), averaged over the {N_HEAD} heads.")
            writers, rows, columns = attention_picture(model, example)
            print(heatmap(writers, row_labels=rows, col_labels=columns, title=f"reversing {example.tolist()}"))
            peaks = writers.argmax(axis=1).tolist()
            figures["reverse"]["peaks"] = peaks
            figures["reverse"]["peak_weights"] = [float(writers[j, peaks[j]]) for j in range(LENGTH)]
            lab.say(f"Each row's strongest column: {peaks}. Answer digit j is input digit 5-j. The weight on "
                    f"it: {', '.join(f'{w:.3f}' for w in figures['reverse']['peak_weights'])}.")

    # Step 5: the backward pass of the attention the model used, against measured slopes.
    lab.step(f"A gradient check through {whose} (float64)")
    error = attention_gradient_check()
    figures["gradcheck_error"] = error
    lab.say(f"backward() against measured slopes: the largest relative error is {error:.1e}.")
    return figures


if __name__ == "__main__":
    main()
