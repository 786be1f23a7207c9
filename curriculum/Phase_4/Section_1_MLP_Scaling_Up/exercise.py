"""Section 4.1 exercise: a language model by counting, its score, then a character MLP that beats it.

Five tasks. Each function below raises NotImplementedError until you write it.
Check your work with:  learnpath exercise 4.1
Ask for a hint with:   learnpath hint 4.1 TASK_ID
Task ids: count-bigrams, average-nll, embed-context, forward, train-step.
When they all pass, `learnpath run 4.1 --mine` trains the experiment's
character MLP with your code.

Tokens: 0 is '.', which marks both the start and the end of a name, and
'a'..'z' are 1..26, so there are V = 27 tokens.

The character MLP, for a batch of B examples, a context of T characters,
D numbers per character and H hidden units, keeps its parameters in a dict:
    params["table"]  (V, D)    one learned vector per token
    params["W1"]  (H, T * D)   hidden layer, stored (out, in) as Linear stores it
    params["b1"]  (H,)
    params["W2"]  (V, H)       output layer, stored (out, in)
    params["b2"]  (V,)
Every parameter is a Tensor; `context` is a NumPy array of integer ids. Use
Tensor operations (indexing a Tensor with an integer array, reshape, @, .T,
+, .tanh()) so that backward() reaches every parameter.
"""

from __future__ import annotations

import numpy as np

from learnpath.nn import Tensor
from learnpath.nn import functional as F

ALPHABET = ".abcdefghijklmnopqrstuvwxyz"
TOKEN = {character: index for index, character in enumerate(ALPHABET)}
VOCAB = len(ALPHABET)  # 27


def tokens_of(name: str) -> list[int]:
    """A name as the tokens a model reads, '.' at both ends: "ab" -> [0, 1, 2, 0]."""
    return [0] + [TOKEN[c] for c in name] + [0]


def count_bigrams(names: list[str]) -> np.ndarray:
    """A (27, 27) array of counts: entry [i, j] is how often token j comes right after token i.

    Every name is read with '.' at both ends, so a name of n letters adds
    n + 1 to the total of the table.

    Example: ["ab", "b"] gives 1 at [0, 1] (". then a"), 1 at [1, 2] ("a then b"),
    2 at [2, 0] ("b then .", once per name), 1 at [0, 2] (". then b"),
    and 0 everywhere else: a total of 5.
    """
    # TODO: start from a table of zeros and add one for every neighbouring pair.
    raise NotImplementedError("count_bigrams is not written yet")


def average_nll(probabilities: np.ndarray, names: list[str]) -> float:
    """The average negative log-likelihood per prediction of `names` under a bigram table.

    `probabilities` is (27, 27): row i is the distribution of the next token
    after token i. Every neighbouring pair of tokens in a name is one
    prediction; the score is the mean of -ln P(next | previous) over all the
    predictions of all the names together.

    Example: under the uniform table (every entry 1/27) any names score
    ln 27 = 3.2958. If P(a after .) = 0.5 and P(. after a) = 0.25, the
    single name "a" scores (0.6931 + 1.3863) / 2 = 1.0397.
    """
    # TODO: add up -ln p over every prediction, then divide by how many there were.
    raise NotImplementedError("average_nll is not written yet")


def embed_context(table: Tensor, context: np.ndarray) -> Tensor:
    """Each example's context vectors joined end to end: shape (B, T * D).

    Row b holds the vector of context[b, 0], then that of context[b, 1], and
    so on; the lookup must stay in the graph, so the table learns.

    Example: table = [[0, 1], [2, 3], [4, 5]] (V = 3, D = 2) and
    context = [[2, 0], [1, 1]] give [[4, 5, 0, 1], [2, 3, 2, 3]].
    """
    # TODO: look up every id of the batch at once, then give each example one row.
    raise NotImplementedError("embed_context is not written yet")


def forward(params: dict[str, Tensor], context: np.ndarray) -> Tensor:
    """The scores (logits) for the next token of every example: shape (B, V).

    The joined context vectors go through the hidden layer (W1, b1) and its
    tanh, then through the output layer (W2, b2), which has no activation:
    its outputs are the logits. The whole batch goes through each layer at once.

    Example: with T = 1, D = 1, table = [[0.5]], W1 = [[2.0]], b1 = [0.0],
    W2 = [[1.0], [-1.0]], b2 = [0.0, 0.0] and context = [[0]], the hidden
    unit is tanh(1.0) = 0.7616 and the logits are [[0.7616, -0.7616]].
    """
    # TODO: the joined vectors, the hidden layer, the output layer.
    raise NotImplementedError("forward is not written yet")


def train_step(params: dict[str, Tensor], optimizer, context: np.ndarray, targets: np.ndarray) -> float:
    """One step of minibatch training on this batch; returns the batch's loss before the update.

    The loss is the mean cross-entropy of forward(params, context) against
    `targets` (F.cross_entropy). backward() ADDS into every parameter's
    .grad, as in PyTorch, so the step must update the parameters with the
    gradient of this batch's loss alone, whatever .grad held before the call.
    `optimizer` (SGD or Adam over the parameters) has zero_grad() and step().

    Example: a batch whose logits all equal 0 has loss ln 27 = 3.2958 for
    any targets; that is the number returned, before the parameters move.
    """
    # TODO: the loss of this batch, its gradients, one update; return the loss as a float.
    raise NotImplementedError("train_step is not written yet")
