"""`python -m learnpath` runs the same command line as the `learnpath` script."""

from learnpath.cli import main

main()
