"""PNG charts for officials, with Persian text shaped and right to left.

matplotlib 3.11 and later shape complex scripts themselves (libraqm), so labels are given
in logical order as they are: the old arabic_reshaper + python-bidi step would now reverse
them. The Persian font (Vazirmatn, SIL OFL, in bot/assets/fonts) ships with the project.
Figures are built with the object API (no pyplot state) and rendered under one lock,
since matplotlib's font caches are not thread-safe; handlers call these in a thread.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, ParamSpec

from bot.formatting import Presenter, strip_isolates
from bot.text import shorten

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# matplotlib is imported where a chart is drawn, not with this module: it costs ~0.4 s
# and ~45 MB, which every start of the bot would pay for charts that few officials ask
# for (bench/resources.py: cold start and peak RSS).

FONTS_DIR: Final = Path(__file__).parent / "assets" / "fonts"
FONT_FAMILY: Final = "Vazirmatn"
FONT_FILES: Final = ("Vazirmatn-Regular.ttf", "Vazirmatn-Bold.ttf")
MAX_LABEL: Final = 38
DPI: Final = 110
COLOURS: Final = ("#2e7d32", "#1565c0", "#ef6c00", "#6a1b9a", "#c62828", "#00838f")

_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Make the bundled fonts known to matplotlib (once per process)."""
    global _registered
    from matplotlib import font_manager

    with _lock:
        if _registered:
            return
        for name in FONT_FILES:
            font_manager.fontManager.addfont(str(FONTS_DIR / name))
        _registered = True


def font_path() -> str:
    """The file matplotlib picks for chart text: proves the bundled font is in use."""
    from matplotlib import font_manager

    register_fonts()
    path = font_manager.findfont(
        font_manager.FontProperties(family=FONT_FAMILY), fallback_to_default=False
    )
    return str(path)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    # The bar's annotation, already in the reader's digits and units.
    text: str


def _shorten(label: str) -> str:
    # matplotlib lays the text out itself; the isolates that help chat clients are not
    # glyphs in the font.
    return shorten(strip_isolates(label), MAX_LABEL)


def _render(figure: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # no pyplot, no display

    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)  # type: ignore[no-untyped-call]  # untyped
    return buffer.getvalue()


def _figure(height: float) -> Figure:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8.0, height), dpi=DPI, layout="constrained")
    figure.patch.set_facecolor("white")
    return figure


@contextmanager
def chart_style() -> Iterator[None]:
    """The bundled font for every text of a chart, built and drawn under one lock."""
    import matplotlib

    register_fonts()
    with _lock, matplotlib.rc_context({"font.family": FONT_FAMILY, "font.size": 10}):
        yield


def _value_axis(axis: Any, fmt: Presenter, *, counts: bool) -> None:
    """Ticks of the value axis in the reader's digits; whole numbers only for counts
    (a count of ۰٫۲ reports means nothing)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    if counts:
        axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.number(v, 0 if counts else 1)))


def horizontal_figure(
    fmt: Presenter,
    title: str,
    bars: Sequence[Bar],
    *,
    axis_label: str = "",
    limit: float | None = None,
    counts: bool = False,
) -> Figure:
    """Bars from the reading side: in Persian the labels stand on the right and the bars
    grow leftwards, as a Persian reader expects; in English, the other way round.
    Call inside `chart_style()`."""
    rtl = fmt.is_fa
    figure = _figure(max(2.4, 0.42 * len(bars) + 1.4))
    axes = figure.add_subplot()
    positions = list(range(len(bars)))
    values = [b.value for b in bars]
    colours = [COLOURS[i % len(COLOURS)] for i in positions]
    axes.barh(positions, values, color=colours, height=0.6)
    axes.set_yticks(positions, [_shorten(b.label) for b in bars])
    axes.invert_yaxis()  # the first (largest) bar on top
    top = limit if limit is not None else (max(values) if values else 1) * 1.25 or 1
    axes.set_xlim(0, top)
    for position, bar in zip(positions, bars, strict=True):
        axes.annotate(
            strip_isolates(bar.text),
            (bar.value, position),
            xytext=(-4 if rtl else 4, 0),
            textcoords="offset points",
            ha="right" if rtl else "left",
            va="center",
            fontsize=9,
        )
    if rtl:
        axes.invert_xaxis()
        axes.yaxis.tick_right()
    _finish(axes, fmt, title, axis_label, values_on="x", counts=counts)
    return figure


def vertical_figure(
    fmt: Presenter, title: str, bars: Sequence[Bar], *, axis_label: str = "", counts: bool = False
) -> Figure:
    """A series in time order (months, weeks): read right to left in Persian.
    Call inside `chart_style()`."""
    rtl = fmt.is_fa
    figure = _figure(4.2)
    axes = figure.add_subplot()
    positions = list(range(len(bars)))
    values = [b.value for b in bars]
    axes.bar(positions, values, color=COLOURS[1], width=0.6)
    axes.set_xticks(positions, [_shorten(b.label) for b in bars], rotation=0)
    if len(bars) > 6:
        for label in axes.get_xticklabels():
            # The label ends at its bar: where a Persian reader's eye starts.
            label.set_rotation(35 if rtl else -35)
            label.set_rotation_mode("anchor")
            label.set_horizontalalignment("right" if rtl else "left")
    top = (max(values) if values else 1) * 1.2 or 1
    axes.set_ylim(0, top)
    for position, bar in zip(positions, bars, strict=True):
        axes.annotate(
            strip_isolates(bar.text),
            (position, bar.value),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8,
        )
    if rtl:
        axes.invert_xaxis()
        axes.yaxis.tick_right()
        axes.yaxis.set_label_position("right")
    _finish(axes, fmt, title, axis_label, values_on="y", counts=counts)
    return figure


def _finish(
    axes: Any,
    fmt: Presenter,
    title: str,
    axis_label: str,
    *,
    values_on: Literal["x", "y"],
    counts: bool,
) -> None:
    """What both orientations end with: the value axis (`values_on`) and its label, the
    title on the reader's side, no outer spines, a light grid along the values."""
    rtl = fmt.is_fa
    horizontal = values_on == "x"
    _value_axis(axes.xaxis if horizontal else axes.yaxis, fmt, counts=counts)
    axes.set_title(
        strip_isolates(title), fontsize=12, fontweight="bold", loc="right" if rtl else "left"
    )
    if axis_label:
        set_label = axes.set_xlabel if horizontal else axes.set_ylabel
        set_label(strip_isolates(axis_label))
    for side in ("top", "left" if rtl else "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis=values_on, alpha=0.3)


_P = ParamSpec("_P")


def _as_png(draw: Callable[_P, Figure]) -> Callable[_P, bytes]:
    """The drawing's PNG bytes, drawn under the chart style (and its lock)."""

    def png(*args: _P.args, **kwargs: _P.kwargs) -> bytes:
        with chart_style():
            return _render(draw(*args, **kwargs))

    return png


# The chat's charts: the same drawings the web board shows, as PNG files.
horizontal_bars = _as_png(horizontal_figure)
vertical_bars = _as_png(vertical_figure)
