"""Rendering one output of one book: the print PDF (with its gutter search, and the page
map of its layout), the proof PDF and the EPUB (whose page-list takes the print PDF's page
map). `build.py` decides
what to render and where; this module only renders, in whichever process runs the task.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from publish import model as m
from publish.build import print_parts
from publish.build.cache import Cache
from publish.build.jobs import OUTPUTS, Artifact, BookJob
from publish.build.keys import image_identities
from publish.build.print_parts import PrintMade
from publish.config import TRIMS, PrintConfig
from publish.config.printers import Printer, printer_for
from publish.model.diff import PlayDiff, diff_play
from publish.model.errors import ConfigError, Location
from publish.reading.files import IMAGE_TYPES, ProjectFiles
from publish.reading.revision import play_at
from publish.render import page, pdf, pdfx
from publish.render.assets import stylesheet
from publish.render.coverage import Coverage, mark_missing
from publish.render.epub import EpubOptions, write_epub
from publish.render.fonts import FontStack, font_face_css, font_stack, with_declared_fonts
from publish.render.html import Stamp, division_id, play_id, render_book
from publish.render.markup import Markup
from publish.render.pagemap import MarkedMarkup, PageMap, page_map
from publish.render.proof import (
    ProofMarkup,
    anchors_of,
    change_counts,
    render_proof_front,
    render_proof_play,
)
from publish.render.proof_parts import ProofPart, anchors_in, bookmarks_in, merge
from publish.support.atomic import atomic_output
from publish.support.collector import release_garbage
from publish.support.images import bytes_problem, image_bytes
from publish.support.source_date import source_date


def render(kind: str, job: BookJob, files: ProjectFiles, stamp: Stamp, modified: dt.datetime,
           target: Path, settings: PrintConfig, since: str | None, cache: Cache | None = None,
           layout_key: str = "", page_map: PageMap | None = None,
           parts: Sequence[ProofPart | None] = ()) -> Artifact:
    """Render one output of one book to `target`, atomically. The print PDF also returns the
    page map of its layout (where each print page begins, for the EPUB's page-list) and keeps
    it in `cache` under `layout_key`; the EPUB takes it as `page_map`, or from the cache, and
    lays the print edition out for it only when neither has it. The EPUB also keeps its
    chapters in `cache`. The proof takes its plays' `parts` (from `render_proof_part`), lays
    out its front and merges them."""
    cache = cache or Cache(None)
    with _source_date(modified), atomic_output(target) as temporary:
        pages: int | None = None
        loosest: float | None = None
        rebuilt = tuple(job.manuscripts)
        if kind == "epub":
            options = _epub_options(job, files, stamp, settings, cache, layout_key, page_map)
            rebuilt = tuple(write_epub(job.book, files, job.manuscripts, temporary, modified,
                                       options))
        elif kind == "proof":
            pages = _proof_pdf(job, files, stamp, since, _all_laid_out(parts), temporary)
        elif kind == "pdf":
            pages, page_map, loosest = _print_pdf(job, files, stamp, settings, temporary, cache,
                                                  modified)
            cache.store("pagemap", layout_key, page_map)
        else:
            raise ValueError(f"unknown output {kind!r}; expected one of {OUTPUTS}")
    # The print PDF is laid out whole (page numbers run through the book); the EPUB keeps the
    # chapters of plays whose model, images and print page breaks did not change, and the
    # proof is made of parts laid out per play (build/plan.py reports which).
    return Artifact(kind, target, pages, target.stat().st_size, rebuilt_parts=rebuilt,
                    page_map=page_map if kind == "pdf" else None, loosest_space=loosest)


def _source_date(modified: dt.datetime) -> contextlib.AbstractContextManager[None]:
    """SOURCE_DATE_EPOCH set to the build's date while rendering (support/source_date.py)."""
    return source_date(int(modified.timestamp()))


def print_layout(job: BookJob, files: ProjectFiles, stamp: Stamp,
                 settings: PrintConfig) -> tuple[str, MarkedMarkup, Any]:
    """The print edition laid out: (html, its MarkedMarkup, WeasyPrint document). Laid out
    with the gutter its estimated length calls for, then again while the page count calls
    for another gutter. Pages only grow with the gutter, so the search moves one way (wider,
    or narrower when the estimate was long) and ends on a gutter that fits the count, at most
    once per gutter class. A good estimate saves a whole layout of a long book: most books
    cross 150 pages. In the book style, runts (a scene ending with a line or two on a page
    of its own) are pulled forward as the pages are made (render/runts.py)."""
    printer = job_printer(job)
    variant = print_standard(job, settings)
    gutter = page.gutter_for(estimate_pages(job.book, settings), printer)
    while True:
        # The marks are attributes no stylesheet reads: the layout is the plain print HTML's.
        markup = MarkedMarkup(link_footnotes=True, image_src=_image_src(job, files, variant),
                              languages=job.languages)
        geometry = page.page_css(settings, gutter, printer) + "\n" + pdfx.output_intent_css(variant)
        html = _book_html(job, files, stamp, style=settings.style, geometry=geometry,
                          markup=markup)
        document = pdf.layout(html, job.root, files, pull_runts=settings.style == "book")
        needed = page.gutter_for(len(document.pages), printer)
        if needed == gutter:
            if printer is not None and printer.even_pages and len(document.pages) % 2:
                # A blank verso at the end (gutter classes end at even counts: same gutter).
                document = pdf.with_blank_page(document, page.blank_verso_css(settings, printer),
                                               job.root, files)
            return html, markup, document
        gutter = needed
        # Let the first layout go before the next one starts: a long book's layout is most
        # of the process's memory, and two at once would double its peak.
        del document, html, markup
        release_garbage()  # its boxes refer to each other; cycles wait for the collector


def _print_pdf_in_parts(job: BookJob, files: ProjectFiles, stamp: Stamp, settings: PrintConfig,
                        cache: Cache, modified: dt.datetime, target: Path) -> PrintMade | None:
    """A long book's print PDF, laid out in parts (build/print_parts.py); None for a book
    laid out whole."""
    estimate = estimate_pages(job.book, settings)
    if not print_parts.wanted(estimate, job_printer(job) is not None, print_standard(job, settings)):
        return None

    def book_html(gutter: float) -> tuple[str, MarkedMarkup]:
        markup = MarkedMarkup(link_footnotes=True, image_src=_image_src(job, files),
                              languages=job.languages)
        geometry = page.page_css(settings, gutter, None) + "\n" + pdfx.output_intent_css(None)
        html = _book_html(job, files, stamp, style=settings.style, geometry=geometry, markup=markup)
        return html, markup

    return print_parts.print_pdf(job, files, cache, modified, settings.style == "book",
                                 page.gutter_for(estimate, None), _structural_ids(job),
                                 book_html, target)


def _print_pdf(job: BookJob, files: ProjectFiles, stamp: Stamp, settings: PrintConfig,
               target: Path, cache: Cache, modified: dt.datetime) -> tuple[int, PageMap, float | None]:
    """The print PDF, the page map of its layout and how loose its loosest justified line
    is: (page count, PageMap, widest space between words in ems, or None)."""
    from publish.render.spacing import loosest_line

    parted = _print_pdf_in_parts(job, files, stamp, settings, cache, modified, target)
    if parted is not None:
        return parted.pages, parted.page_map, parted.loosest
    html, markup, document = print_layout(job, files, stamp, settings)
    pages = _page_map(job, html, markup, document)
    loosest = loosest_line(document)
    printer = job_printer(job)
    bleed = printer.bleed if printer else page.BLEED
    # The BleedBox is set for a press (its CSS bleed leaves room for the crop marks) and at a
    # printer (WeasyPrint caps it at 10pt; a custom bleed may be wider).
    set_bleed = settings.profile == "press" or (printer is not None and settings.profile == "pod")
    return pdf.write(document, target, bleed_box=bleed if set_bleed else None,
                     variant=print_standard(job, settings),
                     document_seed=_document_seed(job, stamp)), pages, \
        loosest.space if loosest else None


def job_printer(job: BookJob) -> Printer | None:
    """The rules of the book's `printer:`, if it names one."""
    return printer_for(job.config.printer) if job.config else None


def print_standard(job: BookJob, settings: PrintConfig) -> str | None:
    """The standard the print PDF is written to (PrintConfig.standard)."""
    printer = job_printer(job)
    return settings.standard(printer.pdf_variant if printer else None)


def _document_seed(job: BookJob, stamp: Stamp) -> str:
    identifier = job.config.identifier if job.config else job.id
    return f"{identifier} {stamp.text()}"


def _page_map(job: BookJob, html: str, markup: MarkedMarkup, document: Any) -> PageMap:
    return page_map(html, markup, _structural_ids(job), document)


def _structural_ids(job: BookJob) -> list[str]:
    """The ids of the plays and their divisions, which the page map places."""
    return [element_id for index, play in enumerate(job.book.plays)
            for element_id in (play_id(index), *(division_id(index, d) for d in range(len(play.body))))]


def _epub_options(job: BookJob, files: ProjectFiles, stamp: Stamp, settings: PrintConfig,
                  cache: Cache, layout_key: str, page_map: PageMap | None = None) -> EpubOptions:
    """The EPUB's metadata, cover and the print edition's page starts (for its page-list):
    given by the print PDF's render, or from the cache, else from a layout of its own."""

    pages = page_map or cache.load("pagemap", layout_key)
    if pages is None:
        html, markup, document = print_layout(job, files, stamp, settings)
        pages = _page_map(job, html, markup, document)
        cache.store("pagemap", layout_key, pages)
    config = job.config
    cover, cover_type = None, "image/png"
    if config and config.cover:
        cover, cover_type = read_cover(job.root / config.cover, config.cover)
    return EpubOptions(
        description=config.description if config else "",
        author_file_as=config.author_file_as if config else "",
        subjects=config.subjects if config else (),
        cover=cover, cover_type=cover_type, pages=pages,
        chapters=cache, play_keys=dict(job.keys), fonts=book_fonts(job),
        play_languages=dict(job.languages),
        play_images={play.meta.source: image_identities(job, (play,)) for play in job.book.plays})


def read_cover(path: Path, shown: str) -> tuple[bytes, str]:
    """The cover's bytes and media type, read with the bound and checked as book.yaml's
    loading checked the file (it may have changed since)."""
    data = image_bytes(path)
    problem = data if isinstance(data, str) else bytes_problem(data, path.suffix.lower())
    if problem is not None:
        raise ConfigError(f"cover {shown!r} is unusable: {problem}")
    assert isinstance(data, bytes)
    return data, IMAGE_TYPES[path.suffix.lower()]


def _image_src(job: BookJob, files: ProjectFiles,
               variant: str | None = None) -> Callable[[m.Image], str | None]:
    """Where each image is read from; with a PDF standard that refuses some images (PDF/X-1a:
    RGB, transparency), each is checked first, and refused at its place in the manuscript."""
    def image_src(node: m.Image) -> str | None:
        manuscript = job.manuscripts.get(node.span.path if node.span else "", job.root)
        local = files.image(node.url, manuscript)
        problem = pdfx.image_problem(local, variant) if local else None
        if problem:
            span = node.span
            where = Location(span.path, span.line, span.col) if span else None
            raise pdfx.PdfxError(problem, where)
        return local.as_uri() if local else None
    return image_src


# Characters of text per square inch of trim, as the house styles set them (measured on the
# default books); only a first guess of the page count, so it need not be exact.
TEXT_DENSITY = {"book": 36.0, "manuscript": 19.0}
FRONT_PAGES, PAGES_PER_PLAY = 4, 2  # front matter; a play's opener and personae


def estimate_pages(book: m.Book, settings: PrintConfig) -> int:
    """The print edition's page count, guessed from its text length and trim: the first
    gutter tried. Depends only on the book, so the result stays reproducible."""
    width, height = TRIMS[settings.trim]
    chars = sum(len(m.plain_text(play)) for play in book.plays)
    per_page = TEXT_DENSITY.get(settings.style, TEXT_DENSITY["book"]) * width * height
    return FRONT_PAGES + PAGES_PER_PLAY * len(book.plays) + round(chars / per_page)


def _book_html(job: BookJob, files: ProjectFiles, stamp: Stamp, style: str = "book",
               geometry: str = "", markup: Markup | None = None) -> str:
    """The print edition's HTML (the proof has its own: render/proof.py)."""
    markup = markup or Markup(link_footnotes=True, image_src=_image_src(job, files),
                              languages=job.languages)
    stack = book_fonts(job)
    # The page geometry comes first so the house style can refine what it does not set.
    sheets = [font_face_css(stack, lambda path: path.as_uri()), geometry,
              with_declared_fonts(stylesheet("print.css"), stack)]
    if style == "manuscript":
        sheets.append(with_declared_fonts(stylesheet("manuscript.css"), stack))
    # A release names no build on its copyright page unless book.yaml asks; drafts do.
    build_id = job.config.shows_build_id() if job.config else False
    return mark_missing(render_book(job.book, markup, sheets, stamp, build_id), Coverage.of(stack))


def book_fonts(job: BookJob) -> FontStack:
    """The fonts the book is drawn with: the book face, its `fonts:`, then STIX."""
    return font_stack(job.root, job.fonts)


def _proof_sheets(stack: FontStack) -> list[str]:
    return [font_face_css(stack, lambda path: path.as_uri()),
            with_declared_fonts(stylesheet("print.css"), stack),
            with_declared_fonts(stylesheet("proof.css"), stack)]


def _proof_paper(job: BookJob) -> str:
    return job.config.proof.paper if job.config else "a4"


def proof_play_html(job: BookJob, files: ProjectFiles, stamp: Stamp, index: int,
                    since_commit: str = "", diff: PlayDiff | None = None) -> str:
    """The HTML of the proof of play `index` (one part of the proof); with `since_commit`
    (a full commit id), its changes since then marked (`diff`, when known already)."""

    markup = ProofMarkup(show_notes=True, link_footnotes=True, image_src=_image_src(job, files),
                         languages=job.languages)
    if since_commit and diff is None:
        diff = _play_diff(job, job.book.plays[index], since_commit)
    stack = book_fonts(job)
    return mark_missing(render_proof_play(job.book, index, markup, _proof_sheets(stack), stamp,
                                          job.diagnostics, diff, _proof_paper(job)),
                        Coverage.of(stack))


def render_proof_part(job: BookJob, files: ProjectFiles, stamp: Stamp, modified: dt.datetime,
                      index: int, since_commit: str = "", cache: Cache | None = None) -> ProofPart:
    """The proof of play `index`, laid out: a ProofPart (its PDF, pages, anchors, and the
    count of its changes since `since_commit`, for the summary). A long play's is laid out
    in runs of its divisions, each kept in `cache` (build/print_parts.py)."""

    diff = _play_diff(job, job.book.plays[index], since_commit) if since_commit else None
    html = proof_play_html(job, files, stamp, index, since_commit, diff)
    wanted = anchors_of(job.book, index, job.diagnostics)
    with _source_date(modified):
        runs = print_parts.proof_in_runs(job, files, cache or Cache(None), modified, index, html)
        if runs is not None:
            anchors = {name: place for name, place in runs.anchors.items() if name in wanted}
            return ProofPart(index, runs.pdf, runs.pages, anchors, runs.bookmarks, change_counts(diff))
        document = pdf.layout(html, job.root, files)
        data = pdf.to_bytes(document)
    return ProofPart(index, data, len(document.pages), anchors_in(document, wanted),
                     bookmarks_in(document), change_counts(diff))


def proof_front_html(job: BookJob, stamp: Stamp, since: str | None, pages: dict[str, str],
                     changes: tuple[int, int, int] = (0, 0, 0)) -> str:
    """The HTML of the proof's front: summary page and front matter, with the `pages` of
    what they list and, with `since`, the `changes` the parts counted."""

    stack = book_fonts(job)
    return mark_missing(render_proof_front(job.book, _proof_sheets(stack), stamp, job.diagnostics,
                                           pages, changes if since else None, since or "",
                                           _proof_paper(job)),
                        Coverage.of(stack))


def _all_laid_out(parts: Sequence[ProofPart | None]) -> list[ProofPart]:
    """The proof's parts, every one laid out by now (RenderTask.given fills in those the
    cache did not hold)."""
    laid_out = [part for part in parts if part is not None]
    if len(laid_out) != len(parts):
        raise ValueError("a part of the proof was never laid out")
    return laid_out


def _proof_pdf(job: BookJob, files: ProjectFiles, stamp: Stamp, since: str | None,
               parts: list[ProofPart], output: Path) -> int:
    """The front laid out with the pages the parts give, then merged with them into
    `output`; returns the page count."""

    pages: dict[str, str] = {}
    for part in parts:
        pages.update(part.page_labels())
    added, changed, removed = (sum(counts) for counts in
                               zip((0, 0, 0), *(part.changes for part in parts), strict=True))
    html = proof_front_html(job, stamp, since, pages, (added, changed, removed))
    front = pdf.to_bytes(pdf.layout(html, job.root, files))
    return merge(front, parts, output)


def _play_diff(job: BookJob, play: m.Play, commit: str) -> PlayDiff:
    """The play's diff against its manuscript at `commit` (a full commit id)."""
    return diff_play(play_at(job.root, commit, play), play)
