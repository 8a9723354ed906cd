"""The drama model -> EPUB content documents, in the Standard Ebooks manner.

A play is a `section` (`part`), each division a `section` (`chapter z3998:scene`). Speeches and
the stage directions between them are rows of a table: the persona cell
`<td epub:type="z3998:persona">`, then the words. A direction that opens a scene is a paragraph
before the table. Directions are `<i epub:type="z3998:stage-direction">` (brackets come from
the stylesheet), names inside them `<b epub:type="z3998:persona">`, possessives inside the name.
The rules followed are `se lint` s-058, s-063, s-080, s-083, t-045 and t-050. Every `epub:type`
with a DPUB-ARIA counterpart carries it as `role` too (part, chapter, subtitle, pagebreak, toc):
assistive technology reads roles, not `epub:type` (DAISY Ace's epub-type-has-matching-role).

Every function returns a finished XHTML fragment or document; nothing here does I/O.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from html import escape

from publish import model as m
from publish.render.html import division_heading, division_id, play_id
from publish.render.markup import Markup

Z3998 = "http://www.daisy.org/z3998/2012/vocab/structure/#"
TextKey = m.Span  # a text run is known by where it starts in its manuscript, in both outputs


def text_key(node: m.Text) -> TextKey | None:
    return node.span


def pagebreak(number: int) -> str:
    return (f'<span epub:type="pagebreak" id="page-{number}" role="doc-pagebreak" '
            f'aria-label="{number}"></span>')


@dataclass
class EpubMarkup(Markup):
    """`Markup` with Standard Ebooks inlines, and page breaks placed before given Text nodes."""

    epub: bool = True
    breaks_before: dict[TextKey, list[int]] = field(default_factory=dict)
    breaks_at: dict[str, list[int]] = field(default_factory=dict)  # element id -> pages
    breaks_within: dict[TextKey, list[tuple[int, list[int]]]] = field(default_factory=dict)

    def opening(self, element_id: str) -> str:
        """The page breaks of print pages that begin where this section begins."""
        return "".join(pagebreak(n) for n in self.breaks_at.pop(element_id, []))

    def inline(self, node: m.Inline) -> str:
        if isinstance(node, m.Text):
            key = text_key(node)  # a run without a position has no page break before it
            numbers = self.breaks_before.pop(key, []) if key is not None else []
            splits = self.breaks_within.pop(key, []) if key is not None else []
            words = self._split_text(node, splits) if splits else super().inline(node)
            return "".join(pagebreak(n) for n in numbers) + words
        if isinstance(node, m.PersonaRef):
            # s-063: a persona is a <b>; t-045: the stylesheet keeps it upright.
            return f'<b epub:type="z3998:persona">{self.inlines(node.children)}</b>'
        return super().inline(node)

    def _split_text(self, node: m.Text, splits: list[tuple[int, list[int]]]) -> str:
        """The run with page breaks at character offsets of its typeset text (print pages
        that begin mid-paragraph)."""
        text = self._quotes.convert(node.text)
        pieces, last = [], 0
        for offset, numbers in sorted(splits):
            offset = max(last, min(offset, len(text)))
            pieces.append(escape(text[last:offset], quote=False))
            pieces.append("".join(pagebreak(n) for n in numbers))
            last = offset
        pieces.append(escape(text[last:], quote=False))
        return "".join(pieces)

    def inline_direction(self, node: m.StageDirection) -> str:
        # s-058: the semantic sits on <i>; the brackets are drawn by the stylesheet.
        return f'<i epub:type="z3998:stage-direction">{self.inlines(node.inlines)}</i>'


# ---------------------------------------------------------------- possessives (t-050)

_POSSESSIVE = re.compile(r"^(['\u2019]s)(?![A-Za-z])|^(['\u2019])(?![A-Za-z])")


def possessives_inside(inlines: tuple[m.Inline, ...]) -> tuple[m.Inline, ...]:
    """`**Doomimir**'s` -> the `'s` moves inside the persona, as Standard Ebooks sets it."""
    out: list[m.Inline] = []
    for node in inlines:
        node = _recurse(node)
        previous = out[-1] if out else None
        if isinstance(node, m.Text) and isinstance(previous, m.PersonaRef):
            match = _POSSESSIVE.match(node.text)
            name = m.plain_text(previous)
            if match and (match.group(1) or name.endswith("s")):
                suffix = match.group(0)
                out[-1] = dataclasses.replace(previous, children=previous.children + (m.Text(suffix),))
                rest = node.text[len(suffix):]
                if rest:
                    out.append(dataclasses.replace(node, text=rest))
                continue
        out.append(node)
    return tuple(out)


def _recurse(node: m.Inline) -> m.Inline:
    if isinstance(node, (m.Emph, m.Strong, m.Strikeout, m.Link, m.PersonaRef)):
        return dataclasses.replace(node, children=possessives_inside(node.children))
    if isinstance(node, (m.StageDirection, m.InlineNote)):
        return dataclasses.replace(node, inlines=possessives_inside(node.inlines))
    return node  # no child inlines to look in (an image's alt text is left as written)


# ---------------------------------------------------------------- drama


def speech_row(speech: m.Speech, markup: EpubMarkup) -> str:
    # A print page that begins with this speech begins at its speaker's name.
    first = next((n for n in m.walk((speech.delivery, speech.paragraphs))
                  if isinstance(n, m.Text) and n.span is not None), None)
    key = text_key(first) if first else None
    numbers = markup.breaks_before.pop(key, []) if key is not None else []
    breaks = "".join(pagebreak(n) for n in numbers)
    extension = f' <span class="cue-extension">{escape(speech.extension)}</span>' if speech.extension else ""
    persona = f'<td epub:type="z3998:persona">{breaks}{escape(speech.label)}{extension}</td>'
    row = '<tr class="simultaneous">' if speech.simultaneous else "<tr>"
    return f"{row}\n{persona}\n<td>{_speech_words(speech, markup)}</td>\n</tr>"


def _speech_words(speech: m.Speech, markup: EpubMarkup) -> str:
    """s-080: a cell holds only inline text (one paragraph) or only blocks (several)."""
    delivery = markup.inline_direction(speech.delivery) if speech.delivery else ""
    blocks = list(speech.paragraphs)
    if not blocks:
        return delivery
    opening = blocks[0]
    if len(blocks) == 1 and isinstance(opening, m.Paragraph) and not _is_figure(opening) and not opening.kind:
        words = markup.inlines(opening.inlines)
        return f"{delivery} {words}" if delivery else words
    parts = []
    if isinstance(opening, m.Paragraph) and not _is_figure(opening) and not opening.kind:
        blocks.pop(0)
        first = markup.inlines(opening.inlines)
        parts.append(f"<p>{delivery} {first}</p>" if delivery else f"<p>{first}</p>")
    elif delivery:
        parts.append(f"<p>{delivery}</p>")
    parts.extend(markup.block(block) for block in blocks)
    return "\n" + "\n".join(parts) + "\n"


def _is_figure(paragraph: m.Paragraph) -> bool:
    return len(paragraph.inlines) == 1 and isinstance(paragraph.inlines[0], m.Image)


def direction_row(direction: m.StageDirection, markup: EpubMarkup) -> str:
    kind = f' class="{direction.kind}"' if direction.kind else ""
    return f"<tr>\n<td/>\n<td{kind}>{markup.inline_direction(direction)}</td>\n</tr>"


def direction_paragraph(direction: m.StageDirection, markup: EpubMarkup) -> str:
    kind = f" {direction.kind}" if direction.kind else ""
    return f'<p class="direction{kind}">{markup.inline_direction(direction)}</p>'


def drama_blocks(blocks: tuple[m.DramaBlock, ...], markup: EpubMarkup) -> list[str]:
    """Speeches and directions as table rows; directions before any speech, and prose, stand
    outside the tables; editorial notes are never in an EPUB."""
    parts: list[str] = []
    rows: list[str] = []

    def close_table() -> None:
        if rows:
            parts.append("<table>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>")
            rows.clear()

    seen_speech = False
    for block in blocks:
        if isinstance(block, m.Speech):
            rows.append(speech_row(block, markup))
            seen_speech = True
        elif isinstance(block, m.StageDirection):
            if seen_speech:
                rows.append(direction_row(block, markup))
            else:
                parts.append(direction_paragraph(block, markup))
        elif isinstance(block, m.Prose):
            close_table()
            parts.append(f'<div class="prose">\n{markup.blocks(block.blocks)}\n</div>')
    close_table()
    return parts


def division_section(division: m.Division, element_id: str, markup: EpubMarkup) -> str:
    label, title = division_heading(division)
    parts = [f'<section id="{element_id}" epub:type="chapter z3998:scene" role="doc-chapter">'
             f'{markup.opening(element_id)}']
    if label or title:
        parts.append(f"<h3>{_heading_spans(division, title)}</h3>")
    parts.extend(drama_blocks(division.blocks, markup))
    parts.append("</section>")
    return "\n".join(parts)


def _heading_spans(division: m.Division, title: str) -> str:
    spans = []
    if division.number:
        spans.append(f'<span class="scene-label"><span epub:type="label">{escape(division.kind.capitalize())}'
                     f'</span> <span epub:type="ordinal">{escape(division.number)}</span></span>')
    if title:
        spans.append(f'<span class="scene-title" epub:type="title">{escape(title)}</span>')
    return " ".join(spans)


def dramatis_personae(play: m.Play, index: int) -> str:
    if not play.cast:
        return ""
    items = []
    for member in play.cast:
        description = f", {escape(member.description)}" if member.description else ""
        items.append(f'<li>\n<p><b epub:type="z3998:persona">{escape(member.name)}</b>'
                     f"{description}</p>\n</li>")
    return (f'<section id="{play_id(index)}-personae" epub:type="z3998:dramatis-personae">\n'
            f"<h3>Characters</h3>\n<ul>\n" + "\n".join(items) + "\n</ul>\n</section>")


def play_section(play: m.Play, index: int, markup: EpubMarkup) -> str:
    """One play: its title, characters, front matter, divisions and back matter."""
    play = dataclasses.replace(play, front=_fix(play.front), body=tuple(
        dataclasses.replace(d, blocks=_fix(d.blocks)) for d in play.body))
    subtitle = (f'\n<p class="play-subtitle" epub:type="subtitle" role="doc-subtitle">'
                f'{escape(play.meta.subtitle)}</p>' if play.meta.subtitle else "")
    opening = markup.opening(play_id(index))
    parts = [f'<section id="{play_id(index)}" epub:type="part" role="doc-part">{opening}',
             f'<header>\n<h2 epub:type="title">{escape(play.meta.title)}</h2>{subtitle}\n</header>'
             if subtitle else f'<h2 epub:type="title">{escape(play.meta.title)}</h2>',
             dramatis_personae(play, index)]
    parts.extend(drama_blocks(play.front, markup))
    for division_index, division in enumerate(play.body):
        parts.append(division_section(division, division_id(index, division_index), markup))
    parts.append("</section>")
    return "\n".join(part for part in parts if part)


def _fix(blocks: tuple[m.DramaBlock, ...]) -> tuple[m.DramaBlock, ...]:
    """Possessives moved inside persona names in every direction of these blocks."""
    fixed = []
    for block in blocks:
        if isinstance(block, m.StageDirection):
            block = dataclasses.replace(block, inlines=possessives_inside(block.inlines))
        elif isinstance(block, m.Speech):
            delivery = (dataclasses.replace(block.delivery,
                                            inlines=possessives_inside(block.delivery.inlines))
                        if block.delivery else None)
            paragraphs = tuple(dataclasses.replace(p, inlines=possessives_inside(p.inlines))
                               if isinstance(p, m.Paragraph) else p for p in block.paragraphs)
            block = dataclasses.replace(block, delivery=delivery, paragraphs=paragraphs)
        fixed.append(block)
    return tuple(fixed)


# ---------------------------------------------------------------- documents


def document(lang: str, title: str, body_type: str, body: str, css: str = "css/epub.css") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'epub:prefix="z3998: {Z3998}" lang="{escape(lang)}" xml:lang="{escape(lang)}">\n'
        f'<head>\n<title>{escape(title)}</title>\n'
        f'<link rel="stylesheet" type="text/css" href="{css}"/>\n</head>\n'
        f'<body epub:type="{body_type}">\n{body}\n</body>\n</html>\n')


def title_page(meta: m.BookMeta, opening: str = "") -> str:
    subtitle = (f'\n<p epub:type="subtitle" role="doc-subtitle">{escape(meta.subtitle)}</p>'
                if meta.subtitle else "")
    author = (f'\n<p class="book-author" epub:type="z3998:author z3998:personal-name">'
              f"{escape(meta.author)}</p>" if meta.author else "")
    imprint = "".join(f'\n<p class="{cls}">{escape(text)}</p>' for cls, text in
                      (("publisher", meta.publisher), ("rights", meta.rights)) if text)
    page = (f'<section id="titlepage" class="title-page" epub:type="titlepage">{opening}\n'
            f'<h1 epub:type="title">{escape(meta.title)}</h1>{subtitle}{author}\n</section>')
    if imprint:
        page += f'\n<section id="imprint" class="imprint" epub:type="imprint">{imprint}\n</section>'
    return page


def cover_page(image_href: str, alt: str) -> str:
    return (f'<section id="cover" class="cover" epub:type="cover">\n'
            f'<img src="{escape(image_href)}" alt="{escape(alt)}"/>\n</section>')
