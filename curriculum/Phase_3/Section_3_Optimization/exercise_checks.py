"""Checks for the section 3.3 exercise: step for step against the library's SGD with momentum and Adam."""

from __future__ import annotations

import numpy as np

from learnpath.exercises import expect_close, for_all, st, task
from learnpath.nn import Tensor
from learnpath.nn.optim import SGD, Adam


def _gradients(seed: int, steps: int, shape: tuple[int, ...]) -> list[np.ndarray]:
    """A fixed sequence of gradients of mixed sizes, the same for the learner and the library."""
    rng = np.random.default_rng(seed)
    return [rng.normal(0.0, 1.0, shape) * 10.0 ** rng.integers(-3, 3) for _ in range(steps)]


def _expect_unchanged(before: dict, after: dict, call: str):
    """The caller's arrays must be as they were: the step returns new ones."""
    for name, original in before.items():
        expect_close(after[name], original, rel=0, abs=0,
                     what=f"the caller's {name} after {call} (the function must return new arrays, "
                          "not change the ones it was given)")


@task("momentum-step", "Gradient descent with momentum",
      hints=["The velocity is updated first, and the parameter moves with the new velocity.",
             "The new velocity is mu times the old one plus the gradient (no factor in front of the gradient).",
             "Check the direction with the docstring's example: a positive velocity must lower the parameter."])
def check_momentum(ex):
    args = {"param": np.array([1.0, -2.0]), "grad": np.array([2.0, 0.5]), "velocity": np.array([0.5, 1.0])}
    copies = {name: value.copy() for name, value in args.items()}
    ex.momentum_step(args["param"], args["grad"], args["velocity"], 0.1, 0.9)
    _expect_unchanged(copies, args, "momentum_step([1, -2], [2, 0.5], [0.5, 1], lr=0.1, mu=0.9)")
    param, velocity = ex.momentum_step(np.array([1.0]), np.array([2.0]), np.array([0.5]), 0.1, 0.9)
    expect_close(velocity, np.array([2.45]), what="velocity after momentum_step([1.0], [2.0], [0.5], lr=0.1, mu=0.9)")
    expect_close(param, np.array([0.755]), what="param after momentum_step([1.0], [2.0], [0.5], lr=0.1, mu=0.9)")

    def one_case(seed, lr, mu):
        start = np.random.default_rng(seed + 1).normal(0.0, 1.0, (2, 3))
        reference = Tensor(start)
        optimizer = SGD([reference], lr=lr, momentum=mu)
        param, velocity = start.copy(), np.zeros_like(start)
        for k, g in enumerate(_gradients(seed, 6, start.shape)):
            reference.grad = g
            optimizer.step()
            param, velocity = ex.momentum_step(param, g, velocity, lr, mu)
            expect_close(param, reference.data, rel=1e-9, abs=1e-12,
                         what=f"param after step {k + 1} (lr {lr!r}, mu {mu!r}, gradients from seed {seed}) "
                              "vs learnpath.nn.optim.SGD(momentum=mu)")

    for_all(st.integers(0, 10_000), st.floats(0.001, 0.5), st.floats(0.1, 0.99), max_examples=30)(one_case)


@task("adam-step", "Adam, with bias correction",
      hints=["m and v are updated first, each a weighted average of its old value and the new gradient (or its square).",
             ("For the correction, follow one constant gradient g from m = 0 for two or three steps: what fraction"
              " of g is m after step t? The corrected m must be exactly g; v works the same way with beta2."),
             ("Check the docstring's two steps in numbers; eps is added after the square root, and the m and v"
              " you return are the ones before correction.")])
def check_adam(ex):
    args = {"param": np.array([1.0, -2.0]), "grad": np.array([4.0, -0.5]), "m": np.array([0.1, 0.2]),
            "v": np.array([0.3, 0.4])}
    copies = {name: value.copy() for name, value in args.items()}
    ex.adam_step(args["param"], args["grad"], args["m"], args["v"], 3, 0.1)
    _expect_unchanged(copies, args, "adam_step([1, -2], [4, -0.5], m=[0.1, 0.2], v=[0.3, 0.4], t=3, lr=0.1)")
    param, m, v = ex.adam_step(np.array([1.0]), np.array([4.0]), np.zeros(1), np.zeros(1), 1, 0.1)
    expect_close(m, np.array([0.4]), what="m after the first adam_step with grad [4.0]")
    expect_close(v, np.array([0.016]), what="v after the first adam_step with grad [4.0]")
    expect_close(param, np.array([0.9]), what="param after the first adam_step from [1.0] with grad [4.0], lr 0.1")
    param, m, v = ex.adam_step(param, np.array([2.0]), m, v, 2, 0.1)
    expect_close(m, np.array([0.56]), what="m after the second adam_step (t = 2) with grad [2.0], from m [0.4]")
    expect_close(v, np.array([0.019984]), what="v after the second adam_step (t = 2) with grad [2.0], from v [0.016]")
    expect_close(param, np.array([0.8067820364136851]), rel=1e-9,
                 what="param after the second adam_step (t = 2) from [0.9] with grad [2.0], lr 0.1")

    def one_case(seed, lr, beta1, beta2):
        start = np.random.default_rng(seed + 1).normal(0.0, 1.0, (3,))
        reference = Tensor(start)
        optimizer = Adam([reference], lr=lr, betas=(beta1, beta2))
        param, m, v = start.copy(), np.zeros_like(start), np.zeros_like(start)
        for t, g in enumerate(_gradients(seed, 8, start.shape), start=1):
            reference.grad = g
            optimizer.step()
            param, m, v = ex.adam_step(param, g, m, v, t, lr, beta1, beta2)
            expect_close(param, reference.data, rel=1e-9, abs=1e-12,
                         what=f"param after step {t} (lr {lr!r}, betas ({beta1!r}, {beta2!r}), "
                              f"gradients from seed {seed}) vs learnpath.nn.optim.Adam")

    for_all(st.integers(0, 10_000), st.floats(0.001, 0.5), st.floats(0.5, 0.99), st.floats(0.9, 0.9999),
            max_examples=30)(one_case)
