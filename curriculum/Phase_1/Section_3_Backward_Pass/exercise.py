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
    """Add d(root)/d(leaf) into every leaf's grad; leave every inner node with d(root)/d(node).

    A leaf is a node with no parents (an input, a weight, a constant); an inner node
    was made by an operation. The rule is PyTorch's:
    - leaves ACCUMULATE (root too, if root is itself a leaf): this pass's gradient is
      added to whatever their grad already held, so a second backward(root) over the
      same graph doubles every leaf's grad, and two losses backpropagated one after the
      other leave the sum of their gradients. Clearing them between training steps is
      the caller's job (zero_grad);
    - inner nodes hold THIS pass's gradient only: whatever an earlier pass left in
      them must not flow on (that is micrograd's behaviour, where a second pass
      compounds), so after a second call they read exactly as after the first.
    Seed root with d(root)/d(root) = 1, then call send_gradient on every node in
    reverse topological order, output first.
    Example: for L = (a*b + 5)**2 at a = 3, b = -0.5, backward(L) leaves a.grad = -3.5,
    b.grad = 21 and L.grad = 1; calling it again leaves a.grad = -7, b.grad = 42, L.grad = 1.
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
