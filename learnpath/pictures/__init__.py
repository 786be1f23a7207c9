"""Pictures in the terminal: loss curves, decision boundaries, digits, bars, heatmaps and graphs.

Training a network is easier to understand when you can see it. Every function
here draws with ordinary characters and returns a `Picture`:

    print(picture)      plain text, no colour codes, the same everywhere
    picture.show()      the same text in colour when stdout is a colour terminal
    picture.save_png()  a matplotlib figure of the same data, if matplotlib is installed

The plain text is the picture. Colour only helps: every series has its own
marker and every class its own glyph, so a picture pasted into a file or read
by a test still says everything. This is the tool's drawing kit, not part of
the neural-network library: `learnpath.nn.plot` re-exports it so experiments
can keep writing `from learnpath.nn import plot`. Rich, NumPy and matplotlib
are imported only inside the functions that need them, so drawing a line
chart costs nothing extra.

One idea per file: picture.py (the Picture record), ticks.py (numbers on
axes), lines.py (line charts and loss curves), boundary.py (decision
boundaries), digits.py, bars.py, heatmap.py, graph.py (computational graphs),
png.py (matplotlib export).
"""

from learnpath.pictures.bars import bar_chart
from learnpath.pictures.boundary import decision_boundary
from learnpath.pictures.digits import digit
from learnpath.pictures.graph import computation_graph
from learnpath.pictures.heatmap import heatmap
from learnpath.pictures.lines import line_chart, loss_curve
from learnpath.pictures.picture import Picture, PictureKind, Span
from learnpath.pictures.png import save_png

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
