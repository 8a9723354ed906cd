"""The WeasyPrint boundary: the only place that touches WeasyPrint's internals.

Everything else in `publish` uses WeasyPrint's public API (`HTML.render`, `Document.pages`,
`Document.write_pdf` with a `finisher`) through render/pdf.py and the functions below. Each
reach past that API is listed here with the upstream change that would remove it; a
WeasyPrint upgrade reviews this package (tests/test_weasyprint_fixes.py and
tests/test_print_layout.py fail when one no longer fits).

1. `patches.py` rewrites a few exact lines of WeasyPrint 70's own functions (footnotes kept
   with their calls; four places whose time per page grew with the pages before; pydyf's
   deflate level). Removed by: Kozea/WeasyPrint#2437 (footnotes, WeasyPrint 71), upstream
   indexes of page-type styles, anchors and fixed boxes, and a pydyf compression option.
2. `load_weasyprint` imports WeasyPrint with `ctypes.util.find_library` finding nothing on
   Linux (cffi asks it for every non-Linux library name WeasyPrint tries first, which runs
   ldconfig, gcc and ld). Removed by: WeasyPrint trying the Linux sonames first.
3. `html_document` builds `weasyprint.HTML` from a tree expat already parsed, bypassing its
   constructor (what it sets is checked against the constructor's once per process).
   Removed by: a public way to hand WeasyPrint a parsed tree.
4. `font_config` removes the FontConfiguration's private font folder (`_folder`) at process
   exit, which only its `__del__` would, and `__del__` never runs in a process ended by
   `os._exit`. Removed by: FontConfiguration as a context manager, or a public `close()`.
5. `report_pages_to` reads the text of WeasyPrint's progress log records ("Page N"), the
   only hook into a long layout. Removed by: a layout progress callback.
6. `environment.py` points fontconfig at a configuration of ours before WeasyPrint is
   imported (only the fonts we ship and the book declares: hermetic fonts), and corrects
   pyphen's table so that `en` hyphenates with American patterns. Removed by: neither is
   WeasyPrint's to fix (a FontConfiguration without system fonts would do the first).

May import: publish.support, publish.model, publish.reading (as all of render/).
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from publish.model.errors import ToolError
from publish.reading.files import ProjectFiles
from publish.render.weasy import environment, patches
from publish.support.collector import made_frozen
from publish.support.safe_io import read_regular

PROGRESS_LOGGER = "weasyprint.progress"
# What WeasyPrint may read of one project file (an image, a font): a bound, like every read.
MAX_FETCHED_BYTES = 64 * 1024 * 1024


def load_weasyprint() -> Any:
    """Import WeasyPrint (once per process), and return it.

    On import, WeasyPrint opens Pango, HarfBuzz, fontconfig and GLib by trying, for each,
    names meant for Windows and macOS before the Linux soname (`libpango-1.0.so.0`). cffi
    answers each name that does not open by asking `ctypes.util.find_library`, which runs
    ldconfig, gcc and ld: some twenty processes on every build's critical path. On Linux the
    sonames open directly, so the import runs with `find_library` finding nothing: the same
    libraries load."""
    import ctypes.util

    # Before the import: WeasyPrint makes a fontconfig configuration as it is imported.
    environment.use_own_fonts()
    environment.hyphenate_by_region()
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


def prepare() -> None:
    """WeasyPrint loaded and corrected (patches.py), once per process."""
    load_weasyprint()
    try:
        patches.apply()
    except patches.WeasyPrintFixError as exc:
        raise ToolError(str(exc)) from exc
    # WeasyPrint reports what it skips through logging; the CLI decides what to show.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)


def html_document(html: str, base_url: str, files: ProjectFiles) -> Any:
    """WeasyPrint's HTML document for our markup. render/ writes well-formed XML, which
    Python's expat reads much faster than WeasyPrint's HTML5 parser (tinyhtml5, pure
    Python); it gives the same tree (the PDFs are the same bytes,
    tests/test_weasyprint_fixes.py). What expat refuses (a control character copied into a
    manuscript) goes to WeasyPrint's parser, as does everything if WeasyPrint's HTML class
    is no longer built the way `_parsed_html` builds it."""
    from xml.etree import ElementTree

    import weasyprint

    if _parsed_html_fits():
        try:
            root = ElementTree.fromstring(html.removeprefix("<!DOCTYPE html>\n"))
        except ElementTree.ParseError:
            pass
        else:
            return _parsed_html(root, base_url, project_fetcher(files))
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=project_fetcher(files))


def _parsed_html(root: Any, base_url: str, url_fetcher: Any) -> Any:
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
    from xml.etree import ElementTree

    import weasyprint

    own = weasyprint.HTML(string="<p>x</p>", base_url="file:///")
    ours = _parsed_html(ElementTree.fromstring("<html><head></head><body><p>x</p></body></html>"),
                        "file:///", own.url_fetcher)
    return bool(vars(own).keys() == vars(ours).keys() and own.base_url == ours.base_url)


@lru_cache(maxsize=32)
def stylesheet(css: str, base_url: str, files: ProjectFiles) -> Any:
    """A stylesheet parsed once per process: a book's documents (print, each part of the
    proof, the proof's front) share print.css and the fonts. Given to WeasyPrint as
    `stylesheets=`, all of a document's sheets in their order: the cascade among them is the
    same as from its <style> elements (no style attributes or presentational hints compete:
    those would now win over them)."""
    import weasyprint
    profiles: dict[str, Any] = {}  # its @color-profile rules (the PDF/X output intent's CMYK)
    sheet = weasyprint.CSS(string=css, base_url=base_url, url_fetcher=project_fetcher(files),
                           font_config=font_config(), color_profiles=profiles)
    sheet.publish_color_profiles = profiles
    return sheet


def color_profiles(sheets: list[Any]) -> dict[str, Any]:
    """The colour profiles `sheets` declare, for `render(color_profiles=...)`: a sheet is
    parsed once per process, so each keeps its own, and a document gets only its sheets'."""
    merged: dict[str, Any] = {}
    for sheet in sheets:
        merged.update(getattr(sheet, "publish_color_profiles", {}))
    return merged


@lru_cache(maxsize=1)
def font_config() -> Any:
    """One FontConfiguration per process, so the @font-face fonts are loaded once.

    WeasyPrint copies the fonts into a temporary folder that only the FontConfiguration's
    `__del__` removes, and one kept for the process's life is never collected: a render
    process ends with `os._exit`, which runs no `__del__`, and a main process that rendered
    left the folder too (its `__del__` ran too late, at interpreter shutdown). The folder is
    removed by multiprocessing's finalizers, which run as a render process ends and, through
    atexit, as the main process does."""
    from multiprocessing.util import Finalize

    from weasyprint.text.fonts import FontConfiguration
    environment.use_own_fonts()  # read again by each FontConfiguration
    config = FontConfiguration()
    Finalize(None, _remove_font_folder, args=(config, os.getpid()), exitpriority=0)
    return config


def _remove_font_folder(config: Any, owner: int) -> None:
    if os.getpid() != owner:  # a copy forked from the process that owns the folder
        return
    folder, config._folder = config._folder, None  # what __del__ would remove
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


@lru_cache(maxsize=8)
def project_fetcher(files: ProjectFiles) -> Any:
    """A URL fetcher that serves file: URLs inside the project and the styles and refuses
    everything else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("file://"):
                raise ValueError(f"not fetched (only project files are read): {url}")
            path = Path(url[len("file://"):].split("?")[0])
            if not files.allows(path):
                raise ValueError(f"not fetched (outside the project): {url}")
            return URLFetcherResponse(url, body=read_regular(path, MAX_FETCHED_BYTES))

    return ProjectOnlyFetcher()


class _PageListener(logging.Handler):
    """WeasyPrint logs each page it lays out ("Step 5 - Creating layout - Page N") to its
    progress logger: the one hook it offers into a long layout."""

    def __init__(self, report: Callable[[int], None]) -> None:
        super().__init__(logging.INFO)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, str) and record.msg.endswith("Page %d") and record.args:
            # WeasyPrint's args are a tuple whose first item is the page number; logging types
            # them as any tuple or mapping of objects.
            self.report(int(record.args[0]))  # type: ignore[index, call-overload]


def report_pages_to(report: Callable[[int], None]) -> None:
    """Call `report(page number)` for every page WeasyPrint lays out in this process."""
    logger = logging.getLogger(PROGRESS_LOGGER)
    logger.handlers = [_PageListener(report)]
    logger.setLevel(logging.INFO)
    logger.propagate = False


def stop_reporting_pages() -> None:
    logging.getLogger(PROGRESS_LOGGER).handlers = []
