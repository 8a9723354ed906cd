"""A cover generated from the title, subtitle and author, set in the book's own face.

A PNG drawn with Pillow (a WeasyPrint dependency) from the vendored EB Garamond: no system
fonts, no clock, no randomness, so the same text gives the same bytes. 1400 × 2100 pixels,
the 2:3 shape reading systems and shops expect.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from publish.render.assets import FONTS_DIR

if TYPE_CHECKING:
    from PIL.ImageDraw import ImageDraw
    from PIL.ImageFont import FreeTypeFont

SIZE = (1400, 2100)
PAPER = (245, 240, 229)
INK = (38, 33, 30)
ACCENT = (128, 32, 30)
MARGIN = 150


def generated_cover(title: str, subtitle: str, author: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    regular = str(FONTS_DIR / "EBGaramond12-Regular.otf")
    italic = str(FONTS_DIR / "EBGaramond12-Italic.otf")
    image = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    width = SIZE[0] - 2 * MARGIN

    draw.rectangle((60, 60, SIZE[0] - 60, SIZE[1] - 60), outline=INK, width=3)
    y: float = 430
    title_font = _fitting_font(regular, title, width, draw, start=130, lines=4)
    y = _centered(draw, _wrap(title, title_font, width, draw), title_font, y, INK, 1.12)
    y += 50
    draw.line((SIZE[0] / 2 - 120, y, SIZE[0] / 2 + 120, y), fill=ACCENT, width=4)
    y += 70
    if subtitle:
        font = ImageFont.truetype(italic, 62)
        _centered(draw, _wrap(subtitle, font, width, draw), font, y, INK, 1.2)
    if author:
        font = ImageFont.truetype(regular, 64)
        spaced = " ".join(author.upper())  # letterspaced capitals, as on the title page
        lines = _wrap(spaced, font, width, draw)
        _centered(draw, lines, font, SIZE[1] - 330 - 80 * (len(lines) - 1), INK, 1.2)

    out = io.BytesIO()
    # zlib's default level: a little larger than `optimize=True`, which took half an EPUB's time.
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def _fitting_font(path: str, text: str, width: int, draw: ImageDraw, start: int,
                  lines: int) -> FreeTypeFont:
    """The largest size, from `start` down, at which `text` wraps to at most `lines` lines."""
    from PIL import ImageFont

    size = start
    while size > 48:
        font = ImageFont.truetype(path, size)
        if len(_wrap(text, font, width, draw)) <= lines:
            return font
        size -= 8
    return ImageFont.truetype(path, size)


def _wrap(text: str, font: FreeTypeFont, width: int, draw: ImageDraw) -> list[str]:
    lines: list[str] = []
    for word in text.split(" "):
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _centered(draw: ImageDraw, lines: list[str], font: FreeTypeFont, y: float,
              fill: tuple[int, int, int], leading: float) -> float:
    step = font.size * leading
    for line in lines:
        draw.text((SIZE[0] / 2, y), line, font=font, fill=fill, anchor="ma")
        y += step
    return y
