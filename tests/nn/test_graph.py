"""Tests for learnpath.nn.graph: the DOT text, the terminal table and the op counts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

from learnpath.nn.graph import count_ops, draw, to_dot
from learnpath.nn import Value, sum_values, weighted_sum


def small_graph() -> Value:
    """L = (a*b + c)*f with every node labelled, after backward()."""
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    f = Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    L.backward()
    return L


def test_draw_lists_every_node_in_topological_order_with_data_grad_and_origin():
    """draw() shows one line per node: inputs before the nodes made from them, with data, grad and expression."""
    lines = draw(small_graph()).splitlines()
    assert lines[0].split() == ["#", "name", "op", "data", "grad", "made", "from"]
    rows = [line.split(None, 5) for line in lines[1:]]
    assert [row[1] for row in rows] == ["a", "b", "e", "c", "d", "f", "L"]
    by_name = {row[1]: row for row in rows}
    assert by_name["a"][2:5] == ["input", "2.0000", "6.0000"]
    assert by_name["e"][2:] == ["*", "-6.0000", "-2.0000", "a * b"]
    assert by_name["d"][2:] == ["+", "4.0000", "-2.0000", "e + c"]
    assert by_name["L"][2:] == ["*", "-8.0000", "1.0000", "d * f"]


def test_draw_lines_up_columns():
    """Every line of draw()'s table puts the grad column's right edge at the same place."""
    lines = draw(small_graph()).splitlines()
    grad_end = lines[0].index("grad") + len("grad")
    for line in lines[1:]:
        assert line[grad_end - 1] != " "
        assert len(line) == grad_end or line[grad_end] == " "


def test_draw_names_unlabelled_and_fused_nodes():
    """Unlabelled nodes are called #position, and a weighted sum is written out as the sum it is."""
    w = [Value(0.5, label="w1"), Value(-0.5, label="w2")]
    out = weighted_sum(w, [1.0, 2.0], Value(0.1, label="bias")).relu()
    text = draw(out)
    assert "bias + w1*#4 + w2*#5" in text
    assert "relu(#6)" in text
    many = sum_values([Value(float(i)) for i in range(20)])
    assert "... 15 more" in draw(many)


def test_count_ops_counts_inputs_and_each_op():
    """count_ops() counts nodes by op, with leaves under "input" and a reused node counted once."""
    assert count_ops(small_graph()) == {"input": 4, "*": 2, "+": 1}
    a = Value(3.0)
    b = a + a
    assert count_ops((b * b).tanh()) == {"input": 1, "+": 1, "*": 1, "tanh": 1}


def test_to_dot_has_a_record_per_value_and_a_circle_per_op():
    """to_dot() gives each Value a record with label, data and grad, and wires inputs -> op -> result."""
    dot = to_dot(small_graph(), title="L = (a*b + c)*f")
    assert dot.startswith("digraph {") and dot.rstrip().endswith("}")
    assert 'label="L = (a*b + c)*f"' in dot
    assert 'v1 [shape=record, label="{ a | data 2.0000 | grad 6.0000 }"];' in dot
    assert 'v7 [shape=record, label="{ L | data -8.0000 | grad 1.0000 }"];' in dot
    assert len(re.findall(r"shape=record", dot)) == 7
    assert len(re.findall(r"shape=circle", dot)) == 3
    for edge in ("v1 -> v3_op;", "v2 -> v3_op;", "v3_op -> v3;", "v5 -> v7_op;", "v6 -> v7_op;"):
        assert edge in dot


def test_to_dot_escapes_labels():
    """Labels holding DOT's special characters are escaped, so the text stays valid DOT."""
    node = Value(1.0, label='x{1}|<"q">')
    dot = to_dot(node)
    assert r'x\{1\}\|\<\"q\"\>' in dot


def test_pictures_are_the_same_under_another_hash_seed():
    """The DOT text and the table come out byte for byte the same in a process with another PYTHONHASHSEED."""
    script = textwrap.dedent(
        """
        from learnpath.nn import Value, sum_values
        from learnpath.nn.graph import draw, to_dot
        xs = [Value(float(i), label=f"x{i}") for i in range(8)]
        parts = [x * y for x in xs for y in xs[::-1]]
        out = sum_values(parts).tanh() + xs[3]
        out.backward()
        print(to_dot(out))
        print(draw(out))
        """
    )
    outputs = set()
    for seed in ("1", "2", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
        outputs.add(result.stdout)
    assert len(outputs) == 1


def test_the_table_in_draws_docstring_is_what_draw_prints():
    """draw's docstring example (z = (a + b) * (b - c) at 1.5, -2, 0.5) is exactly what draw() returns."""
    from learnpath.nn import graph

    a, b, c = Value(1.5, label="a"), Value(-2.0, label="b"), Value(0.5, label="c")
    s = a + b
    s.label = "s"
    t = b - c
    t.label = "t"
    z = s * t
    z.label = "z"
    z.backward()
    doc_lines = [line[8:] for line in graph.draw.__doc__.splitlines()
                 if line.startswith("        ") and line.strip()[:1] in "#123456789"]
    assert "\n".join(doc_lines) == graph.draw(z)
