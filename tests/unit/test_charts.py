"""Charts: real PNGs, in the bundled Persian font, with shaped right-to-left labels."""

from __future__ import annotations

import struct

from matplotlib import _text_helpers
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text

from bot import charts
from bot.charts import Bar
from bot.formatting import Presenter

FA = Presenter("fa")
BANKS = [
    Bar("بانک ملی ایران", 2500, FA.money(2_500 * 10**9)),
    Bar("بانک ملت", 1500, FA.money(1_500 * 10**9)),
    Bar("بانک صادرات ایران", 500, FA.money(500 * 10**9)),
]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_a_chart_is_a_real_png() -> None:
    data = charts.horizontal_bars(FA, "تسهیلات بر حسب بانک", BANKS, axis_label="میلیارد ریال")
    width, height = png_size(data)
    assert (width, height) == (880, int(110 * (0.42 * 3 + 1.4)))  # 8 in wide at 110 dpi
    assert len(data) > 10_000  # bars, text and axes, not a blank canvas
    months = [Bar(FA.month_year(1398, m), m * 100, FA.number(m * 100)) for m in range(1, 9)]
    assert png_size(charts.vertical_bars(FA, "ماهانه", months))[0] == 880


def test_the_bundled_font_is_used() -> None:
    path = str(charts.font_path())
    assert path.endswith("bot/assets/fonts/Vazirmatn-Regular.ttf")
    with charts.chart_style():
        figure = charts.horizontal_figure(FA, "عنوان", BANKS)
        figure.canvas.draw()
        texts = [t for t in figure.findobj(Text) if t.get_text()]
        fonts = {str(findfont(t.get_fontproperties())) for t in texts}
    assert fonts <= {path, path.replace("Regular", "Bold")}


def test_persian_labels_are_given_in_logical_order_and_come_out_shaped() -> None:
    with charts.chart_style():
        figure = charts.horizontal_figure(FA, "تسهیلات بر حسب بانک", BANKS)
        figure.canvas.draw()
        axes = figure.axes[0]
        labels = [t.get_text() for t in axes.get_yticklabels()]
        # In RTL the labels stand on the right and the bars grow leftwards.
        assert axes.yaxis.get_ticks_position() == "right"
        assert axes.xaxis_inverted()
        digits = [t.get_text() for t in axes.get_xticklabels() if t.get_text()]
    # The text handed to matplotlib is the plain string: no reshaper, no bidi reordering.
    assert labels == [b.label for b in BANKS]
    assert digits
    assert all(set(d) <= set("۰۱۲۳۴۵۶۷۸۹٬٫") for d in digits)
    font = FT2Font(findfont(FontProperties(family=charts.FONT_FAMILY)))
    font.set_size(12, 72)
    word = "بانک"
    laid_out = list(_text_helpers.layout(word, font))
    isolated = [font.get_char_index(ord(c)) for c in word]
    # Shaped: joined (initial/medial/final) glyphs, not the isolated forms of each letter...
    assert [item.glyph_index for item in laid_out] != isolated
    # ...and right to left: the last letter is drawn first, leftmost.
    assert [item.char for item in laid_out] == list(reversed(word))
    width_shaped = max(i.x for i in laid_out)
    width_unshaped = sum(font.load_glyph(g).linearHoriAdvance / 65536 for g in isolated[:-1])
    assert abs(width_shaped - width_unshaped) > 0.5


def test_english_charts_read_left_to_right() -> None:
    en = Presenter("en")
    with charts.chart_style():
        figure = charts.horizontal_figure(en, "By bank", [Bar("Bank Melli", 3, "3")])
        axes = figure.axes[0]
        assert axes.yaxis.get_ticks_position() == "left"
        assert not axes.xaxis_inverted()
