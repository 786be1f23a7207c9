"""ScalarNeuron, ScalarLayer and ScalarMLP: a neural network built out of Values.

"Scalar" because every number is its own Value (Phases 1 and 2); the Tensor
layers of Phases 3 and 4 (learnpath.nn.layers: Linear, MLP, Module) hold
whole arrays. The prefix keeps the two from being mistaken for each other:
one name, one thing.

A neuron takes a weighted sum of its inputs plus a bias and, in hidden layers,
passes it through ReLU. A layer is a list of neurons that all read the same
inputs. A multi-layer perceptron (MLP) feeds each layer's outputs to the next.
Because every weight is a Value, one call to `loss.backward()` fills in the
gradient of the loss with respect to every weight of the network.

Starting weights come from `random.uniform(-1, 1)`, drawn in the same order as
micrograd 0.1.0 draws them (layer by layer, neuron by neuron, the weights of a
neuron before the next neuron; biases start at zero and draw nothing). So after
the same `random.seed(...)` both libraries start from identical weights, and a
side-by-side run can be compared number for number.

The two fused helpers below, sum_values and weighted_sum, make one node where
the binary operators would make many. They add speed, not ideas: the same
floats and gradients as chains of + and *, in far fewer nodes.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from learnpath.nn.value import Number, Value, as_value


# ----------------------------------------------------------------------
# Fused nodes: one node where the binary operators would make many (for speed).
# ----------------------------------------------------------------------


def sum_values(values: Iterable[Value | Number], start: Number = 0.0) -> Value:
    """start + v1 + v2 + ... as a single node (every local derivative is 1)."""
    nodes = tuple(as_value(v) for v in values)
    total = float(start)
    for node in nodes:  # added left to right, like Python's sum(), so the float result matches it
        total += node.data
    return Value(total, nodes, (1.0,) * len(nodes), "sum")


def weighted_sum(
    weights: Sequence[Value], inputs: Sequence[Value | Number], bias: Value | Number = 0.0
) -> Value:
    """bias + w1*x1 + w2*x2 + ... as a single node: the body of a neuron.

    d/d(wi) = xi, d/d(xi) = wi, d/d(bias) = 1. The sum runs in the same order as
    `sum((w*x for w, x in zip(weights, inputs)), bias)`, so the float result is
    the same as the binary-operator version, to the last bit.
    """
    if len(weights) != len(inputs):
        raise ValueError(f"weighted_sum got {len(weights)} weights but {len(inputs)} inputs")
    bias = as_value(bias)
    # as_value written out in place: this line runs for every input of every neuron.
    inputs = [x if isinstance(x, Value) else Value(x) for x in inputs]
    weight_data = [w.data for w in weights]
    input_data = [x.data for x in inputs]
    total = bias.data
    for w, x in zip(weight_data, input_data):
        total += w * x
    parents = (bias, *weights, *inputs)
    local_grads = (1.0, *input_data, *weight_data)
    return Value(total, parents, local_grads, "wsum")


class ScalarModule:
    """Anything with trainable parameters: it can list them and reset their gradients."""

    def parameters(self) -> list[Value]:
        """Every trainable Value, in a fixed order."""
        return []

    def zero_grad(self) -> None:
        """Set every parameter's gradient to zero. Call it before each backward().

        backward() adds into the gradients of the parameters (as PyTorch and
        micrograd do), so without this each step would use the sum of every
        gradient so far. A Value's gradient is a number, so "cleared" is 0.0
        here (a Tensor's is None, see layers.Module.zero_grad).
        """
        for p in self.parameters():
            p.grad = 0.0


class ScalarNeuron(ScalarModule):
    """relu(b + w1*x1 + ... + wn*xn), or without the relu when nonlin is False."""

    def __init__(self, nin: int, nonlin: bool = True) -> None:
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)  # a zero bias: the neuron starts out unbiased, and draws no random number
        self.nonlin = nonlin

    def __call__(self, x: Sequence[Value | Number]) -> Value:
        # One fused node for the whole sum (see weighted_sum): the same number
        # as adding the products one by one, with far fewer nodes to walk.
        activation = weighted_sum(self.w, x, self.b)
        return activation.relu() if self.nonlin else activation

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]

    def __repr__(self) -> str:
        # Each repr here is the call that builds an object of the same shape.
        return f"ScalarNeuron({len(self.w)}{'' if self.nonlin else ', nonlin=False'})"


class ScalarLayer(ScalarModule):
    """nout neurons reading the same nin inputs; returns a list of outputs (one Value if nout is 1)."""

    def __init__(self, nin: int, nout: int, nonlin: bool = True) -> None:
        self.nin = nin
        self.nonlin = nonlin
        self.neurons = [ScalarNeuron(nin, nonlin=nonlin) for _ in range(nout)]

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        outputs = [neuron(x) for neuron in self.neurons]
        # A single output is returned bare, so a network ending in one neuron gives a score, not a list.
        return outputs[0] if len(outputs) == 1 else outputs

    def parameters(self) -> list[Value]:
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def __repr__(self) -> str:
        return f"ScalarLayer({self.nin}, {len(self.neurons)}{'' if self.nonlin else ', nonlin=False'})"


class ScalarMLP(ScalarModule):
    """Layers of sizes nouts on nin inputs: ReLU in every hidden layer, a linear last layer.

    The last layer stays linear so the network can output any number, such as
    a score whose sign is the predicted class.
    """

    def __init__(self, nin: int, nouts: Sequence[int]) -> None:
        if len(nouts) == 0:
            raise ValueError("ScalarMLP needs at least one layer size, e.g. ScalarMLP(2, [16, 16, 1])")
        self.nin = nin
        sizes = [nin, *nouts]
        self.layers = [ScalarLayer(sizes[i], sizes[i + 1]) for i in range(len(nouts) - 1)]  # hidden: ReLU
        self.layers.append(ScalarLayer(sizes[-2], sizes[-1], nonlin=False))  # output: linear

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"ScalarMLP({self.nin}, {[len(layer.neurons) for layer in self.layers]})"
