"""The book as one HTML document, for the print and proof PDFs (WeasyPrint lays it out), and
the per-play drama markup the EPUB reuses.

The document is front matter (half-title, title page, copyright, contents) followed by one
`<article class="play">` per play: its title page, dramatis personae, then its divisions.
Layout (page size, running heads, small caps, italics) lives in `styles/*.css`, never here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from html import escape

from publish import model as m
from publish.render.heads import play_heads
from publish.render.markup import Markup
from publish.render.typeset import tie_last_words


@dataclass(frozen=True)
class Stamp:
    """What identifies a build: shown on the copyright page and on every proof page."""

    commit: str
    date: str

    def text(self) -> str:
        return f"{self.commit} · {self.date}"


def title_text(title: str) -> str:
    """A title as HTML: its last two words tied, so no line of it holds one word alone."""
    return tie_last_words(escape(title))


def play_id(index: int) -> str:
    return f"play-{index + 1}"


def division_id(play_index: int, division_index: int) -> str:
    return f"{play_id(play_index)}-scene-{division_index + 1}"


def division_heading(division: m.Division) -> tuple[str, str]:
    """(label, title): `Scene 1`, `The Drunk Actress`."""
    label = f"{division.kind.capitalize()} {division.number}" if division.number else ""
    return label, division.title or ""


# ---------------------------------------------------------------- drama blocks


def render_drama(node: m.DramaBlock, markup: Markup, numbered: bool = False) -> str:
    """One drama block; `numbered` shows a speech's reference number (the proof's margin)."""
    if isinstance(node, m.Speech):
        return render_speech(node, markup, numbered)
    if isinstance(node, m.StageDirection):
        mark = markup.block_mark()
        kind = f" {node.kind}" if node.kind else ""  # a transition, centred text (Fountain)
        return (f'<p class="direction{kind}"{markup.attr("z3998:stage-direction")}{mark}>'
                f"{markup.inlines(node.inlines)}</p>")
    if isinstance(node, m.Note):
        if not markup.show_notes or node.kind == "cut":  # cut material is never shown
            return ""
        where = f"{node.span.path}:{node.span.line}" if node.span else ""
        return (f'<aside class="note"><p class="note-label">{node.kind.upper()} '
                f'<span class="note-source">{escape(where)}</span></p>\n'
                f"{markup.blocks(node.blocks)}</aside>")
    if isinstance(node, m.Prose):
        return f'<div class="prose">\n{markup.blocks(node.blocks)}\n</div>'
    raise TypeError(f"cannot render {type(node).__name__}")


def render_speech(speech: m.Speech, markup: Markup, numbered: bool = False) -> str:
    mark = markup.block_mark()  # before the first paragraph's text is rendered
    # A cue's extension (Fountain's `(V.O.)`) belongs to the name, before its full stop.
    extension = f' <span class="cue-extension">{escape(speech.extension)}</span>' if speech.extension else ""
    speaker = (f'<span class="speaker"{markup.attr("z3998:persona")}>'
               f"{escape(speech.label)}{extension}</span>")
    delivery = f" {markup.inline_direction(speech.delivery)}" if speech.delivery else ""
    number = f'<span class="speech-number">{speech.number}</span>' if numbered and speech.number else ""
    paragraphs = list(speech.paragraphs)
    empty = ' empty' if not paragraphs and not speech.delivery else ""
    empty += " simultaneous" if speech.simultaneous else ""
    first = ""
    if paragraphs and isinstance(opening := paragraphs[0], m.Paragraph) and not opening.kind:
        paragraphs.pop(0)
        first = " " + markup.inlines(opening.inlines)
    head = f'<p class="speech-first"{mark}>{number}{speaker}{delivery}{first}</p>'
    rest = "\n".join(markup.block(block, "speech-cont") for block in paragraphs)
    who = " ".join(speech.speakers)
    return f'<div class="speech{empty}" data-speakers="{escape(who)}">\n{head}\n{rest}</div>'


def scene_heading(division: m.Division) -> str:
    """A division's heading (label and title in their own spans), or "" when it has none."""
    label, title = division_heading(division)
    if not (label or title):
        return ""
    label_html = f'<span class="scene-label">{escape(label)}</span>' if label else ""
    title_html = f'<span class="scene-title">{title_text(title)}</span>' if title else ""
    return f'<h2 class="scene-heading">{label_html}{title_html}</h2>'


def render_division(division: m.Division, markup: Markup, element_id: str) -> str:
    parts = [f'<section class="division" id="{element_id}"{markup.attr("z3998:scene")}>',
             scene_heading(division)]
    parts.extend(render_drama(block, markup) for block in division.blocks)
    parts.append("</section>")
    return "\n".join(part for part in parts if part)


def render_personae(play: m.Play, markup: Markup) -> str:
    if not play.cast:
        return ""
    rows = []
    for member in play.cast:
        description = f'<span class="persona-description">, {escape(member.description)}</span>' \
            if member.description else ""
        rows.append(f'<li><b class="persona"{markup.attr("z3998:persona")}>'
                    f"{escape(member.name)}</b>{description}</li>")
    return (f'<section class="dramatis-personae"{markup.attr("z3998:dramatis-personae")}>'
            f'<h2 class="personae-heading">Characters</h2>\n<ul>\n' + "\n".join(rows) +
            "\n</ul></section>")


def render_play_opening(play: m.Play, index: int, markup: Markup) -> list[str]:
    """The start of a play's <article>: its title page and dramatis personae (print, proof)."""
    subtitle = f'<p class="play-subtitle">{escape(play.meta.subtitle)}</p>' if play.meta.subtitle else ""
    language = markup.languages.get(play.meta.source)
    # A play in another language than the book's: hyphenated with that language's patterns.
    lang = f' lang="{escape(language)}"' if language else ""
    return [
        f'<article class="play" id="{play_id(index)}"{lang}>',
        f'<section class="play-opener"><h1 class="play-title">{title_text(play.meta.title)}</h1>'
        f"{subtitle}</section>",
        render_personae(play, markup),
    ]


def render_play(play: m.Play, index: int, markup: Markup) -> str:
    parts = render_play_opening(play, index, markup)
    if play.front:
        parts.append('<section class="division front">')
        parts.extend(render_drama(block, markup) for block in play.front)
        parts.append("</section>")
    for division_index, division in enumerate(play.body):
        parts.append(render_division(division, markup, division_id(index, division_index)))
    parts.append("</article>")
    return "\n".join(part for part in parts if part)


# ---------------------------------------------------------------- the whole book


def render_front_matter(book: m.Book, stamp: Stamp, links: ContentsLinks | None = None,
                        build_id: bool = True) -> str:
    """Half-title, title page, copyright page and contents (the layout puts each on its page).
    `links`: how the contents link to what they list, when it is in another document;
    `build_id`: whether the copyright page names the build."""
    meta = book.meta
    subtitle = f'<p class="book-subtitle">{escape(meta.subtitle)}</p>' if meta.subtitle else ""
    author = f'<p class="book-author">{escape(meta.author)}</p>' if meta.author else ""
    publisher = f'<p class="book-publisher">{escape(meta.publisher)}</p>' if meta.publisher else ""
    return "\n".join([
        f'<section class="half-title"><p>{title_text(meta.title)}</p></section>',
        f'<section class="title-page"><div class="title-block"><h1 class="book-title">'
        f"{title_text(meta.title)}</h1>{subtitle}{author}</div>{publisher}</section>",
        render_copyright(meta, stamp, build_id),
        render_contents(book, links),
    ])


def render_copyright(meta: m.BookMeta, stamp: Stamp, build_id: bool = True) -> str:
    # The year of publication; a book with no `date:` is dated by its build.
    year = meta.date[:4] or stamp.date[:4]
    rights = meta.rights or (f"© {year} {meta.author}" if meta.author else "")
    lines = [f"<p>{escape(rights)}</p>"] if rights else []
    lines.append(f"<p>{escape(meta.title)}{': ' + escape(meta.subtitle) if meta.subtitle else ''}"
                 f"{', by ' + escape(meta.author) if meta.author else ''}.</p>")
    if meta.edition:
        edition = ", ".join(part for part in (meta.edition, year) if part)
        lines.append(f'<p class="edition">{escape(edition)}</p>')
    if meta.isbn:
        lines.append(f'<p class="isbn">ISBN {escape(meta.isbn)}</p>')
    if meta.publisher:
        lines.append(f"<p>{escape(meta.publisher)}</p>")
    lines.append('<p>Set in EB Garamond.</p>')
    if build_id:
        lines.append(f'<p class="build-id">Build {escape(stamp.text())}</p>')
    return '<section class="copyright-page">' + "".join(lines) + "</section>"


def contents_label(division: m.Division) -> str:
    """`Scene 1: The Drunk Actress`: a division's entry in the contents and in the outline."""
    return ": ".join(part for part in division_heading(division) if part)


@dataclass(frozen=True)
class ContentsLinks:
    """Contents whose entries point into other documents (the proof's play parts, merged
    later): each link's href is `prefix` + the element id, and its page is given."""

    prefix: str
    pages: dict[str, str]  # element id -> the page label it is on


def render_contents(book: m.Book, links: ContentsLinks | None = None) -> str:
    """Plays and their scenes; the layout adds the page numbers (target-counter), or, with
    `links`, they are given (the stylesheet shows `data-page`)."""
    def entry(element_id: str, text: str) -> str:
        if links is None:
            return f'<a href="#{element_id}">{title_text(text)}</a>'
        page = escape(links.pages.get(element_id, ""))
        return f'<a href="{links.prefix}{element_id}" data-page="{page}">{title_text(text)}</a>'

    rows = []
    for index, play in enumerate(book.plays):
        scenes = []
        for division_index, division in enumerate(play.body):
            text = contents_label(division)
            if text:
                scenes.append(f'<li class="toc-scene">{entry(division_id(index, division_index), text)}</li>')
        nested = f'<ol class="toc-scenes">{"".join(scenes)}</ol>' if len(scenes) > 1 else ""
        rows.append(f'<li class="toc-play">{entry(play_id(index), play.meta.title)}{nested}</li>')
    return f'<nav class="toc"><h2 class="toc-heading">Contents</h2><ol>{"".join(rows)}</ol></nav>'


def head_metadata(meta: m.BookMeta, stamp: Stamp) -> str:
    """The `<meta>` elements WeasyPrint turns into the PDF's Author, Subject, Keywords and
    dates (title and language come from `<title>` and `<html lang>`). The dates are the
    build's (SOURCE_DATE_EPOCH, else the last commit), so a rebuild gives the same bytes."""
    entries = [("author", meta.author), ("description", meta.description),
               ("keywords", ", ".join(meta.subjects)),
               ("dcterms.created", stamp.date), ("dcterms.modified", stamp.date)]
    return "".join(f'<meta name="{name}" content="{escape(value)}"/>\n'
                   for name, value in entries if value)


def division_styles(book: m.Book, plays: Collection[int] | None = None) -> str:
    """What the stylesheets know of each division beyond its markup, as CSS: its number
    (the model's, else its place in the play) in the named string `scene-number`, which
    the manuscript style prints in its folios (`0-3` is the third page of scene 0), the
    running heads of its pages (render/heads.py), and its outline label, the text of its
    contents entry (the heading's two lines run together).
    `plays`: the indexes of the plays a document holds, if not all (a proof part holds one,
    the proof's front none)."""
    rules = []
    for index, play in enumerate(book.plays):
        if plays is not None and index not in plays:
            continue
        heads = play_heads(book.meta, play, [title or label for label, title
                                              in map(division_heading, play.body)])
        rules.append(f"#{play_id(index)} .play-title {{ string-set: "
                     f"verso-head {css_string(heads.verso)}, recto-head {css_string(heads.opening)}, "
                     f"page-head {css_string(heads.opening)}; "
                     # The outline names the play as written: the heading's tied last words
                     # (a no-break space, typeset.py) are for the page, not for a reader's list.
                     f"bookmark-label: {css_string(play.meta.title)}; }}")
        for division_index, division in enumerate(play.body):
            selector = f"#{division_id(index, division_index)}"
            number = division.number or str(division_index + 1)
            # The play's verso head again: a print part that begins at this division
            # (render/print_parts.py) has it from its first page, as the whole book has.
            rules.append(f"{selector} {{ string-set: scene-number {css_string(number)}, "
                         f"verso-head {css_string(heads.verso)}, "
                         f"recto-head {css_string(heads.rectos[division_index])}, "
                         f"page-head {css_string(heads.pages[division_index])}; }}")
            label = contents_label(division)
            if label:
                rules.append(f"{selector} > .scene-heading {{ bookmark-label: {css_string(label)}; }}")
    return "\n".join(rules)


def css_string(text: str) -> str:
    """A quoted CSS string; `<` escaped too, so no text can close the <style> element."""
    escaped = "".join(f"\\{ord(char):x} " if char in '\\"<>\n' else char for char in text)
    return f'"{escaped}"'


def html_document(book: m.Book, stylesheets: list[str], stamp: Stamp, body_class: str,
                  body: str, title: str = "", plays: Collection[int] | None = None) -> str:
    """A whole book-like HTML document: head with the metadata and the styles, body stamped
    with the build. `plays`: the indexes of the plays it holds, if not all."""
    # One <style> per sheet: the renderer parses each stylesheet once per process (pdf.py).
    styles = "".join(f"<style>\n{css}\n</style>\n"
                     for css in [*stylesheets, division_styles(book, plays)] if css)
    stamp_text = escape(f"{book.meta.id} · {stamp.text()}")
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(book.meta.language)}">\n<head>\n<meta charset="utf-8"/>\n'
        f"<title>{escape(title or book.meta.title)}</title>\n{head_metadata(book.meta, stamp)}"
        f"{styles}</head>\n"
        f'<body class="{body_class}" data-stamp="{stamp_text}">\n'
        f'<div class="stamp">{stamp_text}</div>\n{body}\n</body>\n</html>\n'
    )


def render_book(book: m.Book, markup: Markup, stylesheets: list[str], stamp: Stamp,
                build_id: bool = True) -> str:
    """The whole print edition as one HTML document; `build_id`: whether its copyright page
    names the build."""
    plays = "\n".join(render_play(play, index, markup) for index, play in enumerate(book.plays))
    return html_document(book, stylesheets, stamp, "print",
                         f"{render_front_matter(book, stamp, build_id=build_id)}\n{plays}")
