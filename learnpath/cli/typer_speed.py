"""Keep pydantic out of start-up: Typer's option checking, built only for options actually given.

Typer 0.29 checks every parameter through a pydantic validator that it builds
the first time the parameter is processed, even when the option was left
unset. Importing pydantic for that costs several times Typer's own start-up,
on every `learnpath list`. An unset option is None either way, and a given
one that is plain text, or a whole or decimal number without bounds, needs
nothing pydantic knows; anything else gets Typer's own validator, built then.

This reaches into Typer's internals (the `_runtime_param` slot that
`get_runtime_param()` fills, and each parameter's `type_descriptor`), so it is
written to fail soft: the names are looked up on each parameter before
anything is installed, and a parameter that lacks any of them is left exactly
as Typer made it. A Typer release that changes them costs start-up time,
never a traceback. pyproject.toml pins Typer to the minor version this was
tested with.
"""

from __future__ import annotations

from typing import Any

import typer


class _CheckWhenGiven:
    """Stands in Typer's `_runtime_param` slot until a value has to be checked for real."""

    def __init__(self, param: Any) -> None:
        self._param = param

    def coerce(self, value: Any, *args: Any, **kwargs: Any) -> Any:
        param = self._param
        if value is None and not (param.multiple or param.nargs == -1):
            return None  # left unset: nothing to check
        plain = _plain_type(param)
        if plain is not None and isinstance(value, str):
            return _convert(plain, value, param, kwargs.get("ctx"))
        return self._real().coerce(value, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        # anything else Typer may ask of its runtime parameter goes to the real one
        return getattr(self._real(), name)

    def _real(self) -> Any:
        self._param._runtime_param = None  # let Typer build and keep its own
        return self._param.get_runtime_param()


def defer_option_checks(params) -> None:
    """Install the stand-in on every parameter that has the slots it relies on."""
    for param in params:
        if _has_the_slots(param):
            param._runtime_param = _CheckWhenGiven(param)


def _has_the_slots(param: Any) -> bool:
    return (
        getattr(param, "_runtime_param", False) is None  # exists and is still empty
        and callable(getattr(param, "get_runtime_param", None))
        and hasattr(param, "type_descriptor")
        and hasattr(param, "multiple")
        and hasattr(param, "nargs")
    )


_NAMES = {int: "an integer", float: "a number", str: "text"}


def _plain_type(param: Any) -> type | None:
    """int, float or str when Typer would only convert to it (no bounds, parser or path rules)."""
    descriptor = param.type_descriptor
    annotation = getattr(descriptor, "annotation", None)
    info = getattr(descriptor, "parameter_info", None)
    if annotation not in _NAMES or info is None or getattr(descriptor, "file_annotation", None):
        return None
    for constraint in ("min", "max", "parser", "click_type"):
        if getattr(info, constraint, None) is not None:
            return None
    if annotation is str and any(getattr(info, flag, False) for flag in ("allow_dash", "resolve_path")):
        return None
    return annotation


def _convert(kind: type, value: str, param: Any, ctx: Any) -> Any:
    if kind is str:
        return value
    try:
        number = kind(value.strip())
    except ValueError:
        shown = repr(value) if len(value) <= 40 else repr(value[:37]) + "..."  # never 5000 digits
        raise typer.BadParameter(f"{shown} is not {_NAMES[kind]}.", ctx=ctx, param=param) from None
    return number
