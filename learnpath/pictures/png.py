"""PNG export, for reports and slides: the same data drawn by matplotlib (an optional extra)."""

from __future__ import annotations

from pathlib import Path

from learnpath.pictures.picture import Picture, PictureKind


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
    elif picture.kind is PictureKind.GRAPH:
        from learnpath.pictures.graph import draw_graph_on

        draw_graph_on(axes, data)
    axes.set_title(data.get("title", ""))
    target = Path(path)
    figure.savefig(target, dpi=dpi, bbox_inches="tight")
    return target
