"""Section 1.2 exercise: list a graph's nodes in topological order, twice.

A topological order lists every node after all of its parents. You write it
first the short way, with a function that calls itself for each parent, and
watch it fail on a long chain; then with an explicit stack, which does not.

Both functions read only `node.parents`, so they work on any graph of Values
from learnpath.nn. Run this file (python exercise.py) to try both on a chain
of 5,000 nodes; run `learnpath exercise 1.2` to grade them.
"""

from __future__ import annotations

from learnpath.nn import Value


def topological_order_recursive(root: Value) -> list[Value]:
    """Every node root depends on, each after all of its parents, root last: by recursion.

    Visit a node: if it was visited before, do nothing; otherwise mark it visited,
    visit each of its parents, first to last, then append it to the order.
    Example: for y = a * b + c (inputs a, b, c made in that order) the result is
    [a, b, a*b, c, y].
    """
    order: list[Value] = []
    visited: set[Value] = set()

    def visit(node: Value) -> None:
        if node in visited:
            return
        visited.add(node)
        for parent in node.parents:
            visit(parent)
        order.append(node)

    visit(root)
    return order


def topological_order(root: Value) -> list[Value]:
    """The same list, with an explicit stack of (node, parents_done) pairs instead of recursion.

    Start with [(root, False)]. Pop a pair: if parents_done, append the node to the
    order; otherwise (unless already visited) mark it visited, push (node, True),
    then push (parent, False) for each parent not yet visited. Push the parents in
    reverse so the first parent comes off the stack first.
    Example: for y = a * b + c the result is [a, b, a*b, c, y], as above.
    """
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        for parent in reversed(node.parents):
            if parent not in visited:
                stack.append((parent, False))
    return order


def chain(length: int) -> Value:
    """x, x + 1, (x + 1) + 1, ...: a graph `length` additions deep."""
    node = Value(0.0)
    for _ in range(length):
        node = node + 1
    return node


if __name__ == "__main__":
    deep = chain(5_000)  # 10,001 nodes: x, and a constant and a + node per step
    for walk in (topological_order_recursive, topological_order):
        try:
            print(f"{walk.__name__}: {len(walk(deep)):,} nodes")
        except RecursionError as error:
            print(f"{walk.__name__}: RecursionError ({error})")
        except NotImplementedError:
            print(f"{walk.__name__}: not written yet")
