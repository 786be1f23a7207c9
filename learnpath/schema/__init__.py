"""The JSON Schema of quiz.yaml, shipped inside the package for editors and checks.

An editor with a YAML language server (VS Code's YAML extension, for one) uses
it to complete keys and underline mistakes while an author types; see
docs/quiz-format.md. The loader in learnpath/quiz/file.py is the final word: it
also checks what a schema can't say, such as an answer naming a real choice.
"""

from __future__ import annotations

import json
from pathlib import Path

QUIZ_SCHEMA_PATH = Path(__file__).with_name("quiz.schema.json")


def quiz_schema() -> dict:
    """The quiz.yaml schema as a Python dict (JSON Schema draft 2020-12)."""
    return json.loads(QUIZ_SCHEMA_PATH.read_text(encoding="utf-8"))
