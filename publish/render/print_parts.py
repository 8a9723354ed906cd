"""A long print edition laid out in parts: the front matter, then runs of each play's
divisions, each part laid out by WeasyPrint on its own and the parts' PDFs merged.

Why: laid out whole, editing a long play's last scene lays all of it out again. A part is
kept in the cache under its own HTML, which holds the page it begins on
(build/print_parts.py), so an edit lays out again the part that holds it, and the parts
after it only when its page count changed.

Where the joins are: before a division, which both house styles begin on a new page
(`.division { break-before: page }` in print.css): a join falls where the one-document layout
turns the page anyway, so a part laid out on its own makes the pages the whole layout made
(tests/test_print_parts.py compares them page by page). What the pages before a part would
have told its layout, its HTML says (`part_css`):
- the number of its first page (`@page :first { counter-set: page N }`) and its side
  (`html { break-before: left }`): folios, running heads and margins; the runt rule
  (render/runts.py) is told the side too;
- the footnotes before it (`counter-reset: footnote N`), which number the calls;
- the play's running heads: set on each division (html.division_styles), not only on the
  play's title, so a part that begins mid-play has them from its first page.
The contents are laid out last, with the page numbers the parts give (`data-page`, as the
proof's front has them); a contents entry keeps room for its number, so the numbers never
change its lines, and the contents laid out first (to learn where the plays begin) have the
same length.

The merge (pikepdf, as the proof's: proof_parts.py) makes what a single WeasyPrint document
had: the contents' links point to the pages, every id is a named destination, and the
outline is built from all the parts' bookmarks as WeasyPrint builds it from one document's.
A link in a play to an id in another part is lost (WeasyPrint drops a link to an id its
document lacks); the house markup makes none.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publish.render.pagemap import MARKER_PREFIX, PageMarks
from publish.render.proof import PART_LINK
from publish.render.proof_parts import (
    POINTS_PER_PX,
    Bookmark,
    Place,
    name_destinations,
    resolve_front_links,
)
from publish.support.versions import installed_version

_STAMP = re.compile(r'<div class="stamp">[^<]*</div>\n')
_PLAY = re.compile(r'<article class="play" id="(play-\d+)"([^>]*)>')
_DIVISION = re.compile(r'<section class="division" id="play-\d+-scene-\d+"')
_CONTENTS_LINK = re.compile(r'<a href="#([^"]+)">')
_FOOTNOTE = '<span class="footnote'
_ARTICLE_END = "</article>"
_MARK = re.compile(r' data-pm="(\d+)"')


@dataclass(frozen=True)
class Part:
    """A part of the book's HTML: `html[start:end]`, which begins with a division (or, the
    first part, with the front matter and the first play's opening); the plays it holds
    text of; and the opening tag of the play it begins in, when that is not in it."""

    start: int
    end: int
    plays: tuple[int, ...]
    reopens: str  # `<article class="play" lang="…">`, without its id; "" for the first part
    # The page-map number (`data-pm`) of its first marked block: its blocks are numbered
    # from 0 in its document, so that a block added before it changes nothing in it.
    first_mark: int = 0


@dataclass(frozen=True)
class PartedBook:
    """The print edition's HTML cut at the joins: the document before and after the body's
    content, and the parts in reading order (the first holds the front matter)."""

    html: str
    head: str  # up to and with the body's opening and the (hidden) stamp
    tail: str  # the body's end
    parts: tuple[Part, ...]
    # The head of the parts after the first: without the build's stamp and dates, which the
    # print edition shows only on its copyright page (in the first part), so that a new
    # build date or commit lays out none of the others again.
    undated_head: str = ""

    def footnotes_in(self, part: Part) -> int:
        return self.html.count(_FOOTNOTE, part.start, part.end)

    def part_html(self, part: Part, first_page: int, footnotes_before: int,
                  contents: dict[str, str] | None = None) -> str:
        """The document of `part`, beginning on page `first_page` of the book after
        `footnotes_before` footnotes. The first part's contents entries are given their
        page numbers (`contents`: id -> folio; "" before they are known) and linked for
        the merge."""
        text = self.html[part.start:part.end]
        if contents is not None:
            def entry(found: re.Match[str]) -> str:
                target = found.group(1)
                return f'<a href="{PART_LINK}{target}" data-page="{contents.get(target, "")}">'
            text = _CONTENTS_LINK.sub(entry, text)
        if part.first_mark:
            text = _MARK.sub(lambda found: f' data-pm="{int(found.group(1)) - part.first_mark}"', text)
        opening = part.reopens + "\n" if part.reopens else ""
        # A part that ends before a division ends inside that division's play.
        closing = "\n" + _ARTICLE_END if part.end < len(self.html) - len(self.tail) else ""
        head = self.head if part is self.parts[0] else self.undated_head
        if first_page > 1 or footnotes_before:
            style = f"<style>\n{part_css(first_page, footnotes_before)}\n</style>\n</head>"
            head = head.replace("</head>", style, 1)
        return head + opening + text.rstrip("\n") + closing + self.tail


def part_css(first_page: int, footnotes_before: int) -> str:
    """What the pages before a part would have told its layout (the module says why)."""
    side = "right" if first_page % 2 else "left"
    return (f"@page :first {{ counter-set: page {first_page}; }}\n"
            f"html {{ break-before: {side}; counter-reset: footnote {footnotes_before}; }}")


def cut(html: str, part_size: int, undated_later: bool = True) -> PartedBook | None:
    """The book's HTML (render/html.render_book; or a play's proof, render/proof.py) cut
    into parts of about `part_size` characters, each beginning with a division: the first
    part ends before the first play's first division; None when there is no division to
    cut before. `undated_later`: the parts after the first do without the build's stamp
    and dates (the print edition shows them on its copyright page only; a proof on every
    page)."""
    stamp = _STAMP.search(html)
    body_end = html.rindex("\n</body>")
    divisions = [found.start() for found in _DIVISION.finditer(html)]
    if stamp is None or not divisions:
        return None
    plays = [(found.start(), f'<article class="play"{found.group(2)}>') for found in _PLAY.finditer(html)]
    cuts = [stamp.end(), divisions[0]]
    for start in divisions[1:]:
        if start - cuts[-1] >= part_size:
            cuts.append(start)
    cuts.append(body_end)

    def play_at(position: int) -> int:
        return max((index for index, (start, _) in enumerate(plays) if start <= position), default=0)

    def first_mark(start: int) -> int:
        found = _MARK.search(html, start)
        return int(found.group(1)) if found else 0

    parts = tuple(Part(start, end, tuple(range(play_at(start), play_at(end - 1) + 1)),
                       plays[play_at(start)][1] if number else "", first_mark(start) if number else 0)
                  for number, (start, end) in enumerate(zip(cuts, cuts[1:], strict=False)))
    head = html[:stamp.end()]
    return PartedBook(html, head, html[body_end:], parts, _undated(head) if undated_later else head)


_DATED = [(re.compile(r'<meta name="dcterms\.(created|modified)" content="[^"]*"/>\n'), ""),
          (re.compile(r' data-stamp="[^"]*"'), ""),
          (_STAMP, '<div class="stamp"></div>\n')]


def _undated(head: str) -> str:
    for pattern, replacement in _DATED:
        head = pattern.sub(replacement, head)
    return head


def book_marks(part: Part, marks: PageMarks) -> PageMarks:
    """A part's page marks with its blocks' numbers in the book (`part_html` numbered them
    from 0)."""
    if not part.first_mark:
        return marks

    def in_book(anchor: str) -> str:
        if anchor.startswith(MARKER_PREFIX):
            return f"{MARKER_PREFIX}{int(anchor[len(MARKER_PREFIX):]) + part.first_mark}"
        return anchor

    return PageMarks([[in_book(anchor) for anchor in page] for page in marks.anchors], marks.first_lines)


# ---------------------------------------------------------------- a part laid out

PageBookmarks = list[tuple[int, str, tuple[float, float], str]]  # WeasyPrint's page.bookmarks


@dataclass(frozen=True)
class LaidPart:
    """A part (or the front) laid out: its PDF; where each id on its pages stands (page
    index, x, y in PDF points from the bottom left); each page's bookmarks and height, as
    WeasyPrint has them (CSS px), for the merged outline; its page marks, for the page map;
    and the widest space of its justified lines (ems), if any."""

    pdf: bytes
    pages: int
    anchors: dict[str, Place]
    bookmarks: list[PageBookmarks]
    heights: list[float]
    marks: PageMarks
    loosest: float | None

    def info(self) -> dict[str, Any]:
        """What the cache keeps beside the PDF (JSON)."""
        return {"pages": self.pages, "anchors": self.anchors, "bookmarks": self.bookmarks,
                "heights": self.heights, "marks": [self.marks.anchors, self.marks.first_lines],
                "loosest": self.loosest}

    @classmethod
    def from_cache(cls, pdf: bytes, info: dict[str, Any]) -> LaidPart:
        anchors = {name: (int(page), float(x), float(y)) for name, (page, x, y) in info["anchors"].items()}
        bookmarks = [[(int(level), str(label), (float(x), float(y)), str(state))
                      for level, label, (x, y), state in page] for page in info["bookmarks"]]
        marks = PageMarks(*info["marks"])
        return cls(pdf, int(info["pages"]), anchors, bookmarks, list(info["heights"]), marks,
                   info["loosest"])


def laid_part(document: Any, pdf: bytes, structural_ids: list[str] | None) -> LaidPart:
    """What the merge and the page map need of a laid-out part; with no `structural_ids`
    (a proof's), no page marks and no loosest line."""
    from publish.render.pagemap import page_marks
    from publish.render.spacing import loosest_line

    anchors: dict[str, Place] = {}
    for index, page in enumerate(document.pages):
        height = page.height * POINTS_PER_PX
        for name, (x, y, *_) in page.anchors.items():
            anchors.setdefault(name, (index, x * POINTS_PER_PX, height - y * POINTS_PER_PX))
    loosest = loosest_line(document) if structural_ids is not None else None
    marks = page_marks(document, structural_ids) if structural_ids is not None else PageMarks([], [])
    return LaidPart(pdf, len(document.pages), anchors,
                    [list(page.bookmarks) for page in document.pages],
                    [page.height for page in document.pages], marks,
                    loosest.space if loosest else None)


# ---------------------------------------------------------------- the merge

def merge(parts: list[LaidPart], output: Path) -> int:
    """Write the book (the front, then the parts) to `output`; returns its page count."""
    data, pages = joined(parts, front_links=True)
    output.write_bytes(data)
    return pages


def joined(parts: list[LaidPart], front_links: bool = False) -> tuple[bytes, int]:
    """The parts' pages as one PDF, on the first part's document: every id a named
    destination, one outline; with `front_links`, the first part's links into the others
    resolved (its contents). Returns (the PDF, its page count)."""
    import pikepdf

    # qpdf copies a part's page contents when the book is saved: the parts stay open till then.
    with contextlib.ExitStack() as open_parts:
        book = open_parts.enter_context(pikepdf.Pdf.open(io.BytesIO(parts[0].pdf)))
        for part in parts[1:]:
            laid_out = open_parts.enter_context(pikepdf.Pdf.open(io.BytesIO(part.pdf)))
            book.pages.extend(laid_out.pages)
        places = joined_anchors(parts)
        if front_links:
            resolve_front_links(book, parts[0].pages, places)
        name_destinations(book, places)
        _outline(book, bookmark_tree(parts))
        producer = str(book.docinfo.get("/Producer", "WeasyPrint"))
        book.docinfo["/Producer"] = f"{producer}; parts merged by pikepdf {installed_version('pikepdf')}"
        # Saved in memory (qpdf writing to a full disk ends the process: proof_parts.merge).
        merged = io.BytesIO()
        book.save(merged, deterministic_id=True)  # the same parts, the same bytes
        return merged.getvalue(), len(book.pages)


def joined_anchors(parts: list[LaidPart]) -> dict[str, Place]:
    """Where each id of the parts stands in them joined (its first place)."""
    places: dict[str, Place] = {}
    start = 0
    for part in parts:
        for name, (page, x, y) in part.anchors.items():
            places.setdefault(name, (start + page, x, y))
        start += part.pages
    return places


def bookmark_tree(parts: list[LaidPart]) -> list[Bookmark]:
    """The outline WeasyPrint would make of one document of all the parts' pages: its own
    tree builder, given each page's bookmarks in turn."""
    from weasyprint.anchors import make_page_bookmark_tree
    from weasyprint.matrix import Matrix

    root: list[Bookmark] = []
    skipped_levels: list[int] = []
    last_by_depth: list[list[Bookmark]] = [root]
    previous_level = 0
    number = 0
    for part in parts:
        for bookmarks, height in zip(part.bookmarks, part.heights, strict=True):
            matrix = Matrix(a=POINTS_PER_PX, d=-POINTS_PER_PX, f=height * POINTS_PER_PX)
            previous_level = make_page_bookmark_tree(_PageBookmarks(bookmarks), skipped_levels,
                                                     last_by_depth, previous_level, number, matrix)
            number += 1
    return root


def _outline(book: Any, tree: list[Bookmark]) -> None:
    from pikepdf import OutlineItem

    def item(bookmark: Bookmark) -> OutlineItem:
        label, (page_number, x, y), children, state = bookmark
        entry = OutlineItem(label, page_number, "XYZ", left=round(x, 3), top=round(y, 3))
        entry.is_closed = state == "closed"
        entry.children.extend(item(child) for child in children)
        return entry

    with book.open_outline() as outline:
        # The first part's PDF, which the book is built on, has its own outline: replaced.
        outline.root[:] = [item(bookmark) for bookmark in tree]


@dataclass(frozen=True)
class _PageBookmarks:
    bookmarks: PageBookmarks
