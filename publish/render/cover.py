"""The front cover's design, generated from the title, subtitle and author in the book's face.

One design, two renderings: `front_design` places the lines (title sized to fit, a rule,
the subtitle, the author in spaced capitals at the foot, a frame) on a 1400 × 2100 canvas,
the 2:3 shape reading systems and shops expect; `generated_cover` draws it as the EPUB's
cover PNG with Pillow (a WeasyPrint dependency), and the print cover's front panel
(render/cover_sheet.py) sets the same lines, at the same places scaled to its trim, in the
PDF's own type. No system fonts, no clock, no randomness: the same text gives the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from publish.render.assets import FONTS_DIR

SIZE = (1400, 2100)
PAPER = (245, 240, 229)
INK = (38, 33, 30)
ACCENT = (128, 32, 30)
MARGIN = 150
FRAME_INSET, FRAME_WIDTH = 60, 3
RULE_HALF, RULE_WIDTH = 120, 4
REGULAR = str(FONTS_DIR / "EBGaramond12-Regular.otf")
ITALIC = str(FONTS_DIR / "EBGaramond12-Italic.otf")


@dataclass(frozen=True)
class Line:
    """One line of the front, centred; `y` is the top of its ascenders (canvas pixels)."""

    text: str
    italic: bool
    size: int  # pixels
    y: float


@dataclass(frozen=True)
class FrontDesign:
    lines: tuple[Line, ...]
    rule_y: float  # the accent rule under the title


def front_design(title: str, subtitle: str, author: str) -> FrontDesign:
    """Where each line of the front goes on the 1400 × 2100 canvas."""
    from PIL import Image, ImageDraw, ImageFont

    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    width = SIZE[0] - 2 * MARGIN
    lines: list[Line] = []
    y = 430.0
    title_font = _fitting_font(ImageFont, REGULAR, title, width, draw, start=130, lines=4)
    for text in _wrap(title, title_font, width, draw):
        lines.append(Line(text, False, title_font.size, y))
        y += title_font.size * 1.12
    y += 50
    rule_y = y
    y += 70
    if subtitle:
        font = ImageFont.truetype(ITALIC, 62)
        for text in _wrap(subtitle, font, width, draw):
            lines.append(Line(text, True, 62, y))
            y += 62 * 1.2
    if author:
        font = ImageFont.truetype(REGULAR, 64)
        spaced = " ".join(author.upper())  # letterspaced capitals, as on the title page
        wrapped = _wrap(spaced, font, width, draw)
        y = SIZE[1] - 330 - 80 * (len(wrapped) - 1)
        for text in wrapped:
            lines.append(Line(text, False, 64, y))
            y += 64 * 1.2
    return FrontDesign(tuple(lines), rule_y)


def generated_cover(title: str, subtitle: str, author: str) -> bytes:
    """The front design as the EPUB's cover PNG."""
    from PIL import Image, ImageDraw, ImageFont

    design = front_design(title, subtitle, author)
    image = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((FRAME_INSET, FRAME_INSET, SIZE[0] - FRAME_INSET, SIZE[1] - FRAME_INSET),
                   outline=INK, width=FRAME_WIDTH)
    for line in design.lines:
        font = ImageFont.truetype(ITALIC if line.italic else REGULAR, line.size)
        draw.text((SIZE[0] / 2, line.y), line.text, font=font, fill=INK, anchor="ma")
    draw.line((SIZE[0] / 2 - RULE_HALF, design.rule_y, SIZE[0] / 2 + RULE_HALF, design.rule_y),
              fill=ACCENT, width=RULE_WIDTH)

    out = io.BytesIO()
    # zlib's default level: a little larger than `optimize=True`, which took half an EPUB's time.
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def _fitting_font(ImageFont: Any, path: str, text: str, width: int, draw: Any, start: int,
                  lines: int) -> Any:
    """The largest size, from `start` down, at which `text` wraps to at most `lines` lines."""
    size = start
    while size > 48:
        font = ImageFont.truetype(path, size)
        if len(_wrap(text, font, width, draw)) <= lines:
            return font
        size -= 8
    return ImageFont.truetype(path, size)


def _wrap(text: str, font: Any, width: int, draw: Any) -> list[str]:
    lines: list[str] = []
    for word in text.split(" "):
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines
