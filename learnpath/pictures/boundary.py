"""Decision boundary: what a classifier says at every point of the plane, with the data on top."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from learnpath.pictures.picture import Drawing, Picture, PictureKind, fitting, title_line
from learnpath.pictures.ticks import axis_range


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
    width: int | None = None,
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
    if width is None:  # 48 columns, or what fits beside the axis labels on a narrower terminal
        width = fitting(48, beside=12)
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
    drawing = Drawing()
    title_line(drawing, title, gutter + width + 2)
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
    low, high = axis_range([float(v) for v in values]) if len(values) else (-1.0, 1.0)
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
