"""Page geometry for the print PDF, generated from the book's `print:` settings.

The stylesheets own the look of a page (running heads, folios, type); this module owns what a
printer measures: the trim size, the margins, the gutter and the bleed. The gutter (the inside
margin, as print-on-demand services define it) depends on the page count, which is known only
after layout: the build lays out once, asks `gutter_for(pages)`, and lays out again if the
answer changed (see `build/outputs.print_layout`).
"""

from __future__ import annotations

from dataclasses import dataclass

from publish.config import TRIMS, PrintConfig
from publish.config.printers import GENERIC_GUTTERS, GENERIC_WIDEST_GUTTER, Printer

# (up to this many pages, inside margin in inches): the usual print-on-demand minimums, since
# a thicker book curves further into its spine; a book's printer has its own table.
GUTTERS = GENERIC_GUTTERS
WIDEST_GUTTER = GENERIC_WIDEST_GUTTER
# pod: what print-on-demand services ask for. press: the same bleed in the BleedBox, but the
# page extends further so the crop marks sit outside the bleed (WeasyPrint draws them in the
# outer half of the CSS bleed area); pdf.py sets the BleedBox back to BLEED.
BLEED = 0.125
PRESS_BLEED = 0.25
BINDING_VARIANCE = 0.0625  # KDP's and IngramSpark's stated tolerance


@dataclass(frozen=True)
class Margins:
    """Inches from the trim edge. `outside` is the fore-edge margin; the inside is the gutter."""

    top: float
    bottom: float
    outside: float


# The fore-edge and head margins per trim, chosen so a 11pt line runs to about 62 characters.
BOOK_MARGINS = {
    "5.5x8.5in": Margins(0.75, 0.85, 0.6),
    "A5": Margins(0.75, 0.85, 0.6),
    "6x9in": Margins(0.8, 0.9, 0.65),
    "letter": Margins(1.0, 1.0, 1.0),
}
# The book style's leading in points: print.css sets 11pt type on 15pt lines. The text block
# is made a whole number of these lines deep (the foot margin takes what is left, under a
# line), so a full page's last line sits at the foot of the text block on every page and
# footnotes end on that same baseline (print.css).
BOOK_LINE = 15.0
POINTS_PER_INCH = 72
# An acting manuscript is read as loose or comb-bound sheets: one-sided, 1in all round and a
# wider left margin for the binding, whatever the page count.
MANUSCRIPT_MARGINS = Margins(1.0, 1.0, 1.0)
MANUSCRIPT_LEFT = 1.5


def gutter_for(pages: int, printer: Printer | None = None) -> float:
    """The inside margin a book of `pages` pages needs (at its printer, if it has one)."""
    if printer is not None:
        # The printer's least gutter, plus the 1/16in its binding may shift a page by:
        # justified lines end at the margin, and a glyph may stand a point beyond it.
        return printer.gutter(pages) + BINDING_VARIANCE
    for most, gutter in GUTTERS:
        if pages <= most:
            return gutter
    return WIDEST_GUTTER


def bleed_for(profile: str, printer: Printer | None = None) -> float:
    """The CSS bleed: the printer's for `pod` (0.125in without one), room for crop marks
    for `press`, none for `screen`."""
    pod = printer.bleed if printer is not None else BLEED
    return {"pod": pod, "press": max(PRESS_BLEED, pod)}.get(profile, 0.0)


def page_css(settings: PrintConfig, gutter: float, printer: Printer | None = None) -> str:
    """The @page rules for these settings; loaded before the house style's stylesheet. (A
    page whose text block ends early, to pull a runt forward, gets its deeper foot as the
    layout makes it: render/runts.py.)"""
    width, height = TRIMS[settings.trim]
    bleed = bleed_for(settings.profile, printer)
    marks = "crop" if settings.profile == "press" else "none"
    rules = [f"@page {{ size: {_in(width)} {_in(height)}; bleed: {_in(bleed)}; marks: {marks}; }}"]
    if printer is not None and printer.bleed_outer_only and settings.profile == "pod":
        # No bleed at the spine: a verso's is its right edge, a recto's its left.
        rules += ["@page :left { bleed-right: 0; }", "@page :right { bleed-left: 0; }"]
    if printer is not None:
        # Running heads and folios stand in the margins: keep them the printer's least
        # margin from the trim (they are centred in what is left).
        least = _in(printer.least_margin)
        rules.append("@page { " + " ".join(
            f"@{edge}-{place} {{ padding-{edge}: {least}; }}"
            for edge in ("top", "bottom") for place in ("left", "center", "right")) + " }")
    if settings.style == "manuscript":
        m = MANUSCRIPT_MARGINS
        rules.append(f"@page {{ margin: {_in(m.top)} {_in(m.outside)} {_in(m.bottom)} "
                     f"{_in(MANUSCRIPT_LEFT)}; }}")
        return "\n".join(rules)
    m = BOOK_MARGINS[settings.trim]
    bottom = _pt(grid_bottom(height, m))
    rules += [
        f"@page {{ margin: {_in(m.top)} {_in(m.outside)} {bottom} {_in(gutter)}; }}",
        # Mirrored: a verso's gutter is on its right, a recto's on its left.
        f"@page :left {{ margin-left: {_in(m.outside)}; margin-right: {_in(gutter)}; }}",
        f"@page :right {{ margin-left: {_in(gutter)}; margin-right: {_in(m.outside)}; }}",
    ]
    return "\n".join(rules)


def blank_verso_css(settings: PrintConfig, printer: Printer) -> str:
    """The @page rules of a blank last page (a verso), for a printer that wants an even
    page count: the book's page size and bleed, with none at the spine (its right edge)."""
    width, height = TRIMS[settings.trim]
    bleed = bleed_for(settings.profile, printer)
    marks = "crop" if settings.profile == "press" else "none"
    spine = " bleed-right: 0;" if printer.bleed_outer_only and settings.profile == "pod" else ""
    return (f"@page {{ size: {_in(width)} {_in(height)}; bleed: {_in(bleed)}; marks: {marks};"
            f"{spine} margin: 0; }}")


def text_block_lines(height: float, margins: Margins) -> int:
    """How many of the book style's lines the text block of a page `height` inches tall
    holds, with the given head and (least) foot margins."""
    depth = (height - margins.top - margins.bottom) * POINTS_PER_INCH
    return int(depth // BOOK_LINE + 1e-9)


def grid_bottom(height: float, margins: Margins) -> float:
    """The foot margin in points that makes the text block a whole number of lines deep:
    the trim's, plus what is left under the last whole line."""
    depth = text_block_lines(height, margins) * BOOK_LINE
    return height * POINTS_PER_INCH - margins.top * POINTS_PER_INCH - depth


def _in(inches: float) -> str:
    return f"{inches:g}in"


def _pt(points: float) -> str:
    return f"{round(points, 4):g}pt"
