"""Section 1.4 lab: draw computational graphs in the terminal, and read gradients off the picture.

1. z = (a + b) * (b - c): its graph before and after backward();
2. each grad as a prediction: nudge one input by 0.01 and compare the change in z;
3. one small step along the gradient (z rises by about what it promised), and one against it;
4. a saturated tanh neuron: every bar in its picture is almost empty;
5. a dead ReLU neuron: every gradient below the relu is exactly 0.

The idea of drawing each node with its data and grad, and of reading a grad as
the effect of a nudge, comes from Andrej Karpathy's micrograd lecture; the
examples here are our own. Run it from this folder: python experiment.py
"""

from __future__ import annotations

from learnpath import lab
from learnpath.nn import Value, plot

NUDGE = 0.01  # how far step 2 moves one input
STEP = 0.01  # step 3 moves every input by STEP times its grad


def labelled(value: Value, label: str) -> Value:
    """Give a node a name, so the picture says `s` instead of `#3`."""
    value.label = label
    return value


def expression(a: float = 1.5, b: float = -2.0, c: float = 0.5):
    """z = (a + b) * (b - c), every node named. b is used twice. Returns the inputs by name, and z."""
    inputs = {name: Value(x, label=name) for name, x in (("a", a), ("b", b), ("c", c))}
    s = labelled(inputs["a"] + inputs["b"], "s")
    t = labelled(inputs["b"] - inputs["c"], "t")
    return inputs, labelled(s * t, "z")


def neuron(x: float, w: float, bias: float, activation: str):
    """o = activation(x*w + bias), built from binary operations so every step is its own node."""
    inputs = {"x": Value(x, label="x"), "w": Value(w, label="w"), "b": Value(bias, label="b")}
    n = labelled(labelled(inputs["x"] * inputs["w"], "xw") + inputs["b"], "n")
    o = labelled(n.tanh() if activation == "tanh" else n.relu(), "o")
    return inputs, o


def show(caption: str, lines: list[str]) -> None:
    """A caption, in prose, then lines printed exactly as laid out (a table, a picture)."""
    lab.say("\n".join([caption, *("  " + line for line in lines)]))


def main() -> dict:
    figures: dict = {}

    # Step 1. The picture: inputs on the left, z on the right, each node with data and grad.
    lab.step("z = (a + b) * (b - c) at a = 1.5, b = -2, c = 0.5")
    inputs, z = expression()
    lab.say("Before backward() every grad is 0 (no bars): only data has been computed.")
    plot.computation_graph(z).show()
    z.backward()
    lab.say("After backward(): read from z back to the inputs. Longer bars, larger |grad|.")
    picture = plot.computation_graph(z, title="z = (a + b) * (b - c)")
    picture.show()
    nodes = {node.label: node for node in z.topological_order()}
    figures["z"] = z.data
    figures.update({f"data_{name}": node.data for name, node in nodes.items()})
    figures.update({f"grad_{name}": node.grad for name, node in nodes.items()})
    figures["picture"] = str(picture)
    lab.say("* sends each factor the other factor's data: s gets t = -2.5, t gets s = -0.5. "
            "+ copies its grad to both parents; - copies it, with the sign flipped for c. "
            f"b is used twice, so its grad is the sum of its two shares: -2.5 + -0.5 = {nodes['b'].grad:g}.")

    # Step 2. A gradient is a prediction: nudge one input and z moves by about grad * nudge.
    lab.step(f"Each grad predicts how z moves when that input is nudged by +{NUDGE}")
    rows = ["input   grad   predicted change   actual change"]
    for name in inputs:
        values = {key: node.data for key, node in inputs.items()}
        values[name] += NUDGE
        _, nudged = expression(**values)
        predicted = inputs[name].grad * NUDGE
        actual = nudged.data - z.data
        rows.append(f"{name:>5} {inputs[name].grad:6g}   {predicted:+16.4f}   {actual:+13.6f}")
        figures[f"predicted_{name}"] = predicted
        figures[f"actual_{name}"] = actual
    show("Predicted (grad times nudge) against actual:", rows)
    lab.say("a and c: exact, z is a straight line in each of them alone. b: off by 0.0001, "
            "because b sits in both factors and the prediction leaves out nudge * nudge.")

    # Step 3. Move every input by STEP * its grad: each contributes about STEP * grad**2 >= 0.
    lab.step(f"Move every input by {STEP} * its grad")
    promised = STEP * sum(node.grad**2 for node in inputs.values())
    _, up = expression(**{name: node.data + STEP * node.grad for name, node in inputs.items()})
    _, down = expression(**{name: node.data - STEP * node.grad for name, node in inputs.items()})
    lab.say(f"z goes from {z.data:g} to {up.data:.6f}, a rise of {up.data - z.data:.6f}; "
            f"the gradients promised {promised:.6f} = {STEP} * (sum of grad**2). "
            f"Against the gradient (minus {STEP} * grad): z falls to {down.data:.6f}, by {z.data - down.data:.6f}. "
            "That second move, repeated, is gradient descent.")
    figures.update(promised_rise=promised, stepped_up=up.data, rise=up.data - z.data,
                   stepped_down=down.data, fall=z.data - down.data)

    # Step 4. A saturated tanh: n = 4.2, so tanh is flat there and lets almost nothing back.
    lab.step("A tanh neuron with x = 1.5, w = 2, b = 1.2, so n = x*w + b = 4.2")
    tanh_inputs, o = neuron(1.5, 2.0, 1.2, "tanh")
    o.backward()
    plot.computation_graph(o, title="saturated: o = tanh(4.2)").show()
    local = 1.0 - o.data**2
    lab.say(f"o = {o.data:.6f}: tanh's local derivative is 1 - o**2 = {local:.6f}, "
            f"so n gets {local:.6f} times o's grad of 1. "
            f"Every node below inherits that factor: w's grad is x * {local:.6f} = {tanh_inputs['w'].grad:.6f}. "
            "In the picture only o has a bar; every other |grad| is under 1% of o's. Diagnosis: a saturated tanh.")
    figures.update(tanh_o=o.data, tanh_local=local,
                   **{f"tanh_grad_{name}": node.grad for name, node in tanh_inputs.items()})

    # Step 5. A dead ReLU: n < 0, so relu outputs 0 and its local derivative is exactly 0.
    lab.step("A relu neuron with x = 1.5, w = -2, b = 0.5, so n = -2.5")
    relu_inputs, r = neuron(1.5, -2.0, 0.5, "relu")
    r.backward()
    plot.computation_graph(r, title="dead: o = relu(-2.5)").show()
    lab.say(f"o = {r.data:g}: relu's slope at -2.5 is 0, so every grad below it is exactly 0: "
            f"w {relu_inputs['w'].grad:g}, b {relu_inputs['b'].grad:g}, x {relu_inputs['x'].grad:g}. "
            "In the picture: no bar before o. Nudging w or b a little changes nothing: "
            "the neuron cannot learn from this input until n is above 0.")
    figures.update(relu_o=r.data, **{f"relu_grad_{name}": node.grad for name, node in relu_inputs.items()})
    return figures


if __name__ == "__main__":
    main()
