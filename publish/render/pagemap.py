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

from dataclasses import dataclass, field
from html import unescape

from publish import model as m
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
    # Pages that begin inside a text run: run -> [(character offset, [page numbers])].
    within_text: dict[TextKey, list[tuple[int, list[int]]]] = field(default_factory=dict)


@dataclass
class MarkedMarkup(Markup):
    """The print `Markup`, plus an invisible marker before every text run."""

    keys: list[TextKey] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # each run as typeset (quotes curled)

    def inline(self, node: m.Inline) -> str:
        if isinstance(node, m.Text) and node.span is not None:
            self.keys.append(text_key(node))
            rendered = super().inline(node)
            self.texts.append(unescape(rendered))
            return f'<span id="{MARKER_PREFIX}{len(self.keys) - 1}"></span>' + rendered
        return super().inline(node)


def page_map(html: str, markup: MarkedMarkup, structural_ids: list[str], document) -> PageMap:
    """Page starts from the laid-out (WeasyPrint) `document` of the marked print HTML, the
    same layout as the print edition; `structural_ids` are the play and scene ids."""
    keys = markup.keys
    anchors_by_page = [set(page.anchors) for page in document.pages]
    first_lines = [_first_texts(page._page_box) for page in document.pages]
    wanted = [f"{MARKER_PREFIX}{i}" for i in range(len(keys))] + list(structural_ids)
    # Document order is the order of the ids in the HTML itself.
    positions = {anchor: html.find(f'id="{anchor}"') for anchor in wanted}
    result = assign(anchors_by_page, keys, {a: p for a, p in positions.items() if p >= 0},
                    structural_ids[0] if structural_ids else None)
    refine(result, anchors_by_page, first_lines, markup, positions)
    return result


def refine(result: PageMap, anchors_by_page: list[set[str]], first_lines: list[list[str]],
           markup: MarkedMarkup, positions: dict[str, int]) -> None:
    """Move a page break that begins inside a run from the next run to the word where the page
    begins: the run still open at the page's top is the last one started before it."""
    open_run = None
    for number, anchors in enumerate(anchors_by_page, start=1):
        if open_run is not None and number not in result.front:
            offset = _offset(markup.texts[open_run], first_lines[number - 1])
            if offset is not None and offset > 0:
                _move_within(result, number, markup.keys[open_run], offset)
        markers = [a for a in anchors if a.startswith(MARKER_PREFIX) and positions.get(a, -1) >= 0]
        if markers:
            open_run = int(max(markers, key=positions.__getitem__)[len(MARKER_PREFIX):])


def _offset(text: str, fragments: list[str]) -> int | None:
    """Where the page's first text starts within `text`, at a word's start (a word split by a
    hyphen at the page's top belongs to the new page). None unless the first fragment is long
    enough to be a line of running text (not a speaker's name) and occurs exactly once."""
    probe = fragments[0].strip()[:40] if fragments else ""
    if len(probe) < 16 or text.count(probe) != 1:
        return None
    offset = text.index(probe)
    while offset > 0 and not text[offset - 1].isspace():
        offset -= 1
    return offset


def _move_within(result: PageMap, number: int, key: TextKey, offset: int) -> None:
    for places in (result.before_text, result.at_id):
        for where, numbers in list(places.items()):
            if number in numbers:
                numbers.remove(number)
                if not numbers:
                    del places[where]
    result.within_text.setdefault(key, []).append((offset, [number]))


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


def _first_texts(page_box, limit: int = 3) -> list[str]:
    """The page's first text fragments in the flow: running heads, page numbers (margin
    boxes) and footnotes are skipped. Uses WeasyPrint's box tree (`_page_box`), the only place
    the laid-out text is; pinned WeasyPrint version keeps it stable."""
    from weasyprint.formatting_structure import boxes

    found: list[str] = []

    def walk(box) -> None:
        if len(found) >= limit or isinstance(box, (boxes.MarginBox, boxes.FootnoteAreaBox)):
            return
        if isinstance(box, boxes.TextBox):
            if box.text.strip():
                found.append(box.text)
            return
        for child in getattr(box, "children", ()):
            walk(child)

    walk(page_box)
    return found
