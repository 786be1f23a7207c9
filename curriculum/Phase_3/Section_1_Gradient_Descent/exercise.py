"""Section 3.1 exercise: the descent loop and the learning-rate limit.

Two tasks. Run `learnpath exercise 3.1` to check them; `learnpath hint 3.1 TASK`
gives a hint at a time.

    descend        gradient descent from a start point, with a stopping rule
    critical-lr    the learning rate above which descent on a quadratic diverges

Points are tuples of floats, one number per coordinate, so the code works in
any number of dimensions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

Point = tuple[float, ...]


def descend(
    f: Callable[[Point], float],
    gradient: Callable[[Point], Point],
    start: Point,
    lr: float,
    target: float = 1e-8,
    max_steps: int = 10_000,
) -> list[Point]:
    """Walk downhill from `start` and return every point visited, `start` first.

    One update moves every coordinate against its own slope, by lr times that
    slope, all the slopes taken at the point being left. Before each update,
    look at f(point): stop (without updating) if it is below `target`
    (converged) or is not a finite number (inf or nan: the walk has diverged;
    `math.isfinite` tells). Never make more than `max_steps`
    updates. So the returned list holds at most max_steps + 1 points, and
    len(path) - 1 is the number of updates made.

    Example, f(p) = p[0]**2 with gradient (2 p[0],), start (1.0,), lr 0.25:
    each update halves p[0], so with target 0.1 the path is
    [(1.0,), (0.5,), (0.25,)]: f(0.25,) = 0.0625 is below 0.1, so it stops there.
    """
    # TODO: the loop. Keep a list of points; check f before each update.
    raise NotImplementedError("descend: write the descent loop")


def critical_learning_rate(curvatures: Sequence[float]) -> float:
    """The learning rate at which descent on a quadratic bowl stops converging.

    On f = (c1 x1**2 + c2 x2**2 + ...) / 2 with positive curvatures c_i, one
    step multiplies coordinate i by (1 - lr * c_i). The walk converges only if
    every one of these factors lies strictly between -1 and 1. Return the
    learning rate where the first of them reaches -1 (descent converges from
    every start for every lr between 0 and this value; above it, from every
    start that is not exactly 0 along the steepest direction, it diverges).

    Example: curvatures (1, 100), the valley of the section, give 0.02.
    """
    # TODO: which curvature hits the limit first?
    raise NotImplementedError("critical_learning_rate: find the largest stable step")
