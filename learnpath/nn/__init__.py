"""learnpath.nn: the from-scratch neural network library the curriculum explains.

The scalar engine (Value, and Neuron, Layer, MLP built from it) is pure Python
and imported here. Everything on Tensor needs NumPy, so it is imported only
when first asked for: a Phase 1 experiment, or the `learnpath` command
itself, does not pay for NumPy.

Two names mean different things on the two engines. `MLP` here is Phase 2's
MLP of Values (learnpath.nn.modules); the Tensor MLP is
`learnpath.nn.layers.MLP`. `Module` here is the Tensor Module (PyTorch's
nn.Module contract, learnpath.nn.layers); the scalar one is
`learnpath.nn.modules.Module`.
"""

from learnpath.nn.modules import MLP, Layer, Neuron, sum_values, weighted_sum
from learnpath.nn.value import Value

# Each lazily imported name, and the module that defines it.
_LAZY = {
    "Tensor": "tensor",
    "Parameter": "parameter",
    "no_grad": "tensor",
    "Module": "layers",
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

__all__ = ["Value", "sum_values", "weighted_sum", "Neuron", "Layer", "MLP", *_LAZY]


def __getattr__(name: str):
    # Called only for names not defined above (PEP 562): the Tensor side of the library.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"learnpath.nn.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'learnpath.nn' has no attribute {name!r}")
