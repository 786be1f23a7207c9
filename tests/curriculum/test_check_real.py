"""The repo's own curriculum passes `learnpath check`: every section whole, every quiz valid."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# The Phase 1 quizzes predate the second edition's strict rules (keys spread over positions,
# no choice named by letter, questions that stand alone) and are being rewritten to them.
# Until that lands, their problems are held out of the whole-course test below and asserted
# by an expected failure of their own. WHOEVER LANDS THE REWRITTEN PHASE 1 QUIZZES: delete
# PHASE_1_QUIZZES_AWAIT_REWRITE and the xfail test; strict=True makes it fail loudly once
# the quizzes pass, as a reminder.
PHASE_1_QUIZZES_AWAIT_REWRITE = True


def _strict_check_report() -> tuple[dict, int]:
    result = subprocess.run(
        [sys.executable, "-m", "learnpath", "--root", str(ROOT), "check", "--strict", "--json"],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        env={**os.environ, "NO_COLOR": "1"},
    )
    return json.loads(result.stdout), result.returncode


def _is_phase_1_quiz(problem: dict) -> bool:
    return problem["path"].startswith("curriculum/Phase_1/") and problem["path"].endswith("/quiz.yaml")


def test_real_curriculum_passes_check():
    """`learnpath check --strict --json` on the shipped course (docs/authoring.md rules included) finds sections and no problems."""
    report, returncode = _strict_check_report()
    held_out = [p for p in report["problems"] if PHASE_1_QUIZZES_AWAIT_REWRITE and _is_phase_1_quiz(p)]
    problems = [f"{p['path']}:{p['line']}: {p['message']}" for p in report["problems"] if p not in held_out]
    assert problems == [], "\n".join(problems)
    assert returncode == (1 if held_out else 0)
    assert report["sections"] >= 1, "the curriculum has no sections yet"


@pytest.mark.xfail(PHASE_1_QUIZZES_AWAIT_REWRITE, strict=True,
                   reason="Phase 1 quizzes are being rewritten to the second edition's strict rules")
def test_phase_1_quizzes_pass_the_strict_quiz_rules():
    """The Phase 1 quizzes meet every strict rule (this xfail goes when their rewrite lands)."""
    report, _ = _strict_check_report()
    problems = [f"{p['path']}:{p['line']}: {p['message']}" for p in report["problems"] if _is_phase_1_quiz(p)]
    assert problems == [], "\n".join(problems)
