"""How Tensor.backward walks the graph: zeroing, reuse, depth, no_grad, seeds, and broadcast shapes."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from learnpath.nn.tensor import Tensor, no_grad, unbroadcast


def test_float64_by_default():
    """Lists, ints and int arrays become float64; a float32 array keeps its dtype."""
    assert Tensor([1, 2, 3]).data.dtype == np.float64
    assert Tensor(np.arange(3)).data.dtype == np.float64
    assert Tensor(2).shape == ()
    assert Tensor(np.zeros(2, dtype=np.float32)).data.dtype == np.float32


def test_tensor_keeps_its_own_copy_unless_told_not_to():
    """An optimizer-style in-place update of Tensor(array).data leaves the caller's array alone; copy=False shares it."""
    original = np.array([1.0, 2.0])
    t = Tensor(original)
    t.data -= 1.0
    np.testing.assert_array_equal(original, [1.0, 2.0])
    shared = Tensor(original, copy=False)
    shared.data -= 1.0
    np.testing.assert_array_equal(original, [0.0, 1.0])


def test_constructors_and_accessors():
    """zeros/ones/randn make the asked shape (randn repeatable with a seeded generator); item and numpy read back."""
    assert Tensor.zeros(2, 3).shape == (2, 3)
    assert Tensor.ones((4,)).data.sum() == 4.0
    a = Tensor.randn(3, 2, rng=np.random.default_rng(5))
    b = Tensor.randn(3, 2, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert Tensor([[2.5]]).item() == 2.5
    assert "op='+'" in repr(a + b)


def test_backward_twice_doubles_the_leaves_and_recomputes_the_inner_nodes():
    """A second backward over one graph adds the same gradients into the leaves again (2x); inner nodes hold one pass's."""
    x = Tensor(np.array([1.0, -2.0, 3.0]))
    w = Tensor(np.array([0.5, 0.5, 0.5]))
    inner = (x * w).tanh()
    loss = (inner**2).sum()
    loss.backward()
    first = x.grad.copy(), w.grad.copy(), inner.grad.copy()
    loss.backward()
    np.testing.assert_array_equal(x.grad, 2 * first[0])
    np.testing.assert_array_equal(w.grad, 2 * first[1])
    np.testing.assert_array_equal(inner.grad, first[2])
    np.testing.assert_array_equal(loss.grad, 1.0)


def test_reused_tensor_collects_gradient_from_every_use():
    """b = a + a and c = a * a: gradients from each use are added (2 and 2a)."""
    a = Tensor(np.array([3.0, -1.0]))
    (a + a).sum().backward()
    np.testing.assert_array_equal(a.grad, [2.0, 2.0])
    a.grad = None
    (a * a).sum().backward()
    np.testing.assert_array_equal(a.grad, [6.0, -2.0])


def test_deep_chain_has_no_recursion_limit():
    """A chain three times as deep as Python's recursion limit backpropagates (the topological sort uses a stack, not recursion)."""
    x = Tensor(np.array([1.0, 2.0]))
    y = x
    for _ in range(3 * sys.getrecursionlimit()):
        y = y * 1.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])


def test_topological_order_lists_parents_first_and_self_last():
    """Every node comes after the nodes it was made from, and each node appears once."""
    a, b = Tensor([1.0]), Tensor([2.0])
    c = a * b
    d = c + a
    e = d * c
    order = e.topological_order()
    assert order[-1] is e
    assert len(order) == len({id(n) for n in order}) == 5
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]


def test_backward_seed_for_a_non_scalar_output():
    """backward(grad=G) on a vector output gives the gradient of sum(G * output)."""
    x = Tensor(np.array([1.0, 2.0, 3.0]))
    (x * x).backward(np.array([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, -6.0])


def test_backward_refuses_ambiguous_or_impossible_requests():
    """A vector output without a seed, a seed of the wrong shape, or an output with no gradient path all raise clear errors."""
    x = Tensor(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"one-element output.*\.sum\(\)"):
        (x * 2).backward()
    with pytest.raises(ValueError, match="got shape"):
        (x * 2).backward(np.ones(3))
    with pytest.raises(RuntimeError, match="needs no gradient"):
        Tensor([1.0], requires_grad=False).exp().sum().backward()


def test_data_tensors_get_no_gradient_and_are_not_in_the_graph():
    """Inputs made with requires_grad=False are not recorded as parents and their .grad stays None."""
    data = Tensor(np.array([[1.0, 2.0]]), requires_grad=False)
    w = Tensor(np.array([[3.0], [4.0]]))
    out = data @ w
    assert out.parents == (w,)
    out.sum().backward()
    assert data.grad is None
    np.testing.assert_array_equal(w.grad, [[1.0], [2.0]])


def test_no_grad_builds_no_graph():
    """Under no_grad() results have no parents and need no gradient; outside it recording resumes."""
    w = Tensor(np.array([1.0, 2.0]))
    with no_grad():
        y = (w * 3).sum()
    assert not y.requires_grad and y.parents == ()
    z = (w * 3).sum()
    assert z.requires_grad and z.parents != ()


def test_detach_stops_the_gradient():
    """A detached copy is a constant: gradient flows only through the other use."""
    x = Tensor(np.array([2.0]))
    (x * x.detach()).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0])


@pytest.mark.parametrize(
    ("shape_a", "shape_b"),
    [((3, 4), (4,)), ((3, 1), (1, 4)), ((2, 3, 4), (3, 1)), ((), (2, 2)), ((1,), (5, 1)), ((2, 1, 3), (4, 1))],
)
def test_broadcast_gradients_have_each_inputs_shape(shape_a, shape_b):
    """After a broadcasting op each input's gradient has that input's own shape and the summed values."""
    a = Tensor(np.ones(shape_a))
    b = Tensor(np.ones(shape_b))
    out = a * b + a - b / 2.0
    out.sum().backward()
    assert a.grad.shape == shape_a and b.grad.shape == shape_b
    copies_of_a = out.data.size / max(1, a.data.size)
    copies_of_b = out.data.size / max(1, b.data.size)
    np.testing.assert_allclose(a.grad, np.full(shape_a, 2.0 * copies_of_a))
    np.testing.assert_allclose(b.grad, np.full(shape_b, 0.5 * copies_of_b))


def test_unbroadcast_sums_added_and_stretched_axes():
    """unbroadcast sums leading axes that broadcasting added and axes that were 1."""
    g = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(unbroadcast(g, (3, 1)), g.sum(axis=0).sum(axis=1, keepdims=True))
    assert unbroadcast(g, (2, 3, 4)) is g
    assert unbroadcast(g, ()).shape == ()


def test_pow_refuses_a_tensor_exponent():
    """x ** tensor is refused with a message pointing at exp and log."""
    with pytest.raises(TypeError, match="exp"):
        Tensor([1.0]) ** Tensor([2.0])


def test_tensor_is_exported_from_learnpath_nn():
    """`from learnpath.nn import Tensor` gives the Tensor class of learnpath.nn.tensor (the fixed import path)."""
    from learnpath.nn import Tensor as exported

    assert exported is Tensor
