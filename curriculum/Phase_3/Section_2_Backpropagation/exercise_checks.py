"""Checks for the section 3.2 exercise: each delta and gradient against the Tensor engine and central differences."""

from __future__ import annotations

import numpy as np

from learnpath.exercises import expect_close, expect_equal, for_all, st, task
from learnpath.nn import Tensor


def _network(seed: int, n: int = 4, hidden: int = 3, outputs: int = 1):
    """A random two-layer sigmoid network and batch: X (n, 2), Y (n, outputs) and the weights.

    Several outputs matter: with one, delta2 is a column and an entry-by-entry
    product with W2's transpose broadcasts to the same numbers as the matrix
    product; with two or more it does not.
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 1.0, (n, 2))
    Y = rng.integers(0, 2, (n, outputs)).astype(float)
    weights = {"W1": rng.normal(0.0, 1.0, (2, hidden)), "b1": rng.normal(0.0, 0.5, hidden),
               "W2": rng.normal(0.0, 1.0, (hidden, outputs)), "b2": rng.normal(0.0, 0.5, outputs)}
    return X, Y, weights


def _tensor_pass(X, Y, weights):
    """The forward pass on Tensors, backward() once: every intermediate and its gradient."""
    t = {name: Tensor(value) for name, value in weights.items()}
    Z1 = Tensor(X, requires_grad=False) @ t["W1"] + t["b1"]
    H = Z1.sigmoid()
    Z2 = H @ t["W2"] + t["b2"]
    P = Z2.sigmoid()
    loss = ((P - Y) ** 2).mean()
    loss.backward()
    return {"Z1": Z1, "H": H, "Z2": Z2, "P": P, "loss": loss, **t}


def _loss(X, Y, weights):
    H = 1.0 / (1.0 + np.exp(-(X @ weights["W1"] + weights["b1"])))
    P = 1.0 / (1.0 + np.exp(-(H @ weights["W2"] + weights["b2"])))
    return float(np.mean((P - Y) ** 2))


def _expect_array(got, expected, what: str):
    got = np.asarray(got, dtype=float)
    expect_equal(got.shape, expected.shape, what=f"shape of {what}")
    expect_close(got, expected, what=what, rel=1e-9, abs=1e-12)


def _expect_unchanged(given: dict, originals: dict, call: str):
    """The arrays a task was given must be as they were: it returns new ones."""
    for name, array in given.items():
        expect_close(array, originals[name], rel=0, abs=0,
                     what=f"{name} after {call} (it must not change the arrays it is given)")


@task("output-delta", "The delta of the output layer",
      hints=["The loss is a mean over n rows: differentiate one row's square with respect to its P, then keep the 1/n of the mean.",
             "The chain rule multiplies that by dP/dZ2, the sigmoid's slope P (1 - P)."])
def check_output_delta(ex):
    _expect_array(ex.output_delta(np.array([[0.5]]), np.array([[1.0]])), np.array([[-0.25]]),
                  "output_delta(P=[[0.5]], Y=[[1.0]])")

    def one_case(seed, n):
        X, Y, weights = _network(seed, n)
        t = _tensor_pass(X, Y, weights)
        P, Y_given = t["P"].data.copy(), Y.copy()
        delta2 = ex.output_delta(P, Y_given)
        _expect_unchanged({"P": P, "Y": Y_given}, {"P": t["P"].data, "Y": Y}, "output_delta")
        _expect_array(delta2, t["Z2"].grad,
                      f"output_delta on a random batch of {n} rows (seed {seed}) vs the Tensor engine's dloss/dZ2")

    for_all(st.integers(0, 10_000), st.integers(1, 8), max_examples=25)(one_case)


@task("hidden-delta", "The delta of the hidden layer",
      hints=["Each hidden unit j fed the output through the weight W2[j, 0]: its share is delta2 times that weight.",
             ("For all units, rows and outputs at once that is one matrix product of delta2 with W2:"
              " which of the two needs transposing so that (n, outputs) meets (outputs, hidden)?"),
             "Then multiply by the hidden sigmoid's slope, H (1 - H), entry by entry."])
def check_hidden_delta(ex):
    _expect_array(ex.hidden_delta(np.array([[-0.25]]), np.array([[2.0], [-1.0]]), np.array([[0.5, 0.5]])),
                  np.array([[-0.125, 0.0625]]), "hidden_delta(delta2=[[-0.25]], W2=[[2], [-1]], H=[[0.5, 0.5]])")

    # Two outputs: each hidden unit's blame is the sum over both outputs it feeds.
    _expect_array(ex.hidden_delta(np.array([[1.0, 2.0]]), np.array([[1.0, 3.0], [-1.0, 0.5]]),
                                  np.array([[0.5, 0.5]])),
                  np.array([[(1.0 * 1.0 + 2.0 * 3.0) * 0.25, (1.0 * -1.0 + 2.0 * 0.5) * 0.25]]),
                  "hidden_delta(delta2=[[1, 2]], W2=[[1, 3], [-1, 0.5]], H=[[0.5, 0.5]]) (two outputs)")

    def one_case(seed, n, hidden, outputs):
        X, Y, weights = _network(seed, n, hidden, outputs)
        t = _tensor_pass(X, Y, weights)
        args = {"delta2": t["Z2"].grad.copy(), "W2": weights["W2"].copy(), "H": t["H"].data.copy()}
        got = ex.hidden_delta(args["delta2"], args["W2"], args["H"])
        _expect_unchanged(args, {"delta2": t["Z2"].grad, "W2": weights["W2"], "H": t["H"].data}, "hidden_delta")
        _expect_array(got, t["Z1"].grad,
                      f"hidden_delta on {n} rows, {hidden} hidden unit{'' if hidden == 1 else 's'}, "
                      f"{outputs} output{'' if outputs == 1 else 's'} (seed {seed}) vs the Tensor engine's dloss/dZ1")

    for_all(st.integers(0, 10_000), st.integers(1, 8), st.integers(1, 5), st.integers(1, 3),
            max_examples=30)(one_case)
    one_case(0, 3, 3, 3)  # square W2 and as many rows as outputs: where a wrong shape can pass unnoticed


@task("weight-grads", "From deltas to weight gradients",
      hints=["A weight W[i, j] multiplies input i and feeds unit j: its gradient sums input_i * delta_j over the rows.",
             ("That sum over rows is one matrix product of the layer's input with its delta;"
              " the result must be shaped like the weight matrix."),
             "For a bias: how many times does each example's delta reach it, and what does that make its gradient over the batch?"])
def check_weight_gradients(ex):
    X, H = np.array([[1.0, 2.0]]), np.array([[0.5, 0.5]])
    got = ex.weight_gradients(X, H, np.array([[-0.125, 0.0625]]), np.array([[-0.25]]))
    _expect_array(got["W1"], np.array([[-0.125, 0.0625], [-0.25, 0.125]]), "W1 of the docstring example")
    _expect_array(got["b1"], np.array([-0.125, 0.0625]), "b1 of the docstring example")
    _expect_array(got["W2"], np.array([[-0.125], [-0.125]]), "W2 of the docstring example")
    _expect_array(got["b2"], np.array([-0.25]), "b2 of the docstring example")

    def one_case(seed, n, hidden, outputs):
        X, Y, weights = _network(seed, n, hidden, outputs)
        t = _tensor_pass(X, Y, weights)
        args = {"X": X.copy(), "H": t["H"].data.copy(), "delta1": t["Z1"].grad.copy(), "delta2": t["Z2"].grad.copy()}
        got = ex.weight_gradients(args["X"], args["H"], args["delta1"], args["delta2"])
        _expect_unchanged(args, {"X": X, "H": t["H"].data, "delta1": t["Z1"].grad, "delta2": t["Z2"].grad},
                          "weight_gradients")
        shape = (f"{n} rows, {hidden} hidden unit{'' if hidden == 1 else 's'}, "
                 f"{outputs} output{'' if outputs == 1 else 's'} (seed {seed})")
        for name in ("W1", "b1", "W2", "b2"):
            _expect_array(got[name], t[name].grad, f"d loss/d {name} on {shape} vs the Tensor engine")
        # Central differences: nudge one weight of each array, independent of any backward code.
        for name in ("W1", "b1", "W2", "b2"):
            index = tuple(0 for _ in weights[name].shape)
            up = {k: v.copy() for k, v in weights.items()}
            down = {k: v.copy() for k, v in weights.items()}
            up[name][index] += 1e-6
            down[name][index] -= 1e-6
            numeric = (_loss(X, Y, up) - _loss(X, Y, down)) / 2e-6
            expect_close(float(np.asarray(got[name])[index]), numeric, rel=1e-5, abs=1e-8,
                         what=f"d loss/d {name}{list(index)} vs central differences on {shape}")

    for_all(st.integers(0, 10_000), st.integers(1, 8), st.integers(1, 5), st.integers(1, 3),
            max_examples=30)(one_case)
