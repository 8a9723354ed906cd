"""The book -> EPUB 3 through ebooklib: one XHTML file per play, fonts embedded, notes absent.

ebooklib writes the current time into every zip entry; `_make_reproducible` rewrites the
archive with fixed entry times and a fixed order, so the same input and SOURCE_DATE_EPOCH
give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from html import escape
from pathlib import Path

from publish import model as m
from publish.cache import file_digest
from publish.errors import ToolError
from publish.render.assets import FONT_FACES, FONTS_DIR, IMAGE_TYPES, ProjectFiles, font_face_css, stylesheet
from publish.render.html import render_play
from publish.render.markup import Markup

XHTML_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
    '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
    'epub:prefix="z3998: http://www.daisy.org/z3998/2012/vocab/structure/#" '
    'lang="{lang}" xml:lang="{lang}">\n<head>\n<title>{title}</title>\n'
    '<link rel="stylesheet" type="text/css" href="css/epub.css"/>\n</head>\n'
)


def _document(lang: str, title: str, body_type: str, body: str) -> str:
    head = XHTML_HEAD.format(lang=escape(lang), title=escape(title))
    return f'{head}<body epub:type="{body_type}">\n{body}\n</body>\n</html>\n'


def write_epub(book: m.Book, files: ProjectFiles, manuscripts: dict[str, Path],
               output: Path, modified: dt.datetime, description: str = "",
               parts=None) -> tuple[str, ...]:
    """Write the EPUB; returns the sources of the plays whose chapters were rendered anew.
    `parts` is (load, store) of a per-play cache (`build._part_cache`): a chapter depends on
    its play only (images are named by their content, not by their order in the book), so
    a chapter found there is not rendered again."""
    from ebooklib import epub
    load, store = parts or (lambda *key: None, lambda *key_value: None)

    meta = book.meta
    ebook = epub.EpubBook()
    ebook.set_identifier(meta.identifier)
    ebook.set_title(meta.title)
    ebook.set_language(meta.language)
    if meta.author:
        ebook.add_author(meta.author, file_as=_file_as(meta.author), uid="author")
    for name, value in (("rights", meta.rights), ("publisher", meta.publisher),
                        ("date", meta.date), ("description", description)):
        if value:
            ebook.add_metadata("DC", name, value)

    ebook.add_item(epub.EpubItem(uid="css", file_name="css/epub.css", media_type="text/css",
                                 content=_css().encode("utf-8")))
    for filename in sorted({face[2] for face in FONT_FACES}):
        ebook.add_item(epub.EpubItem(uid=f"font-{filename.split('.')[0]}", file_name=f"fonts/{filename}",
                                     media_type="font/otf", content=(FONTS_DIR / filename).read_bytes()))

    images: dict[Path, str] = {}

    def image_src(node: m.Image, manuscript: Path) -> str | None:
        local = files.image(node.url, manuscript)
        return _image_name(local) if local else None

    # Content documents are written by us as finished XHTML (EpubItem), not EpubHtml, whose
    # round trip through lxml's HTML parser would drop the body's epub:type.
    title_page = _xhtml_item(epub, "titlepage", "titlepage.xhtml",
                             _document(meta.language, meta.title, "frontmatter", _title_body(meta)))
    title_page.title = "Title Page"
    ebook.add_item(title_page)

    chapters, rebuilt = [], []
    for index, play in enumerate(book.plays):
        manuscript = manuscripts.get(play.meta.source, files.root)
        cached = load(play.meta.source, index, "epub-chapter")
        if cached is None:
            markup = Markup(epub=True, image_src=lambda node, ms=manuscript: image_src(node, ms))
            cached = _document(meta.language, play.meta.title, "bodymatter z3998:fiction z3998:drama",
                               render_play(play, index, markup))
            store(play.meta.source, index, "epub-chapter", cached)
            rebuilt.append(play.meta.source)
        images.update(_play_images(play, files, manuscript))
        chapter = _xhtml_item(epub, f"play-{index + 1}", f"play-{index + 1}.xhtml", cached)
        chapter.title = play.meta.title
        ebook.add_item(chapter)
        chapters.append(chapter)

    # One entry per content: two files with the same bytes are one image of the book.
    for name, path in sorted({name: path for path, name in images.items()}.items()):
        ebook.add_item(epub.EpubItem(uid=f"image-{Path(name).stem}", file_name=name,
                                     media_type=IMAGE_TYPES[path.suffix.lower()], content=path.read_bytes()))

    ebook.toc = [epub.Link(c.file_name, c.title, c.id) for c in chapters]
    ebook.add_item(epub.EpubNcx())
    ebook.add_item(epub.EpubNav())
    ebook.spine = [title_page, "nav", *chapters]
    ebook.guide = [{"type": "title-page", "href": "titlepage.xhtml", "title": "Title Page"},
                   {"type": "text", "href": chapters[0].file_name, "title": "Start of Content"}] if chapters else []

    raw = output.with_name(output.name + ".raw")
    try:
        epub.write_epub(str(raw), ebook, {"mtime": modified, "raise_exceptions": True,
                                          "epub3_landmark": True, "epub3_pages": False})
        _make_reproducible(raw, output, modified)
    except (OSError, ValueError) as exc:  # lxml's parser errors are ValueErrors
        raise ToolError(f"ebooklib could not write {output.name}: {exc}") from exc
    finally:
        raw.unlink(missing_ok=True)
    return tuple(rebuilt)


def _image_name(local: Path) -> str:
    """An image's name in the EPUB, from its content: the same in whichever chapter and
    whatever order it appears, so each chapter can be rendered (and cached) on its own."""
    return f"images/{file_digest(local)[:16]}{local.suffix.lower()}"


def _play_images(play: m.Play, files: ProjectFiles, manuscript: Path) -> dict[Path, str]:
    found = {}
    for node in m.walk(play):
        if isinstance(node, m.Image):
            local = files.image(node.url, manuscript)
            if local:
                found[local] = _image_name(local)
    return found


def _xhtml_item(epub, uid: str, file_name: str, document: str):
    return epub.EpubItem(uid=uid, file_name=file_name, media_type="application/xhtml+xml",
                         content=document.encode("utf-8"))


def _css() -> str:
    return font_face_css(lambda path: f"../fonts/{path.name}") + "\n" + stylesheet("epub.css")


def _title_body(meta: m.BookMeta) -> str:
    subtitle = f'<p class="book-subtitle">{escape(meta.subtitle)}</p>' if meta.subtitle else ""
    author = f'<p class="book-author">{escape(meta.author)}</p>' if meta.author else ""
    rights = f'<p class="rights">{escape(meta.rights)}</p>' if meta.rights else ""
    return (f'<section class="title-page" epub:type="titlepage">\n'
            f'<h1 class="book-title" epub:type="fulltitle">{escape(meta.title)}</h1>\n'
            f"{subtitle}{author}{rights}</section>")


def _file_as(author: str) -> str:
    parts = author.split()
    return f"{parts[-1]}, {' '.join(parts[:-1])}" if len(parts) > 1 else author


def _make_reproducible(raw: Path, output: Path, modified: dt.datetime) -> None:
    """Copy the archive with `mimetype` first and stored, entries sorted, times fixed."""
    stamp = max(modified, dt.datetime(1980, 1, 1, tzinfo=modified.tzinfo)).timetuple()[:6]
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(output, "w") as target:
        names = sorted(source.namelist(), key=lambda n: (n != "mimetype", n != "META-INF/container.xml", n))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(name))
