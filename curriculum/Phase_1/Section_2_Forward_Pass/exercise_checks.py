"""Checks for section 1.2's exercise: each walk must return a valid topological order."""

from __future__ import annotations

from learnpath.exercises import Mismatch, expect_equal, for_all, st, task
from learnpath.nn import Value


def readme_expression() -> Value:
    """The example from micrograd's README at a = -4, b = 2: 33 nodes, some used many times."""
    a, b = Value(-4.0, label="a"), Value(2.0, label="b")
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


def diamond() -> Value:
    """x feeds two nodes that meet again: y = x * 2 + x, written so that y's parents are (x*2, x)."""
    x = Value(1.5, label="x")
    return x * 2 + x


def late_reuse() -> Value:
    """L = x + x*3 with parents (x, x*3) reversed: x is reached twice before it is expanded."""
    x = Value(2.0, label="x")
    tripled = x * 3
    return Value(x.data + tripled.data, (tripled, x), (1.0, 1.0), "+")


def reachable(root: Value) -> set[Value]:
    """Every node root depends on, by a plain search (the checks' own, not yours)."""
    seen, todo = {root}, [root]
    while todo:
        for parent in todo.pop().parents:
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def expect_topological(order, root: Value, name: str) -> None:
    """`order` lists every node of root's graph once, each after its parents, root last."""
    what = f"the order your function returned for {name}"
    if not isinstance(order, list):
        raise Mismatch(what, expected="a list of Values", got=type(order).__name__)
    nodes = reachable(root)
    if len(order) != len(nodes):
        repeated = len(order) - len(set(order))
        why = (f" ({repeated} listed again: a node that two others use is reached twice, and the second"
               " time it must be skipped because it was already visited)") if repeated else ""
        raise Mismatch(f"{what}: how many nodes it lists{why}", expected=f"{len(nodes)} (each node once)",
                       got=f"{len(order)} ({len(set(order))} different)")
    if set(order) != nodes:
        raise Mismatch(f"{what}: which nodes it lists", expected="exactly the nodes of the graph",
                       got="some node that is not in the graph, or one listed twice")
    if order[-1] is not root:
        raise Mismatch(f"{what}: its last node", expected=f"the output, {describe(root)}", got=describe(order[-1]))
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        for parent in node.parents:
            if position[parent] > position[node]:
                raise Mismatch(f"{what}: each node after its parents",
                               expected=f"{describe(parent)} before {describe(node)}",
                               got=f"{describe(parent)} at position {position[parent] + 1}, "
                                   f"after {describe(node)} at {position[node] + 1}")


def describe(node: Value) -> str:
    """A node as the learner can find it: its label or op, and its number."""
    return f"{node.label or node.op or 'input'} ({node.data:g})"


def expect_library_order(order, root: Value, name: str) -> None:
    """The walk the docstring describes visits parents first to last, so it lists the graph
    in exactly the order of learnpath.nn's topological_order()."""
    expected = root.topological_order()
    for i, (mine, right) in enumerate(zip(order, expected)):
        if mine is not right:
            raise Mismatch(
                f"the order your function returned for {name}: node {i + 1} (a valid topological order, "
                "but not the one the docstring describes: parents are visited first to last)",
                expected=describe(right), got=describe(mine),
                input=", ".join(describe(node) for node in expected))


def snapshot(root: Value) -> list[tuple]:
    return [(id(node), node.data, node.grad, tuple(map(id, node.parents)), tuple(node.local_grads), node.op, node.label)
            for node in reachable(root)]


# A random graph: each step combines two earlier nodes (any of them, so nodes get reused).
steps = st.lists(st.tuples(st.sampled_from("+*-"), st.integers(0, 10**6), st.integers(0, 10**6)),
                 min_size=1, max_size=25)


def random_graph(recipe) -> Value:
    nodes = [Value(0.5, label="x"), Value(-2.0, label="y")]
    for op, i, j in recipe:
        left, right = nodes[i % len(nodes)], nodes[j % len(nodes)]
        nodes.append(left + right if op == "+" else left * right if op == "*" else left - right)
    return nodes[-1]


def walk_and_check(walk, root: Value, name: str) -> None:
    for number, node in enumerate(reachable(root)):
        node.grad = 0.25 * (number + 1)  # left over from some backward pass: the walk must leave it alone
    before = snapshot(root)
    order = walk(root)
    if snapshot(root) != before:
        raise Mismatch(f"the graph of {name} after your walk (a walk only reads the graph)",
                       expected="every node's data, grad and parents as they were", got="something changed")
    expect_topological(order, root, name)
    expect_library_order(order, root, name)


def check_walk(walk) -> None:
    x = Value(3.0, label="x")
    expect_equal(walk(x), [x], what="the order of a graph that is a single input x")
    p, q, r = Value(1.0, label="p"), Value(2.0, label="q"), Value(3.0, label="r")
    walk_and_check(walk, p * q + r, "y = p * q + r")
    for name, build in (("y = x * 2 + x", diamond), ("L = (x*3) + x", late_reuse),
                        ("the README expression (33 nodes)", readme_expression)):
        walk_and_check(walk, build(), name)

    def one_case(recipe):
        walk_and_check(walk, random_graph(recipe), "a random graph")

    for_all(steps, max_examples=60)(one_case)


@task("recursive-order", "topological_order_recursive: depth-first, by recursion",
      hints=["A node can be appended only after every one of its parents has been appended.",
             "A node used twice is reached twice: what must visit do the second time?",
             "Mark a node as visited before you go to its parents, and append it only after they return."])
def check_recursive(ex):
    check_walk(ex.topological_order_recursive)


@task("stack-order", "topological_order: the same walk with an explicit stack",
      hints=["Each stack entry says whether the node's parents are already done.",
             "A node reached by two children can sit on the stack twice before it is expanded. When an entry "
             "whose parents are not done comes off, what must you ask before expanding it? (Skipping that "
             "question is the most common bug: the shared node is listed twice.)",
             "The entry that says 'parents done' must come off after all of the parents' entries: push it first.",
             "A chain of 100,000 nodes must work: nothing may call itself."])
def check_stack(ex):
    check_walk(ex.topological_order)
    node = Value(0.0, label="x")
    for _ in range(50_000):
        node = node + 1
    order = ex.topological_order(node)
    expect_equal(len(order), 100_001, what="the number of nodes listed for a chain of 50,000 '+ 1' steps")
    expect_equal(order[-1] is node and order[0].label == "x", True,
                 what="that chain's order starts at the input x and ends at the output")
