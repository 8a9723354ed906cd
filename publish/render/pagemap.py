"""Where the print edition's pages begin, for the EPUB's page-list.

The print PDF is laid out from HTML whose text-holding blocks (paragraphs, speeches' first
lines, directions, headings) carry a `data-pm` number: an attribute no stylesheet reads, so
the layout is the print edition's own and the EPUB needs no layout of its own. Walking each
laid-out page's boxes says which blocks, plays and scenes begin on it. A page that begins in
the middle of a block is then placed at the word it begins with: the page's first line of
running text is found among the text runs of the block still open at its top.

Pages before the first play (half-title, title, copyright, contents) start at the EPUB's
title page; a page where nothing new starts (a blank verso) shares the point of the next
page that has one, so every printed page number has a target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from typing import Any, TypeVar

from publish import model as m
from publish.render.epub_markup import TextKey, text_key
from publish.render.long_words import ZERO_WIDTH_SPACE
from publish.render.markup import Markup

MARKER_PREFIX = "pm-"  # a block's anchor in the page map: pm-<its data-pm number>
Place = TypeVar("Place")  # where a page begins: a text run's key, or an element's id


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
    """The print `Markup`, plus a `data-pm` number on every block that holds text, and the
    text runs (model `Text` nodes) of each block, as typeset (quotes curled)."""

    blocks_runs: list[list[tuple[TextKey, str]]] = field(default_factory=list)

    def block_mark(self) -> str:
        self.blocks_runs.append([])
        return f' data-pm="{len(self.blocks_runs) - 1}"'

    def inline(self, node: m.Inline) -> str:
        rendered = super().inline(node)
        key = text_key(node) if isinstance(node, m.Text) else None
        if key is not None and self.blocks_runs:
            self.blocks_runs[-1].append((key, unescape(rendered)))
        return rendered

    @property
    def keys(self) -> list[TextKey | None]:
        """Each block's first text run: where a page that begins with the block begins."""
        return [runs[0][0] if runs else None for runs in self.blocks_runs]


def page_map(html: str, markup: MarkedMarkup, structural_ids: list[str], document: Any) -> PageMap:
    """Page starts from the laid-out (WeasyPrint) `document` of the marked print HTML;
    `structural_ids` are the play and scene ids."""
    return map_of_marks(html, markup, structural_ids, page_marks(document, structural_ids))


@dataclass(frozen=True)
class PageMarks:
    """What a laid-out document's pages hold, for the page map: the marked blocks and
    structural ids that have a box on each page, and each page's first text fragments. Plain
    data: the parts of a print edition laid out in other processes (render/print_parts.py)
    send theirs, and the parts' lists joined make the whole edition's."""

    anchors: list[list[str]]
    first_lines: list[list[str]]

    def __add__(self, other: PageMarks) -> PageMarks:
        return PageMarks(self.anchors + other.anchors, self.first_lines + other.first_lines)


def page_marks(document: Any, structural_ids: list[str]) -> PageMarks:
    """The marks of each page of the laid-out `document`."""
    structural = set(structural_ids)
    anchors_by_page: list[list[str]] = []
    first_lines: list[list[str]] = []
    for page in document.pages:
        anchors: set[str] = set()
        _collect_anchors(page._page_box, structural, anchors)
        anchors_by_page.append(sorted(anchors))
        first_lines.append(_first_texts(page._page_box))
    return PageMarks(anchors_by_page, first_lines)


def map_of_marks(html: str, markup: MarkedMarkup, structural_ids: list[str], marks: PageMarks) -> PageMap:
    """The page map of the marked print HTML from its pages' `marks`."""
    structural = set(structural_ids)
    anchors_by_page = [set(anchors) for anchors in marks.anchors]
    first_lines = marks.first_lines
    keys = markup.keys
    positions = _positions(html, structural, keys)
    result = assign(anchors_by_page, keys, positions, structural_ids[0] if structural_ids else None)
    refine(result, anchors_by_page, first_lines, markup, positions)
    return result


def _positions(html: str, structural: set[str], keys: list[TextKey | None]) -> dict[str, int]:
    """Where each structural id and each block holding text is in the HTML (document order),
    in one pass over it. Blocks with no text run (an image without caption) are left out:
    no page break can be placed before them in the EPUB."""
    positions: dict[str, int] = {}
    for found in re.finditer(r' (id|data-pm)="([^"]+)"', html):
        kind, value = found.groups()
        if kind == "id" and value in structural:
            positions.setdefault(value, found.start())
        elif kind == "data-pm" and keys[int(value)] is not None:
            positions[MARKER_PREFIX + value] = found.start()
    return positions


def _collect_anchors(box: Any, structural: set[str], found: set[str]) -> None:
    """The marked blocks and structural ids that have a box on this page. Uses WeasyPrint's
    box tree (`_page_box`; each box knows its element); the pinned WeasyPrint version keeps
    it stable. Lines are not entered: no block begins inside a line."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, (boxes.LineBox, boxes.MarginBox, boxes.FootnoteAreaBox)):
        return
    element = getattr(box, "element", None)
    if element is not None:
        mark = element.get("data-pm")
        if mark is not None:
            found.add(MARKER_PREFIX + mark)
            return  # a marked block holds no other marked block
        if element.get("id") in structural:
            found.add(element.get("id"))
    for child in getattr(box, "children", ()):
        _collect_anchors(child, structural, found)


def refine(result: PageMap, anchors_by_page: list[set[str]], first_lines: list[list[str]],
           markup: MarkedMarkup, positions: dict[str, int]) -> None:
    """Move a page break that begins inside a block from the next block to the word where the
    page begins: the block still open at the page's top is the last one started before it."""
    open_block = None
    for number, anchors in enumerate(anchors_by_page, start=1):
        if open_block is not None and number not in result.front:
            place = _place_in_block(markup.blocks_runs[open_block], first_lines[number - 1])
            if place is not None:
                _move_within(result, number, *place)
        markers = [a for a in anchors if a.startswith(MARKER_PREFIX) and a in positions]
        if markers:
            open_block = int(max(markers, key=positions.__getitem__)[len(MARKER_PREFIX):])


def _place_in_block(runs: list[tuple[TextKey, str]], fragments: list[str]) -> tuple[TextKey, int] | None:
    """(run, character offset) where the page's first line begins, when that is inside the
    block but not at its very start; None unless exactly one run holds the line once."""
    places = [(index, offset) for index, (_, text) in enumerate(runs)
              for offset in [_offset(text, fragments)] if offset is not None]
    if len(places) != 1 or places[0] == (0, 0):
        return None
    index, offset = places[0]
    return runs[index][0], offset


def _offset(text: str, fragments: list[str]) -> int | None:
    """Where the page's first text starts within `text`, at a word's start (a word split by a
    hyphen at the page's top belongs to the new page). None unless the first fragment is long
    enough to be a line of running text (not a speaker's name) and occurs exactly once."""
    # Without the zero-width spaces the layout gave an overlong word (render/long_words.py).
    probe = fragments[0].replace(ZERO_WIDTH_SPACE, "").strip()[:40] if fragments else ""
    if len(probe) < 16 or text.count(probe) != 1:
        return None
    offset = text.index(probe)
    while offset > 0 and not text[offset - 1].isspace():
        offset -= 1
    return offset


def _move_within(result: PageMap, number: int, key: TextKey, offset: int) -> None:
    _forget(result.before_text, number)
    _forget(result.at_id, number)
    if offset == 0:  # the page begins exactly where a later run of the block begins
        result.before_text.setdefault(key, []).append(number)
    else:
        result.within_text.setdefault(key, []).append((offset, [number]))


def _forget(places: dict[Place, list[int]], number: int) -> None:
    """Page `number` no longer begins at any of `places`."""
    for where, numbers in list(places.items()):
        if number in numbers:
            numbers.remove(number)
            if not numbers:
                del places[where]


def assign(anchors_by_page: list[set[str]], keys: list[TextKey | None], positions: dict[str, int],
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


def _place(result: PageMap, point: str, keys: list[TextKey | None], numbers: list[int]) -> None:
    if point.startswith(MARKER_PREFIX):
        key = keys[int(point[len(MARKER_PREFIX):])]
        assert key is not None  # only the markers of blocks with a text run are placed (_positions)
        result.before_text.setdefault(key, []).extend(numbers)
    else:
        result.at_id.setdefault(point, []).extend(numbers)


def _first_texts(page_box: Any, limit: int = 3) -> list[str]:
    """The page's first text fragments in the flow: running heads, page numbers (margin
    boxes) and footnotes are skipped. Uses WeasyPrint's box tree (`_page_box`), the only place
    the laid-out text is; pinned WeasyPrint version keeps it stable."""
    from weasyprint.formatting_structure import boxes

    found: list[str] = []

    def walk(box: Any) -> None:
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
