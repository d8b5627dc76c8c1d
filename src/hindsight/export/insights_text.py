"""Text drawn once: an Agg renderer that keeps the glyph pictures of the texts it drew.

Rendering text is more than half of drawing an insight chart with Agg: every tick label,
axis label and legend entry is laid out and rasterised glyph by glyph on every draw, though
most of them are the same from one draw to the next (a new scope changes the bars, rarely
the labels). This renderer keeps, for each text (its words, font, size, angle and where it
falls within a pixel), the glyph pictures Agg made and where they went, and the next time
hands the same pictures to Agg at the new place: the same pixels, without the layout and
the rasterising. The pictures are made by matplotlib's own drawing, recorded as they are
handed over, so the kept ones are exactly what it would draw.

Measuring a text and laying it out (FreeType's shaping) cost about a quarter of a millisecond
each, and matplotlib remembers sizes only per renderer: this one remembers, for the process,
the size of each text measured and the glyphs and offsets of each text laid out (by its
words, font, size and dpi, not by where it falls), so the charts of a view, drawn on several
figures, measure and lay out "0", "Incidents" or "Q1 2025" once. matplotlib's own layout of
a Text (its box and its lines' places, `_text_layout` below) is kept the same way, for this
renderer and for SVG pictures.

The module also keeps, for the process, pixels that insights_charts and insights_style copy
instead of drawing (`kept_pixels`): a figure once its first axis is drawn, and the pixels a
legend drew. `forget` lets all of it go.
"""

from __future__ import annotations

import importlib
import math
import threading
from collections import OrderedDict
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import RendererAgg, get_hinting_flag
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text
from matplotlib.transforms import Bbox

# Private to matplotlib (3.10 and 3.11): without it, texts are drawn as Agg draws them.
RenderMode: Any = getattr(importlib.import_module("matplotlib.ft2font"), "RenderMode", None)

KEPT_TEXTS = 4000  # texts whose glyph pictures are kept (a few hundred bytes each)
KEPT_SIZES = 8000  # texts whose size, and whose glyphs and offsets, are kept
KEPT_GLYPH_PICTURES = 10000  # glyphs' pictures, a few hundred bytes each (a first view: 1,700)

# (text, font, size, dpi, hinting, thread) -> (width, height, descent) in pixels.
_SIZES: OrderedDict[tuple[Any, ...], tuple[float, float, float]] = OrderedDict()
# The same key -> (font object, glyph, x, y) of each glyph as FreeType laid them out. Fonts
# are the thread's own (matplotlib keeps one FT2Font per file and thread), hence the thread.
_LAYOUTS: OrderedDict[tuple[Any, ...], tuple[tuple[Any, int, float, float], ...]] = OrderedDict()
# matplotlib 3.11 draws a text from its layout with these; older ones draw it whole.
_LAYS_OUT = hasattr(RendererAgg, "_draw_text_glyphs_and_boxes")

# (font, size, dpi) -> (least ascent, least descent, line gap) in pixels, from the font's
# tables: what matplotlib 3.11 reads from the font file for every text it lays out.
_HEIGHTS: dict[tuple[Any, ...], tuple[float | None, float | None, float | None]] = {}
_HEIGHT_TABLES = (
    ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
    ("hhea", "lineGap", "ascent", "descent"),
)

# (text, font, size, dpi, alignment, rotation, ...) -> a Text's layout as Text._get_layout
# gives it: its box and its lines' sizes and places, relative to where the text is anchored.
_TEXT_LAYOUTS: OrderedDict[tuple[Any, ...], tuple[Any, ...]] = OrderedDict()

# (font, size, dpi, glyph, angle, slant, extend, where its origin falls within a pixel in
# 64ths across and up, hinting, antialiasing) -> the glyph's picture as FreeType rendered it,
# with its left and top edges relative to the whole pixel of its origin. A text drawn the
# first time is drawn from these: of the 2,652 glyphs of a first view's texts, 975 are the
# same glyph at the same place within a pixel as one drawn before.
_GLYPH_PICTURES: dict[tuple[Any, ...], tuple[Any, int, int]] = {}
# The glyph pictures lean on FT2Font's private rendering calls (matplotlib 3.10 and 3.11);
# another matplotlib draws every glyph as RendererAgg does, the pictures being the same.
_GLYPH_PICTURES_WORK = (
    RenderMode is not None
    and hasattr(RendererAgg, "_draw_text_glyphs_and_boxes")
    and all(hasattr(FT2Font, name) for name in ("_set_transform", "_render_glyph"))
)

# (text, font, size, angle, dpi, ... where it falls within a pixel) -> glyph pictures, each
# with its left edge and lower edge relative to the text's whole-pixel position.
_GLYPHS: OrderedDict[tuple[Any, ...], list[tuple[Any, int, int]]] = OrderedDict()


class _Recorder:
    """Stands in for Agg's drawing while a text is drawn: passes each glyph picture on and
    notes it."""

    def __init__(self, renderer: Any) -> None:
        self._renderer = renderer
        self.glyphs: list[tuple[Any, int, int]] = []
        self.keepable = True

    def draw_text_image(self, image: Any, x: int, y: int, angle: float, gc: Any) -> None:
        self._renderer.draw_text_image(image, x, y, angle, gc)
        if isinstance(image, np.ndarray) and not angle:
            self.glyphs.append((image.copy(), x, y))
        else:  # a whole text's picture, turned (older matplotlib): drawn, not kept
            self.keepable = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._renderer, name)


def _font_fields(prop: Any) -> tuple[Any, ...]:
    """The font a text is drawn in: its family, style, variant, weight, stretch, size, file."""
    return (
        tuple(prop.get_family()),
        prop.get_style(),
        prop.get_variant(),
        prop.get_weight(),
        prop.get_stretch(),
        prop.get_size_in_points(),
        prop.get_file(),
    )


def _font_key(s: str, prop: Any, dpi: float, mtext: Any = None) -> tuple[Any, ...]:
    """What the size and layout of text `s` in font `prop` depend on."""
    return (
        s,
        *_font_fields(prop),
        dpi,
        mpl.rcParams["text.hinting"],
        mpl.rcParams["text.hinting_factor"],
        _hashable(getattr(mtext, "get_fontfeatures", lambda: None)()),
        getattr(mtext, "get_language", lambda: None)(),
        threading.get_ident(),
    )


def _kept(store: OrderedDict[Any, Any], key: tuple[Any, ...], value: Any) -> None:
    store[key] = value
    if len(store) > KEPT_SIZES:
        store.popitem(last=False)


class TextKeepingRenderer(RendererAgg):
    """RendererAgg that draws a text it drew before from the glyph pictures it kept, and
    measures and lays out a text once for the process."""

    def get_text_width_height_descent(self, s: str, prop: Any, ismath: Any) -> Any:
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        key = _font_key(s, prop, self.dpi)
        found = _SIZES.get(key)
        if found is None:
            found = super().get_text_width_height_descent(s, prop, ismath)
            _kept(_SIZES, key, found)
        return found

    def _get_font_height_metrics(self, prop: Any) -> tuple[Any, Any, Any]:
        """A font's least ascent and descent and its line gap at this dpi, read from its
        tables once for the process (matplotlib 3.11 asks a renderer for them before every
        text's layout, and else reads the font's tables itself, the same way, every time)."""
        key = (*_font_fields(prop), self.dpi)  # any thread: the tables are the file's
        found = _HEIGHTS.get(key)
        if found is None:
            found = _font_height_metrics(prop, self.dpi)
            _HEIGHTS[key] = found
        return found

    def _draw_text_glyphs_and_boxes(
        self, gc: Any, x: float, y: float, angle: float, glyphs: Any, boxes: Any
    ) -> None:
        """Draw glyphs as RendererAgg does, each glyph's picture rendered once per place
        within a pixel.

        FreeType renders a glyph moved by whole pixels as the same picture moved by as many
        pixels: only where its origin falls within a pixel (in the 64ths FreeType places
        it by) changes the picture. Each is rendered as matplotlib renders it (the same
        size, transform and flags) the first time, and drawn from the kept picture after.
        """
        if boxes or not _GLYPH_PICTURES_WORK:  # (boxes: rules of mathematics) as Agg draws
            super()._draw_text_glyphs_and_boxes(gc, x, y, angle, glyphs, boxes)
            return
        # y is downwards; as in RendererAgg, with the same floating-point steps.
        cos = math.cos(math.radians(angle))
        sin = math.sin(math.radians(angle))
        load_flags = get_hinting_flag()
        antialiased = bool(gc.get_antialiased())
        height, dpi = self.height, self.dpi
        agg = self._renderer
        matrices: dict[tuple[float, float], Any] = {}
        for font, size, glyph_index, slant, extend, dx, dy in glyphs:  # dy is upwards.
            across = round(0x40 * (x + dx * cos - dy * sin))
            up = round(0x40 * (height - y + dx * sin + dy * cos))  # FreeType's y is upwards.
            key = (
                font,
                size,
                dpi,
                glyph_index,
                angle,
                slant,
                extend,
                across & 0x3F,
                up & 0x3F,
                load_flags,
                antialiased,
            )
            picture = _GLYPH_PICTURES.get(key)
            if picture is None:
                matrix = matrices.get((slant, extend))
                if matrix is None:
                    matrix = (
                        (
                            0x10000
                            * np.array([[cos, -sin], [sin, cos]])
                            @ [[extend, extend * slant], [0, 1]]
                        )
                        .round()
                        .astype(int)
                    )
                    matrices[(slant, extend)] = matrix
                font.set_size(size, dpi)
                font._set_transform(matrix, [across, up])
                bitmap = font._render_glyph(
                    glyph_index,
                    load_flags,
                    RenderMode.NORMAL if antialiased else RenderMode.MONO,
                )
                buffer = np.array(bitmap.buffer)  # its own copy
                if not antialiased:
                    buffer *= 0xFF
                picture = (buffer, bitmap.left - (across >> 6), bitmap.top - (up >> 6))
                if len(_GLYPH_PICTURES) >= KEPT_GLYPH_PICTURES:
                    _GLYPH_PICTURES.clear()
                _GLYPH_PICTURES[key] = picture
            buffer, left, top = picture
            # draw_text_image's y is downwards & the bitmap bottom side.
            agg.draw_text_image(
                buffer,
                left + (across >> 6),
                int(height) - (top + (up >> 6)) + buffer.shape[0],
                0,
                gc,
            )

    def _draw_laid_out(
        self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float, mtext: Any
    ) -> None:
        """Draw text `s` as RendererAgg.draw_text does, from its kept layout if any."""
        if not _LAYS_OUT:
            super().draw_text(gc, x, y, s, prop, angle, False, mtext)
            return
        key = _font_key(s, prop, self.dpi, mtext)
        layout = _LAYOUTS.get(key)
        if layout is None:
            font = self._prepare_font(prop)
            items = font._layout(
                s,
                flags=get_hinting_flag(),
                features=mtext.get_fontfeatures() if mtext is not None else None,
                language=mtext.get_language() if mtext is not None else None,
            )
            layout = tuple((i.ft_object, i.glyph_index, i.x, i.y) for i in items)
            _kept(_LAYOUTS, key, layout)
        size = prop.get_size_in_points()
        self._draw_text_glyphs_and_boxes(
            gc, x, y, angle, ((f, size, g, 0, 1, gx, gy) for f, g, gx, gy in layout), []
        )

    def draw_text(
        self,
        gc: Any,
        x: float,
        y: float,
        s: str,
        prop: Any,
        angle: float,
        ismath: Any = False,
        mtext: Any = None,
    ) -> None:
        if ismath:
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            return
        # Agg places glyphs from `x` and the height less `y`: a whole-pixel shift moves every
        # glyph picture by whole pixels and leaves it as it is.
        down = self.height - y
        left, top = math.floor(x), math.floor(down)
        key = (
            s,
            *_font_fields(prop),
            angle,
            self.dpi,
            self.height % 1,
            x - left,
            down - top,
            bool(gc.get_antialiased()),
            mpl.rcParams["text.hinting"],
            mpl.rcParams["text.hinting_factor"],
            _hashable(getattr(mtext, "get_fontfeatures", lambda: None)()),
            getattr(mtext, "get_language", lambda: None)(),
        )
        glyphs = _GLYPHS.get(key)
        if glyphs is None:
            agg = self._renderer
            recorder = _Recorder(agg)
            self._renderer = recorder  # type: ignore[assignment]
            try:
                self._draw_laid_out(gc, x, y, s, prop, angle, mtext)
            finally:
                self._renderer = agg
            if not recorder.keepable or (not recorder.glyphs and s.strip()):
                return  # drawn some other way (another matplotlib): nothing to keep
            _GLYPHS[key] = [(image, gx - left, gy + top) for image, gx, gy in recorder.glyphs]
            if len(_GLYPHS) > KEPT_TEXTS:
                _GLYPHS.popitem(last=False)
            return
        _GLYPHS.move_to_end(key)
        for image, gx, gy in glyphs:
            self._renderer.draw_text_image(image, gx + left, gy - top, 0, gc)


def _font_height_metrics(prop: Any, dpi: float) -> tuple[Any, Any, Any]:
    """As matplotlib's Text works them out from the font file (None: it measures instead)."""
    from matplotlib.font_manager import fontManager, get_font

    font: Any = get_font(fontManager._find_fonts_by_props(prop))
    for table_name, gap_key, ascent_key, descent_key in _HEIGHT_TABLES:
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        # In matplotlib's order of operations: the same floating-point numbers.
        fontsize = prop.get_size_in_points()
        units_per_em = font.get_sfnt_table("head")["unitsPerEm"]
        scale = 1 / units_per_em * fontsize * dpi / 72
        return table[ascent_key] * scale, -table[descent_key] * scale, table[gap_key] * scale
    return None, None, None


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    return value


# Pixels kept by what they show (insights_charts keeps there a whole canvas once the first
# axis of a figure is drawn, and the pixels a legend drew, both shown again by the same chart
# in another scope), with their size in bytes; the oldest go first beyond KEPT_PIXEL_BYTES.
_PIXELS: OrderedDict[tuple[Any, ...], tuple[Any, int]] = OrderedDict()
KEPT_PIXEL_BYTES = 32 * 2**20
_pixels_lock = threading.Lock()


def kept_pixels(key: tuple[Any, ...]) -> Any | None:
    """The pixels kept for `key`, or None."""
    with _pixels_lock:
        found = _PIXELS.get(key)
        if found is None:
            return None
        _PIXELS.move_to_end(key)
        return found[0]


def keep_pixels(key: tuple[Any, ...], pixels: Any, size: int) -> None:
    """Keep `pixels` (`size` bytes) for `key`."""
    if size > KEPT_PIXEL_BYTES:
        return
    with _pixels_lock:
        _PIXELS[key] = (pixels, size)
        total = sum(kept for _, kept in _PIXELS.values())
        while total > KEPT_PIXEL_BYTES:
            _, (_, dropped) = _PIXELS.popitem(last=False)
            total -= dropped


_plain_text_layout: Any = Text._get_layout  # type: ignore[attr-defined]


def _measured_by(renderer: Any) -> tuple[Any, ...] | None:
    """Whose sizes of texts `renderer` uses, when they are the same for the process: a
    TextKeepingRenderer's (kept), or the SVG renderer's (from the font file alone, at 72
    dpi; matplotlib's SVG pictures draw with it inside a MixedModeRenderer)."""
    if isinstance(renderer, TextKeepingRenderer):
        return ("agg", renderer.dpi)
    if isinstance(renderer, MixedModeRenderer):
        renderer = renderer._renderer  # type: ignore[attr-defined]  # the one drawing now
    if type(renderer) is RendererSVG:
        return ("svg", renderer.points_to_pixels(72))
    return None


def _text_layout(text: Text, renderer: Any) -> Any:
    """Text._get_layout, kept for the process when drawn by a TextKeepingRenderer or as SVG.

    A text's layout (the box around it, its lines' sizes and offsets, relative to the point
    it is anchored at) follows from its words, font, alignment and rotation and from the
    sizes the renderer measures: a TextKeepingRenderer keeps those for the process, and the
    SVG renderer takes them from the font file. Laying a text out again, for every tick
    label on every draw and again for every size asked, is about a tenth of drawing a chart
    (and matplotlib's SVG renderer, new for every picture, measured each text anew). A text
    wrapped to the figure, in TeX or with mathematics, or turned with its transform, is laid
    out as matplotlib does every time, as is any text another renderer draws.
    """
    measured = _measured_by(renderer)
    if measured is None:
        return _plain_text_layout(text, renderer)
    s = text.get_text()
    if "$" in s or text.get_wrap() or text.get_usetex() or text.get_transform_rotates_text():
        return _plain_text_layout(text, renderer)
    figure = text.get_figure(root=True)
    key = (
        s,
        *_font_fields(text.get_fontproperties()),
        figure.dpi if figure is not None else None,
        *measured,
        text.get_rotation(),
        text.get_rotation_mode(),
        text.get_horizontalalignment(),
        text.get_verticalalignment(),
        text._get_multialignment(),  # type: ignore[attr-defined]
        text.get_linespacing(),
        mpl.rcParams["text.hinting"],
        mpl.rcParams["text.hinting_factor"],
        threading.get_ident(),
    )
    found = _TEXT_LAYOUTS.get(key)
    if found is None:
        box, lines, corner = _plain_text_layout(text, renderer)
        found = (box.frozen(), tuple(lines), corner)
        _kept(_TEXT_LAYOUTS, key, found)
    box, lines, corner = found
    # A new box and list each time, as matplotlib hands out (the lines' tuples are frozen).
    return Bbox(box.get_points().copy()), list(lines), corner


Text._get_layout = _text_layout  # type: ignore[attr-defined]


def forget() -> None:
    """Forget every kept text, its size and layout, and the kept pixels (the bench draws
    anew with it)."""
    _GLYPHS.clear()
    _GLYPH_PICTURES.clear()
    _SIZES.clear()
    _LAYOUTS.clear()
    _HEIGHTS.clear()
    _TEXT_LAYOUTS.clear()
    with _pixels_lock:
        _PIXELS.clear()
