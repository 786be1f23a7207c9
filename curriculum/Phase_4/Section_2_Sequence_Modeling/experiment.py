"""Section 4.2 lab: the bigram language model, by counting and by gradient descent.

Six steps, each one a claim from the overview put to the test:
1. the names, split into train, dev and test, as sequences of 27 tokens;
2. counting: a 27x27 table of which character follows which, drawn as a heatmap;
3. the counted model's loss on names it never saw, against the uniform guess ln 27;
4. the same 27x27 numbers learned by gradient descent, from all zeros;
5. the two models compared: the same loss, nearly the same table;
6. names sampled from the model at two temperatures.

The names are makemore's collection (Andrej Karpathy's makemore repository,
from US Social Security records); the bigram-by-counting then
bigram-by-gradient-descent progression follows his makemore lecture.

Run it from this folder: python experiment.py
"""

from __future__ import annotations

import math

import numpy as np

from learnpath.nn import Tensor
from learnpath.nn import functional as F
from learnpath.nn.data import load_names, train_dev_test_split
from learnpath.nn.optim import Adam, Cosine
from learnpath.nn.plot import heatmap, loss_curve
from learnpath.nn.tensor import no_grad

# Token 0, written '.', marks both the start and the end of a name; 'a'..'z' are 1..26.
BOUNDARY = "."
ALPHABET = BOUNDARY + "abcdefghijklmnopqrstuvwxyz"
TOKEN = {character: index for index, character in enumerate(ALPHABET)}
VOCAB = len(ALPHABET)  # 27

SPLIT_SEED = 42  # the same shuffle, and so the same dev names, in every Phase 4 section
TRAIN_SEED = 0
SMOOTHING = 1.0  # add-one: every pair counted once more than it was seen
STEPS = 300
BATCH = 4096
LEARNING_RATE = 0.5  # Adam's step size at the start, cosine-decayed to 1% of it
SAMPLE_SEED = 7
TEMPERATURES = (1.0, 0.5)


# --------------------------------------------------------------------------
# The data: names as token sequences.
# --------------------------------------------------------------------------


def split_names(names: list[str], seed: int = SPLIT_SEED) -> dict[str, list[str]]:
    """Shuffle once, then 10% to dev (for comparing models), 10% to test, the rest to train."""
    train, dev, test = train_dev_test_split(names, seed=seed)
    return {"train": train, "dev": dev, "test": test}


def bigrams(names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Every (previous token, next token) pair: "emma" gives .e em mm ma a. (5 pairs)."""
    previous, following = [], []
    for name in names:
        tokens = [0] + [TOKEN[c] for c in name] + [0]
        previous += tokens[:-1]
        following += tokens[1:]
    return np.array(previous), np.array(following)


# --------------------------------------------------------------------------
# The two ways to get the same model.
# --------------------------------------------------------------------------


def count_table(previous: np.ndarray, following: np.ndarray) -> np.ndarray:
    """counts[i, j] = how many times token j followed token i."""
    counts = np.zeros((VOCAB, VOCAB))
    np.add.at(counts, (previous, following), 1)  # add.at: a pair seen twice counts twice
    return counts


def probabilities_from_counts(counts: np.ndarray, smoothing: float = SMOOTHING) -> np.ndarray:
    """Each row turned into a distribution over the next token; smoothing keeps every entry above 0."""
    smoothed = counts + smoothing
    return smoothed / smoothed.sum(axis=1, keepdims=True)


def nll(probabilities: np.ndarray, previous: np.ndarray, following: np.ndarray) -> float:
    """Average negative log-likelihood per predicted token, in nats."""
    return float(-np.log(probabilities[previous, following]).mean())


def train_by_gradient_descent(
    previous: np.ndarray, following: np.ndarray, steps: int = STEPS, seed: int = TRAIN_SEED
) -> tuple[Tensor, list[float]]:
    """A 27x27 table of logits W, learned by minimising cross-entropy; row i is the model after token i."""
    rng = np.random.default_rng(seed)
    # All zeros: every row of softmax(W) is uniform, so the first loss is exactly ln 27.
    W = Tensor(np.zeros((VOCAB, VOCAB)))
    optimizer = Adam([W], lr=Cosine(LEARNING_RATE, steps, min_lr=0.01 * LEARNING_RATE))
    losses = []
    for _ in range(steps):
        batch = rng.integers(0, len(previous), BATCH)
        logits = F.embedding(previous[batch], W)  # row `previous` of W: the scores for what comes next
        loss = F.cross_entropy(logits, following[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return W, losses


def softmax_rows(W: Tensor) -> np.ndarray:
    with no_grad():
        return F.softmax(W).data


# --------------------------------------------------------------------------
# Sampling.
# --------------------------------------------------------------------------


def with_temperature(row: np.ndarray, temperature: float) -> np.ndarray:
    """p ** (1/T), renormalised: the same as softmax(log p / T). T < 1 sharpens, T > 1 flattens."""
    weights = row ** (1.0 / temperature)
    return weights / weights.sum()


def sample_name(probabilities: np.ndarray, temperature: float, rng: np.random.Generator) -> str:
    """Start after '.', draw the next token from its row until '.' comes up again."""
    token, name = 0, []
    while True:
        row = with_temperature(probabilities[token], temperature)
        # Inverse-CDF sampling: the first token whose running total passes a uniform draw.
        token = int(np.searchsorted(np.cumsum(row), rng.random(), side="right"))
        token = min(token, VOCAB - 1)  # a running total that rounds to just under 1
        if token == 0:
            return "".join(name)
        name.append(ALPHABET[token])


def entropy(row: np.ndarray) -> float:
    """How spread out a distribution is, in nats: ln 27 for uniform over 27, 0 for a certainty."""
    nonzero = row[row > 0]
    return float(-(nonzero * np.log(nonzero)).sum())


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

    print("Step 1. The data: names as sequences of 27 tokens ('.' marks start and end).")
    names = load_names()
    split = split_names(names)
    train_prev, train_next = bigrams(split["train"])
    dev_prev, dev_next = bigrams(split["dev"])
    figures.update(
        names=len(names), train_names=len(split["train"]), dev_names=len(split["dev"]),
        test_names=len(split["test"]), train_pairs=len(train_prev), dev_pairs=len(dev_prev),
    )
    print(f"  {len(names):,} names: {len(split['train']):,} train, {len(split['dev']):,} dev, "
          f"{len(split['test']):,} test")
    print("  'emma' is 5 predictions: .e em mm ma a.")
    print(f"  Train holds {len(train_prev):,} predictions, dev {len(dev_prev):,}.")

    print("\nStep 2. Count which character follows which (train split only).")
    counts = count_table(train_prev, train_next)
    top = np.unravel_index(np.argmax(counts), counts.shape)
    figures["most_common_pair"] = ALPHABET[top[0]] + ALPHABET[top[1]]
    figures["most_common_count"] = int(counts[top])
    figures["unseen_pairs"] = int((counts == 0).sum())
    print(heatmap(np.log1p(counts), row_labels=list(ALPHABET), col_labels=list(ALPHABET),
                  title="log(1 + count): row = this character, column = the next one"))
    print(f"  The commonest pair is '{figures['most_common_pair']}' ({figures['most_common_count']:,} times);"
          f" {figures['unseen_pairs']} of the 729")
    print("  pairs never occur in train.")

    print("\nStep 3. The counted model, judged on the dev names it never saw.")
    probabilities = probabilities_from_counts(counts)
    figures["uniform_loss"] = math.log(VOCAB)
    figures["count_train_loss"] = nll(probabilities, train_prev, train_next)
    figures["count_dev_loss"] = nll(probabilities, dev_prev, dev_next)
    figures["unsmoothed_train_loss"] = nll(probabilities_from_counts(counts, 0.0), train_prev, train_next)
    with np.errstate(divide="ignore"):
        figures["unsmoothed_dev_loss"] = nll(probabilities_from_counts(counts, 0.0), dev_prev, dev_next)
    figures["count_dev_perplexity"] = math.exp(figures["count_dev_loss"])
    print(f"  uniform guess (1/27 each):   {figures['uniform_loss']:.4f} nats per character (perplexity 27)")
    print(f"  counts + 1, dev loss:        {figures['count_dev_loss']:.4f} nats per character "
          f"(perplexity {figures['count_dev_perplexity']:.2f})")
    print(f"  counts + 1, train loss:      {figures['count_train_loss']:.4f}")
    print(f"  raw counts, train loss:      {figures['unsmoothed_train_loss']:.4f}  (no bigram does better"
          " on train)")
    print(f"  raw counts, dev loss:        {figures['unsmoothed_dev_loss']}  (a dev pair unseen in train"
          " has p = 0)")

    print("\nStep 4. The same model by gradient descent: a 27x27 W from zeros,")
    print(f"  Adam, {STEPS} steps of {BATCH:,} random training pairs each.")
    W, losses = train_by_gradient_descent(train_prev, train_next)
    learned = softmax_rows(W)
    figures["first_step_loss"] = losses[0]
    figures["gd_train_loss"] = nll(learned, train_prev, train_next)
    figures["gd_dev_loss"] = nll(learned, dev_prev, dev_next)
    print(loss_curve(losses, title="minibatch loss (nats per character)", height=10))
    print(f"  step 0 loss {losses[0]:.4f} = ln 27: zero logits are the uniform guess")
    print(f"  dev loss {figures['gd_dev_loss']:.4f}, train loss {figures['gd_train_loss']:.4f}")

    print("\nStep 5. Two routes, one model.")
    figures["dev_gap"] = abs(figures["gd_dev_loss"] - figures["count_dev_loss"])
    figures["largest_probability_gap"] = float(np.abs(learned - probabilities).max())
    figures["q_then_u_counted"] = float(probabilities[TOKEN["q"], TOKEN["u"]])
    figures["q_then_u_learned"] = float(learned[TOKEN["q"], TOKEN["u"]])
    q_row = counts[TOKEN["q"]]
    figures["q_count"] = int(q_row.sum())
    figures["q_then_u_raw"] = float(q_row[TOKEN["u"]] / q_row.sum())
    figures["widest_gap_row"] = ALPHABET[int(np.abs(learned - probabilities).max(axis=1).argmax())]
    print(f"  dev loss: counted {figures['count_dev_loss']:.4f}, learned {figures['gd_dev_loss']:.4f},"
          f" difference {figures['dev_gap']:.4f}")
    print(f"  largest gap between matching entries of the two tables:"
          f" {figures['largest_probability_gap']:.3f}, in row '{figures['widest_gap_row']}'")
    print(f"  'q' starts only {figures['q_count']} pairs in train. P(u after q): raw counts"
          f" {figures['q_then_u_raw']:.3f},")
    print(f"  counts + 1 {figures['q_then_u_counted']:.3f}, learned {figures['q_then_u_learned']:.3f}."
          " In a rare row the +1 weighs a lot;")
    print("  the learned table has no +1, so it sits nearer the raw counts.")

    print("\nStep 6. Sampling: start at '.', draw a character from its row, repeat until '.'.")
    first_letters = probabilities[0]
    figures["samples"] = {}
    figures["first_letter_entropy"] = {}
    for temperature in (*TEMPERATURES, 2.0):
        figures["first_letter_entropy"][temperature] = entropy(with_temperature(first_letters, temperature))
    for temperature in TEMPERATURES:
        rng = np.random.default_rng(SAMPLE_SEED)
        samples = [sample_name(probabilities, temperature, rng) for _ in range(10)]
        figures["samples"][temperature] = samples
        print(words_within(f"  T = {temperature}:", [s or "(empty)" for s in samples]))
    # 2,000 names per temperature, to measure what a handful of samples can only suggest.
    many = {}
    for temperature in TEMPERATURES:
        rng = np.random.default_rng(SAMPLE_SEED)
        many[temperature] = [sample_name(probabilities, temperature, rng) for _ in range(2000)]
    train_lengths = np.array([len(n) for n in split["train"]])
    sampled_lengths = np.array([len(n) for n in many[1.0]])
    figures["mean_sample_length"] = {t: float(np.mean([len(n) for n in v])) for t, v in many.items()}
    figures["mean_train_length"] = float(train_lengths.mean())
    figures["share_one_letter"] = {"samples": float(np.mean(sampled_lengths == 1)),
                                   "train": float(np.mean(train_lengths == 1))}
    figures["share_over_ten"] = {"samples": float(np.mean(sampled_lengths > 10)),
                                 "train": float(np.mean(train_lengths > 10))}
    entropies = figures["first_letter_entropy"]
    lengths = figures["mean_sample_length"]
    print(f"  Spread of the first letter (entropy, nats): T = 2: {entropies[2.0]:.3f},"
          f" T = 1: {entropies[1.0]:.3f},")
    print(f"  T = 0.5: {entropies[0.5]:.3f}")
    print(f"  Mean length of 2,000 samples: T = 1: {lengths[1.0]:.2f}, T = 0.5: {lengths[0.5]:.2f}"
          f" (train names: {figures['mean_train_length']:.2f})")
    print("\n  One character of context cannot tell how long the name already is")
    print("  (T = 1, 2,000 samples):")
    print(f"    one letter long:     {figures['share_one_letter']['samples']:6.1%} of samples,"
          f" {figures['share_one_letter']['train']:6.1%} of train names")
    print(f"    over ten letters:    {figures['share_over_ten']['samples']:6.1%} of samples,"
          f" {figures['share_over_ten']['train']:6.1%} of train names")
    return figures


if __name__ == "__main__":
    main()
