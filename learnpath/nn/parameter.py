"""Parameter: a Tensor that a Module trains.

A model holds two kinds of arrays. Parameters are what training adjusts:
weights, biases, embedding tables. Everything else a module keeps (a causal
mask, a cached constant, the last attention weights for a picture) must be
left alone by the optimizer. PyTorch tells them apart by type, and so do we:
a Module's `parameters()` lists the Parameters stored on it and nothing else,
so caching a plain Tensor on a module never makes it trainable by accident.
State that is not trained but belongs with the model when it is saved (the
causal mask) is registered as a buffer: Module.register_buffer.

A Parameter is a Tensor in every other way: the operations, the gradient,
backward(). The result of an operation on a Parameter is a plain Tensor
(an intermediate of the graph, not something to train).
"""

from __future__ import annotations

from learnpath.nn.tensor import ArrayLike, Tensor


class Parameter(Tensor):
    """A Tensor that a Module registers as trainable: Parameter(array) keeps its own copy, with requires_grad=True."""

    __slots__ = ()

    def __init__(self, data: ArrayLike, requires_grad: bool = True, *, dtype=None, copy: bool = True) -> None:
        super().__init__(data, requires_grad, dtype=dtype, copy=copy)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
