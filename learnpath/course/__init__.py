"""The course as the tool sees it: where the learner stands (status.py), and `learnpath check` for authors (check.py, quizlint.py)."""
