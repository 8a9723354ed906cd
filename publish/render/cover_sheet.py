"""The print cover: back, spine and front as one sheet, as HTML and CSS for WeasyPrint.

The sheet is the cover's trim (back + spine + front, config/printers.cover_size) with the
printer's bleed all round, so WeasyPrint writes its TrimBox and BleedBox like the
interior's. Positions are inches from the trim's top left corner:

- the front is the EPUB cover's design (render/cover.py's `front_design`: the same lines at
  the same places, scaled to the trim, set in the PDF's own type), or the book's `cover:`
  image filling the front panel and its bleed;
- the spine carries the title and author, rotated to read from the top (the US and UK way),
  only when the printer allows spine text at this page count, inside its spine margins;
- the back carries the book's description, and the ISBN's EAN-13 (render/barcode.py, vector
  rectangles) in the printer's barcode area, bottom right, with nothing else inside it.

Every text stays inside the printer's safe margin from the trim and the spine folds.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from publish.config.printers import CoverSize, Printer
from publish.render import barcode, cover

BACK_TYPE_PT = 10.5  # the description
BACK_SIDE_MARGIN = 0.6  # the description's margins inside the back panel (at least the safe one)
BACK_TOP = 1.0
SPINE_TYPE_MOST_PT = 14.0
PT = 72.0


@dataclass(frozen=True)
class CoverText:
    title: str
    subtitle: str
    author: str
    description: str
    isbn: str
    language: str
    date: str  # the build's date, for the PDF's dates


@dataclass(frozen=True)
class BarcodeArea:
    """Where the printer's barcode goes on the sheet (inches from the trim's top left)."""

    left: float
    top: float
    width: float
    height: float


def barcode_area(size: CoverSize, printer: Printer) -> BarcodeArea:
    """Bottom right of the back panel, at the printer's distances from the spine and the
    bottom trim."""
    width, height = printer.barcode_size
    from_spine, from_bottom = printer.barcode_inset
    return BarcodeArea(size.trim_width - from_spine - width,
                       size.trim_height - from_bottom - height, width, height)


def cover_html(text: CoverText, size: CoverSize, printer: Printer, pages: int,
               sheets: list[str], image_uri: str | None = None) -> str:
    """The cover sheet as one HTML document; `sheets` come first (the fonts, the output
    intent's profile), then the cover's own rules."""
    css = _page_css(size) + "\n" + _cover_css(size, printer)
    styles = "".join(f"<style>\n{sheet}\n</style>\n" for sheet in [*sheets, css] if sheet)
    meta = "".join(f'<meta name="{name}" content="{escape(value)}"/>\n' for name, value in
                   (("author", text.author), ("dcterms.created", text.date),
                    ("dcterms.modified", text.date)) if value)
    body = "\n".join([_back(text, size, printer),
                      _spine(text, size, printer) if printer.spine_text_allowed(pages) else "",
                      _front(text, size, printer, image_uri)])
    return (f'<!DOCTYPE html>\n<html lang="{escape(text.language)}">\n<head>\n'
            f'<meta charset="utf-8"/>\n<title>{escape(text.title)}: cover</title>\n{meta}'
            f"{styles}</head>\n<body>\n{body}\n</body>\n</html>\n")


def _in(value: float) -> str:
    return f"{value:.4f}in"


def _page_css(size: CoverSize) -> str:
    width = 2 * size.trim_width + size.spine
    return (f"@page {{ size: {_in(width)} {_in(size.trim_height)}; bleed: {_in(size.bleed)}; "
            f"marks: none; margin: 0; background: rgb{cover.PAPER}; }}")


def _cover_css(size: CoverSize, printer: Printer) -> str:
    ink = f"rgb{cover.INK}"
    return "\n".join([
        "html, body { margin: 0; padding: 0; }",
        f'body {{ font-family: "EB Garamond Vendored", "STIX Fallback", serif; color: {ink}; '
        "font-variant-ligatures: common-ligatures; }",
        ".abs { position: absolute; margin: 0; }",
        ".line { text-align: center; white-space: pre; line-height: 1; }",
        ".italic { font-style: italic; }",
        f".frame {{ border: {_in(cover.FRAME_WIDTH * size.trim_width / cover.SIZE[0])} solid {ink}; "
        "box-sizing: border-box; }",
        f".rule {{ border-top: {_in(cover.RULE_WIDTH * size.trim_width / cover.SIZE[0])} solid "
        f"rgb{cover.ACCENT}; }}",
        f".blurb {{ font-size: {BACK_TYPE_PT}pt; line-height: 1.35; text-align: justify; "
        "hyphens: auto; }",
        ".blurb p { margin: 0 0 0.6em 0; }",
        ".back-author { text-align: left; font-size: 10pt; letter-spacing: 0.12em; }",
        ".spine-text { display: flex; align-items: center; justify-content: space-between; "
        "white-space: nowrap; letter-spacing: 0.08em; transform-origin: 0 0; "
        "transform: rotate(90deg); }",
        ".barcode-area { background: #fff; }",
        ".cover-image { object-fit: cover; }",
    ])


def _front(text: CoverText, size: CoverSize, printer: Printer, image_uri: str | None) -> str:
    left = size.trim_width + size.spine
    if image_uri:
        # The author's image, filling the front and its bleed (top, bottom and fore-edge).
        return (f'<img class="abs cover-image" src="{escape(image_uri)}" alt="" '
                f'style="left: {_in(left)}; top: {_in(-size.bleed)}; '
                f'width: {_in(size.trim_width + size.bleed)}; '
                f'height: {_in(size.trim_height + 2 * size.bleed)};"/>')
    design = cover.front_design(text.title, text.subtitle, text.author)
    across = size.trim_width / cover.SIZE[0]  # inches per canvas pixel
    down = size.trim_height / cover.SIZE[1]
    inset = max(cover.FRAME_INSET * across, printer.cover_safe)
    parts = [f'<div class="abs frame" style="left: {_in(left + inset)}; top: {_in(inset)}; '
             f'width: {_in(size.trim_width - 2 * inset)}; '
             f'height: {_in(size.trim_height - 2 * inset)};"></div>']
    for line in design.lines:
        style = "italic" if line.italic else ""
        parts.append(f'<p class="abs line {style}" style="left: {_in(left)}; '
                     f'top: {_in(line.y * down)}; width: {_in(size.trim_width)}; '
                     f'font-size: {line.size * across * PT:.2f}pt;">{escape(line.text)}</p>')
    rule_left = left + size.trim_width / 2 - cover.RULE_HALF * across
    parts.append(f'<div class="abs rule" style="left: {_in(rule_left)}; '
                 f'top: {_in(design.rule_y * down)}; width: {_in(2 * cover.RULE_HALF * across)};"></div>')
    return "\n".join(parts)


def spine_type_size(size: CoverSize, printer: Printer) -> float:
    """The spine's type size in points: what fits between its margins, at most 14pt."""
    room = size.spine - 2 * printer.spine_margin
    return round(min(SPINE_TYPE_MOST_PT, room * 0.6 * PT), 2)


def _spine(text: CoverText, size: CoverSize, printer: Printer) -> str:
    """Title and author along the spine, reading from the top; a rotated box whose length
    is the trim height less the safe margins."""
    type_pt = spine_type_size(size, printer)
    if type_pt <= 0:
        return ""
    along = size.trim_height - 2 * max(printer.cover_safe, 0.5)
    left = size.trim_width + size.spine  # rotated about its top left corner: it swings left
    top = (size.trim_height - along) / 2
    return (f'<div class="abs spine-text" style="left: {_in(left)}; top: {_in(top)}; '
            f'width: {_in(along)}; height: {_in(size.spine)}; font-size: {type_pt}pt;">'
            f'<span class="spine-title">{escape(text.title.upper())}</span>'
            f'<span class="spine-author">{escape(text.author.upper())}</span></div>')


def _back(text: CoverText, size: CoverSize, printer: Printer) -> str:
    side = max(BACK_SIDE_MARGIN, printer.cover_safe)
    area = barcode_area(size, printer)
    parts = []
    bottom = area.top - 0.3  # the blurb stops above the barcode's area
    if text.description:
        paragraphs = "".join(f"<p>{escape(p.strip())}</p>" for p in text.description.split("\n\n")
                             if p.strip())
        parts.append(f'<div class="abs blurb" style="left: {_in(side)}; top: {_in(BACK_TOP)}; '
                     f'width: {_in(size.trim_width - 2 * side)}; '
                     f'max-height: {_in(bottom - BACK_TOP)}; overflow: hidden;">{paragraphs}</div>')
    if text.author:
        parts.append(f'<p class="abs back-author" style="left: {_in(side)}; '
                     f'top: {_in(area.top + area.height - 0.2)}; width: {_in(area.left - side - 0.2)};">'
                     f'{escape(text.author.upper())}</p>')
    if text.isbn:
        ean = barcode.ean13_of_isbn(text.isbn)
        box = barcode.barcode_svg(ean, area.width, area.height, barcode.isbn_display(text.isbn))
        left = area.left + (area.width - box.width) / 2
        top = area.top + (area.height - box.height) / 2
        parts.append(f'<div class="abs barcode-area" style="left: {_in(area.left)}; '
                     f'top: {_in(area.top)}; width: {_in(area.width)}; height: {_in(area.height)};"></div>')
        parts.append(f'<div class="abs" style="left: {_in(left)}; top: {_in(top)}; '
                     f'width: {_in(box.width)}; height: {_in(box.height)};">{box.svg}</div>')
    return "\n".join(parts)

