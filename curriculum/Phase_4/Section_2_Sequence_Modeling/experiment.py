"""Section 4.2 lab: names as sequences, a table learned by gradient descent, and sampling with a temperature.

Five steps, each one a claim from the overview put to the test:
1. the names cut into (context, next character) examples, and how fast
   counting runs out of data as the context grows;
2. the bigram table learned by gradient descent from all zeros, against the
   counted table of section 4.1: the same model;
3. names sampled from the learned logits at two temperatures;
4. the first letter's spread at three temperatures;
5. what one character of context cannot know: how long the name already is.

The names are makemore's collection (Andrej Karpathy's makemore repository,
from US Social Security records); the bigram-by-counting then
bigram-by-gradient-descent progression follows his makemore lecture.

Run it from this folder: python experiment.py
With --mine (or `learnpath run 4.2 --mine`) every example is cut and every
name is sampled by the functions you wrote in exercise.py.
"""

from __future__ import annotations

import math

import numpy as np

from learnpath import lab
from learnpath.nn import CharVocab, Tensor
from learnpath.nn import functional as F
from learnpath.nn.data import load_names, train_dev_test_split
from learnpath.nn.optim import Adam, Cosine
from learnpath.nn.plot import loss_curve
from learnpath.nn.tensor import no_grad
from learnpath.nn.text import context_windows as library_windows

# Token 0, written '.', marks both the start and the end of a name; 'a'..'z' are 1..26.
ALPHABET = ".abcdefghijklmnopqrstuvwxyz"
TOKEN = {character: index for index, character in enumerate(ALPHABET)}
VOCAB = len(ALPHABET)  # 27

SPLIT_SEED = 42  # the same shuffle, and so the same dev names, in every Phase 4 section
TRAIN_SEED = 0
SMOOTHING = 1.0  # the counted table of 4.1: add-one
STEPS = 300
BATCH = 4096
LEARNING_RATE = 0.5  # Adam's step size at the start, cosine-decayed to 1% of it
SAMPLE_SEED = 7
TEMPERATURES = (1.0, 0.5)
SAMPLES = 2000  # names drawn per temperature, to measure what ten can only suggest
MAX_LENGTH = 50  # a sampled name stops here if '.' has not come up
CONTEXTS = (1, 2, 3, 4, 5)  # window lengths whose contexts are counted in step 1


# --------------------------------------------------------------------------
# The library's versions of what exercise.py asks for (lab.mine swaps in yours).
# --------------------------------------------------------------------------


def context_windows(names: list[str], block_size: int) -> tuple[np.ndarray, np.ndarray]:
    """X (n, block_size): the tokens before each prediction, '.' before the name; Y (n,): the token to predict."""
    return library_windows(names, CharVocab(ALPHABET[1:]), block_size)


def softmax_with_temperature(logits: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(logits / T) along the last axis; the largest score is subtracted first, so exp never overflows."""
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    shifted = scaled - scaled.max(axis=-1, keepdims=True)
    weights = np.exp(shifted)
    return weights / weights.sum(axis=-1, keepdims=True)


def sample_name(logits: np.ndarray, temperature: float, rng: np.random.Generator, max_length: int = MAX_LENGTH) -> str:
    """Start after '.', draw each next token from the current token's row, stop at '.' (or max_length letters)."""
    token, letters = 0, []
    while len(letters) < max_length:
        probabilities = softmax_with_temperature(logits[token], temperature)
        token = int(rng.choice(VOCAB, p=probabilities))  # a fresh draw for every token
        if token == 0:
            break
        letters.append(ALPHABET[token])
    return "".join(letters)


def library_parts():
    """What the experiment runs: the functions above, or with --mine the ones in your exercise.py."""
    return lab.mine(__file__, context_windows=context_windows, softmax_with_temperature=softmax_with_temperature,
                    sample_name=sample_name)


# --------------------------------------------------------------------------
# Step 1: how many contexts, and how many of dev's were ever seen?
# --------------------------------------------------------------------------


def context_coverage(parts, train: list[str], dev: list[str], block_size: int) -> dict:
    """Distinct contexts of this length in train, and the share of dev predictions whose context train never had."""
    X_train, _ = parts.context_windows(train, block_size)
    X_dev, _ = parts.context_windows(dev, block_size)
    seen = {row.tobytes() for row in np.asarray(X_train, dtype=np.int64)}
    unseen = np.mean([row.tobytes() not in seen for row in np.asarray(X_dev, dtype=np.int64)])
    return {"possible": VOCAB ** block_size, "seen": len(seen), "dev_unseen": float(unseen)}


# --------------------------------------------------------------------------
# Step 2: the same table by counting and by gradient descent.
# --------------------------------------------------------------------------


def count_table(previous: np.ndarray, following: np.ndarray) -> np.ndarray:
    """counts[i, j] = how many times token j followed token i (section 4.1's count, on arrays)."""
    counts = np.zeros((VOCAB, VOCAB))
    np.add.at(counts, (previous, following), 1)
    return counts


def nll(probabilities: np.ndarray, previous: np.ndarray, following: np.ndarray) -> float:
    """Average negative log-likelihood per prediction, in nats (section 4.1's score)."""
    return float(-np.log(probabilities[previous, following]).mean())


def train_by_gradient_descent(
    previous: np.ndarray, following: np.ndarray, steps: int = STEPS, seed: int = TRAIN_SEED
) -> tuple[Tensor, list[float]]:
    """A 27x27 table of logits W, learned by minimising cross-entropy; row i scores what comes after token i."""
    rng = np.random.default_rng(seed)
    # All zeros: every row of softmax(W) is uniform, so the first loss is exactly ln 27.
    W = Tensor(np.zeros((VOCAB, VOCAB)))
    optimizer = Adam([W], lr=Cosine(LEARNING_RATE, steps, min_lr=0.01 * LEARNING_RATE))
    losses = []
    with lab.progress(steps, "learning the table") as bar:
        for step in range(steps):
            batch = rng.integers(0, len(previous), BATCH)
            logits = F.embedding(previous[batch], W)  # row `previous` of W: the scores for what comes next
            loss = F.cross_entropy(logits, following[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            bar.update(step + 1, loss=losses[-1])
    return W, losses


def softmax_rows(W: Tensor) -> np.ndarray:
    with no_grad():
        return F.softmax(W).data


def entropy(row: np.ndarray) -> float:
    """How spread out a distribution is, in nats: ln 27 for uniform over 27, 0 for a certainty."""
    nonzero = row[row > 0]
    return float(-(nonzero * np.log(nonzero)).sum())


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
        lab.say("Running on your exercise.py: your context windows, your softmax and your sampler.")

    lab.step("Names as sequences of (context, next character) examples")
    names = load_names()
    train, dev, test = train_dev_test_split(names, seed=SPLIT_SEED)
    X, Y = parts.context_windows(["emma"], 3)
    figures["emma_windows"] = ["".join(ALPHABET[t] for t in row) + " -> " + ALPHABET[int(y)]
                               for row, y in zip(np.asarray(X), np.asarray(Y))]
    lab.say(f"With a context of 3, 'emma' is {len(Y)} examples:")
    print("  " + "   ".join(figures["emma_windows"]))
    coverage = {k: context_coverage(parts, train, dev, k) for k in CONTEXTS}
    figures["coverage"] = coverage
    lab.say("A table with one row per context must have seen a context to say anything about it. On the "
            f"{len(train):,} train names of section 4.1's split, against its {len(dev):,} dev names:")
    print("  context   contexts seen     possible   dev predictions with\n"
          "   length        in train     contexts      an unseen context")
    print("\n".join(f"  {k:>7}   {c['seen']:>13,}   {c['possible']:>10,}   {c['dev_unseen']:>20.1%}"
                    for k, c in coverage.items()))

    lab.step("The bigram table again, this time learned by gradient descent")
    previous, following = (np.asarray(a)[:, 0] if a.ndim == 2 else np.asarray(a)
                           for a in parts.context_windows(train, 1))
    dev_previous, dev_following = (np.asarray(a)[:, 0] if a.ndim == 2 else np.asarray(a)
                                   for a in parts.context_windows(dev, 1))
    counts = count_table(previous, following)
    counted = (counts + SMOOTHING) / (counts + SMOOTHING).sum(axis=1, keepdims=True)
    lab.say(f"W, 27 x 27 logits, starts at zeros; Adam takes {STEPS} steps of {BATCH:,} random training pairs.")
    W, losses = train_by_gradient_descent(previous, following)
    learned = softmax_rows(W)
    print(loss_curve(losses, title="minibatch loss (nats per character)", height=10))
    gaps = np.abs(learned - counted)
    q_row = counts[TOKEN["q"]]
    figures.update(
        first_step_loss=losses[0],
        count_dev_loss=nll(counted, dev_previous, dev_following),
        gd_dev_loss=nll(learned, dev_previous, dev_following),
        gd_train_loss=nll(learned, previous, following),
        raw_train_loss=nll(counts / counts.sum(axis=1, keepdims=True), previous, following),
        largest_probability_gap=float(gaps.max()),
        widest_gap_row=ALPHABET[int(gaps.max(axis=1).argmax())],
        q_count=int(q_row.sum()),
        q_then_u_raw=float(q_row[TOKEN["u"]] / q_row.sum()),
        q_then_u_counted=float(counted[TOKEN["q"], TOKEN["u"]]),
        q_then_u_learned=float(learned[TOKEN["q"], TOKEN["u"]]),
    )
    figures["dev_gap"] = abs(figures["gd_dev_loss"] - figures["count_dev_loss"])
    lab.say(f"Step 0's loss is {losses[0]:.4f} = ln 27: zero logits are the uniform guess. On dev the learned "
            f"table scores {figures['gd_dev_loss']:.4f}, the counted one {figures['count_dev_loss']:.4f}: "
            f"{figures['dev_gap']:.4f} apart. On train the learned table scores {figures['gd_train_loss']:.4f}, "
            f"above the raw counts' {figures['raw_train_loss']:.4f}, which no bigram can beat there.")
    lab.say(f"The two tables differ most ({figures['largest_probability_gap']:.3f}) in row "
            f"'{figures['widest_gap_row']}': 'q' starts only {figures['q_count']} pairs in train, so the +1 of "
            f"counting weighs a lot there. P(u after q): raw counts {figures['q_then_u_raw']:.3f}, counts + 1 "
            f"{figures['q_then_u_counted']:.3f}, learned {figures['q_then_u_learned']:.3f}.")

    logits = W.data  # the learned scores: what the sampler draws from
    lab.step("Sampling names from the learned table, a fresh draw per character")
    figures["samples"], many = {}, {}
    for temperature in TEMPERATURES:
        rng = np.random.default_rng(SAMPLE_SEED)
        figures["samples"][temperature] = [parts.sample_name(logits, temperature, rng, MAX_LENGTH) for _ in range(10)]
        print(words_within(f"  T = {temperature}:", [s or "(empty)" for s in figures["samples"][temperature]]))
    for temperature in TEMPERATURES:
        rng = np.random.default_rng(SAMPLE_SEED)
        many[temperature] = [parts.sample_name(logits, temperature, rng, MAX_LENGTH) for _ in range(SAMPLES)]
    train_lengths = np.array([len(n) for n in train])
    figures["mean_sample_length"] = {t: float(np.mean([len(n) for n in v])) for t, v in many.items()}
    figures["mean_train_length"] = float(train_lengths.mean())
    lengths = figures["mean_sample_length"]
    figures["stop_is_likeliest"] = [ALPHABET[i] for i in range(1, VOCAB) if logits[i].argmax() == 0]
    lab.say(f"Mean length of {SAMPLES:,} samples: {lengths[1.0]:.2f} at T = 1, {lengths[0.5]:.2f} at T = 0.5 "
            f"(train names: {figures['mean_train_length']:.2f}). At T = 0.5 the likeliest token wins more "
            f"often, and after {', '.join(figures['stop_is_likeliest'])} the likeliest next token is '.'.")

    lab.step("How temperature spreads the first letter")
    figures["first_letter_entropy"] = {
        t: entropy(parts.softmax_with_temperature(logits[0], t)) for t in (2.0, 1.0, 0.5)}
    figures["first_letter_top"] = {
        t: float(parts.softmax_with_temperature(logits[0], t).max()) for t in (2.0, 1.0, 0.5)}
    print("\n".join(f"  T = {t}: entropy {figures['first_letter_entropy'][t]:.3f} nats,"
                      f" likeliest first letter {figures['first_letter_top'][t]:.3f}" for t in (2.0, 1.0, 0.5)))
    lab.say("The table is the same at every temperature, and so is its loss; only the draws change.")

    lab.step("What one character of context cannot know")
    sampled = np.array([len(n) for n in many[1.0]])
    figures["share_one_letter"] = {"samples": float(np.mean(sampled == 1)), "train": float(np.mean(train_lengths == 1))}
    figures["share_over_ten"] = {"samples": float(np.mean(sampled > 10)), "train": float(np.mean(train_lengths > 10))}
    print(f"  one letter long:   {figures['share_one_letter']['samples']:6.1%} of T = 1 samples,"
            f" {figures['share_one_letter']['train']:6.1%} of train names\n"
            f"  over ten letters:  {figures['share_over_ten']['samples']:6.1%} of T = 1 samples,"
            f" {figures['share_over_ten']['train']:6.1%} of train names")
    lab.say("After an 'a' the model stops with the same probability whether the 'a' is the first letter or the "
            "ninth: its whole context is one character.")
    return figures


if __name__ == "__main__":
    main()
