"""The computational-graph picture: layout as plain text, edges in box lines, grad as weight and colour, PNG."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learnpath.nn import Value
from learnpath.pictures import PictureKind, computation_graph


def labelled(value: Value, label: str) -> Value:
    value.label = label
    return value


def small_graph() -> Value:
    """y = p*q + r at p = 2, q = -3, r = 4, after backward()."""
    p, q, r = Value(2.0, label="p"), Value(-3.0, label="q"), Value(4.0, label="r")
    y = labelled(labelled(p * q, "s") + r, "y")
    y.backward()
    return y


def test_layout_is_exactly_this_text():
    """Inputs sit just left of their user, each node has two rows, parents share the child's lane, the op sits on the way in."""
    text = str(computation_graph(small_graph()))
    assert text == "\n".join([
        "p 2 ──────┐",
        "g -3 ████ │",
        "q -3 ─────┤",
        "g 2 ███   │",
        "          └(*) s -6 ─┐",
        "               g 1 █ │",
        "               r 4 ──┤",
        "               g 1 █ │",
        "                     └(+) y -2",
        "                          g 1 █",
    ])


def test_every_node_appears_with_its_data_and_grad_in_topological_order():
    """Each node's name, data and grad are printed, in the order topological_order() lists them."""
    y = small_graph()
    text = str(computation_graph(y))
    lines = text.splitlines()
    for position, node in enumerate(y.topological_order()):
        first, second = lines[2 * position], lines[2 * position + 1]
        assert f"{node.label} {node.data:g}" in first
        assert f"g {node.grad:g}" in second


def test_a_node_used_twice_gets_one_edge_per_distinct_parent_and_junctions():
    """x in x*x + x: one row for x, its line branches (┬) to both users."""
    x = Value(3.0, label="x")
    y = x * x + x
    y.backward()
    text = str(computation_graph(y))
    assert text.splitlines()[0].startswith("x 3 ─") and "┬" in text.splitlines()[0]
    assert "g 7 ████" in text  # dy/dx = 2x + 1 = 7, the largest grad: the full bar


def test_bars_and_colours_follow_the_size_of_the_gradient():
    """The largest |grad| gets four cells and bold red; a grad under 1% of it gets no bar and dim."""
    big, tiny = Value(100.0, label="big"), Value(0.001, label="tiny")
    out = big * tiny  # d/dbig = 0.001, d/dtiny = 100
    out.backward()
    picture = computation_graph(out)
    lines = str(picture).splitlines()
    assert lines[1].startswith("g 0.001 ") and "█" not in lines[1]
    assert lines[2].startswith("tiny 0.001─┤")  # the widest label still shows its edge
    assert "████" in lines[3]
    styles = {(span.line, span.style) for span in picture.spans}
    assert (1, "dim") in styles and (3, "bold red") in styles


def test_ascii_mode_has_only_ascii_characters():
    """ascii=True draws the same layout with - | + and #."""
    y = small_graph()
    plain = str(computation_graph(y, ascii=True))
    assert plain.isascii()
    assert "+(*) s -6" in plain and "###" in plain
    boxed = str(computation_graph(y))
    assert len(plain.splitlines()) == len(boxed.splitlines())


def test_a_neuron_fits_80_columns():
    """tanh(x1*w1 + x2*w2 + b), ten nodes, stays within 80 columns."""
    x1, x2, w1, w2, b = (Value(v, label=n) for v, n in
                         ((1.0, "x1"), (-1.0, "x2"), (0.5, "w1"), (0.5, "w2"), (math.log(2.0), "b")))
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    picture = computation_graph(o, title="a neuron")
    assert max(len(line) for line in str(picture).splitlines()) <= 80
    assert "(tanh) #10 0.6" in str(picture)


steps = st.lists(st.tuples(st.sampled_from(["+", "*", "tanh"]), st.integers(0, 99), st.integers(0, 99)),
                 min_size=1, max_size=13)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(steps)
def test_random_graphs_draw_every_edge(recipe):
    """For any graph: one pair of rows per node, every label at its column, and every child's lane reaches it from its parents' rows."""
    nodes = [Value(0.5, label="u"), Value(-1.5, label="v")]
    for op, i, j in recipe:
        left, right = nodes[i % len(nodes)], nodes[j % len(nodes)]
        nodes.append(left + right if op == "+" else left * right if op == "*" else left.tanh())
    root = nodes[-1]
    root.backward()
    text = str(computation_graph(root))
    lines = text.splitlines()
    order = root.topological_order()
    assert len(lines) == 2 * len(order)
    for position, node in enumerate(order):
        if node.parents:
            # The child's first row enters it through its op.
            assert f"({node.op}) " in lines[2 * position]
    # Box characters only connect: a vertical line above a cell continues into it.
    for y in range(1, len(lines)):
        for x, ch in enumerate(lines[y]):
            if ch in "│┤├┼└┘" and x < len(lines[y - 1]):
                assert lines[y - 1][x] in "│┤├┼┐┌┬", (y, x, text)


def test_png_export_draws_the_graph(tmp_path):
    """save_png writes a PNG for a graph picture."""
    pytest.importorskip("matplotlib")
    picture = computation_graph(small_graph(), title="y = p*q + r")
    assert picture.kind is PictureKind.GRAPH
    path = picture.save_png(tmp_path / "graph.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_experiments_get_it_through_nn_plot():
    """`from learnpath.nn import plot` reaches the same function."""
    from learnpath.nn import plot

    assert plot.computation_graph is computation_graph
    assert re.search("graph", plot.__all__[-2])
