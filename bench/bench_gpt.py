"""Benchmark: one training step of a small GPT on the names, learnpath's Tensor against PyTorch on the CPU.

The workload the curriculum's GPT section trains: a GPT with 2 layers, 4
heads, width 64 and block size 16, on batches of 32 names (padded to 16
characters, padding ignored by the loss), one AdamW step per batch. A step
is forward, cross-entropy, backward and the optimizer update.

Six engines run the same steps from the same weights on the same batches:
Tensor in float64 and float32, and two PyTorch twins in float64 and float32
(see tests/nn/torch_twin.py): "stock", built from PyTorch's own
nn.TransformerEncoderLayer blocks, and "nanoGPT", the idiomatic hand-written
GPT (manual causal attention, fused qkv Linear, mask buffer) that loads our
state_dict as it is. The goals are set against the faster of the two. The timings
are interleaved, round after round, and each engine's best round is kept,
so a busy moment on the machine costs every engine alike. NumPy's BLAS and
PyTorch use the same number of threads (--threads, default 1).

The float64 losses of Tensor and PyTorch are compared step by step: they
must agree to 1e-10. Needs torch (pip install torch); without it only the
Tensor rows are printed.

Run:  python bench/bench_gpt.py            (writes nothing)
      python bench/bench_gpt.py --save     (also writes bench/gpt_results.txt)
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def set_threads(n: int) -> None:
    # Must happen before NumPy is imported: OpenBLAS reads these once, at load.
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(n)


CONFIG = dict(n_layer=2, n_head=4, n_embd=64)
BLOCK, BATCH, LR = 16, 32, 1e-3


def batches(steps: int):
    import numpy as np

    from learnpath.nn import CharVocab
    from learnpath.nn.data import load_names, train_dev_test_split
    from learnpath.nn.text import padded_sequences

    train, _, _ = train_dev_test_split(load_names())
    vocab = CharVocab.from_words(train)
    X, Y = padded_sequences(train, vocab)
    assert X.shape[1] == BLOCK
    rng = np.random.default_rng(0)
    picks = [rng.integers(0, len(X), BATCH) for _ in range(steps)]
    return len(vocab), [(X[i], Y[i]) for i in picks]


class TensorEngine:
    def __init__(self, vocab_size: int, dtype):
        import numpy as np

        from learnpath.nn import GPT, AdamW

        self.model = GPT(vocab_size, BLOCK, **CONFIG, rng=np.random.default_rng(1337)).to(dtype)
        self.opt = AdamW(self.model.parameters(), lr=LR)

    def step(self, x, y) -> float:
        from learnpath.nn import cross_entropy

        loss = cross_entropy(self.model(x), y, ignore_index=-100)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return loss.item()


class TorchEngine:
    def __init__(self, tensor_engine: TensorEngine, dtype, style: str):
        import numpy as np
        import torch

        sys.path.insert(0, str(ROOT / "tests" / "nn"))
        from torch_twin import gpt_twin, torch_gpt_from

        self.torch = torch
        ours = tensor_engine.model
        self.model = (gpt_twin if style == "stock" else torch_gpt_from)(ours.to(np.float64))
        self.model.to(dtype)
        ours.to(tensor_engine.model.dtype)
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=LR)

    def step(self, x, y) -> float:
        torch = self.torch
        logits = self.model(torch.from_numpy(x))
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), torch.from_numpy(y).reshape(-1))
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return loss.item()


def main() -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=20, help="steps per timed round")
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args()
    set_threads(args.threads)
    import numpy as np

    sys.path.insert(0, str(ROOT))
    vocab_size, data = batches(args.steps)
    engines: dict[str, object] = {}
    # Each engine built fresh from the same seed: the Tensor models' weights are
    # the same numbers, and the PyTorch models copy them.
    for name, dtype in (("Tensor float64", np.float64), ("Tensor float32", np.float32)):
        engines[name] = TensorEngine(vocab_size, dtype)
    try:
        import torch

        torch.set_num_threads(args.threads)
        for style in ("stock", "nanoGPT"):
            for bits, dtype in (("float64", torch.float64), ("float32", torch.float32)):
                source = TensorEngine(vocab_size, np.float64)
                engines[f"PyTorch {style} {bits}"] = TorchEngine(source, dtype, style)
        torch_version = f"torch {torch.__version__}"
    except ImportError:
        torch_version = "torch not installed: PyTorch rows skipped"

    # The loss check: 10 steps of each float64 engine from the same start.
    check = {name: [e.step(x, y) for x, y in data[:10]] for name, e in engines.items()}
    loss_diff = None
    if "PyTorch stock float64" in check:
        loss_diff = max(
            abs(a - b) for style in ("stock", "nanoGPT")
            for a, b in zip(check["Tensor float64"], check[f"PyTorch {style} float64"])
        )

    best = {name: float("inf") for name in engines}
    for _ in range(args.rounds):
        for name, engine in engines.items():
            start = time.perf_counter()
            for x, y in data:
                engine.step(x, y)
            best[name] = min(best[name], (time.perf_counter() - start) / len(data) * 1000)

    import subprocess

    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    refs = [name for name in best if name.startswith("PyTorch")]
    lines = [
        f"GPT step: {CONFIG['n_layer']} layers, {CONFIG['n_head']} heads, width {CONFIG['n_embd']}, "
        f"block {BLOCK}, batch {BATCH}, names, AdamW",
        f"python {platform.python_version()}, numpy {np.__version__}, {torch_version}, {platform.machine()}, "
        f"{args.threads} thread(s); best of {args.rounds} interleaved rounds of {args.steps} steps",
        f"machine load at the end: {load}",
        "",
        f"{'engine':<24}{'ms/step':>9}" + "".join(f"{'/ ' + r.removeprefix('PyTorch '):>18}" for r in refs),
    ]
    for name, ms in best.items():
        lines.append(f"{name:<24}{ms:>9.2f}" + "".join(f"{ms / best[r]:>17.2f}x" for r in refs))
    if loss_diff is not None:
        fastest64 = min(best["PyTorch stock float64"], best["PyTorch nanoGPT float64"])
        fastest32 = min(best["PyTorch stock float32"], best["PyTorch nanoGPT float32"])
        lines.append("")
        lines.append(f"float64 losses, Tensor vs both PyTorch twins, 10 steps: max |difference| {loss_diff:.2e}")
        lines.append(
            f"Tensor float32 / fastest PyTorch float32: {best['Tensor float32'] / fastest32:.2f}x (goal <= 1.0); "
            f"Tensor float32 / fastest PyTorch float64: {best['Tensor float32'] / fastest64:.2f}x (goal <= 0.6)"
        )
    report = "\n".join(lines)
    if args.save:
        (ROOT / "bench" / "gpt_results.txt").write_text(report + "\n")
    return report


if __name__ == "__main__":
    print(main())
