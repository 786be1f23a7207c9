"""The use cases, one module per thing a learner does: experiment, exercise, quiz, review, reset.

The command line (learnpath/cli/) calls one function here per command and
prints what it returns; the folders below (course, quiz, exercises, record,
sandbox) each know one file or one idea. A module here is the sentence that
joins them: what happens, in what order, when a learner does something.

This package is the only writer of the learner's record (PROGRESS.md and the
attempt log); every write goes through journal.write, so what the tool says
after Ctrl-C or a failure is exactly what was written.
"""
