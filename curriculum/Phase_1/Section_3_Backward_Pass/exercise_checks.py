"""Checks for section 1.3's exercise: the chain rule on one node, then the whole backward pass."""

from __future__ import annotations

from learnpath.exercises import central_difference, expect_close, for_all, st, task
from learnpath.nn import Value


@task("send-gradient", "send_gradient(node): the chain rule on every edge into a node",
      hints=["For each parent, multiply the node's grad by the local derivative for that parent.",
             "zip(node.parents, node.local_grads) pairs each parent with its local derivative.",
             "Use += : a parent used twice (x * x) must collect both shares."])
def check_send_gradient(ex):
    a, b = Value(2.0), Value(5.0)
    node = a * b
    node.grad = 3.0
    ex.send_gradient(node)
    expect_close(a.grad, 15.0, what="a.grad after send_gradient(a * b) with a = 2, b = 5, node.grad = 3")
    expect_close(b.grad, 6.0, what="b.grad after send_gradient(a * b) with a = 2, b = 5, node.grad = 3")
    x = Value(3.0)
    square = x * x
    square.grad = 2.0
    ex.send_gradient(square)
    expect_close(x.grad, 12.0, what="x.grad after send_gradient(x * x) with x = 3, node.grad = 2 (x is both parents)")
    p = Value(1.5)
    p.grad = 4.0  # a share already received from another use of p
    total = p + Value(2.0)
    total.grad = -1.0
    ex.send_gradient(total)
    expect_close(p.grad, 3.0, what="p.grad after send_gradient(p + 2) with node.grad = -1, when p.grad was already 4")

    def one_case(x, y, upstream):
        a, b = Value(x), Value(y)
        node = a / b
        node.grad = upstream
        ex.send_gradient(node)
        expect_close(a.grad, upstream / y, what=f"a.grad after send_gradient(a / b), a = {x!r}, b = {y!r}, node.grad = {upstream!r}")
        expect_close(b.grad, -x / y**2 * upstream,
                     what=f"b.grad after send_gradient(a / b), a = {x!r}, b = {y!r}, node.grad = {upstream!r}")

    away_from_zero = st.floats(-5, 5).filter(lambda v: abs(v) > 0.1)
    for_all(away_from_zero, away_from_zero, st.floats(-3, 3), max_examples=40)(one_case)


def readme_expression(a: Value, b: Value) -> Value:
    """The example from micrograd's README (Andrej Karpathy), with our Values."""
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
    return g


# A random graph over two inputs: each step combines earlier nodes, so nodes get reused.
steps = st.lists(st.tuples(st.sampled_from(["+", "*", "-", "tanh", "square"]),
                           st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=12)


def random_graph(recipe, x: Value, y: Value) -> Value:
    nodes = [x, y]
    for op, i, j in recipe:
        left, right = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if op == "+":
            nodes.append(left + right)
        elif op == "*":
            nodes.append(left * right * 0.5)  # halved so that values stay of modest size
        elif op == "-":
            nodes.append(left - right)
        elif op == "tanh":
            nodes.append(left.tanh())
        else:
            nodes.append(left**2 * 0.25)
    return nodes[-1]


@task("backward", "backward(root): zero, seed, and walk in reverse topological order",
      hints=["Which node's gradient do you know before anything else, and what is it?",
             "Zero every grad first, then set root.grad = 1.0; the order matters.",
             "Walk reversed(root.topological_order()), calling send_gradient on each node."])
def check_backward(ex):
    # A value used twice: b = a + a, c = b * b, so c = 4a**2 and dc/da = 8a.
    a = Value(-1.25)
    b = a + a
    c = b * b
    ex.backward(c)
    expect_close(c.grad, 1.0, what="c.grad after backward(c): the seed")
    expect_close(b.grad, -5.0, what="b.grad after backward(c) for b = a + a, c = b * b at a = -1.25")
    expect_close(a.grad, -10.0, what="a.grad after backward(c) for b = a + a, c = b * b at a = -1.25 (8a)")
    # The README expression: 33 nodes, several used many times.
    a, b = Value(-4.0), Value(2.0)
    g = readme_expression(a, b)
    ex.backward(g)
    expect_close(a.grad, 138.83381924198252, what="dg/da for micrograd's README expression at a = -4, b = 2")
    expect_close(b.grad, 645.5772594752186, what="dg/db for micrograd's README expression at a = -4, b = 2")
    # Twice in a row: the same numbers, because every grad is zeroed first.
    ex.backward(g)
    expect_close(a.grad, 138.83381924198252, what="dg/da after calling backward(g) a second time")
    # A chain deeper than Python's recursion limit.
    x = Value(1.5)
    node = x
    for _ in range(20_000):
        node = -node
    ex.backward(node)
    expect_close(x.grad, 1.0, what="dy/dx for y = x negated 20,000 times")

    # Random graphs against central differences, which know nothing of the chain rule.
    def one_case(recipe, x0, y0):
        x, y = Value(x0), Value(y0)
        out = random_graph(recipe, x, y)
        ex.backward(out)
        numeric_x = central_difference(lambda t: random_graph(recipe, Value(t), Value(y0)).data, x0)
        numeric_y = central_difference(lambda t: random_graph(recipe, Value(x0), Value(t)).data, y0)
        expect_close(x.grad, numeric_x, rel=1e-5, abs=1e-6, what=f"d(out)/dx on a random graph {recipe!r} at x = {x0!r}, y = {y0!r}, against a central difference")
        expect_close(y.grad, numeric_y, rel=1e-5, abs=1e-6, what=f"d(out)/dy on a random graph {recipe!r} at x = {x0!r}, y = {y0!r}, against a central difference")

    for_all(steps, st.floats(-2, 2), st.floats(-2, 2), max_examples=60)(one_case)
