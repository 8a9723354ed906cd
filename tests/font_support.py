"""Small fonts made for the tests with fontTools' FontBuilder: a few glyphs each, under the
SIL Open Font License (written here, so nothing is copied from a real font).

Each glyph is a frame with a pattern of bars taken from its code point, so two characters
never look alike on a rendered page, and a drawn glyph is never mistaken for an empty box.
The same arguments give the same bytes (fixed dates), as a reproducible build needs.
"""

from __future__ import annotations

from pathlib import Path

OFL_TEXT = """Copyright 2026 The publish test suite.

This Font Software is licensed under the SIL Open Font License, Version 1.1.
This license is available with a FAQ at: https://openfontlicense.org
"""
UNITS = 1000


def glyph_name(char: str) -> str:
    return "space" if char == " " else f"uni{ord(char):04X}" if ord(char) <= 0xFFFF else f"u{ord(char):05X}"


def _outline(char: str, italic: bool):
    """A frame and up to four bars from the code point's low bits (slanted when italic)."""
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    pen = TTGlyphPen(None)
    slant = 0.2 if italic else 0.0

    def box(x0: int, y0: int, x1: int, y1: int) -> None:
        points = [(x0, y0), (x0, y1), (x1, y1), (x1, y0)]  # clockwise: filled
        pen.moveTo(_slanted(points[0], slant))
        for point in points[1:]:
            pen.lineTo(_slanted(point, slant))
        pen.closePath()

    if char == " ":
        return pen.glyph()
    box(80, -60, 140, 760)
    box(860, -60, 920, 760)
    box(80, -60, 920, 0)
    box(80, 700, 920, 760)
    code = ord(char)
    for bit in range(4):
        if code >> bit & 1:
            y = 100 + bit * 150
            box(200, y, 800, y + 60)
    box(480, 40, 520, 660)  # a spine, so no glyph is only a frame
    return pen.glyph()


def _slanted(point: tuple[int, int], slant: float) -> tuple[int, int]:
    x, y = point
    return (round(x + slant * y), y)


def make_font(path: Path, family: str, characters: str, italic: bool = False,
              licence: bool = True) -> Path:
    """Write a TrueType font of `family` drawing `characters` (and a space) to `path`, with
    the OFL beside it unless `licence` is false."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.misc.timeTools import timestampFromString
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    characters = "".join(dict.fromkeys(" " + characters))
    style = "Italic" if italic else "Regular"
    order = [".notdef", *(glyph_name(c) for c in characters)]
    builder = FontBuilder(UNITS, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap({ord(c): glyph_name(c) for c in characters})
    notdef = TTGlyphPen(None).glyph()
    builder.setupGlyf({".notdef": notdef, **{glyph_name(c): _outline(c, italic) for c in characters}})
    builder.setupHorizontalMetrics({name: (UNITS, 0) for name in order})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({
        "familyName": family, "styleName": style, "uniqueFontIdentifier": f"{family} {style} test",
        "fullName": f"{family} {style}", "psName": f"{family.replace(' ', '')}-{style}",
        "version": "Version 1.000", "copyright": "Copyright 2026 The publish test suite",
        "licenseDescription": "This Font Software is licensed under the SIL Open Font License, Version 1.1.",
        "licenseInfoURL": "https://openfontlicense.org",
    })
    builder.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120,
                     fsSelection=0x01 if italic else 0x40, usWeightClass=400)
    builder.setupPost()
    # A fixed date (seconds since 1904, as the format counts): the same bytes every time.
    stamp = timestampFromString("Thu Jan  1 00:00:00 2026")
    builder.setupHead(unitsPerEm=UNITS, created=stamp, modified=stamp, macStyle=0x02 if italic else 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    builder.save(str(path))
    if licence:
        (path.parent / "OFL.txt").write_text(OFL_TEXT, encoding="utf-8")
    return path
