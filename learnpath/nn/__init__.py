"""learnpath.nn: the from-scratch neural network library the curriculum explains.

The scalar engine (Value, Neuron, Layer, MLP) is pure Python. The NumPy parts
(Tensor and what is built on it) are imported on first use, so that a Phase 1
experiment, or the `learnpath` command itself, does not pay for NumPy.
"""

from learnpath.nn.value import Value, sum_values, weighted_sum

__all__ = ["Value", "sum_values", "weighted_sum", "Neuron", "Layer", "MLP", "Tensor"]

# name -> module that defines it; loaded when first asked for
_LAZY = {
    "Neuron": "learnpath.nn.modules",
    "Layer": "learnpath.nn.modules",
    "MLP": "learnpath.nn.modules",
    "Tensor": "learnpath.nn.tensor",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'learnpath.nn' has no attribute {name!r}")
