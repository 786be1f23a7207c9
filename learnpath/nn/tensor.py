"""Array automatic differentiation: the Value idea, one NumPy array per node.

A Tensor wraps a NumPy array (float64 unless you hand it another float
array). As in value.py, every operation returns a new node that records its
data, the nodes it was made from (its parents), and how the gradient flows
back to each parent, and `backward()` applies the chain rule at every node.

In value.py "how the gradient flows back" is one number per parent, the
local derivative, and backpropagation is `parent.grad += local * node.grad`.
Here the local derivative of an (m,)-array output with respect to an
(n,)-array input is an m-by-n Jacobian matrix, usually huge and mostly zeros,
so we never build it. Each node instead keeps one small function per parent,
written when the operation runs, that multiplies `node.grad` by that Jacobian
directly (a "vector-Jacobian product"); it stores them as (parent,
backward_fn) pairs, its `_edges`. Backpropagation becomes

    parent.grad += backward_fn(node.grad)

and everything else in this file is working out the right backward_fn for
each operation. Every operation has the same three steps: compute the output
array, give each input its backward function, return the new node.

Two ideas appear again and again:
- Broadcasting. NumPy lets a (3, 1) array meet a (4,) array and acts as if
  both were (3, 4). An input used at many positions of the output collects
  gradient from all of them, so its gradient is the output's gradient summed
  over the broadcast axes: `unbroadcast` below.
- Only inputs that need a gradient get one. Data (requires_grad=False) is
  never recorded as a parent, so no time is spent on its gradient.

The graph is walked exactly as in value.py: the same iterative topological
sort (no recursion limit), and the same rule for gradients, PyTorch's:
`backward()` computes this pass's gradients afresh at every inner node and
*adds* them into the `.grad` of every leaf (a Tensor made by hand: a
parameter, an input that asked for a gradient). Calling it twice doubles the
leaves' gradients; a training loop clears them with `zero_grad()` first.

The precision is the data's: float64 by default (what gradient checks need),
float32 when you hand in float32 arrays or ask for `dtype=np.float32` (half
the memory and about twice the speed). A plain Python number meeting a
float32 Tensor becomes float32 too, so `x * 0.5` never turns a float32 model
into a float64 one behind your back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Union

import numpy as np

ArrayLike = Union["Tensor", np.ndarray, float, int, Sequence]
BackwardFn = Callable[[np.ndarray], np.ndarray]

# Switched off inside `with no_grad():`, for evaluation and optimizer updates.
_grad_enabled = True


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block, operations build no graph: faster, and nothing to backpropagate."""
    global _grad_enabled
    previous = _grad_enabled
    _grad_enabled = False
    try:
        yield
    finally:
        _grad_enabled = previous


class Tensor:
    """An array in a computation graph, with the gradient of the output with respect to it.

    Tensor(data) takes a number, a nested list or an array and keeps its own
    float64 copy (a float32 array stays float32; dtype= picks the precision).
    requires_grad=False marks data, such as a batch of inputs: no gradient is
    computed for it. copy=False shares the caller's array instead of copying it.
    """

    __slots__ = ("data", "grad", "requires_grad", "op", "label", "_edges")

    # NumPy should hand `array + tensor` to Tensor.__radd__ instead of looping over the array.
    __array_ufunc__ = None

    def __init__(
        self,
        data: ArrayLike,
        requires_grad: bool = True,
        *,
        dtype: np.dtype | type | None = None,
        copy: bool = True,
        op: str = "",
        label: str = "",
        _edges: tuple[tuple[Tensor, BackwardFn], ...] = (),
    ) -> None:
        if isinstance(data, Tensor):
            data = data.data
        if dtype is not None and np.dtype(dtype).kind != "f":
            raise TypeError(f"a Tensor holds floating-point numbers, got dtype={np.dtype(dtype)}")
        if isinstance(data, np.floating):
            data = np.array(data)  # a NumPy scalar, such as a float32 array's .sum(), keeps its precision
        if not (isinstance(data, np.ndarray) and data.dtype.kind == "f"):
            data = np.array(data, dtype=dtype or np.float64)
        elif dtype is not None and data.dtype != dtype:
            data = data.astype(dtype)  # a converted copy
        elif copy:
            # Our own copy: an optimizer updates .data in place, and that should
            # not change the array the caller handed in.
            data = data.copy()
        self.data: np.ndarray = data
        self.grad: np.ndarray | None = None  # filled in by backward()
        self.requires_grad = requires_grad
        self.op = op  # the operation that made this node; "" for an input
        self.label = label  # an optional name, shown by repr
        # (parent, backward_fn) for each input that needs a gradient, in the order written.
        # Pairs rather than value.py's two parallel tuples: one fewer zip per node, in the hot loop.
        self._edges = _edges

    # ------------------------------------------------------------------
    # Making tensors and looking at them.
    # ------------------------------------------------------------------

    @classmethod
    def zeros(cls, *shape: int, requires_grad: bool = True, dtype=np.float64) -> Tensor:
        return cls(np.zeros(_shape(shape), dtype), requires_grad, copy=False)

    @classmethod
    def ones(cls, *shape: int, requires_grad: bool = True, dtype=np.float64) -> Tensor:
        return cls(np.ones(_shape(shape), dtype), requires_grad, copy=False)

    @classmethod
    def randn(
        cls,
        *shape: int,
        rng: np.random.Generator | None = None,
        scale: float = 1.0,
        requires_grad: bool = True,
        dtype=np.float64,
    ) -> Tensor:
        """Normal(0, scale**2) entries; pass a seeded `np.random.default_rng(seed)` to repeat a run."""
        rng = rng if rng is not None else np.random.default_rng()
        return cls((rng.standard_normal(_shape(shape)) * scale).astype(dtype, copy=False), requires_grad, copy=False)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    def __len__(self) -> int:
        return len(self.data)

    def item(self) -> float:
        """The value of a one-element tensor as a Python float."""
        return self.data.item()

    def numpy(self) -> np.ndarray:
        """The data as a NumPy array (the array itself, not a copy)."""
        return self.data

    def detach(self) -> Tensor:
        """The same numbers as a new input with no history: gradient stops here."""
        return Tensor(self.data, requires_grad=False, copy=False)

    def __repr__(self) -> str:
        name = f"{self.label}=" if self.label else ""
        body = np.array2string(self.data, precision=4, threshold=20, separator=", ")
        op = f", op={self.op!r}" if self.op else ""
        return f"Tensor({name}{body}{op})"

    # ------------------------------------------------------------------
    # Elementwise arithmetic with broadcasting.
    # ------------------------------------------------------------------

    def __add__(self, other: ArrayLike) -> Tensor:
        other = self._operand(other)
        a, b = self.data, other.data
        # Addition passes the gradient through unchanged (then summed back to each shape).
        return make_node(
            a + b,
            "+",
            (self, lambda g: unbroadcast(g, a.shape)),
            (other, lambda g: unbroadcast(g, b.shape)),
        )

    def __sub__(self, other: ArrayLike) -> Tensor:
        other = self._operand(other)
        a, b = self.data, other.data
        return make_node(
            a - b,
            "-",
            (self, lambda g: unbroadcast(g, a.shape)),
            (other, lambda g: unbroadcast(-g, b.shape)),
        )

    def __mul__(self, other: ArrayLike) -> Tensor:
        other = self._operand(other)
        a, b = self.data, other.data
        # Each factor's gradient is the incoming gradient scaled by the other factor.
        return make_node(
            a * b,
            "*",
            (self, lambda g: unbroadcast(g * b, a.shape)),
            (other, lambda g: unbroadcast(g * a, b.shape)),
        )

    def __truediv__(self, other: ArrayLike) -> Tensor:
        other = self._operand(other)
        a, b = self.data, other.data
        quotient = a / b
        # d(a/b)/da = 1/b and d(a/b)/db = -a/b**2 = -(a/b)/b.
        return make_node(
            quotient,
            "/",
            (self, lambda g: unbroadcast(g / b, a.shape)),
            (other, lambda g: unbroadcast(-g * quotient / b, b.shape)),
        )

    def __pow__(self, exponent: float) -> Tensor:
        if not isinstance(exponent, (int, float)):
            raise TypeError("Tensor ** x needs a plain number x; for a Tensor x write (x * base.log()).exp()")
        x = self.data

        def backward(g: np.ndarray) -> np.ndarray:
            # The power rule, elementwise: d(x**n)/dx = n * x**(n-1). x**0 is the constant 1,
            # so its slope is 0 everywhere, even at x = 0 where the rule would give 0 * inf.
            if exponent == 0:
                return np.zeros_like(g)
            return g * (exponent * x ** (exponent - 1))

        return make_node(x**exponent, f"**{exponent:g}", (self, backward))

    def __neg__(self) -> Tensor:
        return make_node(-self.data, "neg", (self, lambda g: -g))

    # Reflected forms let a number or an array stand on the left: 2 * t, 1 - t, 1 / t.
    def __radd__(self, other: ArrayLike) -> Tensor:
        return self._operand(other) + self

    def __rsub__(self, other: ArrayLike) -> Tensor:
        return self._operand(other) - self

    def __rmul__(self, other: ArrayLike) -> Tensor:
        return self._operand(other) * self

    def __rtruediv__(self, other: ArrayLike) -> Tensor:
        return self._operand(other) / self

    def _operand(self, other: ArrayLike) -> Tensor:
        # The other side of an operation, as a Tensor. Numbers, lists and integer
        # arrays take this tensor's precision: NumPy would otherwise make
        # `float32 array * 0.5-as-an-array` float64, and the whole model with it.
        # A float array the caller made keeps the precision the caller chose.
        if isinstance(other, Tensor):
            return other
        if isinstance(other, np.ndarray) and other.dtype.kind == "f":
            return Tensor(other, requires_grad=False, copy=False)
        return Tensor(np.asarray(other, dtype=self.data.dtype), requires_grad=False, copy=False)

    # ------------------------------------------------------------------
    # Matrix product.
    # ------------------------------------------------------------------

    def __matmul__(self, other: ArrayLike) -> Tensor:
        other = self._operand(other)
        a, b = self.data, other.data
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError("matmul needs arrays of at least one dimension; use * for a scalar")
        # A 1-D operand is a row (on the left) or a column (on the right), as in NumPy;
        # working with the 2-D forms lets one pair of formulas cover every case.
        a2 = a[np.newaxis, :] if a.ndim == 1 else a
        b2 = b[:, np.newaxis] if b.ndim == 1 else b
        out = a2 @ b2
        out_shape = out.shape
        if a.ndim == 1:
            out = out[..., 0, :]
        if b.ndim == 1:
            out = out[..., 0]

        def grad_a(g: np.ndarray) -> np.ndarray:
            # For out = A @ B: dL/dA = dL/dout @ B^T. Batch axes that
            # broadcasting added or stretched are summed back; a 1-D operand
            # gets its 1-D shape back.
            grad = unbroadcast(g.reshape(out_shape) @ _swap_last_two(b2), a2.shape)
            return grad.reshape(a.shape)

        def grad_b(g: np.ndarray) -> np.ndarray:
            # dL/dB = A^T @ dL/dout.
            return unbroadcast(_swap_last_two(a2) @ g.reshape(out_shape), b2.shape).reshape(b.shape)

        return make_node(out, "@", (self, grad_a), (other, grad_b))

    def __rmatmul__(self, other: ArrayLike) -> Tensor:
        return self._operand(other) @ self

    # ------------------------------------------------------------------
    # Reductions.
    # ------------------------------------------------------------------

    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        x = self.data
        # Every input element contributes with slope 1 to its sum: copy the
        # gradient back across the axes that were summed away.
        return make_node(
            x.sum(axis=axis, keepdims=keepdims),
            "sum",
            (self, lambda g: np.broadcast_to(_restore_axes(g, axis, keepdims), x.shape)),
        )

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        x = self.data
        out = x.mean(axis=axis, keepdims=keepdims)
        count = x.size // max(1, np.size(out))  # how many inputs went into each mean
        return make_node(
            out,
            "mean",
            (self, lambda g: np.broadcast_to(_restore_axes(g, axis, keepdims) / count, x.shape)),
        )

    def max(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        x = self.data
        top = x.max(axis=axis, keepdims=True)

        def backward(g: np.ndarray) -> np.ndarray:
            # Only the winning element moved the maximum. If several tie, they share the gradient.
            winners = (x == top).astype(x.dtype)
            share = winners / winners.sum(axis=axis, keepdims=True)
            return share * _restore_axes(g, axis, keepdims)

        out = top if keepdims else np.squeeze(top, axis=axis)  # axis=None squeezes every axis away
        return make_node(out, "max", (self, backward))

    # ------------------------------------------------------------------
    # Changing shape and picking elements.
    # ------------------------------------------------------------------

    def reshape(self, *shape: int) -> Tensor:
        old_shape = self.data.shape
        # Same numbers, new arrangement: the gradient is just put back in the old arrangement.
        return make_node(self.data.reshape(_shape(shape)), "reshape", (self, lambda g: g.reshape(old_shape)))

    def transpose(self, *axes: int) -> Tensor:
        ndim = self.data.ndim
        axes_tuple = tuple(a % ndim for a in _shape(axes)) if axes else tuple(reversed(range(ndim)))
        # Output axis i is input axis axes_tuple[i]; the inverse permutation undoes that.
        inverse = tuple(np.argsort(axes_tuple))
        return make_node(self.data.transpose(axes_tuple), "transpose", (self, lambda g: g.transpose(inverse)))

    def split(self, size: int, axis: int = -1) -> tuple[Tensor, ...]:
        """Cut into pieces of `size` along `axis` (the last piece may be shorter), as torch.split does."""
        length = self.data.shape[axis]
        index = [slice(None)] * self.data.ndim
        pieces = []
        for start in range(0, length, size):
            index[axis] = slice(start, start + size)
            pieces.append(self[tuple(index)])
        return tuple(pieces)

    def astype(self, dtype) -> Tensor:
        """The same numbers in another precision; the gradient comes back in this tensor's precision."""
        own = self.data.dtype
        return make_node(self.data.astype(dtype), "astype", (self, lambda g: g.astype(own)))

    @property
    def T(self) -> Tensor:
        """The axes reversed (a matrix's rows become its columns)."""
        return self.transpose()

    def __getitem__(self, index) -> Tensor:
        index = _plain_index(index)
        x = self.data

        def backward(g: np.ndarray) -> np.ndarray:
            full = np.zeros_like(x)
            if _is_advanced(index):
                # An integer array may pick the same element twice (the same token
                # twice in a batch); np.add.at adds both gradients, where
                # `full[index] += g` would keep only one of them.
                np.add.at(full, index, g)
            else:
                full[index] = g  # slices and ints never repeat an element
            return full

        return make_node(x[index], "index", (self, backward))

    def gather_rows(self, ids: ArrayLike) -> Tensor:
        """Rows of a 2-D table picked by integer ids of any shape: an embedding lookup.

        table.gather_rows(ids) has shape ids.shape + (table.shape[1],).
        """
        ids = np.asarray(ids.data if isinstance(ids, Tensor) else ids)
        if ids.dtype.kind not in "iu":
            raise TypeError(f"gather_rows needs integer ids, got dtype {ids.dtype}; convert with ids.astype(int)")
        table = self.data
        if ids.size and (ids.min() < -len(table) or ids.max() >= len(table)):
            raise IndexError(f"gather_rows: ids run from {ids.min()} to {ids.max()} but the table has {len(table)} rows")

        def backward(g: np.ndarray) -> np.ndarray:
            # Row r's gradient is the sum of the gradients of every position that picked r.
            # Sorting the ids puts equal ids side by side, and np.add.reduceat adds each run
            # of equal ids in one go: the same sums as np.add.at(full, ids, g), four times faster.
            flat_ids = ids.ravel() % len(table)  # negative ids counted from the end, as in indexing
            rows = g.reshape(len(flat_ids), -1)
            order = np.argsort(flat_ids, kind="stable")
            sorted_ids = flat_ids[order]
            starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
            full = np.zeros((len(table), rows.shape[1]), dtype=table.dtype)
            if len(flat_ids):
                full[sorted_ids[starts]] = np.add.reduceat(rows[order], starts, axis=0)
            return full.reshape(table.shape)

        return make_node(table[ids], "gather_rows", (self, backward))

    # ------------------------------------------------------------------
    # Functions applied to every element.
    # ------------------------------------------------------------------

    def exp(self) -> Tensor:
        with np.errstate(over="ignore"):  # e**x past about 709 is inf, as in math
            out = np.exp(self.data)
        # e**x is its own derivative.
        return make_node(out, "exp", (self, lambda g: g * out))

    def log(self) -> Tensor:
        x = self.data
        if np.any(x <= 0):
            raise ValueError(f"log needs positive numbers, got a minimum of {x.min()!r}")
        return make_node(np.log(x), "log", (self, lambda g: g / x))

    def tanh(self) -> Tensor:
        t = np.tanh(self.data)  # stays in [-1, 1] for any input, unlike (e**2x - 1)/(e**2x + 1)
        return make_node(t, "tanh", (self, lambda g: g * (1.0 - t * t)))

    def relu(self) -> Tensor:
        positive = self.data > 0
        # Slope 1 where the input is positive, 0 elsewhere (0 at the kink).
        # np.maximum rather than np.where(positive, x, 0): the same numbers, three times faster.
        return make_node(np.maximum(self.data, 0), "relu", (self, lambda g: g * positive))

    def sigmoid(self) -> Tensor:
        s = stable_sigmoid(self.data)
        return make_node(s, "sigmoid", (self, lambda g: g * s * (1.0 - s)))

    # ------------------------------------------------------------------
    # Walking the graph.
    # ------------------------------------------------------------------

    @property
    def parents(self) -> tuple[Tensor, ...]:
        """The tensors this one was computed from that need a gradient, in the order written."""
        return tuple(parent for parent, _ in self._edges)

    def topological_order(self) -> list[Tensor]:
        """Every node this one depends on, each listed after all of its parents; self is last.

        The same depth-first search with two explicit stacks as
        Value.topological_order: see value.py for why it is written this way.
        """
        order: list[Tensor] = []
        visited: set[Tensor] = set()  # Tensors hash by identity (there is no elementwise __eq__)
        nodes: list[Tensor] = [self]
        parents_done: list[bool] = [False]
        while nodes:
            node = nodes.pop()
            if parents_done.pop():
                order.append(node)
                continue
            if node in visited:
                continue
            visited.add(node)
            nodes.append(node)
            parents_done.append(True)
            for parent, _ in reversed(node._edges):
                if parent not in visited:
                    nodes.append(parent)
                    parents_done.append(False)
        return order

    def backward(self, grad: ArrayLike | None = None) -> None:
        """Fill in `.grad` of every node in the graph with d(self)/d(node).

        For a one-element output leave `grad` out (it is 1). For a bigger output
        pass the gradient of some final number with respect to it, shaped like
        it; the result is then the gradient of that final number.
        Leaves (tensors made by hand, such as parameters) accumulate: this
        pass's gradient is added to what their `.grad` already held, as in
        PyTorch, so a second backward() over the same graph doubles them and
        a training loop calls `zero_grad()` before each backward(). Inner
        nodes hold this pass's gradient only.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() on a tensor that needs no gradient: it was computed under no_grad() "
                "or only from tensors made with requires_grad=False"
            )
        if grad is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() without a gradient needs a one-element output, this one has shape "
                    f"{self.data.shape}; reduce it (e.g. .sum()) or pass grad= of that shape"
                )
            seed = np.ones_like(self.data)
        else:
            seed = np.array(grad.data if isinstance(grad, Tensor) else grad, dtype=self.data.dtype)
            if seed.shape != self.data.shape:
                raise ValueError(f"backward(grad=...) got shape {seed.shape}, the output has shape {self.data.shape}")

        order = self.topological_order()
        # Put the leaves' earlier gradients aside; this pass starts from nothing everywhere,
        # so an inner node never passes on what an earlier pass left in it.
        leaves = [node for node in order if not node._edges]
        earlier = [leaf.grad for leaf in leaves]
        for node in order:
            node.grad = None
        self.grad = seed
        # Arrays this walk made itself by adding, and may therefore add into. The
        # first gradient a node receives is stored as it comes (no array of zeros
        # to add it to: that was a fifth of the time of a training step), but it may
        # be the very array another node holds, so it is never added into.
        own_sums: set[Tensor] = set()
        # Reverse topological order: a node's gradient is complete before it is passed on.
        for node in reversed(order):
            for parent, backward_fn in node._edges:
                # The chain rule, summed over every use of the parent.
                grad = backward_fn(node.grad)
                if parent.grad is None:
                    parent.grad = grad
                elif parent in own_sums:
                    parent.grad += grad
                else:
                    parent.grad = parent.grad + grad
                    own_sums.add(parent)
        for leaf, held in zip(leaves, earlier):
            if held is not None:
                # Accumulate, in place as PyTorch does: the leaf's own array grows by this pass
                # (a new array if the one it held cannot be written, e.g. one a user set).
                if held.flags.writeable and held.shape == leaf.grad.shape:
                    held += leaf.grad
                    leaf.grad = held
                else:
                    leaf.grad = held + leaf.grad
            elif leaf not in own_sums:
                # The learner's to read and the optimizer's to use: an array of the
                # leaf's own, never a view shared with another node.
                leaf.grad = np.array(leaf.grad, dtype=leaf.data.dtype)


# ----------------------------------------------------------------------
# Building blocks shared by tensor.py and functional.py.
# ----------------------------------------------------------------------


def as_tensor(x: ArrayLike) -> Tensor:
    """x itself if it is a Tensor, otherwise a constant (requires_grad=False) holding x."""
    return x if isinstance(x, Tensor) else Tensor(x, requires_grad=False, copy=False)


def make_node(data: np.ndarray, op: str, *inputs: tuple[Tensor, BackwardFn]) -> Tensor:
    """The output of an operation: `data`, made by `op` from (input, backward_fn) pairs.

    Inputs that need no gradient are dropped here, so their backward functions
    never run, and the node's parents are the inputs that remain. Under
    no_grad() nothing is recorded at all.
    """
    if _grad_enabled:
        edges = tuple(pair for pair in inputs if pair[0].requires_grad)
        if edges:
            return Tensor(data, True, copy=False, op=op, _edges=edges)
    return Tensor(data, False, copy=False, op=op)


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum `grad` down to `shape`, undoing NumPy broadcasting.

    An input that broadcasting copied along an axis was used at every position
    of that axis, so its gradient is the sum over the axis.
    """
    if grad.shape == shape:
        return grad
    # Axes that broadcasting added in front.
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    # Axes that were 1 in the input and stretched.
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def stable_sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e**-x) without overflow: e**-|x| is at most 1, whatever x is."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def concatenate(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis; each one gets back its own slice of the gradient."""
    tensors = [as_tensor(t) for t in tensors]
    sizes = [t.data.shape[axis] for t in tensors]
    bounds = np.cumsum([0, *sizes])
    out = np.concatenate([t.data for t in tensors], axis=axis)

    def slice_back(start: int, stop: int) -> BackwardFn:
        index = [slice(None)] * out.ndim
        index[axis] = slice(start, stop)
        return lambda g: g[tuple(index)]

    inputs = [(t, slice_back(bounds[i], bounds[i + 1])) for i, t in enumerate(tensors)]
    return make_node(out, "concatenate", *inputs)


def stack(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Join same-shaped tensors along a new axis; each gets back its own layer of the gradient."""
    tensors = [as_tensor(t) for t in tensors]
    out = np.stack([t.data for t in tensors], axis=axis)

    def take(i: int) -> BackwardFn:
        return lambda g: np.take(g, i, axis=axis)

    return make_node(out, "stack", *[(t, take(i)) for i, t in enumerate(tensors)])


def _shape(shape: tuple) -> tuple[int, ...]:
    # Accept both f(2, 3) and f((2, 3)).
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def _swap_last_two(x: np.ndarray) -> np.ndarray:
    # The transpose of every matrix in a stack of matrices.
    return np.swapaxes(x, -1, -2)


def _restore_axes(g: np.ndarray, axis, keepdims: bool) -> np.ndarray:
    # Put back the reduced axes as length 1, so that g broadcasts against the input.
    if keepdims or axis is None:
        return g  # already broadcasts: kept axes are length 1, a full reduction is a single number
    return np.expand_dims(g, axis)


def _plain_index(index):
    # Tensors and lists used as indices become integer arrays.
    if isinstance(index, tuple):
        return tuple(_plain_index(i) for i in index)
    if isinstance(index, Tensor):
        return index.data.astype(np.int64)
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _is_advanced(index) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(p, np.ndarray) for p in parts)
