"""An 8x8 digit drawn in shade characters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from learnpath.pictures.picture import Drawing, Picture, PictureKind, title_line


_SHADES = (" ", "░", "▒", "▓", "█")


def digit(pixels: Sequence[float] | Any, *, title: str = "", vmax: float = 16.0) -> Picture:
    """An 8x8 image (64 values from 0 to vmax) as shade characters, two per pixel so it looks square."""
    values = _flat_floats(pixels)
    if len(values) != 64:
        raise ValueError(f"a digit has 64 pixels (8x8); got {len(values)}")
    drawing = Drawing()
    title_line(drawing, title, 18)
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
