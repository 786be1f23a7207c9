"""Section 4.1 lab: the same network, bigger and faster, then a character-level language model.

Four steps, each one a claim from the overview put to the test:
1. one MLP on the scalar engine (Values) and on Tensor, from the same weights:
   the same losses, and the time per step side by side;
2. the matrix view: a whole layer for a whole batch is one matrix product;
3. 20 layers deep: activation sizes by depth for three ways to draw the weights;
4. a character-level MLP language model on the names (context of 3 characters,
   learned embeddings, one hidden layer: Bengio et al., 2003, in the form of
   Andrej Karpathy's makemore), its dev loss against the bigram's, and samples.

Run it from this folder: python experiment.py
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
SPLIT_SEED = 42  # the same dev names as 4.2 and 4.4
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
# Step 3: how big do the numbers get, 20 layers down?
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
# Step 4: a character-level MLP language model.
# --------------------------------------------------------------------------


class CharMLP:
    """Three previous characters -> three learned vectors, side by side -> tanh layer -> 27 scores."""

    def __init__(self, vocab_size: int, rng: np.random.Generator, dtype=np.float32) -> None:
        self.embedding = Embedding(vocab_size, EMBEDDING_DIM, dtype=dtype, rng=rng)
        self.hidden = Linear(BLOCK_SIZE * EMBEDDING_DIM, HIDDEN, dtype=dtype, rng=rng)
        self.output = Linear(HIDDEN, vocab_size, dtype=dtype, rng=rng)

    def __call__(self, context: np.ndarray) -> Tensor:
        vectors = self.embedding(context)  # (batch, 3, 16)
        joined = vectors.reshape(len(context), BLOCK_SIZE * EMBEDDING_DIM)  # (batch, 48)
        return self.output(self.hidden(joined).tanh())  # (batch, 27)

    def parameters(self) -> list[Tensor]:
        return [*self.embedding.parameters(), *self.hidden.parameters(), *self.output.parameters()]


def mean_loss(model, X: np.ndarray, Y: np.ndarray) -> float:
    with no_grad():
        return F.cross_entropy(model(X), Y).item()


def bigram_dev_loss(train: list[str], dev: list[str], vocab: CharVocab) -> float:
    """4.2's counted bigram (add-one smoothing) on these dev names, for comparison."""
    X, Y = context_windows(train, vocab, 1)
    counts = np.ones((len(vocab), len(vocab)))
    np.add.at(counts, (X[:, 0], Y), 1)
    probabilities = counts / counts.sum(axis=1, keepdims=True)
    X, Y = context_windows(dev, vocab, 1)
    return float(-np.log(probabilities[X[:, 0], Y]).mean())


def train_char_mlp(steps: int = STEPS, seed: int = SEED) -> dict:
    names = load_names()
    train, dev, _ = train_dev_test_split(names, seed=SPLIT_SEED)
    vocab = CharVocab.from_words(names)
    X_train, Y_train = context_windows(train, vocab, BLOCK_SIZE)
    X_dev, Y_dev = context_windows(dev, vocab, BLOCK_SIZE)
    rng = np.random.default_rng(seed)
    model = CharMLP(len(vocab), rng)
    optimizer = Adam(model.parameters(), lr=Cosine(LEARNING_RATE, steps, min_lr=0.05 * LEARNING_RATE))
    losses = []
    start = time.process_time()
    for _ in range(steps):
        batch = rng.integers(0, len(X_train), BATCH)
        loss = F.cross_entropy(model(X_train[batch]), Y_train[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    seconds = time.process_time() - start
    start_ids = np.zeros((8, BLOCK_SIZE), dtype=np.int64)  # three '.' : "a name starts here"
    sampled = generate(model, start_ids, 30, BLOCK_SIZE, rng=np.random.default_rng(7), stop_token=vocab.end_id)
    return {
        "model": model,
        "losses": losses,
        "seconds": seconds,
        "train_examples": len(X_train),
        "dev_loss": mean_loss(model, X_dev, Y_dev),
        "train_loss": mean_loss(model, X_train, Y_train),
        "bigram_dev_loss": bigram_dev_loss(train, dev, vocab),
        "parameters": sum(p.size for p in model.parameters()),
        "samples": vocab.words(sampled[:, BLOCK_SIZE:]),
        "first_example": (vocab.decode(X_train[0]), vocab.decode(Y_train[:1])),
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


def main() -> dict:
    figures: dict = {}

    print(f"Step 1. MLP(64, [32, 10]) on {SPEED_EXAMPLES} digits, {SPEED_STEPS} SGD steps, the same starting")
    print("  weights, on the scalar engine (one Value per number) and on Tensor (one array")
    print("  per layer).")
    result = race()
    gap = max(abs(a - b) for a, b in zip(result["scalar_losses"], result["tensor_losses"]))
    figures.update({k: v for k, v in result.items()}, loss_gap=gap)
    for step, (a, b) in enumerate(zip(result["scalar_losses"], result["tensor_losses"])):
        print(f"  step {step}: loss {a:.10f} (Value)   {b:.10f} (Tensor)")
    print(f"  largest difference: {gap:.1e}: the same arithmetic, in a different order")
    print(f"  CPU time per step: Value {result['scalar_ms_per_step']:.1f} ms,"
          f" Tensor {result['tensor_ms_per_step']:.3f} ms:")
    print(f"  Tensor is {result['speed_ratio']:,.0f}x faster")

    print("\nStep 2. The matrix view: one layer, one batch, one product.")
    print(f"  X ({SPEED_EXAMPLES}, 64) @ W1.T (64, 32) + b1 (32,) -> ({SPEED_EXAMPLES}, 32) -> relu")
    print(f"    -> @ W2.T (32, 10) + b2 (10,) -> ({SPEED_EXAMPLES}, 10) scores")
    print(f"  Per forward pass the scalar engine makes {SPEED_EXAMPLES} x (32 + 10) = {SPEED_EXAMPLES * 42:,}"
          " weighted-sum")
    print(f"  nodes and {SPEED_EXAMPLES * 32:,} relu nodes; Tensor makes 3 nodes: linear, relu, linear.")

    print(f"\nStep 3. A stack of {DEPTH} ReLU layers, {WIDTH} wide: the size (standard deviation) of")
    print("  each layer's pre-activation, for three ways to draw the weights.")
    sizes = {name: activation_sizes(initialise) for name, initialise in INITIALISATIONS.items()}
    figures["activation_sizes"] = sizes
    print(line_chart(sizes, xs=list(range(1, DEPTH + 1)), log_y=True, height=12, x_label="layer",
                     title="standard deviation of W x, by depth (log scale)"))
    for name, values in sizes.items():
        print(f"  {name:8} layer 1: {values[0]:9.3g}   layer 10: {values[9]:9.3g}   layer 20: {values[19]:9.3g}")

    print(f"\nStep 4. A character-level MLP on the names: {BLOCK_SIZE} characters of context,")
    print(f"  {EMBEDDING_DIM} numbers per character, a tanh layer of {HIDDEN}, 27 scores out.")
    print(f"  Adam, {STEPS:,} steps of {BATCH} examples.")
    lm = train_char_mlp()
    figures.update({k: v for k, v in lm.items() if k != "model"})
    context, target = lm["first_example"]
    print(f"  {lm['train_examples']:,} training examples, e.g. '{context}' -> '{target}';"
          f" {lm['parameters']:,} parameters.")
    print(loss_curve(lm["losses"], title="training loss (minibatches of 256)", height=10))
    print(f"  dev loss {lm['dev_loss']:.4f}   (train {lm['train_loss']:.4f};"
          f" bigram {lm['bigram_dev_loss']:.4f}; uniform {math.log(27):.4f})")
    print(f"  {lm['seconds']:.1f} s of CPU time for training")
    print(words_within("  samples:", lm["samples"]))
    return figures


if __name__ == "__main__":
    main()
