"""The ISBN as an EAN-13 barcode, drawn as vector rectangles (SVG) for the print cover.

python-barcode encodes the digits into the 95 modules of the symbol (guards, left half in its
L and G patterns as the first digit chooses, right half in R); this module draws them: one
`<rect>` per run of dark modules, at the nominal module width (0.33 mm) scaled to fit the
printer's barcode area (never below 80%, the smallest size the standard allows), with its
quiet zones (11 modules before, 7 after) and the digits in human-readable form beneath.
"""

from __future__ import annotations

from dataclasses import dataclass

MODULE_MM = 0.33  # the nominal (100%) module width
MODULES = 95
QUIET_LEFT, QUIET_RIGHT = 11, 7
BAR_HEIGHT_MM = 22.85  # nominal height of the bars; the guards reach 5 modules lower
GUARD_EXTRA = 5
SMALLEST_SCALE = 0.8
MM_PER_INCH = 25.4


def ean13_of_isbn(isbn: str) -> str:
    """The 13 digits of an ISBN's EAN: an ISBN-13 as is; an ISBN-10 prefixed with 978,
    without its own check digit, with the EAN check digit computed."""
    digits = isbn.replace("-", "").replace(" ", "").upper()
    if len(digits) == 10:
        body = "978" + digits[:9]
        return body + str(ean_check_digit(body))
    return digits


def ean_check_digit(first12: str) -> int:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def modules(ean13: str) -> str:
    """The symbol's 95 modules, '1' dark and '0' light (python-barcode's encoding)."""
    from barcode import EAN13

    symbol = EAN13(ean13[:12])
    if symbol.get_fullcode() != ean13:
        raise ValueError(f"{ean13} is not a valid EAN-13 (its check digit)")
    encoded = str(symbol.build()[0])
    assert len(encoded) == MODULES
    return encoded


@dataclass(frozen=True)
class BarcodeBox:
    """The barcode laid out: its size in inches, its SVG (viewBox in modules)."""

    width: float
    height: float
    svg: str


def barcode_svg(ean13: str, area_width: float, area_height: float, caption: str) -> BarcodeBox:
    """The barcode with its quiet zones, the `caption` (`ISBN 978-…`) above it and the digits
    beneath, scaled to fit `area_width` × `area_height` inches (at most 100%)."""
    pattern = modules(ean13)
    wide = QUIET_LEFT + MODULES + QUIET_RIGHT
    bar_height = BAR_HEIGHT_MM / MODULE_MM  # in modules
    caption_height, digits_height = 11.0, 11.0  # the text lines, in modules
    tall = caption_height + bar_height + digits_height
    nominal = MODULE_MM / MM_PER_INCH  # inches per module at 100%
    scale = min(1.0, area_width / (wide * nominal), area_height / (tall * nominal))
    if scale < SMALLEST_SCALE:
        raise ValueError(f"the barcode area ({area_width:g} × {area_height:g} in) is too small "
                         f"for an EAN-13 at {SMALLEST_SCALE:.0%}")
    rects = []
    guards = {0, 1, 2, 45, 46, 47, 48, 49, 92, 93, 94}
    top = caption_height
    column = 0
    while column < MODULES:
        if pattern[column] != "1":
            column += 1
            continue
        run = column
        while run < MODULES and pattern[run] == "1":
            run += 1
        height = bar_height + (GUARD_EXTRA if column in guards else 0)
        rects.append(f'<rect x="{QUIET_LEFT + column}" y="{top:g}" width="{run - column}" '
                     f'height="{height:g}"/>')
        column = run
    digit_y = top + bar_height + digits_height - 2
    # The first digit stands in the left quiet zone; the others under their halves.
    text = (f'<text x="{QUIET_LEFT - 2}" y="{digit_y:g}" text-anchor="end">{ean13[0]}</text>'
            f'<text x="{QUIET_LEFT + 3 + 21}" y="{digit_y:g}" text-anchor="middle">{ean13[1:7]}</text>'
            f'<text x="{QUIET_LEFT + 50 + 21}" y="{digit_y:g}" text-anchor="middle">{ean13[7:]}</text>'
            f'<text x="{wide / 2:g}" y="{caption_height - 3:g}" text-anchor="middle">{caption}</text>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" class="barcode" viewBox="0 0 {wide} {tall:g}" '
           f'width="{wide * nominal * scale:.4f}in" height="{tall * nominal * scale:.4f}in">'
           f'<rect class="clear" x="0" y="0" width="{wide}" height="{tall:g}" fill="#fff"/>'
           f'<g fill="#000">{"".join(rects)}</g>'
           f'<g font-size="9" fill="#000" font-family="EB Garamond Vendored">{text}</g></svg>')
    return BarcodeBox(wide * nominal * scale, tall * nominal * scale, svg)


def isbn_display(isbn: str) -> str:
    """`ISBN 978-0-306-40615-7`, hyphenated as the book.yaml wrote it."""
    return f"ISBN {isbn.strip()}"
