"""learnpath.nn: the from-scratch neural network library the curriculum explains.

The scalar engine (Value, and ScalarNeuron, ScalarLayer, ScalarMLP built
from it in scalar.py) is pure Python and imported here. Everything on Tensor
needs NumPy, so it is imported only when first asked for: a Phase 1
experiment, or the `learnpath` command itself, does not pay for NumPy.

One name, one thing: `Module`, `MLP`, `Linear`, ... are the Tensor layers
(PyTorch's names, learnpath.nn.layers); the scalar ones carry the prefix
`Scalar`.
"""

from learnpath.nn.scalar import ScalarLayer, ScalarMLP, ScalarModule, ScalarNeuron, sum_values, weighted_sum
from learnpath.nn.value import Value

# Each lazily imported name, and the module that defines it.
_LAZY = {
    "Tensor": "tensor",
    "Parameter": "parameter",
    "no_grad": "tensor",
    "Module": "layers",
    "MLP": "layers",
    "Linear": "layers",
    "Embedding": "layers",
    "LayerNorm": "layers",
    "Dropout": "layers",
    "ReLU": "layers",
    "Tanh": "layers",
    "GELU": "layers",
    "Sequential": "layers",
    "MultiHeadAttention": "attention",
    "Block": "gpt",
    "GPT": "gpt",
    "AdamW": "optim",
    "clip_grad_norm_": "optim",
    "gradcheck": "gradient_check",
    "cross_entropy": "functional",
    "manual_seed": "init",
    "accuracy": "metrics",
    "confusion_matrix": "metrics",
    "CharVocab": "text",
    "generate": "sampling",
}

__all__ = ["Value", "sum_values", "weighted_sum", "ScalarModule", "ScalarNeuron", "ScalarLayer", "ScalarMLP", *_LAZY]


def __getattr__(name: str):
    # Called only for names not defined above (PEP 562): the Tensor side of the library.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"learnpath.nn.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'learnpath.nn' has no attribute {name!r}")
