"""The repo's own curriculum passes `learnpath check`: every section whole, every quiz valid."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _strict_check_report() -> tuple[dict, int]:
    result = subprocess.run(
        [sys.executable, "-m", "learnpath", "--root", str(ROOT), "check", "--strict", "--json"],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        env={**os.environ, "NO_COLOR": "1"},
    )
    return json.loads(result.stdout), result.returncode


def test_real_curriculum_passes_check():
    """`learnpath check --strict --json` on the shipped course (docs/authoring.md rules included) finds sections and no problems."""
    report, returncode = _strict_check_report()
    problems = [f"{p['path']}:{p['line']}: {p['message']}" for p in report["problems"]]
    assert problems == [], "\n".join(problems)
    assert returncode == 0
    assert report["sections"] >= 1, "the curriculum has no sections yet"
