"""Tests for learnpath.nn.scalar: ScalarNeuron, ScalarLayer and ScalarMLP, and their match with micrograd 0.1.0."""

from __future__ import annotations

import math
import random

import pytest

from learnpath.nn.scalar import ScalarLayer, ScalarMLP, ScalarModule, ScalarNeuron
from learnpath.nn import Value, sum_values


def test_neuron_is_relu_of_a_weighted_sum_or_linear():
    """A Neuron computes relu(b + sum w*x), and the same without relu when nonlin is False."""
    random.seed(0)
    relu_neuron = ScalarNeuron(3)
    linear_neuron = ScalarNeuron(3, nonlin=False)
    for neuron in (relu_neuron, linear_neuron):
        neuron.b.data = -0.25
    x = [0.5, -1.0, 2.0]
    for neuron, squash in ((relu_neuron, lambda z: max(z, 0.0)), (linear_neuron, lambda z: z)):
        expected = neuron.b.data + sum(w.data * xi for w, xi in zip(neuron.w, x))
        assert neuron(x).data == pytest.approx(squash(expected), rel=1e-15)
    # Inputs pushing the sum far below zero: relu clips to 0, the linear neuron stays negative.
    assert relu_neuron([-1e3 * math.copysign(1.0, w.data) for w in relu_neuron.w]).data == 0.0
    assert linear_neuron([-1e3 * math.copysign(1.0, w.data) for w in linear_neuron.w]).data < 0.0


def test_neuron_accepts_plain_floats_and_values():
    """A Neuron gives the same output for plain float inputs as for Value inputs."""
    random.seed(1)
    neuron = ScalarNeuron(4)
    floats = [0.1, -0.2, 0.3, 0.4]
    assert neuron(floats).data == neuron([Value(x) for x in floats]).data


def test_weights_are_uniform_in_minus_one_to_one_and_biases_start_at_zero():
    """Weights come from random.uniform(-1, 1) in order; biases are 0 and draw nothing."""
    random.seed(42)
    model = ScalarMLP(3, [4, 2])
    random.seed(42)
    expected = [random.uniform(-1, 1) for _ in range(3 * 4 + 4 * 2)]
    drawn = [w.data for layer in model.layers for neuron in layer.neurons for w in neuron.w]
    assert drawn == expected
    assert all(neuron.b.data == 0.0 for layer in model.layers for neuron in layer.neurons)


def test_parameters_list_every_weight_and_bias_once():
    """ScalarMLP(2, [16, 16, 1]) has 337 parameters: each neuron's weights then its bias, layer by layer."""
    model = ScalarMLP(2, [16, 16, 1])
    params = model.parameters()
    assert len(params) == (2 * 16 + 16) + (16 * 16 + 16) + (16 + 1) == 337
    assert len({id(p) for p in params}) == 337
    first = model.layers[0].neurons[0]
    assert params[:3] == [*first.w, first.b]


def test_hidden_layers_use_relu_and_the_last_layer_is_linear():
    """Every neuron of a hidden layer is a ReLU neuron; the output layer's are linear."""
    model = ScalarMLP(2, [3, 4, 2])
    assert [n.nonlin for n in model.layers[0].neurons] == [True] * 3
    assert [n.nonlin for n in model.layers[1].neurons] == [True] * 4
    assert [n.nonlin for n in model.layers[2].neurons] == [False] * 2


def test_layer_returns_one_value_for_one_neuron_and_a_list_otherwise():
    """A layer of one neuron returns a bare Value; a wider layer returns a list."""
    assert isinstance(ScalarLayer(2, 1)([1.0, 2.0]), Value)
    outputs = ScalarLayer(2, 3)([1.0, 2.0])
    assert isinstance(outputs, list) and len(outputs) == 3


def test_zero_grad_clears_every_parameter():
    """zero_grad() sets every parameter's gradient back to 0."""
    model = ScalarMLP(2, [3, 1])
    model([1.0, -1.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    assert ScalarModule().parameters() == []


def test_repr_is_short_and_names_the_shape():
    """repr is the call that builds an object of the same shape, however big the network."""
    assert repr(ScalarNeuron(3)) == "ScalarNeuron(3)"
    assert repr(ScalarNeuron(3, nonlin=False)) == "ScalarNeuron(3, nonlin=False)"
    assert repr(ScalarLayer(2, 2, nonlin=False)) == "ScalarLayer(2, 2, nonlin=False)"
    assert repr(ScalarMLP(2, [16, 16, 1])) == "ScalarMLP(2, [16, 16, 1])"


def test_mlp_without_layers_is_refused():
    """ScalarMLP(2, []) has no output layer to make linear, so it is refused with an example of the right call."""
    with pytest.raises(ValueError, match=r"ScalarMLP\(2, \[16, 16, 1\]\)"):
        ScalarMLP(2, [])


def test_backward_reaches_every_parameter_through_the_network():
    """The gradient of an MLP's output with respect to a weight matches a numerical derivative."""
    random.seed(3)
    model = ScalarMLP(2, [4, 1])
    x = [0.4, -0.9]
    model(x).backward()
    for p in model.parameters():
        analytic = p.grad
        original = p.data
        h = 1e-6
        p.data = original + h
        up = model(x).data
        p.data = original - h
        down = model(x).data
        p.data = original
        assert analytic == pytest.approx((up - down) / (2 * h), abs=1e-7)


# ----------------------------------------------------------------------
# Against micrograd itself: same seed, same weights, same losses.
# ----------------------------------------------------------------------


def two_moons(n: int, noise: float, seed: int) -> tuple[list[list[float]], list[float]]:
    """A small two-moons set in pure Python, labels -1/+1 (the data only has to be the same for both engines)."""
    rng = random.Random(seed)
    points, labels = [], []
    half = n // 2
    for i in range(n):
        upper = i < half
        t = math.pi * (i % half) / (half - 1)
        x, y = (math.cos(t), math.sin(t)) if upper else (1 - math.cos(t), 0.5 - math.sin(t))
        points.append([x + rng.gauss(0, noise), y + rng.gauss(0, noise)])
        labels.append(-1.0 if upper else 1.0)
    return points, labels


def hinge_loss(model, points, labels, add_up):
    """micrograd demo's loss: mean(relu(1 - y*score)) + 1e-4 * sum(p*p); add_up sums a list of Values."""
    scores = [model(x) for x in points]
    margins = [(1 + -y * score).relu() for y, score in zip(labels, scores)]
    data_loss = add_up(margins) * (1.0 / len(margins))
    return data_loss + 1e-4 * add_up([p * p for p in model.parameters()])


def train(model, points, labels, add_up, steps):
    """Full-batch SGD at lr 1.0 - 0.9*k/100, as micrograd's demo does; returns the loss at each step."""
    losses = []
    for k in range(steps):
        loss = hinge_loss(model, points, labels, add_up)
        model.zero_grad()
        loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        losses.append(loss.data)
    return losses


def test_same_seed_gives_micrograds_starting_weights_and_forward_output():
    """After the same random.seed, ScalarMLP(2, [16, 16, 1]) starts with micrograd's weights and gives its output."""
    micrograd_nn = pytest.importorskip("micrograd.nn")
    random.seed(1337)
    theirs = micrograd_nn.MLP(2, [16, 16, 1])
    random.seed(1337)
    ours = ScalarMLP(2, [16, 16, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    for x in ([0.5, -0.25], [2.0, 1.0], [-1.5, 0.75]):
        assert ours(x).data == theirs(x).data


def test_same_loss_as_micrograd_step_for_step():
    """Training on two moons, our loss equals micrograd's at every step (to 1e-12) and the weights still agree.

    Twelve points, not the demo's hundred: every weight, ReLU and hinge term is
    exercised on each of them, and micrograd's own engine is the slow side.
    """
    micrograd_nn = pytest.importorskip("micrograd.nn")
    points, labels = two_moons(12, noise=0.1, seed=0)
    random.seed(1337)
    theirs = micrograd_nn.MLP(2, [16, 16, 1])
    random.seed(1337)
    ours = ScalarMLP(2, [16, 16, 1])
    their_losses = train(theirs, points, labels, sum, steps=3)
    our_losses = train(ours, points, labels, sum_values, steps=3)
    assert our_losses == pytest.approx(their_losses, rel=0, abs=1e-12)
    assert len(set(our_losses)) == 3  # the weights really moved between steps
    for mine, micro in zip(ours.parameters(), theirs.parameters()):
        assert mine.data == pytest.approx(micro.data, rel=0, abs=1e-12)
