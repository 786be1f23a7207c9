"""Scalar automatic differentiation: a number that remembers how it was made.

A Value wraps one float. Every arithmetic operation on Values returns a new
Value that records three things: its data, the Values it was made from (its
parents), and the local derivative of itself with respect to each parent.
Those records form a directed acyclic graph. `backward()` walks the graph from
the output back to the inputs and applies the chain rule at every node:

    parent.grad += local_derivative * node.grad

That one line is all of backpropagation. Everything else in this file is
computing the right local derivative for each operation.

Where the design comes from, and how it differs from micrograd's engine.py:
- Each node stores its local derivatives as numbers, computed during the
  forward pass, instead of a closure that computes them later. Andrej
  Karpathy's microgpt (2026) simplified his own micrograd the same way. Same
  mathematics, less machinery, and you can print what a node will send back.
- Parents are a tuple, not a set: the order is the order you wrote, so every
  run walks the graph the same way and prints the same picture.
- The topological sort uses an explicit stack, not recursion, so a chain of
  a million nodes works (Python's recursion limit is about 1,000 frames).
- `backward()` computes this pass's gradients afresh at every inner node
  and *adds* them into the leaves (the inputs the graph was built from), as
  PyTorch does. micrograd adds into every node, inner ones included, so a
  second backward() over the same graph compounds; here it adds exactly the
  same amount again. Zeroing the leaves between training steps is the
  caller's job: `zero_grad()`.
- `tanh` and `sigmoid` are computed in forms that cannot overflow.
- The graph walk is written out here even though tensor.py walks its graph
  the same way: sharing one function would send you to a second file to
  read the heart of this one. Section 1.2 asks you to write this walk.
- The fused nodes that make training fast (`sum_values`, `weighted_sum`) live
  beside ScalarNeuron in scalar.py: they add speed, not ideas.
"""

from __future__ import annotations

import math
from typing import Union

Number = Union[int, float]


class Value:
    """One scalar in a computation graph, with the gradient of the output with respect to it."""

    # __slots__ fixes the fields, which saves memory when there are millions of nodes.
    __slots__ = ("data", "grad", "parents", "local_grads", "op", "label")

    def __init__(
        self,
        data: Number,
        parents: tuple[Value, ...] = (),
        local_grads: tuple[float, ...] = (),
        op: str = "",
        label: str = "",
    ) -> None:
        self.data = float(data)
        self.grad = 0.0  # d(output)/d(self), filled in by backward()
        self.parents = parents  # the Values this one was made from, in the order written
        self.local_grads = local_grads  # d(self)/d(parent), one per parent
        self.op = op  # the operation that made this node; "" for an input
        self.label = label  # an optional name, shown in pictures of the graph

    def __repr__(self) -> str:
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.6g}, grad={self.grad:.6g})"

    # ------------------------------------------------------------------
    # Arithmetic. Each operation: compute the output, record the local
    # derivative with respect to each parent, return the new node.
    # ------------------------------------------------------------------

    def __add__(self, other: Value | Number) -> Value:
        other = as_value(other)
        # d(a+b)/da = 1 and d(a+b)/db = 1: addition passes gradient through unchanged.
        return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __sub__(self, other: Value | Number) -> Value:
        other = as_value(other)
        return Value(self.data - other.data, (self, other), (1.0, -1.0), "-")

    def __mul__(self, other: Value | Number) -> Value:
        other = as_value(other)
        # d(a*b)/da = b: each factor's gradient is scaled by the other factor.
        return Value(self.data * other.data, (self, other), (other.data, self.data), "*")

    def __truediv__(self, other: Value | Number) -> Value:
        other = as_value(other)
        quotient = self.data / other.data
        # d(a/b)/da = 1/b and d(a/b)/db = -a/b**2 = -(a/b)/b.
        return Value(quotient, (self, other), (1.0 / other.data, -quotient / other.data), "/")

    def __pow__(self, exponent: Number) -> Value:
        if not isinstance(exponent, (int, float)):
            raise TypeError("Value ** x needs a plain number x; for a Value x write (x * base.log()).exp()")
        out = self.data**exponent
        if isinstance(out, complex):  # what Python gives for (-8.0) ** 0.5
            raise ValueError(
                f"{self.data!r} ** {exponent!r} is not a real number: a negative base needs a whole exponent"
            )
        # The power rule: d(x**n)/dx = n * x**(n-1). x**0 is the constant 1,
        # so its slope is 0 everywhere, even at x = 0 where the rule would divide by zero.
        local = exponent * self.data ** (exponent - 1) if exponent != 0 else 0.0
        return Value(out, (self,), (local,), f"**{exponent:g}")

    def __neg__(self) -> Value:
        return Value(-self.data, (self,), (-1.0,), "neg")

    # Reflected forms let a plain number stand on the left: 2 * a, 1 - a, 1 / a.
    def __radd__(self, other: Number) -> Value:
        return as_value(other) + self

    def __rsub__(self, other: Number) -> Value:
        return as_value(other) - self

    def __rmul__(self, other: Number) -> Value:
        return as_value(other) * self

    def __rtruediv__(self, other: Number) -> Value:
        return as_value(other) / self

    def __rpow__(self, base: Number) -> Value:
        if base <= 0:
            raise ValueError(f"{base!r} ** Value needs a positive base; ln({base!r}) has no real value")
        # d(c**x)/dx = c**x * ln(c), for a constant base c > 0.
        out = base**self.data
        return Value(out, (self,), (out * math.log(base),), f"{base:g}**")

    # ------------------------------------------------------------------
    # Functions of one Value.
    # ------------------------------------------------------------------

    def relu(self) -> Value:
        out = self.data if self.data > 0 else 0.0
        # The slope is 1 where the input is positive and 0 elsewhere (we pick 0 at the kink).
        return Value(out, (self,), (1.0 if self.data > 0 else 0.0,), "relu")

    def tanh(self) -> Value:
        # math.tanh stays in [-1, 1] for any input; the textbook (e**2x - 1)/(e**2x + 1)
        # overflows once 2x passes about 709.
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,), "tanh")

    def sigmoid(self) -> Value:
        s = _stable_sigmoid(self.data)
        return Value(s, (self,), (s * (1.0 - s),), "sigmoid")

    def exp(self) -> Value:
        try:
            out = math.exp(self.data)
        except OverflowError:
            out = math.inf  # past x = 709.78, e**x is bigger than the largest float: call it infinity
        # e**x is its own derivative.
        return Value(out, (self,), (out,), "exp")

    def log(self) -> Value:
        if self.data <= 0:
            raise ValueError(f"log needs a positive number, got {self.data!r}")
        return Value(math.log(self.data), (self,), (1.0 / self.data,), "log")

    # ------------------------------------------------------------------
    # Walking the graph.
    # ------------------------------------------------------------------

    def topological_order(self) -> list[Value]:
        """Every node this one depends on, each listed after all of its parents; self is last.

        A depth-first search with an explicit stack, so the depth of the graph
        is limited by memory, not by Python's recursion limit.
        """
        order: list[Value] = []
        visited: set[Value] = set()
        # Two stacks that move together: a node, and whether its parents are done.
        # A node goes on with False when a child reaches it (more than once if
        # several children reach it before it is expanded: the visited check
        # skips the extra copies), and once with True, beneath its parents, so
        # that it is emitted after them. (Two flat lists, not one list of
        # (node, flag) pairs: a million pairs alive at once would keep Python's
        # garbage collector scanning them, and the walk would slow as graphs grow.)
        nodes: list[Value] = [self]
        parents_done: list[bool] = [False]
        while nodes:
            node = nodes.pop()
            if parents_done.pop():
                order.append(node)
                continue
            if node in visited:
                continue
            visited.add(node)
            nodes.append(node)
            parents_done.append(True)
            # Reversed so that the first parent is expanded first: the order reads as written.
            for parent in reversed(node.parents):
                if parent not in visited:
                    nodes.append(parent)
                    parents_done.append(False)
        return order

    def backward(self) -> None:
        """Add d(self)/d(leaf) into `.grad` of every leaf; give every inner node d(self)/d(node).

        A leaf is a Value made by hand, not by an operation: a weight, an
        input. Leaves *accumulate*: what backward() finds is added to what
        their `.grad` already held, so two losses backpropagated one after the
        other leave the sum of their gradients, and a second backward() over
        the same graph doubles the leaves' gradients. That is PyTorch's rule,
        and why a training loop calls `zero_grad()` before every backward().
        Inner nodes hold this pass's gradient only (they are not trained;
        they are kept for pictures of the graph).
        """
        order = self.topological_order()
        # Put the leaves' earlier gradients aside and start this pass from zero everywhere:
        # an inner node must not pass on what an earlier pass left in it.
        earlier = [(node, node.grad) for node in order if not node.parents and node.grad]
        for node in order:
            node.grad = 0.0
        self.grad = 1.0  # d(self)/d(self)
        # Reverse topological order: a node's gradient is complete before it is passed on.
        for node in reversed(order):
            grad = node.grad
            for parent, local in zip(node.parents, node.local_grads):
                # The chain rule. `+=` because a node used twice gets gradient from both uses.
                parent.grad += local * grad
        # Accumulate: the leaves keep what they had, plus this pass (a leaf that held 0 has nothing to add).
        for leaf, grad in earlier:
            leaf.grad = grad + leaf.grad


def as_value(x: Value | Number) -> Value:
    """x itself if it is a Value, otherwise a new input node holding x."""
    return x if isinstance(x, Value) else Value(x)


def _stable_sigmoid(x: float) -> float:
    # 1/(1+e**-x) overflows for x below about -709; for negative x use the
    # equal form e**x/(1+e**x), where e**x is tiny instead of huge.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
