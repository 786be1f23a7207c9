"""A computational graph drawn in the terminal: every node with its data and grad, edges in box lines.

Columns are depths: inputs on the left, the output on the right, each node one
column to the right of its deepest parent (an input sits just left of its first
user). Every node has two rows of its own, in topological order, so a label
never shares a row with another one:

    a 2       ─┐
    g 6 ██     │
    b -3      ─┤
    g -4 █     └─(*)─ e -6
                      g -2 █

An edge leaves its parent's first row to the right, runs down a lane in the
gutter before its child's column, and enters the child through the op that
made it. Several parents of one child share the child's lane; a line that
crosses another shows `┼`. The second row gives the grad with a bar of up to
four cells, longest for the largest |grad| in the graph: gradient magnitude
shown by weight, and by colour on a colour terminal (dim for almost none, red
for the most). `ascii=True` draws with `-`, `|`, `+` and `#` for terminals or
files that cannot take box characters.

The layout reads only `topological_order()`, `parents`, `data`, `grad`, `op`
and `label`, so it draws any Value graph without importing the library's
engine, and `str(picture)` is plain text a test can read.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from learnpath.pictures.picture import Drawing, Picture, PictureKind, title_line
from learnpath.pictures.ticks import compact

# Box characters for each set of directions a cell connects to: North, South, East, West.
_BOX = {
    frozenset("EW"): "─", frozenset("NS"): "│",
    frozenset("SE"): "┌", frozenset("SW"): "┐", frozenset("NE"): "└", frozenset("NW"): "┘",
    frozenset("NSE"): "├", frozenset("NSW"): "┤", frozenset("EWS"): "┬", frozenset("EWN"): "┴",
    frozenset("NSEW"): "┼", frozenset("E"): "─", frozenset("W"): "─", frozenset("N"): "│", frozenset("S"): "│",
}
_ASCII = {"─": "-", "│": "|", "█": "#"}
BAR_CELLS = 4  # the longest gradient bar
# Styles by how large |grad| is compared with the largest in the graph.
_LEVEL_STYLES = ("dim", "cyan", "yellow", "bold red")


def computation_graph(root: Any, *, title: str = "", ascii: bool = False) -> Picture:
    """The graph behind `root` (a Value) as a picture: nodes by depth with data and grad, edges in box lines."""
    order = list(root.topological_order())
    names = node_names(order)
    index = {id(node): i for i, node in enumerate(order)}
    children: dict[int, list[Any]] = {id(node): [] for node in order}
    for node in order:
        for parent in node.parents:
            if node not in children[id(parent)]:
                children[id(parent)].append(node)

    depth = _depths(order, children)
    columns = max(depth.values()) + 1
    biggest = max((abs(node.grad) for node in order if math.isfinite(node.grad)), default=0.0)
    lines1 = [f"{names[id(node)]} {compact(node.data)}" for node in order]
    bars = [_bar(node.grad, biggest) for node in order]
    lines2 = [f"g {compact(node.grad)}" + (f" {bar}" if bar else "") for node, bar in zip(order, bars)]
    # Each column is as wide as its widest label; the gutter before it holds one lane per
    # child in the column, then the zone where the op is written ("(*)", "(tanh)").
    column_nodes = [[node for node in order if depth[id(node)] == c] for c in range(columns)]
    label_width = [max(max(len(lines1[index[id(n)]]), len(lines2[index[id(n)]])) for n in nodes)
                   for nodes in column_nodes]
    op_width = [max((len(n.op) + 2 for n in nodes if n.parents), default=0) for nodes in column_nodes]
    lanes = [len([n for n in nodes if n.parents]) for nodes in column_nodes]
    gutter_width = [0] + [lanes[c] + op_width[c] + 1 for c in range(1, columns)]
    column_x, x = [], 0
    for c in range(columns):
        x += gutter_width[c]
        column_x.append(x)
        x += label_width[c] + 1
    width = x
    height = 2 * len(order)
    row = {id(node): 2 * i for i, node in enumerate(order)}

    # Each child's lane: earlier (higher) children get lanes further right, so lanes rarely cross turns.
    lane_x: dict[int, int] = {}
    for c in range(1, columns):
        with_parents = [n for n in column_nodes[c] if n.parents]
        gutter_start = column_x[c] - gutter_width[c]
        for position, node in enumerate(sorted(with_parents, key=lambda n: -row[id(n)])):
            lane_x[id(node)] = gutter_start + position

    links = [[set() for _ in range(width)] for _ in range(height)]
    text = [[" "] * width for _ in range(height)]
    for node in order:
        if not node.parents:
            continue
        lane, child_row = lane_x[id(node)], row[id(node)]
        zone = op_width[depth[id(node)]]
        parent_rows = sorted({row[id(parent)] for parent in node.parents})
        for y in range(parent_rows[0], child_row + 1):  # the lane, from the top parent down to the child
            if y > parent_rows[0]:
                links[y][lane].add("N")
            if y < child_row:
                links[y][lane].add("S")
        for parent in {id(p): p for p in node.parents}.values():  # each parent once, even if used twice
            y = row[id(parent)]
            # One space after the label, unless the label is the widest in its column.
            start = min(column_x[depth[id(parent)]] + len(lines1[index[id(parent)]]) + 1, lane - 1)
            for cell in range(start, lane + 1):
                if cell > start:
                    links[y][cell].add("W")
                if cell < lane:
                    links[y][cell].add("E")
        # Into the child: along its row from the lane, through "(op)", to the label.
        links[child_row][lane].add("E")
        label = f"({node.op})".rjust(zone, "─")
        op_start = column_x[depth[id(node)]] - 1 - zone
        for cell in range(lane + 1, column_x[depth[id(node)]] - 1):
            if op_start <= cell < op_start + zone and label[cell - op_start] != "─":
                text[child_row][cell] = label[cell - op_start]
            else:
                links[child_row][cell].update("EW")

    drawing = Drawing()
    title_line(drawing, title, width)
    for y in range(height):
        node = order[y // 2]
        label = lines1[index[id(node)]] if y % 2 == 0 else lines2[index[id(node)]]
        label_at = column_x[depth[id(node)]]
        cells = []
        for cell in range(width):
            if text[y][cell] != " ":
                cells.append(text[y][cell])
            elif links[y][cell]:
                cells.append(_BOX[frozenset(links[y][cell])])
            else:
                cells.append(" ")
        row_text = "".join(cells)
        before, after = row_text[:label_at], row_text[label_at + len(label):]
        if ascii:
            before, label, after = (_to_ascii(part) for part in (before, label, after))
        if y % 2 == 0:
            drawing.line(before, (label, "bold"), after)
        else:
            level = _level(node.grad, biggest)
            drawing.line(before, (label, _LEVEL_STYLES[level]), after)
    source = {
        "title": title,
        "nodes": [
            {"name": names[id(node)], "op": node.op, "data": node.data, "grad": node.grad,
             "x": depth[id(node)], "y": -index[id(node)]}
            for node in order
        ],
        "edges": [(index[id(parent)], index[id(node)]) for node in order for parent in node.parents],
    }
    return drawing.picture(PictureKind.GRAPH, source)


def node_names(order: list[Any]) -> dict[int, str]:
    """A name for each node (keyed by id): its label when that label is unique, else #position."""
    label_uses = Counter(node.label for node in order if node.label)
    names = {}
    for position, node in enumerate(order, start=1):
        if node.label and label_uses[node.label] == 1:
            names[id(node)] = node.label
        elif node.label:
            names[id(node)] = f"{node.label}#{position}"
        else:
            names[id(node)] = f"#{position}"
    return names


def _depths(order: list[Any], children: dict[int, list[Any]]) -> dict[int, int]:
    """Columns: an op node one right of its deepest parent; an input just left of its first user."""
    depth: dict[int, int] = {}
    for node in order:
        if node.parents:
            depth[id(node)] = 1 + max(depth[id(parent)] for parent in node.parents)
        else:
            depth[id(node)] = 0
    for node in reversed(order):  # users come later in the order, so they are placed already
        if not node.parents and children[id(node)]:
            depth[id(node)] = min(depth[id(child)] for child in children[id(node)]) - 1
    return depth


def _level(grad: float, biggest: float) -> int:
    if not math.isfinite(grad):
        return len(_LEVEL_STYLES) - 1
    if biggest == 0 or abs(grad) < 0.01 * biggest:
        return 0
    return 1 + min(2, int(abs(grad) / biggest * 3 - 1e-9))


def _bar(grad: float, biggest: float) -> str:
    """Up to BAR_CELLS blocks for |grad| against the largest |grad|; none below 1% of it."""
    if not math.isfinite(grad):
        return "█" * BAR_CELLS
    if biggest == 0 or abs(grad) < 0.01 * biggest:
        return ""
    return "█" * max(1, round(abs(grad) / biggest * BAR_CELLS))


def _to_ascii(text: str) -> str:
    return "".join(_ASCII.get(ch, "+" if "\u2500" <= ch <= "\u257f" else ch) for ch in text)
