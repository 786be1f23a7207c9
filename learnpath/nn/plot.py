"""Pictures in the terminal: loss curves, decision boundaries, digits, bars and heatmaps.

Training a network is easier to understand when you can see it. Every function
here draws with ordinary characters and returns a `Picture`:

    print(picture)      plain text, no colour codes, the same everywhere
    picture.show()      the same text in colour when stdout is a colour terminal
    picture.save_png()  a matplotlib figure of the same data, if matplotlib is installed

The plain text is the picture. Colour only helps: every series has its own
marker and every class its own glyph, so a picture pasted into a file or read
by a test still says everything. A picture is built as lines of (text, style)
pieces; the styles are kept beside the text as spans so that `show()` can
colour exactly those characters. Rich and matplotlib are imported only inside
the functions that print or save, so drawing a picture costs nothing extra.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, TextIO

__all__ = [
    "Picture",
    "PictureKind",
    "Span",
    "line_chart",
    "loss_curve",
    "decision_boundary",
    "digit",
    "bar_chart",
    "heatmap",
    "save_png",
]


# ---------------------------------------------------------------------------
# The Picture record


class PictureKind(str, Enum):
    """What a picture shows; `save_png` uses it to draw the same data with matplotlib."""

    LINE = "line"
    DECISION_BOUNDARY = "decision_boundary"
    DIGIT = "digit"
    BAR = "bar"
    HEATMAP = "heatmap"


@dataclass(frozen=True)
class Span:
    """A style (a Rich style string such as "bold cyan") for columns start..end of one line."""

    line: int
    start: int
    end: int
    style: str


@dataclass(frozen=True)
class Picture:
    """A drawing made of characters; str() is plain text, show() adds colour."""

    text: str
    spans: tuple[Span, ...] = ()
    kind: PictureKind = PictureKind.LINE
    # The numbers the picture was drawn from, for save_png. Not part of equality.
    source: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        lines = self.text.splitlines()
        width = max((len(line) for line in lines), default=0)
        return f"<Picture {self.kind.value} {width}x{len(lines)}: print() it to see it>"

    def show(self, file: TextIO | None = None) -> None:
        """Print the picture: in colour on a colour terminal, plain text otherwise."""
        stream = file if file is not None else sys.stdout
        if not _wants_colour(stream):
            stream.write(self.text + "\n")
            stream.flush()
            return
        from rich.console import Console  # only here: drawing must not need Rich

        console = Console(file=stream, force_terminal=True, highlight=False, soft_wrap=True)
        console.print(self)

    def __rich__(self) -> Any:
        """The picture as a Rich Text with its colours, so any Rich console can print it."""
        from rich.text import Text

        styled = Text(self.text)
        line_starts = [0]
        for line in self.text.split("\n"):
            line_starts.append(line_starts[-1] + len(line) + 1)
        for span in self.spans:
            start = line_starts[span.line]
            styled.stylize(span.style, start + span.start, start + span.end)
        return styled

    def save_png(self, path: str | Path, *, dpi: int = 120) -> Path:
        """Draw the same data with matplotlib and save it as a PNG (needs the `plot` extra)."""
        return save_png(self, path, dpi=dpi)


def _wants_colour(stream: TextIO) -> bool:
    """Colour only for a real terminal, and never when the user has asked for none."""
    if os.environ.get("NO_COLOR"):  # https://no-color.org: any non-empty value
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class _Drawing:
    """Lines of (text, style) pieces, turned into a Picture at the end."""

    def __init__(self) -> None:
        self.lines: list[list[tuple[str, str]]] = []

    def line(self, *pieces: tuple[str, str] | str) -> None:
        """Append one line; a bare string is unstyled."""
        self.lines.append([(p, "") if isinstance(p, str) else p for p in pieces])

    def picture(self, kind: PictureKind, source: Mapping[str, Any]) -> Picture:
        texts: list[str] = []
        spans: list[Span] = []
        for number, pieces in enumerate(self.lines):
            column = 0
            for text, style in pieces:
                if style and text:
                    spans.append(Span(number, column, column + len(text), style))
                column += len(text)
            texts.append("".join(text for text, _ in pieces).rstrip())
        # A span may cover trailing spaces that rstrip removed; clip it to the text.
        kept = tuple(
            Span(s.line, s.start, min(s.end, len(texts[s.line])), s.style)
            for s in spans
            if s.start < len(texts[s.line])
        )
        return Picture("\n".join(texts), kept, kind, dict(source))


def _title_line(drawing: _Drawing, title: str, width: int) -> None:
    if title:
        pad = max(0, (width - len(title)) // 2)
        drawing.line(" " * pad, (title, "bold"))


# ---------------------------------------------------------------------------
# Numbers on axes


def _format_number(value: float) -> str:
    """Short text for a tick or a value: 0.25, 1200, 3.5e-05."""
    if value == 0:
        return "0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e5:
        return f"{value:.4g}"
    return f"{value:.2g}"


def _nice_ticks(low: float, high: float, most: int) -> list[float]:
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


def _log_ticks(low_exp: float, high_exp: float, cells: int, gap: int) -> list[float]:
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


def _axis_range(values: list[float]) -> tuple[float, float]:
    """The smallest and largest value, widened a little when they are equal."""
    low, high = min(values), max(values)
    if high - low <= 1e-12 * max(1.0, abs(high)):
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    return low, high


# ---------------------------------------------------------------------------
# Line charts, drawn in braille dots


# A braille character is a 2-wide, 4-tall grid of dots; each dot is one bit.
_BRAILLE_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # [row][column]
_MARKERS = ("●", "■", "▲", "◆", "○", "□", "△", "◇")
_SERIES_STYLES = ("cyan", "magenta", "yellow", "green", "red", "blue", "bright_white", "bright_black")


def line_chart(
    series: Mapping[str, Sequence[float]],
    *,
    xs: Sequence[float] | Mapping[str, Sequence[float]] | None = None,
    log_x: bool = False,
    log_y: bool = False,
    title: str = "",
    width: int = 64,
    height: int = 16,
    x_label: str = "",
    y_label: str = "",
) -> Picture:
    """One or more named series as lines, with axes, tick labels, markers and a legend.

    The lines are braille dots (8 dots per character, so they are smooth); each
    series also carries its own marker at its first and last point and at a few
    points between, so the series can be told apart without colour. `xs` gives
    the x of every point (one sequence for all series, or one per name); by
    default a series is plotted against 0, 1, 2, ... (1, 2, 3, ... on a log x axis).
    On a log axis, points at or below zero cannot be drawn and are left out.
    """
    if not series:
        raise ValueError("line_chart needs at least one series, e.g. {'loss': losses}")
    width, height = max(8, int(width)), max(4, int(height))
    shared_xs = None if xs is None or isinstance(xs, Mapping) else [float(x) for x in xs]

    # Collect the drawable points of each series, already on the axis scale.
    curves: dict[str, list[tuple[float, float] | None]] = {}
    given: dict[str, tuple[list[float], list[float]]] = {}  # name -> (xs, ys) as given, for save_png
    for name, values in series.items():
        ys = [float(v) for v in values]
        if isinstance(xs, Mapping):
            these_xs = [float(x) for x in xs[name]]
        elif shared_xs is not None:
            these_xs = shared_xs
        else:
            these_xs = [float(i + 1 if log_x else i) for i in range(len(ys))]
        if len(these_xs) != len(ys):
            raise ValueError(
                f"series {name!r} has {len(ys)} values but xs has {len(these_xs)}; give one x per value"
            )
        points: list[tuple[float, float] | None] = []
        for x, y in zip(these_xs, ys):
            scaled = _scaled(x, log_x), _scaled(y, log_y)
            # None breaks the line: a gap where a value cannot be drawn.
            points.append(None if None in scaled else scaled)  # type: ignore[arg-type]
        curves[str(name)] = points
        given[str(name)] = (these_xs, ys)

    drawable = [p for points in curves.values() for p in points if p is not None]
    if not drawable:
        drawing = _Drawing()
        _title_line(drawing, title, width)
        why = "no finite values above zero" if log_x or log_y else "no finite values"
        drawing.line((f"(nothing to draw: {why})", "dim"))
        return drawing.picture(PictureKind.LINE, {"series": {}, "title": title})

    x_low, x_high = _axis_range([p[0] for p in drawable])
    y_low, y_high = _axis_range([p[1] for p in drawable])
    dots_wide, dots_tall = 2 * width, 4 * height

    def to_dot(point: tuple[float, float]) -> tuple[int, int]:
        column = round((point[0] - x_low) / (x_high - x_low) * (dots_wide - 1))
        row = round((y_high - point[1]) / (y_high - y_low) * (dots_tall - 1))
        return column, row

    cells, owner, markers = _rasterise(list(curves.values()), to_dot, width, height)

    # Tick labels: which character row / column each tick falls in.
    if log_y:
        y_ticks = _log_ticks(y_low, y_high, height, gap=2) or [y_low, y_high]
    else:
        y_ticks = _nice_ticks(y_low, y_high, max(3, height // 3 + 1))
    y_text = {t: _tick_text(t, log_y) for t in y_ticks}
    y_label_at: dict[int, str] = {}
    for tick in y_ticks:
        row = round((y_high - tick) / (y_high - y_low) * (dots_tall - 1)) // 4
        y_label_at.setdefault(min(height - 1, max(0, row)), y_text[tick])
    gutter = max(len(text) for text in y_label_at.values()) + 1

    if log_x:
        x_ticks = _log_ticks(x_low, x_high, width, gap=8) or [x_low, x_high]
    else:
        x_ticks = _nice_ticks(x_low, x_high, max(3, width // 10))
    x_text = {t: _tick_text(t, log_x) for t in x_ticks}
    x_tick_columns = {
        min(width - 1, max(0, round((t - x_low) / (x_high - x_low) * (dots_wide - 1)) // 2)): x_text[t]
        for t in x_ticks
    }

    drawing = _Drawing()
    _title_line(drawing, title, gutter + 1 + width)
    if y_label:
        drawing.line((y_label, "dim"))
    for row in range(height):
        label = y_label_at.get(row)
        pieces: list[tuple[str, str] | str] = [
            (f"{label:>{gutter - 1}} ┤" if label else " " * gutter + "│", "dim")
        ]
        for column in range(width):
            if (row, column) in markers:
                index = markers[(row, column)]
                style = "bold " + _SERIES_STYLES[index % len(_SERIES_STYLES)]
                pieces.append((_MARKERS[index % len(_MARKERS)], style))
            elif cells[row][column]:
                index = owner[row][column]
                pieces.append((chr(0x2800 + cells[row][column]), _SERIES_STYLES[index % len(_SERIES_STYLES)]))
            else:
                pieces.append(" ")
        drawing.line(*pieces)

    axis = ["─"] * width
    for column in x_tick_columns:
        axis[column] = "┬"
    drawing.line((" " * gutter + "└" + "".join(axis), "dim"))
    labels = [" "] * (gutter + 1 + width + 8)
    next_free = 0
    for column, text in sorted(x_tick_columns.items()):
        start = max(next_free, gutter + 1 + column - len(text) // 2)
        if start + len(text) > len(labels):
            continue
        labels[start : start + len(text)] = list(text)
        next_free = start + len(text) + 1
    drawing.line(("".join(labels), "dim"))
    if x_label:
        drawing.line(" " * (gutter + 1 + max(0, (width - len(x_label)) // 2)), (x_label, "dim"))
    legend: list[tuple[str, str] | str] = [" " * gutter]
    for index, name in enumerate(curves):
        style = _SERIES_STYLES[index % len(_SERIES_STYLES)]
        legend += [(" " + _MARKERS[index % len(_MARKERS)], "bold " + style), (f" {name} ", style)]
    drawing.line(*legend)

    source = {
        "series": {name: ys for name, (_, ys) in given.items()},
        "xs": {name: these_xs for name, (these_xs, _) in given.items()},
        "log_x": log_x,
        "log_y": log_y,
        "title": title,
        "x_label": x_label,
        "y_label": y_label,
    }
    return drawing.picture(PictureKind.LINE, source)


def _rasterise(
    curves: list[list[tuple[float, float] | None]],
    to_dot: Callable[[tuple[float, float]], tuple[int, int]],
    width: int,
    height: int,
) -> tuple[list[list[int]], list[list[int]], dict[tuple[int, int], int]]:
    """Join each curve's points with braille dots, and choose the cells that get markers.

    Returns the braille bits of every character cell, which series drew last
    in each cell (for its colour), and {(row, column): series} for the markers.
    All series share one canvas: where two lines cross, the dots of both show.
    """
    cells = [[0] * width for _ in range(height)]
    owner = [[-1] * width for _ in range(height)]
    markers: dict[tuple[int, int], int] = {}
    for index, points in enumerate(curves):
        previous: tuple[int, int] | None = None
        for point in points:
            if point is None:
                previous = None  # a gap: do not join across a value that could not be drawn
                continue
            dot = to_dot(point)
            for column, row in _dots_between(previous or dot, dot):
                cells[row // 4][column // 2] |= _BRAILLE_BITS[row % 4][column % 2]
                owner[row // 4][column // 2] = index
            previous = dot
        for point in _marked_points(points):
            column, row = to_dot(point)
            markers[(row // 4, column // 2)] = index
    return cells, owner, markers


def _tick_text(tick: float, log: bool) -> str:
    """A tick label; on a log axis the tick is an exponent, written 1e-3 when it is whole."""
    if not log:
        return _format_number(tick)
    if abs(tick - round(tick)) < 1e-9:
        return f"1e{round(tick)}"
    return _format_number(10**tick)


def _scaled(value: float, log: bool) -> float | None:
    """The value as it sits on the axis (its log10 on a log axis), or None if it cannot be drawn."""
    if not math.isfinite(value):
        return None
    if log:
        return math.log10(value) if value > 0 else None
    return value


def _dots_between(start: tuple[int, int], end: tuple[int, int]) -> list[tuple[int, int]]:
    """Every dot on the straight line from start to end, so that a steep drop stays joined."""
    steps = max(abs(end[0] - start[0]), abs(end[1] - start[1]), 1)
    return [
        (round(start[0] + (end[0] - start[0]) * k / steps), round(start[1] + (end[1] - start[1]) * k / steps))
        for k in range(steps + 1)
    ]


def _marked_points(points: list[tuple[float, float] | None], count: int = 6) -> list[tuple[float, float]]:
    """The first and last drawable point and a few evenly spaced between (where markers go)."""
    present = [p for p in points if p is not None]
    if len(present) <= count:
        return present
    picks = {round(k * (len(present) - 1) / (count - 1)) for k in range(count)}
    return [present[i] for i in sorted(picks)]


def loss_curve(
    losses: Sequence[float],
    *,
    title: str = "loss",
    log_y: bool = False,
    width: int = 64,
    height: int = 16,
) -> Picture:
    """The loss at every step of training, with the first, last and best value written under it."""
    values = [float(v) for v in losses]
    chart = line_chart({"loss": values}, log_y=log_y, title=title, width=width, height=height, x_label="step")
    finite = [(v, i) for i, v in enumerate(values) if math.isfinite(v)]
    if not finite:
        return chart
    best, best_step = min(finite)
    summary = (
        f"first {_format_number(finite[0][0])}   last {_format_number(finite[-1][0])}"
        f"   lowest {_format_number(best)} at step {best_step}"
    )
    return Picture(chart.text + "\n" + summary, chart.spans, chart.kind, chart.source)


# ---------------------------------------------------------------------------
# Decision boundary: what a classifier says at every point of the plane

_REGION_GLYPHS = ("·", "░", "▒", "-", "=", "~")
# Dark backgrounds for the regions, so that the bright point glyphs stand out on them.
_REGION_BACKGROUNDS = ("rgb(0,40,90)", "rgb(90,30,0)", "rgb(0,70,30)", "rgb(70,0,70)", "rgb(70,70,0)", "rgb(40,40,40)")
_REGION_STYLES = tuple(f"grey50 on {background}" for background in _REGION_BACKGROUNDS)
_POINT_GLYPHS = ("o", "x", "+", "*", "#", "@")
_POINT_STYLES = ("bold bright_cyan", "bold bright_yellow", "bold bright_green",
                 "bold bright_magenta", "bold bright_white", "bold bright_red")


def decision_boundary(
    predict: Callable[[Any], Any],
    X: Any,
    y: Any,
    *,
    title: str = "",
    width: int = 48,
    height: int = 24,
    threshold: float | None = None,
) -> Picture:
    """The plane shaded by the class `predict` gives each point, with the data drawn on top.

    `predict` receives an (n, 2) NumPy array of points and returns n scores.
    For two classes a score above the threshold means the larger label: the
    threshold is 0.5 when every score lies in [0, 1] (probabilities) and 0
    otherwise (a sign, as with the hinge loss); pass `threshold` to choose.
    If `predict` returns an (n, k) array, the class is the column with the
    largest score. Each class has a background glyph (· ░ ...) and a point
    glyph (o x ...), so the picture reads without colour: an `x` on `·` is a
    point of the second class that the model puts in the first.
    """
    import numpy as np  # only here: line charts must work without NumPy

    X = np.asarray(X, dtype=float)
    y = np.asarray(y).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2), got {X.shape}")
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels; give one label per row")
    width, height = max(8, int(width)), max(4, int(height))

    labels = sorted(set(y.tolist())) or [0, 1]
    (x_low, x_high), (y_low, y_high) = (_padded_range(X[:, 0]), _padded_range(X[:, 1]))

    # The centre of every character cell, top row first.
    centres_x = x_low + (np.arange(width) + 0.5) * (x_high - x_low) / width
    centres_y = y_high - (np.arange(height) + 0.5) * (y_high - y_low) / height
    grid = np.array([(cx, cy) for cy in centres_y for cx in centres_x])
    grid_class = _classes_of(predict, grid, labels, threshold).reshape(height, width)
    true_class = [labels.index(v) for v in y.tolist()]  # each point's label as an index into labels
    point_class = _classes_of(predict, X, labels, threshold)
    accuracy = float(np.mean(point_class == np.array(true_class))) if len(y) else 0.0

    # Which class's point to draw in each cell: the most common one there.
    counts: dict[tuple[int, int], dict[int, int]] = {}
    for (px, py), cls in zip(X, true_class):
        column = min(width - 1, int((px - x_low) / (x_high - x_low) * width))
        row = min(height - 1, int((y_high - py) / (y_high - y_low) * height))
        cell = counts.setdefault((row, column), {})
        cell[cls] = cell.get(cls, 0) + 1

    top, bottom = f"{y_high:.3g}", f"{y_low:.3g}"
    gutter = max(len(top), len(bottom)) + 1
    drawing = _Drawing()
    _title_line(drawing, title, gutter + width + 2)
    drawing.line((" " * gutter + "┌" + "─" * width + "┐", "dim"))
    for row in range(height):
        label = top if row == 0 else bottom if row == height - 1 else ""
        pieces: list[tuple[str, str] | str] = [(f"{label:>{gutter - 1}} │", "dim")]
        for column in range(width):
            region = int(grid_class[row, column])
            here = counts.get((row, column))
            if here:
                cls = max(here, key=lambda c: (here[c], -c))
                style = f"{_POINT_STYLES[cls % 6]} on {_REGION_BACKGROUNDS[region % 6]}"
                pieces.append((_POINT_GLYPHS[cls % 6], style))
            else:
                pieces.append((_REGION_GLYPHS[region % 6], _REGION_STYLES[region % 6]))
        pieces.append(("│", "dim"))
        drawing.line(*pieces)
    drawing.line((" " * gutter + "└" + "─" * width + "┘", "dim"))
    left, right = f"{x_low:.3g}", f"{x_high:.3g}"
    drawing.line((" " * (gutter + 1) + left + " " * max(1, width - len(left) - len(right)) + right, "dim"))
    # Two legend lines, points then regions, so several classes still fit in 80 columns.
    for heading, glyphs, styles, word in (
        ("points: ", _POINT_GLYPHS, _POINT_STYLES, "class"),
        ("regions:", _REGION_GLYPHS, _REGION_STYLES, "predicted"),
    ):
        legend: list[tuple[str, str] | str] = [" " * (gutter + 1) + heading]
        for index, label in enumerate(labels):
            legend += ["  " if index else " ", (glyphs[index % 6], styles[index % 6]), f" {word} {label}"]
        drawing.line(*legend)
    drawing.line(" " * (gutter + 1) + f"accuracy on these {len(y)} points: {accuracy:.0%}")
    source = {"X": X, "y": y, "grid_class": grid_class, "labels": labels, "title": title,
              "extent": (x_low, x_high, y_low, y_high)}
    return drawing.picture(PictureKind.DECISION_BOUNDARY, source)


def _padded_range(values: Any) -> tuple[float, float]:
    """The range of the data with a margin of 15% on each side, so no point sits on the frame."""
    low, high = _axis_range([float(v) for v in values]) if len(values) else (-1.0, 1.0)
    margin = 0.15 * (high - low)
    return low - margin, high + margin


def _classes_of(predict: Callable[[Any], Any], points: Any, labels: list[Any], threshold: float | None) -> Any:
    """Index (into labels) of the class predict gives each point."""
    import numpy as np

    if len(points) == 0:
        return np.zeros(0, dtype=int)
    scores = np.asarray(predict(points), dtype=float)
    if scores.ndim == 2 and scores.shape[1] > 1:
        if scores.shape[0] != len(points):
            raise ValueError(
                f"predict returned {scores.shape[0]} rows for {len(points)} points; give one row per point"
            )
        return np.argmax(scores, axis=1)
    scores = scores.reshape(-1)
    if len(scores) != len(points):
        raise ValueError(
            f"predict returned {len(scores)} scores for {len(points)} points; give one score per point"
        )
    if threshold is None:
        threshold = 0.5 if scores.min() >= 0.0 and scores.max() <= 1.0 else 0.0
    # Two classes: the larger label wins above the threshold.
    return np.where(scores > threshold, min(1, len(labels) - 1), 0)


# ---------------------------------------------------------------------------
# An 8x8 digit

_SHADES = (" ", "░", "▒", "▓", "█")


def digit(pixels: Sequence[float] | Any, *, title: str = "", vmax: float = 16.0) -> Picture:
    """An 8x8 image (64 values from 0 to vmax) as shade characters, two per pixel so it looks square."""
    values = _flat_floats(pixels)
    if len(values) != 64:
        raise ValueError(f"a digit has 64 pixels (8x8); got {len(values)}")
    drawing = _Drawing()
    _title_line(drawing, title, 18)
    drawing.line(("┌" + "─" * 16 + "┐", "dim"))
    for row in range(8):
        pieces: list[tuple[str, str] | str] = [("│", "dim")]
        for value in values[row * 8 : row * 8 + 8]:
            level = min(4, max(0, round(value / vmax * 4))) if vmax > 0 else 0
            pieces.append((_SHADES[level] * 2, "bright_white"))
        pieces.append(("│", "dim"))
        drawing.line(*pieces)
    drawing.line(("└" + "─" * 16 + "┘", "dim"))
    return drawing.picture(PictureKind.DIGIT, {"pixels": values, "title": title, "vmax": vmax})


def _flat_floats(values: Any) -> list[float]:
    """Any nested sequence (or NumPy array) of numbers as one flat list of floats."""
    if hasattr(values, "tolist"):
        values = values.tolist()
    flat: list[float] = []
    stack = [values]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        else:
            flat.append(float(item))
    return flat


# ---------------------------------------------------------------------------
# Bars

_EIGHTHS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")


def bar_chart(labels: Sequence[Any], values: Sequence[float], *, title: str = "", width: int = 40) -> Picture:
    """One horizontal bar per label with its value written after it; the largest is highlighted.

    Bars grow right from zero; a negative value grows left from a zero line.
    """
    names = [str(label) for label in labels]
    numbers = [float(v) for v in values]
    if len(names) != len(numbers):
        raise ValueError(f"{len(names)} labels but {len(numbers)} values; give one value per label")
    width = max(4, int(width))
    drawing = _Drawing()
    name_width = max((len(n) for n in names), default=0)
    _title_line(drawing, title, name_width + 2 + width)
    finite = [v for v in numbers if math.isfinite(v)]
    low, high = min([0.0, *finite]), max([0.0, *finite])
    scale = (high - low) or 1.0
    zero = round(-low / scale * width)  # column of the zero line
    ranked = [v if math.isfinite(v) else -math.inf for v in numbers]
    best = max(range(len(numbers)), key=ranked.__getitem__, default=-1)  # highlighted bar
    for index, (name, value) in enumerate(zip(names, numbers)):
        style = "bold green" if index == best else "cyan"
        if not math.isfinite(value):
            drawing.line(f"{name:>{name_width}} │" + " " * width + " ", (_format_number(value), "red"))
            continue
        length = abs(value) / scale * width
        whole, eighth = int(length), int((length - int(length)) * 8)
        if value >= 0:
            bar = ("█" * whole + _EIGHTHS[eighth]).ljust(width - zero)
            cells = " " * zero + bar
        else:
            bar = ("█" * whole).rjust(zero)  # partial blocks only fill from the left, so whole ones here
            cells = bar + " " * (width - zero)
        value_style = style if index == best else ""
        drawing.line(f"{name:>{name_width}} │", (cells, style), " ", (_format_number(value), value_style))
    return drawing.picture(PictureKind.BAR, {"labels": names, "values": numbers, "title": title})


# ---------------------------------------------------------------------------
# Heatmap

_HEAT_SHADES = ("·", "░", "▒", "▓", "█")


def heatmap(
    matrix: Sequence[Sequence[float]] | Any,
    *,
    row_labels: Sequence[Any] | None = None,
    col_labels: Sequence[Any] | None = None,
    title: str = "",
) -> Picture:
    """A grid of values as shades from · (lowest) to █ (highest), with labels and the range in a legend.

    Good for attention weights (each row sums to 1) and confusion matrices
    (counts). The shade is relative to the smallest and largest value in the
    matrix, which the legend states.
    """
    if hasattr(matrix, "tolist"):
        matrix = matrix.tolist()
    rows = [[float(v) for v in row] for row in matrix]
    n_rows, n_cols = len(rows), max((len(r) for r in rows), default=0)
    if any(len(r) != n_cols for r in rows):
        raise ValueError("every row of a heatmap must have the same number of values")
    row_names = [str(v) for v in (row_labels if row_labels is not None else range(n_rows))]
    col_names = [str(v) for v in (col_labels if col_labels is not None else range(n_cols))]
    if len(row_names) != n_rows or len(col_names) != n_cols:
        raise ValueError(
            f"the matrix is {n_rows}x{n_cols}, but got {len(row_names)} row labels"
            f" and {len(col_names)} column labels; give one label per row and per column"
        )
    gutter = max((len(n) for n in row_names), default=0)
    # Cells are wide enough for their labels, but the whole picture stays within 80 columns.
    cell = max(2, min(6, max((len(n) for n in col_names), default=1)))
    while n_cols and cell > 1 and gutter + 2 + n_cols * (cell + 1) > 80:
        cell -= 1
    finite = [v for row in rows for v in row if math.isfinite(v)]
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)

    def level(value: float) -> int:
        if not math.isfinite(value):
            return 0
        if high == low:
            return 4
        return min(4, max(0, int((value - low) / (high - low) * 5)))

    drawing = _Drawing()
    _title_line(drawing, title, gutter + 2 + n_cols * (cell + 1))
    drawing.line(" " * (gutter + 2) + " ".join(n[:cell].center(cell) for n in col_names))
    for name, row in zip(row_names, rows):
        pieces: list[tuple[str, str] | str] = [f"{name:>{gutter}} "]
        for value in row:
            pieces += [" ", (_HEAT_SHADES[level(value)] * cell, _heat_style(level(value)))]
        drawing.line(*pieces)
    legend: list[tuple[str, str] | str] = [" " * (gutter + 2)]
    for index, shade in enumerate(_HEAT_SHADES):
        legend.append((shade, _heat_style(index)))
    legend.append(f"  {_format_number(low)} (·) to {_format_number(high)} (█)")
    drawing.line(*legend)
    source = {"matrix": rows, "row_labels": row_names, "col_labels": col_names, "title": title}
    return drawing.picture(PictureKind.HEATMAP, source)


def _heat_style(level: int) -> str:
    """Dark blue for the lowest shade through to yellow for the highest."""
    return ("rgb(60,60,140)", "rgb(40,120,170)", "rgb(40,170,130)", "rgb(150,200,60)", "rgb(250,230,40)")[level]


# ---------------------------------------------------------------------------
# PNG export, for reports and slides


def save_png(picture: Picture, path: str | Path, *, dpi: int = 120) -> Path:
    """Draw the data behind a picture with matplotlib and write it to `path` as a PNG.

    matplotlib is optional (`pip install 'learnpath[plot]'`); without it this
    raises ImportError with that instruction instead of a traceback from deep inside.
    """
    try:
        # A bare Figure, not pyplot: no window, and the user's own matplotlib backend is left alone.
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "saving a PNG needs matplotlib, which is not installed: pip install 'learnpath[plot]'"
        ) from None

    data = picture.source
    figure = Figure(figsize=(6, 4))
    axes = figure.subplots()
    if picture.kind is PictureKind.LINE:
        for name, ys in data.get("series", {}).items():
            axes.plot(data["xs"][name], ys, label=name)
        if data.get("log_x"):
            axes.set_xscale("log")
        if data.get("log_y"):
            axes.set_yscale("log")
        axes.set_xlabel(data.get("x_label", ""))
        axes.set_ylabel(data.get("y_label", ""))
        if data.get("series"):
            axes.legend()
    elif picture.kind is PictureKind.DECISION_BOUNDARY:
        classes = [data["labels"].index(v) for v in data["y"].tolist()]
        # The same colour scale for regions and points, so a class has one colour in both.
        scale = {"cmap": "coolwarm", "vmin": 0, "vmax": max(1, len(data["labels"]) - 1)}
        axes.imshow(data["grid_class"], extent=data["extent"], alpha=0.3, aspect="auto", **scale)
        axes.scatter(data["X"][:, 0], data["X"][:, 1], c=classes, edgecolors="k", s=20, **scale)
    elif picture.kind is PictureKind.DIGIT:
        image = [data["pixels"][r * 8 : r * 8 + 8] for r in range(8)]
        axes.imshow(image, cmap="gray_r", vmin=0, vmax=data["vmax"])
        axes.set_axis_off()
    elif picture.kind is PictureKind.BAR:
        axes.barh(data["labels"], data["values"])
        axes.invert_yaxis()
    elif picture.kind is PictureKind.HEATMAP:
        image = axes.imshow(data["matrix"], cmap="viridis")
        axes.set_xticks(range(len(data["col_labels"])), data["col_labels"])
        axes.set_yticks(range(len(data["row_labels"])), data["row_labels"])
        figure.colorbar(image, ax=axes)
    axes.set_title(data.get("title", ""))
    target = Path(path)
    figure.savefig(target, dpi=dpi, bbox_inches="tight")
    return target
