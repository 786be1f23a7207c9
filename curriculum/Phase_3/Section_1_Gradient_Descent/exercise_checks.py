"""Checks for the section 3.1 exercise: each task against a descent worked out here."""

from __future__ import annotations

import math

from learnpath.exercises import expect_close, expect_equal, for_all, st, task


def _valley(point):
    x, y = point
    return (x * x + 100.0 * y * y) / 2.0


def _valley_gradient(point):
    x, y = point
    return (x, 100.0 * y)


# The same valley turned by 45 degrees: along the diagonal x = y the floor is gentle, across it
# steep. Here each slope depends on both coordinates, so an update that changes one coordinate
# and then re-reads the gradient before changing the next walks a different path.
def _rotated_valley(point):
    x, y = point
    along, across = (x + y) / 2**0.5, (x - y) / 2**0.5
    return (along * along + 100.0 * across * across) / 2.0


def _rotated_valley_gradient(point):
    x, y = point
    return (50.5 * x - 49.5 * y, 50.5 * y - 49.5 * x)


def _expected_path(f, gradient, start, lr, target, max_steps):
    """The descent the task describes, written out plainly."""
    path = [tuple(start)]
    while len(path) - 1 < max_steps:
        value = f(path[-1])
        if value < target or not math.isfinite(value):
            break
        path.append(tuple(p - lr * g for p, g in zip(path[-1], gradient(path[-1]))))
    return path


def _compare_paths(got, expected, what):
    expect_equal(len(got), len(expected), what=f"number of points visited by {what}")
    for k, (g, e) in enumerate(zip(got, expected)):
        for i, (gi, ei) in enumerate(zip(g, e)):
            if math.isfinite(ei):
                expect_close(gi, ei, what=f"coordinate {i} of point {k} of {what}", rel=1e-12, abs=1e-12)


@task("descend", "The descent loop with a stopping rule",
      hints=["Start the list with the start point; every update appends one point.",
             "Look at f of the last point before each update: below target, or not finite, means stop.",
             "Take the gradient once per update, at the point you are leaving, and move every coordinate with it.",
             "A for loop over range(max_steps) can never make more than max_steps updates."])
def check_descend(ex):
    parabola = ex.descend(lambda p: p[0] * p[0], lambda p: (2 * p[0],), (1.0,), 0.25, target=0.1)
    _compare_paths(parabola, [(1.0,), (0.5,), (0.25,)],
                   "descend(f = x**2, start (1,), lr 0.25, target 0.1)")

    # f lands exactly on the target after one update: "below" is strict, so the walk goes on.
    exact = ex.descend(lambda p: p[0] * p[0], lambda p: (2 * p[0],), (1.0,), 0.25, target=0.25)
    _compare_paths(exact, [(1.0,), (0.5,), (0.25,)],
                   "descend(f = x**2, start (1,), lr 0.25, target 0.25): f(0.5,) = 0.25 is not below 0.25")

    for lr, expected_updates in ((0.019, 583), (2 / 101, 576), (0.01, 1112)):
        path = ex.descend(_valley, _valley_gradient, (10.0, 1.0), lr, max_steps=20_000)
        expect_equal(len(path) - 1, expected_updates,
                     what=f"updates until f < 1e-8 on the valley from (10, 1) with lr {lr:.4g}")

    capped = ex.descend(_valley, _valley_gradient, (10.0, 1.0), 0.02, max_steps=50)
    expect_equal(len(capped), 51, what="points visited with lr 0.02 (never converges) and max_steps 50")

    blown = ex.descend(_valley, _valley_gradient, (10.0, 1.0), 0.5, max_steps=10_000)
    expected = _expected_path(_valley, _valley_gradient, (10.0, 1.0), 0.5, 1e-8, 10_000)
    expect_equal(len(blown), len(expected),
                 what="points visited with lr 0.5 (diverges: stop once f is inf or nan)")

    # Every coordinate moves with the gradient of the point the step starts from.
    turned = ex.descend(_rotated_valley, _rotated_valley_gradient, (1.0, 0.0), 0.01, max_steps=2)
    _compare_paths(turned, _expected_path(_rotated_valley, _rotated_valley_gradient, (1.0, 0.0), 0.01, 1e-8, 2),
                   "descend on the valley turned 45 degrees, f = ((x+y)**2 + 100 (x-y)**2) / 4, "
                   "gradient (50.5 x - 49.5 y, 50.5 y - 49.5 x), from (1, 0) with lr 0.01, 2 steps "
                   "(both coordinates must move with the gradient at the same point)")

    def one_case(x, y, lr):
        got = ex.descend(_valley, _valley_gradient, (x, y), lr, target=1e-4, max_steps=300)
        _compare_paths(got, _expected_path(_valley, _valley_gradient, (x, y), lr, 1e-4, 300),
                       f"descend on the valley from ({x!r}, {y!r}) with lr {lr!r}, target 1e-4, max_steps 300")

    for_all(st.floats(-20, 20), st.floats(-2, 2), st.floats(0.0005, 0.0199), max_examples=40)(one_case)

    def turned_case(x, y, lr):
        got = ex.descend(_rotated_valley, _rotated_valley_gradient, (x, y), lr, target=1e-4, max_steps=300)
        _compare_paths(got, _expected_path(_rotated_valley, _rotated_valley_gradient, (x, y), lr, 1e-4, 300),
                       f"descend on the valley turned 45 degrees from ({x!r}, {y!r}) with lr {lr!r}, "
                       "target 1e-4, max_steps 300")

    for_all(st.floats(-10, 10), st.floats(-10, 10), st.floats(0.0005, 0.0199), max_examples=25)(turned_case)


@task("critical-lr", "The learning rate where descent stops converging",
      hints=["One step multiplies coordinate i by (1 - lr * c_i). For which lr is that -1?",
             "Each curvature has its own limit; the walk needs every coordinate to shrink."])
def check_critical(ex):
    expect_close(ex.critical_learning_rate((1.0, 100.0)), 0.02, what="critical_learning_rate((1, 100))")
    expect_close(ex.critical_learning_rate((4.0,)), 0.5, what="critical_learning_rate((4,))")

    def one_case(curvatures):
        expect_close(ex.critical_learning_rate(tuple(curvatures)), 2.0 / max(curvatures),
                     what=f"critical_learning_rate({tuple(curvatures)!r})")

    for_all(st.lists(st.floats(0.01, 1000), min_size=1, max_size=5), max_examples=40)(one_case)
