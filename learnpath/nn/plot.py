"""Terminal pictures for experiments: `from learnpath.nn import plot`, then `plot.loss_curve(...)`.

The drawing code is the tool's own package, `learnpath.pictures`; it is not
part of the library this course explains, so it lives outside `nn/`. This
module only re-exports it, so experiments keep their short import.
"""

from learnpath.pictures import (
    Picture,
    PictureKind,
    Span,
    bar_chart,
    computation_graph,
    decision_boundary,
    digit,
    heatmap,
    line_chart,
    loss_curve,
    save_png,
)

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
    "computation_graph",
    "save_png",
]
