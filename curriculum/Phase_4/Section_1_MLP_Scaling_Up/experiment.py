"""Section 4.1 lab: the same network, bigger and faster, then a language model of names.

Four steps, each one a claim from the overview put to the test:
1. one MLP on the scalar engine (Values) and on Tensor, from the same weights:
   the same losses, the time per step side by side, and the matrix view;
2. 20 layers deep: activation sizes by depth for three ways to draw the weights;
3. the names, split into train, dev and test; the bigram model by counting,
   scored by its average negative log-likelihood on names it never saw;
4. a character-level MLP language model (context of 3 characters, learned
   embeddings, one hidden layer: Bengio et al., 2003, in the form of Andrej
   Karpathy's makemore), its dev loss against the bigram's, and samples.

Run it from this folder: python experiment.py
With --mine (or `learnpath run 4.1 --mine`) steps 3 and 4 run on the functions
you wrote in exercise.py: your counts, your loss, your forward pass and your
training step.
"""

from __future__ import annotations

import os

# These matrices are small: one BLAS thread is fastest for them, and on a busy
# machine extra threads wait on each other and can cost 10 to 50 times the time.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import math  # noqa: E402 (after the thread setting, which must come before NumPy loads)
import random  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from learnpath import lab  # noqa: E402
from learnpath.nn import ScalarMLP  # noqa: E402
from learnpath.nn import CharVocab, Embedding, Linear, Tensor, no_grad  # noqa: E402
from learnpath.nn import functional as F  # noqa: E402
from learnpath.nn import init  # noqa: E402
from learnpath.nn.data import load_digits, load_names, train_dev_test_split  # noqa: E402
from learnpath.nn.layers import MLP as TensorMLP  # noqa: E402
from learnpath.nn.losses import cross_entropy as value_cross_entropy  # noqa: E402
from learnpath.nn.optim import SGD, Adam, Cosine  # noqa: E402
from learnpath.nn.plot import line_chart, loss_curve  # noqa: E402
from learnpath.nn.sampling import generate  # noqa: E402
from learnpath.nn.text import context_windows  # noqa: E402

SPEED_EXAMPLES = 32  # digits in the batch of the speed test
SPEED_STEPS = 3  # SGD steps on each engine
DEPTH, WIDTH = 20, 256  # the deep stack of step 3
SPLIT_SEED = 42  # the same dev names in every section of Phase 4
SMOOTHING = 1.0  # add-one: every pair counted once more than it was seen
BLOCK_SIZE = 3  # characters of context
EMBEDDING_DIM = 16
HIDDEN = 128
STEPS = 4000
BATCH = 256
LEARNING_RATE = 0.01
SEED = 0


# --------------------------------------------------------------------------
# Step 1: one network, two engines.
# --------------------------------------------------------------------------


def copy_weights(scalar_mlp: ScalarMLP, tensor_mlp: TensorMLP) -> None:
    """Neuron j of a scalar layer becomes row j of the Tensor layer's (out, in) weight matrix."""
    linears = [layer for layer in tensor_mlp.layers if isinstance(layer, Linear)]
    for scalar_layer, linear in zip(scalar_mlp.layers, linears):
        linear.weight.data[:] = [[w.data for w in neuron.w] for neuron in scalar_layer.neurons]
        linear.bias.data[:] = [neuron.b.data for neuron in scalar_layer.neurons]


def race(examples: int = SPEED_EXAMPLES, steps: int = SPEED_STEPS) -> dict:
    """The same MLP(64, [32, 10]) trained for a few SGD steps on both engines, timed in CPU seconds."""
    pixels, labels = load_digits()
    X, y = pixels[:examples] / 16.0, labels[:examples]
    random.seed(SEED)  # the scalar MLP draws its weights from Python's random
    scalar = ScalarMLP(64, [32, 10])
    tensor = TensorMLP(64, [32, 10])
    copy_weights(scalar, tensor)
    starting_weights = [p.data.copy() for p in tensor.parameters()]

    scalar_losses = []
    optimizer = SGD(scalar.parameters(), lr=0.1)
    start = time.process_time()
    for _ in range(steps):
        rows = [scalar(list(x)) for x in X]  # one example at a time, one Value per number
        loss = value_cross_entropy(rows, list(y))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scalar_losses.append(loss.data)
    scalar_seconds = (time.process_time() - start) / steps

    def train_tensor() -> list[float]:
        for p, w in zip(tensor.parameters(), starting_weights):
            p.data[:] = w
        optimizer = SGD(tensor.parameters(), lr=0.1)
        losses = []
        for _ in range(steps):
            loss = F.cross_entropy(tensor(X), y)  # the whole batch at once
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return losses

    repeats = 100  # a Tensor step is so short that one alone is hard to time
    start = time.process_time()
    for _ in range(repeats):
        tensor_losses = train_tensor()
    tensor_seconds = (time.process_time() - start) / (steps * repeats)
    return {
        "scalar_losses": scalar_losses,
        "tensor_losses": tensor_losses,
        "scalar_ms_per_step": scalar_seconds * 1000,
        "tensor_ms_per_step": tensor_seconds * 1000,
        "speed_ratio": scalar_seconds / tensor_seconds,
    }


# --------------------------------------------------------------------------
# Step 2: how big do the numbers get, 20 layers down?
# --------------------------------------------------------------------------

INITIALISATIONS = {
    # name: how to draw a (256, 256) weight matrix
    "N(0, 1)": lambda w, rng: init.normal_(w, 0.0, 1.0, rng),
    "Xavier": lambda w, rng: init.xavier_normal_(w, rng=rng),
    "He": lambda w, rng: init.kaiming_normal_(w, rng=rng),
}


def activation_sizes(initialise, depth: int = DEPTH, width: int = WIDTH, seed: int = SEED) -> list[float]:
    """The standard deviation of each layer's pre-activation z = W x in a deep ReLU stack."""
    rng = np.random.default_rng(seed)
    x = Tensor(rng.standard_normal((1000, width)), requires_grad=False)
    sizes = []
    with no_grad():
        for _ in range(depth):
            layer = Linear(width, width, bias=False)
            initialise(layer.weight, rng)
            z = layer(x)
            sizes.append(float(z.data.std()))
            x = z.relu()
    return sizes


# --------------------------------------------------------------------------
# Step 3: the first language model, by counting.
# The library's versions of what exercise.py asks for (lab.mine swaps in yours).
# --------------------------------------------------------------------------

ALPHABET = ".abcdefghijklmnopqrstuvwxyz"  # token 0, '.', marks the start and the end of a name


def count_bigrams(names: list[str]) -> np.ndarray:
    """counts[i, j] = how often token j comes right after token i, '.' at both ends of every name."""
    X, Y = context_windows(names, CharVocab(ALPHABET[1:]), 1)
    counts = np.zeros((len(ALPHABET), len(ALPHABET)))
    np.add.at(counts, (X[:, 0], Y), 1)  # add.at: a pair seen twice counts twice
    return counts


def average_nll(probabilities: np.ndarray, names: list[str]) -> float:
    """The mean of -ln P(next | previous) over every prediction of every name, in nats."""
    X, Y = context_windows(names, CharVocab(ALPHABET[1:]), 1)
    return float(-np.log(probabilities[X[:, 0], Y]).mean())


def smoothed(counts: np.ndarray, smoothing: float = SMOOTHING) -> np.ndarray:
    """Each row turned into a distribution over the next token; smoothing keeps every entry above 0."""
    counts = counts + smoothing
    return counts / counts.sum(axis=1, keepdims=True)


def bigram_model(parts, train: list[str], dev: list[str]) -> dict:
    counts = parts.count_bigrams(train)
    probabilities = smoothed(counts)
    raw = smoothed(counts, 0.0)
    dev_pairs = count_bigrams(dev)  # the library's count, to find the dev pairs train never had
    return {
        "train_pairs": int(counts.sum()),
        "dev_pairs": int(dev_pairs.sum()),
        "most_common_pair": ALPHABET[int(counts.argmax()) // 27] + ALPHABET[int(counts.argmax()) % 27],
        "most_common_count": int(counts.max()),
        "unseen_pairs": int((counts == 0).sum()),
        "dev_predictions_unseen": int(dev_pairs[counts == 0].sum()),
        "uniform_loss": parts.average_nll(np.full((27, 27), 1 / 27), dev),
        "bigram_train_loss": parts.average_nll(probabilities, train),
        "bigram_dev_loss": parts.average_nll(probabilities, dev),
        "raw_train_loss": parts.average_nll(raw, train),
        "end_counts": {ALPHABET[i]: int(counts[i, 0]) for i in np.argsort(-counts[:, 0])[:6]},
        "counts": counts,
    }


# --------------------------------------------------------------------------
# Step 4: a character-level MLP language model.
# --------------------------------------------------------------------------


def embed_context(table: Tensor, context: np.ndarray) -> Tensor:
    """(B, T) ids -> (B, T, D) vectors -> (B, T * D): each example's vectors side by side."""
    return table[context].reshape(len(context), -1)


def forward(params: dict[str, Tensor], context: np.ndarray) -> Tensor:
    """Joined vectors -> tanh hidden layer -> one score per token (logits)."""
    x = embed_context(params["table"], context)
    hidden = (x @ params["W1"].T + params["b1"]).tanh()
    return hidden @ params["W2"].T + params["b2"]


def train_step(params: dict[str, Tensor], optimizer, context: np.ndarray, targets: np.ndarray) -> float:
    """Clear the old gradients, backward through this batch's loss, update; the loss before the update."""
    optimizer.zero_grad()
    loss = F.cross_entropy(forward(params, context), targets)
    loss.backward()
    optimizer.step()
    return loss.item()


def new_parameters(vocab_size: int, rng: np.random.Generator, dtype=np.float32) -> dict[str, Tensor]:
    """Drawn as Embedding (N(0, 1) rows) and Linear (PyTorch's uniform default) draw them."""
    embedding = Embedding(vocab_size, EMBEDDING_DIM, dtype=dtype, rng=rng)
    hidden = Linear(BLOCK_SIZE * EMBEDDING_DIM, HIDDEN, dtype=dtype, rng=rng)
    output = Linear(HIDDEN, vocab_size, dtype=dtype, rng=rng)
    return {"table": embedding.weight, "W1": hidden.weight, "b1": hidden.bias,
            "W2": output.weight, "b2": output.bias}


def mean_loss(parts, params, X: np.ndarray, Y: np.ndarray) -> float:
    with no_grad():
        return F.cross_entropy(parts.forward(params, X), Y).item()


def train_char_mlp(parts=None, steps: int = STEPS, seed: int = SEED) -> dict:
    parts = parts if parts is not None else library_parts()
    names = load_names()
    train, dev, _ = train_dev_test_split(names, seed=SPLIT_SEED)
    vocab = CharVocab.from_words(names)
    X_train, Y_train = context_windows(train, vocab, BLOCK_SIZE)
    X_dev, Y_dev = context_windows(dev, vocab, BLOCK_SIZE)
    rng = np.random.default_rng(seed)
    params = new_parameters(len(vocab), rng)
    optimizer = Adam(list(params.values()), lr=Cosine(LEARNING_RATE, steps, min_lr=0.05 * LEARNING_RATE))
    losses = []
    start = time.process_time()
    with lab.progress(steps, "training the character MLP") as bar:
        for step in range(steps):
            batch = rng.integers(0, len(X_train), BATCH)  # a random minibatch of examples
            losses.append(parts.train_step(params, optimizer, X_train[batch], Y_train[batch]))
            if (step + 1) % 100 == 0 or step + 1 == steps:
                bar.update(step + 1, loss=losses[-1])
    seconds = time.process_time() - start

    def model(context: np.ndarray) -> Tensor:
        return parts.forward(params, context)

    start_ids = np.zeros((8, BLOCK_SIZE), dtype=np.int64)  # three '.' : "a name starts here"
    sampled = generate(model, start_ids, 30, BLOCK_SIZE, rng=np.random.default_rng(7), stop_token=vocab.end_id)
    return {
        "params": params,
        "losses": losses,
        "seconds": seconds,
        "train_examples": len(X_train),
        "dev_loss": mean_loss(parts, params, X_dev, Y_dev),
        "train_loss": mean_loss(parts, params, X_train, Y_train),
        "parameters": sum(p.size for p in params.values()),
        "samples": vocab.words(sampled[:, BLOCK_SIZE:]),
        "first_example": (vocab.decode(X_train[0]), vocab.decode(Y_train[:1])),
    }


def library_parts():
    """What the experiment runs: the functions above, or with --mine the ones in your exercise.py."""
    return lab.mine(__file__, count_bigrams=count_bigrams, average_nll=average_nll,
                    embed_context=embed_context, forward=forward, train_step=train_step)


def words_within(prefix: str, words: list[str], width: int = 78) -> str:
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
    figures: dict = {}
    parts = library_parts()
    if parts.mine:
        lab.say("Running steps 3 and 4 on your exercise.py: your counts, loss, forward pass and training step.")

    lab.step(f"One MLP, two engines: MLP(64, [32, 10]) on {SPEED_EXAMPLES} digits")
    lab.say(f"{SPEED_STEPS} SGD steps from the same starting weights, once on the scalar engine (one Value per "
            "number) and once on Tensor (one array per layer).")
    result = race()
    gap = max(abs(a - b) for a, b in zip(result["scalar_losses"], result["tensor_losses"]))
    figures.update(result, loss_gap=gap)
    print("\n".join(f"  step {step}: loss {a:.10f} (Value)   {b:.10f} (Tensor)"
                      for step, (a, b) in enumerate(zip(result["scalar_losses"], result["tensor_losses"]))))
    lab.say(f"The largest difference is {gap:.1e}: the same arithmetic, summed in a different order. CPU time "
            f"per step: Value {result['scalar_ms_per_step']:.1f} ms, Tensor {result['tensor_ms_per_step']:.3f} ms, "
            f"so Tensor is {result['speed_ratio']:,.0f}x faster here.")
    print(f"  X ({SPEED_EXAMPLES}, 64) @ W1.T (64, 32) + b1 (32,) -> ({SPEED_EXAMPLES}, 32) -> relu\n"
            f"    -> @ W2.T (32, 10) + b2 (10,) -> ({SPEED_EXAMPLES}, 10) scores")
    lab.say(f"Per forward pass the scalar engine makes {SPEED_EXAMPLES} x (32 + 10) = {SPEED_EXAMPLES * 42:,} "
            f"weighted-sum nodes and {SPEED_EXAMPLES * 32:,} relu nodes; Tensor makes 3 nodes: linear, relu, linear.")

    lab.step(f"{DEPTH} ReLU layers, {WIDTH} wide: how big are the numbers by the end?")
    lab.say("The size (standard deviation) of each layer's pre-activation, for three ways to draw the weights.")
    sizes = {name: activation_sizes(initialise) for name, initialise in INITIALISATIONS.items()}
    figures["activation_sizes"] = sizes
    print(line_chart(sizes, xs=list(range(1, DEPTH + 1)), log_y=True, height=12, x_label="layer",
                     title="standard deviation of W x, by depth (log scale)"))
    print("\n".join(f"  {name:8} layer 1: {v[0]:9.3g}   layer 10: {v[9]:9.3g}   layer 20: {v[19]:9.3g}"
                      for name, v in sizes.items()))

    lab.step("A first language model: count which character follows which")
    names = load_names()
    train, dev, test = train_dev_test_split(names, seed=SPLIT_SEED)
    figures.update(names=len(names), train_names=len(train), dev_names=len(dev), test_names=len(test))
    bigram = bigram_model(parts, train, dev)
    figures.update({k: v for k, v in bigram.items() if k != "counts"})
    figures["dev_perplexity"] = math.exp(bigram["bigram_dev_loss"])
    lab.say(f"{len(names):,} names, shuffled once and cut into {len(train):,} train, {len(dev):,} dev and "
            f"{len(test):,} test names. Counting is done on train only; dev is kept to judge the model on names "
            f"it never saw. Train holds {bigram['train_pairs']:,} predictions, dev {bigram['dev_pairs']:,}.")
    lab.say(f"The commonest pair is '{bigram['most_common_pair']}' ({bigram['most_common_count']:,} times). "
            f"{bigram['unseen_pairs']} of the 729 pairs never occur in train, and {bigram['dev_predictions_unseen']} "
            "dev predictions are such pairs: the raw counts give them probability 0, an infinite loss, so one "
            "is added to every count.")
    print(f"  uniform guess, dev:          {bigram['uniform_loss']:.4f} nats per character (ln 27)\n"
            f"  counts + 1, dev:             {bigram['bigram_dev_loss']:.4f} (perplexity {figures['dev_perplexity']:.2f})\n"
            f"  counts + 1, train:           {bigram['bigram_train_loss']:.4f}\n"
            f"  raw counts, train:           {bigram['raw_train_loss']:.4f} (no bigram does better on train)")

    lab.step(f"A character MLP that looks {BLOCK_SIZE} characters back")
    lab.say(f"{EMBEDDING_DIM} learned numbers per character, {HIDDEN} tanh units, 27 logits out. Adam, {STEPS:,} "
            f"steps of {BATCH} examples, on the same train names.")
    lm = train_char_mlp(parts)
    figures.update({k: v for k, v in lm.items() if k != "params"})
    context, target = lm["first_example"]
    lab.say(f"{lm['train_examples']:,} training examples, the first '{context}' -> '{target}'; "
            f"{lm['parameters']:,} parameters.")
    print(loss_curve(lm["losses"], title="training loss (minibatches of 256)", height=10))
    print(f"  dev loss {lm['dev_loss']:.4f}   (train {lm['train_loss']:.4f}; "
            f"bigram {bigram['bigram_dev_loss']:.4f}; uniform {math.log(27):.4f})")
    lab.say(f"{lm['seconds']:.1f} s of CPU time for training.")
    print(words_within("  samples:", lm["samples"]))
    return figures


if __name__ == "__main__":
    main()
