"""The book HTML -> PDF through WeasyPrint's public API, reading only project files, never
the network (what reaches past that API is in render/weasy/).

`layout` and `write` are separate so the print build can lay a book out, count its pages and
lay it out again with a wider gutter before anything is written (build/outputs.print_layout).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from publish.model.errors import ToolError
from publish.reading.files import ProjectFiles
from publish.render import pdfx, weasy
from publish.render.long_words import breakable
from publish.render.page import BOOK_LINE
from publish.render.runts import RuntPuller
from publish.render.weasy.page_making import pulling_runts

POINTS_PER_INCH = 72


def layout(html: str, base_dir: Path, files: ProjectFiles, pull_runts: bool = False,
           first_recto: bool = True) -> Any:
    """Lay out `html`; returns WeasyPrint's Document (its `.pages` are the pages).
    `pull_runts`: a scene's or play's last page of one or two lines pulled forward as the
    pages are made (render/runts.py; the book style's print edition); `first_recto`:
    whether the first page is a recto, for that rule (a part of the print edition may
    begin on a verso: its HTML says so, render/print_parts.py)."""
    weasy.prepare()
    pulling = (pulling_runts(RuntPuller(first_recto), BOOK_LINE) if pull_runts
               else contextlib.nullcontext())
    base_url = base_dir.as_uri() + "/"
    head, separator, body = breakable(html).partition("</head>")
    try:
        sheets = [weasy.stylesheet(css, base_url, files) for css in _STYLE.findall(head)]
        document = weasy.html_document(_STYLE.sub("", head) + separator + body, base_url, files)
        with pulling:
            return document.render(stylesheets=sheets, font_config=weasy.font_config(),
                                   color_profiles=weasy.color_profiles(sheets))
    except (OSError, ValueError, AssertionError) as exc:
        raise ToolError(f"WeasyPrint could not lay out the book: {exc}") from exc


def with_blank_page(document: Any, page_css: str, base_dir: Path, files: ProjectFiles) -> Any:
    """`document` with a blank page after its last, laid out by `page_css` (a printer that
    wants an even page count gets one at the end, as it would otherwise add itself)."""
    blank = layout(f"<!DOCTYPE html>\n<html><head>\n<style>\n{page_css}\n</style>\n</head>"
                   "<body></body></html>", base_dir, files)
    return document.copy([*document.pages, blank.pages[0]])


# The <style> elements of our documents' heads (render/html.py writes one per stylesheet).
_STYLE = re.compile(r"<style>\n(.*?)\n</style>\n", re.S)


def write(document: Any, output: Path, bleed_box: float | None = None,
          variant: str | None = None, document_seed: str = "") -> int:
    """Write a laid-out document; returns its page count. `bleed_box` (inches), when given,
    sets every page's BleedBox that far outside its TrimBox: WeasyPrint caps it at 10pt and
    ties it to the CSS bleed, which for `press` is wider to leave room for the crop marks.
    `variant` (`pdf/a-3b`, `pdf/ua-1`, `pdf/x-…`) is a standard WeasyPrint writes the PDF
    to: it adds the XMP identification, an sRGB OutputIntent (PDF/A), the structure tags
    (PDF/UA), a CMYK OutputIntent (PDF/X, finished by render/pdfx.py, which makes its
    DocumentID from `document_seed`: the book's identifier and date)."""
    finishers = []
    if bleed_box:
        finishers.append(_bleed_box_setter(bleed_box * POINTS_PER_INCH))
    if variant and pdfx.is_pdfx(variant):
        finishers.append(pdfx.finisher(variant, document_seed or output.name))
    finisher = _chained(finishers) if finishers else None
    options = {"pdf_variant": variant} if variant else {}
    try:
        document.write_pdf(output, finisher=finisher, **options)
    except OSError:
        raise  # the file could not be written (a full disk, a read-only folder): build/ says so
    except (ValueError, AssertionError) as exc:
        raise ToolError(f"WeasyPrint could not write {output.name}: {exc}") from exc
    return len(document.pages)


def to_bytes(document: Any) -> bytes:
    """A laid-out document as PDF bytes (a part of a PDF merged later)."""
    try:
        written: bytes = document.write_pdf()
        return written
    except (OSError, ValueError, AssertionError) as exc:
        raise ToolError(f"WeasyPrint could not write the PDF: {exc}") from exc


Finisher = Callable[[Any, Any], None]


def _chained(finishers: list[Finisher]) -> Finisher:
    def finish(document: Any, pdf: Any) -> None:
        for each in finishers:
            each(document, pdf)
    return finish


def _bleed_box_setter(points: float) -> Finisher:
    def finish(document: Any, pdf: Any) -> None:
        import pydyf
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page" and "TrimBox" in obj:
                left, top, right, bottom = obj["TrimBox"]
                # Never beyond the page: a printer's interior has no bleed at the spine.
                media = obj.get("MediaBox", (left - points, top - points, right + points, bottom + points))
                obj["BleedBox"] = pydyf.Array([max(left - points, media[0]), max(top - points, media[1]),
                                               min(right + points, media[2]), min(bottom + points, media[3])])
    return finish
