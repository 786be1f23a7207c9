"""typer_speed: no pydantic for options left unset or plain, and no traceback if Typer changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from learnpath.cli import typer_speed

REPO = Path(__file__).resolve().parents[1]


def modules_loaded_by(*args: str) -> set[str]:
    code = ("import sys, runpy; sys.argv = ['learnpath', *sys.argv[1:]]\n"
            "from learnpath.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(m.split('.')[0] for m in sys.modules)), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                            cwd=REPO, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    return set(result.stderr.split("\n")[-2].split())


@pytest.mark.parametrize("args", [("list",), ("next",), ("list", "--phase", "1")])
def test_list_and_next_never_import_pydantic_or_numpy(args):
    """`list --phase 1` converts its number without Typer's pydantic validator."""
    loaded = modules_loaded_by(*args)
    assert "typer" in loaded  # the probe did run the tool
    assert "pydantic" not in loaded and "numpy" not in loaded


def test_bounded_options_still_get_typers_own_checks(course, cli):
    """--timeout has a minimum: Typer's own check (with pydantic) still applies and says so."""
    result = cli(course, "run", "1.1", "--timeout", "0")
    assert result.exit_code == 2
    assert "--timeout" in result.stderr and "0.1" in result.stderr


def test_a_plain_number_that_is_not_one_is_one_line(course, cli):
    result = cli(course, "list", "--phase", "one")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: Invalid value for '--phase': 'one' is not an integer. "
                                     "See `learnpath list --help`")


class ParamOfAnotherTyper:
    """A parameter without the slots this Typer has: it must be left exactly alone."""

    multiple, nargs = False, 1


def test_a_typer_without_the_private_slots_gets_nothing_installed():
    param = ParamOfAnotherTyper()
    typer_speed.defer_option_checks([param])
    assert not hasattr(param, "_runtime_param")


def test_anything_else_typer_asks_goes_to_its_own_runtime_param():
    """If Typer asks the stand-in for something new, the real runtime parameter answers."""

    class Real:
        def coerce(self, value, *args, **kwargs):
            return ("real", value)

        special = "from the real one"

    class Param:
        multiple, nargs = False, 1
        _runtime_param = None
        type_descriptor = None

        def get_runtime_param(self):
            if self._runtime_param is None:
                self._runtime_param = Real()
            return self._runtime_param

    param = Param()
    typer_speed.defer_option_checks([param])
    assert param._runtime_param.coerce(None) is None
    assert param._runtime_param.special == "from the real one"
    assert isinstance(param._runtime_param, Real)
    assert param._runtime_param.coerce("x") == ("real", "x")


def test_typer_is_pinned_to_the_tested_minor_version():
    import typer

    pyproject = (REPO / "pyproject.toml").read_text()
    minor = ".".join(typer.__version__.split(".")[:2])
    assert f'"typer>={minor}' in pyproject and ",<" in pyproject.split('"typer>=')[1].split('"')[0]
