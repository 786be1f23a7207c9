"""The scalar engine (Value MLP) and the array engine (Tensor MLP with the same weights) give the same losses and gradients."""

from __future__ import annotations

import random

import numpy as np
import pytest

from learnpath.nn import losses
from learnpath.nn.scalar import ScalarMLP
from learnpath.nn.tensor import Tensor


def tensor_copy(model: ScalarMLP) -> list[tuple[Tensor, Tensor]]:
    """(W, b) per layer with W[:, j] = neuron j's weights, so x @ W + b is the layer's output."""
    layers = []
    for layer in model.layers:
        W = np.array([[w.data for w in neuron.w] for neuron in layer.neurons]).T
        b = np.array([neuron.b.data for neuron in layer.neurons])
        layers.append((Tensor(W), Tensor(b)))
    return layers


def tensor_forward(layers: list[tuple[Tensor, Tensor]], X: np.ndarray) -> Tensor:
    h = Tensor(X, requires_grad=False)
    for i, (W, b) in enumerate(layers):
        h = h @ W + b
        if i < len(layers) - 1:
            h = h.relu()  # hidden layers use ReLU, the last one is linear, as in MLP
    return h


def tensor_grads_in_value_order(layers: list[tuple[Tensor, Tensor]]) -> list[float]:
    """The Tensor gradients listed as ScalarMLP.parameters() lists Values: per neuron, its weights then its bias."""
    grads = []
    for W, b in layers:
        for j in range(W.shape[1]):
            grads.extend(W.grad[:, j])
            grads.append(b.grad[j])
    return grads


def tensor_params(layers):
    return [t for pair in layers for t in pair]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hinge_plus_l2_on_a_binary_classifier(seed):
    """ScalarMLP(3, [6, 5, 1]) on 8 points, hinge + 1e-3 L2: same loss and every parameter's gradient on both engines."""
    random.seed(seed)
    model = ScalarMLP(3, [6, 5, 1])
    layers = tensor_copy(model)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(8, 3))
    y = np.where(rng.random(8) < 0.5, -1.0, 1.0)

    scores = [model(list(row)) for row in X.tolist()]
    value_loss = losses.hinge(scores, list(y)) + losses.l2_penalty(model.parameters(), 1e-3)
    value_loss.backward()

    out = tensor_forward(layers, X).reshape(-1)
    tensor_loss = losses.hinge(out, y) + losses.l2_penalty(tensor_params(layers), 1e-3)
    tensor_loss.backward()

    assert tensor_loss.item() == pytest.approx(value_loss.data, rel=1e-12)
    value_grads = [p.grad for p in model.parameters()]
    assert any(g != 0.0 for g in value_grads)
    np.testing.assert_allclose(tensor_grads_in_value_order(layers), value_grads, rtol=1e-10, atol=1e-14)


def test_cross_entropy_on_a_three_class_network():
    """ScalarMLP(2, [8, 3]) with cross-entropy over 3 classes: same loss and gradients on both engines."""
    random.seed(7)
    model = ScalarMLP(2, [8, 3])
    layers = tensor_copy(model)
    rng = np.random.default_rng(7)
    X = rng.normal(size=(10, 2))
    targets = rng.integers(0, 3, size=10)

    value_loss = losses.cross_entropy([model(list(row)) for row in X.tolist()], targets.tolist())
    value_loss.backward()
    tensor_loss = losses.cross_entropy(tensor_forward(layers, X), targets)
    tensor_loss.backward()

    assert tensor_loss.item() == pytest.approx(value_loss.data, rel=1e-12)
    np.testing.assert_allclose(
        tensor_grads_in_value_order(layers), [p.grad for p in model.parameters()], rtol=1e-10, atol=1e-14
    )


def test_same_training_trajectory_with_sgd():
    """Five SGD steps of mse training with learnpath.nn.optim give the same losses on both engines."""
    from learnpath.nn.optim import SGD

    random.seed(3)
    model = ScalarMLP(2, [4, 1])
    layers = tensor_copy(model)
    rng = np.random.default_rng(3)
    X = rng.normal(size=(6, 2))
    y = rng.normal(size=6)
    value_opt = SGD(model.parameters(), lr=0.05, momentum=0.5)
    tensor_opt = SGD(tensor_params(layers), lr=0.05, momentum=0.5)
    for _ in range(5):
        value_loss = losses.mse([model(list(row)) for row in X.tolist()], list(y))
        value_opt.zero_grad()
        value_loss.backward()
        value_opt.step()
        tensor_loss = losses.mse(tensor_forward(layers, X).reshape(-1), y)
        tensor_opt.zero_grad()
        tensor_loss.backward()
        tensor_opt.step()
        assert tensor_loss.item() == pytest.approx(value_loss.data, rel=1e-10)


def test_both_engines_walk_the_same_graph_in_the_same_order():
    """The same expression on Values and on Tensors gives the same ops, parents and topological order: one vocabulary."""
    from learnpath.nn.value import Value

    def expression(a, b, c):
        return ((a * b + c).tanh() - a / c).relu() * b

    values = [Value(x) for x in (0.5, -1.5, 2.0)]
    tensors = [Tensor(x) for x in (0.5, -1.5, 2.0)]
    for engine_inputs in (values, tensors):
        for node, name in zip(engine_inputs, "abc"):
            node.label = name

    def described(root) -> list[tuple[str, list[int]]]:
        order = root.topological_order()
        position = {id(node): i for i, node in enumerate(order)}
        return [(node.op or node.label, [position[id(p)] for p in node.parents]) for node in order]

    value_out, tensor_out = expression(*values), expression(*tensors)
    assert described(value_out) == described(tensor_out)
    value_out.backward()
    tensor_out.backward()
    assert [v.grad for v in values] == pytest.approx([t.grad.item() for t in tensors], rel=1e-14)
