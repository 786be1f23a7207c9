"""Read YAML safely and remember which line every value came from.

quiz.yaml files and answers files are written by hand, so a mistake in them has
to be reported as `file:line`. PyYAML's `safe_load` throws the line numbers
away; this loader keeps them. Mappings come back as `LineDict` and sequences
as `LineList`: ordinary dicts and lists that also know their own line, the
line of each key and item, and the text each scalar was written as (so that
`yes`, `1.50` or `1e-3` can be read back exactly as the author typed them).

Only the safe constructors are used: no YAML tag can create a Python object.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from learnpath.errors import LearnpathError


class LineDict(dict):
    """A YAML mapping that remembers its line and the line of each key."""

    line: int
    key_lines: dict[Any, int]
    raw: dict[Any, str]
    # (key, line of the repeat, line of the first one) for each key written twice
    duplicate_keys: list[tuple[Any, int, int]]

    def line_of(self, key: Any) -> int:
        """The line a key is written on, or the mapping's own line."""
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A YAML sequence that remembers its line and the line of each item."""

    line: int
    item_lines: list[int]
    raw: list[str | None]

    def line_of(self, index: int) -> int:
        """The line of item `index`, or the sequence's own line."""
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _raw_text(node: yaml.Node) -> str | None:
    return node.value if isinstance(node, ScalarNode) else None


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry line numbers."""

    def construct_object(self, node, deep=False):
        # A bad value under an explicit tag (`!!int abc`, `!!timestamp x`) makes
        # PyYAML raise ValueError and friends with no position; give it one.
        try:
            return super().construct_object(node, deep=deep)
        except (yaml.YAMLError, RecursionError):
            raise
        except Exception as error:  # noqa: BLE001 - any scalar that can't be built
            raise ConstructorError(
                None, None, f"can't read this value ({error})", node.start_mark
            ) from None


def _construct_mapping(loader: _LineLoader, node: MappingNode):
    data = LineDict()
    data.line = _line(node)
    data.key_lines = {}
    data.raw = {}
    data.duplicate_keys = []
    # Yield first so that aliases pointing back at this mapping work, as in PyYAML.
    yield data
    loader.flatten_mapping(node)
    data.update(loader.construct_mapping(node))
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node)
        if key in data.key_lines:
            data.duplicate_keys.append((key, _line(key_node), data.key_lines[key]))
        data.key_lines[key] = _line(key_node)
        raw = _raw_text(value_node)
        if raw is not None:
            data.raw[key] = raw
        else:
            data.raw.pop(key, None)


def _construct_sequence(loader: _LineLoader, node: SequenceNode):
    data = LineList()
    data.line = _line(node)
    data.item_lines = [_line(item) for item in node.value]
    data.raw = [_raw_text(item) for item in node.value]
    yield data
    data.extend(loader.construct_sequence(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def yaml_error_line(error: yaml.YAMLError, text: str) -> int | None:
    """The 1-based line a YAML error points at, if it points anywhere."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if "end of stream" in (getattr(error, "problem", None) or ""):
        # an unclosed quote or bracket: the end of the file says nothing, its start does
        mark = getattr(error, "context_mark", None) or mark
    if mark is not None:
        return mark.line + 1
    position = getattr(error, "position", None)  # ReaderError: a bad character
    if isinstance(position, int):
        return text.count("\n", 0, position) + 1
    return None


def yaml_error_message(error: yaml.YAMLError) -> str:
    """PyYAML's own words for what is wrong, on one line."""
    if isinstance(error, yaml.reader.ReaderError):
        code = error.character if isinstance(error.character, int) else ord(error.character[:1] or "?")
        return f"character U+{code:04X} is not allowed in YAML ({error.reason})"
    parts = [getattr(error, "context", None), getattr(error, "problem", None)]
    text = ", ".join(part for part in parts if part)
    return " ".join((text or str(error)).split())


def parse_yaml(
    text: str,
    path: Path | str,
    error_class: type[LearnpathError],
    *,
    fix: str,
) -> Any:
    """Parse one YAML document with line numbers; `error_class` names any syntax error.

    Returns None for an empty document.
    """
    loader = None
    try:
        loader = _LineLoader(text)  # the reader checks every character here
        return loader.get_single_data()
    except yaml.YAMLError as error:
        message = f"this is not valid YAML: {yaml_error_message(error)}"
        if "'\\t'" in message:  # PyYAML's "found character '\t' that cannot start any token"
            message = "this is not valid YAML: it has a tab where only spaces may be"
            fix = "replace the tab with spaces"
        raise error_class(message, path=path, line=yaml_error_line(error, text), fix=fix) from None
    except RecursionError:
        raise error_class(
            "the YAML is nested too deeply to read", path=path, line=None, fix=fix
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
