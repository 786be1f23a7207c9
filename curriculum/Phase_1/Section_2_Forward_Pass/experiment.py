"""Section 1.2 lab: ordinary arithmetic on Values records a graph, and a topological order walks it.

Steps, each printed as it runs:
  1. Evaluate one expression (the example from micrograd's README) on Values and on
     plain floats, with the very same Python function, and compare the answers.
  2. Count the nodes the Value run recorded, by operation.
  3. Print the nodes in topological order and check that every node comes after its parents.
  4. Replay the recorded graph with a new input, walking that order; then try the
     reverse order and watch it fail on its first node.

Nothing here is random, so every run prints the same numbers.
Run it from this folder: python experiment.py   (or: learnpath run 1.2)
"""

from __future__ import annotations

from learnpath import lab
from learnpath.nn import Value
from learnpath.nn.graph import count_ops, draw


def readme_expression(a, b, relu):
    """The README example, written once for any number type that has + - * / ** and unary -."""
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + relu(b + a)
    d += 3 * d + relu(b - a)
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g


def value_relu(v: Value) -> Value:
    return v.relu()


def float_relu(x: float) -> float:
    return max(x, 0.0)


# How to recompute each kind of node from its parents' numbers, for the replay in step 4.
# "**2" and "**3" carry their exponent in the op string, so powers are handled separately.
OPERATIONS = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
    "/": lambda x, y: x / y,
    "neg": lambda x: -x,
    "relu": float_relu,
}


def recompute(op: str, parent_numbers: list[float]) -> float:
    if op.startswith("**"):
        return parent_numbers[0] ** float(op[2:])
    return OPERATIONS[op](*parent_numbers)


def replay(order: list[Value], new_inputs: dict[Value, float]) -> float:
    """Recompute every node of a recorded graph, visiting nodes in `order`; return the last one.

    Raises LookupError naming the first node whose parents have not been computed yet.
    """
    numbers: dict[Value, float] = {}
    for position, node in enumerate(order, start=1):
        if not node.op:  # an input: take the new number if one was given, else keep the old
            numbers[node] = new_inputs.get(node, node.data)
            continue
        if any(parent not in numbers for parent in node.parents):
            raise LookupError(f"visit {position} ({node.label or node.op}) needs a parent that has not been computed yet")
        numbers[node] = recompute(node.op, [numbers[parent] for parent in node.parents])
    return numbers[order[-1]]


def show(caption: str, lines: list[str]) -> None:
    """A caption, in prose, then lines printed exactly as laid out (a table, a picture)."""
    lab.say("\n".join([caption, *("  " + line for line in lines)]))


def main() -> dict:
    lab.step("One expression, two number types")
    # The same function runs on Values and on floats: Python calls Value.__add__,
    # Value.__mul__ and friends for Values, and those record the graph as they go.
    a = Value(-4.0, label="a")
    b = Value(2.0, label="b")
    g = readme_expression(a, b, value_relu)
    g.label = "g"
    g_float = readme_expression(-4.0, 2.0, float_relu)
    show("The same function, run twice:", [f"with Values: g = {g.data:.4f}   (full precision {g.data!r})",
                                           f"with floats: g = {g_float:.4f}   (full precision {g_float!r})"])
    lab.say(f"Identical to the last bit: {g.data == g_float}.")

    lab.step("What the Value run recorded")
    # Every operation made one node; every plain number (1, 2, 3, 2.0, 10.0) became an input node.
    order = g.topological_order()
    counts = count_ops(g)
    inputs = counts.get("input", 0)
    show(f"{len(order)} nodes: {inputs} inputs (a, b and {inputs - 2} constants) and {len(order) - inputs} operations:",
         [f"  {op:>6}  {count:3d}  {'#' * count}"
          for op, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))])

    lab.step("The nodes in topological order (each after its parents)")
    # grad is 0 everywhere: the forward pass fills in data; section 1.3 fills in grad.
    show("The recorded graph, as draw(g) lists it:", draw(g).splitlines())
    position = {node: i for i, node in enumerate(order)}
    parents_first = all(position[parent] < position[node] for node in order for parent in node.parents)
    edges = sum(len(node.parents) for node in order)
    lab.say(f"Every one of the {edges} edges points forward in this list: {parents_first}.")

    lab.step("The graph is a program: replay it with a = -3")
    # Walking the recorded order recomputes every node from its parents; no Python expression is re-run.
    replayed = replay(order, {a: -3.0})
    direct = readme_expression(-3.0, 2.0, float_relu)
    lab.say(f"Replaying the graph: g = {replayed:.4f}; evaluating the expression afresh: g = {direct:.4f}.")
    # The reverse order reaches g before anything g depends on.
    try:
        replay(list(reversed(order)), {a: -3.0})
        reverse_failure = ""
    except LookupError as failure:
        reverse_failure = str(failure)
    lab.say(f"Replaying in reverse order fails at once: {reverse_failure}.")

    return {
        "g": g.data,
        "g_float": g_float,
        "nodes": len(order),
        "inputs": inputs,
        "operations": len(order) - inputs,
        "op_counts": counts,
        "edges": edges,
        "order_ops": [node.op or "input" for node in order],
        "parents_first": parents_first,
        "replayed_g_at_a_minus_3": replayed,
        "direct_g_at_a_minus_3": direct,
        "reverse_failure": reverse_failure,
    }


if __name__ == "__main__":
    main()
