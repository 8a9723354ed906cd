"""The print-on-demand services' rules, as data: what `printer:` in book.yaml sets.

Each preset holds one service's published figures (docs/printers.md cites the page each
comes from): the trims it prints, the bleed, the least inside margin by page count, the
least outer margins, the paper's thickness per page (the spine's width), the page range, the
PDF standard it asks for, and the cover's rules (spine text, the barcode's area, the safe
margins). `custom` takes the book's own values, with the generic ones below for the rest.

Lengths are inches. Geometry from these rules (the spine, the cover sheet) is here too, so
the cover renderer, the build and `publish preflight` compute it one way.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from publish.config.settings import TRIMS, PrinterConfig


@dataclass(frozen=True)
class Printer:
    """One service's rules (lengths in inches)."""

    name: str  # the preset's name in book.yaml
    title: str  # as the service calls itself
    trims: tuple[str, ...]  # the trims of config.settings.TRIMS it prints
    bleed: float  # beyond the trim on each outer edge, interior and cover
    bleed_outer_only: bool  # the interior bleeds on the three outer edges, none at the spine
    gutters: tuple[tuple[int, float], ...]  # (up to this many pages, least inside margin)
    widest_gutter: float  # beyond the last row
    least_margin: float  # least top, bottom and outside margin of the interior, from the trim
    paper_thickness: dict[str, float]  # paper colour -> thickness of one page
    spine_allowance: float  # added to the pages' thickness (the cover's own wrap)
    min_pages: int
    max_pages: int
    even_pages: bool  # the page count must be even (else the service adds a page)
    pdf_variant: str | None  # the PDF standard it asks for
    spine_text_pages: int  # the fewest pages whose spine may carry text
    spine_margin: float  # spine text this far inside each fold
    cover_safe: float  # cover text this far inside the trim
    barcode_size: tuple[float, float]  # the area the barcode needs (width, height)
    barcode_inset: tuple[float, float]  # the area's distance from the spine fold and the bottom trim

    def gutter(self, pages: int) -> float:
        """The least inside margin for a book of `pages` pages."""
        for most, gutter in self.gutters:
            if pages <= most:
                return gutter
        return self.widest_gutter

    def spine(self, pages: int, paper: str) -> float:
        """The spine's width for `pages` pages on `paper`."""
        return pages * self.paper_thickness[paper] + self.spine_allowance

    def spine_text_allowed(self, pages: int) -> bool:
        return pages >= self.spine_text_pages


@dataclass(frozen=True)
class CoverSize:
    """A one-piece cover: back, spine and front side by side, with bleed all round."""

    trim_width: float  # of one panel, the book's trim
    trim_height: float
    spine: float
    bleed: float

    @property
    def width(self) -> float:
        return 2 * self.trim_width + self.spine + 2 * self.bleed

    @property
    def height(self) -> float:
        return self.trim_height + 2 * self.bleed


def cover_size(printer: Printer, trim: str, paper: str, pages: int) -> CoverSize:
    """The cover sheet for an interior of `pages` pages on `paper`: width = 2 × trim width +
    spine + 2 × bleed; height = trim height + 2 × bleed."""
    width, height = TRIMS[trim]
    return CoverSize(width, height, printer.spine(pages, paper), printer.bleed)


# What print-on-demand services commonly ask, used by `custom` for what the book leaves out
# and by books with no printer (render/page.py): a thicker book curves further into its spine.
GENERIC_GUTTERS = ((150, 0.375), (300, 0.5), (500, 0.625))
GENERIC_WIDEST_GUTTER = 0.75

KDP = Printer(
    name="kdp", title="Amazon KDP", trims=tuple(TRIMS), bleed=0.125, bleed_outer_only=True,
    gutters=((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75)), widest_gutter=0.875,
    least_margin=0.375,  # with bleed; 0.25in without
    paper_thickness={"white": 0.002252, "cream": 0.0025}, spine_allowance=0.0,
    min_pages=24, max_pages=828, even_pages=False,
    # KDP asks for flattened transparency and no annotations: what PDF/X-1a guarantees.
    pdf_variant="pdf/x-1a",
    spine_text_pages=80,  # "more than 79 pages"
    spine_margin=0.0625, cover_safe=0.125,
    barcode_size=(2.0, 1.2), barcode_inset=(0.25, 0.25),
)

INGRAMSPARK = Printer(
    name="ingramspark", title="IngramSpark", trims=tuple(TRIMS), bleed=0.125,
    bleed_outer_only=True,  # "We do not accept files with bleed on the bind side"
    # 0.5in on every side, the inside included; thicker books as the generic table.
    gutters=((300, 0.5), (500, 0.625)), widest_gutter=0.75,
    least_margin=0.5,
    paper_thickness={"white": 0.002252, "cream": 0.0025}, spine_allowance=0.0,
    min_pages=18, max_pages=1200, even_pages=True,
    pdf_variant="pdf/x-1a",  # "Always use the default setting PDF/X-1a:2001"
    spine_text_pages=48,
    spine_margin=0.0625, cover_safe=0.25,
    barcode_size=(1.75, 1.0), barcode_inset=(0.25, 0.25),
)

LULU = Printer(
    name="lulu", title="Lulu", trims=tuple(TRIMS), bleed=0.125, bleed_outer_only=False,
    # 0.5in safety margin on every side plus a 0.25in gutter on the spine edge.
    gutters=(), widest_gutter=0.75,
    least_margin=0.5,
    # Lulu's paperback formula: pages / 444 + 0.06in, whatever the paper's colour.
    paper_thickness={"white": 1 / 444, "cream": 1 / 444}, spine_allowance=0.06,
    min_pages=32, max_pages=800, even_pages=False,
    pdf_variant="pdf/x-4",  # Lulu prints colour from sRGB: X-4 keeps RGB, tagged as sRGB
    spine_text_pages=80,
    spine_margin=0.125, cover_safe=0.25,
    barcode_size=(3.625, 1.25), barcode_inset=(0.375, 0.375),
)

PRESETS = {printer.name: printer for printer in (KDP, INGRAMSPARK, LULU)}

# `custom` starts from these and takes what the book sets.
CUSTOM = dataclasses.replace(
    KDP, name="custom", title="a custom printer", gutters=GENERIC_GUTTERS,
    widest_gutter=GENERIC_WIDEST_GUTTER, pdf_variant=None)


def printer_for(config: PrinterConfig) -> Printer | None:
    """The rules `printer:` names; None for a book with no printer."""
    if config.service == "none":
        return None
    if config.service != "custom":
        return PRESETS[config.service]
    printer = CUSTOM
    if config.bleed is not None:
        printer = dataclasses.replace(printer, bleed=config.bleed)
    if config.paper_thickness is not None:
        printer = dataclasses.replace(printer, paper_thickness={
            paper: config.paper_thickness for paper in printer.paper_thickness})
    if config.gutter is not None:
        printer = dataclasses.replace(printer, gutters=(), widest_gutter=config.gutter)
    for key in ("min_pages", "max_pages", "spine_text_pages"):
        if getattr(config, key) is not None:
            printer = dataclasses.replace(printer, **{key: getattr(config, key)})
    return printer
