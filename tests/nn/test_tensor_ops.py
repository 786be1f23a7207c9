"""Every Tensor operation's gradient against float64 numerical differences, on hypothesis-drawn inputs.

Inputs keep away from the places where an operation has no derivative (relu
at 0, max at a tie) and from where it is undefined (log and division near 0).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_tensor_gradcheck import assert_gradients_match

from learnpath.nn.tensor import Tensor, concatenate, stack

few = settings(max_examples=25, deadline=None)

shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)
moderate = st.floats(-3.0, 3.0, allow_nan=False, width=64)


def arrays_of(shape, elements=moderate):
    return hnp.arrays(np.float64, shape, elements=elements)


@st.composite
def broadcast_pair(draw, elements=moderate):
    """Two arrays whose shapes broadcast together (some axes 1 or missing in one of them)."""
    pair = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3))
    a, b = pair.input_shapes
    return draw(arrays_of(a, elements)), draw(arrays_of(b, elements))


def away_from_zero(x: np.ndarray, gap: float = 0.05) -> np.ndarray:
    """x with every entry at least `gap` from 0 (values near 0 are pushed past it)."""
    return np.where(np.abs(x) < gap, np.where(x < 0, -gap, gap) * 2, x)


def distinct_values(draw, shape) -> np.ndarray:
    """An array whose entries differ pairwise by at least 0.1: no ties, so max has a derivative."""
    size = int(np.prod(shape))
    order = draw(st.permutations(list(range(size))))
    return (np.array(order, dtype=np.float64) * 0.3 - size * 0.15).reshape(shape)


# ----------------------------------------------------------------------
# Elementwise arithmetic with broadcasting.
# ----------------------------------------------------------------------


@few
@given(broadcast_pair())
def test_add_gradient(pair):
    """a + b: both gradients match, each summed back to its own (broadcast) shape."""
    assert_gradients_match(lambda a, b: a + b, *pair)


@few
@given(broadcast_pair())
def test_sub_gradient(pair):
    """a - b: both gradients match under broadcasting."""
    assert_gradients_match(lambda a, b: a - b, *pair)


@few
@given(broadcast_pair())
def test_mul_gradient(pair):
    """a * b: both gradients match under broadcasting."""
    assert_gradients_match(lambda a, b: a * b, *pair)


@few
@given(broadcast_pair())
def test_div_gradient(pair):
    """a / b: both gradients match under broadcasting (b kept away from 0)."""
    a, b = pair
    assert_gradients_match(lambda a, b: a / b, a, away_from_zero(b, 0.5))


@few
@given(arrays_of(shapes), st.floats(-2.0, 2.0))
def test_numbers_on_either_side(x, c):
    """c + x, c - x, c * x, c / x, x - c, x / c all have the right gradient with a plain number c."""
    c = c if abs(c) > 0.1 else 0.5
    x = away_from_zero(x, 0.5)
    assert_gradients_match(lambda t: c + t, x)
    assert_gradients_match(lambda t: c - t, x)
    assert_gradients_match(lambda t: c * t, x)
    assert_gradients_match(lambda t: c / t, x)
    assert_gradients_match(lambda t: t - c, x)
    assert_gradients_match(lambda t: t / c, x)


@few
@given(arrays_of(shapes, st.floats(0.5, 3.0)), st.sampled_from([2, 3, 0.5, -1, -1.5]))
def test_pow_gradient(x, exponent):
    """x ** n for whole, fractional and negative n (on positive x)."""
    assert_gradients_match(lambda t: t**exponent, x)


def test_pow_zero_has_slope_zero_even_at_zero():
    """x ** 0 is the constant 1, so its gradient is 0 everywhere, also at x = 0 (it was 0 * inf = nan), as on Value."""
    x = Tensor([0.0, 2.0, -3.0])
    (x**0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])


@few
@given(arrays_of(shapes))
def test_neg_gradient(x):
    """-x sends back minus the gradient."""
    assert_gradients_match(lambda t: -t, x)


def test_numpy_array_on_the_left_goes_through_tensor():
    """array + tensor, array * tensor and array @ tensor give Tensors with gradients, not object arrays."""
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    t = Tensor(np.array([[0.5, -1.0], [2.0, 1.5]]))
    for out in (a + t, a * t, a - t, a / t, a @ t):
        assert isinstance(out, Tensor) and out.data.dtype == np.float64
    (a * t).sum().backward()
    np.testing.assert_array_equal(t.grad, a)


# ----------------------------------------------------------------------
# Matrix products.
# ----------------------------------------------------------------------


@few
@given(st.data(), st.integers(1, 4), st.integers(1, 4), st.integers(1, 4))
def test_matmul_gradient(data, n, k, m):
    """(n, k) @ (k, m): both gradients match."""
    a = data.draw(arrays_of((n, k)))
    b = data.draw(arrays_of((k, m)))
    assert_gradients_match(lambda a, b: a @ b, a, b)


@few
@given(st.data(), st.sampled_from([((2, 3, 4), (4, 2)), ((2, 1, 3, 4), (5, 4, 2)), ((4,), (4, 3)), ((2, 3), (3,)), ((3,), (3,)), ((2, 2, 3), (3,))]))
def test_batched_and_vector_matmul_gradient(data, shapes_pair):
    """Batched matmul (with broadcast batch axes) and 1-D operands give matching gradients of the right shape."""
    a = data.draw(arrays_of(shapes_pair[0]))
    b = data.draw(arrays_of(shapes_pair[1]))
    np.testing.assert_allclose((Tensor(a) @ Tensor(b)).data, a @ b)
    assert_gradients_match(lambda a, b: a @ b, a, b)


# ----------------------------------------------------------------------
# Reductions.
# ----------------------------------------------------------------------


@st.composite
def array_and_axis(draw, elements=moderate, distinct=False):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    x = distinct_values(draw, shape) if distinct else draw(arrays_of(shape, elements))
    axis = draw(st.none() | st.integers(-x.ndim, x.ndim - 1) | st.just(tuple(range(x.ndim))[:2]))
    return x, axis, draw(st.booleans())


@few
@given(array_and_axis())
def test_sum_gradient(case):
    """sum over no axis, one axis (negative too) or several, with and without keepdims."""
    x, axis, keepdims = case
    np.testing.assert_allclose(Tensor(x).sum(axis=axis, keepdims=keepdims).data, x.sum(axis=axis, keepdims=keepdims))
    assert_gradients_match(lambda t: t.sum(axis=axis, keepdims=keepdims), x)


@few
@given(array_and_axis())
def test_mean_gradient(case):
    """mean over any axes, with and without keepdims."""
    x, axis, keepdims = case
    np.testing.assert_allclose(Tensor(x).mean(axis=axis, keepdims=keepdims).data, x.mean(axis=axis, keepdims=keepdims))
    assert_gradients_match(lambda t: t.mean(axis=axis, keepdims=keepdims), x)


@few
@given(array_and_axis(distinct=True))
def test_max_gradient(case):
    """max over any axes (no ties): the gradient goes to the largest entry only."""
    x, axis, keepdims = case
    np.testing.assert_array_equal(Tensor(x).max(axis=axis, keepdims=keepdims).data, x.max(axis=axis, keepdims=keepdims))
    assert_gradients_match(lambda t: t.max(axis=axis, keepdims=keepdims), x)


def test_max_splits_the_gradient_between_ties():
    """When two entries tie for the maximum, each gets half the gradient (a subgradient)."""
    t = Tensor(np.array([1.0, 3.0, 3.0]))
    t.max().backward()
    np.testing.assert_array_equal(t.grad, [0.0, 0.5, 0.5])


# ----------------------------------------------------------------------
# Shape changes and indexing.
# ----------------------------------------------------------------------


@few
@given(arrays_of(st.sampled_from([(2, 6), (3, 4), (12,), (2, 2, 3)])), st.sampled_from([(12,), (4, 3), (2, 3, 2), (-1, 2)]))
def test_reshape_gradient(x, new_shape):
    """reshape to any compatible shape (with -1 too); the gradient comes back in the old shape."""
    assert Tensor(x).reshape(new_shape).shape == x.reshape(new_shape).shape
    assert_gradients_match(lambda t: t.reshape(*new_shape), x)


@few
@given(arrays_of(hnp.array_shapes(min_dims=2, max_dims=3, max_side=4)), st.data())
def test_transpose_gradient(x, data):
    """.T and transpose with any axis order."""
    axes = tuple(data.draw(st.permutations(list(range(x.ndim)))))
    assert_gradients_match(lambda t: t.T, x)
    assert_gradients_match(lambda t: t.transpose(*axes), x)
    np.testing.assert_array_equal(Tensor(x).transpose(*axes).data, x.transpose(axes))


@few
@given(arrays_of((4, 5)), st.data())
def test_indexing_gradient(x, data):
    """Ints, slices, negative steps and integer arrays (with repeats) all send the gradient to the right places."""
    rows = np.array(data.draw(st.lists(st.integers(0, 3), min_size=1, max_size=6)))
    for index in (1, (2, -1), slice(1, 3), (slice(None), slice(None, None, -2)), rows, (rows, 2), (slice(None), [0, 0, 4])):
        np.testing.assert_array_equal(Tensor(x)[index].data, x[index])
        assert_gradients_match(lambda t: t[index], x)


def test_repeated_index_adds_gradients():
    """Picking row 0 three times gives row 0 three times the gradient (np.add.at, not plain assignment)."""
    table = Tensor(np.zeros((3, 2)))
    table[np.array([0, 0, 2, 0])].sum().backward()
    np.testing.assert_array_equal(table.grad, [[3.0, 3.0], [0.0, 0.0], [1.0, 1.0]])


def test_boolean_mask_indexing():
    """A boolean mask picks the selected entries; only they receive gradient."""
    x = Tensor(np.array([[1.0, -2.0], [3.0, -4.0]]))
    picked = x[x.data > 0]
    np.testing.assert_array_equal(picked.data, [1.0, 3.0])
    (picked * 2).sum().backward()
    np.testing.assert_array_equal(x.grad, [[2.0, 0.0], [2.0, 0.0]])


@few
@given(arrays_of((5, 3)), st.data())
def test_gather_rows_gradient(table, data):
    """An embedding lookup with ids of shape (batch, time) gives shape (batch, time, dim) and the right gradient."""
    ids = np.array(data.draw(st.lists(st.integers(0, 4), min_size=6, max_size=6))).reshape(2, 3)
    assert Tensor(table).gather_rows(ids).shape == (2, 3, 3)
    assert_gradients_match(lambda t: t.gather_rows(ids), table)


def test_gather_rows_refuses_bad_ids():
    """Float ids and ids past the table's end are refused with a message saying what is wrong."""
    table = Tensor(np.zeros((3, 2)))
    try:
        table.gather_rows(np.array([0.0, 1.0]))
    except TypeError as error:
        assert "integer ids" in str(error)
    else:
        raise AssertionError("float ids were accepted")
    try:
        table.gather_rows(np.array([0, 3]))
    except IndexError as error:
        assert "3 rows" in str(error)
    else:
        raise AssertionError("an id past the end was accepted")


@few
@given(st.data(), st.integers(0, 1))
def test_concatenate_and_stack_gradient(data, axis):
    """concatenate (different sizes along the axis) and stack give each input its own part of the gradient."""
    a = data.draw(arrays_of((2, 3)))
    b = data.draw(arrays_of((2, 3) if axis == 1 else (1, 3)))
    b = b if axis == 0 else data.draw(arrays_of((2, 1)))
    assert_gradients_match(lambda a, b: concatenate([a, b], axis=axis), a, b)
    c = data.draw(arrays_of((2, 3)))
    assert_gradients_match(lambda a, c: stack([a, c, a], axis=axis), a, c)


# ----------------------------------------------------------------------
# Elementwise functions.
# ----------------------------------------------------------------------


@few
@given(arrays_of(shapes))
def test_exp_gradient(x):
    """exp: its gradient is itself."""
    assert_gradients_match(lambda t: t.exp(), x)


@few
@given(arrays_of(shapes, st.floats(0.2, 5.0)))
def test_log_gradient(x):
    """log on positive inputs: gradient 1/x."""
    assert_gradients_match(lambda t: t.log(), x)


@few
@given(arrays_of(shapes))
def test_tanh_gradient(x):
    """tanh: gradient 1 - tanh**2."""
    assert_gradients_match(lambda t: t.tanh(), x)


@few
@given(arrays_of(shapes))
def test_relu_gradient(x):
    """relu away from its kink at 0."""
    assert_gradients_match(lambda t: t.relu(), away_from_zero(x))


@few
@given(arrays_of(shapes, st.floats(-10.0, 10.0)))
def test_sigmoid_gradient(x):
    """sigmoid: gradient s * (1 - s).

    (Past |x| = 10 the curve is so flat that the numerical derivative, not
    the analytic one, runs out of digits; the extremes are tested below.)
    """
    assert_gradients_match(lambda t: t.sigmoid(), x)


def test_sigmoid_tanh_exp_at_extremes():
    """At +-1000, sigmoid is exactly 0 or 1 and tanh is +-1 without overflow warnings; exp(1000) is inf."""
    x = Tensor(np.array([-1000.0, 0.0, 1000.0]))
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        np.testing.assert_array_equal(x.sigmoid().data, [0.0, 0.5, 1.0])
        np.testing.assert_array_equal(x.tanh().data, [-1.0, 0.0, 1.0])
        s = x.sigmoid()
        s.sum().backward()
    assert np.all(np.isfinite(x.grad))
    assert np.isinf(x.exp().data[2])


def test_log_refuses_non_positive():
    """log of 0 or a negative number is refused with a message, not a silent nan."""
    try:
        Tensor(np.array([1.0, 0.0])).log()
    except ValueError as error:
        assert "positive" in str(error)
    else:
        raise AssertionError("log(0) was accepted")


unit = st.floats(-1.0, 1.0)


@few
@given(arrays_of((3, 4), unit), arrays_of((4, 2), unit), arrays_of((2,), unit))
def test_composite_expression_gradient(x, w, b):
    """A small network expression (matmul, broadcast add, tanh, mean of squares) checks out end to end.

    (Inputs in [-1, 1] keep tanh off its flat tails, where the numerical
    derivative, not ours, runs out of digits.)
    """
    assert_gradients_match(lambda x, w, b: ((x @ w + b).tanh() ** 2).mean(axis=0), x, w, b)


def test_transpose_with_negative_axes():
    """transpose(0, -1, -2) swaps the last two axes and sends the gradient back through the right inverse."""
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(Tensor(x).transpose(0, -1, -2).data, x.transpose(0, 2, 1))
    assert_gradients_match(lambda t: t.transpose(0, -1, -2), x)
