"""Module and the layers built on Tensor: Linear, Embedding, LayerNorm, Dropout, activations, Sequential, MLP.

A Module is a piece of a network that owns parameters (Tensors to learn) and
possibly other Modules. Whatever Tensors and Modules you store as attributes
in `__init__` are found by `parameters()` on their own, so a model is just
a class that builds its pieces and says in `forward` how they connect:

    class TwoLayers(Module):
        def __init__(self):
            super().__init__()
            self.hidden = Linear(64, 32)
            self.out = Linear(32, 10)

        def forward(self, x):
            return self.out(self.hidden(x).relu())

Calling the model, `model(x)`, runs forward. This is PyTorch's nn.Module
contract, names and argument orders included, so a model written here moves
to PyTorch line for line. Phase 2's Neuron, Layer and MLP (in modules.py)
are the same idea on scalar Values; these work on whole arrays at once.

Two names exist in both places. `learnpath.nn.Module` is this Tensor Module
and the Tensor MLP is `learnpath.nn.layers.MLP`; `learnpath.nn.MLP` stays
Phase 2's scalar MLP, and its base class is `learnpath.nn.modules.Module`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from learnpath.nn import functional as F
from learnpath.nn import init
from learnpath.nn.tensor import ArrayLike, Tensor


class Module:
    """The base of every layer and model: finds its parameters, switches train/eval, saves and loads."""

    training: bool = True  # a class default, so a subclass that forgets super().__init__() still works

    def __init__(self) -> None:
        self.training = True

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    # --- what the module holds -----------------------------------------

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The modules stored directly as attributes (a list of modules counts, item by item)."""
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, (list, tuple)) and value and all(isinstance(m, Module) for m in value):
                for i, module in enumerate(value):
                    yield f"{name}.{i}", module

    def modules(self) -> Iterator[Module]:
        """This module and every module inside it, depth first."""
        yield self
        for _, child in self.named_children():
            yield from child.modules()

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        """("name.of.parameter", tensor) for every trainable tensor, each once even if shared."""
        seen: set[int] = set()
        for name, tensor in self._all_parameters(prefix):
            if id(tensor) not in seen:  # a tied weight (used in two places) is one parameter
                seen.add(id(tensor))
                yield name, tensor

    def _all_parameters(self, prefix: str) -> Iterator[tuple[str, Tensor]]:
        for name, value in vars(self).items():
            if isinstance(value, Tensor) and value.requires_grad:
                yield prefix + name, value
        for name, child in self.named_children():
            yield from child._all_parameters(f"{prefix}{name}.")

    def parameters(self) -> list[Tensor]:
        return [tensor for _, tensor in self.named_parameters()]

    def num_parameters(self) -> int:
        """How many numbers training adjusts."""
        return sum(p.size for p in self.parameters())

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's gradient; call it before each backward(), which adds into them.

        None by default, as PyTorch's default set_to_none=True: no array of
        zeros to fill and then add to (the next backward() stores its own
        array), and an optimizer skips a parameter whose gradient is None, so
        a parameter the next loss does not reach is left alone instead of
        being moved by momentum on a gradient of zero. set_to_none=False
        fills the existing arrays with zeros instead.
        """
        for p in self.parameters():
            if set_to_none or p.grad is None:
                p.grad = None
            else:
                p.grad[...] = 0.0

    # --- modes and precision -------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active), here and in every module inside; returns self."""
        for module in self.modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Evaluation mode: dropout off. Same as train(False)."""
        return self.train(False)

    def to(self, dtype) -> Module:
        """Store every parameter in `dtype` (np.float32 or np.float64) from now on; returns self."""
        for p in self.parameters():
            p.data = p.data.astype(dtype)
            p.grad = None
        return self

    @property
    def dtype(self) -> np.dtype:
        return self.parameters()[0].dtype

    # --- saving and loading ----------------------------------------------

    def state_dict(self) -> dict[str, np.ndarray]:
        """{parameter name: a copy of its array}: everything needed to rebuild the trained model."""
        return {name: p.data.copy() for name, p in self.named_parameters()}

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        """Copy arrays from `state` into the parameters of the same names (and shapes)."""
        own = dict(self.named_parameters())
        missing, unexpected = own.keys() - state.keys(), state.keys() - own.keys()
        if missing or unexpected:
            raise KeyError(
                f"load_state_dict: missing {sorted(missing) or 'nothing'}, unexpected {sorted(unexpected) or 'nothing'}; "
                "was the state saved from a model built with the same sizes?"
            )
        for name, p in own.items():
            array = np.asarray(state[name])
            if array.shape != p.shape:
                raise ValueError(f"load_state_dict: {name} has shape {array.shape} in the file but {p.shape} in the model")
        for name, p in own.items():
            p.data[...] = state[name]

    def save(self, path: str | Path) -> None:
        """Write state_dict() to a NumPy .npz file."""
        np.savez(path, **self.state_dict())

    def load(self, path: str | Path) -> None:
        """Read parameters written by save() (from a model built with the same sizes)."""
        try:
            with np.load(path) as archive:
                self.load_state_dict(dict(archive))
        except (OSError, ValueError) as error:
            raise ValueError(f"{path}: cannot be read as saved parameters ({error}); write it with model.save(path)") from None

    # --- printing --------------------------------------------------------

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        children = list(self.named_children())
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not children:
            return head + ")"
        lines = [head]
        for name, child in children:
            lines.append("  " + f"({name}): {child!r}".replace("\n", "\n  "))
        return "\n".join(lines) + "\n)"


def _parameter(shape: tuple[int, ...], dtype) -> Tensor:
    # Filled in by an initialiser right after; np.empty would leave garbage if one were forgotten.
    return Tensor(np.zeros(shape, dtype=dtype), copy=False)


class Linear(Module):
    """y = x @ weight.T + bias, weight of shape (out_features, in_features), as PyTorch stores it.

    Starting weights and biases are uniform on +-1/sqrt(in_features), PyTorch's default.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, *, dtype=np.float64, rng=None) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1.0 / math.sqrt(in_features)
        self.weight = init.uniform_(_parameter((out_features, in_features), dtype), -bound, bound, rng)
        self.bias = init.uniform_(_parameter((out_features,), dtype), -bound, bound, rng) if bias else None

    def forward(self, x: ArrayLike) -> Tensor:
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Embedding(Module):
    """A table of learned vectors, one row per id: embedding(ids) has shape ids.shape + (embedding_dim,).

    Rows start N(0, 1), PyTorch's default.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, *, dtype=np.float64, rng=None) -> None:
        super().__init__()
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.weight = init.normal_(_parameter((num_embeddings, embedding_dim), dtype), 0.0, 1.0, rng)

    def forward(self, ids: ArrayLike) -> Tensor:
        return F.embedding(ids, self.weight)

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"


class LayerNorm(Module):
    """Each vector along the last axis normalized to mean 0, variance 1, then * weight + bias (start 1 and 0)."""

    def __init__(self, normalized_shape: int, eps: float = 1e-5, bias: bool = True, *, dtype=np.float64) -> None:
        super().__init__()
        self.normalized_shape, self.eps = normalized_shape, eps
        self.weight = Tensor(np.ones(normalized_shape, dtype=dtype), copy=False)
        self.bias = Tensor(np.zeros(normalized_shape, dtype=dtype), copy=False) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}"


class Dropout(Module):
    """In training, zero each entry with probability p and scale the rest by 1/(1-p); in eval, pass x through."""

    def __init__(self, p: float = 0.5, *, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"Dropout probability must be in [0, 1), got {p!r}")
        self.p, self.rng = p, rng

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.rng or init.default_generator(), self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class ReLU(Module):
    def forward(self, x: Tensor) -> Tensor:
        return x.relu()


class Tanh(Module):
    def forward(self, x: Tensor) -> Tensor:
        return x.tanh()


class GELU(Module):
    """GELU in the tanh form of GPT-2 (PyTorch: nn.GELU(approximate="tanh")); see functional.gelu."""

    def forward(self, x: Tensor) -> Tensor:
        return F.gelu(x)


class Sequential(Module):
    """Modules applied one after another: Sequential(Linear(2, 8), ReLU(), Linear(8, 1))."""

    def __init__(self, *layers: Module) -> None:
        super().__init__()
        self.layers = list(layers)

    def named_children(self) -> Iterator[tuple[str, Module]]:
        # Named "0", "1", ... as in PyTorch, so a state_dict reads "0.weight".
        for i, layer in enumerate(self.layers):
            yield str(i), layer

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def __getitem__(self, i: int) -> Module:
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)


class MLP(Sequential):
    """A multi-layer perceptron on Tensors: Linear layers of the given sizes, an activation between them.

    MLP(64, [32, 10]) is Linear(64, 32), ReLU(), Linear(32, 10): the last layer
    stays linear (its outputs are logits or a number). Same sizes convention as
    Phase 2's scalar MLP(nin, nouts). dropout > 0 adds Dropout after each activation.
    """

    def __init__(
        self,
        in_features: int,
        layer_sizes: Sequence[int],
        activation: type[Module] = ReLU,
        dropout: float = 0.0,
        *,
        dtype=np.float64,
        rng=None,
    ) -> None:
        if len(layer_sizes) == 0:
            raise ValueError("MLP needs at least one layer size, e.g. MLP(64, [32, 10])")
        sizes = [in_features, *layer_sizes]
        layers: list[Module] = []
        for i in range(len(layer_sizes)):
            layers.append(Linear(sizes[i], sizes[i + 1], dtype=dtype, rng=rng))
            if i < len(layer_sizes) - 1:
                layers.append(activation())
                if dropout > 0.0:
                    layers.append(Dropout(dropout, rng=rng))
        super().__init__(*layers)
