"""The book HTML -> PDF through WeasyPrint, reading only project files, never the network.

`layout` and `write` are separate so the print build can lay a book out, count its pages and
lay it out again with a wider gutter before anything is written (see build._print_pdf).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from functools import lru_cache
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

    from publish.collector import made_frozen

    if "weasyprint" in sys.modules:
        import weasyprint
        return weasyprint
    with made_frozen():
        if sys.platform.startswith("linux"):
            find_library = ctypes.util.find_library
            ctypes.util.find_library = lambda name: None
            try:
                import weasyprint
            finally:
                ctypes.util.find_library = find_library
        else:
            import weasyprint
    return weasyprint


def layout(html: str, base_dir: Path, files: ProjectFiles):
    """Lay out `html`; returns WeasyPrint's Document (its `.pages` are the pages)."""
    load_weasyprint()
    from publish.render import weasyprint_fixes
    try:
        weasyprint_fixes.apply()
    except weasyprint_fixes.WeasyPrintFixError as exc:
        raise ToolError(str(exc)) from exc

    # WeasyPrint reports what it skips through logging; the CLI decides what to show.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    base_url = base_dir.as_uri() + "/"
    head, separator, body = html.partition("</head>")
    try:
        sheets = [_stylesheet(css, base_url, files) for css in _STYLE.findall(head)]
        document = _html(_STYLE.sub("", head) + separator + body, base_url, files)
        return document.render(stylesheets=sheets, font_config=_font_config())
    except (OSError, ValueError, AssertionError) as exc:
        raise ToolError(f"WeasyPrint could not lay out the book: {exc}") from exc


def _html(html: str, base_url: str, files: ProjectFiles):
    """WeasyPrint's HTML document for our markup. render/ writes well-formed XML, which
    Python's expat reads in under a millisecond where WeasyPrint's HTML5 parser (tinyhtml5,
    pure Python) takes 10-20 ms a document; it gives the same tree (the PDFs are the same
    bytes, tests/test_weasyprint_fixes.py). What expat refuses (a control character copied
    into a manuscript) goes to WeasyPrint's parser, as does everything if WeasyPrint's
    HTML class is no longer built the way `_parsed_html` builds it."""
    import weasyprint
    from xml.etree import ElementTree

    if _parsed_html_fits():
        try:
            root = ElementTree.fromstring(html.removeprefix("<!DOCTYPE html>\n"))
        except ElementTree.ParseError:
            pass
        else:
            return _parsed_html(root, base_url, _fetcher(files))
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=_fetcher(files))


def _parsed_html(root, base_url: str, url_fetcher):
    """weasyprint.HTML for a tree already parsed: what its constructor sets after parsing
    (WeasyPrint 70), with no <base> element to look for (our documents have none)."""
    import cssselect2
    import weasyprint

    document = weasyprint.HTML.__new__(weasyprint.HTML)
    document.base_url = base_url
    document.url_fetcher = url_fetcher
    document.media_type = "print"
    document.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    document.etree_element = document.wrapper_element.etree_element
    return document


@lru_cache(maxsize=1)
def _parsed_html_fits() -> bool:
    """Whether `_parsed_html` sets what WeasyPrint's own constructor sets (checked once per
    process, on a small document): a later WeasyPrint may keep more."""
    import weasyprint
    from xml.etree import ElementTree

    own = weasyprint.HTML(string="<p>x</p>", base_url="file:///")
    ours = _parsed_html(ElementTree.fromstring("<html><head></head><body><p>x</p></body></html>"),
                        "file:///", own.url_fetcher)
    return vars(own).keys() == vars(ours).keys() and own.base_url == ours.base_url


# The <style> elements of our documents' heads (render/html.py writes one per stylesheet).
_STYLE = re.compile(r"<style>\n(.*?)\n</style>\n", re.S)


@lru_cache(maxsize=32)
def _stylesheet(css: str, base_url: str, files: ProjectFiles):
    """A stylesheet parsed once per process: a book's documents (print, each part of the
    proof, the proof's front) share print.css and the fonts, about 20 ms each to parse and
    load. Given to WeasyPrint as `stylesheets=`, all of a document's sheets in their order:
    the cascade among them is the same as from its <style> elements (no style attributes or
    presentational hints compete: those would now win over them)."""
    import weasyprint
    return weasyprint.CSS(string=css, base_url=base_url, url_fetcher=_fetcher(files),
                          font_config=_font_config())


@lru_cache(maxsize=1)
def _font_config():
    """One FontConfiguration per process, so the @font-face fonts are loaded once.

    WeasyPrint copies the fonts into a temporary folder (1.6 MB) that only the
    FontConfiguration's `__del__` removes, and one kept for the process's life is never
    collected: a render process ends with `os._exit`, which runs no `__del__`, and a main
    process that rendered left the folder too (its `__del__` ran too late, at interpreter
    shutdown). The folder is removed by multiprocessing's finalizers, which run as a render
    process ends and, through atexit, as the main process does."""
    from multiprocessing.util import Finalize

    from weasyprint.text.fonts import FontConfiguration
    config = FontConfiguration()
    Finalize(None, _remove_font_folder, args=(config, os.getpid()), exitpriority=0)
    return config


def _remove_font_folder(config, owner: int) -> None:
    if os.getpid() != owner:  # a copy forked from the process that owns the folder
        return
    folder, config._folder = config._folder, None  # what __del__ would remove
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


@lru_cache(maxsize=8)
def _fetcher(files: ProjectFiles):
    """A URL fetcher that serves file: URLs inside the project and the styles and refuses
    everything else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith("file://"):
                raise ValueError(f"not fetched (only project files are read): {url}")
            path = Path(url[len("file://"):].split("?")[0])
            if not files.allows(path):
                raise ValueError(f"not fetched (outside the project): {url}")
            return URLFetcherResponse(url, body=path.read_bytes())

    return ProjectOnlyFetcher()


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
