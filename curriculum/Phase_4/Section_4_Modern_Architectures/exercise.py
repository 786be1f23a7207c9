"""Section 4.4 exercise: the transformer block's forward pass, from the library's parts.

Two tasks. Each function below raises NotImplementedError until you write it.
Check your work with:  learnpath exercise 4.4
Ask for a hint with:   learnpath hint 4.4 TASK_ID   (task ids: attention-sublayer, mlp-sublayer)

`block` is a learnpath.nn.Block: its parts are already built, with their weights.
    block.norm1, block.norm2         LayerNorm modules
    block.self_attn                  causal MultiHeadAttention
    block.linear1, block.linear2     the MLP's two Linear layers (width -> 4 x width -> width)
    block.activation                 GELU
Call a part like a function: block.norm1(x). x is a Tensor (batch, time, width).
The checks compare your functions with block(x) itself, from the same weights.
"""

from __future__ import annotations

from learnpath.nn import Block, Tensor


def attention_sublayer(block: Block, x: Tensor) -> Tensor:
    """The first half of the block: normalise, attend, and add the result back to x.

    Pre-layer-norm, as in GPT-2: the layer norm comes first, inside the branch,
    and the branch's output is added to the untouched x (the residual stream).
    """
    # TODO: one line: x plus the attention of the normalised x.
    raise NotImplementedError("attention_sublayer: x + attention(norm1(x))")


def mlp_sublayer(block: Block, x: Tensor) -> Tensor:
    """The second half: normalise, widen to 4 x width, GELU, narrow back, and add to x."""
    # TODO: the same shape as the attention half, with the MLP's four parts in the branch.
    raise NotImplementedError("mlp_sublayer: x + linear2(activation(linear1(norm2(x))))")


def block_forward(block: Block, x: Tensor) -> Tensor:
    """The whole block: the attention half, then the MLP half. Given, not a task."""
    return mlp_sublayer(block, attention_sublayer(block, x))
