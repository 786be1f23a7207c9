"""Section 1.3 (Backward Pass): every claim of the overview and every numeric quiz answer, recomputed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from learnpath.nn import Value

from sections import assert_same_figures, figures_on_the_reference, load_experiment, numeric_key_check, quiz_questions, quoted_code_missing, run_alone, section_dir

SECTION = "1.3"


def overview() -> str:
    return (section_dir(SECTION) / "overview.md").read_text(encoding="utf-8")


def test_worked_example_matches_the_overview_table(run_main):
    """The hand-sized example L = (a*b + 5)**2 at a = 3, b = -0.5 gives L = 12.25, dL/da = -3.5, dL/db = 21."""
    figures, printed = run_main
    assert figures["worked_L"] == 12.25
    assert figures["worked_da"] == -3.5
    assert figures["worked_db"] == 21.0
    assert "dL/da = -3.5 and dL/db = 21" in " ".join(printed.split())
    # The nudge of the intuition: a up by 0.001 moves L by about -0.0035.
    moved = ((3.001 * -0.5 + 5) ** 2) - 12.25
    assert moved == pytest.approx(-0.0035, abs=2e-6)


def test_readme_gradients_agree_with_central_differences(run_main):
    """backward() gives dg/da = 138.8338 and dg/db = 645.5773, and central differences agree to a relative error near 1e-10."""
    figures, printed = run_main
    assert figures["g"] == pytest.approx(24.7041, abs=5e-5)
    assert figures["readme_node_count"] == 33
    assert figures["dg_da"] == pytest.approx(138.8338, abs=5e-5)
    assert figures["dg_db"] == pytest.approx(645.5773, abs=5e-5)
    for key in ("relative_error_da", "relative_error_db"):
        assert 1e-11 < figures[key] < 1e-9
    for text in ("24.7041", "138.8338", "645.5773", "33 nodes", "relative error"):
        assert text in printed


def test_reuse_sums_gradients_and_overwriting_loses_them(run_main):
    """b = a + a; c = b*b at a = -1.25: dc/db = -5, dc/da = -10 with +=, -2.5 and -2.5 with =, -10 numerically."""
    figures, printed = run_main
    assert figures["reuse_c"] == 6.25
    assert (figures["reuse_db"], figures["reuse_da"]) == (-5.0, -10.0)
    assert (figures["reuse_db_overwriting"], figures["reuse_da_overwriting"]) == (-2.5, -2.5)
    assert figures["reuse_da_numeric"] == pytest.approx(-10.0, abs=1e-6)
    assert "dc/db = -5, dc/da = -10" in printed
    assert "dc/db = -2.5, dc/da = -2.5" in printed


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
    assert "RecursionError" in printed and "maximum recursion depth" in printed
    assert "dy/dx = -1" in printed


def test_default_recursion_limit_is_1000():
    """The overview's 1,000 is CPython's default recursion limit."""
    result = subprocess.run([sys.executable, "-c", "import sys; print(sys.getrecursionlimit())"],
                            capture_output=True, text=True, timeout=30)
    assert result.stdout.strip() == "1000"


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="the overview's claim is about Python 3.11")
def test_raised_limit_walks_900000_nodes_on_python_3_11():
    """With Python 3.11 and the limit raised to 10**6, the recursive walk lists a chain of 900,000 nodes."""
    script = """
import sys
from learnpath.nn import Value
sys.setrecursionlimit(10**6)
order, visited = [], set()
def visit(node):
    if node in visited:
        return
    visited.add(node)
    for parent in node.parents:
        visit(parent)
    order.append(node)
node = Value(1.5)
for _ in range(899_999):
    node = -node
visit(node)
print(len(order))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            cwd=section_dir(SECTION).parents[2])
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.strip() == "900000"
    assert "with Python 3.11 and the limit raised to 10⁶" in " ".join(overview().split())


def test_backward_twice_doubles_the_leaves_and_micrograds_rule_compounds(run_main):
    """Twice over the README graph: leaves exactly 2x (277.6676, 1291.1545), g.grad 1, zeroed leaves give the first numbers
    again; micrograd's rule gives 1700.7143 and 7684.4519 (12.25x and 11.90x); y = 5x doubles under both; z = (2x)*5 gives 20 and 30."""
    figures, printed = run_main
    assert figures["twice_da"] == pytest.approx(2 * figures["dg_da"], rel=1e-12)
    assert figures["twice_db"] == pytest.approx(2 * figures["dg_db"], rel=1e-12)
    assert f"{figures['twice_da']:.4f} {figures['twice_db']:.4f}" == "277.6676 1291.1545"
    assert figures["twice_g_grad"] == 1.0
    assert (figures["zeroed_da"], figures["zeroed_db"]) == pytest.approx((figures["dg_da"], figures["dg_db"]), rel=1e-12)
    assert figures["naive_once_da"] == pytest.approx(138.8338, abs=5e-5)
    assert figures["naive_twice_da"] == pytest.approx(1700.7143, abs=5e-5)
    assert figures["naive_twice_db"] == pytest.approx(7684.4519, abs=5e-5)
    assert f"{figures['naive_twice_da'] / figures['dg_da']:.2f}" == "12.25"
    assert f"{figures['naive_twice_db'] / figures['dg_db']:.2f}" == "11.90"
    assert (figures["ours_shallow_twice"], figures["naive_shallow_twice"]) == (10.0, 10.0)
    assert (figures["ours_deeper_twice"], figures["naive_deeper_twice"]) == (20.0, 30.0)
    for text in ("277.6676", "1291.1545", "2.00x, 2.00x", "1700.7143", "7684.4519", "12.25x, 11.90x"):
        assert text in printed
    said = " ".join(overview().split())
    for text in ("277.6676 and 1291.1545 (2.00x)", "1700.7143 and 7684.4519", "12.25x and 11.90x", "doubles dz/dx to 20",
                 "triples it to 30", "(12.25x for a in step 6)"):
        assert text in said, text


def test_two_losses_add_up_in_the_shared_weight(run_main):
    """Losses (3w - 1)**2 and (4 - 2w)**2 at w = 0.5: 3 after the first backward(), -9 after the second, -9 from their sum."""
    figures, printed = run_main
    assert (figures["shared_from_first"], figures["shared_accumulated"], figures["shared_sum"]) == (3.0, -9.0, -9.0)
    assert "w.grad = 3" in " ".join(printed.split()) and "adds to it: -9" in " ".join(printed.split()) and "gives -9" in " ".join(printed.split())


def test_the_library_follows_pytorchs_rule():
    """learnpath's Value.backward adds into leaves (two calls double them) and keeps inner nodes at this pass's gradient."""
    x = Value(3.0)
    inner = x * 2
    z = inner * 5
    z.backward()
    z.backward()
    assert (x.grad, inner.grad, z.grad) == (20.0, 5.0, 1.0)
    x.grad = 5.0
    z.backward()
    assert x.grad == 15.0


def test_the_reference_backward_reproduces_every_figure(run_main, monkeypatch):
    """With LEARNPATH_MINE at the reference exercise.py, main() runs on it and reproduces every default figure to 1e-6."""
    default, _ = run_main
    assert default["mine"] is False
    mine, printed = figures_on_the_reference(SECTION, monkeypatch)
    assert mine["mine"] is True
    assert "Every backward() below is yours" in printed
    assert_same_figures(mine, default, rel=1e-6, abs=1e-6)


def test_every_backward_in_the_experiment_goes_through_lab_mine():
    """The experiment calls backward(...) from lab.mine everywhere, never the library's method directly."""
    source = (section_dir(SECTION) / "experiment.py").read_text(encoding="utf-8")
    assert "lab.mine(__file__, backward=Value.backward)" in source
    assert ".backward()" not in source.split("def main()", 1)[1]


def _micrograd_nodes(root) -> set:
    seen, todo = {root}, [root]
    while todo:
        for child in todo.pop()._prev:
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def test_micrograd_does_not_zero_and_pytorch_doubles_with_retained_graph():
    """micrograd 0.1.0 keeps old gradients (the second call on (2x)*5 gives 30; 13.34x and 12.94x on its README expression);
    PyTorch doubles (20) with retain_graph and refuses without it."""
    engine = pytest.importorskip("micrograd.engine")
    x = engine.Value(3.0)
    z = (x * 2) * 5
    z.backward()
    z.backward()
    assert x.grad == 30.0
    # micrograd itself, twice over its README expression: 12.25x and 11.90x, as the experiment's "micrograd's rule".
    experiment = load_experiment(SECTION)
    a, b = engine.Value(-4.0), engine.Value(2.0)
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
    g.backward()
    first = (a.grad, b.grad)
    g.backward()
    # micrograd's graph of the expression has more inner nodes (/ and - become * and **), so it compounds more.
    assert f"{a.grad / first[0]:.2f} {b.grad / first[1]:.2f}" == "13.34 12.94"
    ours_a, ours_b, ours_g = experiment.readme_expression(-4.0, 2.0)
    experiment.backward_without_zeroing(ours_g)
    once = (ours_a.grad, ours_b.grad)
    experiment.backward_without_zeroing(ours_g)
    assert f"{ours_a.grad / once[0]:.2f} {ours_b.grad / once[1]:.2f}" == "12.25 11.90"
    assert len(ours_g.topological_order()) < len(_micrograd_nodes(g))
    said = " ".join(overview().split())
    assert "gives 12.25x and 11.90x (step 6)" in said and "gives 13.34x and 12.94x" in said
    torch = pytest.importorskip("torch")
    t = torch.tensor(3.0, requires_grad=True)
    out = (t * 2) * 5
    out.backward(retain_graph=True)
    out.backward()
    assert t.grad.item() == 20.0
    t = torch.tensor(3.0, requires_grad=True)
    out = t * t
    out.backward()
    with pytest.raises(RuntimeError):
        out.backward()


def test_experiment_runs_alone_in_its_folder():
    """`python experiment.py` in the section folder exits 0 and prints every step."""
    result = run_alone(SECTION)
    assert result.returncode == 0, result.stderr
    assert "Step 6" in result.stdout


def test_code_quoted_in_the_overview_is_in_the_library():
    """Every line of Python the overview quotes still appears in learnpath/nn/value.py, so the explanation cannot drift."""
    assert quoted_code_missing(SECTION, ["learnpath/nn/value.py"]) == []


def test_the_walk_is_listed_once_in_the_course():
    """1.3 refers back to 1.2's listing of topological_order instead of repeating it."""
    assert "parents_done.append(True)" not in overview()
    assert "parents_done.append(True)" in (section_dir("1.2") / "overview.md").read_text(encoding="utf-8")


# ----------------------------------------------------------------------
# The "Try this" predictions in the overview


def test_try_move_the_reuse_point():
    """At a = 2 the += walk gives dc/da = 16 (8a) and the = walk 4, a quarter of the truth, as at -1.25."""
    experiment = load_experiment(SECTION)
    a, _, c = experiment.reuse_graph(2.0)
    c.backward()
    assert a.grad == 16.0
    experiment.backward_overwriting(c)
    assert a.grad == 4.0


def test_try_swap_the_two_terms_makes_breadth_first_lucky():
    """With L = 4*b + b, breadth-first happens to visit 4*b before b and gets the right 30."""
    a = Value(3.0)
    b = a * a
    L = 4 * b + b
    experiment = load_experiment(SECTION)
    experiment.backward_along(L, experiment.breadth_first_order(L))
    assert a.grad == 30.0


def test_try_find_the_recursion_limit(tmp_path):
    """Run as a script, the recursive walk manages 990 nodes and fails on 1,000."""
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
    experiment = load_experiment(SECTION)
    x, y = experiment.negation_chain(100_001)
    y.backward()
    assert (y.data, x.grad) == (1.5, 1.0)
    with pytest.raises(RecursionError):
        experiment.recursive_topological_order(y)


def test_try_forget_to_zero(tmp_path):
    """Without `a.grad = b.grad = 0.0` in step 6, the 'leaves zeroed, then once' row shows 416.5015 and 1936.7318."""
    source = (section_dir(SECTION) / "experiment.py").read_text(encoding="utf-8")
    assert source.count("    a.grad = b.grad = 0.0\n") == 1
    script = tmp_path / "experiment.py"
    script.write_text(source.replace("    a.grad = b.grad = 0.0\n", ""), encoding="utf-8")
    result = subprocess.run([sys.executable, script.name], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr[-500:]
    row = next(line for line in result.stdout.splitlines() if "leaves zeroed, then once" in line)
    assert row.split()[-2:] == ["416.5015", "1936.7318"]
    assert "416.5015 and 1936.7318: three times" in " ".join(overview().split())


# ----------------------------------------------------------------------
# The quiz: every answer and key recomputed


_assert_matches_key = numeric_key_check(SECTION)


def _choice_text(question_id: str, key: str) -> str:
    choice = quiz_questions(SECTION)[question_id]["choices"][key]
    return choice["text"] if isinstance(choice, dict) else choice


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
    experiment = load_experiment(SECTION)
    a, _, c = experiment.reuse_graph(5.0)
    experiment.backward_overwriting(c)
    _assert_matches_key("overwrite-bug", a.grad)
    a.grad = 0.0  # a leaf: backward() adds into it
    c.backward()
    assert a.grad == 40.0


def test_quiz_why_reverse_topo_key():
    """The key names hearing from every user first; breadth-first (each node once) really is wrong on the two-path graph."""
    key = quiz_questions(SECTION)["why-reverse-topo"]["answer"]
    assert _choice_text("why-reverse-topo", key).startswith("So each node hears from every user")


def test_quiz_forward_order_bug():
    """Walking the order inputs-first leaves a and b at 0 and gives d exactly 7: the keyed choice."""
    experiment = load_experiment(SECTION)
    a, b, L = experiment.worked_example()
    order = L.topological_order()
    for node in order:
        node.grad = 0.0
    L.grad = 1.0
    for node in order:
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad
    d = L.parents[0]
    assert (a.grad, b.grad, d.grad) == (0.0, 0.0, 7.0)
    key = quiz_questions(SECTION)["forward-order-bug"]["answer"]
    assert _choice_text("forward-order-bug", key) == "a and b end with grad 0; only d, L's parent, gets one (7)"


def test_quiz_backward_steps_match_the_code():
    """The keyed order (list, note and zero, seed, walk, add back) is the order of the lines in Value.backward."""
    import inspect

    source = inspect.getsource(Value.backward)
    positions = [source.index(text) for text in
                 ("self.topological_order()", "not node.parents and node.grad", "node.grad = 0.0", "self.grad = 1.0",
                  "for node in reversed(order)", "leaf.grad = grad + leaf.grad")]
    assert positions == sorted(positions)
    texts = [_choice_text("backward-steps", key) for key in quiz_questions(SECTION)["backward-steps"]["answer"]]
    assert [t.split()[0] for t in texts] == ["List", "Note", "Set", "Walk", "Add"]
    assert "grad to 0" in texts[1] and "grad to 1" in texts[2]


def test_quiz_zeroing_facts():
    """Leaves double and inner nodes stay in this engine; micrograd does not exactly double; two losses in a row add up;
    so a training loop must zero; this engine's inner nodes do not add up."""
    experiment = load_experiment(SECTION)
    a, b, g = experiment.readme_expression(-4.0, 2.0)
    g.backward()
    first_a, first_b = a.grad, b.grad
    inner = [node for node in g.topological_order() if node.parents]
    first_inner = [node.grad for node in inner]
    g.backward()
    truth_a = (a.grad, b.grad) == (2 * first_a, 2 * first_b) and [node.grad for node in inner] == first_inner
    engine = pytest.importorskip("micrograd.engine")
    x = engine.Value(3.0)
    z = (x * 2) * 5
    z.backward()
    z.backward()
    truth_b = x.grad == 2 * 10.0
    w = Value(0.5)
    ((w * 3 - 1) ** 2).backward()
    ((w * -2 + 4) ** 2).backward()
    truth_c = w.grad == 3.0 + -12.0
    truth_d = truth_c  # adding up across calls is what makes zeroing the loop's job
    truth_e = not truth_a
    truth = {"a": truth_a, "b": truth_b, "c": truth_c, "d": truth_d, "e": truth_e}
    assert sorted(quiz_questions(SECTION)["zeroing-facts"]["answer"]) == sorted(k for k, v in truth.items() if v)


def test_quiz_naive_twice():
    """Never-zeroing backward twice on z = (x*3)*2 at x = 1 gives the quiz's key."""
    experiment = load_experiment(SECTION)
    x = Value(1.0)
    z = (x * 3) * 2
    experiment.backward_without_zeroing(z)
    experiment.backward_without_zeroing(z)
    _assert_matches_key("naive-twice", x.grad)


def test_quiz_forgot_zero_grad():
    """L1.backward(), L2.backward(), L1.backward() at w = 2 leave w.grad = 4 - 2 + 4 = 6; micrograd's rule would give 10."""
    w = Value(2.0)
    L1 = w * w - 1
    L2 = (3 - w) ** 2
    L1.backward()
    L2.backward()
    L1.backward()
    _assert_matches_key("forgot-zero-grad", w.grad)
    experiment = load_experiment(SECTION)
    w = Value(2.0)
    L1 = w * w - 1
    L2 = (3 - w) ** 2
    for loss in (L1, L2, L1):
        experiment.backward_without_zeroing(loss)
    assert w.grad == 10.0


def test_quiz_recursion_facts():
    """The default limit, the heap-allocated stack and 'another order changes only the last bits' are keyed true."""
    experiment = load_experiment(SECTION)
    x, y = experiment.negation_chain(5_000)
    with pytest.raises(RecursionError):
        experiment.recursive_topological_order(y)
    # Two valid reverse topological orders of one graph: x receives shares 0.1, 0.2 and 0.3 in different orders.
    def build():
        x = Value(1.0)
        uses = [x * 0.1, x * 0.2, x * 0.3]
        return x, uses, uses[0] + uses[1] + uses[2]

    grads = []
    for permutation in ((0, 1, 2), (2, 1, 0)):
        x, uses, out = build()
        sums = [node for node in out.topological_order() if node.parents and node not in uses]
        walk = list(reversed(sums)) + [uses[i] for i in permutation] + [x]
        experiment.backward_along(out, walk)
        grads.append(x.grad)
    assert grads[0] != grads[1] and grads[0] == pytest.approx(grads[1], rel=1e-15)
    assert (0.1 + 0.2) + 0.3 == 0.6000000000000001 and 0.1 + (0.2 + 0.3) == 0.6
    assert sorted(quiz_questions(SECTION)["recursion-facts"]["answer"]) == ["a", "b", "e"]


def test_quiz_seed_grad():
    """The output's own gradient after backward() is 1."""
    L = Value(3.0) * 4.0
    L.backward()
    _assert_matches_key("seed-grad", L.grad)


def test_every_printed_line_fits_80_columns():
    """Run alone in an 80-column terminal, every line the experiment prints fits in 80 columns."""
    import os
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "experiment.py"], cwd=section_dir(SECTION), capture_output=True,
                            text=True, timeout=60, stdin=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_the_backward_docstring_example():
    """The starter's example: backward(L) leaves -3.5, 21 and 1; a second call leaves -7, 42 and 1 (the library agrees)."""
    import importlib.util

    from sections import CURRICULUM

    starter = (section_dir(SECTION) / "exercise.py").read_text(encoding="utf-8")
    assert "b.grad = 21 and L.grad = 1; calling it again leaves a.grad = -7, b.grad = 42, L.grad = 1." in starter
    spec = importlib.util.spec_from_file_location(
        "solution_1_3", CURRICULUM.parent / "solutions/Phase_1/Section_3_Backward_Pass/exercise.py")
    solution = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(solution)
    for backward in (solution.backward, Value.backward):
        a, b, L = solution.worked_example()
        backward(L)
        assert (a.grad, b.grad, L.grad) == (-3.5, 21.0, 1.0)
        backward(L)
        assert (a.grad, b.grad, L.grad) == (-7.0, 42.0, 1.0)
