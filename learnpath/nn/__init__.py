"""learnpath.nn: the from-scratch neural network library the curriculum explains.

The scalar engine (Value, and Neuron, Layer, MLP built from it) is pure Python
and imported here. Tensor needs NumPy, so it is imported only when first asked
for: a Phase 1 experiment, or the `learnpath` command itself, does not pay for
NumPy.
"""

from learnpath.nn.modules import MLP, Layer, Neuron, sum_values, weighted_sum
from learnpath.nn.value import Value

__all__ = ["Value", "sum_values", "weighted_sum", "Neuron", "Layer", "MLP", "Tensor"]


def __getattr__(name: str):
    # Called only for names not defined above (PEP 562): here, Tensor.
    if name == "Tensor":
        from learnpath.nn.tensor import Tensor

        return Tensor
    raise AttributeError(f"module 'learnpath.nn' has no attribute {name!r}")
