"""Pictures of a Value graph as text: a table for the terminal, and DOT for Graphviz.

The drawn picture, nodes by depth with their edges in box lines, is
learnpath.pictures.computation_graph (section 1.4); this file keeps the two
text forms that need no drawing: `draw` lists one node per line, `to_dot`
writes Graphviz's language.

Backpropagation is easier to believe once you can see it: every node with the
number it holds (data), the derivative of the output with respect to it (grad),
and the nodes it was made from. This file turns the graph behind a Value into
such a picture. It only reads the graph; it never changes a number.

Nodes are numbered in topological order (every node after the nodes it was made
from), which is the same order on every run, so the pictures are the same text
on every run too.
"""

from __future__ import annotations

from collections import Counter

from learnpath.nn.value import Value

# How many parents a fused node (sum, wsum) lists by name before saying "... N more".
_MAX_NAMED_PARENTS = 6

# The binary operators, written between their two operands in the "made from" column.
_INFIX = {"+", "-", "*", "/"}


def count_ops(root: Value) -> dict[str, int]:
    """How many nodes of each op the graph of `root` holds; inputs are counted as "input".

    The keys come in the order each op first appears in topological order.
    """
    counts = Counter(_op_name(node) for node in root.topological_order())
    return dict(counts)


def draw(root: Value) -> str:
    """A plain-text table of the graph of `root`, one line per node, inputs first, `root` last.

    Columns: the node's number, its name (its label, or #number if it has
    none), the op that made it, data, grad, and the expression it was made
    from. For s = a + b, t = b - c, z = s*t at a = 1.5, b = -2, c = 0.5, after
    z.backward(), with every node labelled:

        #  name  op        data     grad  made from
        1  a     input   1.5000  -2.5000
        2  b     input  -2.0000  -3.0000
        3  s     +      -0.5000  -2.5000  a + b
        4  c     input   0.5000   0.5000
        5  t     -      -2.5000  -0.5000  b - c
        6  z     *       1.2500   1.0000  s * t

    Read the grad column bottom-up to follow backpropagation: each node's grad
    is built from the grads of the nodes listed below it that use it.
    """
    order = root.topological_order()
    names = _node_names(order)
    header = ("#", "name", "op", "data", "grad", "made from")
    rows = [
        (
            str(position),
            names[id(node)],
            _op_name(node),
            _format_number(node.data),
            _format_number(node.grad),
            _made_from(node, names),
        )
        for position, node in enumerate(order, start=1)
    ]
    # Numbers are right-aligned so their decimal points line up; words are left-aligned.
    right_aligned = (True, False, False, True, True, False)
    widths = [max(len(row[column]) for row in (header, *rows)) for column in range(len(header))]

    def render(row: tuple[str, ...]) -> str:
        cells = [
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, right in zip(row, widths, right_aligned)
        ]
        return "  ".join(cells).rstrip()

    return "\n".join(render(row) for row in (header, *rows))


def to_dot(root: Value, *, title: str | None = None) -> str:
    """The graph of `root` in Graphviz's DOT language, left to right, inputs on the left.

    Each Value is a box "label | data | grad"; each operation is a small
    circle between the Values it combines and the Value it makes. Paste the
    text into any Graphviz viewer, or run `dot -Tsvg graph.dot -o graph.svg`.
    Node ids are v1, v2, ... in topological order, so the text is the same on
    every run.
    """
    order = root.topological_order()
    ids = {id(node): f"v{position}" for position, node in enumerate(order, start=1)}
    lines = ["digraph {", "  rankdir=LR;"]
    if title is not None:
        lines.append(f'  label="{_escape_string(title)}"; labelloc=t;')
    lines.append('  node [fontname="Helvetica"];')
    for node in order:
        value_id = ids[id(node)]
        fields = [
            _escape_record(node.label) if node.label else value_id,
            f"data {_format_number(node.data)}",
            f"grad {_format_number(node.grad)}",
        ]
        lines.append(f'  {value_id} [shape=record, label="{{ {" | ".join(fields)} }}"];')
        if node.op:
            # The op gets a node of its own so the picture reads "inputs -> op -> result".
            op_id = f"{value_id}_op"
            lines.append(f'  {op_id} [shape=circle, label="{_escape_string(node.op)}"];')
            lines.append(f"  {op_id} -> {value_id};")
            for parent in node.parents:
                lines.append(f"  {ids[id(parent)]} -> {op_id};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------
# Helpers shared by the pictures.
# ----------------------------------------------------------------------


def _op_name(node: Value) -> str:
    return node.op or "input"


def _node_names(order: list[Value]) -> dict[int, str]:
    """A name for each node (keyed by id): its label when that label is unique, else #position."""
    label_uses = Counter(node.label for node in order if node.label)
    names = {}
    for position, node in enumerate(order, start=1):
        if node.label and label_uses[node.label] == 1:
            names[id(node)] = node.label
        elif node.label:
            names[id(node)] = f"{node.label}#{position}"  # a repeated label needs the number too
        else:
            names[id(node)] = f"#{position}"
    return names


def _made_from(node: Value, names: dict[int, str]) -> str:
    """The expression that produced `node`, written with its parents' names."""
    parents = [names[id(parent)] for parent in node.parents]
    op = node.op
    if not op:
        return ""
    if op in _INFIX and len(parents) == 2:
        return f"{parents[0]} {op} {parents[1]}"
    if op == "neg":
        return f"-{parents[0]}"
    if op.startswith("**"):  # x ** n, the exponent is part of the op string
        return f"{parents[0]}{op}"
    if op.endswith("**"):  # c ** x, the base is part of the op string
        return f"{op}{parents[0]}"
    if op == "wsum":
        # Parents are (bias, w1..wn, x1..xn): show it as the sum it computes.
        count = (len(parents) - 1) // 2
        terms = [f"{w}*{x}" for w, x in zip(parents[1 : 1 + count], parents[1 + count :])]
        return " + ".join(_shorten([parents[0], *terms]))
    return f"{op}({', '.join(_shorten(parents))})"


def _shorten(items: list[str]) -> list[str]:
    if len(items) <= _MAX_NAMED_PARENTS:
        return items
    return [*items[: _MAX_NAMED_PARENTS - 1], f"... {len(items) - _MAX_NAMED_PARENTS + 1} more"]


def _format_number(x: float) -> str:
    # Four decimals suit the small hand-sized examples; very large or very small
    # numbers switch to scientific notation so they are not shown as 0.0000.
    if x != 0 and (abs(x) >= 1e6 or abs(x) < 1e-4):
        return f"{x:.4e}"
    return f"{x:.4f}"


def _escape_string(text: str) -> str:
    """Text safe inside a DOT double-quoted string."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _escape_record(text: str) -> str:
    """Text safe inside one field of a DOT record label, where { } | < > have meanings."""
    escaped = _escape_string(text)
    for special in "{}|<>":
        escaped = escaped.replace(special, "\\" + special)
    return escaped
