"""The print cover of a book with a printer: `dist/<book>-cover.pdf`, one sheet sized for its
interior's page count and paper (config/printers.cover_size), laid out by
render/cover_sheet.py and written to the interior's PDF standard.

`publish cover` builds the interior first (from the cache when nothing changed) for its page
count; `publish all` makes the cover of every book that declares a printer after the print
PDFs. A cover is kept in the build cache like the other outputs, keyed by the interior's
inputs and page count.
"""

from __future__ import annotations

from pathlib import Path

from publish.build.cache import Cache, copy_out, render_identity
from publish.build.destinations import check_targets, prepare_folder
from publish.build.jobs import Artifact, BookJob
from publish.build.keys import output_key
from publish.build.outputs import _source_date, job_printer, print_standard
from publish.build.stamp import build_stamp
from publish.config import PrintConfig
from publish.config.printers import CoverSize, Printer, cover_size
from publish.model.errors import ConfigError
from publish.reading.files import ProjectFiles
from publish.render import pdf, pdfx
from publish.render.cover_sheet import CoverText, cover_html
from publish.render.fonts import font_face_css, font_stack
from publish.support.atomic import atomic_output
from publish.support.digests import digest
from publish.support.paths import STYLES_DIR


def cover_path(outdir: Path, job: BookJob) -> Path:
    return outdir / f"{job.id}-cover.pdf"


def require_printer(job: BookJob) -> Printer:
    """The book's printer; a book without one has no cover to make."""
    printer = job_printer(job)
    if printer is None:
        where = job.config.location if job.config else None
        raise ConfigError(f"book {job.id!r} names no printer, so it has no print cover: add "
                          "`printer: kdp` (or ingramspark, lulu, custom) to it in book.yaml",
                          where)
    return printer


def sheet_size(job: BookJob, settings: PrintConfig, pages: int) -> CoverSize:
    """The cover sheet of this book's interior of `pages` pages."""
    printer = require_printer(job)
    paper = job.config.printer.paper if job.config else "white"
    return cover_size(printer, settings.trim, paper, pages)


def build_cover(job: BookJob, settings: PrintConfig, pages: int, outdir: Path,
                cache: Cache | None = None) -> Artifact:
    """The cover for an interior of `pages` pages, from the cache or rendered."""
    printer = require_printer(job)
    target = cover_path(outdir, job)
    prepare_folder(outdir, job.root)  # as every build's outputs: never through a link
    check_targets([(f"the cover of {job.id}", target)])
    stamp, modified = build_stamp(job.root, list(job.manuscripts.values()))
    key = ""
    if cache and cache.folder:
        key = digest(render_identity(STYLES_DIR, "cover"), str(pages),
                     output_key(job, "pdf", stamp, modified, settings, ""))
        entry = cache.file("cover", key)
        cache.note("cover", job.id, entry is not None)
        if entry is not None:
            copy_out(entry[0], target)
            return Artifact("cover", target, 1, target.stat().st_size, reused=True)
    size = sheet_size(job, settings, pages)
    variant = print_standard(job, settings)
    config = job.config
    assert config is not None  # require_printer: a book of book.yaml
    image = job.root / config.cover if config.cover else None
    if image is not None:
        problem = pdfx.image_problem(image, variant)
        if problem:
            raise pdfx.PdfxError(f"the cover: {problem}", config.location)
    text = CoverText(config.title, config.subtitle, config.author, config.description,
                     config.isbn, config.language, stamp.date)
    stack = font_stack(job.root, job.fonts)
    sheets = [font_face_css(stack, lambda path: path.as_uri()), pdfx.output_intent_css(variant)]
    html = cover_html(text, size, printer, pages, sheets, image.as_uri() if image else None)
    files = ProjectFiles(job.root)
    with _source_date(modified), atomic_output(target) as temporary:
        document = pdf.layout(html, job.root, files)
        pdf.write(document, temporary, bleed_box=size.bleed, variant=variant,
                  document_seed=f"{config.identifier} {stamp.text()} cover")
    if key and cache:
        cache.keep_file("cover", key, target, {"pages": 1})
    return Artifact("cover", target, 1, target.stat().st_size)


def build_covers(jobs: list[BookJob], results: list[list[Artifact]], outdir: Path,
                 profile: str | None = None, cache: Cache | None = None) -> list[list[Artifact]]:
    """`publish all`: each book that declares a printer gets its cover, after its print PDF
    (whose page count it takes); the others are returned as they were."""
    finished = []
    for job, artifacts in zip(jobs, results, strict=True):
        interior = next((a for a in artifacts if a.kind == "pdf"), None)
        if interior is None or interior.pages is None or job_printer(job) is None:
            finished.append(artifacts)
            continue
        settings = job.settings.with_profile(profile)
        finished.append([*artifacts, build_cover(job, settings, interior.pages, outdir, cache)])
    return finished

