"""Horizontal bar charts, with eighth-of-a-cell precision."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from learnpath.pictures.picture import Drawing, Picture, PictureKind, fitting, title_line
from learnpath.pictures.ticks import format_number


_EIGHTHS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")


def bar_chart(labels: Sequence[Any], values: Sequence[float], *, title: str = "",
              width: int | None = None) -> Picture:
    """One horizontal bar per label with its value written after it; the largest is highlighted.

    Bars grow right from zero; a negative value grows left from a zero line.
    """
    names = [str(label) for label in labels]
    numbers = [float(v) for v in values]
    if len(names) != len(numbers):
        raise ValueError(f"{len(names)} labels but {len(numbers)} values; give one value per label")
    if width is None:  # 40 columns, or what fits beside the labels and values on a narrow terminal
        width = fitting(40, beside=max((len(n) for n in names), default=0) + 12)
    width = max(4, int(width))
    drawing = Drawing()
    name_width = max((len(n) for n in names), default=0)
    title_line(drawing, title, name_width + 2 + width)
    finite = [v for v in numbers if math.isfinite(v)]
    low, high = min([0.0, *finite]), max([0.0, *finite])
    scale = (high - low) or 1.0
    zero = round(-low / scale * width)  # column of the zero line
    ranked = [v if math.isfinite(v) else -math.inf for v in numbers]
    best = max(range(len(numbers)), key=ranked.__getitem__, default=-1)  # highlighted bar
    for index, (name, value) in enumerate(zip(names, numbers)):
        style = "bold green" if index == best else "cyan"
        if not math.isfinite(value):
            drawing.line(f"{name:>{name_width}} │" + " " * width + " ", (format_number(value), "red"))
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
        drawing.line(f"{name:>{name_width}} │", (cells, style), " ", (format_number(value), value_style))
    return drawing.picture(PictureKind.BAR, {"labels": names, "values": numbers, "title": title})
