"""Section 4.1 exercise: the character MLP's embedding lookup and its batched forward pass.

Two tasks. Each function below raises NotImplementedError until you write it.
Check your work with:  learnpath exercise 4.1
Ask for a hint with:   learnpath hint 4.1 TASK_ID   (task ids: embed-context, forward)

Shapes, for a batch of B examples, a context of T characters, vectors of D
numbers per character, H hidden units and V tokens in the vocabulary:
    table   (V, D)        one learned vector per character
    context (B, T)        integer ids of the previous T characters
    W1 (H, T*D), b1 (H,)  the hidden layer, weights stored (out, in) as Linear does
    W2 (V, H),   b2 (V,)  the output layer
Everything is a Tensor except `context`, a NumPy array of integers. Use Tensor
operations only (indexing, reshape, @, .T, +, .tanh()), so that backward()
reaches every parameter.
"""

from __future__ import annotations

import numpy as np

from learnpath.nn import Tensor


def embed_context(table: Tensor, context: np.ndarray) -> Tensor:
    """The vectors of each example's context characters, side by side: shape (B, T * D).

    Row b is table[context[b, 0]], then table[context[b, 1]], ..., joined end to end.

    Example: table = [[0, 1], [2, 3], [4, 5]] (V = 3, D = 2) and
    context = [[2, 0], [1, 1]] give [[4, 5, 0, 1], [2, 3, 2, 3]].
    """
    # TODO: index the table with the whole context array at once, then reshape to (B, T * D).
    raise NotImplementedError("embed_context: look up every id of the context and join each example's vectors")


def forward(table: Tensor, W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor, context: np.ndarray) -> Tensor:
    """The scores for the next character of every example: shape (B, V).

    x = embed_context(table, context); h = tanh(x @ W1.T + b1); logits = h @ W2.T + b2.
    The whole batch goes through each layer in one matrix product.

    Example: with T = 1, D = 1, table = [[0.5]], W1 = [[2.0]], b1 = [0.0],
    W2 = [[1.0], [-1.0]], b2 = [0.0, 0.0] and context = [[0]]:
    h = tanh(0.5 * 2) = 0.7616, logits = [[0.7616, -0.7616]].
    """
    # TODO: three lines, one per layer, for the whole batch at once.
    raise NotImplementedError("forward: embed, then the tanh layer, then the output layer")
