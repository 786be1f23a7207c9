"""Tests for learnpath.pictures: the pictures say what the data says, as plain text and in colour."""

from __future__ import annotations

import dataclasses
import io
import math
import re
import sys

import numpy as np
import pytest

from learnpath import pictures as plot
from learnpath.pictures import Picture, PictureKind

ESC = "\x1b"


class FakeTerminal(io.StringIO):
    """A text stream that says it is a terminal, as sys.stdout does in a shell."""

    def isatty(self) -> bool:
        return True


def marker_positions(picture: Picture, marker: str) -> list[tuple[int, int]]:
    """(row, column) of every marker inside the plot area, skipping the legend line."""
    lines = str(picture).splitlines()
    positions = []
    for row, line in enumerate(lines):
        if "┤" not in line and "│" not in line:
            continue  # title, axis, tick labels, legend
        for column, char in enumerate(line):
            if char == marker:
                positions.append((row, column))
    return positions


def all_pictures() -> list[Picture]:
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (40, 2))
    return [
        plot.line_chart({"a": [1, 3, 2], "b": [2, 2, 5]}, title="t"),
        plot.loss_curve([3.0, 2.0, 1.0, 0.5]),
        plot.decision_boundary(lambda p: p[:, 0], X, (X[:, 0] > 0).astype(int), title="b"),
        plot.digit(np.arange(64) % 17, title="d"),
        plot.bar_chart(["a", "b"], [0.2, 0.8], title="bars"),
        plot.heatmap(np.eye(3), title="h"),
        plot.computation_graph(_small_graph(), title="g"),
    ]


def _small_graph():
    from learnpath.nn import Value

    out = (Value(2.0, label="a") * Value(-3.0, label="b")).tanh()
    out.backward()
    return out


def test_plain_text_has_no_colour_codes_and_fits_80_columns():
    """str() of every kind of picture is plain text no wider than an 80-column terminal."""
    for picture in all_pictures():
        text = str(picture)
        assert ESC not in text
        assert text.strip(), picture.kind
        assert max(len(line) for line in text.splitlines()) <= 80, picture.kind


def test_picture_is_frozen():
    """A Picture is a frozen record: its text cannot be changed after it is drawn."""
    picture = plot.bar_chart(["a"], [1.0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        picture.text = "changed"  # type: ignore[misc]


def test_falling_loss_curve_starts_high_and_ends_low():
    """The first marker of a falling loss curve is drawn above its last, and a rising one the other way."""
    falling = plot.loss_curve([2.0 * math.exp(-i / 10) for i in range(50)])
    markers = marker_positions(falling, "●")
    first, last = min(markers, key=lambda p: p[1]), max(markers, key=lambda p: p[1])
    assert first[0] < last[0]
    assert "first 2   last" in str(falling)

    rising = plot.loss_curve([float(i) for i in range(50)])
    markers = marker_positions(rising, "●")
    first, last = min(markers, key=lambda p: p[1]), max(markers, key=lambda p: p[1])
    assert first[0] > last[0]


def test_line_chart_has_title_legend_and_distinct_markers():
    """Each series gets its own marker, named in the legend, and the title and axis labels are shown."""
    picture = plot.line_chart(
        {"train": [3, 2, 1], "test": [3, 2.5, 2]}, title="losses", x_label="epoch", y_label="loss"
    )
    text = str(picture)
    assert text.splitlines()[0].strip() == "losses"
    assert "● train" in text and "■ test" in text
    assert "epoch" in text and "loss" in text
    assert marker_positions(picture, "●") and marker_positions(picture, "■")


def test_log_axis_ticks_are_powers_of_ten():
    """On a log y axis from 1e-12 to 1e-1 the tick labels are powers of ten, top one 1e-1."""
    errors = [10.0**-k for k in range(1, 13)]
    text = str(plot.line_chart({"error": errors}, log_y=True))
    labels = [line.split("┤")[0].strip() for line in text.splitlines() if "┤" in line]
    assert labels[0] == "1e-1"
    assert all(label.startswith("1e-") for label in labels)
    assert len(labels) >= 4
    exponents = [int(label[2:]) for label in labels]
    assert exponents == sorted(exponents, reverse=True)


def test_log_x_axis_labels_and_straight_power_law():
    """A power law on log-log axes is a straight line: its markers fall by the same rows per step."""
    hs = [10.0**-k for k in range(0, 9, 2)]  # five points, every one of them marked
    picture = plot.line_chart({"h^2": [h * h for h in hs]}, xs=hs, log_x=True, log_y=True, height=17)
    assert "1e-8" in str(picture) and "1e0" in str(picture)
    rows = [row for row, _ in sorted(marker_positions(picture, "●"), key=lambda p: p[1])]
    steps = {b - a for a, b in zip(rows, rows[1:])}
    assert len(steps) == 1  # evenly spaced markers on a straight line


def test_line_chart_leaves_out_what_cannot_be_drawn():
    """NaN and (on a log axis) values at or below zero are skipped; nothing drawable says so."""
    picture = plot.line_chart({"v": [1.0, float("nan"), 3.0]})
    assert len(marker_positions(picture, "●")) == 2
    empty = plot.line_chart({"v": [0.0, -1.0]}, log_y=True)
    assert "nothing to draw" in str(empty)


def test_line_chart_rejects_mismatched_xs():
    """xs of the wrong length is an error that says what to give."""
    with pytest.raises(ValueError, match="one x per value"):
        plot.line_chart({"v": [1, 2, 3]}, xs=[0, 1])


def region_counts(picture: Picture) -> tuple[int, int, list[str]]:
    """Count the two region glyphs inside the frame of a decision boundary picture."""
    inside = [line.split("│")[1] for line in str(picture).splitlines() if line.count("│") == 2]
    text = "".join(inside)
    return text.count("·"), text.count("░"), inside


def test_decision_boundary_shows_where_the_predictor_says_class_1():
    """With 'class 1 when x > 0' the left half is the class-0 glyph, the right half the class-1 glyph."""
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (30, 2))
    y = (X[:, 0] > 0).astype(np.int64)
    picture = plot.decision_boundary(lambda p: p[:, 0], X, y, width=40, height=20)
    zeros, ones, inside = region_counts(picture)
    assert len(inside) == 20
    assert zeros + ones + sum(row.count("o") + row.count("x") for row in inside) == 40 * 20
    assert abs(zeros - ones) <= 40  # about half each
    for row in inside:
        middle = len(row) // 2
        assert "░" not in row[: middle - 2] and "·" not in row[middle + 2 :]
        assert "x" not in row[: middle - 1] and "o" not in row[middle + 1 :]
    assert "accuracy on these 30 points: 100%" in str(picture)


def test_decision_boundary_probabilities_and_many_classes():
    """Scores in [0, 1] split at 0.5; an (n, k) score array picks the largest column."""
    X = np.array([[-1.0, 0.0], [1.0, 0.0]])
    y = np.array([0, 1])
    as_probability = plot.decision_boundary(lambda p: 1 / (1 + np.exp(-10 * p[:, 0])), X, y)
    as_sign = plot.decision_boundary(lambda p: p[:, 0], X, y)
    assert str(as_probability) == str(as_sign)
    always_one = plot.decision_boundary(lambda p: np.full(len(p), 0.9), X, y)
    assert region_counts(always_one)[0] == 0

    X3 = np.array([[-1.0, 0.0], [0.0, 0.0], [1.0, 0.0]])
    y3 = np.array([0, 1, 2])
    columns = plot.decision_boundary(lambda p: np.stack([-p[:, 0], -abs(p[:, 0]) + 0.3, p[:, 0]], 1), X3, y3)
    text = str(columns)
    assert "▒ predicted 2" in text and "+ class 2" in text
    assert "accuracy on these 3 points: 100%" in text


def test_decision_boundary_rejects_wrong_predict_output():
    """A predictor that returns the wrong number of scores gets a clear error."""
    with pytest.raises(ValueError, match="one score per point"):
        plot.decision_boundary(lambda p: [0.0, 1.0], np.zeros((3, 2)), [0, 1, 0])


def test_digit_blank_and_full():
    """An all-zero digit is blank inside its frame, an all-16 digit solid, each pixel two characters wide."""
    blank = str(plot.digit(np.zeros(64))).splitlines()
    full = str(plot.digit(np.full((8, 8), 16))).splitlines()
    assert len(blank) == len(full) == 10
    for row in range(1, 9):
        assert blank[row] == "│" + " " * 16 + "│"
        assert full[row] == "│" + "█" * 16 + "│"


def test_digit_places_a_pixel_where_it_is():
    """One bright pixel at row 2, column 5 shows as a solid pair of characters in that place."""
    pixels = np.zeros((8, 8))
    pixels[2, 5] = 16
    lines = str(plot.digit(pixels, title="one")).splitlines()
    inside = [line[1:17] for line in lines if line.startswith("│")]
    assert inside[2] == " " * 10 + "██" + " " * 4
    assert all(set(row) == {" "} for i, row in enumerate(inside) if i != 2)
    with pytest.raises(ValueError, match="64 pixels"):
        plot.digit([1, 2, 3])


def test_bar_chart_bars_grow_with_values():
    """Each label's bar length follows its value, values are printed, the largest bar is full width."""
    picture = plot.bar_chart(["cat", "dog", "eel"], [0.25, 1.0, 0.5], width=40)
    lines = str(picture).splitlines()
    lengths = {line.split("│")[0].strip(): line.count("█") for line in lines}
    assert lengths["dog"] == 40 and lengths["eel"] == 20 and lengths["cat"] == 10
    assert lines[0].endswith("0.25") and lines[1].endswith("1") and lines[2].endswith("0.5")


def test_heatmap_shades_follow_values_and_legend_gives_range():
    """A confusion matrix with counts on the diagonal: diagonal cells darkest, others lightest, range stated."""
    matrix = np.array([[50, 0, 0], [0, 30, 0], [0, 0, 50]])
    picture = plot.heatmap(matrix, row_labels=["a", "b", "c"], col_labels=["a", "b", "c"], title="confusion")
    lines = str(picture).splitlines()
    assert lines[0].strip() == "confusion"
    rows = [line for line in lines[2:5]]
    assert rows[0].split()[1:] == ["██", "··", "··"]
    assert rows[1].split()[1:] == ["··", "▓▓", "··"]
    assert "0 (·) to 50 (█)" in lines[-1]


def test_show_is_plain_when_piped_or_no_color(monkeypatch):
    """show() writes the plain text when output is not a terminal, and when NO_COLOR is set."""
    picture = plot.loss_curve([3.0, 2.0, 1.0])
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    piped = io.StringIO()
    picture.show(file=piped)
    assert piped.getvalue() == str(picture) + "\n"

    monkeypatch.setenv("NO_COLOR", "1")
    terminal = FakeTerminal()
    picture.show(file=terminal)
    assert ESC not in terminal.getvalue()
    assert terminal.getvalue() == str(picture) + "\n"


def test_show_colours_a_terminal(monkeypatch):
    """On a colour terminal show() adds colour codes, and the visible text is unchanged."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    picture = plot.bar_chart(["a", "b"], [1.0, 2.0], title="bars")
    terminal = FakeTerminal()
    picture.show(file=terminal)
    coloured = terminal.getvalue()
    assert ESC in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == str(picture) + "\n"


def test_save_png_without_matplotlib_says_how_to_install(monkeypatch, tmp_path):
    """Without matplotlib, save_png raises ImportError naming the extra to install, and writes nothing."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # even if an earlier test imported it
    with pytest.raises(ImportError, match=r"learnpath\[plot\]"):
        plot.loss_curve([1.0, 0.5]).save_png(tmp_path / "loss.png")
    assert not (tmp_path / "loss.png").exists()


def test_save_png_writes_png_files(tmp_path):
    """With matplotlib installed every kind of picture is saved as a real PNG file."""
    pytest.importorskip("matplotlib")
    for picture in all_pictures():
        target = tmp_path / f"{picture.kind.value}.png"
        picture.save_png(target)
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert {p.kind for p in all_pictures()} == set(PictureKind)


def test_experiments_import_the_same_pictures_through_nn_plot():
    """`from learnpath.nn import plot` (what experiments write) gives the very functions of learnpath.pictures."""
    from learnpath.nn import plot as nn_plot

    assert set(nn_plot.__all__) == set(plot.__all__)
    for name in plot.__all__:
        assert getattr(nn_plot, name) is getattr(plot, name), name


def test_drawing_a_line_chart_needs_neither_numpy_nor_rich():
    """Importing plot and drawing a line chart loads neither NumPy nor Rich (Phase 1 stays light)."""
    import subprocess

    code = (
        "import sys; from learnpath.nn import plot; str(plot.loss_curve([3, 2, 1], log_y=True)); "
        "print('numpy' in sys.modules, 'rich' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("columns", [60, 80])
def test_pictures_left_at_their_default_width_fit_the_terminal(monkeypatch, columns):
    """On a 60-column terminal a chart is drawn narrower instead of wrapping into a mess."""
    monkeypatch.setenv("COLUMNS", str(columns))
    X = np.array([[0.0, 0.0], [1.0, 1.0], [-1.0, 0.5]])
    for picture in (plot.loss_curve([3.0, 2.0, 1.0]), plot.line_chart({"a": [1, 2], "b": [2, 1]}),
                    plot.decision_boundary(lambda p: p[:, 0], X, [0, 1, 0]),
                    plot.bar_chart(["train", "test"], [0.9, 0.8]), plot.heatmap(np.eye(12))):
        widest = max(len(line) for line in str(picture).splitlines())
        assert widest <= columns, (picture.kind, widest)


def test_a_width_given_is_kept_whatever_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    lines = str(plot.line_chart({"a": [1, 2, 3]}, width=64)).splitlines()
    assert max(len(line) for line in lines) > 64


def test_curves_that_run_together_still_show_every_marker():
    """Two or three series that overlap almost everywhere each keep markers of their own,
    so they can be told apart without colour (the markers are staggered, never overwritten)."""
    import math

    from learnpath.pictures.lines import line_chart

    base = [math.exp(-i / 30) for i in range(200)]
    text = str(line_chart({"sgd": base, "momentum": [v * 1.001 for v in base],
                           "adam": [v * 0.999 for v in base]}, width=56, height=10))
    body = text.split("sgd")[0]  # the plot above the legend
    assert body.count("■") >= 3 and body.count("▲") >= 3 and body.count("●") >= 3
