"""The learner's record: PROGRESS.md (its safety, its format, the locked update), the attempt log, file locking."""
