"""How fast `learnpath list` and `learnpath next` start, measured against Typer itself.

A command line that makes a learner wait for a status line gets used less.
Goals (issue 2): `list` and `next` take at most 1.5x the time of
`python -c "import typer"` (the floor any Typer program pays), and `list` on a
generated course of 1,000 sections takes at most 0.5 s.

Every command runs as a fresh process, N times, interleaved (typer, list,
next, typer, list, next, ...) so that a busy machine slows all of them alike;
the medians are compared within this one run, never against a fixed number
of seconds. The courses are generated in a temporary folder: one shaped like
the real course (4 phases of 4 sections) and one of 1,000 sections. `list` is timed both into a pipe (plain text) and on a
pseudo-terminal (the Rich table a person sees).

    python bench/bench_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import pty
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COURSE_SHAPE = (4, 4)  # phases x sections: the size of the real course
BIG_SHAPE = (10, 100)  # the 1,000-section course


def learnpath_command() -> list[str]:
    """The installed `learnpath` script next to this Python, else `python -m learnpath`."""
    script = Path(sys.executable).with_name("learnpath")
    return [str(script)] if script.exists() else [sys.executable, "-m", "learnpath"]


def time_once(argv: list[str], *, cwd: Path, terminal: bool = False) -> float:
    """Wall time of one run, output into a pipe or onto a pseudo-terminal."""
    env = dict(os.environ, NO_COLOR="", COLUMNS="120", LINES="40")
    # a learner's Python caches compiled modules (__pycache__); a sandbox that forbids
    # it would time the compiler instead of the tool
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not terminal:
        started = time.perf_counter()
        subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, check=True)
        return time.perf_counter() - started
    leader, follower = pty.openpty()
    drained = threading.Thread(target=_drain, args=(leader,), daemon=True)
    drained.start()
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, stdout=follower, stderr=subprocess.PIPE,
                   stdin=subprocess.DEVNULL, check=True)
    elapsed = time.perf_counter() - started
    os.close(follower)
    drained.join(timeout=2)
    os.close(leader)
    return elapsed


def _drain(fd: int) -> None:
    # a pseudo-terminal's buffer is small: read it so the child never blocks on a full one
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass


def make_course(root: Path, shape: tuple[int, int]) -> None:
    """A generated course of phases x sections, every file present, every 7th experiment ticked."""
    phases, per_phase = shape
    for phase in range(1, phases + 1):
        phase_dir = root / "curriculum" / f"Phase_{phase}"
        phase_dir.mkdir(parents=True)
        (phase_dir / "README.md").write_text(f"# Phase {phase}: Generated\n\nFor the benchmark.\n")
        for number in range(1, per_phase + 1):
            folder = phase_dir / f"Section_{number}_Topic_{number}"
            folder.mkdir()
            (folder / "overview.md").write_text(
                f"# Topic {phase}.{number}\n\nWhat you will be able to do.\n\n" + "Body text.\n" * 200)
            (folder / "experiment.py").write_text("print('ok')\n")
            (folder / "quiz.yaml").write_text("questions: []\n")
    sys.path.insert(0, str(REPO))
    from learnpath.catalog import load_catalog
    from learnpath.record.progress import Step, ensure_progress, tick

    catalog = load_catalog(root)
    ensure_progress(catalog.progress_path, catalog.sections)
    for section in catalog.sections[::7]:
        tick(catalog.progress_path, catalog.sections, section.id, Step.EXPERIMENT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs of each command (default 21)")
    runs = parser.parse_args().runs
    learnpath = learnpath_command()
    with tempfile.TemporaryDirectory() as scratch:
        small, big = Path(scratch) / "course", Path(scratch) / "big"
        make_course(small, COURSE_SHAPE)
        make_course(big, BIG_SHAPE)
        cases = {
            'python -c "import typer"': ([sys.executable, "-c", "import typer"], small, False),
            "learnpath list (pipe)": ([*learnpath, "list"], small, False),
            "learnpath list (terminal)": ([*learnpath, "list"], small, True),
            "learnpath list --phase 1": ([*learnpath, "list", "--phase", "1"], small, False),
            "learnpath next": ([*learnpath, "next"], small, False),
            "learnpath list, 1,000 sections": ([*learnpath, "list"], big, False),
        }
        for argv, cwd, terminal in cases.values():  # warm the file cache once, untimed
            time_once(argv, cwd=cwd, terminal=terminal)
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(runs):
            for name, (argv, cwd, terminal) in cases.items():
                times[name].append(time_once(argv, cwd=cwd, terminal=terminal))
    medians = {name: statistics.median(values) for name, values in times.items()}
    floor = medians['python -c "import typer"']
    print(f"{runs} runs each, interleaved; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"{'command':34} {'median':>9} {'vs typer':>9}  goal")
    for name, median in medians.items():
        ratio = median / floor
        if name.startswith("python"):
            goal = ""
        elif "1,000" in name:
            goal = f"<= 0.5 s  {'ok' if median <= 0.5 else 'MISSED'}"
        else:
            goal = f"<= 1.5x   {'ok' if ratio <= 1.5 else 'MISSED'}"
        print(f"{name:34} {median * 1000:7.1f}ms {ratio:8.2f}x  {goal}")


if __name__ == "__main__":
    main()
