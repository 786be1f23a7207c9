"""Checks for section 1.3's exercise: the chain rule on one node, then the whole backward pass."""

from __future__ import annotations

from learnpath.exercises import Mismatch, central_difference, expect_close, for_all, st, task
from learnpath.nn import Value


@task("send-gradient", "send_gradient(node): the chain rule on every edge into a node",
      hints=["For each parent, multiply the node's grad by the local derivative for that parent.",
             "node.parents and node.local_grads line up: the i-th local derivative belongs to the i-th parent. "
             "Which built-in walks two sequences side by side?",
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
    expect_close(total.grad, -1.0, what="node.grad after send_gradient(node): the node keeps its own gradient")

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


def inner_nodes(root: Value) -> list[Value]:
    return [node for node in root.topological_order() if node.parents]


def _send_gradient_probe(ex) -> str | None:
    """What send_gradient does on two small cases, if that is wrong; None if it is right."""
    try:
        a, b = Value(2.0), Value(5.0)
        a.grad = 1.0
        node = a * b
        node.grad = 3.0
        ex.send_gradient(node)
        x = Value(3.0)
        square = x * x
        square.grad = 2.0
        ex.send_gradient(square)
    except Exception as error:  # the learner's function may raise anything
        return f"send_gradient raised {type(error).__name__}: {error}"
    if (a.grad, b.grad, x.grad) == (16.0, 6.0, 12.0):
        return None
    return f"a.grad = {a.grad!r}, b.grad = {b.grad!r}; x.grad = {x.grad!r}"


@task("backward", "backward(root): seed, walk in reverse topological order, leaves accumulate",
      hints=["Which node's gradient do you know before anything else, and what is it?",
             "Walk the topological order from its end (the output) back to its start, handing each node to "
             "send_gradient.",
             "Before the walk, an inner node (one with parents) may still hold a gradient from an earlier pass. "
             "What must happen to it, and what must NOT happen to a leaf's?",
             "Call your backward twice on the same graph: every leaf should read twice its first value, "
             "every inner node the same as after the first call."])
def check_backward(ex):
    try:
        _check_backward(ex)
    except Mismatch:
        wrong = _send_gradient_probe(ex)
        if wrong is not None:
            raise Mismatch("backward calls your send_gradient, which is wrong: fix task send-gradient first",
                           expected="send_gradient(a * b) with a = 2 (grad 1), b = 5, node.grad = 3 leaves a.grad = 16, "
                                    "b.grad = 6; send_gradient(x * x) with x = 3, node.grad = 2 leaves x.grad = 12",
                           got=wrong) from None
        raise


def _check_backward(ex):
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
    # Every inner node holds its own d(g)/d(node): the library's, on a copy of the same graph.
    twin = readme_expression(Value(-4.0), Value(2.0))
    twin.backward()
    for number, (node, right) in enumerate(zip(inner_nodes(g), inner_nodes(twin))):
        expect_close(node.grad, right.grad,
                     what=f"the grad of inner node {number + 1} of 32 ({node.op}, data {node.data:g}) after backward(g)")
    # Twice over the same graph: the leaves double, the inner nodes read as after the first call.
    first = {id(node): node.grad for node in inner_nodes(g)}
    ex.backward(g)
    expect_close(a.grad, 2 * 138.83381924198252,
                 what="a.grad after backward(g) a second time over the same graph (leaves accumulate: twice the first)")
    expect_close(b.grad, 2 * 645.5772594752186,
                 what="b.grad after backward(g) a second time over the same graph (leaves accumulate: twice the first)")
    for number, node in enumerate(inner_nodes(g)):
        expect_close(node.grad, first[id(node)],
                     what=f"the grad of inner node {number + 1} of 32 ({node.op}, data {node.data:g}) after a second "
                          "backward(g): an inner node holds this pass's gradient only")
    # Leftovers: a leaf that already holds 5 ends at 5 + its gradient; inner nodes holding junk do not pass it on.
    x, y = Value(3.0), Value(-2.0)
    out = (x * y + x) * y
    x.grad = 5.0
    for node in inner_nodes(out):
        node.grad = 100.0
    ex.backward(out)
    expect_close(x.grad, 5.0 + (-2.0 + 1.0) * -2.0,
                 what="x.grad after backward(out) for out = (x*y + x) * y at x = 3, y = -2, when x.grad was 5 and "
                      "every inner node held 100 from an earlier pass (5 + dout/dx = 5 + 2)")
    expect_close(y.grad, 2 * 3.0 * -2.0 + 3.0,
                 what="y.grad after backward(out) for out = (x*y + x) * y at x = 3, y = -2, when every inner node "
                      "held 100 from an earlier pass (dout/dy = 2xy + x = -9)")
    # Two losses sharing a weight, backpropagated one after the other: the weight gets their sum.
    w = Value(0.5)
    first_loss = (w * 3.0 - 1.0) ** 2
    second_loss = (w * -2.0 + 4.0) ** 2
    ex.backward(first_loss)
    ex.backward(second_loss)
    expect_close(w.grad, 3.0 + -12.0,
                 what="w.grad after backward((3w - 1)**2) then backward((4 - 2w)**2) at w = 0.5 (3 plus -12)")
    # The output may itself be a leaf: it accumulates its d(x)/d(x) = 1 like any other leaf.
    x = Value(3.0)
    x.grad = 2.0
    ex.backward(x)
    expect_close(x.grad, 3.0, what="x.grad after backward(x) on a lone input x whose grad was 2 "
                                   "(x is a leaf, so it accumulates: 2 + dx/dx)")
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
