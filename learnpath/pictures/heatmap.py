"""Heatmaps: a grid of values as shades, for attention weights and confusion matrices."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from learnpath.pictures.picture import Drawing, Picture, PictureKind, fitting, title_line
from learnpath.pictures.ticks import format_number


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
    screen = fitting(80, beside=0)
    while n_cols and cell > 1 and gutter + 2 + n_cols * (cell + 1) > screen:
        cell -= 1
    finite = [v for row in rows for v in row if math.isfinite(v)]
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)

    def level(value: float) -> int:
        if not math.isfinite(value):
            return 0
        if high == low:
            return 4
        return min(4, max(0, int((value - low) / (high - low) * 5)))

    drawing = Drawing()
    title_line(drawing, title, gutter + 2 + n_cols * (cell + 1))
    drawing.line(" " * (gutter + 2) + " ".join(n[:cell].center(cell) for n in col_names))
    for name, row in zip(row_names, rows):
        pieces: list[tuple[str, str] | str] = [f"{name:>{gutter}} "]
        for value in row:
            pieces += [" ", (_HEAT_SHADES[level(value)] * cell, _heat_style(level(value)))]
        drawing.line(*pieces)
    legend: list[tuple[str, str] | str] = [" " * (gutter + 2)]
    for index, shade in enumerate(_HEAT_SHADES):
        legend.append((shade, _heat_style(index)))
    legend.append(f"  {format_number(low)} (·) to {format_number(high)} (█)")
    drawing.line(*legend)
    source = {"matrix": rows, "row_labels": row_names, "col_labels": col_names, "title": title}
    return drawing.picture(PictureKind.HEATMAP, source)


def _heat_style(level: int) -> str:
    """Dark blue for the lowest shade through to yellow for the highest."""
    return ("rgb(60,60,140)", "rgb(40,120,170)", "rgb(40,170,130)", "rgb(150,200,60)", "rgb(250,230,40)")[level]
