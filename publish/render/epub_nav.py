"""The EPUB navigation document: table of contents (plays and their scenes), landmarks
(cover, title page, start of content, contents) and the page-list of the print edition.

Written as finished XHTML rather than by ebooklib, which cannot write a page-list with
real targets or landmarks with `epub:type` on each link.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from publish import model as m
from publish.render.epub_markup import document
from publish.render.html import contents_label, division_id, play_id


@dataclass(frozen=True)
class NavEntry:
    title: str
    href: str
    children: tuple[NavEntry, ...] = ()


def toc_entries(book: m.Book, play_files: list[str]) -> list[NavEntry]:
    """Title page, then each play with its characters and titled divisions."""
    entries = [NavEntry("Title Page", "titlepage.xhtml")]
    for index, (play, href) in enumerate(zip(book.plays, play_files, strict=True)):
        children = []
        if play.cast:
            children.append(NavEntry("Characters", f"{href}#{play_id(index)}-personae"))
        for division_index, division in enumerate(play.body):
            title = contents_label(division)
            if title:
                children.append(NavEntry(title, f"{href}#{division_id(index, division_index)}"))
        entries.append(NavEntry(play.meta.title, href, tuple(children)))
    return entries


def _ol(entries: list[NavEntry] | tuple[NavEntry, ...]) -> str:
    items = []
    for entry in entries:
        nested = f"\n{_ol(entry.children)}" if entry.children else ""
        items.append(f'<li>\n<a href="{escape(entry.href)}">{escape(entry.title)}</a>{nested}\n</li>')
    return "<ol>\n" + "\n".join(items) + "\n</ol>"


def nav_document(lang: str, toc: list[NavEntry], landmarks: list[tuple[str, str, str]],
                 pages: list[tuple[str, str]]) -> str:
    """`landmarks`: (epub:type, href, title); `pages`: (label, href) in reading order."""
    landmark_items = "\n".join(
        f'<li>\n<a href="{escape(href)}" epub:type="{kind}">{escape(title)}</a>\n</li>'
        for kind, href, title in landmarks)
    body = [
        '<nav id="toc" role="doc-toc" epub:type="toc">\n<h2 epub:type="title">Contents</h2>\n'
        f"{_ol(toc)}\n</nav>",
        '<nav id="landmarks" epub:type="landmarks" hidden="hidden">\n'
        f'<h2 epub:type="title">Landmarks</h2>\n<ol>\n{landmark_items}\n</ol>\n</nav>',
    ]
    if pages:
        page_items = "\n".join(f'<li><a href="{escape(href)}">{escape(label)}</a></li>'
                               for label, href in pages)
        body.append('<nav id="page-list" role="doc-pagelist" epub:type="page-list" hidden="hidden">\n'
                    f'<h2 epub:type="title">Pages</h2>\n<ol>\n{page_items}\n</ol>\n</nav>')
    return document(lang, "Contents", "frontmatter", "\n".join(body))
