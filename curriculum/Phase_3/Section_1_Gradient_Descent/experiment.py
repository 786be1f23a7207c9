"""Section 3.1: gradient descent on a long, narrow valley.

The loss surface is f(x, y) = (x**2 + 100 * y**2) / 2: a valley whose walls
curve 100 times more sharply across it (y) than along it (x). Its gradient is (x, 100 y) and its
curvatures are 1 and 100, so L, the largest curvature, is 100 and the critical
learning rate 2 / L is 0.02. The walk starts at (10, 1), where f = 100.

Run it: python experiment.py  (or: learnpath run 3.1)
"""

from __future__ import annotations

import math

from learnpath import lab
from learnpath.nn import Value
from learnpath.nn.plot import bar_chart, line_chart

START = (10.0, 1.0)
STEEPNESS = 100.0  # how much steeper the valley is across (y) than along (x)
CURVATURES = (1.0, STEEPNESS)  # the second derivatives of f along x and along y
TARGET = 1e-8  # "converged" means f below this
MAX_STEPS = 20_000  # a walk that has not converged by then is reported as "never"


def valley(x: float, y: float) -> float:
    """The loss: f(x, y) = (x**2 + 100 y**2) / 2, lowest (0) at the origin."""
    return (x * x + STEEPNESS * y * y) / 2.0


def valley_gradient(x: float, y: float) -> tuple[float, float]:
    """(df/dx, df/dy) = (x, 100 y), worked out by hand."""
    return x, STEEPNESS * y


def gradient_by_backward(x: float, y: float) -> tuple[float, float]:
    """The same gradient from Phase 1's Value engine, to show the hand formula is right."""
    vx, vy = Value(x), Value(y)
    f = (vx * vx + STEEPNESS * vy * vy) / 2.0
    f.backward()
    return vx.grad, vy.grad


def descend(start: tuple[float, float], lr: float, max_steps: int = MAX_STEPS) -> list[tuple[float, float]]:
    """Gradient descent from `start`: every point visited, stopping once f < TARGET.

    It also stops when f stops being a finite number (the walk has flown off to
    infinity) or after max_steps updates.
    """
    x, y = start
    path = [(x, y)]
    for _ in range(max_steps):
        f = valley(x, y)
        if f < TARGET or not math.isfinite(f):
            break
        gx, gy = valley_gradient(x, y)
        # The whole algorithm: step against the gradient, lr times its size.
        x, y = x - lr * gx, y - lr * gy
        path.append((x, y))
    return path


def steps_to_target(lr: float) -> int | None:
    """How many updates until f < TARGET from START, or None if that never happens."""
    path = descend(START, lr)
    return len(path) - 1 if valley(*path[-1]) < TARGET else None


def contour_picture(path: list[tuple[float, float]], width: int = 72, height: int = 19) -> str:
    """The valley as bands of equal height, with the walk drawn on top.

    Each character cell is shaded by which band f falls in at its centre (bands
    at f = 0.1, 1, 10, 100: each ten times higher than the last); the edges
    between shades are the contour lines. The walk is drawn as digits: the
    point after step k is marked with k % 10, the start with S, the minimum
    with +. The window is the right part of the valley, where the walk is.
    """
    x_low, x_high, y_low, y_high = -3.0, 11.0, -1.2, 1.2
    bands = " .:-=#"  # f < 0.1, < 1, < 10, < 100, < 1000, beyond

    def cell_of(x: float, y: float) -> tuple[int, int]:
        column = round((x - x_low) / (x_high - x_low) * (width - 1))
        row = round((y_high - y) / (y_high - y_low) * (height - 1))
        return row, column

    grid = []
    for row in range(height):
        y = y_high - row * (y_high - y_low) / (height - 1)
        line = []
        for column in range(width):
            x = x_low + column * (x_high - x_low) / (width - 1)
            band = min(len(bands) - 1, max(0, math.floor(math.log10(max(valley(x, y), 1e-12))) + 2))
            line.append(bands[band])
        grid.append(line)
    row, column = cell_of(0.0, 0.0)
    grid[row][column] = "+"
    for k, (x, y) in enumerate(path):
        row, column = cell_of(x, y)
        if 0 <= row < height and 0 <= column < width:
            grid[row][column] = "S" if k == 0 else str(k % 10)
    frame = "+" + "-" * width + "+"
    lines = [frame] + ["|" + "".join(line) + "|" for line in grid] + [frame]
    lines.append(f" x from {x_low:g} to {x_high:g} across, y from {y_low:g} to {y_high:g} up")
    lines.append(" shades ' .:-=' mark f below 0.1, 1, 10, 100, 1000")
    return "\n".join(lines)


def main() -> dict:
    figures: dict = {}

    # Step 1. The gradient the walk follows, by hand and by backward(): they must agree.
    lab.step("The gradient at the start")
    by_hand = valley_gradient(*START)
    by_engine = gradient_by_backward(*START)
    figures["start_f"] = valley(*START)
    figures["start_gradient"] = by_hand
    figures["start_gradient_backward"] = by_engine
    lab.say(f"""
        The valley f(x, y) = (x**2 + {STEEPNESS:g} y**2) / 2, starting at {START}, where
        f = {figures['start_f']:g}. The gradient there is {by_hand} by hand and {by_engine} by
        Value.backward(). It points uphill; a step goes the other way.

        The slope across the valley (y) is {by_hand[1] / by_hand[0]:g} times the slope along it (x),
        though the minimum is {START[0] / START[1]:g} times farther away along x.
        """)

    # Step 2. Each coordinate is multiplied by (1 - lr * curvature) at every step, so
    # y shrinks only if |1 - lr * STEEPNESS| < 1, that is lr < 2 / STEEPNESS.
    lab.step("Both sides of 2/L")
    critical = 2.0 / max(CURVATURES)
    figures["critical_lr"] = critical
    lab.say(f"Each step multiplies y by (1 - {STEEPNESS:g} lr): below lr = 2/L = {critical:g} it shrinks, "
            "above it grows.")
    for lr in (0.019, 0.021):
        path = descend(START, lr, max_steps=100)
        x, y = path[-1]
        factor = 1.0 - lr * CURVATURES[1]
        key = "below" if lr < critical else "above"
        figures[f"{key}_lr"] = lr
        figures[f"{key}_factor_y"] = factor
        figures[f"{key}_f_after_100"] = valley(x, y)
        print(f"  lr = {lr}: y is multiplied by {factor:+.2f} each step; after 100 steps f = {valley(x, y):.3g}")

    # Step 3. How long convergence takes, as a function of the learning rate.
    lab.step("Updates until f < 1e-8, by learning rate")
    rates = [0.001, 0.002, 0.005, 0.01, 0.015, 0.019, 2 / (1 + STEEPNESS), 0.02, 0.021]
    counts = {lr: steps_to_target(lr) for lr in rates}
    figures["steps_by_lr"] = counts
    lab.say(f'"never" means not within {MAX_STEPS:,} updates.')
    for lr, count in counts.items():
        slow = abs(1.0 - lr * CURVATURES[0])
        fast = abs(1.0 - lr * CURVATURES[1])
        shown = f"{count:>6,}" if count is not None else " never"
        print(f"  lr = {lr:<7.4g} {shown}   factors |1 - lr| = {slow:.4f}, |1 - {STEEPNESS:g} lr| = {fast:.4f}")
    finite = {f"{lr:.4g}": count for lr, count in counts.items() if count is not None}
    print()
    print(bar_chart(list(finite), list(finite.values()), title="updates until f < 1e-8, by learning rate"))
    best_lr = min(finite, key=finite.get)
    figures["fastest_lr"] = float(best_lr)
    figures["fastest_steps"] = finite[best_lr]
    lab.say(f"Fastest of these: lr = {best_lr} ({finite[best_lr]} updates), just below 2/L, where the slow x "
            "direction and the fast y direction shrink by the same factor.")

    # Step 4. The loss along the way for three rates, on a log scale.
    lab.step("The loss along the way")
    curves = {}
    for lr in (0.005, 0.019, 0.021):
        path = descend(START, lr, max_steps=60)
        curves[f"lr {lr}"] = [valley(x, y) for x, y in path]
    figures["diverged_f_after_60"] = curves["lr 0.021"][-1]
    figures["falls_at_every_step"] = {
        name: all(b < a for a, b in zip(curve, curve[1:])) for name, curve in curves.items()}
    lab.say("f at each step, on a log scale: 0.021 climbs; 0.005 and 0.019 fall at every step, even "
            "though at 0.019 y changes sign at every step (the next picture).")
    print(line_chart(curves, log_y=True, title="f(x, y) during descent", x_label="step", height=12))

    # Step 5. The path itself, over the contours: across-the-valley zig-zags.
    lab.step("The path over the contours")
    path = descend(START, 0.019, max_steps=20)
    signs = [y > 0 for _, y in path[:6]]
    figures["zigzag_signs_of_y"] = signs
    figures["path_after_20"] = path[-1]
    lab.say("The first 20 steps at lr = 0.019 over the contours of f:")
    print(contour_picture(path))
    lab.say(f"y flips sign at every step ({' '.join('+' if s else '-' for s in signs)} ...) while x creeps "
            f"from 10 to {path[-1][0]:.2f}: the zig-zag of a narrow valley. It is in the parameters; "
            "the loss still falls at every step.")
    return figures


if __name__ == "__main__":
    main()
