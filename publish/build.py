"""The orchestrator. Reads like its phases: load config -> parse + normalize each manuscript
(one pandoc process per file) -> check -> render each output -> write it atomically.

The library never prints: progress goes to an optional callback; problems are raised as
`PublishError`s or returned as diagnostics.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from publish import model as m
from publish.atomic import atomic_output, clean_stale
from publish.check import check_images
from publish.config import BookConfig, Config, PlayConfig, PrintConfig
from publish.diagnostics import Diagnostic, fails
from publish.errors import CheckFailed, ConfigError, InputError, Location
from publish.normalize import normalize
from publish.pandoc import parse_markdown
from publish.render import page
from publish.render.assets import IMAGE_TYPES, ProjectFiles, font_face_css, stylesheet
from publish.render.html import Stamp, division_id, play_id, render_book
from publish.render.markup import Markup
from publish.source import read_manuscript

OUTPUTS = ("pdf", "epub", "proof")
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Artifact:
    kind: str
    path: Path
    pages: int | None
    size: int


@dataclass
class BookJob:
    """A book ready to render: its model, where its manuscripts are, what was found."""

    id: str
    config: BookConfig | None
    book: m.Book
    root: Path
    manuscripts: dict[str, Path]  # play.meta.source -> file
    diagnostics: list[Diagnostic] = field(default_factory=list)
    settings: PrintConfig = PrintConfig()  # the print PDF's trim, profile and house style


# ---------------------------------------------------------------- parsing


def read_play(root: Path, path: Path, shown: str, play_config: PlayConfig,
              release: bool = True) -> tuple[m.Play, list[Diagnostic]]:
    """Read, parse (one pandoc process) and normalize one manuscript, then check its images
    (a missing image is an error in a release book, a warning in a draft)."""
    text = read_manuscript(path, shown)
    try:
        ast = parse_markdown(text, shown)
        play, diagnostics = normalize(ast, shown, play_config.cast, play_config.title)
    except RecursionError as exc:  # a safety net behind source.check_nesting
        raise InputError("the manuscript is nested too deeply to read", Location(shown)) from exc
    diagnostics += check_images(play, path, ProjectFiles(root), release)
    return play, sorted(diagnostics, key=Diagnostic.sort_key)


def book_meta(config: BookConfig) -> m.BookMeta:
    return m.BookMeta(config.id, config.title, config.subtitle, config.author, config.language,
                      config.date, config.rights, config.identifier, config.publisher,
                      config.edition, config.isbn)


def assemble(config: Config, book_config: BookConfig) -> BookJob:
    plays, diagnostics, manuscripts = [], [], {}
    for rel_path in book_config.manuscripts:
        path = config.root / rel_path
        play, found = read_play(config.root, path, rel_path, config.play(rel_path),
                                release=not book_config.draft)
        plays.append(play)
        diagnostics += found
        manuscripts[rel_path] = path
    book = m.Book(book_meta(book_config), tuple(plays))
    return BookJob(book_config.id, book_config, book, config.root, manuscripts, diagnostics,
                   book_config.print)


def assemble_part(config: Config, book_config: BookConfig, files: tuple[str, ...]) -> BookJob:
    """Only some plays of a book, with the book's metadata (`--book NAME FILES`): a proof of
    one play without reading or laying out the others. Written as `<book>-<play>...`."""
    wanted = [os.path.relpath(Path(f).resolve(), config.root.resolve()) for f in files]
    for rel_path in wanted:
        if rel_path not in book_config.manuscripts:
            raise ConfigError(f"{rel_path!r} is not a manuscript of book {book_config.id!r}")
    part = dataclasses.replace(
        book_config, manuscripts=tuple(p for p in book_config.manuscripts if p in wanted))
    job = assemble(config, part)
    job.id = "-".join([book_config.id, *(Path(p).stem for p in part.manuscripts)])
    return job


def assemble_file(path: Path, config: Config | None) -> BookJob:
    """A one-play book from any Markdown file, in or out of book.yaml."""
    root = config.root if config and path.resolve().is_relative_to(config.root.resolve()) else path.parent.resolve()
    shown = os.path.relpath(path.resolve(), root.resolve())
    play_config = config.play(shown) if config else PlayConfig(shown, None, ())
    # A file of a draft book stays a draft (images may be missing); any other is a release.
    books_with_file = [book for book in config.books if shown in book.manuscripts] if config else []
    release = not books_with_file or not all(book.draft for book in books_with_file)
    play, diagnostics = read_play(root, path, shown, play_config, release)
    defaults = next(iter(config.books), None) if config else None
    title = play.meta.title
    meta = m.BookMeta(
        id=path.stem, title=title, subtitle=play.meta.subtitle,
        author=defaults.author if defaults else "", language=defaults.language if defaults else "en",
        date=defaults.date if defaults else "", rights=defaults.rights if defaults else "",
        identifier=_file_identifier(path.stem), publisher=defaults.publisher if defaults else "")
    settings = config.print_defaults if config else PrintConfig()
    return BookJob(path.stem, None, m.Book(meta, (play,)), root, {shown: path}, diagnostics, settings)


def _file_identifier(stem: str) -> str:
    import uuid
    from publish.config import BOOK_NAMESPACE
    return f"urn:uuid:{uuid.uuid5(BOOK_NAMESPACE, 'file:' + stem)}"


# ---------------------------------------------------------------- build identity


def build_stamp(root: Path, sources: list[Path]) -> tuple[Stamp, dt.datetime]:
    """The commit (with +dirty) and the build date: SOURCE_DATE_EPOCH, else the last commit
    touching the sources, else now."""
    commit = _git(root, "rev-parse", "--short", "HEAD") or "no-git"
    if commit != "no-git" and _git(root, "status", "--porcelain", "--", *map(str, sources)):
        commit += "+dirty"
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        epoch = _git(root, "log", "-1", "--format=%ct", "--", *map(str, sources))
    when = (dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch and epoch.isdigit()
            else dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
    return Stamp(commit, when.strftime("%Y-%m-%d")), when


def _git(root: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                                check=False, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


# ---------------------------------------------------------------- rendering


def build(job: BookJob, outputs: tuple[str, ...], outdir: Path, strict: bool = False,
          progress: Progress | None = None, since: str | None = None,
          profile: str | None = None, jobs: int = 1) -> list[Artifact]:
    """Render the requested outputs of one book into `outdir`, each written atomically.
    `since` (a git revision) adds change bars to the proof; `profile` (pod, press, screen)
    overrides the book's print profile for the print PDF. `jobs` is the most render processes
    to run at once (`--jobs`); renders are still sequential, so for now it is only checked."""
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    notify = progress or (lambda message: None)
    settings = job.settings.with_profile(profile)
    release = [kind for kind in outputs if kind != "proof"]
    if release and fails(job.diagnostics, strict):
        raise CheckFailed(f"{job.id}: the manuscripts have problems (see above); nothing was written")
    stamp, modified = build_stamp(job.root, list(job.manuscripts.values()))
    files = ProjectFiles(job.root)
    outdir.mkdir(parents=True, exist_ok=True)
    clean_stale(outdir)
    artifacts = []
    for kind in outputs:
        notify(f"{job.id}: {kind}")
        target = outdir / (f"{job.id}-proof.pdf" if kind == "proof" else f"{job.id}.{kind}")
        artifacts.append(_render(kind, job, files, stamp, modified, target, settings, since))
    return artifacts


def _render(kind: str, job: BookJob, files: ProjectFiles, stamp: Stamp, modified: dt.datetime,
            target: Path, settings: PrintConfig, since: str | None = None) -> Artifact:
    with atomic_output(target) as temporary:
        pages = None
        if kind == "epub":
            from publish.render.epub import write_epub
            write_epub(job.book, files, job.manuscripts, temporary, modified,
                       _epub_options(job, files, stamp, settings))
        elif kind == "proof":
            from publish.render.pdf import write_pdf
            pages = write_pdf(_proof_html(job, files, stamp, since), job.root, files, temporary)
        elif kind == "pdf":
            pages = _print_pdf(job, files, stamp, settings, temporary)
        else:
            raise ValueError(f"unknown output {kind!r}; expected one of {OUTPUTS}")
    return Artifact(kind, target, pages, target.stat().st_size)


def _print_layout(job: BookJob, files: ProjectFiles, stamp: Stamp, settings: PrintConfig,
                  markup: Markup | None = None):
    """The print edition laid out: (html, WeasyPrint document). Laid out first with the
    narrowest gutter, then again while the page count calls for a wider one; a wider gutter
    only adds pages, so this ends (at most once per gutter class)."""
    from publish.render import pdf
    gutter = page.gutter_for(0)
    while True:
        html = _book_html(job, files, stamp, proof=False, style=settings.style,
                          geometry=page.page_css(settings, gutter), markup=markup)
        document = pdf.layout(html, job.root, files)
        needed = page.gutter_for(len(document.pages))
        if needed <= gutter:
            return html, document
        gutter = needed


def _print_pdf(job: BookJob, files: ProjectFiles, stamp: Stamp, settings: PrintConfig,
               target: Path) -> int:
    from publish.render import pdf
    _, document = _print_layout(job, files, stamp, settings)
    press = settings.profile == "press"
    return pdf.write(document, target, bleed_box=page.BLEED if press else None)


def _epub_options(job: BookJob, files: ProjectFiles, stamp: Stamp, settings: PrintConfig):
    """The EPUB's metadata, cover and the print edition's page starts (for its page-list),
    read from a layout with the print edition's own geometry and style."""
    from publish.render.epub import EpubOptions
    from publish.render.pagemap import MarkedMarkup, page_map

    markup = MarkedMarkup(link_footnotes=True, image_src=_image_src(job, files))
    html, document = _print_layout(job, files, stamp, settings, markup)
    structural = [element_id for index, play in enumerate(job.book.plays)
                  for element_id in (play_id(index), *(division_id(index, d) for d in range(len(play.body))))]
    pages = page_map(html, markup, structural, document)
    config = job.config
    cover, cover_type = None, "image/png"
    if config and config.cover:
        path = job.root / config.cover
        cover, cover_type = path.read_bytes(), IMAGE_TYPES[path.suffix.lower()]
    return EpubOptions(
        description=config.description if config else "",
        author_file_as=config.author_file_as if config else "",
        subjects=config.subjects if config else (),
        cover=cover, cover_type=cover_type, pages=pages)


def _image_src(job: BookJob, files: ProjectFiles):
    def image_src(node: m.Image) -> str | None:
        manuscript = job.manuscripts.get(node.span.path if node.span else "", job.root)
        local = files.image(node.url, manuscript)
        return local.as_uri() if local else None
    return image_src


def _book_html(job: BookJob, files: ProjectFiles, stamp: Stamp, proof: bool, style: str = "book",
               geometry: str = "", markup: Markup | None = None) -> str:
    markup = markup or Markup(show_notes=proof, link_footnotes=True, image_src=_image_src(job, files))
    # The page geometry comes first so the house style can refine what it does not set.
    sheets = [font_face_css(lambda path: path.as_uri()), geometry, stylesheet("print.css")]
    if proof:
        sheets.append(stylesheet("proof.css"))
    elif style == "manuscript":
        sheets.append(stylesheet("manuscript.css"))
    return render_book(job.book, markup, sheets, stamp, "proof" if proof else "print",
                       number_speeches=proof)


def _proof_html(job: BookJob, files: ProjectFiles, stamp: Stamp, since: str | None) -> str:
    from publish.render.proof import ProofMarkup, render_proof

    def image_src(node: m.Image) -> str | None:
        manuscript = job.manuscripts.get(node.span.path if node.span else "", job.root)
        local = files.image(node.url, manuscript)
        return local.as_uri() if local else None

    markup = ProofMarkup(show_notes=True, link_footnotes=True, image_src=image_src)
    sheets = [font_face_css(lambda path: path.as_uri()), stylesheet("print.css"),
              stylesheet("proof.css")]
    paper = job.config.proof.paper if job.config else "a4"
    diffs = changes_since(job, since) if since else None
    return render_proof(job.book, markup, sheets, stamp, job.diagnostics, diffs, since or "", paper)


def changes_since(job: BookJob, ref: str) -> dict:
    """Each play's diff against its manuscript at git revision `ref`, by play source."""
    from publish.diff import diff_play
    from publish.revision import check_revision, play_at
    commit = check_revision(job.root, ref)
    return {play.meta.source: diff_play(play_at(job.root, commit, play), play)
            for play in job.book.plays}
