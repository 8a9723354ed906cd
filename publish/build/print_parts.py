"""A long book's print PDF laid out in parts, and a long play's proof in runs of its
divisions (render/print_parts.py says how and why), each part kept in the cache under its
own document: an edit lays out again the part that holds it, and those after it only when
its page count changed, or the gutter did.

The parts are laid out one after another, in the render process of their output: each
begins on the page the ones before it end on, which only their layout tells. Meanwhile the
other outputs render in the other processes (build/workers.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from publish import model as m
from publish.build.cache import Cache, render_identity
from publish.build.jobs import BookJob
from publish.build.keys import font_identities, image_identities
from publish.model.errors import ToolError
from publish.reading.files import ProjectFiles
from publish.render import page, pdf
from publish.render.pagemap import MarkedMarkup, PageMap, map_of_marks
from publish.render.print_parts import (
    LaidPart,
    Part,
    PartedBook,
    book_marks,
    bookmark_tree,
    cut,
    joined,
    joined_anchors,
    laid_part,
    merge,
)
from publish.render.proof_parts import Bookmark, Place
from publish.support.collector import release_garbage
from publish.support.digests import digest
from publish.support.paths import STYLES_DIR
from publish.support.source_date import source_date

# A book estimated at this many pages or more is laid out in parts; a shorter one is laid
# out whole (a part costs a layout's setup and its own font subsets: 0.1-0.2 s).
PARTED_FROM_PAGES = 80
# The HTML a part holds, about: some 15 pages of a play. A division is never cut.
PART_SIZE = 60_000

KIND = "print-part"
PROOF_KIND = "proof-run"
# A play whose text is this long or longer has its proof laid out in runs of divisions too
# (some 60 pages of the proof).
PROOF_RUNS_FROM = 100_000


@dataclass(frozen=True)
class PrintMade:
    """The print PDF written: its pages, the page map of its layout, its loosest line."""

    pages: int
    page_map: PageMap
    loosest: float | None


@dataclass(frozen=True)
class _Layouts:
    """What laying out a part needs beside its HTML; parts are kept in `cache` as `kind`
    (KIND, or PROOF_KIND: a run of a play's proof), with no page marks for a proof."""

    job: BookJob
    files: ProjectFiles
    cache: Cache
    modified: dt.datetime
    pull_runts: bool
    structural: list[str] | None
    kind: str = KIND

    def laid(self, html: str, first_recto: bool, plays: tuple[int, ...], dated: bool = False) -> LaidPart:
        """A part laid out, from the cache when it holds it. Only a print edition's first
        part is `dated` (its copyright page shows the build): the others' font subsets are
        dated UNDATED_FONTS, so that a new build date lays none of them out again (a proof's
        pages show the build's stamp, which is in their HTML)."""
        shown = tuple(self.job.book.plays[index] for index in plays)
        date = self.modified.isoformat() if dated else str(UNDATED_FONTS)
        output = "pdf" if self.kind == KIND else "proof"
        key = digest(self.kind, render_identity(STYLES_DIR, output), html, str(first_recto),
                     str(self.pull_runts), date, *font_identities(self.job),
                     *image_identities(self.job, shown))
        found = self.cache.file(self.kind, key)
        if found is not None:
            return LaidPart.from_cache(*found)
        with contextlib.nullcontext() if dated else source_date(UNDATED_FONTS):
            document = pdf.layout(html, self.job.root, self.files, pull_runts=self.pull_runts,
                                  first_recto=first_recto)
            made = laid_part(document, pdf.to_bytes(document), self.structural)
        del document
        release_garbage()  # a part's boxes refer to each other: let them go before the next
        self.cache.keep_bytes(self.kind, key, made.pdf, made.info())
        return made


# The date fontTools writes into the font subsets of the parts after the first (its
# SOURCE_DATE_EPOCH): the start of 1970. No reader sees a subset's date.
UNDATED_FONTS = 0


def print_pdf(job: BookJob, files: ProjectFiles, cache: Cache, modified: dt.datetime,
              pull_runts: bool, first_gutter: float, structural: list[str],
              book_html: Callable[[float], tuple[str, MarkedMarkup]], target: Path) -> PrintMade | None:
    """Lay the print edition out in parts and write it to `target`; None when it has no
    play to part. `book_html(gutter)`: its HTML and markup with that gutter; the gutter is
    searched as a whole layout's is (build/outputs.print_layout)."""
    layouts = _Layouts(job, files, cache, modified, pull_runts, structural)
    gutter = first_gutter
    while True:
        html, markup = book_html(gutter)
        book = cut(html, PART_SIZE)
        if book is None:
            return None
        parts = _lay_out(book, layouts)
        total = sum(part.pages for part in parts)
        needed = page.gutter_for(total, None)
        if needed == gutter:
            break
        gutter = needed
    pages = merge(parts, target)
    each = [book_marks(part, laid.marks) for part, laid in zip(book.parts, parts, strict=True)]
    marks = sum(each[1:], each[0])
    loosest = max((part.loosest for part in parts if part.loosest is not None), default=None)
    return PrintMade(pages, map_of_marks(html, markup, structural, marks), loosest)


def _lay_out(book: PartedBook, layouts: _Layouts) -> list[LaidPart]:
    """The first part (the front matter and the first play's opening), then each part on
    the page the ones before it end on; the first part again with the contents' page
    numbers. Should that change its length (a contents entry keeps room for its number, so
    it should not), the parts after it are laid out again."""
    first, rest = book.parts[0], book.parts[1:]
    front = layouts.laid(book.part_html(first, 1, 0, contents={}), True, first.plays, dated=True)
    for _ in range(FRONT_TRIES):
        parts = _parts(book, rest, layouts, front.pages + 1, book.footnotes_in(first))
        numbers = _page_numbers([front, *parts])
        final = layouts.laid(book.part_html(first, 1, 0, contents=numbers), True, first.plays,
                              dated=True)
        if final.pages == front.pages:
            return [final, *parts]
        front = final
    raise ToolError("the print edition's contents changed length with every set of page numbers "
                    "they were given, so its parts never settled: please report this with the book")


FRONT_TRIES = 3


@dataclass(frozen=True)
class ProofRuns:
    """A play's proof laid out in runs of its divisions and joined: its PDF, its pages,
    where each id stands (page index, x, y in PDF points), its outline."""

    pdf: bytes
    pages: int
    anchors: dict[str, Place]
    bookmarks: list[Bookmark]


def proof_in_runs(job: BookJob, files: ProjectFiles, cache: Cache, modified: dt.datetime,
                  play: int, html: str) -> ProofRuns | None:
    """A long play's proof (`html`, render/proof.py) laid out in runs of divisions, each
    kept in the cache, as a long print edition is laid out in parts; None for a play
    shorter than PROOF_RUNS_FROM characters, or with nothing to cut."""
    if len(m.plain_text(job.book.plays[play])) < PROOF_RUNS_FROM:
        return None
    book = cut(html, PART_SIZE, undated_later=False)
    if book is None:
        return None
    layouts = _Layouts(job, files, cache, modified, False, None, PROOF_KIND)
    runs = _parts(book, book.parts, layouts, 1, 0)
    data, pages = joined(runs)
    return ProofRuns(data, pages, joined_anchors(runs), bookmark_tree(runs))


def _parts(book: PartedBook, parts: tuple[Part, ...], layouts: _Layouts, first_page: int,
           footnotes: int) -> list[LaidPart]:
    laid: list[LaidPart] = []
    for part in parts:
        html = book.part_html(part, first_page, footnotes)
        laid.append(layouts.laid(html, first_page % 2 == 1, part.plays))
        first_page += laid[-1].pages
        footnotes += book.footnotes_in(part)
    return laid


def _page_numbers(parts: list[LaidPart]) -> dict[str, str]:
    """id -> the number of the page it begins on, for every id on the parts' pages."""
    numbers: dict[str, str] = {}
    first = 1
    for part in parts:
        for name, (index, _, _) in part.anchors.items():
            numbers.setdefault(name, str(first + index))
        first += part.pages
    return numbers


def wanted(estimated_pages: int, printer_named: bool, standard: str | None) -> bool:
    """Whether the print edition is laid out in parts: a long book, with neither a printer
    (its even page count and blank last page) nor a PDF standard (PDF/A, /UA and /X write
    document-wide structures: XMP, output intent, the tag tree, one per document)."""
    return estimated_pages >= PARTED_FROM_PAGES and not printer_named and standard is None

