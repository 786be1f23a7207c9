"""Tests for learnpath.nn.value: micrograd's example, and a regression test for each micrograd pitfall."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap

import pytest

from learnpath.nn import Value, sum_values, weighted_sum


def test_micrograd_readme_example():
    """The example in micrograd's README gives g = 24.7041, dg/da = 138.8338, dg/db = 645.5773."""
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert f"{g.data:.4f}" == "24.7041"
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"


def test_a_chain_three_times_the_recursion_limit_backpropagates():
    """backward() works through a chain three times as deep as Python's recursion limit (bench_value.py runs 1,000,000).

    Any depth past the limit proves what matters: a recursive walk would raise
    RecursionError here, and the walk with an explicit stack does not.
    """
    length = 3 * sys.getrecursionlimit()
    x = Value(1.0)
    v = x
    for _ in range(length - 1):
        v = -v
    order = v.topological_order()
    assert len(order) == length
    assert order[0] is x and order[-1] is v
    v.backward()
    # length - 1 negations: v = x if that number is even, -x if odd, and dv/dx the same sign.
    sign = 1.0 if (length - 1) % 2 == 0 else -1.0
    assert v.data == sign
    assert x.grad == sign


def test_reused_node_gets_gradient_from_every_use():
    """b = a + a gives db/da = 2, and a * a gives 2a: a node used twice collects both contributions."""
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0
    a.grad = 0.0
    square = a * a
    square.backward()
    assert a.grad == 6.0


def test_backward_twice_doubles_the_leaves_and_recomputes_the_inner_nodes():
    """A second backward() adds the same gradients into the leaves again (2x, as PyTorch); inner nodes hold one pass's."""
    a = Value(1.5)
    b = Value(-2.0)
    inner = a * b + a.tanh()
    out = inner * a
    out.backward()
    first = (a.grad, b.grad, inner.grad, out.grad)
    out.backward()
    assert (a.grad, b.grad) == (2 * first[0], 2 * first[1])
    assert (inner.grad, out.grad) == (first[2], 1.0)


def test_backward_adds_into_what_a_leaf_already_holds():
    """A leaf's gradient is its earlier gradient plus this pass's; zeroing it first gives this pass's alone."""
    w = Value(0.5)
    (w * 3.0).backward()
    (w * w).backward()
    assert w.grad == 3.0 + 1.0
    w.grad = 0.0
    (w * w).backward()
    assert w.grad == 1.0


@pytest.mark.parametrize("x", [1000.0, -1000.0])
def test_tanh_and_sigmoid_do_not_overflow(x):
    """tanh and sigmoid at +-1000 give the right finite values and a zero slope, with no OverflowError."""
    t = Value(x).tanh()
    s = Value(x).sigmoid()
    t.backward()
    s.backward()
    assert t.data == math.copysign(1.0, x)
    assert s.data == (1.0 if x > 0 else 0.0)
    for node in (t, s):
        assert math.isfinite(node.data)
        assert node.parents[0].grad == 0.0


@pytest.mark.parametrize("x", [-30.0, -5.0, -0.5, 0.0, 0.5, 5.0, 30.0])
def test_sigmoid_matches_its_definition(x):
    """The overflow-safe sigmoid equals 1/(1+e**-x) and its slope equals s*(1-s) wherever both are computable."""
    s = Value(x).sigmoid()
    s.backward()
    expected = 1.0 / (1.0 + math.exp(-x))
    assert s.data == pytest.approx(expected, rel=1e-15)
    assert s.parents[0].grad == pytest.approx(expected * (1.0 - expected), rel=1e-12)


def test_exp_overflow_gives_infinity():
    """exp of a huge input is infinity, not an OverflowError."""
    assert Value(1000.0).exp().data == math.inf


def test_parents_keep_the_order_they_were_written_in():
    """A node's parents are a tuple in the order written, so the graph is walked the same way every time."""
    a, b, c = Value(1.0, label="a"), Value(2.0, label="b"), Value(3.0, label="c")
    assert (a * b).parents == (a, b)
    assert (b * a).parents == (b, a)
    node = sum_values([c, a, b])
    assert node.parents == (c, a, b)
    wsum = weighted_sum([a, b], [c, 4.0], 0.5)
    assert wsum.parents[1:4] == (a, b, c)
    assert [p.label for p in (a * b + c).topological_order()] == ["a", "b", "", "c", ""]


def test_topological_order_is_the_same_under_another_hash_seed():
    """The topological order and every gradient come out identical in processes with different PYTHONHASHSEED."""
    script = textwrap.dedent(
        """
        from learnpath.nn import Value, sum_values
        xs = [Value(float(i) / 7, label=f"x{i}") for i in range(10)]
        out = sum_values([(x * y).tanh() for x in xs for y in xs if x is not y])
        out.backward()
        print([(n.label, n.op, n.data) for n in out.topological_order()])
        print([x.grad.hex() for x in xs])
        """
    )
    outputs = set()
    for seed in ("0", "7", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
        outputs.add(result.stdout)
    assert len(outputs) == 1


def test_topological_order_lists_parents_first_and_each_node_once():
    """Every node appears once, after all of its parents, with the output last."""
    a = Value(2.0)
    b = a * a
    c = b + a
    d = (c * b).relu() + c
    order = d.topological_order()
    assert len(order) == len({id(n) for n in order}) == 6
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]
    assert order[-1] is d


def test_fused_nodes_equal_the_binary_operator_versions_to_the_last_bit():
    """weighted_sum and sum_values give exactly the floats that chains of + and * give."""
    ws = [Value(0.1 * k - 0.37) for k in range(9)]
    xs = [0.3 + 0.77 * k for k in range(9)]
    bias = Value(0.123)
    assert weighted_sum(ws, xs, bias).data == sum((w * x for w, x in zip(ws, xs)), bias).data
    values = [Value(1.0 / (k + 1)) for k in range(30)]
    assert sum_values(values).data == sum(values).data
    assert sum_values(values, start=2.5).data == sum(values, 2.5).data


def test_op_strings_name_each_operation():
    """Each operation records the op string the pictures show."""
    a, b = Value(2.0), Value(3.0)
    ops = {
        "+": a + b, "-": a - b, "*": a * b, "/": a / b, "**2": a**2, "**-0.5": a**-0.5, "neg": -a,
        "relu": a.relu(), "tanh": a.tanh(), "sigmoid": a.sigmoid(), "exp": a.exp(), "log": a.log(),
        "sum": sum_values([a, b]), "wsum": weighted_sum([a], [b]), "": a,
    }
    for op, node in ops.items():
        assert node.op == op


def test_bad_inputs_raise_clear_errors():
    """Operations with no real answer raise an error saying why, instead of returning nonsense."""
    with pytest.raises(TypeError, match="plain number"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(ValueError, match="not a real number"):
        Value(-8.0) ** 0.5
    with pytest.raises(ValueError, match="positive base"):
        (-2.0) ** Value(1.0)
    with pytest.raises(ValueError, match="positive number"):
        Value(0.0).log()
    with pytest.raises(ValueError, match="2 weights but 3 inputs"):
        weighted_sum([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0])


def test_zero_to_the_zero_has_slope_zero():
    """x**0 is the constant 1, so its gradient is 0 even at x = 0 (no division by zero)."""
    x = Value(0.0)
    y = x**0
    y.backward()
    assert (y.data, x.grad) == (1.0, 0.0)


def test_repr_shows_label_data_and_grad():
    """repr names the label, data and grad, so a printed Value explains itself."""
    assert repr(Value(2.5, label="w")) == "Value(w=2.5, grad=0)"
