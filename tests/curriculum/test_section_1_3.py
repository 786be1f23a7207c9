"""Section 1.3 (Backward Pass): every claim of the overview and every numeric quiz answer, recomputed."""

from __future__ import annotations


import pytest

from learnpath.nn import Value

from sections import load_experiment, quiz_questions, quoted_lines_missing, run_alone, section_dir

SECTION = "1.3"


def test_worked_example_matches_the_overview_table(run_main):
    """The hand-sized example L = (a*b + 10)**2 gives L = 16, dL/da = -24, dL/db = 16."""
    figures, printed = run_main
    assert figures["worked_L"] == 16.0
    assert figures["worked_da"] == -24.0
    assert figures["worked_db"] == 16.0
    assert "dL/da = -24 and dL/db = 16" in printed


def test_readme_gradients_agree_with_central_differences(run_main):
    """backward() gives dg/da = 138.8338 and dg/db = 645.5773, and central differences agree within 1e-6."""
    figures, printed = run_main
    assert figures["g"] == pytest.approx(24.7041, abs=5e-5)
    assert figures["readme_node_count"] == 33
    assert figures["dg_da"] == pytest.approx(138.8338, abs=5e-5)
    assert figures["dg_db"] == pytest.approx(645.5773, abs=5e-5)
    assert abs(figures["numeric_dg_da"] - figures["dg_da"]) < 1e-6
    assert abs(figures["numeric_dg_db"] - figures["dg_db"]) < 1e-6
    for text in ("24.7041", "138.8338", "645.5773", "33 nodes"):
        assert text in printed


def test_reuse_sums_gradients_and_overwriting_loses_them(run_main):
    """b = a + a; c = b*b at a = 3: dc/db = 12, dc/da = 24 with +=, 6 and 6 with =, 24 numerically."""
    figures, printed = run_main
    assert figures["reuse_c"] == 36.0
    assert (figures["reuse_db"], figures["reuse_da"]) == (12.0, 24.0)
    assert (figures["reuse_db_overwriting"], figures["reuse_da_overwriting"]) == (6.0, 6.0)
    assert figures["reuse_da_numeric"] == pytest.approx(24.0, abs=1e-6)
    assert "dc/db = 12, dc/da = 24" in printed
    assert "dc/db = 6, dc/da = 6" in printed


def test_breadth_first_order_gets_the_two_path_gradient_wrong(run_main):
    """L = b + 4*b, b = a*a at a = 3: reverse topological order gives 30, breadth-first gives 6."""
    figures, printed = run_main
    assert figures["two_path_da"] == 30.0
    assert figures["two_path_db"] == 5.0
    assert figures["two_path_da_breadth_first"] == 6.0
    assert figures["two_path_db_breadth_first"] == 5.0
    assert "dL/da = 30" in printed and "dL/da = 6 " in printed


def test_deep_chain_breaks_recursion_but_not_the_explicit_stack(run_main):
    """The recursive walk manages 500 nodes and raises RecursionError on 100,000; ours finds dy/dx = -1."""
    figures, printed = run_main
    assert figures["chain_length"] == 100_000
    assert figures["recursive_short_ok"] is True
    assert "recursion" in figures["recursion_error"].lower()
    assert figures["chain_order_length"] == 100_000
    assert figures["chain_y"] == -1.5
    assert figures["chain_dy_dx"] == -1.0
    assert "RecursionError: maximum recursion depth" in printed
    assert "dy/dx = -1" in printed


def test_backward_twice_is_stable_and_not_zeroing_compounds(run_main):
    """Ours gives the same gradients twice; never zeroing gives ~12x on the README graph, 2x at depth 1, 3x at depth 2."""
    figures, printed = run_main
    assert figures["twice_da"] == pytest.approx(figures["dg_da"], rel=1e-12)
    assert figures["twice_db"] == pytest.approx(figures["dg_db"], rel=1e-12)
    assert figures["naive_once_da"] == pytest.approx(138.8338, abs=5e-5)
    assert figures["naive_twice_da"] == pytest.approx(1700.7143, abs=5e-5)
    assert figures["naive_twice_db"] == pytest.approx(7684.4519, abs=5e-5)
    assert figures["naive_twice_da"] / figures["dg_da"] > 10  # "about 12 times too big, not 2"
    assert figures["naive_shallow_twice"] == 10.0
    assert figures["naive_deeper_twice"] == 30.0
    for text in ("1700.7143", "7684.4519", "dy/dx = 10", "dz/dx = 30"):
        assert text in printed


def _answer(question_id: str) -> float:
    return float(quiz_questions(SECTION)[question_id]["answer"])


def _assert_matches_key(question_id: str, computed: float) -> None:
    question = quiz_questions(SECTION)[question_id]
    assert abs(computed - float(question["answer"])) <= float(question["tolerance"])


def test_quiz_hand_grad():
    """dL/da of (a*b + 1)**2 at a = 3, b = 2 is the quiz's key."""
    a, b = Value(3.0), Value(2.0)
    L = (a * b + 1) ** 2
    L.backward()
    _assert_matches_key("hand-grad", a.grad)


def test_quiz_reuse_three():
    """x.grad for z = (x + x + x) * x at x = 2 is the quiz's key."""
    x = Value(2.0)
    z = (x + x + x) * x
    z.backward()
    _assert_matches_key("reuse-three", x.grad)


def test_quiz_overwrite_bug():
    """The `=` version of backward on b = a + a, c = b*b at a = 5 gives the quiz's key (and not the truth)."""
    experiment = _load_experiment_module()
    a = Value(5.0)
    b = a + a
    c = b * b
    experiment.backward_overwriting(c)
    _assert_matches_key("overwrite-bug", a.grad)
    c.backward()
    assert a.grad == 40.0 and _answer("overwrite-bug") != a.grad


def test_quiz_forward_order_bug_choice():
    """Walking the topological order inputs-first leaves a and b at 0 and gives d exactly 8, as choice (a) says."""
    a, b = Value(2.0), Value(-3.0)
    d = a * b + 10
    L = d**2
    order = L.topological_order()
    for node in order:
        node.grad = 0.0
    L.grad = 1.0
    for node in order:
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad
    assert (a.grad, b.grad, d.grad) == (0.0, 0.0, 8.0)
    assert quiz_questions(SECTION)["forward-order-bug"]["answer"] == "a"


def test_quiz_naive_twice():
    """Never-zeroing backward twice on z = (x*3)*2 at x = 1 gives the quiz's key."""
    experiment = _load_experiment_module()
    x = Value(1.0)
    z = (x * 3) * 2
    experiment.backward_without_zeroing(z)
    experiment.backward_without_zeroing(z)
    _assert_matches_key("naive-twice", x.grad)


def test_quiz_central_check():
    """(f(2.1) - f(1.9)) / 0.2 for f = a**3 is the quiz's key, computed through Value."""
    def f(a: float) -> float:
        return (Value(a) ** 3).data

    _assert_matches_key("central-check", (f(2.1) - f(1.9)) / 0.2)


def test_quiz_relu_gate():
    """A relu at input -2 sends nothing back whatever it receives: the quiz's key."""
    x = Value(-2.0)
    out = x.relu() * 5.0  # the node above the relu hands it gradient 5
    out.backward()
    _assert_matches_key("relu-gate", x.grad)


def test_quiz_seed_grad_key_is_dl_dl():
    """The output's own gradient after backward() is 1, which the text answer accepts."""
    L = Value(3.0) * 4.0
    L.backward()
    accepted = quiz_questions(SECTION)["seed-grad"]["answer"]
    assert f"{L.grad:g}" in accepted


def test_experiment_runs_alone_in_its_folder():
    """`python experiment.py` in the section folder exits 0 and prints every step."""
    result = run_alone(SECTION)
    assert result.returncode == 0, result.stderr
    assert "Step 6" in result.stdout


def _load_experiment_module():
    """The experiment's buggy walks, reused so the quiz checks the very code the learner ran."""
    return load_experiment(SECTION)


def test_code_quoted_in_the_overview_is_in_the_library():
    """Every line of Python the overview quotes still appears in learnpath/nn/value.py, so the explanation cannot drift."""
    assert quoted_lines_missing(SECTION, ["learnpath/nn/value.py"]) == []


# ----------------------------------------------------------------------
# The "Try this" predictions in the overview


def test_try_move_the_reuse_point():
    """At a = -2 the += walk gives dc/da = -16 (8a) and the = walk -4, a quarter of the truth."""
    experiment = _load_experiment_module()
    a, _, c = experiment.reuse_graph(-2.0)
    c.backward()
    assert a.grad == -16.0
    experiment.backward_overwriting(c)
    assert a.grad == -4.0


def test_try_swap_the_two_terms_makes_breadth_first_lucky():
    """With L = 4*b + b, breadth-first happens to visit 4*b before b and gets the right 30."""
    a = Value(3.0)
    b = a * a
    L = 4 * b + b
    experiment = _load_experiment_module()
    experiment.backward_along(L, experiment.breadth_first_order(L))
    assert a.grad == 30.0


def test_try_find_the_recursion_limit(tmp_path):
    """Run as a script, the recursive walk manages 990 nodes and fails on 1,000."""
    import subprocess
    import sys

    source = (section_dir(SECTION) / "experiment.py").read_text(encoding="utf-8")
    assert "short_length = 500" in source
    outcomes = {}
    for length in (990, 1000):
        script = tmp_path / f"experiment_{length}.py"
        script.write_text(source.replace("short_length = 500", f"short_length = {length}"), encoding="utf-8")
        result = subprocess.run([sys.executable, script.name], cwd=tmp_path, capture_output=True,
                                text=True, timeout=60, stdin=subprocess.DEVNULL)
        outcomes[length] = (result.returncode, result.stdout, result.stderr)
    assert outcomes[990][0] == 0 and "recursive walk, 990 nodes: fine" in outcomes[990][1]
    assert outcomes[1000][0] != 0 and "RecursionError" in outcomes[1000][2]


def test_try_flip_the_parity():
    """100,001 nodes means 100,000 sign flips: y = 1.5 and dy/dx = +1."""
    experiment = _load_experiment_module()
    x, y = experiment.negation_chain(100_001)
    y.backward()
    assert (y.data, x.grad) == (1.5, 1.0)
    with pytest.raises(RecursionError):
        experiment.recursive_topological_order(y)


def test_try_shrink_h_too_far():
    """With h = 1e-12 the check on dg/da is off by about 1e-2 and the reuse check prints 24.0021."""
    experiment = _load_experiment_module()
    a, _, g = experiment.readme_expression(-4.0, 2.0)
    g.backward()
    numeric = experiment.central_difference(lambda x: experiment.readme_expression(x, 2.0)[2].data, -4.0, h=1e-12)
    assert 3e-3 < abs(numeric - a.grad) < 3e-2
    reuse = experiment.central_difference(lambda x: experiment.reuse_graph(x)[2].data, 3.0, h=1e-12)
    assert f"{reuse:.4f}" == "24.0021"
