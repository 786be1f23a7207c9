"""The fixture every section test uses: main() of its experiment, run once per module."""

from __future__ import annotations

import contextlib
import io

import pytest

from sections import load_experiment


@pytest.fixture(scope="module")
def run_main(request):
    """Call main() of the experiment named by the module's SECTION, once per test module.

    Returns (figures, printed_text).
    """
    section_id = request.module.SECTION
    module = load_experiment(section_id)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        figures = module.main()
    return figures, buffer.getvalue()
