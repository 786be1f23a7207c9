"""Quizzes: the model, the question kinds (one class per type), reading quiz.yaml, reading and grading answers, the review schedule."""
