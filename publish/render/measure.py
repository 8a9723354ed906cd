"""How wide a line of text is set in the book face, from the font's own advance widths:
for text that must fit on one line where WeasyPrint would wrap it rather than cut it (a
running head in a page's margin box, where `text-overflow` has no effect). Kerning is left
out (it narrows a line by a fraction of a per cent); small capitals are measured in the
face's own small-capital glyphs (its `smcp` and `c2sc` features)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from publish.render import assets

# Characters the face lacks (drawn from a fallback) are counted as wide as a capital M.
MISSING = "M"


@dataclass(frozen=True)
class Face:
    advances: dict[str, int]  # glyph name -> advance, in font units
    glyphs: dict[int, str]  # code point -> glyph name
    small_caps: dict[str, str]  # glyph name -> its small capital's
    units_per_em: int


@functools.cache
def face(style: str) -> Face:
    """The book face's regular or italic font (`style`: "normal" or "italic")."""
    from fontTools.ttLib import TTFont

    filename = next(name for family, face_style, name in assets.FONT_FACES if face_style == style)
    with TTFont(assets.FONTS_DIR / filename, lazy=True) as font:
        advances = {name: metrics[0] for name, metrics in font["hmtx"].metrics.items()}
        glyphs = dict(font.getBestCmap())
        small_caps = _single_substitutions(font, ("c2sc", "smcp"))
        return Face(advances, glyphs, small_caps, font["head"].unitsPerEm)


def _single_substitutions(font: Any, features: tuple[str, ...]) -> dict[str, str]:
    """Glyph -> glyph of the single substitutions (GSUB lookup type 1, possibly behind an
    extension) of `features`, in their order."""
    table = font["GSUB"].table
    mapping: dict[str, str] = {}
    for feature in features:
        for record in table.FeatureList.FeatureRecord:
            if record.FeatureTag != feature:
                continue
            for index in record.Feature.LookupListIndex:
                lookup = table.LookupList.Lookup[index]
                for subtable in lookup.SubTable:
                    subtable = getattr(subtable, "ExtSubTable", subtable)
                    for glyph, substitute in getattr(subtable, "mapping", {}).items():
                        mapping.setdefault(glyph, substitute)
    return mapping


def text_width(text: str, size: float, style: str = "normal", small_caps: bool = False,
               letter_spacing: float = 0.0) -> float:
    """The width in points of `text` set at `size` points (`letter_spacing` in ems, after
    every character, as CSS adds it)."""
    font = face(style)
    missing = font.glyphs.get(ord(MISSING), "")
    units = 0
    for char in text:
        glyph = font.glyphs.get(ord(char), missing)
        if small_caps:
            glyph = font.small_caps.get(glyph, glyph)
        units += font.advances.get(glyph, font.advances.get(missing, font.units_per_em))
    return size * (units / font.units_per_em + letter_spacing * len(text))


def shortened(text: str, fits: Callable[[str], bool]) -> str:
    """`text` if `fits(text)`; else cut before its subtitle (after a colon or a dash), or
    failing that after its last whole word that fits, with an ellipsis."""
    if fits(text):
        return text
    for separator in (": ", " \u2014 ", " \u2013 ", " - "):
        head = text.split(separator, 1)[0].rstrip()
        if head != text and fits(head):
            return head
    words = text.split()
    for count in range(len(words) - 1, 0, -1):
        cut = " ".join(words[:count]).rstrip(",;:.\u2014\u2013-") + "\u2026"
        if fits(cut):
            return cut
    return text[:1] + "\u2026"
