"""Model nodes -> (X)HTML fragments, shared by the print, proof and EPUB renderers.

The output is well-formed XHTML (so the EPUB can use it as is) that is also valid HTML5 for
WeasyPrint. `Markup` holds the choices that differ between outputs: whether editorial notes
are shown, whether links become footnotes (print), whether `epub:type` semantics are written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from publish import model as m
from publish.reading.files import is_remote
from publish.render.typeset import calls_after_punctuation, symbols_set_apart


@dataclass
class Markup:
    show_notes: bool = False  # proofs show editorial notes; release editions never do
    link_footnotes: bool = False  # print: the URL goes to a footnote, the text stays clean
    epub: bool = False  # write epub:type semantics and keep links live
    image_src: Callable[[m.Image], str | None] = lambda image: None  # None: placeholder
    cast_names: dict[str, str] = field(default_factory=dict)
    # The plays that declare their own language (book.yaml's `plays:`): source -> BCP 47 tag.
    languages: dict[str, str] = field(default_factory=dict)
    _quotes: Typographer = field(default_factory=lambda: Typographer())
    _depth: int = 0  # how many `inlines` calls are under way: 0 between blocks

    def attr(self, epub_type: str) -> str:
        return f' epub:type="{epub_type}"' if self.epub else ""

    def block_mark(self) -> str:
        """An attribute for an element that holds text directly (a paragraph, a heading),
        written before its text is rendered. None here; the print edition's marks tell
        which block each page begins in (render/pagemap.py)."""
        return ""

    # ------------------------------------------------------------ inlines

    def inlines(self, nodes: tuple[m.Inline, ...]) -> str:
        # A call from outside any other is a block's text (a paragraph, a speech after its
        # speaker, a caption): its quotes start afresh, or one opening a speech after a
        # speech ending in a letter was taken for a closing quote (”Hello”).
        if self._depth == 0:
            self._quotes.previous = " "
        self._depth += 1
        try:
            text = "".join(self.inline(node) for node in nodes)
        finally:
            self._depth -= 1
        if self._depth == 0 and self.link_footnotes:
            # A block's whole text, in print: footnote calls after the closing punctuation
            # (which may be outside the link's own inlines), symbols set apart
            # (render/typeset.py).
            text = symbols_set_apart(calls_after_punctuation(text))
        return text

    def inline(self, node: m.Inline) -> str:
        if isinstance(node, m.Text):
            return escape(self._quotes.convert(node.text), quote=False)
        if isinstance(node, m.SoftBreak):
            self._quotes.convert(" ")
            return "\n"
        if isinstance(node, m.LineBreak):
            return "<br/>"
        if isinstance(node, m.Emph):
            return f"<em>{self.inlines(node.children)}</em>"
        if isinstance(node, m.Strong):
            # The book face has no real bold: strong emphasis is set as emphasis.
            return f'<strong>{self.inlines(node.children)}</strong>'
        if isinstance(node, m.Strikeout):
            return f"<del>{self.inlines(node.children)}</del>"
        if isinstance(node, m.Underline):
            return f"<u>{self.inlines(node.children)}</u>"
        if isinstance(node, m.Code):
            return f"<code>{escape(node.text, quote=False)}</code>"
        if isinstance(node, m.Link):
            return self.link(node)
        if isinstance(node, m.Image):
            return self.image(node, inline=True)
        if isinstance(node, m.PersonaRef):
            return (f'<b class="persona"{self.attr("z3998:persona")}>'
                    f"{self.inlines(node.children)}</b>")
        if isinstance(node, m.StageDirection):
            return self.inline_direction(node)
        if isinstance(node, m.InlineNote):
            if not self.show_notes:
                return ""
            return f'<span class="note inline-note">[{self.inlines(node.inlines)}]</span>'
        raise TypeError(f"cannot render {type(node).__name__}")

    def link(self, node: m.Link) -> str:
        text = self.inlines(node.children)
        url = escape(node.url)
        if self.epub:
            if not re.match(r"^(https?|mailto):", node.url):
                return f'<span class="link">{text}</span>'
            return f'<a href="{url}">{text}</a>'
        if not re.match(r"^(https?|mailto):", node.url):
            # javascript:, file: and relative targets never become live links in a PDF.
            return f'<span class="link">{text}</span>'
        if self.link_footnotes:
            return (f'<a class="link" href="{url}">{text}</a>'
                    f'<span class="footnote url">{escape(node.url, quote=False)}</span>')
        return f'<a class="link" href="{url}">{text}</a>'

    def inline_direction(self, node: m.StageDirection) -> str:
        # Brackets stay upright; the words inside are italic.
        return (f'<span class="direction"><span class="bracket">[</span>'
                f'<i{self.attr("z3998:stage-direction")}>{self.inlines(node.inlines)}</i>'
                f'<span class="bracket">]</span></span>')

    def image(self, node: m.Image, inline: bool = False) -> str:
        alt = m.plain_text(node.alt)
        src = self.image_src(node)
        if src is None:
            label = "remote image not included" if is_remote(node.url) else "missing image"
            return (f'<span class="image-placeholder">[{label}: '
                    f"{escape(node.url, quote=False)}]</span>")
        return f'<img src="{escape(src)}" alt="{escape(alt)}"/>'

    # ------------------------------------------------------------ blocks

    def blocks(self, nodes: tuple[m.Block, ...]) -> str:
        return "\n".join(self.block(node) for node in nodes)

    def block(self, node: m.Block, css_class: str = "") -> str:
        cls = f' class="{css_class}"' if css_class else ""
        if isinstance(node, m.Paragraph):
            return self.paragraph(node, cls)
        if isinstance(node, m.Heading):
            level = min(6, max(3, node.level + 1))
            mark = self.block_mark()
            return f"<h{level} class=\"prose-heading\"{mark}>{self.inlines(node.inlines)}</h{level}>"
        if isinstance(node, m.BlockQuote):
            return f"<blockquote>\n{self.blocks(node.blocks)}\n</blockquote>"
        if isinstance(node, m.ListBlock):
            tag = "ol" if node.ordered else "ul"
            start = f' start="{node.start}"' if node.ordered and node.start != 1 else ""
            items = "\n".join(f"<li>{self.blocks(item)}</li>" for item in node.items)
            return f"<{tag}{start}>\n{items}\n</{tag}>"
        if isinstance(node, m.CodeBlock):
            return f"<pre><code>{escape(node.text, quote=False)}</code></pre>"
        if isinstance(node, m.ThematicBreak):
            # Fountain's `===`: a page break, where the page is the reader's to break.
            return '<hr class="page-break"/>' if node.kind == "page" else '<hr class="section-break"/>'
        if isinstance(node, m.Letter):
            return self.letter(node)
        if isinstance(node, m.FieldList):
            return self.fields(node.fields, "letter-fields")
        raise TypeError(f"cannot render {type(node).__name__}")

    def letter(self, node: m.Letter) -> str:
        """A quoted letter (Standard Ebooks' `z3998:letter`): its header fields, then its
        body. The stylesheets set the fields small and the whole apart from the dialogue."""
        body = f"\n{self.blocks(node.blocks)}" if node.blocks else ""
        return (f'<blockquote class="letter"{self.attr("z3998:letter")}>\n'
                f'{self.fields(node.headers, "letter-headers")}{body}\n</blockquote>')

    def fields(self, fields: tuple[m.HeaderField, ...], css_class: str) -> str:
        rows = "".join(f"<dt{self.block_mark()}>{escape(field.key, quote=False)}:</dt>"
                       f"<dd>{self.inlines(field.value)}</dd>\n" for field in fields)
        return f'<dl class="{css_class}">\n{rows}</dl>'

    def paragraph(self, node: m.Paragraph, cls: str) -> str:
        if node.kind:  # a lyric (Fountain's `~`): its lines set apart
            cls = f' class="{(cls[8:-1] + " ") if cls else ""}{node.kind}"'
        mark = self.block_mark()
        if len(node.inlines) == 1 and isinstance(node.inlines[0], m.Image):
            image = node.inlines[0]
            caption = self.inlines(image.alt)
            figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
            return f'<figure class="image"{mark}>{self.image(image)}{figcaption}</figure>'
        return f"<p{cls}{mark}>{self.inlines(node.inlines)}</p>"


class Typographer:
    """Straight quotes to curly ones, `...` to an ellipsis; stateful across text nodes so a
    quote after an emphasis or link still opens or closes correctly."""

    def __init__(self) -> None:
        self.previous = " "

    def convert(self, text: str) -> str:
        out = []
        for char in text:
            if char == '"':
                char = "\u201c" if self._opening() else "\u201d"
            elif char == "'":
                char = "\u2018" if self._opening() else "\u2019"
            out.append(char)
            self.previous = char
        return "".join(out).replace("...", "\u2026")

    def _opening(self) -> bool:
        return self.previous.isspace() or self.previous in "([{\u2014\u2013-/\u201c\u2018"
