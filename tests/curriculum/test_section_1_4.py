"""Section 1.4 (Visualization): the picture, every claim of the overview and every numeric quiz answer, recomputed."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import pytest

from learnpath.nn import Value
from learnpath.pictures import computation_graph

from sections import load_experiment, numeric_key_check, quiz_questions, quoted_lines_missing, run_alone, section_dir

SECTION = "1.4"


def overview() -> str:
    return (section_dir(SECTION) / "overview.md").read_text(encoding="utf-8")


def test_the_overview_shows_the_picture_the_experiment_draws(run_main):
    """The picture quoted in the overview is, line for line, what computation_graph draws for z after backward()."""
    figures, printed = run_main
    picture_lines = figures["picture"].splitlines()[1:]  # below the title
    quoted = overview().split("```\n", 2)[1].split("```", 1)[0].splitlines()
    assert quoted == picture_lines
    assert figures["picture"] in printed


def test_gradients_of_the_main_example(run_main):
    """z = (a + b) * (b - c) at 1.5, -2, 0.5: z = 1.25; grads a -2.5, b -3, c 0.5, s -2.5, t -0.5."""
    figures, _ = run_main
    assert figures["z"] == 1.25
    assert (figures["data_s"], figures["data_t"]) == (-0.5, -2.5)
    assert {k: figures[f"grad_{k}"] for k in "abcstz"} == {"a": -2.5, "b": -3.0, "c": 0.5, "s": -2.5, "t": -0.5, "z": 1.0}


def test_nudges_are_predicted(run_main):
    """Nudging by 0.01: predicted -0.025, -0.03, +0.005; actual -0.025, -0.0299, +0.005 (1.2201 for b, 1.255 for c)."""
    figures, printed = run_main
    for name, predicted, actual in (("a", -0.025, -0.025), ("b", -0.03, -0.0299), ("c", 0.005, 0.005)):
        assert figures[f"predicted_{name}"] == pytest.approx(predicted, abs=1e-12)
        assert figures[f"actual_{name}"] == pytest.approx(actual, abs=1e-12)
    assert (-0.49) * (-2.49) == pytest.approx(1.2201, abs=1e-12)
    assert -0.5 * -2.51 == pytest.approx(1.255, abs=1e-12)
    assert "-0.029900" in printed


def test_step_along_and_against_the_gradient(run_main):
    """0.01 * grad: promised 0.155, z rises to 1.406925 (0.156925); against it z falls to 1.096925."""
    figures, printed = run_main
    assert figures["promised_rise"] == pytest.approx(0.155, abs=1e-12)
    assert figures["stepped_up"] == pytest.approx(1.406925, abs=1e-9)
    assert figures["rise"] == pytest.approx(0.156925, abs=1e-9)
    assert figures["stepped_down"] == pytest.approx(1.096925, abs=1e-9)
    assert "1.406925" in printed and "1.096925" in printed


def test_saturated_tanh(run_main):
    """tanh(4.2) = 0.99955, local slope 0.000899; w gets 0.001349, x 0.001798, b 0.000899; only o has a bar."""
    figures, printed = run_main
    assert figures["tanh_o"] == pytest.approx(0.99955, abs=5e-6)
    assert f"{figures['tanh_local']:.6f}" == "0.000899"
    assert f"{figures['tanh_grad_w']:.6f}" == "0.001349"
    assert f"{figures['tanh_grad_x']:.6f}" == "0.001798"
    assert f"{figures['tanh_grad_b']:.6f}" == "0.000899"
    saturated = printed.split("saturated: o = tanh(4.2)")[1].split("A relu neuron")[0]
    bar_lines = [line for line in saturated.splitlines() if "█" in line]
    assert len(bar_lines) == 1 and "g 1 ████" in bar_lines[0]
    # "at most 0.0009 times what reached it"
    assert 1 - math.tanh(4.2) ** 2 < 0.0009


def test_dead_relu(run_main):
    """relu(-2.5): o = 0 and every grad below it is exactly 0."""
    figures, _ = run_main
    assert figures["relu_o"] == 0.0
    assert (figures["relu_grad_w"], figures["relu_grad_b"], figures["relu_grad_x"]) == (0.0, 0.0, 0.0)


def test_run_draws_the_graph_in_an_80_column_terminal(tmp_path):
    """`learnpath run 1.4` (on a copy of Phase 1, so the repo's PROGRESS.md is untouched) prints the graph within 80 columns."""
    import shutil

    repo = section_dir(SECTION).parents[2]
    shutil.copytree(repo / "curriculum" / "Phase_1", tmp_path / "curriculum" / "Phase_1")
    result = subprocess.run([sys.executable, "-m", "learnpath", "--root", str(tmp_path), "run", "1.4"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                            env={**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "PYTHONPATH": str(repo)})
    assert result.returncode == 0, result.stderr
    assert "└(*) z 1.25" in result.stdout
    # The tool's own "Running <path> ..." header is the tool's concern; the experiment's lines fit.
    printed = [line for line in result.stdout.splitlines() if not line.startswith("Running ")]
    assert max(len(line) for line in printed) <= 80


def test_experiment_runs_alone_in_its_folder():
    """`python experiment.py` in the section folder exits 0 and prints all five steps."""
    result = run_alone(SECTION)
    assert result.returncode == 0, result.stderr
    for step in ("Step 1", "Step 2", "Step 3", "Step 4", "Step 5"):
        assert step in result.stdout


def test_code_quoted_in_the_overview_is_in_the_picture_module():
    """Every line of Python the overview quotes appears in learnpath/pictures/graph.py."""
    assert quoted_lines_missing(SECTION, ["learnpath/pictures/graph.py"], under="## The code") == []


def test_overview_states_the_corrected_facts():
    """tanh never passes more than |g| in size, + copies (never splits), and a node's own value acts downstream."""
    text = overview()
    assert "never larger in size than `g`" in text
    assert "splits the flow" not in text and "set by its input, not by its own value" not in text
    for x in (-3.0, -0.5, 0.0, 0.7, 4.0):
        assert 0.0 < 1 - math.tanh(x) ** 2 <= 1.0


# ----------------------------------------------------------------------
# The "Try this" outcomes at the end of the overview


def test_try_change_a():
    """a = 2.5: t, c and b's grads change (0.5, -0.5, -2); a's and s's stay -2.5."""
    module = load_experiment(SECTION)
    inputs, z = module.expression(a=2.5)
    z.backward()
    nodes = {node.label: node for node in z.topological_order()}
    assert (nodes["t"].grad, nodes["c"].grad, nodes["b"].grad) == (0.5, -0.5, -2.0)
    assert (nodes["a"].grad, nodes["s"].grad) == (-2.5, -2.5)


def test_try_cancel_b():
    """c = a + 2b = -2.5 makes b's grad exactly 0, although z still depends on b."""
    module = load_experiment(SECTION)
    inputs, z = module.expression(c=-2.5)
    z.backward()
    assert inputs["b"].grad == 0.0
    _, moved = module.expression(c=-2.5, b=-1.0)
    assert moved.data != z.data


def test_try_small_weight_gets_a_bigger_gradient():
    """With w = 0.2, n = 1.5, tanh's slope is about 0.18 and w's grad about 0.27, about 200 times that with w = 2."""
    module = load_experiment(SECTION)
    inputs, o = module.neuron(1.5, 0.2, 1.2, "tanh")
    o.backward()
    assert 1 - o.data**2 == pytest.approx(0.18, abs=0.005)
    assert inputs["w"].grad == pytest.approx(0.27, abs=0.005)
    big_inputs, big_o = module.neuron(1.5, 2.0, 1.2, "tanh")
    big_o.backward()
    assert inputs["w"].grad / big_inputs["w"].grad == pytest.approx(200, rel=0.05)


def test_try_revive_the_relu():
    """b = 3.5: n = 0.5, and w, b, x get 1.5, 1 and -2."""
    module = load_experiment(SECTION)
    inputs, o = module.neuron(1.5, -2.0, 3.5, "relu")
    o.backward()
    assert (inputs["w"].grad, inputs["b"].grad, inputs["x"].grad) == (1.5, 1.0, -2.0)


def test_try_save_png(tmp_path):
    """picture.save_png writes a PNG of the graph (with the plotting extra)."""
    pytest.importorskip("matplotlib")
    module = load_experiment(SECTION)
    _, z = module.expression()
    z.backward()
    path = computation_graph(z).save_png(tmp_path / "graph.png")
    assert path.read_bytes()[:4] == b"\x89PNG"


# ----------------------------------------------------------------------
# The quiz: every answer and key recomputed


_assert_matches_key = numeric_key_check(SECTION)


def _choice_text(question_id: str, key: str) -> str:
    choice = quiz_questions(SECTION)[question_id]["choices"][key]
    return choice["text"] if isinstance(choice, dict) else choice


def test_quiz_grad_by_hand():
    """dL/dq for (p*q + r) * s at 3, 1, -5, 2 is 6."""
    p, q, r, s = Value(3.0), Value(1.0), Value(-5.0), Value(2.0)
    L = (p * q + r) * s
    L.backward()
    _assert_matches_key("grad-by-hand", q.grad)


def test_quiz_predict_nudge():
    """z with c = 0.54 is 1.27, as grad 0.5 times 0.04 predicts."""
    module = load_experiment(SECTION)
    _, z = module.expression(c=0.54)
    _assert_matches_key("predict-nudge", z.data)
    _, base = module.expression()
    base.backward()
    assert base.data + 0.5 * 0.04 == pytest.approx(z.data)


def test_quiz_most_influence_matches_the_bars():
    """Inputs with grads 0.5, -7, 3, 0 draw bars of 1, 4, 2 and 0 cells; q moves the output furthest."""
    from learnpath.pictures.graph import _bar

    p, q, r, s = (Value(d, label=n) for d, n in ((10.0, "p"), (0.1, "q"), (-3.0, "r"), (2.0, "s")))
    out = p * 0.5 + q * -7.0 + r * 3.0 + s * 0.0
    out.backward()
    assert [_bar(v.grad, 7.0) for v in (p, q, r, s)] == ["█", "████", "██", ""]
    grads = {"p": p.grad, "q": q.grad, "r": r.grad, "s": s.grad}
    assert quiz_questions(SECTION)["most-influence"]["answer"] == [max(grads, key=lambda k: abs(grads[k]))]


def test_quiz_plus_copies():
    """A + node receiving -2 sends -2 to each parent: the keyed choice."""
    x, y = Value(1.0), Value(2.0)
    out = (x + y) * -2.0
    out.backward()
    assert (x.grad, y.grad) == (-2.0, -2.0)
    key = quiz_questions(SECTION)["plus-copies"]["answer"]
    assert _choice_text("plus-copies", key).startswith("-2 to each parent")


def test_quiz_mul_swap():
    """x of x * y with y = -0.5 and incoming grad 3 gets -1.5."""
    x, y = Value(4.0), Value(-0.5)
    out = (x * y) * 3.0
    out.backward()
    _assert_matches_key("mul-swap", x.grad)


def test_quiz_merge_sum():
    """x used by both products of tanh(x*w1 + x*w2 + b) with o = 0.6 gets 0.96."""
    x, w1, w2 = Value(1.0), Value(0.5), Value(1.0)
    b = Value(math.atanh(0.6) - 1.5)
    o = (x * w1 + x * w2 + b).tanh()
    o.backward()
    assert o.data == pytest.approx(0.6)
    _assert_matches_key("merge-sum", x.grad)


def test_quiz_zero_grad_causes():
    """A zero factor, a dead relu and cancelling shares give exactly 0; a tanh at 4 gives 0.0013, not 0."""
    a = Value(2.0)
    (a * 3.0 * 0.0).backward()
    truth_a = a.grad == 0.0
    a = Value(2.0)
    (a * -1.0).relu().backward()
    truth_b = a.grad == 0.0
    a = Value(2.0)
    (a * 3.0 + a * -3.0).backward()
    truth_c = a.grad == 0.0
    a = Value(4.0)
    a.tanh().backward()
    truth_d = a.grad == 0.0
    assert a.grad == pytest.approx(0.0013, abs=1e-4)
    truth = {"a": truth_a, "b": truth_b, "c": truth_c, "d": truth_d}
    assert sorted(quiz_questions(SECTION)["zero-grad-causes"]["answer"]) == sorted(k for k, v in truth.items() if v)


def test_quiz_rank_influence():
    """Sorting p, q, r, s of (p*q + r) * s at 2, 5, -13, 0.5 by |grad| gives the key."""
    values = {"a": Value(2.0), "b": Value(5.0), "c": Value(-13.0), "d": Value(0.5)}
    L = (values["a"] * values["b"] + values["c"]) * values["d"]
    L.backward()
    order = sorted(values, key=lambda key: -abs(values[key].grad))
    assert quiz_questions(SECTION)["rank-influence"]["answer"] == order
    assert [_choice_text("rank-influence", key) for key in "abcd"] == ["p", "q", "r", "s"]


def test_quiz_saturation():
    """tanh's slope at 5 is about 0.0002 (0.00018): the keyed choice."""
    n = Value(5.0)
    o = n.tanh()
    o.backward()
    assert n.grad == pytest.approx(0.00018, abs=5e-6)
    assert f"{o.data:.4f}" == "0.9999"
    key = quiz_questions(SECTION)["saturation"]["answer"]
    assert _choice_text("saturation", key).startswith("tanh's slope at 5")


def test_quiz_descent_direction():
    """Subtracting 0.01 * grad lowers z in the experiment's example: the keyed choice."""
    module = load_experiment(SECTION)
    inputs, z = module.expression()
    z.backward()
    _, lower = module.expression(**{name: v.data - 0.01 * v.grad for name, v in inputs.items()})
    assert lower.data < z.data
    key = quiz_questions(SECTION)["descent-direction"]["answer"]
    assert _choice_text("descent-direction", key).startswith("Subtract 0.01 × its gradient")


def test_quiz_softplus_slope():
    """softplus at 0 has slope 0.5, so incoming 4 becomes 2 (checked against the reference solution)."""
    import importlib.util

    path = section_dir(SECTION).parents[2] / "solutions/Phase_1/Section_4_Visualization/exercise.py"
    spec = importlib.util.spec_from_file_location("solution_1_4", path)
    solution = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(solution)
    n = Value(0.0)
    (solution.softplus(n) * 4.0).backward()
    _assert_matches_key("softplus-slope", n.grad)
    assert math.log(2.0) * 4 == pytest.approx(2.77, abs=0.01)


def _solution():
    import importlib.util

    path = section_dir(SECTION).parents[2] / "solutions/Phase_1/Section_4_Visualization/exercise.py"
    spec = importlib.util.spec_from_file_location("solution_1_4_again", path)
    solution = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(solution)
    return solution


def test_the_docstring_and_overview_numbers_for_softplus_in_the_tail():
    """At x = -40 softplus and its slope are both 4.248354255291589e-18 (the docstring), 4.2e-18 in the overview; log(1 + e**x) gives 0."""
    solution = _solution()
    out = solution.softplus(Value(-40.0))
    assert repr(out.data) == repr(out.local_grads[0]) == "4.248354255291589e-18"
    assert math.log(1.0 + math.exp(-40.0)) == 0.0  # the naive form loses every digit
    starter = (section_dir(SECTION) / "exercise.py").read_text(encoding="utf-8")
    assert "4.248354255291589e-18" in starter and "log1p" not in starter  # what must hold, not the formula
    overview = (section_dir(SECTION) / "overview.md").read_text(encoding="utf-8")
    assert "4.2 × 10⁻¹⁸" in overview and "log1p" not in overview
    for t in (800.0, -800.0):
        solution.softplus(Value(t))  # no overflow


def test_gradient_check_reads_1_half_and_2_for_wrong_backwards():
    """The reference gradient_check reads 1, 0.5 and 2 for local derivatives of 0, twice too big and of the wrong sign (the overview's claim)."""
    solution = _solution()

    def square_with(factor):
        return lambda v: Value(v.data * v.data, (v,), (factor * 2.0 * v.data,), "bad")

    readings = [solution.gradient_check(square_with(factor), 2.0) for factor in (0.0, 2.0, -1.0)]
    assert readings == pytest.approx([1.0, 0.5, 2.0], rel=1e-6)
    overview = (section_dir(SECTION) / "overview.md").read_text(encoding="utf-8")
    assert "read 1, 0.5 or 2 for a local\n   derivative of 0, twice too big or of the wrong sign" in overview


def test_overview_names_graphviz_draw_dot_and_the_png_route():
    """One sentence names micrograd's draw_dot and Graphviz, and save_png as this course's route to an image."""
    overview = (section_dir(SECTION) / "overview.md").read_text(encoding="utf-8")
    sentence = next(s for s in overview.replace("\n", " ").split(". ") if "draw_dot" in s)
    assert "Graphviz" in sentence and "save_png" in sentence and "micrograd" in sentence
    from learnpath.pictures.picture import Picture
    assert hasattr(Picture, "save_png")


def test_progress_titles_the_section_as_the_overview_does():
    """PROGRESS.md's line for 1.4 carries the overview's title."""
    title = (section_dir(SECTION) / "overview.md").read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
    progress = (section_dir(SECTION).parents[2] / "PROGRESS.md").read_text(encoding="utf-8")
    assert f"- [ ] 1.4 {title}\n" in progress
