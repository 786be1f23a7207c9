"""Parameters and buffers: what a Module trains, what it saves, the names it saves them under, and apply()."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from learnpath.nn import GPT, Linear, Module, Tensor
from learnpath.nn.parameter import Parameter

NN = Path(__file__).resolve().parents[2] / "learnpath" / "nn"


class Scaled(Module):
    """A Linear, a cached plain Tensor, a Parameter of its own and a buffer."""

    def __init__(self):
        super().__init__()
        self.scale = Parameter(np.array([2.0]))
        self.layer = Linear(3, 2, rng=np.random.default_rng(0))
        self.cache = Tensor(np.ones(3))  # requires_grad=True, but not a Parameter: not trained
        self.register_buffer("offset", np.array([0.5, -0.5]))

    def forward(self, x):
        return self.layer(x) * self.scale + self.offset


def test_only_parameters_are_trained_and_a_cached_tensor_is_not():
    """parameters() lists Parameters alone (own first, then children's), never a cached Tensor or a buffer."""
    model = Scaled()
    assert [n for n, _ in model.named_parameters()] == ["scale", "layer.weight", "layer.bias"]
    assert all(isinstance(p, Parameter) for p in model.parameters())
    assert not any(p is model.cache for p in model.parameters())
    assert [n for n, _ in model.named_buffers()] == ["offset"]
    assert model.offset.requires_grad is False


def test_state_dict_holds_parameters_and_persistent_buffers_under_dotted_names():
    """state_dict: each module's parameters, then its buffers, then its children's, keyed by attribute path; non-persistent buffers stay out."""
    model = Scaled()
    model.register_buffer("scratch", np.zeros(2), persistent=False)
    assert list(model.state_dict()) == ["scale", "offset", "layer.weight", "layer.bias"]
    assert [n for n, _ in model.named_buffers()] == ["offset", "scratch"]
    gpt = GPT(vocab_size=11, block_size=6, n_layer=2, n_head=2, n_embd=8, rng=np.random.default_rng(0))
    keys = list(gpt.state_dict())
    assert "blocks.1.self_attn.in_proj.weight" in keys and "blocks.0.self_attn.mask" in keys
    # self_attn's own buffer comes before its children's parameters, as in PyTorch.
    assert keys.index("blocks.0.self_attn.mask") < keys.index("blocks.0.self_attn.in_proj.weight")
    assert "blocks.0.self_attn.mask" not in dict(gpt.named_parameters())


def test_load_state_dict_round_trip_restores_parameters_and_buffers():
    """A state_dict loaded into a fresh model of the same sizes gives the same outputs; a missing key is named."""
    model, other = Scaled(), Scaled()
    model.scale.data[...] = 3.0
    model.offset.data[...] = [1.0, 2.0]
    other.load_state_dict(model.state_dict())
    x = np.random.default_rng(1).normal(size=(4, 3))
    np.testing.assert_array_equal(other(x).data, model(x).data)
    state = model.state_dict()
    del state["offset"]
    with pytest.raises(KeyError, match="offset"):
        other.load_state_dict(state)


def test_a_buffer_follows_to_dtype_and_cannot_be_a_parameter():
    """to(float32) converts buffers too; registering a Parameter as a buffer is refused."""
    model = Scaled().to(np.float32)
    assert model.offset.dtype == np.float32
    with pytest.raises(TypeError, match="Parameter"):
        model.register_buffer("bad", Parameter(np.zeros(1)))


def test_the_causal_mask_is_a_buffer_that_masks():
    """GPT's attention keeps a lower-triangular mask buffer; changing a later token leaves earlier logits alone."""
    gpt = GPT(vocab_size=11, block_size=6, n_layer=1, n_head=2, n_embd=8, rng=np.random.default_rng(0))
    mask = gpt.blocks[0].self_attn.mask
    np.testing.assert_array_equal(mask.data, np.tril(np.ones((6, 6))))
    a = gpt(np.array([[1, 2, 3, 4]])).data
    b = gpt(np.array([[1, 2, 3, 9]])).data
    np.testing.assert_array_equal(a[:, :3], b[:, :3])
    assert not np.allclose(a[:, 3], b[:, 3])


def test_apply_visits_children_before_the_parent_and_returns_the_module():
    """apply(fn) calls fn on every module, children first and the module itself last, as PyTorch does."""
    model = Scaled()
    seen = []
    assert model.apply(lambda m: seen.append(type(m).__name__)) is model
    assert seen == ["Linear", "Scaled"]
    assert [name for name, _ in model.named_modules()] == ["", "layer"]


def test_gpt_init_scales_the_residual_projections_by_name_without_marking_linear():
    """GPT's residual projections start at 0.02/sqrt(2 n_layer), the rest at 0.02; no Linear carries a marker attribute."""
    gpt = GPT(vocab_size=50, block_size=32, n_layer=4, n_head=4, n_embd=64, rng=np.random.default_rng(0))
    for name, p in gpt.named_parameters():
        if name.endswith(("self_attn.out_proj.weight", "linear2.weight")):
            assert abs(p.data.std() - 0.02 / np.sqrt(8)) < 0.0005, name
        elif name.endswith("weight") and "norm" not in name and "ln_f" not in name:
            assert abs(p.data.std() - 0.02) < 0.002, name
    for module in gpt.modules():
        if isinstance(module, Linear):
            assert set(vars(module)) <= {"training", "in_features", "out_features", "weight", "bias"}


def _imports(path: Path) -> set[str]:
    # Every learnpath.nn module this file imports, at the top or inside a function.
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("learnpath.nn"):
            if node.module == "learnpath.nn":
                names |= {alias.name for alias in node.names if (NN / f"{alias.name}.py").exists()}
            else:
                names.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            names |= {a.name.split(".")[2] for a in node.names if a.name.startswith("learnpath.nn.")}
    return names


def test_no_two_files_of_nn_import_each_other_even_through_a_third():
    """The import graph of learnpath/nn (function-level imports included, __init__'s lazy table aside) has no cycle."""
    graph = {p.stem: _imports(p) - {p.stem} for p in NN.glob("*.py") if p.stem != "__init__"}
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            assert state.get(target) != "open", f"import cycle: {' -> '.join([*path, target])}"
            if target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
