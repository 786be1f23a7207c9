"""Section 1.3 lab: run the chain rule backwards through a graph, and try to break it.

Six steps, each one a claim from the overview put to the test:
1. the overview's hand-sized example, so you can compare the table with your pencil;
2. backward() on micrograd's README expression, checked against central differences;
3. a value used twice, where `+=` is the whole story (and `=` gets it wrong);
4. a walk in the wrong order (breadth-first), which gets a gradient wrong silently;
5. a 100,000-node chain: a recursive walk gives up, the explicit stack does not;
6. backward() called twice over one graph: the leaves' gradients add up (PyTorch's
   rule, this engine's), while an engine that also lets inner nodes pile up
   (micrograd's) compounds; zeroing is the caller's job; two losses add up.

The backward() under study is the library's, or yours with --mine (your exercise.py's
backward, which must pass `learnpath exercise 1.3` first); the variants it is compared
with (an `=` walk, a breadth-first walk, micrograd's rule) are written out below.
Run it from this folder: python experiment.py   (or: learnpath run 1.3 [--mine])
"""

from __future__ import annotations

from collections import deque

from learnpath import lab
from learnpath.nn import Value
from learnpath.nn.graph import draw

# --------------------------------------------------------------------------
# The graphs we study.
# --------------------------------------------------------------------------


def worked_example() -> tuple[Value, Value, Value]:
    """The overview's example: L = (a*b + 5)**2 at a = 3, b = -0.5."""
    a = Value(3.0, label="a")
    b = Value(-0.5, label="b")
    e = a * b
    e.label = "e"
    d = e + Value(5.0, label="5")  # a labelled constant, so the picture says "e + 5"
    d.label = "d"
    L = d**2
    L.label = "L"
    return a, b, L


def readme_expression(a_number: float, b_number: float) -> tuple[Value, Value, Value]:
    """micrograd's README example; returns (a, b, g) so we can read a.grad and b.grad."""
    a = Value(a_number, label="a")
    b = Value(b_number, label="b")
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
    return a, b, g


def reuse_graph(a_number: float) -> tuple[Value, Value, Value]:
    """b = a + a; c = b * b. Every path from c to a goes through b, and b is used twice."""
    a = Value(a_number, label="a")
    b = a + a
    b.label = "b"
    c = b * b
    c.label = "c"
    return a, b, c


def two_path_graph(a_number: float) -> tuple[Value, Value, Value]:
    """b = a * a; L = b + 4 * b. b reaches L by a short path and a longer one."""
    a = Value(a_number, label="a")
    b = a * a
    b.label = "b"
    L = b + 4 * b
    L.label = "L"
    return a, b, L


def negation_chain(length: int) -> tuple[Value, Value]:
    """x, -x, -(-x), ...: `length` nodes in a single line, each made from the one before."""
    x = Value(1.5, label="x")
    node = x
    for _ in range(length - 1):
        node = -node
    return x, node


# --------------------------------------------------------------------------
# Walks and backward passes that differ from ours in exactly one way each,
# so that the one difference is what the experiment shows.
# --------------------------------------------------------------------------


def recursive_topological_order(root: Value) -> list[Value]:
    """The textbook depth-first sort: each call waits for its parents' calls to return."""
    order: list[Value] = []
    visited: set[Value] = set()

    def visit(node: Value) -> None:
        if node in visited:
            return
        visited.add(node)
        for parent in node.parents:
            visit(parent)  # one Python frame per level of the graph
        order.append(node)

    visit(root)
    return order


def breadth_first_order(root: Value) -> list[Value]:
    """Nodes nearest the output first: looks reasonable, but is NOT a reverse topological order."""
    order: list[Value] = []
    seen = {root}
    queue = deque([root])
    while queue:
        node = queue.popleft()
        order.append(node)
        for parent in node.parents:
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return order


def backward_along(root: Value, walk: list[Value]) -> None:
    """Our chain rule, but visiting nodes in the order given by `walk` (output first)."""
    for node in walk:
        node.grad = 0.0
    root.grad = 1.0
    for node in walk:
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad


def backward_overwriting(root: Value) -> None:
    """Our backward() with one bug: `=` where it should say `+=`."""
    order = root.topological_order()
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad = local * node.grad  # BUG: the second use of a parent erases the first


def backward_without_zeroing(root: Value) -> None:
    """micrograd 0.1.0's rule: seed the output with 1, then add into every node, inner ones included.

    Nothing is cleared, so whatever an earlier pass left in an inner node flows on again.
    """
    order = root.topological_order()
    root.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad


def relative_error(a: float, b: float) -> float:
    """|a - b| / max(|a|, |b|): how many digits two numbers share, whatever their size (0 if both are 0)."""
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def central_difference(function, x: float, h: float = 1e-6) -> float:
    """(f(x+h) - f(x-h)) / 2h: the numerical slope from section 1.1, error shrinking like h**2."""
    return (function(x + h) - function(x - h)) / (2 * h)


# --------------------------------------------------------------------------
# The experiment.
# --------------------------------------------------------------------------


def show(caption: str, lines: list[str]) -> None:
    """A caption, in prose, then lines printed exactly as laid out (a table, a picture)."""
    lab.say("\n".join([caption, *("  " + line for line in lines)]))


def main() -> dict:
    # The backward pass under study: the library's, or the learner's with --mine.
    parts = lab.mine(__file__, backward=Value.backward)
    backward = parts.backward
    figures: dict = {"mine": parts.mine}
    if parts.mine:
        lab.say("Every backward() below is yours, from exercise.py; the numbers should be the ones the overview quotes.")

    # Step 1. A graph small enough to check by hand. Read the grad column from
    # the bottom up: L's 1 becomes d's 2d = 7, e's 7 * 1, then a's 7 * b and b's 7 * a.
    lab.step("The worked example: L = (a*b + 5)**2 at a = 3, b = -0.5")
    a, b, L = worked_example()
    backward(L)
    show("The graph, inputs first, after backward(L):", draw(L).splitlines())
    lab.say(f"dL/da = {a.grad:g} and dL/db = {b.grad:g}, as in the overview's table.")
    figures.update(worked_L=L.data, worked_da=a.grad, worked_db=b.grad)

    # Step 2. Backpropagation on a real expression, then a second opinion from
    # finite differences, which know nothing about graphs or the chain rule.
    lab.step("Gradients of micrograd's README expression at a = -4, b = 2")
    a, b, g = readme_expression(-4.0, 2.0)
    backward(g)
    node_count = len(g.topological_order())
    numeric_da = central_difference(lambda x: readme_expression(x, 2.0)[2].data, -4.0)
    numeric_db = central_difference(lambda x: readme_expression(-4.0, x)[2].data, 2.0)
    # Relative error, as in section 1.1: the gap measured against the size of the numbers.
    rel_da = relative_error(a.grad, numeric_da)
    rel_db = relative_error(b.grad, numeric_db)
    lab.say(f"g = {g.data:.4f}, a graph of {node_count} nodes.")
    show("backward() against central differences:", [
        "           backward()    central difference   relative error",
        f"dg/da  {a.grad:14.4f}  {numeric_da:19.4f}   {rel_da:.1e}",
        f"dg/db  {b.grad:14.4f}  {numeric_db:19.4f}   {rel_db:.1e}"])
    lab.say("One backward pass gave both slopes; the check needed four extra forward passes.")
    figures.update(g=g.data, readme_node_count=node_count, dg_da=a.grad, dg_db=b.grad,
                   numeric_dg_da=numeric_da, numeric_dg_db=numeric_db,
                   relative_error_da=rel_da, relative_error_db=rel_db)

    # Step 3. A node used twice. c = (a + a)**2 = 4a**2, so dc/da = 8a (-10 at a = -1.25).
    reuse_at = -1.25
    lab.step(f"A value used twice: b = a + a; c = b * b at a = {reuse_at:g}")
    lab.say(f"c = 4a^2, so dc/da = 8a = {8 * reuse_at:g}.")
    a, b, c = reuse_graph(reuse_at)
    backward(c)
    show("The graph after backward(c):", draw(c).splitlines())
    figures.update(reuse_c=c.data, reuse_db=b.grad, reuse_da=a.grad)
    with_plus_equals = f"backward() with +=:  dc/db = {b.grad:g}, dc/da = {a.grad:g}"
    a, b, c = reuse_graph(reuse_at)
    backward_overwriting(c)
    figures.update(reuse_db_overwriting=b.grad, reuse_da_overwriting=a.grad)
    # Finite differences settle which one is right.
    numeric = central_difference(lambda x: reuse_graph(x)[2].data, reuse_at)
    figures.update(reuse_da_numeric=numeric)
    show("Three opinions on the gradients:", [
        with_plus_equals,
        f"the walk with = :    dc/db = {b.grad:g}, dc/da = {a.grad:g}   <- 2nd use erased 1st",
        f"central difference:  dc/da = {numeric:.4f}"])

    # Step 4. Order matters. b reaches L twice: directly, and through 4*b.
    # Breadth-first reaches b before 4*b has sent b its share.
    lab.step("Order: b = a * a; L = b + 4*b at a = 3")
    lab.say("L = 5a^2, so dL/da = 10a = 30.")
    a, b, L = two_path_graph(3.0)
    backward(L)
    right_da = a.grad
    in_order = f"reverse topological order: dL/db = {b.grad:g}, dL/da = {a.grad:g}"
    figures.update(two_path_da=a.grad, two_path_db=b.grad)
    a, b, L = two_path_graph(3.0)
    walk = breadth_first_order(L)
    backward_along(L, walk)
    verdict = "<- wrong" if a.grad != right_da else "(right this time: luck of the order, not a proof)"
    show("The same chain rule, two orders:", [
        in_order, f"breadth-first order:       dL/db = {b.grad:g}, dL/da = {a.grad:g}   {verdict}"])
    # Where was b in the breadth-first walk? If before the 4*b node, it sent a partial gradient.
    positions = {id(node): index for index, node in enumerate(walk)}
    times_four = next(node for node in L.parents if node is not b)
    if positions[id(b)] < positions[id(times_four)]:
        lab.say("Breadth-first visited b before 4*b, so b passed on dL/db = 1 (its direct share only); "
                "the 4 from 4*b arrived after b had already sent its gradient to a.")
    figures.update(two_path_da_breadth_first=a.grad, two_path_db_breadth_first=b.grad)

    # Step 5. Depth. A recursive walk needs one Python frame per level, and by
    # default Python stops at 1,000 frames. We do not raise that limit: it only
    # moves the wall, by an amount that depends on the Python version and memory.
    chain_length = 100_000
    lab.step(f"Depth: a chain of {chain_length:,} nodes, x and {chain_length - 1:,} negations")
    short_length = 500
    _, short_y = negation_chain(short_length)
    short_ok = len(recursive_topological_order(short_y)) == short_length
    x, y = negation_chain(chain_length)
    try:
        recursive_topological_order(y)
        recursion_error = ""
    except RecursionError as error:
        recursion_error = str(error)
    order_length = len(y.topological_order())
    backward(y)
    show("Three walks:", [
        f"recursive walk, {short_length:,} nodes: {'fine' if short_ok else 'FAILED'}",
        f"recursive walk, {chain_length:,} nodes: {'RecursionError' if recursion_error else '(no error)'}",
        f"explicit stack, {chain_length:,} nodes: visited {order_length:,} nodes, y = {y.data:g}, dy/dx = {x.grad:g}"])
    if recursion_error:
        lab.say(f"The recursive walk's error says: {recursion_error}.")
    flips = chain_length - 1
    parity = "an odd number, so y = -x and dy/dx = -1" if flips % 2 else "an even number, so y = x and dy/dx = 1"
    lab.say(f"{flips:,} sign flips, {parity}.")
    figures.update(chain_length=chain_length, recursive_short_ok=short_ok, recursion_error=recursion_error,
                   chain_order_length=order_length, chain_y=y.data, chain_dy_dx=x.grad)

    # Step 6. backward() twice over one graph. This engine follows PyTorch: the leaves
    # (a and b here, and the constants) add this pass's gradient to what they held; every
    # inner node holds this pass's gradient only. micrograd adds into inner nodes too.
    lab.step("Twice over one graph: the leaves add up; inner nodes must not")
    a, b, g = readme_expression(-4.0, 2.0)
    backward(g)
    backward(g)
    figures.update(twice_da=a.grad, twice_db=b.grad, twice_g_grad=g.grad)
    # What a training loop's zero_grad() does for its parameters: clear the leaves, then backward.
    a.grad = b.grad = 0.0
    backward(g)
    figures.update(zeroed_da=a.grad, zeroed_db=b.grad)
    a, b, g = readme_expression(-4.0, 2.0)
    backward_without_zeroing(g)
    once_da, once_db = a.grad, b.grad
    backward_without_zeroing(g)
    figures.update(naive_once_da=once_da, naive_twice_da=a.grad, naive_twice_db=b.grad)
    lab.say("On the README expression (g.grad is 1 after every call of this engine's backward()):\n"
            "                                dg/da        dg/db\n"
            f"  once                      {figures['dg_da']:10.4f}   {figures['dg_db']:10.4f}\n"
            f"  this engine, twice        {figures['twice_da']:10.4f}   {figures['twice_db']:10.4f}"
            f"   {figures['twice_da'] / figures['dg_da']:.2f}x, {figures['twice_db'] / figures['dg_db']:.2f}x\n"
            f"  micrograd's rule, twice   {a.grad:10.4f}   {b.grad:10.4f}"
            f"   {a.grad / once_da:.2f}x, {b.grad / once_db:.2f}x\n"
            f"  leaves zeroed, then once  {figures['zeroed_da']:10.4f}   {figures['zeroed_db']:10.4f}")
    # Why not 2x under micrograd's rule? Inner nodes keep their old grad too, so the second
    # pass sends old + new downwards, and the excess compounds with depth. With no inner
    # node between x and the output the two rules agree; one inner node tells them apart.
    twice: dict[str, float] = {}
    for name, build in (("y = 5x", lambda x: x * 5), ("z = (2x) * 5", lambda x: (x * 2) * 5)):
        for rule, walk in (("ours", backward), ("naive", backward_without_zeroing)):
            x = Value(3.0, label="x")
            out = build(x)
            walk(out)
            walk(out)
            twice[f"{rule} {name}"] = x.grad
    lab.say("Twice over a smaller graph, x = 3:\n"
            "                 this engine   micrograd's rule   true slope\n"
            f"  y = 5x         {twice['ours y = 5x']:11g}   {twice['naive y = 5x']:16g}   {5:10g}\n"
            f"  z = (2x) * 5   {twice['ours z = (2x) * 5']:11g}   {twice['naive z = (2x) * 5']:16g}   {10:10g}")
    lab.say("This engine doubles both. micrograd's rule doubles y but triples z: its inner node 2x kept "
            "the first pass's gradient and passed old plus new to x.")
    figures.update(ours_shallow_twice=twice["ours y = 5x"], naive_shallow_twice=twice["naive y = 5x"],
                   ours_deeper_twice=twice["ours z = (2x) * 5"], naive_deeper_twice=twice["naive z = (2x) * 5"])

    # Accumulating on purpose. Two losses share the weight w; backpropagating one after
    # the other leaves the sum of their gradients in w, the gradient of their sum.
    w = Value(0.5, label="w")
    first_loss = (w * 3.0 - 1.0) ** 2
    second_loss = (w * -2.0 + 4.0) ** 2
    backward(first_loss)
    from_first = w.grad
    backward(second_loss)
    accumulated = w.grad
    w.grad = 0.0
    backward(first_loss + second_loss)
    lab.say("Two losses sharing w = 0.5: (3w - 1)**2, whose gradient is 3, and (4 - 2w)**2, whose gradient "
            f"is -12. backward() on the first leaves w.grad = {from_first:g}; backward() on the second adds to it: "
            f"{accumulated:g}. Zeroing w and calling backward() once on their sum gives {w.grad:g} as well.")
    figures.update(shared_from_first=from_first, shared_accumulated=accumulated, shared_sum=w.grad)
    return figures


if __name__ == "__main__":
    main()
