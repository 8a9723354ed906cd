"""`publish preflight`: the built interior and cover checked against the printer's rules.

The files are read as a printer's own preflight reads them: pikepdf for the structure (page
boxes, fonts, the PDF/X identification), PDFium (pypdfium2) for where text and images land
on each page. Each finding is a Diagnostic with a code, the file, the page and what to change:

  P101 error    page count    the interior's page count outside the printer's range
  P102 error    odd pages     an odd page count where the printer wants an even one
  P103 error    trim          a page's TrimBox is not the book's trim, or the printer does not
                              print that trim
  P104 error    boxes         a page without TrimBox or BleedBox, or a bleed other than the
                              printer's (none at the spine where it wants three edges)
  P105 error    margins       text closer to an edge than the printer allows: the gutter for
                              the page count on the spine side, its least margin elsewhere
  P106 error    fonts         a font not embedded (no FontFile, FontFile2 or FontFile3)
  P107 warning  resolution    an image below 300 ppi at its placed size
  P108 error    standard      not the PDF/X the printer asks for, or no output intent
  P201 error    cover size    the cover sheet is not 2 × trim + spine + 2 × bleed wide and
                              trim + 2 × bleed tall for the interior's pages and paper
  P202 error    spine text    text on the spine of a book too thin for it, or closer to a
                              fold than the printer's spine margin
  P203 error    barcode area  something other than the barcode in the printer's barcode area
  P204 error    cover safety  cover text closer to the trim than the printer's safe margin
  P205 error    no cover      a book with a printer and no built cover

Books that name no printer are checked for what every printer wants (P104, P106, P107).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publish.build.covers import cover_path, sheet_size
from publish.build.jobs import BookJob
from publish.build.outputs import job_printer, print_standard
from publish.config import TRIMS
from publish.config.printers import Printer
from publish.model.diagnostics import Diagnostic, Severity
from publish.model.errors import InputError, Location
from publish.render.cover_sheet import barcode_area

PT = 72.0
TOLERANCE = 0.01  # inches: what rounding to points leaves of a length
LEAST_PPI = 300
MOST_PAGES_LISTED = 8


@dataclass(frozen=True)
class Box:
    """A rectangle in PDF user space (points, y up)."""

    left: float
    bottom: float
    right: float
    top: float

    def overlaps(self, other: Box) -> bool:
        return (self.left < other.right and other.left < self.right
                and self.bottom < other.top and other.bottom < self.top)

    def inside(self, other: Box) -> bool:
        return (self.left >= other.left - 0.5 and self.right <= other.right + 0.5
                and self.bottom >= other.bottom - 0.5 and self.top <= other.top + 0.5)


def preflight(job: BookJob, outdir: Path) -> list[Diagnostic]:
    """The findings on the book's built interior (dist/<book>.pdf) and, when it names a
    printer, its cover (dist/<book>-cover.pdf)."""
    interior = outdir / f"{job.id}.pdf"
    if not interior.is_file():
        raise InputError(f"{_shown(interior, job)} is not built: run `publish all` (or "
                         f"`publish pdf --book {job.id}`) first")
    printer = job_printer(job)
    checks = _Checks(job, printer, _shown(interior, job))
    pages = checks.interior(interior)
    if printer is not None:
        cover = cover_path(outdir, job)
        if not cover.is_file():
            checks.finding("P205", Severity.ERROR, _shown(cover, job), "the cover is not built",
                           f"run `publish cover --book {job.id}`")
        else:
            checks.cover(cover, pages)
    return checks.findings


def _shown(path: Path, job: BookJob) -> str:
    try:
        return str(path.relative_to(job.root))
    except ValueError:
        return str(path)


class _Checks:
    def __init__(self, job: BookJob, printer: Printer | None, shown: str):
        self.job = job
        self.printer = printer
        self.shown = shown
        self.findings: list[Diagnostic] = []

    def finding(self, code: str, severity: Severity, where: str, message: str, hint: str) -> None:
        self.findings.append(Diagnostic(severity, code, message, Location(where), hint))

    # -- the interior

    def interior(self, path: Path) -> int:
        import pikepdf
        import pypdfium2 as pdfium

        with pikepdf.open(path) as pdf:
            count = len(pdf.pages)
            self.page_count(count)
            self.trims_and_boxes(pdf)
            self.fonts(pdf, self.shown)
            self.standard(pdf)
        document = pdfium.PdfDocument(path)
        try:
            self.margins(document, count)
            self.images(document, self.shown)
        finally:
            document.close()
        return count

    def page_count(self, count: int) -> None:
        printer = self.printer
        if printer is None:
            return
        if not printer.min_pages <= count <= printer.max_pages:
            self.finding("P101", Severity.ERROR, self.shown,
                         f"the interior has {count} pages; {printer.title} prints "
                         f"{printer.min_pages} to {printer.max_pages}",
                         "add pages (front or back matter) or split the book" if count < printer.min_pages
                         else "split the book into volumes, or choose a larger trim")
        if printer.even_pages and count % 2:
            self.finding("P102", Severity.ERROR, self.shown,
                         f"the interior has {count} pages, an odd count; {printer.title} wants "
                         "an even one", "add a blank page at the end")

    def trims_and_boxes(self, pdf: Any) -> None:
        settings = self.job.settings
        width, height = TRIMS[settings.trim]
        printer = self.printer
        if printer is not None and settings.trim not in printer.trims:
            self.finding("P103", Severity.ERROR, self.shown,
                         f"{printer.title} does not print the trim {settings.trim}",
                         f"set print.trim to one of {', '.join(printer.trims)}")
        wrong_trim, no_boxes, wrong_bleed = [], [], []
        for number, page in enumerate(pdf.pages, start=1):
            if "/TrimBox" not in page or "/BleedBox" not in page:
                no_boxes.append(number)
                continue
            trim = _box(page.TrimBox)
            if (abs((trim.right - trim.left) / PT - width) > TOLERANCE
                    or abs((trim.top - trim.bottom) / PT - height) > TOLERANCE):
                wrong_trim.append(number)
            if printer is not None and settings.profile == "pod" and not _bleeds_as(
                    _box(page.BleedBox), _box(page.MediaBox), trim, number, printer):
                wrong_bleed.append(number)
        if no_boxes:
            self.finding("P104", Severity.ERROR, self.shown,
                         f"{_pages(no_boxes)} have no TrimBox or BleedBox",
                         "build the PDF with `publish pdf` (profile pod or press)")
        if wrong_trim:
            self.finding("P103", Severity.ERROR, self.shown,
                         f"{_pages(wrong_trim)}: the TrimBox is not {settings.trim}",
                         "rebuild the PDF: `publish pdf`")
        if wrong_bleed and printer is not None:
            where = "the outer edges, none at the spine" if printer.bleed_outer_only else "every edge"
            self.finding("P104", Severity.ERROR, self.shown,
                         f"{_pages(wrong_bleed)}: the bleed is not {printer.bleed:g}in on {where}",
                         f"rebuild with profile pod for {printer.title}: `publish pdf --profile pod`")

    def fonts(self, pdf: Any, shown: str) -> None:
        missing: dict[str, list[int]] = {}
        for number, page in enumerate(pdf.pages, start=1):
            for name in _unembedded_fonts(page):
                missing.setdefault(name, []).append(number)
        for name, pages in missing.items():
            self.finding("P106", Severity.ERROR, shown, f"the font {name} is not embedded "
                         f"({_pages(pages)})", "embed every font: use a font file the "
                         "stylesheets load with @font-face, not a system font")

    def standard(self, pdf: Any) -> None:
        printer = self.printer
        if printer is None:
            return
        wanted = print_standard(self.job, self.job.settings)
        found = _pdfx_version(pdf)
        intents = pdf.Root.get("/OutputIntents")
        if printer.pdf_variant and not found:
            self.finding("P108", Severity.ERROR, self.shown,
                         f"the PDF is not PDF/X; {printer.title} asks for "
                         f"{printer.pdf_variant.upper()}", "remove print.pdf_variant from "
                         "book.yaml (the printer's is the default) and rebuild")
        elif found and (not intents or intents[0].get("/S") != "/GTS_PDFX"):
            self.finding("P108", Severity.ERROR, self.shown,
                         f"the PDF says it is {found} but has no PDF/X output intent",
                         "rebuild the PDF: `publish pdf`")
        elif found and wanted and not found.lower().startswith(wanted.upper().lower()):
            self.finding("P108", Severity.ERROR, self.shown,
                         f"the PDF is {found}, not the {wanted.upper()} book.yaml asks for",
                         "rebuild the PDF: `publish pdf`")

    def margins(self, document: Any, count: int) -> None:
        """Text inside the printer's margins: the gutter for this page count at the spine,
        the least margin at the head, foot and fore-edge."""
        printer = self.printer
        if printer is None:
            return
        gutter, least = printer.gutter(count), printer.least_margin
        close: dict[str, list[int]] = {}
        nearest: dict[str, float] = {}
        for number in range(1, count + 1):
            page = document[number - 1]
            trim = Box(*page.get_trimbox())
            recto = number % 2 == 1
            for text in _text_boxes(page):
                distances = {"top": (trim.top - text.top) / PT,
                             "bottom": (text.bottom - trim.bottom) / PT,
                             "inside": ((text.left - trim.left) if recto else (trim.right - text.right)) / PT,
                             "outside": ((trim.right - text.right) if recto
                                         else (text.left - trim.left)) / PT}
                for edge, distance in distances.items():
                    wanted = gutter if edge == "inside" else least
                    if distance < wanted - TOLERANCE:
                        pages = close.setdefault(edge, [])
                        if not pages or pages[-1] != number:
                            pages.append(number)
                        nearest[edge] = min(nearest.get(edge, distance), distance)
        for edge, pages in close.items():
            wanted = gutter if edge == "inside" else least
            name = f"the gutter for {count} pages" if edge == "inside" else "its least margin"
            self.finding("P105", Severity.ERROR, self.shown,
                         f"{_pages(pages)}: text {nearest[edge]:.3f}in from the {edge} edge; "
                         f"{printer.title} wants {wanted:g}in ({name})",
                         "widen that margin in the stylesheet, or move the running heads and "
                         "folios inside it")

    def images(self, document: Any, shown: str) -> None:
        for number, page in enumerate(document, start=1):
            for ppi, placed in _image_resolutions(page):
                if ppi < LEAST_PPI - 0.5:
                    self.finding("P107", Severity.WARNING, shown,
                                 f"page {number}: an image placed at {placed[0]:.2f} × "
                                 f"{placed[1]:.2f}in has {ppi:.0f} ppi",
                                 f"give it {LEAST_PPI} ppi or more at that size: "
                                 f"{placed[0] * LEAST_PPI:.0f} × {placed[1] * LEAST_PPI:.0f} pixels")

    # -- the cover

    def cover(self, path: Path, pages: int) -> None:
        import pikepdf
        import pypdfium2 as pdfium

        printer = self.printer
        assert printer is not None
        shown = _shown(path, self.job)
        size = sheet_size(self.job, self.job.settings, pages)
        with pikepdf.open(path) as pdf:
            self.fonts(pdf, shown)
            page = pdf.pages[0]
            trim = _box(page.TrimBox) if "/TrimBox" in page else _box(page.MediaBox)
            media = _box(page.MediaBox)
        width = (trim.right - trim.left) / PT
        full = ((media.right - media.left) / PT, (media.top - media.bottom) / PT)
        if (abs(full[0] - size.width) > TOLERANCE or abs(full[1] - size.height) > TOLERANCE
                or abs(width - (size.width - 2 * size.bleed)) > TOLERANCE):
            paper = self.job.config.printer.paper if self.job.config else "white"
            self.finding("P201", Severity.ERROR, shown,
                         f"the cover is {full[0]:.4f} × {full[1]:.4f}in; {pages} pages on "
                         f"{paper} paper want {size.width:.4f} × {size.height:.4f}in "
                         f"(spine {size.spine:.4f}in)",
                         f"rebuild it for this interior: `publish cover --book {self.job.id}`")
            return  # the places below assume the right sheet
        document = pdfium.PdfDocument(path)
        try:
            self.cover_text(document[0], trim, size, pages, shown)
            self.images(document, shown)
        finally:
            document.close()

    def cover_text(self, page: Any, trim: Box, size: Any, pages: int, shown: str) -> None:
        printer = self.printer
        assert printer is not None
        spine = Box(trim.left + size.trim_width * PT, trim.bottom,
                    trim.left + (size.trim_width + size.spine) * PT, trim.top)
        safe = printer.cover_safe * PT
        area = barcode_area(size, printer)
        barcode = Box(trim.left + area.left * PT, trim.top - (area.top + area.height) * PT,
                      trim.left + (area.left + area.width) * PT, trim.top - area.top * PT)
        isbn = bool(self.job.config and self.job.config.isbn)
        texts = list(_text_boxes(page, with_text=True))
        on_spine = [box for box, _ in texts if box.overlaps(spine)]
        if on_spine and not printer.spine_text_allowed(pages):
            self.finding("P202", Severity.ERROR, shown,
                         f"text on the spine of a {pages}-page book; {printer.title} allows "
                         f"spine text from {printer.spine_text_pages} pages",
                         "leave the spine blank (publish cover does below that count)")
        elif any(min(box.left - spine.left, spine.right - box.right) < printer.spine_margin * PT - 0.5
                 for box in on_spine):
            self.finding("P202", Severity.ERROR, shown,
                         f"spine text closer than {printer.spine_margin:g}in to a fold",
                         "set the spine's type smaller, or keep it centred on the spine")
        outside = [box for box, _ in texts
                   if not box.inside(Box(trim.left + safe, trim.bottom + safe,
                                         trim.right - safe, trim.top - safe))]
        if outside:
            self.finding("P204", Severity.ERROR, shown,
                         f"{len(outside)} lines of cover text closer than "
                         f"{printer.cover_safe:g}in to the trim",
                         "move them inside the safe area")
        intruders = [text for box, text in texts if box.overlaps(barcode)
                     and not (isbn and _BARCODE_CAPTION.fullmatch(text.strip()))]
        intruders += ["an image" for box in _image_boxes(page) if box.overlaps(barcode)]
        if intruders:
            self.finding("P203", Severity.ERROR, shown,
                         f"the barcode area ({area.width:g} × {area.height:g}in, bottom right of "
                         f"the back) holds {', '.join(repr(t) for t in intruders[:3])}",
                         f"keep it clear for the barcode{'' if isbn else ' the printer adds'}")


_BARCODE_CAPTION = re.compile(r"[ISBN0-9X -]+")  # the caption and digits, a few letters a rect


def _box(array: Any) -> Box:
    left, bottom, right, top = (float(v) for v in array)
    return Box(min(left, right), min(bottom, top), max(left, right), max(bottom, top))


def _bleeds_as(bleed: Box, media: Box, trim: Box, number: int, printer: Printer) -> bool:
    """Whether the page bleeds by the printer's bleed on each edge it should, and not at
    the spine when it wants three edges only."""
    want = printer.bleed * PT
    recto = number % 2 == 1
    edges = {"top": bleed.top - trim.top, "bottom": trim.bottom - bleed.bottom,
             "left": trim.left - bleed.left, "right": bleed.right - trim.right}
    spine = "left" if recto else "right"
    for edge, amount in edges.items():
        expected = 0.0 if (printer.bleed_outer_only and edge == spine) else want
        if abs(amount - expected) > TOLERANCE * PT:
            return False
    return bleed.inside(media)


def _pages(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:MOST_PAGES_LISTED])
    more = f"… ({len(numbers)} pages)" if len(numbers) > MOST_PAGES_LISTED else ""
    return f"page{'s' if len(numbers) > 1 else ''} {shown}{more}"


def _unembedded_fonts(page: Any) -> Iterator[str]:
    fonts = page.get("/Resources", {}).get("/Font", {})
    for font in fonts.values():
        for each in [font, *font.get("/DescendantFonts", [])]:
            descriptor = each.get("/FontDescriptor")
            if descriptor is None:
                if each.get("/Subtype") == "/Type0":
                    continue  # its descendant carries the descriptor
                if each.get("/Subtype") == "/Type3":
                    continue  # glyphs drawn by the PDF itself
                yield str(each.get("/BaseFont", "an unnamed font"))
                continue
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                yield str(each.get("/BaseFont", "an unnamed font")).lstrip("/")


def _pdfx_version(pdf: Any) -> str:
    """The PDF/X version the file claims (Info for X-1a and X-3, XMP for all), or ''."""
    version = pdf.docinfo.get("/GTS_PDFXVersion")
    if version:
        return str(version)
    try:
        metadata = pdf.open_metadata()
    except Exception:  # a damaged XMP packet claims nothing
        return ""
    for key, value in metadata.items():
        if key.endswith("GTS_PDFXVersion"):
            return str(value)
    return ""


def _text_boxes(page: Any, with_text: bool = False) -> Iterator[Any]:
    """The rectangles PDFium finds text in (runs of a line), as Boxes (with their text)."""
    textpage = page.get_textpage()
    try:
        for index in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(index)
            box = Box(left, bottom, right, top)
            if with_text:
                yield box, textpage.get_text_bounded(left, bottom, right, top)
            else:
                yield box
    finally:
        textpage.close()


def _image_boxes(page: Any) -> Iterator[Box]:
    import pypdfium2.raw as raw
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        yield Box(*obj.get_bounds())


def _image_resolutions(page: Any) -> Iterator[tuple[float, tuple[float, float]]]:
    """(ppi, (width, height) in inches) of each image at its placed size: its pixels over
    the inches it covers, the lesser of the two directions."""
    import pypdfium2.raw as raw
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        width, height = (right - left) / PT, (top - bottom) / PT
        pixels = obj.get_px_size()
        if width <= 0 or height <= 0:
            continue
        yield min(pixels[0] / width, pixels[1] / height), (width, height)
