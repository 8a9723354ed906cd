"""The book HTML -> PDF through WeasyPrint, reading only project files, never the network.

`layout` and `write` are separate so the print build can lay a book out, count its pages and
lay it out again with a wider gutter before anything is written (see build._print_pdf).
"""

from __future__ import annotations

import logging
from pathlib import Path

from publish.errors import ToolError
from publish.render.assets import ProjectFiles

POINTS_PER_INCH = 72


def load_weasyprint():
    """Import WeasyPrint (once per process), and return it.

    On import, WeasyPrint opens Pango, HarfBuzz, fontconfig and GLib by trying, for each,
    names meant for Windows and macOS before the Linux soname (`libpango-1.0.so.0`). cffi
    answers each name that does not open by asking `ctypes.util.find_library`, which runs
    ldconfig, gcc and ld: some twenty processes and 0.16 s of the 0.38 s the import takes
    here, on every build's critical path. On Linux the sonames open directly, so the
    import runs with `find_library` finding nothing: the same libraries load."""
    import ctypes.util
    import sys

    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint
        return weasyprint
    find_library = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint
    finally:
        ctypes.util.find_library = find_library
    return weasyprint


def layout(html: str, base_dir: Path, files: ProjectFiles):
    """Lay out `html`; returns WeasyPrint's Document (its `.pages` are the pages)."""
    weasyprint = load_weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    from publish.render import weasyprint_fixes
    try:
        weasyprint_fixes.apply()
    except weasyprint_fixes.WeasyPrintFixError as exc:
        raise ToolError(str(exc)) from exc

    class ProjectOnlyFetcher(URLFetcher):
        """Serves file: URLs inside the project and the styles; refuses everything else."""

        def fetch(self, url, headers=None):
            if not url.startswith("file://"):
                raise ValueError(f"not fetched (only project files are read): {url}")
            path = Path(url[len("file://"):].split("?")[0])
            if not files.allows(path):
                raise ValueError(f"not fetched (outside the project): {url}")
            return URLFetcherResponse(url, body=path.read_bytes())

    # WeasyPrint reports what it skips through logging; the CLI decides what to show.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    try:
        return weasyprint.HTML(
            string=html, base_url=base_dir.as_uri() + "/", url_fetcher=ProjectOnlyFetcher()
        ).render()
    except (OSError, ValueError, AssertionError) as exc:
        raise ToolError(f"WeasyPrint could not lay out the book: {exc}") from exc


def write(document, output: Path, bleed_box: float | None = None,
          variant: str | None = None) -> int:
    """Write a laid-out document; returns its page count. `bleed_box` (inches), when given,
    sets every page's BleedBox that far outside its TrimBox: WeasyPrint caps it at 10pt and
    ties it to the CSS bleed, which for `press` is wider to leave room for the crop marks.
    `variant` (`pdf/a-3b`, `pdf/ua-1`) is a standard WeasyPrint writes the PDF to: it adds
    the XMP identification, an sRGB OutputIntent (PDF/A), the structure tags (PDF/UA)."""
    finisher = _bleed_box_setter(bleed_box * POINTS_PER_INCH) if bleed_box else None
    options = {"pdf_variant": variant} if variant else {}
    try:
        document.write_pdf(output, finisher=finisher, **options)
    except (OSError, ValueError, AssertionError) as exc:
        raise ToolError(f"WeasyPrint could not write {output.name}: {exc}") from exc
    return len(document.pages)


def to_bytes(document) -> bytes:
    """A laid-out document as PDF bytes (a part of a PDF merged later)."""
    try:
        return document.write_pdf()
    except (OSError, ValueError, AssertionError) as exc:
        raise ToolError(f"WeasyPrint could not write the PDF: {exc}") from exc


def write_pdf(html: str, base_dir: Path, files: ProjectFiles, output: Path) -> int:
    """Lay out `html` and write the PDF to `output`; returns the page count."""
    return write(layout(html, base_dir, files), output)


def _bleed_box_setter(points: float):
    def finish(document, pdf) -> None:
        import pydyf
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page" and "TrimBox" in obj:
                left, top, right, bottom = obj["TrimBox"]
                obj["BleedBox"] = pydyf.Array([left - points, top - points,
                                               right + points, bottom + points])
    return finish
