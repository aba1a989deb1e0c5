"""A chart of counts has whole-number ticks: "۰٫۲ reports" means nothing."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot import charts
from bot.api.figures import chart_figure
from bot.charts import Bar
from bot.formatting import Presenter

FA = Presenter("fa")
EN = Presenter("en")


def tick_labels(figure: Figure, axis: str) -> list[str]:
    # Ticks are placed when drawn; matplotlib leaves the Agg canvas's draw() unannotated.
    FigureCanvasAgg(figure).draw()  # type: ignore[no-untyped-call]
    axes = figure.axes[0]
    labels = axes.get_xticklabels() if axis == "x" else axes.get_yticklabels()
    return [label.get_text() for label in labels if label.get_text()]


@pytest.mark.parametrize("fmt", [FA, EN])
@pytest.mark.parametrize("counts", [[1, 1], [1], [2, 1, 1], [3, 0]])
def test_counts_get_integer_ticks(fmt: Presenter, counts: list[int]) -> None:
    bars = [Bar(f"agency {i}", n, fmt.number(n)) for i, n in enumerate(counts)]
    with charts.chart_style():
        horizontal = tick_labels(charts.horizontal_figure(fmt, "t", bars, counts=True), "x")
        vertical = tick_labels(charts.vertical_figure(fmt, "t", bars, counts=True), "y")
    for label in horizontal + vertical:
        assert "٫" not in label
        assert "." not in label
    assert len(horizontal) >= 2


def test_amounts_keep_their_fractions() -> None:
    bars = [Bar("a", 0.5, "۰٫۵"), Bar("b", 1.2, "۱٫۲")]
    with charts.chart_style():
        labels = tick_labels(charts.horizontal_figure(FA, "t", bars), "x")
    assert any("٫" in label for label in labels)


@pytest.mark.parametrize("horizontal", [True, False])
def test_the_dashboards_charts_count_in_whole_numbers(horizontal: bool) -> None:
    """Seen on the province's screen: the weekly chart's axis read ۰٫۲, ۰٫۴ ... reports."""
    bars = [Bar("week 1", 0, "۰"), Bar("week 2", 1, "۱")]
    with charts.chart_style():
        figure = chart_figure(FA, "t", bars, horizontal)
        labels = tick_labels(figure, "x" if horizontal else "y")
    assert labels
    assert not any("٫" in label for label in labels)
