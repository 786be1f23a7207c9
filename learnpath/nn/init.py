"""Starting weights: where every parameter's numbers come from before training.

A network must not start with all its weights equal (every neuron of a layer
would compute, and learn, the same thing), and their size matters: too
large and activations grow layer after layer until they saturate; too small
and they shrink towards zero, and so do the gradients. The recipes below pick
the spread from the layer's shape so a signal keeps roughly its size:

- uniform_ / normal_: the spread you ask for.
- xavier_uniform_ / xavier_normal_ (Glorot and Bengio, 2010): variance
  2 / (fan_in + fan_out), for tanh-like activations that are linear near 0.
- kaiming_uniform_ / kaiming_normal_ (He et al., 2015): variance 2 / fan_in,
  twice Xavier's, because ReLU zeroes half its inputs and so halves the variance.
GPT-2's recipe (normal with standard deviation 0.02, the residual
projections scaled down by 1/sqrt(2 * n_layer)) is built from these in
gpt.py, GPT._init_weights, applied to every module with Module.apply, as
nanoGPT does: it needs to know the model's layers, which this file does not.

For a weight of shape (out_features, in_features), fan_in is in_features (the
inputs each output adds up) and fan_out is out_features. The names, and the
trailing underscore that says "changes the tensor in place", are PyTorch's
(torch.nn.init).

Random numbers come from one generator for the whole library, so that
`manual_seed(0)` before building a model gives the same weights every run
(as torch.manual_seed does); every function also takes its own `rng`.
Numbers are drawn in float64 and then stored in the tensor's precision, so a
float32 model and a float64 model built after the same seed hold the same
weights, up to rounding.
"""

from __future__ import annotations

import math

import numpy as np

from learnpath.nn.tensor import Tensor

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Restart the library's random numbers from `seed`: the same seed, the same weights and dropout."""
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def default_generator() -> np.random.Generator:
    """The generator used wherever no `rng` is passed."""
    return _generator


def _fill(tensor: Tensor, numbers: np.ndarray) -> Tensor:
    tensor.data[...] = numbers  # in place, in the tensor's own precision
    return tensor


def _fans(tensor: Tensor) -> tuple[int, int]:
    if tensor.ndim < 2:
        raise ValueError(f"fan_in and fan_out need a weight of at least 2 dimensions, got shape {tensor.shape}")
    receptive = int(np.prod(tensor.shape[2:]))  # 1 for a plain (out, in) matrix
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, rng: np.random.Generator | None = None) -> Tensor:
    """Every entry drawn uniformly from [a, b)."""
    return _fill(tensor, (rng or _generator).uniform(a, b, tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, rng: np.random.Generator | None = None) -> Tensor:
    """Every entry drawn from a normal distribution N(mean, std**2)."""
    return _fill(tensor, mean + std * (rng or _generator).standard_normal(tensor.shape))


def zeros_(tensor: Tensor) -> Tensor:
    return _fill(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    return _fill(tensor, 1.0)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, rng: np.random.Generator | None = None) -> Tensor:
    """Uniform on [-a, a] with a = gain * sqrt(6 / (fan_in + fan_out)): variance 2 / (fan_in + fan_out)."""
    fan_in, fan_out = _fans(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))  # a uniform on [-a, a] has variance a**2 / 3
    return uniform_(tensor, -bound, bound, rng)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, rng: np.random.Generator | None = None) -> Tensor:
    """Normal with standard deviation gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng)


def kaiming_uniform_(tensor: Tensor, mode: str = "fan_in", rng: np.random.Generator | None = None) -> Tensor:
    """He for ReLU layers: uniform on [-a, a] with a = sqrt(6 / fan), variance 2 / fan."""
    bound = math.sqrt(6.0 / _fan(tensor, mode))
    return uniform_(tensor, -bound, bound, rng)


def kaiming_normal_(tensor: Tensor, mode: str = "fan_in", rng: np.random.Generator | None = None) -> Tensor:
    """He for ReLU layers: normal with standard deviation sqrt(2 / fan)."""
    return normal_(tensor, 0.0, math.sqrt(2.0 / _fan(tensor, mode)), rng)


def _fan(tensor: Tensor, mode: str) -> int:
    fan_in, fan_out = _fans(tensor)
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    return fan_in if mode == "fan_in" else fan_out
