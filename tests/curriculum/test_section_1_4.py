"""Section 1.4 (Visualization): every value and gradient the overview shows, and every numeric quiz answer."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from learnpath.nn import Value

SECTION = "1.4"

from sections import quiz_questions, quoted_lines_missing, run_alone, section_dir


def test_small_expression_values_and_gradients(run_main):
    """L = (a*b + c)*f gives L = -8, grads a 6, b -4, c -2, f 4, e -2, d -2, and the table shows them."""
    figures, printed = run_main
    assert figures["L"] == -8.0
    assert (figures["grad_a"], figures["grad_b"], figures["grad_c"], figures["grad_f"]) == (6.0, -4.0, -2.0, 4.0)
    assert (figures["data_e"], figures["data_d"]) == (-6.0, 4.0)
    assert (figures["grad_e"], figures["grad_d"], figures["grad_L"]) == (-2.0, -2.0, 1.0)
    assert re.search(r"\ba\s+input\s+2\.0000\s+6\.0000", printed)
    assert re.search(r"\bL\s+\*\s+-8\.0000\s+1\.0000\s+d \* f", printed)
    assert re.search(r"\bd\s+\+\s+4\.0000\s+0\.0000\s+e \+ c", printed)  # the table drawn before backward()


def test_dot_file_is_written_with_the_gradients(run_main):
    """graph.dot lands in the section folder as a digraph holding a's and f's gradients, and the command is printed."""
    figures, printed = run_main
    dot_path = Path(figures["dot_file"])
    assert dot_path.parent == section_dir(SECTION)
    text = dot_path.read_text(encoding="utf-8")
    assert text.startswith("digraph {")
    assert "{ a | data 2.0000 | grad 6.0000 }" in text
    assert "{ f | data -2.0000 | grad 4.0000 }" in text
    assert "dot -Tpng graph.dot -o graph.png" in printed


def test_gradients_predict_nudges(run_main):
    """Nudging each input by 0.01 moves L by grad * 0.01: +0.06, -0.04, -0.02, +0.04; a strongest, c weakest."""
    figures, printed = run_main
    for name, change in (("a", 0.06), ("b", -0.04), ("c", -0.02), ("f", 0.04)):
        assert figures[f"nudge_{name}"] == pytest.approx(change, abs=1e-9)
    assert (figures["most_sensitive"], figures["least_sensitive"]) == ("a", "c")
    assert "+0.0600" in printed and "-0.0200" in printed


def test_step_along_gradient_raises_L_a_bit_less_than_promised(run_main):
    """Moving every input by 0.01 * grad takes L from -8 to -7.2865: a rise of 0.7135 against the promised 0.72."""
    figures, printed = run_main
    assert figures["stepped_L"] == pytest.approx(-7.2865, abs=5e-5)
    assert figures["stepped_rise"] == pytest.approx(0.7135, abs=5e-5)
    assert figures["promised_rise"] == pytest.approx(0.72, abs=1e-12)
    assert figures["stepped_rise"] < figures["promised_rise"]
    assert "-7.2865" in printed and "0.7135" in printed and "0.7200" in printed


def test_neuron_gradients_copy_at_plus_and_scale_at_times(run_main):
    """tanh(ln 2) = 0.6, n gets 0.64; grads w1 0.64, w2 -0.64, x1 0.32, x2 0.32, b 0.64; ops 5 input, 2 *, 2 +, 1 tanh."""
    figures, printed = run_main
    assert figures["neuron_o"] == pytest.approx(0.6, abs=1e-12)
    assert figures["neuron_n_grad"] == pytest.approx(0.64, abs=1e-12)
    expected = {"w1": 0.64, "w2": -0.64, "x1": 0.32, "x2": 0.32, "b": 0.64}
    for name, grad in expected.items():
        assert figures[f"neuron_grad_{name}"] == pytest.approx(grad, abs=1e-12)
    assert figures["neuron_ops"] == {"input": 5, "*": 2, "+": 2, "tanh": 1}
    assert (section_dir(SECTION) / "neuron.dot").read_text(encoding="utf-8").startswith("digraph {")
    assert "1 - o^2 = 0.6400" in printed


def test_shared_input_sums_its_two_shares(run_main):
    """x wired to both weights hears 0.32 and 0.16 and its grad is their sum, 0.48."""
    figures, printed = run_main
    assert figures["shared_o"] == pytest.approx(0.6, abs=1e-12)
    assert figures["shared_from_w1"] == pytest.approx(0.32, abs=1e-12)
    assert figures["shared_from_w2"] == pytest.approx(0.16, abs=1e-12)
    assert figures["shared_grad_x"] == pytest.approx(0.48, abs=1e-12)
    assert "x.grad = 0.4800" in printed


def test_fused_neuron_has_fewer_nodes_and_identical_gradients(run_main):
    """weighted_sum turns 10 nodes into 7 with the very same gradients."""
    figures, printed = run_main
    assert figures["fused_ops"] == {"input": 5, "wsum": 1, "tanh": 1}
    assert sum(figures["fused_ops"].values()) == 7 and sum(figures["neuron_ops"].values()) == 10
    assert figures["fused_same_grads"] is True
    assert figures["fused_o"] == figures["neuron_o"]
    assert "gradients identical to step 4: True" in printed


def _assert_matches_key(question_id: str, computed: float) -> None:
    question = quiz_questions(SECTION)[question_id]
    assert abs(computed - float(question["answer"])) <= float(question["tolerance"])


def test_quiz_grad_b():
    """dL/db of (a*b + c)*f at a = 3, b = 1, c = -5, f = 2 is the quiz's key."""
    a, b, c, f = Value(3.0), Value(1.0), Value(-5.0), Value(2.0)
    L = (a * b + c) * f
    L.backward()
    _assert_matches_key("grad-b", b.grad)


def test_quiz_predict_nudge():
    """L at a = 2.05 (others as in the experiment) is the quiz's key, and so is the linear prediction."""
    a = Value(2.0)
    L = (a * -3.0 + 10.0) * -2.0
    L.backward()
    _assert_matches_key("predict-nudge", L.data + a.grad * 0.05)
    _assert_matches_key("predict-nudge", ((Value(2.05) * -3.0 + 10.0) * -2.0).data)


def test_quiz_most_influence_is_the_largest_absolute_gradient():
    """The input with the largest |grad| in the quiz's table is the accepted answer."""
    grads = {"p": 0.5, "q": -7.0, "r": 3.0, "s": 0.0}
    inputs = {name: Value(1.0, label=name) for name in grads}
    out = sum((inputs[name] * grad for name, grad in grads.items()), Value(0.0))
    out.backward()
    strongest = max(inputs, key=lambda name: abs(inputs[name].grad))
    assert quiz_questions(SECTION)["most-influence"]["answer"] == [strongest]


def test_quiz_mul_swap():
    """x.grad for z = x*y, x = 4, y = -0.5, with gradient 3 arriving at z, is the quiz's key."""
    x, y = Value(4.0), Value(-0.5)
    z = x * y
    (z * 3.0).backward()  # the node above z hands it gradient 3
    _assert_matches_key("mul-swap", x.grad)


def test_quiz_merge_sum():
    """x.grad for tanh(x*w1 + x*w2 + b) at x = 1, w1 = 0.5, w2 = 1, o = 0.6 is the quiz's key."""
    x, w1, w2 = Value(1.0), Value(0.5), Value(1.0)
    b = Value(math.atanh(0.6) - 1.5)  # chosen so that o = 0.6
    o = (x * w1 + x * w2 + b).tanh()
    o.backward()
    assert o.data == pytest.approx(0.6, abs=1e-12)
    _assert_matches_key("merge-sum", x.grad)


def test_quiz_rank_influence():
    """Sorting p, q, r, s of (p*q + r)*s by |grad| gives the quiz's order key."""
    named = {"p": Value(2.0), "q": Value(5.0), "r": Value(-13.0), "s": Value(0.5)}
    L = (named["p"] * named["q"] + named["r"]) * named["s"]
    L.backward()
    question = quiz_questions(SECTION)["rank-influence"]
    key_of = {text: key for key, text in question["choices"].items()}
    ranked = sorted(named, key=lambda name: -abs(named[name].grad))
    assert [key_of[name] for name in ranked] == question["answer"]


def test_quiz_saturation_slope():
    """At n = 5 the tanh node hands down about 1.8e-4, the number the saturation question relies on."""
    n = Value(5.0)
    n.tanh().backward()
    assert n.grad == pytest.approx(1.8158e-4, rel=1e-3)
    assert quiz_questions(SECTION)["saturation"]["answer"] == "a"


def test_experiment_runs_alone_in_its_folder():
    """`python experiment.py` in the section folder exits 0 and gets to the last step."""
    result = run_alone(SECTION)
    assert result.returncode == 0, result.stderr
    assert "Step 6" in result.stdout


def test_code_quoted_in_the_overview_is_in_the_library():
    """Every line of Python the overview quotes still appears in learnpath/nn/graph.py, so the explanation cannot drift."""
    assert quoted_lines_missing(SECTION, ["learnpath/nn/graph.py"]) == []


def test_quiz_zero_grad_causes():
    """Choices a, b, c each produce a gradient of exactly 0; a tiny input (d) does not."""
    def grad_of_input(build) -> float:
        x = Value(2.0)
        build(x).backward()
        return x.grad

    zero_factor = grad_of_input(lambda x: (x * 3.0) * 0.0)
    closed_relu = grad_of_input(lambda x: (x * -1.0).relu())
    cancelling = grad_of_input(lambda x: x * 0.5 + x * -0.5)
    tiny = Value(1e-6)
    (tiny * 3.0).backward()
    assert (zero_factor, closed_relu, cancelling) == (0.0, 0.0, 0.0)
    assert tiny.grad == 3.0
    squared = Value(1e-6)
    (squared * squared).backward()
    assert squared.grad != 0.0
    assert sorted(quiz_questions(SECTION)["zero-grad-causes"]["answer"]) == ["a", "b", "c"]


# ----------------------------------------------------------------------
# The "Try this" predictions in the overview


def _experiment():
    from sections import load_experiment

    return load_experiment(SECTION)


def test_try_change_c():
    """c = 2: d = -4, L = 8, and only f's gradient changes (to -4)."""
    experiment = _experiment()
    inputs, L = experiment.small_expression(c=2.0)
    L.backward()
    assert L.data == 8.0
    assert {name: value.grad for name, value in inputs.items()} == {"a": 6.0, "b": -4.0, "c": -2.0, "f": -4.0}
    d = L.parents[0]
    assert (d.data, d.grad, d.parents[0].grad) == (-4.0, -2.0, -2.0)


def test_try_zero_a_multiplier():
    """f = 0: L = 0, the grads of a, b and c are 0, f's stays 4."""
    experiment = _experiment()
    inputs, L = experiment.small_expression(f=0.0)
    L.backward()
    assert L.data == 0.0
    assert {name: value.grad for name, value in inputs.items()} == {"a": 0.0, "b": 0.0, "c": 0.0, "f": 4.0}


def test_try_saturate_the_neuron():
    """bias = 5: o = 0.9999, tanh hands n about 0.0002, x1 and x2 get 9.0792e-05."""
    from learnpath.nn.graph import draw

    experiment = _experiment()
    inputs, o = experiment.neuron(1.0, -1.0, 0.5, 0.5, 5.0)
    o.backward()
    assert f"{o.data:.4f}" == "0.9999"
    assert f"{1 - o.data**2:.4f}" == "0.0002"
    assert f"{inputs['w1'].grad:.4f}" == "0.0002" and f"{inputs['b'].grad:.4f}" == "0.0002"
    assert inputs["x1"].grad == inputs["x2"].grad
    assert "9.0792e-05" in draw(o)


def test_try_cancel_at_a_merge():
    """w2 = -0.5 in step 5: shares 0.4984 and -0.4984 cancel at x, while w1, w2 and b show 0.9968."""
    experiment = _experiment()
    inputs, o = experiment.shared_input_neuron(1.0, 0.5, -0.5, math.log(2.0) - 0.75)
    o.backward()
    slope = 1.0 - o.data**2
    assert (f"{0.5 * slope:.4f}", f"{-0.5 * slope:.4f}") == ("0.4984", "-0.4984")
    assert f"{inputs['x'].grad:.4f}" == "0.0000"
    for name in ("w1", "w2", "b"):
        assert f"{inputs[name].grad:.4f}" == "0.9968"
