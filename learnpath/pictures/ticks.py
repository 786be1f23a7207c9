"""Numbers on axes: short labels, round tick values, and ranges that never collapse to a point."""

from __future__ import annotations

import math


def format_number(value: float) -> str:
    """Short text for a tick or a value: 0.25, 1200, 3.5e-05."""
    if value == 0:
        return "0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e5:
        return f"{value:.4g}"
    return f"{value:.2g}"


def nice_ticks(low: float, high: float, most: int) -> list[float]:
    """At most `most` round numbers (steps of 1, 2 or 5 times a power of ten) in [low, high]."""
    span = high - low
    if span <= 0 or most < 2:
        return [low]
    rough = span / (most - 1)
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    ticks = [round(k * step, 12) for k in range(first, last + 1)]
    return ticks if len(ticks) >= 2 else [low, high]  # too few round numbers: label the ends


def log_ticks(low_exp: float, high_exp: float, cells: int, gap: int) -> list[float]:
    """Exponents of the whole powers of ten in range, thinned so labels sit at least `gap` cells apart.

    `cells` is the length of the axis in characters. Thinning keeps every
    k-th decade counting down from the largest, so the top of the axis is labelled.
    """
    first, last = math.ceil(low_exp - 1e-9), math.floor(high_exp + 1e-9)
    exponents = list(range(first, last + 1))
    if not exponents:
        return []
    cells_per_decade = cells / max(high_exp - low_exp, 1e-12)
    stride = max(1, math.ceil(gap / cells_per_decade))
    return [float(e) for e in exponents[(len(exponents) - 1) % stride :: stride]]


def axis_range(values: list[float]) -> tuple[float, float]:
    """The smallest and largest value, widened a little when they are equal."""
    low, high = min(values), max(values)
    if high - low <= 1e-12 * max(1.0, abs(high)):
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    return low, high


def compact(x: float) -> str:
    """At most four significant digits; scientific notation for the very large and the very small."""
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return str(x)
    if abs(x) >= 1e5 or abs(x) < 1e-3:
        return f"{x:.2e}"
    return f"{x:.4g}"
