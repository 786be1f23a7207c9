"""Runs a section's experiment.py in a child process, and cleans up after it.

The experiment runs under the same Python as the tool, inside its own folder,
with its output streamed to the terminal as it is printed. It gets a process
group of its own, so whatever it starts (a worker, a plotting helper) can be
stopped together with it: on a timeout, on Ctrl-C, or when it exits and leaves
something behind. Its own group also means a Ctrl-C at the terminal reaches
only the tool, which then stops the experiment and says so, instead of both
racing to print tracebacks.

A process group is not enough on its own: a helper that calls `setsid` leaves
the group, and if its parent exits it is adopted by init, out of sight. So on
Linux the tool first makes itself a "child subreaper" (prctl
PR_SET_CHILD_SUBREAPER): orphans of the experiment's tree are then adopted by
the tool instead of init, and the stop walks every process descended from the
tool that the run created, in or out of the group, and kills it. Where that is
not possible (another system, or prctl refused), the result says honestly
that a helper which left the process group may still be running.

Only scripts inside the curriculum folder are run, checked after following
symlinks, so a crafted id or link can't make the tool run an arbitrary file.
"""

from __future__ import annotations

import contextlib
import os
import signal
import site
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from learnpath.errors import CatalogError

# how long an experiment may take to stop after SIGTERM before it gets SIGKILL
STOP_GRACE_SECONDS = 2.0


class RunOutcome(Enum):
    SUCCEEDED = "succeeded"  # exit code 0
    FAILED = "failed"  # any other exit code, or killed by a signal we didn't send
    TIMED_OUT = "timed out"  # still running when the time ran out; stopped
    INTERRUPTED = "interrupted"  # Ctrl-C (or SIGTERM, SIGHUP) in the tool; stopped


@dataclass(frozen=True)
class RunResult:
    outcome: RunOutcome
    # the child's exit code; a death by signal N is reported as 128 + N, as a shell does.
    # None when the tool stopped the child itself (TIMED_OUT, INTERRUPTED)
    exit_code: int | None
    seconds: float  # wall time from start to stop
    output: str | None  # stdout and stderr together, when run with capture=True
    # None when every process the run started is known to be gone; otherwise what may be left
    may_survive: str | None = None


def run_script(
    script: Path | str,
    *,
    curriculum: Path | str,
    timeout: float = 120.0,
    capture: bool = False,
    args: Sequence[str] = (),
    env: dict[str, str] | None = None,
    keyboard: bool = False,
) -> RunResult:
    """Run `script` and wait for it, at most `timeout` seconds.

    `args` are passed to the script (its sys.argv[1:]) and `env` added to its
    environment. With `keyboard` (`learnpath run --pause`) the experiment reads
    the tool's stdin, so the learner can press Enter between its steps.

    Output goes straight to the terminal, unless `capture` is set: then stdout
    and stderr are collected together, in the order printed, into `.output`.
    Ctrl-C while waiting (or SIGTERM, or the terminal closing) stops the
    experiment and returns INTERRUPTED rather than raising. Without `keyboard`
    the experiment never reads the terminal: its stdin is empty, so it can't hang on input().
    """
    script = inside_curriculum(Path(script), Path(curriculum))
    return run_child(
        [sys.executable, str(script), *args], cwd=script.parent, timeout=timeout, capture=capture,
        env=env, keyboard=keyboard,
        what="the experiment", fix="Check that the section folder and experiment.py can be read",
    )


def run_child(
    argv: list[str],
    *,
    cwd: Path,
    timeout: float,
    capture: bool = False,
    output_limit: int | None = None,
    env: dict[str, str] | None = None,
    keyboard: bool = False,
    what: str = "the child process",
    fix: str = "Check that the section folder can be read",
) -> RunResult:
    """Run `argv` in `cwd` under the rules above: own process group, timeout, clean stop.

    This is the machinery shared by experiments and exercise checks. With
    `output_limit`, at most that many bytes of captured output are kept (the
    rest is read and dropped, so a child printing without end never fills the
    memory or blocks on a full pipe). `env` adds variables to the child's
    environment.
    """
    started = time.monotonic()
    tracked = _become_subreaper()
    before = _descendants() if tracked else set()
    try:
        child = subprocess.Popen(
            argv,
            cwd=cwd,
            env={**_child_environment(), **(env or {})},
            stdin=None if keyboard else subprocess.DEVNULL,
            stdout=subprocess.PIPE if capture else None,
            stderr=subprocess.STDOUT if capture else None,
            start_new_session=True,  # its own session and process group, away from our Ctrl-C
        )
    except OSError as error:  # e.g. the section folder can't be entered
        raise CatalogError(
            f"can't start {what} ({error.strerror or error})", path=cwd, fix=fix,
        ) from None
    collected: list[bytes] = []
    reader = None
    if capture:
        # a thread drains the pipe so a chatty child never blocks on a full pipe,
        # while this thread keeps watching the clock
        reader = threading.Thread(
            target=_drain, args=(child.stdout, collected, output_limit), daemon=True
        )
        reader.start()
    try:
        with _termination_raises():
            child.wait(timeout=timeout)
        outcome = RunOutcome.SUCCEEDED if child.returncode == 0 else RunOutcome.FAILED
    except subprocess.TimeoutExpired:
        outcome = RunOutcome.TIMED_OUT
    except (KeyboardInterrupt, _ToolTerminated):
        outcome = RunOutcome.INTERRUPTED
    # stop the child (if it is still running) and anything it left running
    escaped = _stop_group(child, before if tracked else None)
    may_survive = None
    if not tracked:
        may_survive = ("a helper it started in a session of its own (setsid) may still be running: "
                       "this system can't follow those")
    elif escaped:
        may_survive = f"{len(escaped)} process(es) it started could not be stopped: {sorted(escaped)}"
    seconds = time.monotonic() - started
    output = None
    if reader is not None:
        # everything in the group is gone, so the pipe is closed unless a process
        # escaped the group; then keep what arrived rather than wait for ever
        reader.join(timeout=STOP_GRACE_SECONDS)
        if not reader.is_alive():
            child.stdout.close()
        output = b"".join(collected).decode("utf-8", errors="replace")
    exit_code = None
    if outcome in (RunOutcome.SUCCEEDED, RunOutcome.FAILED):
        code = child.returncode
        exit_code = 128 - code if code < 0 else code
    return RunResult(outcome=outcome, exit_code=exit_code, seconds=seconds, output=output,
                     may_survive=may_survive)


def _drain(stream, chunks: list[bytes], limit: int | None = None) -> None:
    """Read a pipe until it closes, keeping each piece as it comes (so a stop keeps partial output).

    With a `limit`, only the first `limit` bytes are kept; the rest is read and dropped.
    """
    kept = 0
    while chunk := os.read(stream.fileno(), 65536):
        if limit is not None:
            chunk = chunk[: max(0, limit - kept)]
        if chunk:
            chunks.append(chunk)
            kept += len(chunk)


class _ToolTerminated(Exception):
    """SIGTERM or SIGHUP reached the tool while it waited for an experiment."""


@contextlib.contextmanager
def _termination_raises() -> Iterator[None]:
    """While waiting, turn SIGTERM and SIGHUP (a closed terminal) into an exception.

    The experiment is in its own session, so those signals reach only the tool;
    if the tool simply died, the experiment would run on unseen. Raising lets
    the tool stop it first. Signal handlers can only be set in the main thread.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum, frame):
        raise _ToolTerminated(signum)

    wanted = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {signum: signal.signal(signum, terminate) for signum in wanted}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def inside_curriculum(script: Path, curriculum: Path) -> Path:
    """The script's real path, if it is a file inside the curriculum; CatalogError otherwise."""
    real = script.resolve()
    folder = curriculum.resolve()
    if not real.is_relative_to(folder):
        raise CatalogError(
            f"refusing to run {real}: it is not inside the curriculum folder {folder}",
            path=script,
            fix="Run experiments by section id, e.g. `learnpath run 1.1`",
        )
    if not real.is_file():
        raise CatalogError(
            "there is no experiment file here",
            path=script,
            fix="Add the section's experiment.py, or run `learnpath check` to see what is missing",
        )
    return real


def _child_environment() -> dict[str, str]:
    """The tool's environment, with unbuffered output and this learnpath importable."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    # the tool may be running from a source checkout that is importable only because
    # of the current directory; the experiment runs elsewhere, so point it at the
    # same package. Site-packages is left alone: putting it on PYTHONPATH would
    # move it ahead of the standard library.
    package_home = str(Path(__file__).resolve().parents[1])
    installed = set(getattr(site, "getsitepackages", list)()) | {site.getusersitepackages()}
    if package_home not in installed:
        paths = [package_home, *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def _stop_group(child: subprocess.Popen, before: set[int] | None = None) -> set[int]:
    """Stop the child's whole process group: SIGTERM, a grace period, then SIGKILL.

    With `before` (the tool's descendants before the run, when the tool is a
    subreaper), every other descendant is stopped the same way, which catches
    helpers that left the group with setsid. Returns the pids that could not
    be stopped (empty when all are gone).

    A second Ctrl-C during the grace period is ignored: the tree is being
    stopped already, and giving up half way would leave processes behind.
    """
    group = child.pid  # start_new_session made the child the leader of its own group

    def strays() -> set[int]:
        return set() if before is None else _descendants() - before - {child.pid}

    in_group = _signal_group(group, signal.SIGTERM)
    escaped = strays()
    _signal_each(escaped, signal.SIGTERM)
    if not in_group and not escaped:
        child.wait()
        return set()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    while time.monotonic() < deadline:
        try:
            child.poll()
            if child.returncode is not None and not _group_alive(group) and not strays():
                return set()  # the child and everything it started are gone
            time.sleep(0.02)
        except KeyboardInterrupt:
            continue
    _signal_group(group, signal.SIGKILL)
    child.wait()
    # a process can fork between our looking and our killing: look again until none is left
    for _ in range(50):
        left = strays()
        if not left:
            return set()
        _signal_each(left, signal.SIGKILL)
        time.sleep(0.02)
        _reap(left)
    return strays()


def _signal_each(pids: set[int], signum: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signum)
    _reap(pids)


def _reap(pids: set[int]) -> None:
    """Collect those that were adopted by the tool and have died, so they don't linger as zombies."""
    for pid in pids:
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, os.WNOHANG)


# prctl(2) option: orphans of our descendants are adopted by us, not by init
_PR_SET_CHILD_SUBREAPER = 36


def _become_subreaper() -> bool:
    """Make the tool adopt its descendants' orphans (Linux only); False where that can't be done."""
    if not sys.platform.startswith("linux") or not Path("/proc/self/stat").exists():
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _descendants() -> set[int]:
    """Every live process (zombies excluded) whose chain of parents leads to this one."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it exited while we looked
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1 and fields[0] not in ("Z", "X"):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    waiting = [os.getpid()]
    while waiting:
        for pid in children.get(waiting.pop(), ()):
            if pid not in found:
                found.add(pid)
                waiting.append(pid)
    return found


def _group_alive(group: int) -> bool:
    """Whether any process of the group is still running (zombies don't count).

    A killed grandchild stays a zombie until init collects it, and inside a
    container that can take a while; waiting for it would only delay the tool.
    """
    proc = Path("/proc")
    if not proc.is_dir():  # pragma: no cover - not Linux: ask the kernel, zombies included
        return _signal_group(group, 0)
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it exited while we looked
        # "pid (command) state ppid pgrp ...": the command may hold spaces, so split after ")"
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and int(fields[2]) == group and fields[0] not in ("Z", "X"):
            return True
    return False


def _signal_group(group: int, signum: int) -> bool:
    """Send `signum` to a process group; False if no process is left in it."""
    try:
        os.killpg(group, signum)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - the group id was reused by another user
        return False
    return True
