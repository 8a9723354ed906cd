"""Where the print edition's pages begin, for the EPUB's page-list.

The print HTML is rendered once more with an empty, id-carrying `<span>` before every text run
of the model and laid out by WeasyPrint exactly as the print PDF is (same HTML otherwise, same
stylesheets, same fonts). Each page's anchors then say which text run, play or scene starts on
it. A page break is placed before the first of them: at the granularity of a text run (a
paragraph or the words between two inline elements), not of the word.

Pages before the first play (half-title, title, copyright, contents) start at the EPUB's
title page; a page where nothing new starts (a blank verso, or the middle of a long run) shares
the point of the next page that has one, so every printed page number has a target.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from publish import model as m
from publish.errors import ToolError
from publish.render.assets import ProjectFiles
from publish.render.epub_markup import TextKey, text_key
from publish.render.markup import Markup

MARKER_PREFIX = "pm-"


@dataclass
class PageMap:
    """Print page numbers keyed by where they begin in the EPUB."""

    pages: int = 0
    front: list[int] = field(default_factory=list)  # before the first play: the title page
    at_id: dict[str, list[int]] = field(default_factory=dict)  # play and scene ids
    before_text: dict[TextKey, list[int]] = field(default_factory=dict)


@dataclass
class MarkedMarkup(Markup):
    """The print `Markup`, plus an invisible marker before every text run."""

    keys: list[TextKey] = field(default_factory=list)

    def inline(self, node: m.Inline) -> str:
        if isinstance(node, m.Text) and node.span is not None:
            self.keys.append(text_key(node))
            return f'<span id="{MARKER_PREFIX}{len(self.keys) - 1}"></span>' + super().inline(node)
        return super().inline(node)


def page_map(html: str, keys: list[TextKey], structural_ids: list[str], base_dir: Path,
             files: ProjectFiles) -> PageMap:
    """Lay out the marked print HTML; `structural_ids` are the play and scene ids."""
    anchors_by_page = _layout(html, base_dir, files)
    wanted = [f"{MARKER_PREFIX}{i}" for i in range(len(keys))] + list(structural_ids)
    # Document order is the order of the ids in the HTML itself.
    positions = {anchor: html.find(f'id="{anchor}"') for anchor in wanted}
    return assign(anchors_by_page, keys, {a: p for a, p in positions.items() if p >= 0},
                  structural_ids[0] if structural_ids else None)


def assign(anchors_by_page: list[set[str]], keys: list[TextKey], positions: dict[str, int],
           first_play: str | None) -> PageMap:
    """Pure: from the ids on each page (and their order in the book) to where each page
    number goes."""
    first_page: dict[str, int] = {}
    for number, anchors in enumerate(anchors_by_page, start=1):
        for anchor in anchors:
            if anchor in positions:
                first_page.setdefault(anchor, number)
    starts: dict[int, str] = {}
    for anchor, number in first_page.items():
        if number not in starts or positions[anchor] < positions[starts[number]]:
            starts[number] = anchor
    result = PageMap(pages=len(anchors_by_page))
    pending: list[int] = []
    last = None
    for number in range(1, len(anchors_by_page) + 1):
        if first_play is None or first_page.get(first_play, number + 1) > number:
            result.front.append(number)  # front matter, before any play
            continue
        pending.append(number)
        if number in starts:
            last = starts[number]
            _place(result, last, keys, pending)
            pending = []
    if pending:  # trailing pages where nothing begins: at the last point
        if last is None:
            result.front.extend(pending)
        else:
            _place(result, last, keys, pending)
    return result


def _place(result: PageMap, point: str, keys: list[TextKey], numbers: list[int]) -> None:
    if point.startswith(MARKER_PREFIX):
        key = keys[int(point[len(MARKER_PREFIX):])]
        result.before_text.setdefault(key, []).extend(numbers)
    else:
        result.at_id.setdefault(point, []).extend(numbers)


def _layout(html: str, base_dir: Path, files: ProjectFiles) -> list[set[str]]:
    """The anchors on each page of the laid-out print HTML."""
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectOnlyFetcher(URLFetcher):
        # The same policy as the print renderer: project and style files only, no network.
        def fetch(self, url, headers=None):
            if not url.startswith("file://"):
                raise ValueError(f"not fetched (only project files are read): {url}")
            path = Path(url[len("file://"):].split("?")[0])
            if not files.allows(path):
                raise ValueError(f"not fetched (outside the project): {url}")
            return URLFetcherResponse(url, body=path.read_bytes())

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    try:
        document = weasyprint.HTML(string=html, base_url=base_dir.as_uri() + "/",
                                   url_fetcher=ProjectOnlyFetcher()).render()
    except (OSError, ValueError, AssertionError) as exc:
        raise ToolError(f"WeasyPrint could not lay out the print edition for the page-list: {exc}") from exc
    return [set(page.anchors) for page in document.pages]
