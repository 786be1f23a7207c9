"""Line charts drawn in braille dots, and the loss curve built on them."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from learnpath.pictures.picture import Drawing, Picture, PictureKind, fitting, title_line
from learnpath.pictures.ticks import axis_range, format_number, log_ticks, nice_ticks


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
    width: int | None = None,
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
    if width is None:  # 64 columns, or what fits beside the tick labels on a narrower terminal
        width = fitting(64, beside=12)
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
        drawing = Drawing()
        title_line(drawing, title, width)
        why = "no finite values above zero" if log_x or log_y else "no finite values"
        drawing.line((f"(nothing to draw: {why})", "dim"))
        return drawing.picture(PictureKind.LINE, {"series": {}, "title": title})

    x_low, x_high = axis_range([p[0] for p in drawable])
    y_low, y_high = axis_range([p[1] for p in drawable])
    dots_wide, dots_tall = 2 * width, 4 * height

    def to_dot(point: tuple[float, float]) -> tuple[int, int]:
        column = round((point[0] - x_low) / (x_high - x_low) * (dots_wide - 1))
        row = round((y_high - point[1]) / (y_high - y_low) * (dots_tall - 1))
        return column, row

    cells, owner, markers = _rasterise(list(curves.values()), to_dot, width, height)

    # Tick labels: which character row / column each tick falls in.
    if log_y:
        y_ticks = log_ticks(y_low, y_high, height, gap=2) or [y_low, y_high]
    else:
        y_ticks = nice_ticks(y_low, y_high, max(3, height // 3 + 1))
    y_text = {t: _tick_text(t, log_y) for t in y_ticks}
    y_label_at: dict[int, str] = {}
    for tick in y_ticks:
        row = round((y_high - tick) / (y_high - y_low) * (dots_tall - 1)) // 4
        y_label_at.setdefault(min(height - 1, max(0, row)), y_text[tick])
    gutter = max(len(text) for text in y_label_at.values()) + 1

    if log_x:
        x_ticks = log_ticks(x_low, x_high, width, gap=8) or [x_low, x_high]
    else:
        x_ticks = nice_ticks(x_low, x_high, max(3, width // 10))
    x_text = {t: _tick_text(t, log_x) for t in x_ticks}
    x_tick_columns = {
        min(width - 1, max(0, round((t - x_low) / (x_high - x_low) * (dots_wide - 1)) // 2)): x_text[t]
        for t in x_ticks
    }

    drawing = Drawing()
    title_line(drawing, title, gutter + 1 + width)
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
        # Each series marks points of its own (staggered along x), and never takes a cell another
        # series has marked: where two curves run together, both markers still show.
        for point in _marked_points(points, shift=index / max(1, len(curves))):
            column, row = to_dot(point)
            markers.setdefault((row // 4, column // 2), index)
    return cells, owner, markers


def _tick_text(tick: float, log: bool) -> str:
    """A tick label; on a log axis the tick is an exponent, written 1e-3 when it is whole."""
    if not log:
        return format_number(tick)
    if abs(tick - round(tick)) < 1e-9:
        return f"1e{round(tick)}"
    return format_number(10**tick)


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


def _marked_points(points: list[tuple[float, float] | None], count: int = 6,
                   shift: float = 0.0) -> list[tuple[float, float]]:
    """The first and last drawable point and a few evenly spaced between (where markers go).

    `shift` (0 to 1) moves the points between by that fraction of their spacing, so that
    several series sharing an x axis put their markers at different places.
    """
    present = [p for p in points if p is not None]
    if len(present) <= count:
        return present
    spacing = (len(present) - 1) / (count - 1)
    between = {round((k + shift) * spacing) for k in range(count - 1)}
    picks = {0, len(present) - 1} | {i for i in between if 0 < i < len(present) - 1}
    return [present[i] for i in sorted(picks)]


def loss_curve(
    losses: Sequence[float],
    *,
    title: str = "loss",
    log_y: bool = False,
    width: int | None = None,
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
        f"first {format_number(finite[0][0])}   last {format_number(finite[-1][0])}"
        f"   lowest {format_number(best)} at step {best_step}"
    )
    return Picture(chart.text + "\n" + summary, chart.spans, chart.kind, chart.source)
