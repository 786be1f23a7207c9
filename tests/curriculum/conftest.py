"""The fixture every section test uses: main() of its experiment, run once per module."""

from __future__ import annotations

import contextlib
import io
import os

# The experiments' matrices are small: one BLAS thread is fastest for them, and on a
# busy machine more threads wait on each other (10 to 50 times slower). This must be
# set before NumPy is first imported; experiments run alone set it themselves.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest

from sections import load_experiment, run_alone, run_figures


@pytest.fixture(scope="module")
def run_main(request):
    """Call main() of the experiment named by the module's SECTION, once per test module.

    Returns (figures, printed_text).
    """
    section_id = request.module.SECTION
    alone = run_alone(section_id)  # the experiment in a process of its own, as a learner runs it
    figures = run_figures(section_id) if alone.returncode == 0 else None
    if figures is not None:
        return figures, alone.stdout
    module = load_experiment(section_id)  # in this process, so that a failure shows its traceback
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        figures = module.main()
    return figures, buffer.getvalue()


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes minutes; skipped unless LEARNPATH_SLOW=1 is set")


def pytest_collection_modifyitems(config, items):
    """Skip tests marked slow (section 4.4's long run) unless LEARNPATH_SLOW=1."""
    if os.environ.get("LEARNPATH_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow: a run of several minutes; set LEARNPATH_SLOW=1 to include it")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
