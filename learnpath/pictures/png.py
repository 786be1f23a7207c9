"""PNG export, for reports and slides: the same data drawn by matplotlib (an optional extra)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from learnpath.pictures.ticks import compact


class Drawn(Protocol):
    """What a PNG is drawn from: a picture's kind (a PictureKind, which is a str) and its numbers.

    Named here rather than imported, so this module needs nothing of picture.py,
    which imports it (for Picture.save_png).
    """

    kind: str
    source: Mapping[str, Any]


def save_png(picture: Drawn, path: str | Path, *, dpi: int = 120) -> Path:
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
    if picture.kind == "line":
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
    elif picture.kind == "decision_boundary":
        classes = [data["labels"].index(v) for v in data["y"].tolist()]
        # The same colour scale for regions and points, so a class has one colour in both.
        scale = {"cmap": "coolwarm", "vmin": 0, "vmax": max(1, len(data["labels"]) - 1)}
        axes.imshow(data["grid_class"], extent=data["extent"], alpha=0.3, aspect="auto", **scale)
        axes.scatter(data["X"][:, 0], data["X"][:, 1], c=classes, edgecolors="k", s=20, **scale)
    elif picture.kind == "digit":
        image = [data["pixels"][r * 8 : r * 8 + 8] for r in range(8)]
        axes.imshow(image, cmap="gray_r", vmin=0, vmax=data["vmax"])
        axes.set_axis_off()
    elif picture.kind == "bar":
        axes.barh(data["labels"], data["values"])
        axes.invert_yaxis()
    elif picture.kind == "heatmap":
        image = axes.imshow(data["matrix"], cmap="viridis")
        axes.set_xticks(range(len(data["col_labels"])), data["col_labels"])
        axes.set_yticks(range(len(data["row_labels"])), data["row_labels"])
        figure.colorbar(image, ax=axes)
    elif picture.kind == "graph":
        _draw_graph(axes, data)
    axes.set_title(data.get("title", ""))
    target = Path(path)
    figure.savefig(target, dpi=dpi, bbox_inches="tight")
    return target


def _draw_graph(axes: Any, source: Mapping[str, Any]) -> None:
    """The same graph on matplotlib axes (for save_png): boxes by depth, edges as lines, |grad| as colour."""
    nodes, edges = source["nodes"], source["edges"]
    biggest = max((abs(n["grad"]) for n in nodes if math.isfinite(n["grad"])), default=0.0) or 1.0
    for parent, child in edges:
        axes.annotate("", xy=(nodes[child]["x"], nodes[child]["y"]), xytext=(nodes[parent]["x"], nodes[parent]["y"]),
                      arrowprops={"arrowstyle": "->", "color": "0.6", "shrinkA": 18, "shrinkB": 18})
    for node in nodes:
        strength = min(1.0, abs(node["grad"]) / biggest) if math.isfinite(node["grad"]) else 1.0
        text = f"{node['name']}" + (f" ({node['op']})" if node["op"] else "")
        text += f"\ndata {compact(node['data'])}\ngrad {compact(node['grad'])}"
        axes.text(node["x"], node["y"], text, ha="center", va="center", fontsize=8,
                  bbox={"boxstyle": "round", "facecolor": (1.0, 1.0 - 0.6 * strength, 1.0 - 0.8 * strength)})
    xs = [n["x"] for n in nodes]
    ys = [n["y"] for n in nodes]
    axes.set_xlim(min(xs) - 0.7, max(xs) + 0.7)
    axes.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    axes.set_axis_off()
