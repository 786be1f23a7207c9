"""Section 1.4 lab: draw computational graphs, and read each gradient as a statement about influence.

1. L = (a*b + c)*f: its graph before and after backward(), in the terminal and as a DOT file;
2. the gradients as predictions: nudge each input and compare the change in L;
3. one small step along the gradients, which raises L by about what they promise;
4. a neuron, tanh(x1*w1 + x2*w2 + b): gradient copied at each +, scaled at each *;
5. the same neuron with one input wired to both weights: gradients merge by summing;
6. the neuron again as one fused node (weighted_sum): fewer nodes, identical gradients.

Run it from this folder: python experiment.py
"""

from __future__ import annotations

import math
from pathlib import Path

from learnpath.nn import Value, weighted_sum
from learnpath.nn.graph import count_ops, draw, to_dot

HERE = Path(__file__).resolve().parent


def labelled(value: Value, label: str) -> Value:
    """Give a node a name, so the pictures say `d` instead of `#5`."""
    value.label = label
    return value


def small_expression(a: float = 2.0, b: float = -3.0, c: float = 10.0, f: float = -2.0):
    """L = (a*b + c) * f, every node named. Returns the inputs by name, and L."""
    inputs = {name: Value(x, label=name) for name, x in (("a", a), ("b", b), ("c", c), ("f", f))}
    e = labelled(inputs["a"] * inputs["b"], "e")
    d = labelled(e + inputs["c"], "d")
    L = labelled(d * inputs["f"], "L")
    return inputs, L


def neuron(x1: float, x2: float, w1: float, w2: float, bias: float):
    """o = tanh(x1*w1 + x2*w2 + b) out of binary operations, so every step is its own node."""
    inputs = {
        "x1": Value(x1, label="x1"),
        "x2": Value(x2, label="x2"),
        "w1": Value(w1, label="w1"),
        "w2": Value(w2, label="w2"),
        "b": Value(bias, label="b"),
    }
    x1w1 = labelled(inputs["x1"] * inputs["w1"], "x1w1")
    x2w2 = labelled(inputs["x2"] * inputs["w2"], "x2w2")
    total = labelled(x1w1 + x2w2, "x1w1+x2w2")
    n = labelled(total + inputs["b"], "n")
    o = labelled(n.tanh(), "o")
    return inputs, o


def shared_input_neuron(x: float, w1: float, w2: float, bias: float):
    """o = tanh(x*w1 + x*w2 + b): one input used twice, so its gradient has two sources."""
    inputs = {"x": Value(x, label="x"), "w1": Value(w1, label="w1"), "w2": Value(w2, label="w2"),
              "b": Value(bias, label="b")}
    xw1 = labelled(inputs["x"] * inputs["w1"], "xw1")
    xw2 = labelled(inputs["x"] * inputs["w2"], "xw2")
    total = labelled(xw1 + xw2, "xw1+xw2")
    n = labelled(total + inputs["b"], "n")
    o = labelled(n.tanh(), "o")
    return inputs, o


def write_dot(root: Value, filename: str) -> Path:
    """Save the graph as Graphviz text next to this script (git ignores *.dot)."""
    path = HERE / filename
    path.write_text(to_dot(root), encoding="utf-8")
    return path


def main() -> dict:
    figures: dict = {}

    # Step 1. Draw the graph twice: before backward() every grad is 0 (nothing
    # has been asked yet), after it every grad is dL/d(node).
    inputs, L = small_expression()
    print("Step 1: L = (a*b + c) * f at " + ", ".join(f"{name} = {v.data:g}" for name, v in inputs.items()))
    print("Before backward(): the data column is filled in, the grad column is all zero.")
    print(draw(L))
    L.backward()
    print("\nAfter backward(): read the grad column from the bottom (L) up.")
    print(draw(L))
    figures["L"] = L.data
    figures.update({f"grad_{name}": value.grad for name, value in inputs.items()})
    interior = {node.label: node for node in L.topological_order()}
    figures.update(data_e=interior["e"].data, data_d=interior["d"].data,
                   grad_e=interior["e"].grad, grad_d=interior["d"].grad, grad_L=L.grad)
    dot_path = write_dot(L, "graph.dot")
    print(f"\nThe same graph as Graphviz text: {dot_path.name}. If Graphviz is installed, run")
    print(f"  dot -Tpng {dot_path.name} -o graph.png")
    print("in this folder and open graph.png.\n")
    figures["dot_file"] = str(dot_path)

    # Step 2. A gradient is a prediction: nudge one input by h and L should move by
    # about grad * h. L is linear in each input taken alone, so here it is exact.
    print("Step 2: each grad predicts how L moves when that input is nudged by +0.01")
    print("  input    grad   predicted change   actual change")
    nudge = 0.01
    for name in ("a", "b", "c", "f"):
        values = {key: value.data for key, value in inputs.items()}
        values[name] += nudge
        _, nudged_L = small_expression(**values)
        predicted = inputs[name].grad * nudge
        actual = nudged_L.data - L.data
        print(f"  {name:>5} {inputs[name].grad:7.1f}   {predicted:+16.4f}   {actual:+13.4f}")
        figures[f"nudge_{name}"] = actual
    strongest = max(inputs, key=lambda name: abs(inputs[name].grad))
    weakest = min(inputs, key=lambda name: abs(inputs[name].grad))
    print(f"  L is most sensitive to {strongest} (grad {inputs[strongest].grad:g}) and least to"
          f" {weakest} (grad {inputs[weakest].grad:g}).\n")
    figures.update(most_sensitive=strongest, least_sensitive=weakest)

    # Step 3. Move every input a little in the direction of its own gradient:
    # each contributes grad * (0.01 * grad) = 0.01 * grad**2 >= 0, so L must rise.
    step = 0.01
    stepped = {name: value.data + step * value.grad for name, value in inputs.items()}
    _, stepped_L = small_expression(**stepped)
    promised = step * sum(value.grad**2 for value in inputs.values())
    print(f"Step 3: move every input by 0.01 * its grad: L goes from {L.data:.4f} to {stepped_L.data:.4f}")
    print(f"  a rise of {stepped_L.data - L.data:.4f}; the gradients promised {promised:.4f}.")
    print("  The gap: when both factors of a product move, it changes by an extra (change 1) * (change 2),")
    print("  which a straight-line prediction leaves out (here for a*b and for d*f).\n")
    figures.update(stepped_L=stepped_L.data, stepped_rise=stepped_L.data - L.data, promised_rise=promised)

    # Step 4. A neuron. The bias is ln 2 so that n = ln 2 and tanh(n) = 0.6 exactly:
    # then the local derivative of tanh is 1 - 0.6**2 = 0.64, easy to follow by hand.
    x1, x2, w1, w2, bias = 1.0, -1.0, 0.5, 0.5, math.log(2.0)
    print(f"Step 4: a neuron o = tanh(x1*w1 + x2*w2 + b) with x1 = {x1:g}, x2 = {x2:g},"
          f" w1 = {w1:g}, w2 = {w2:g}, b = {bias:.4f}")
    neuron_inputs, o = neuron(x1, x2, w1, w2, bias)
    o.backward()
    print(draw(o))
    n_grad = 1.0 - o.data**2  # what the tanh node hands to n
    print(f"  tanh hands n 1 - o^2 = {n_grad:.4f}. Each + copies that to both sides (b and both products")
    print("  get it unchanged); each * hands each side the other side's data times it.")
    print(f"  nodes by op: {count_ops(o)}\n")
    write_dot(o, "neuron.dot")
    figures["neuron_o"] = o.data
    figures["neuron_n_grad"] = n_grad
    figures.update({f"neuron_grad_{name}": value.grad for name, value in neuron_inputs.items()})
    figures["neuron_ops"] = count_ops(o)

    # Step 5. Wire one input x to both weights. x now has two outgoing edges, so its
    # gradient has two incoming contributions, w1 * 0.64 and w2 * 0.64, summed.
    # The bias is chosen so that n = ln 2 again, and tanh(n) = 0.6 again.
    x, w1, w2 = 1.0, 0.5, 0.25
    bias = math.log(2.0) - 0.75
    print(f"Step 5: one input used twice, o = tanh(x*w1 + x*w2 + b) with x = {x:g},"
          f" w1 = {w1:g}, w2 = {w2:g}, b = {bias:.4f}")
    shared_inputs, shared_o = shared_input_neuron(x, w1, w2, bias)
    shared_o.backward()
    print(draw(shared_o))
    from_w1 = shared_inputs["w1"].data * (1.0 - shared_o.data**2)
    from_w2 = shared_inputs["w2"].data * (1.0 - shared_o.data**2)
    print(f"  x hears {from_w1:.4f} through w1 and {from_w2:.4f} through w2: "
          f"x.grad = {shared_inputs['x'].grad:.4f}, the sum.\n")
    figures.update(shared_o=shared_o.data, shared_grad_x=shared_inputs["x"].grad,
                   shared_from_w1=from_w1, shared_from_w2=from_w2)

    # Step 6. The same neuron as one weighted_sum node: the picture shrinks, the
    # numbers do not change. Later phases build neurons this way because it is faster.
    fused_inputs = {name: Value(value.data, label=name) for name, value in neuron_inputs.items()}
    fused_n = labelled(weighted_sum([fused_inputs["w1"], fused_inputs["w2"]],
                                    [fused_inputs["x1"], fused_inputs["x2"]], fused_inputs["b"]), "n")
    fused_o = labelled(fused_n.tanh(), "o")
    fused_o.backward()
    print("Step 6: the neuron of step 4 with a single fused node, weighted_sum")
    print(draw(fused_o))
    same = all(fused_inputs[name].grad == neuron_inputs[name].grad for name in neuron_inputs)
    print(f"  nodes by op: {count_ops(fused_o)}; gradients identical to step 4: {same}")
    figures.update(fused_ops=count_ops(fused_o), fused_same_grads=same, fused_o=fused_o.data)
    return figures


if __name__ == "__main__":
    main()
