"""Sampling: turning a model's scores for the next token into text, one token at a time.

A language model gives logits, one score per token of the vocabulary, for
what comes next. softmax(logits / temperature) makes them probabilities:
- temperature 1 samples from the model as it is;
- below 1 sharpens them (0.5 squares the odds between two tokens), so the
  text is safer and more repetitive; towards 0 it becomes "always the top one";
- above 1 flattens them, so the text is more surprising and makes more mistakes.
top_k keeps only the k highest-scoring tokens and renormalizes, so a long
tail of unlikely tokens can never be drawn.

`generate` repeats: take the last block_size tokens, ask the model, draw one,
append it. It works for any model that maps a (batch, time) array of ids to
logits, either (batch, vocab) for the next token (a fixed-window MLP) or
(batch, time, vocab) with the next token's scores last (a GPT).
"""

from __future__ import annotations

import numpy as np

from learnpath.nn import init
from learnpath.nn.tensor import ArrayLike, Tensor, no_grad


def sample_next(
    logits: ArrayLike,
    temperature: float = 1.0,
    top_k: int | None = None,
    *,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """One token id per row of `logits` (batch, vocab), drawn from softmax(logits / temperature)."""
    scores = np.array(logits.data if isinstance(logits, Tensor) else logits, dtype=np.float64, ndmin=2)
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}; use top_k=1 to always take the best token")
    scores = scores / temperature
    if top_k is not None:
        if top_k < 1:
            raise ValueError(f"top_k must be at least 1, got {top_k}")
        # The k-th largest score of each row; everything below it is ruled out.
        kth = np.sort(scores, axis=-1)[:, -min(top_k, scores.shape[-1])][:, np.newaxis]
        scores = np.where(scores < kth, -np.inf, scores)
    probs = np.exp(scores - scores.max(axis=-1, keepdims=True))
    probs /= probs.sum(axis=-1, keepdims=True)
    rng = rng if rng is not None else init.default_generator()
    # Inverse-CDF sampling: the first token whose running total passes a uniform draw.
    draws = rng.random((len(probs), 1))
    ids = (probs.cumsum(axis=-1) < draws).sum(axis=-1)
    return np.minimum(ids, probs.shape[-1] - 1)  # a draw above a total rounded to 0.9999999 picks the last token


def generate(
    model,
    ids: ArrayLike,
    max_new_tokens: int,
    block_size: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    *,
    rng: np.random.Generator | None = None,
    stop_token: int | None = None,
) -> np.ndarray:
    """Append up to max_new_tokens sampled tokens to each row of ids (batch, time); returns the longer array.

    The model sees the last block_size tokens only (a fixed-window model needs
    exactly that many: start it from block_size end tokens). With stop_token,
    generation ends once every row has produced it; rows that stopped earlier
    are filled with stop_token. The model is put in eval mode (no dropout) and
    no graph is built.
    """
    ids = np.array(ids, dtype=np.int64, ndmin=2)
    was_training = getattr(model, "training", False)
    if hasattr(model, "eval"):
        model.eval()
    finished = np.zeros(len(ids), dtype=bool)
    try:
        with no_grad():
            for _ in range(max_new_tokens):
                logits = model(ids[:, -block_size:]).data
                if logits.ndim == 3:
                    logits = logits[:, -1]  # a GPT scores every position; the next token's scores are last
                new = sample_next(logits, temperature, top_k, rng=rng)
                if stop_token is not None:
                    new = np.where(finished, stop_token, new)
                    finished |= new == stop_token
                ids = np.concatenate([ids, new[:, np.newaxis]], axis=1)
                if stop_token is not None and finished.all():
                    break
    finally:
        if was_training:
            model.train()
    return ids
