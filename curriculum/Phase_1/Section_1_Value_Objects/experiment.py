"""Section 1.1 lab: a Value remembers how it was made, and a derivative is a sensitivity.

Four steps, each printed as it runs:
  1. Build y = x**3 from a Value and look at what the result remembers.
  2. Nudge x a little and watch y move: the ratio of the two moves is the derivative,
     the slope of the tangent drawn at x = 3.
  3. (Deep dive) Shrink the nudge h from 1e-1 to 1e-12 and measure how wrong the
     estimate is, for the forward difference and the central difference, in float64.
  4. (Deep dive) Explain both sides of the resulting U-shaped error curve with numbers.

The function is f(x) = x**3 at x = 3, because its exact derivative (3x**2 = 27) is
known, and because for a cubic the error of each estimate can be worked out by hand:
forward error = 3x*h + h**2, central error = h**2 exactly (before rounding).
Nothing here is random, so every run prints the same numbers.

Run it from this folder: python experiment.py   (or: learnpath run 1.1)
"""

from __future__ import annotations

import sys

from learnpath import lab
from learnpath.nn import Value, plot

X = 3.0  # the point where we take the derivative
EXACT = 3 * X**2  # d(x**3)/dx = 3x**2 = 27 at x = 3
STEPS = [10.0**-k for k in range(1, 13)]  # h = 1e-1, 1e-2, ..., 1e-12
EPSILON = sys.float_info.epsilon  # gap between 1.0 and the next float64: about 2.2e-16


def f(x: float) -> float:
    # Written as two multiplications rather than x**3 so that only IEEE-exact
    # operations are involved and every machine prints the same digits.
    return x * x * x


def forward_difference(x: float, h: float) -> float:
    # Slope of the line from (x, f(x)) to (x + h, f(x + h)).
    return (f(x + h) - f(x)) / h


def central_difference(x: float, h: float) -> float:
    # Slope of the line from (x - h, f(x - h)) to (x + h, f(x + h)): symmetric about x.
    return (f(x + h) - f(x - h)) / (2 * h)


def show(caption: str, lines: list[str]) -> None:
    """A caption, in prose, then lines printed exactly as laid out (a table, a picture)."""
    lab.say("\n".join([caption, *("  " + line for line in lines)]))


def main() -> dict:
    lab.step("A Value remembers how it was made")
    # An input is a Value with no parents and no op; the result of ** records both.
    x = Value(X, label="x")
    y = x**3
    show("What x and y hold:", [
        f"x = {x!r}: an input, so op={x.op!r} and parents={x.parents}",
        f"y = x**3 = {y!r}: op={y.op!r}, parents={y.parents}",
        f"y.local_grads = {y.local_grads}  <- dy/dx = 3*x**2, worked out when y was made"])

    lab.step("The derivative as a sensitivity: nudge x, watch y")
    # Move x by a shrinking h and compare how far y moved with how far x moved.
    nudges = [1e-1, 1e-2, 1e-3]
    ratios = [forward_difference(X, h) for h in nudges]
    rows = [f"{'nudge h':>8}  {'f(3 + h)':>15}  {'y moved':>13}  {'moved / h':>10}"]
    for h, ratio in zip(nudges, ratios):
        rows.append(f"{h:8g}  {f(X + h):15.9f}  {f(X + h) - f(X):13.9f}  {ratio:10.6f}")
    show("How far y moves, per unit x moved:", rows)
    nudge = nudges[-1]
    lab.say(f"The ratio settles towards {EXACT:g}. Nudging both ways (central difference) with h = {nudge}"
            f" gives {central_difference(X, nudge):.6f}.")
    # The same number seen as a picture: the slope of the line that touches the curve at x = 3.
    grid = [2.0 + 0.05 * i for i in range(41)]
    chart = plot.line_chart(
        {"y = x**3": [f(x) for x in grid], "tangent at 3": [f(X) + EXACT * (x - X) for x in grid]},
        xs=grid,
        title="x**3 and its tangent at x = 3 (slope 27)",
        width=56,
        height=12,
        x_label="x",
        y_label="y",
    )
    chart.show()
    lab.say("Near x = 3 the curve and its tangent are hard to tell apart: there y moves 27 times as far as x.")

    lab.step("(Deep dive) How small should the nudge be? Sweep h, measure the error")
    # The error of each estimate against the exact derivative, for every h.
    forward_errors = [abs(forward_difference(X, h) - EXACT) for h in STEPS]
    central_errors = [abs(central_difference(X, h) - EXACT) for h in STEPS]
    rows = [f"{'h':>8}  {'forward error':>13}  {'central error':>13}"]
    for h, err_f, err_c in zip(STEPS, forward_errors, central_errors):
        rows.append(f"{h:8.1e}  {err_f:13.2e}  {err_c:13.2e}")
    show("The error of each estimate against the exact 27:", rows)
    chart = plot.line_chart(
        {"forward": forward_errors, "central": central_errors},
        xs=STEPS,
        log_x=True,
        log_y=True,
        title="error of the estimated derivative of x**3 at x = 3 (float64)",
        x_label="step h",
        y_label="error",
    )
    chart.show()
    lab.say("(The chart puts small h on the left; the table lists large h first.)")

    # Where each curve bottoms out, and how far apart the two bottoms are.
    best_f = min(range(len(STEPS)), key=forward_errors.__getitem__)
    best_c = min(range(len(STEPS)), key=central_errors.__getitem__)
    advantage = forward_errors[best_f] / central_errors[best_c]
    lab.say(f"The forward difference is best at h = {STEPS[best_f]:.0e}, with error {forward_errors[best_f]:.1e}; "
            f"the central difference is best at h = {STEPS[best_c]:.0e}, with error {central_errors[best_c]:.1e}. "
            f"At their best, central is {advantage:.0f} times more accurate than forward.")

    lab.step("(Deep dive) Why the curves are U-shaped")
    # Large-h side (right on the chart): truncation error, which the cubic lets us predict exactly.
    h = STEPS[0]
    lab.say(f"Large h (the truncation side): at h = {h}, forward error {forward_errors[0]:.4f}"
            f" = 3*x*h + h**2 = {3 * X * h + h * h:.4f}; central error {central_errors[0]:.4f} = h**2 = {h * h:.4f}."
            " Each 10x smaller h cuts the forward error 10x and the central error 100x.")
    # Small-h side (left on the chart): rounding. Not even the step survives: x + h is rounded to the nearest float.
    tiny = STEPS[-1]
    step_taken = (X + tiny) - X
    lab.say(f"Small h (the rounding side): asked for h = {tiny:.0e}, but (x + h) - x = {step_taken!r}: "
            f"the step is already off by {abs(step_taken - tiny) / tiny:.3%}, and f(x+h) - f(x) subtracts two numbers "
            "that agree in their first 12 of about 16 digits, so most of what is left is rounding noise.")
    # A rough model: total error ~ truncation + epsilon*|f|/h. Its minimum sits near
    # h ~ sqrt(epsilon) for forward (error ~ h) and h ~ cbrt(epsilon) for central (error ~ h**2).
    model_forward_h = EPSILON**0.5
    model_central_h = EPSILON ** (1 / 3)
    # The same model, constants ignored, puts the best errors near sqrt(eps) and eps**(2/3):
    # a ratio of eps**(-1/6). The measured ratio depends on the function, the point and the sweep.
    model_advantage = EPSILON ** (-1 / 6)
    lab.say(f"Balancing the two sides predicts the best h near sqrt(eps) = {model_forward_h:.1e} (forward) "
            f"and cbrt(eps) = {model_central_h:.1e} (central), with eps = {EPSILON:.1e}; compare the table. "
            f"Ignoring constants it predicts central beats forward by about eps**(-1/6) = {model_advantage:.0f} times; "
            f"here, for x**3 at 3 with one step per decade, the measured ratio is {advantage:.0f}.")

    return {
        "x": X,
        "exact": EXACT,
        "value_data": y.data,
        "value_op": y.op,
        "value_parents": len(y.parents),
        "value_local_grad": y.local_grads[0],
        "nudges": nudges,
        "nudge_ratios": ratios,
        "nudge_h": nudge,
        "nudge_forward": forward_difference(X, nudge),
        "nudge_central": central_difference(X, nudge),
        "hs": STEPS,
        "forward_errors": forward_errors,
        "central_errors": central_errors,
        "best_forward_h": STEPS[best_f],
        "best_forward_error": forward_errors[best_f],
        "best_central_h": STEPS[best_c],
        "best_central_error": central_errors[best_c],
        "advantage": advantage,
        "step_taken_at_1e-12": step_taken,
        "model_forward_h": model_forward_h,
        "model_central_h": model_central_h,
        "model_advantage": model_advantage,
    }


if __name__ == "__main__":
    main()
