"""Module and the layers built on Tensor: Linear, Embedding, LayerNorm, Dropout, activations, Sequential, MLP.

A Module is a piece of a network that owns parameters (Parameters: Tensors
to learn), possibly buffers (arrays it keeps and saves but does not train,
such as a causal mask) and possibly other Modules. Whatever Parameters and
Modules you store as attributes in `__init__` are found by `parameters()` on
their own, so a model is just a class that builds its pieces and says in
`forward` how they connect:

    class TwoLayers(Module):
        def __init__(self):
            super().__init__()
            self.hidden = Linear(64, 32)
            self.out = Linear(32, 10)

        def forward(self, x):
            return self.out(self.hidden(x).relu())

Calling the model, `model(x)`, runs forward. This is PyTorch's nn.Module
contract, names and argument orders included, so a model written here moves
to PyTorch line for line. Phase 2's ScalarNeuron, ScalarLayer and ScalarMLP
(in scalar.py) are the same idea on scalar Values; these work on whole
arrays at once.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from learnpath.nn import functional as F
from learnpath.nn import init
from learnpath.nn.parameter import Parameter
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

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """("dotted.path", module) for this module ("") and every module inside it, depth first."""
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self) -> Iterator[Module]:
        """This module and every module inside it, depth first."""
        for _, module in self.named_modules():
            yield module

    def apply(self, fn) -> Module:
        """Call fn(module) on every module inside, then on this one (PyTorch's order); returns self.

        The way to visit a whole model, e.g. to initialise it: model.apply(init_fn).
        """
        for _, child in self.named_children():
            child.apply(fn)
        fn(self)
        return self

    def register_buffer(self, name: str, tensor: ArrayLike | None, persistent: bool = True) -> None:
        """Keep `tensor` as self.<name>: saved in state_dict() (unless persistent=False), never trained.

        For state that belongs with the model but is not learned, such as a
        causal mask. It becomes a Tensor with requires_grad=False, moves with
        to(dtype), and is left out of parameters().
        """
        if isinstance(tensor, Parameter):
            raise TypeError(f"register_buffer({name!r}): a Parameter is trained; store it as an attribute instead")
        if tensor is not None and (not isinstance(tensor, Tensor) or tensor.requires_grad):
            tensor = Tensor(tensor, requires_grad=False)
        # Kept in the instance's own dict, so a subclass that forgets super().__init__() still works.
        vars(self).setdefault("_buffer_persistent", {})[name] = persistent
        setattr(self, name, tensor)

    def _own_buffers(self, persistent_only: bool = False) -> Iterator[tuple[str, Tensor]]:
        for name, persistent in vars(self).get("_buffer_persistent", {}).items():
            value = getattr(self, name)
            if value is not None and (persistent or not persistent_only):
                yield name, value

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        """("dotted.path", tensor) for every buffer, this module's first, then its children's."""
        for name, tensor in self._own_buffers():
            yield prefix + name, tensor
        for name, child in self.named_children():
            yield from child.named_buffers(f"{prefix}{name}.")

    def buffers(self) -> list[Tensor]:
        return [tensor for _, tensor in self.named_buffers()]

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """("dotted.path.of.parameter", parameter) for every Parameter, each once even if shared.

        Only Parameters count: a plain Tensor cached on a module is not trained.
        """
        seen: set[int] = set()
        for name, tensor in self._all_parameters(prefix):
            if id(tensor) not in seen:  # a tied weight (used in two places) is one parameter
                seen.add(id(tensor))
                yield name, tensor

    def _own_parameters(self) -> Iterator[tuple[str, Parameter]]:
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield name, value

    def _all_parameters(self, prefix: str) -> Iterator[tuple[str, Parameter]]:
        for name, value in self._own_parameters():
            yield prefix + name, value
        for name, child in self.named_children():
            yield from child._all_parameters(f"{prefix}{name}.")

    def parameters(self) -> list[Parameter]:
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
        """Store every parameter and buffer in `dtype` (np.float32 or np.float64) from now on; returns self."""
        # copy=False: already in `dtype`, an array stays itself (an optimizer may hold views of it).
        for p in self.parameters():
            p.data = p.data.astype(dtype, copy=False)
            p.grad = None
        for b in self.buffers():
            b.data = b.data.astype(dtype, copy=False)
        return self

    @property
    def dtype(self) -> np.dtype:
        return self.parameters()[0].dtype

    # --- saving and loading ----------------------------------------------

    def _state_tensors(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        # PyTorch's order and names: each module's parameters, then its persistent
        # buffers, then its children's, every key the dotted path of attribute names.
        # A tied weight appears under each of its names, as in PyTorch.
        for name, p in self._own_parameters():
            yield prefix + name, p
        for name, b in self._own_buffers(persistent_only=True):
            yield prefix + name, b
        for name, child in self.named_children():
            yield from child._state_tensors(f"{prefix}{name}.")

    def state_dict(self) -> dict[str, np.ndarray]:
        """{dotted name: a copy of its array} for every parameter and persistent buffer.

        Everything needed to rebuild the trained model, under the keys PyTorch
        would use for the same attribute names: `torch_model.load_state_dict(
        {k: torch.from_numpy(v) for k, v in model.state_dict().items()})` loads
        it into a PyTorch model built with the same names and shapes.
        """
        return {name: t.data.copy() for name, t in self._state_tensors()}

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        """Copy arrays from `state` into the parameters and buffers of the same names (and shapes)."""
        own = dict(self._state_tensors())
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


def _parameter(shape: tuple[int, ...], dtype) -> Parameter:
    # Filled in by an initialiser right after; np.empty would leave garbage if one were forgotten.
    return Parameter(np.zeros(shape, dtype=dtype), copy=False)


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
        self.weight = Parameter(np.ones(normalized_shape, dtype=dtype), copy=False)
        self.bias = Parameter(np.zeros(normalized_shape, dtype=dtype), copy=False) if bias else None

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
    Phase 2's ScalarMLP(nin, nouts). dropout > 0 adds Dropout after each activation.
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
