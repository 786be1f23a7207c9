"""Section 1.3 exercise: backward() itself.

Every node already knows its parents and its local derivatives (section 1.1),
and `root.topological_order()` lists the graph with every node after its
parents (section 1.2). What is left is the chain rule, applied on every edge in
the right order. You write it in two pieces: one node sending its gradient to
its parents, then the whole walk.

Run this file (python exercise.py) to see your gradients for the overview's
worked example; run `learnpath exercise 1.3` to grade them.
"""

from __future__ import annotations

from learnpath.nn import Value


def send_gradient(node: Value) -> None:
    """The chain rule on every edge into `node`: each parent's grad grows by local derivative * node.grad.

    Grow, not set: a parent used twice must keep both contributions.
    Example: node = a * b with a = 2, b = 5 and node.grad = 3. The local derivatives
    are (5, 2), so a.grad grows by 5 * 3 = 15 and b.grad by 2 * 3 = 6.
    """
    # TODO: loop over the node's parents together with its local derivatives.
    raise NotImplementedError("task send-gradient: write send_gradient")


def backward(root: Value) -> None:
    """Fill in every node's grad with d(root)/d(node).

    Three steps: set every grad in root's graph to 0 (so nothing left from an
    earlier call leaks in), seed root.grad with 1 (d(root)/d(root)), then call
    send_gradient on every node in reverse topological order, output first.
    Example: for L = (a*b + 5)**2 at a = 3, b = -0.5 it leaves a.grad = -3.5, b.grad = 21.
    """
    # TODO: root.topological_order() gives the nodes, inputs first; reversed() walks them output first.
    raise NotImplementedError("task backward: write backward")


def worked_example() -> tuple[Value, Value, Value]:
    """The overview's example: L = (a*b + 5)**2 at a = 3, b = -0.5."""
    a, b = Value(3.0, label="a"), Value(-0.5, label="b")
    return a, b, (a * b + 5) ** 2


if __name__ == "__main__":
    a, b, L = worked_example()
    try:
        backward(L)
        print(f"L = {L.data:g}; your backward gives dL/da = {a.grad:g} (expected -3.5), dL/db = {b.grad:g} (expected 21)")
    except NotImplementedError as missing:
        print(f"not written yet: {missing}")
