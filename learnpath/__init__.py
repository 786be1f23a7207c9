"""learnpath: a self-study course on neural networks from first principles."""

__version__ = "0.1.0"
