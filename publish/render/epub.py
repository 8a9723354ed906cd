"""The book -> EPUB 3 through ebooklib: cover, title page, contents, one XHTML file per play,
fonts embedded (subset to the characters used), notes absent.

Content documents are written by us as finished XHTML (`EpubItem`), not `EpubHtml`, whose
round trip through lxml's HTML parser would drop `epub:type` on the body. ebooklib writes the
package document, the NCX (for EPUB 2 reading systems) and the zip; it writes the current time
into every zip entry, so `_make_reproducible` rewrites the archive with fixed entry times and
a fixed order: the same input and SOURCE_DATE_EPOCH give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, TypeAlias

from publish import model as m
from publish.model.errors import ToolError
from publish.reading.files import IMAGE_TYPES, MAX_IMAGE_BYTES, ProjectFiles
from publish.render.assets import stylesheet
from publish.render.cover import generated_cover
from publish.render.coverage import Coverage, mark_missing
from publish.render.epub_markup import (
    EpubMarkup,
    TextKey,
    cover_page,
    document,
    pagebreak,
    play_section,
    title_page,
)
from publish.render.epub_nav import nav_document, toc_entries
from publish.render.fonts import FontStack, font_face_css, font_stack, with_declared_fonts
from publish.render.fontsubset import subset_font
from publish.render.html import play_id
from publish.render.pagemap import PageMap
from publish.render.stylesheets import join_stylesheets
from publish.support.digests import code_identity, digest, file_digest
from publish.support.safe_io import read_regular

A11Y_SUMMARY = (
    "This publication conforms to EPUB Accessibility 1.1 at WCAG 2.2 Level AA. It is a play in "
    "reflowable text: each speech is a table row naming its speaker, stage directions are "
    "marked as such, the table of contents lists every play and scene, and the text can be "
    "restyled by the reader.")


class ChapterStore(Protocol):
    """Where rendered chapters are kept between builds (the build's cache is one)."""

    def load(self, kind: str, key: str) -> Any: ...

    def store(self, kind: str, key: str, value: object) -> None: ...


# A chapter as kept: its XHTML body, and the images it shows (name in the EPUB -> file).
Chapter: TypeAlias = tuple[str, dict[str, Path]]
# The print pages' starts, as EpubMarkup places them: before a text run, at an element id,
# within a text run.
Breaks: TypeAlias = tuple[dict[TextKey, list[int]], dict[str, list[int]],
                          dict[TextKey, list[tuple[int, list[int]]]]]


@dataclass(frozen=True)
class EpubOptions:
    """What the EPUB needs beyond the model: metadata the model does not carry, the cover,
    and the print edition's pages."""

    description: str = ""
    author_file_as: str = ""
    subjects: tuple[str, ...] = ()
    cover: bytes | None = None  # a PNG or JPEG; None: generated from the title and author
    cover_type: str = "image/png"
    pages: PageMap | None = None
    subset_fonts: bool = True
    # Chapters kept from earlier builds: a Cache, and each play's model key (by source).
    chapters: ChapterStore | None = None
    play_keys: dict[str, str] = field(default_factory=dict)
    play_images: dict[str, list[str]] = field(default_factory=dict)  # source -> its images' identities
    fonts: FontStack | None = None  # the book's fonts; None: the shipped ones
    play_languages: dict[str, str] = field(default_factory=dict)  # source -> the play's own language


@dataclass
class _Images:
    """The project images the book uses, named by their content: a chapter's XHTML then
    does not depend on which images earlier chapters used, so it can be kept on its own."""

    files: ProjectFiles
    found: dict[str, Path] = field(default_factory=dict)  # name in the EPUB -> file
    names: dict[Path, str] = field(default_factory=dict)  # file -> its name, hashed once

    def src(self, node: m.Image, manuscript: Path) -> str | None:
        local = self.files.image(node.url, manuscript)
        if local is None:
            return None
        if local not in self.names:
            self.names[local] = f"images/image-{file_digest(local)[:16]}{local.suffix.lower()}"
        self.found.setdefault(self.names[local], local)
        return self.names[local]


def write_epub(book: m.Book, files: ProjectFiles, manuscripts: dict[str, Path],
               output: Path, modified: dt.datetime, options: EpubOptions = EpubOptions()) -> list[str]:
    """Write the EPUB; returns the sources of the plays whose chapters were rendered anew
    (the others were taken from `options.chapters`)."""
    from ebooklib import epub

    meta = book.meta
    pages = options.pages or PageMap()
    ebook = epub.EpubBook()
    images = _Images(files)
    stack = options.fonts or font_stack(files.root)
    coverage = Coverage.of(stack)

    def xhtml(uid: str, name: str, title: str, body_type: str, body: str,
              lang: str = meta.language) -> Any:
        # A character no font has is a labelled box (a draft; a release fails before).
        content = mark_missing(document(lang, title, body_type, body), coverage)
        item = epub.EpubItem(uid=uid, file_name=name, media_type="application/xhtml+xml",
                             content=content.encode("utf-8"))
        ebook.add_item(item)
        return item

    cover_bytes, cover_type = _cover(book, options)
    cover_name = "images/cover" + (".jpg" if cover_type == "image/jpeg" else ".png")
    cover_image = epub.EpubItem(uid="cover-image", file_name=cover_name, media_type=cover_type,
                                content=cover_bytes)
    cover_image.properties = ["cover-image"]
    ebook.add_item(cover_image)
    alt = f"The cover: {meta.title}" + (f", by {meta.author}." if meta.author else ".")
    cover = xhtml("cover", "cover.xhtml", "Cover", "cover", cover_page(cover_name, alt))

    front_breaks = "".join(pagebreak(n) for n in pages.front)
    titlepage = xhtml("titlepage", "titlepage.xhtml", "Title Page", "frontmatter",
                      title_page(meta, front_breaks))

    # Shared by every play's markup: each break is written once, where its text run is.
    breaks_before = {k: list(v) for k, v in pages.before_text.items()}
    breaks_at = {k: list(v) for k, v in pages.at_id.items()}
    breaks_within = {k: list(v) for k, v in pages.within_text.items()}
    chapters: list[Any] = []  # ebooklib's items
    rendered: list[str] = []
    for index, play in enumerate(book.plays):
        manuscript = manuscripts.get(play.meta.source, files.root)
        key = _chapter_key(play, index, options, (breaks_before, breaks_at, breaks_within))
        kept: Chapter | None = options.chapters.load("chapter", key) if options.chapters and key else None
        if kept is None:
            markup = EpubMarkup(image_src=functools.partial(images.src, manuscript=manuscript),
                                breaks_before=breaks_before, breaks_at=breaks_at,
                                breaks_within=breaks_within)
            before = set(images.found)
            kept = (play_section(play, index, markup),
                    {name: path for name, path in images.found.items() if name not in before})
            if options.chapters and key:
                options.chapters.store("chapter", key, kept)
            rendered.append(play.meta.source)
        body, chapter_images = kept
        images.found.update(chapter_images)
        chapters.append(xhtml(f"play-{index + 1}", f"play-{index + 1}.xhtml", play.meta.title,
                              "bodymatter z3998:fiction z3998:drama", body,
                              options.play_languages.get(play.meta.source, meta.language)))

    for name, path in sorted(images.found.items()):
        ebook.add_item(epub.EpubItem(uid=Path(name).stem, file_name=name,
                                     media_type=IMAGE_TYPES[path.suffix.lower()],
                                     content=read_regular(path, MAX_IMAGE_BYTES)))

    contents = [c.file_name for c in chapters]
    page_targets = _page_targets([titlepage, *chapters], pages)
    landmarks = [("cover", "cover.xhtml", "Cover"), ("titlepage", "titlepage.xhtml", "Title Page"),
                 ("toc", "nav.xhtml", "Contents")]
    if chapters:
        landmarks.append(("bodymatter", chapters[0].file_name, "Start of Content"))
    nav = epub.EpubItem(uid="nav", file_name="nav.xhtml", media_type="application/xhtml+xml",
                        content=mark_missing(nav_document(meta.language, toc_entries(book, contents),
                                                          landmarks, page_targets),
                                             coverage).encode("utf-8"))
    nav.properties = ["nav"]
    ebook.add_item(nav)

    _metadata(ebook, meta, options, modified, has_images=bool(images.found), has_pages=bool(page_targets))
    xhtml_text = "".join(item.content.decode("utf-8") for item in (cover, titlepage, nav, *chapters))
    _fonts(epub, ebook, stack, xhtml_text if options.subset_fonts else None)

    ebook.toc = [epub.Link(c.file_name, book.plays[i].meta.title, c.id) for i, c in enumerate(chapters)]
    ebook.add_item(epub.EpubNcx())
    ebook.spine = [cover, titlepage, nav, *chapters]
    _write(epub, ebook, output, modified, meta.language)
    return rendered


def _chapter_key(play: m.Play, index: int, options: EpubOptions, breaks: Breaks) -> str:
    """What a play's chapter depends on: the code, the play's model, its place in the book,
    the print page breaks that fall in it and the images it shows. Empty: not kept."""
    model_key = options.play_keys.get(play.meta.source)
    if not model_key:
        return ""
    before, at, within = breaks
    pid = play_id(index)
    mine = (sorted((repr(k), v) for k, v in before.items() if k.path == play.meta.source),
            sorted((k, v) for k, v in at.items() if k == pid or k.startswith(pid + "-")),
            sorted((repr(k), v) for k, v in within.items() if k.path == play.meta.source))
    return digest("chapter", code_identity(), model_key, str(index), repr(mine),
                  *options.play_images.get(play.meta.source, ()))


def _page_targets(items: list[Any], pages: PageMap) -> list[tuple[str, str]]:
    """(label, href) for every page break actually written, in page order."""
    targets: list[tuple[int, str, str]] = []
    for item in items:
        # One pass over each chapter: a search per page and chapter grows with the square of
        # a long book's length.
        found = {int(n) for n in PAGE_BREAK_ID.findall(item.content.decode("utf-8"))}
        for number in sorted(n for n in found if 1 <= n <= pages.pages):
            targets.append((number, str(number), f"{item.file_name}#page-{number}"))
    return [(label, href) for _, label, href in sorted(targets)]


PAGE_BREAK_ID = re.compile(r'id="page-(\d+)"')


def _cover(book: m.Book, options: EpubOptions) -> tuple[bytes, str]:
    if options.cover is not None:
        return options.cover, options.cover_type
    return generated_cover(book.meta.title, book.meta.subtitle, book.meta.author), "image/png"


# ---------------------------------------------------------------- metadata


def _metadata(ebook: Any, meta: m.BookMeta, options: EpubOptions, modified: dt.datetime,
              has_images: bool, has_pages: bool) -> None:
    """Dublin Core and EPUB Accessibility 1.1 metadata. `dcterms:modified` is written by
    ebooklib from the build date (SOURCE_DATE_EPOCH, else the last commit)."""
    ebook.set_identifier(meta.identifier)
    ebook.title = meta.title  # for the NCX; the package's titles are written below
    ebook.set_language(meta.language)
    ebook.add_metadata("DC", "title", meta.title, {"id": "title"})
    ebook.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    if meta.subtitle:
        ebook.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        ebook.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    if meta.author:
        ebook.add_metadata("DC", "creator", meta.author, {"id": "author"})
        ebook.add_metadata(None, "meta", options.author_file_as or meta.author,
                           {"refines": "#author", "property": "file-as"})
        ebook.add_metadata(None, "meta", "aut", {"refines": "#author", "property": "role",
                                                 "scheme": "marc:relators"})
    for name, value in (("publisher", meta.publisher), ("rights", meta.rights),
                        ("date", meta.date), ("description", options.description)):
        if value:
            ebook.add_metadata("DC", name, value)
    if has_pages:
        # The page-list's source (EPUB 3 uses dc:source; epubcheck does not know
        # a11y:pageBreakSource): the print edition built with this EPUB. `source-of
        # pagination` says the page-list follows it; DAISY Ace requires that refinement.
        ebook.add_metadata("DC", "source", f"{meta.title}, print edition (PDF), built from the same sources",
                           {"id": "pagebreak-source"})
        ebook.add_metadata(None, "meta", "pagination",
                           {"refines": "#pagebreak-source", "property": "source-of"})
    for subject in options.subjects:
        ebook.add_metadata("DC", "subject", subject)
    for prop, value in _accessibility(has_images, has_pages):
        ebook.add_metadata(None, "meta", value, {"property": prop})


def _accessibility(has_images: bool, has_pages: bool) -> list[tuple[str, str]]:
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if has_images:
        features.append("alternativeText")
    if has_pages:
        features.append("pageNavigation")
    entries = [("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"),
               ("schema:accessMode", "textual")]
    entries += [("schema:accessMode", "visual")] if has_images else []
    entries += [("schema:accessModeSufficient", "textual")]
    entries += [("schema:accessibilityFeature", feature) for feature in features]
    entries += [("schema:accessibilityHazard", "none"), ("schema:accessibilitySummary", A11Y_SUMMARY)]
    return entries


# ---------------------------------------------------------------- fonts, zip


def _fonts(epub: ModuleType, ebook: Any, stack: FontStack, used_text: str | None) -> None:
    """The stylesheet and the fonts it names (the shipped ones under their own names, the
    book's by their content); subset to `used_text`'s characters if given."""
    names = {path: _font_name(path, family.declared)
             for family in stack.families for path in family.files()}
    # Joined, not concatenated: epub.css's @namespace must stay before the @font-face rules.
    css = join_stylesheets(font_face_css(stack, lambda path: f"../fonts/{names[path]}"),
                           with_declared_fonts(stylesheet("epub.css"), stack))
    ebook.add_item(epub.EpubItem(uid="css", file_name="css/epub.css", media_type="text/css",
                                 content=css.encode("utf-8")))
    for path, name in sorted(names.items(), key=lambda item: item[1]):
        data = path.read_bytes()
        if used_text is not None:
            data = subset_font(data, used_text + css)
        media_type = "font/ttf" if path.suffix.lower() == ".ttf" else "font/otf"
        ebook.add_item(epub.EpubItem(uid=f"font-{Path(name).stem}", file_name=f"fonts/{name}",
                                     media_type=media_type, content=data))


def _font_name(path: Path, declared: bool) -> str:
    """A font's file name in the EPUB: a declared font's by its content (two folders may
    hold fonts of the same name), in plain ASCII."""
    if not declared:
        return path.name
    return f"book-{file_digest(path)[:16]}{path.suffix.lower()}"


def _write(epub: ModuleType, ebook: Any, output: Path, modified: dt.datetime, language: str) -> None:
    raw = output.with_name(output.name + ".raw")
    try:
        with warnings.catch_warnings():  # ebooklib's notice on a failed write: we say why
            warnings.simplefilter("ignore", UserWarning)
            epub.write_epub(str(raw), ebook, {"mtime": modified, "raise_exceptions": True,
                                              "epub3_landmark": False, "epub3_pages": False,
                                              "epub2_guide": False})
        _make_reproducible(raw, output, modified, language)
    except OSError:
        raise  # the file could not be written (a full disk, a read-only folder): build/ says so
    except ValueError as exc:  # lxml's parser errors are ValueErrors
        raise ToolError(f"ebooklib could not write {output.name}: {exc}") from exc
    finally:
        raw.unlink(missing_ok=True)


def _make_reproducible(raw: Path, output: Path, modified: dt.datetime, language: str) -> None:
    """Copy the archive with `mimetype` first and stored, entries sorted, times fixed; the
    package document gains the `xml:lang` ebooklib does not write."""
    # A zip entry's date is a year from 1980 to 2107: a build date outside is held at its ends.
    stamp = min(max(modified, dt.datetime(1980, 1, 1, tzinfo=modified.tzinfo)),
                dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=modified.tzinfo)).timetuple()[:6]
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(output, "w") as target:
        names = sorted(source.namelist(), key=lambda n: (n != "mimetype", n != "META-INF/container.xml", n))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            data = source.read(name)
            if name.endswith(".opf"):
                data = _package_language(data, language)
            target.writestr(info, data)


def _package_language(opf: bytes, language: str) -> bytes:
    """`xml:lang` on the package element: the language of its metadata (DAISY Ace reports a
    package without it as a serious violation)."""
    from lxml import etree
    root = etree.fromstring(opf)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    written: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return written
