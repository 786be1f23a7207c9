"""Checks for the 4.4 exercise: your GPT, part by part, against the library's GPT from the same weights.

The library's GPT has the same parameter names as yours, so each check copies
your model's weights into it (after moving the layer norms away from 1 and 0
and the biases away from 0, so that every part shows), and compares values
and gradients. Stand-in models check what your loss and your sampler hand to
a model, and the sampler is compared draw for draw with the library's from
the same random generator.
"""

from __future__ import annotations

import numpy as np

from learnpath.exercises import Mismatch, expect_close, expect_equal, for_all, st, task
from learnpath.nn import GPT as LibraryGPT
from learnpath.nn import AdamW, Block as LibraryBlock, Tensor, clip_grad_norm_
from learnpath.nn import functional as F
from learnpath.nn.sampling import generate as library_generate

VOCAB, BLOCK_SIZE, WIDTH, HEADS = 7, 6, 8, 2


def shaken(module, rng: np.random.Generator):
    """Every parameter moved a little, so that norms are not 1 and 0 and biases not 0."""
    for p in module.parameters():
        p.data += rng.normal(0.0, 0.1, p.shape)
    return module


def twin_models(ex, seed: int, n_layer: int = 1):
    """Your GPT and the library's, holding the same (shaken) weights."""
    rng = np.random.default_rng(seed)
    mine = shaken(ex.GPT(VOCAB, BLOCK_SIZE, n_layer, HEADS, WIDTH, rng=rng), rng)
    library = LibraryGPT(VOCAB, BLOCK_SIZE, n_layer, HEADS, WIDTH, rng=np.random.default_rng(0))
    library.load_state_dict(mine.state_dict())
    return mine, library


def gradients_of(output: Tensor, model, upstream: np.ndarray, extra: list[Tensor] = ()) -> dict[str, np.ndarray]:
    """Every parameter's gradient (and extra tensors') after backward from output with `upstream`."""
    model.zero_grad()
    for t in extra:
        t.grad = None
    output.backward(upstream)
    named = dict(model.named_parameters())
    named.update({f"input {i}": t for i, t in enumerate(extra)})
    return {name: np.zeros(p.shape) if p.grad is None else np.array(p.grad, dtype=float) for name, p in named.items()}


def expect_same_gradients(got: dict, expected: dict, what: str) -> None:
    for name, want in expected.items():
        expect_close(got.get(name, np.zeros_like(want)), want, what=f"the gradient of {name} through {what}")


def expect_tensor(got, what: str) -> None:
    if not isinstance(got, Tensor):
        raise Mismatch(what, expected="a Tensor (so that backward() can pass through it)",
                       got=f"a {type(got).__name__}")


def random_ids(seed: int, batch: int, time: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, VOCAB, (batch, time))


# ----------------------------------------------------------------------
# embeddings


@task("embeddings", "Token plus position embeddings, positions cut to the sequence's length",
      hints=[
          "Two tables: one row per token (wte) and one row per position (wpe). A position's vector is the sum "
          "of its token's row and its position's row.",
          "Broadcasting adds a (time, width) array to every (time, width) slice of a (batch, time, width) one: "
          "no loop over the batch is needed.",
          "A sequence shorter than block_size uses only the first rows of the position table: as many rows as "
          "ids has columns, not block_size.",
      ])
def check_embeddings(ex):
    model = ex.GPT(2, 3, 1, 1, 2, rng=np.random.default_rng(0))
    model.wte.weight.data[...] = [[1.0, 1.0], [2.0, 2.0]]
    model.wpe.weight.data[...] = [[10.0, 0.0], [20.0, 0.0], [30.0, 0.0]]
    what = "embed([[1, 0]]) with wte rows [1, 1], [2, 2] and wpe rows [10, 0], [20, 0], [30, 0]"
    try:
        got = model.embed(np.array([[1, 0]]))
    except ValueError as error:
        raise Mismatch(what + " (2 positions, a position table of 3 rows)",
                       expected="[[[12, 2], [21, 1]]]", got=f"ValueError: {error}") from None
    expect_tensor(got, what)
    expect_close(np.asarray(got.data), np.array([[[12.0, 2.0], [21.0, 1.0]]]), what=what)

    def one_case(seed, batch, time):
        mine, library = twin_models(ex, seed)
        ids = random_ids(seed, batch, time)
        got = mine.embed(ids)
        expected = library.wte(ids) + library.wpe.weight[:time]
        where = f"ids of shape ({batch}, {time}) with block_size {BLOCK_SIZE} (seed {seed})"
        expect_close(np.asarray(got.data), expected.data, what=f"embed for {where}")
        upstream = np.random.default_rng(seed + 1).standard_normal(expected.shape)
        expect_same_gradients(gradients_of(got, mine, upstream), gradients_of(expected, library, upstream),
                              f"embed for {where}")

    for_all(st.integers(0, 10_000), st.integers(1, 3), st.integers(1, BLOCK_SIZE), max_examples=20)(one_case)


# ----------------------------------------------------------------------
# block


@task("block", "The pre-norm block: two residual branches",
      hints=[
          "Pre-norm: each branch normalises what it reads, and its output is added to the un-normalised stream.",
          "The attention branch is norm1 then self_attn; the MLP branch is norm2, linear1, activation, linear2.",
          "The MLP half reads the stream as the attention half left it, not the block's input.",
      ])
def check_block(ex):
    def one_case(seed, batch, time):
        rng = np.random.default_rng(seed)
        mine = shaken(ex.Block(WIDTH, HEADS, rng=rng), rng)
        library = LibraryBlock(WIDTH, HEADS, rng=np.random.default_rng(0))
        library.load_state_dict(mine.state_dict())
        x_mine = Tensor(rng.standard_normal((batch, time, WIDTH)))
        x_library = Tensor(x_mine.data.copy())
        got = mine(x_mine)
        expect_tensor(got, "Block.forward")
        expected = library(x_library)
        where = f"an input of shape ({batch}, {time}, {WIDTH}), {HEADS} heads (seed {seed})"
        expect_close(np.asarray(got.data), expected.data, what=f"Block.forward on {where}")
        upstream = rng.standard_normal(expected.shape)
        expect_same_gradients(gradients_of(got, mine, upstream, [x_mine]),
                              gradients_of(expected, library, upstream, [x_library]), f"Block.forward on {where}")

    for_all(st.integers(0, 10_000), st.integers(1, 2), st.integers(1, 5), max_examples=15)(one_case)


# ----------------------------------------------------------------------
# forward


def _first_wrong_part(ex) -> str | None:
    """'embeddings' or 'block' if that task is wrong on a small case, else None."""
    mine, library = twin_models(ex, 12345)
    ids = random_ids(1, 2, 4)
    try:
        if not np.allclose(np.asarray(mine.embed(ids).data), (library.wte(ids) + library.wpe.weight[:4]).data):
            return "embeddings"
        x = Tensor(np.random.default_rng(2).standard_normal((2, 4, WIDTH)))
        if not np.allclose(np.asarray(mine.blocks[0](x).data), library.blocks[0](x).data):
            return "block"
    except NotImplementedError:
        raise
    except Exception:  # noqa: BLE001 (an error there means that task is wrong)
        return "embeddings"
    return None


@task("forward", "The GPT's forward pass: embeddings, blocks, final norm, head",
      hints=[
          "Start from your embeddings (task embeddings), then let every block transform them, in order.",
          "The head reads the stream through the final layer norm, ln_f.",
          "A sequence longer than block_size has no position vectors: raise ValueError before anything else.",
      ])
def check_forward(ex):
    try:
        _check_forward(ex)
    except Mismatch:
        wrong = _first_wrong_part(ex)
        if wrong is not None:
            raise Mismatch(f"GPT.forward calls your {'embed' if wrong == 'embeddings' else 'Block.forward'}, "
                           f"which is wrong: fix task {wrong} first", expected=f"task {wrong} passing",
                           got="a wrong result on a small case") from None
        raise


def _check_forward(ex):
    def one_case(seed, batch, time, n_layer):
        mine, library = twin_models(ex, seed, n_layer)
        ids = random_ids(seed, batch, time)
        try:
            got = mine(ids)
        except ValueError as error:
            raise Mismatch(f"GPT.forward on ids of shape ({batch}, {time}) with block_size {BLOCK_SIZE}",
                           expected=f"logits of shape ({batch}, {time}, {VOCAB}): up to block_size tokens fit",
                           got=f"ValueError: {error}") from None
        expect_tensor(got, "GPT.forward")
        expected = library(ids)
        where = f"ids of shape ({batch}, {time}), {n_layer} block(s) (seed {seed})"
        expect_close(np.asarray(got.data), expected.data, what=f"the logits of GPT.forward for {where}")
        upstream = np.random.default_rng(seed + 1).standard_normal(expected.shape)
        expect_same_gradients(gradients_of(got, mine, upstream), gradients_of(expected, library, upstream),
                              f"GPT.forward for {where}")

    for_all(st.integers(0, 10_000), st.integers(1, 2), st.integers(1, BLOCK_SIZE), st.integers(1, 2),
            max_examples=12)(one_case)

    mine, _ = twin_models(ex, 3)
    try:
        logits = mine(random_ids(3, 1, BLOCK_SIZE + 1))
    except (ValueError, IndexError):
        pass
    else:
        raise Mismatch(f"GPT.forward on {BLOCK_SIZE + 1} tokens with block_size {BLOCK_SIZE}",
                       expected="a ValueError (there is no position vector for the last token)",
                       got=f"no error, and logits of shape {getattr(logits, 'shape', None)}")


# ----------------------------------------------------------------------
# loss


def _name_rows(lengths: list[int], seed: int, width: int | None = None) -> np.ndarray:
    """Rows of: end, `length` random letters (ids 1..VOCAB-1), end, then PAD to a common width."""
    rng = np.random.default_rng(seed)
    width = width or max(lengths) + 2
    rows = np.full((len(lengths), width), -1, dtype=np.int64)
    for r, n in enumerate(lengths):
        rows[r, : n + 2] = [0, *rng.integers(1, VOCAB, n), 0]
    return rows


def _library_loss(model, rows: np.ndarray) -> Tensor:
    inputs = np.where(rows[:, :-1] < 0, 0, rows[:, :-1])
    targets = np.where(rows[:, 1:] < 0, -100, rows[:, 1:])
    return F.cross_entropy(model(inputs), targets, ignore_index=-100)


class StandIn:
    """What a stand-in model shares with a real one besides being called: the train/eval switches."""

    training = False

    def eval(self):
        return self

    def train(self, mode: bool = True):
        return self


class InputWatcher(StandIn):
    """A stand-in model: remembers what it was given, refuses ids outside the vocabulary."""

    block_size = 32

    def __init__(self, model):
        self.model, self.seen = model, []

    def __call__(self, ids):
        ids = np.asarray(ids)
        self.seen.append(ids.copy())
        if ids.min() < 0 or ids.max() >= VOCAB:
            raise Mismatch("the ids next_token_loss gave the model", expected=f"ids from 0 to {VOCAB - 1} only "
                           "(PAD is not a token: replace it in the inputs)", got=ids)
        return self.model(ids)


@task("loss", "The loss on the next token, padding left out",
      hints=[
          "Position t of the inputs is scored on the token at t + 1: the inputs drop a row's last column, "
          "the targets its first.",
          "F.cross_entropy has an ignore_index argument: a target equal to it adds nothing to the mean.",
          "The model must not see PAD: replace it in the inputs by a real token (which one does not matter: "
          "padding comes after every real position, and attention is causal).",
      ])
def check_loss(ex):
    rng = np.random.default_rng(0)
    library = shaken(LibraryGPT(VOCAB, 32, 1, HEADS, WIDTH, rng=rng), rng)
    cases = [([4], 0, None), ([1, 4, 2], 1, None), ([3, 3], 2, 9), ([0, 5], 3, None), ([2, 6, 1, 4], 4, 12)]
    for lengths, seed, width in cases:
        rows = _name_rows(lengths, seed, width)
        original = rows.copy()
        watcher = InputWatcher(library)
        got = ex.next_token_loss(watcher, rows)
        expect_tensor(got, "next_token_loss")
        expected = _library_loss(library, original)
        what = (f"next_token_loss on rows {original.tolist()} (PAD = -1; names of {lengths} letters, "
                f"{sum(n + 1 for n in lengths)} predictions scored)")
        expect_close(got.item(), expected.item(), what=what)
        expect_equal(original.tolist(), rows.tolist(), what=f"the caller's rows after next_token_loss ({what})")
        if len(watcher.seen) != 1 or watcher.seen[0].shape != (rows.shape[0], rows.shape[1] - 1):
            raise Mismatch(f"what the model was given by {what}",
                           expected=f"one call with ids of shape {(rows.shape[0], rows.shape[1] - 1)}",
                           got=[s.shape for s in watcher.seen])
        real = original[:, :-1] >= 0
        expect_equal(watcher.seen[0][real].tolist(), original[:, :-1][real].tolist(),
                     what=f"the real (not PAD) input tokens the model was given by {what}")
        upstream = np.ones(())
        expect_same_gradients(gradients_of(got, library, upstream), gradients_of(expected, library, upstream), what)


# ----------------------------------------------------------------------
# train-step


def _right_step(model, optimizer, rows, max_norm):
    optimizer.zero_grad()
    loss = _library_loss(model, rows)
    loss.backward()
    clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item()


@task("train-step", "One training step: zero, backward, clip, step",
      hints=[
          "Gradients add up across backward() calls: clear them first, with the optimizer.",
          "The loss is task loss's, on the whole batch; backward() from it fills every parameter's .grad.",
          "Clipping comes between backward() and the optimizer's step, over all the model's parameters at once "
          "(the library's clip_grad_norm_ is imported at the top). Then return the loss as a plain float.",
      ])
def check_train_step(ex):
    rows = _name_rows([3, 1, 5, 2], 7)
    probe = LibraryGPT(VOCAB, 32, 1, HEADS, WIDTH, rng=np.random.default_rng(1))
    try:
        their_loss = ex.next_token_loss(probe, rows).item()
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001
        their_loss = f"an error: {error}"
    if not isinstance(their_loss, float) or not np.isclose(their_loss, _library_loss(probe, rows).item()):
        raise Mismatch("train_step calls your next_token_loss, which is wrong: fix task loss first",
                       expected=_library_loss(probe, rows).item(), got=their_loss)

    for max_norm, seed in ((0.05, 1), (100.0, 2)):
        mine = LibraryGPT(VOCAB, 32, 1, HEADS, WIDTH, rng=np.random.default_rng(seed))
        right = LibraryGPT(VOCAB, 32, 1, HEADS, WIDTH, rng=np.random.default_rng(seed))
        my_optimizer = AdamW(mine.parameters(), lr=0.01, weight_decay=0.01)
        right_optimizer = AdamW(right.parameters(), lr=0.01, weight_decay=0.01)
        # Gradients left from something else: a step must not use them.
        for p, q in zip(mine.parameters(), right.parameters()):
            p.grad = np.full(p.shape, 3.0, dtype=p.dtype)
            q.grad = np.full(q.shape, 3.0, dtype=q.dtype)
        for step in range(3):
            batch = _name_rows([3, 1, 5, 2], 10 * seed + step)
            got = ex.train_step(mine, my_optimizer, batch, max_norm)
            expected = _right_step(right, right_optimizer, batch, max_norm)
            what = (f"train_step number {step + 1} with max_norm {max_norm} (AdamW, lr 0.01, weight decay 0.01; "
                    "before the first step every .grad held 3.0, left over from an earlier backward())")
            if not isinstance(got, float):
                raise Mismatch(f"what {what} returns", expected="the loss as a plain Python float",
                               got=f"a {type(got).__name__}")
            expect_close(got, expected, what=f"the loss returned by {what}")
            for (name, p), q in zip(mine.named_parameters(), right.parameters()):
                expect_close(p.data, q.data, what=f"{name} after {what}", rel=1e-7, abs=1e-9)


# ----------------------------------------------------------------------
# generate


class ScoreTable(StandIn):
    """A stand-in model: the next token's logits depend on the last two tokens, and it refuses too long a context."""

    def __init__(self, seed: int, block_size: int, vocab: int = 6, scale: float = 2.0):
        rng = np.random.default_rng(seed)
        self.block_size, self.vocab = block_size, vocab
        self.table = scale * rng.standard_normal((vocab, vocab, vocab))
        self.lengths: list[int] = []

    def __call__(self, ids):
        ids = np.asarray(ids)
        if ids.shape[1] > self.block_size:
            raise ValueError(f"a context of {ids.shape[1]} tokens is longer than block_size={self.block_size}")
        self.lengths.append(ids.shape[1])
        before = ids[:, -2] if ids.shape[1] > 1 else np.zeros(len(ids), dtype=int)
        logits = self.table[before[:, None], ids]  # (batch, time, vocab): position t scored from tokens t-1, t
        logits[:, :-1] = 0.0
        logits[:, -1] = self.table[before, ids[:, -1]]
        return Tensor(logits, requires_grad=False)


@task("generate", "Sampling: crop, temperature, top-k, softmax, draw, stop",
      hints=[
          "Each new token: the model reads the last block_size tokens of every row, and only its last "
          "position's scores matter.",
          "Temperature divides the scores before the softmax; top_k keeps the scores at or above each row's "
          "k-th largest and rules out the rest (-inf). Subtract each row's largest score before exponentiating.",
          "One call of draw(probs, rng) per new token, for every row. Rows that drew stop_token keep getting "
          "stop_token; stop once every row has.",
      ])
def check_generate(ex):
    cases = [
        # seed, rows, start length, new tokens, block size, temperature, top_k, stop_token, scale
        (1, 4, 1, 12, 4, 1.0, None, None, 2.0),
        (2, 3, 2, 10, 3, 0.5, None, None, 2.0),
        (3, 5, 1, 10, 5, 2.0, None, None, 2.0),
        (4, 4, 3, 9, 4, 1.0, 3, None, 2.0),
        (5, 4, 1, 9, 6, 0.7, 2, None, 2.0),
        (6, 6, 1, 15, 3, 1.0, None, 0, 2.0),
        (7, 5, 2, 20, 4, 1.0, 4, 0, 2.0),
        (8, 4, 1, 8, 4, 1.0, None, None, 1000.0),
        (9, 3, 1, 8, 4, 1.0, 1, None, 2.0),
    ]
    for seed, rows, start, new, block_size, temperature, top_k, stop, scale in cases:
        model = ScoreTable(seed, block_size, scale=scale)
        ids = np.random.default_rng(seed).integers(1, model.vocab, (rows, start))
        original = ids.copy()
        expected = library_generate(ScoreTable(seed, block_size, scale=scale), ids.copy(), new, block_size,
                                    temperature, top_k, rng=np.random.default_rng(100 + seed), stop_token=stop)
        what = (f"generate on {rows} rows starting {original.tolist()}, {new} new tokens, block_size {block_size}, "
                f"temperature {temperature}, top_k {top_k}, stop_token {stop}"
                + (f", logits of size about {scale:g}" if scale > 10 else "")
                + f" (a stand-in model; rng = np.random.default_rng({100 + seed}))")
        try:
            got = ex.generate(model, ids, new, temperature, top_k, rng=np.random.default_rng(100 + seed),
                              stop_token=stop)
        except ValueError as error:
            if "longer than block_size" not in str(error):
                raise
            raise Mismatch(f"the context generate gave the model, in {what}",
                           expected=f"at most the last {block_size} tokens of each row", got=str(error)) from None
        expect_equal(original.tolist(), ids.tolist(), what=f"the caller's ids after {what}")
        got = np.asarray(got)
        if got.shape != expected.shape:
            raise Mismatch(what, expected=f"an array of shape {expected.shape}", got=f"an array of shape {got.shape}")
        expect_equal(got.tolist(), expected.tolist(), what=what)
        if max(model.lengths) > block_size:
            raise Mismatch(f"the longest context the model was given by {what}", expected=block_size,
                           got=max(model.lengths))

    # Across many draws the frequencies follow softmax(logits / temperature).
    class TwoTokens(StandIn):
        block_size = 1

        def __call__(self, ids):
            return Tensor(np.tile([0.0, np.log(3.0)], (len(ids), np.asarray(ids).shape[1], 1)), requires_grad=False)

    for temperature, share in ((1.0, 0.75), (0.5, 0.9)):
        out = np.asarray(ex.generate(TwoTokens(), np.zeros((2000, 1), dtype=int), 1, temperature,
                                     rng=np.random.default_rng(0)))
        got_share = float((out[:, 1] == 1).mean())
        if abs(got_share - share) > 0.03:
            raise Mismatch(f"the share of token 1 in 2,000 draws from logits [0, ln 3] at temperature {temperature}",
                           expected=share, got=got_share)
