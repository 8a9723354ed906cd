"""What Fountain can say of a play: the model the exported Fountain reads back as, and a
message for each change (`publish export` prints them).

Fountain has no links, images, inline code, strikeout, lists, block quotations, rules or
prose apart from action, and it breaks lines where the text does. So:

- a link keeps its words, an image is dropped, code and strikeout keep their text;
- a list item is a paragraph opening with `- ` (or `1. `), a quotation its paragraphs;
- prose outside speeches is written as action: it reads back as block stage directions
  (bold words and cast names in it as persona references, as in every direction);
- a horizontal rule is written as a page break (`===`);
- an inline direction outside dialogue is kept as bracketed text;
- line wrapping inside a paragraph (soft breaks) becomes spaces, and spacing at line ends
  and around parentheticals is the reader's (one space, none before closing punctuation);
- where the cast is declared, a speech's label becomes its speakers' display names, the
  cue (fountain_cues.py): listed once per label, at its first speech, with a count.

The line wrapping changes no word and is not listed; the others are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from publish import model as m
from publish.model.errors import Location
from publish.reading.brackets import NOTE_START
from publish.reading.fountain import CLOSING, OPENING, personas
from publish.reading.fountain_cues import display_label, said_label
from publish.reading.recognize import Cast


@dataclass(frozen=True)
class Loss:
    """Something of the model the Fountain file cannot say, and where it was written."""

    location: Location
    message: str

    def format(self) -> str:
        return f"{self.location}: {self.message}"


def fountain_view(play: m.Play, *, cast_declared: bool) -> tuple[m.Play, list[Loss]]:
    """What Fountain can say of a play, and what it could not. `cast_declared`: the play's
    cast comes from book.yaml (not inferred from its labels), so cues are its display names."""
    view = _View(play, cast_declared)
    front = view.blocks(play.front)
    body = tuple(dataclasses.replace(d, blocks=view.blocks(d.blocks)) for d in play.body)
    return dataclasses.replace(play, front=front, body=body), view.finished_losses()


class _View:
    def __init__(self, play: m.Play, cast_declared: bool):
        self.play = play
        self.cast = Cast(play.cast, True)
        self.cast_declared = cast_declared
        self.losses: list[Loss] = []
        self._said: set[tuple[object, ...]] = set()
        # (label, display name) -> [its loss's index in `losses`, how many speeches]
        self._renamed: dict[tuple[str, str], list[int]] = {}

    def lose(self, node: object, message: str) -> None:
        location = self._location(node)
        key = (location, message)
        if key not in self._said:
            self._said.add(key)
            self.losses.append(Loss(location, message))

    def finished_losses(self) -> list[Loss]:
        """The losses, each renamed label's with its count of speeches."""
        losses = list(self.losses)
        for (label, display), (index, count) in self._renamed.items():
            speeches = f"{count} speech{'' if count == 1 else 'es'}"
            losses[index] = dataclasses.replace(
                losses[index],
                message=f"cues are the cast's display names: the label {label!r} is written as "
                f"{display!r} ({speeches}, the first here)",
            )
        return losses

    def renamed(self, speech: m.Speech, display: str) -> None:
        """A speech whose label is written as `display`: one loss per label, counted."""
        key = (speech.label, display)
        if key in self._renamed:
            self._renamed[key][1] += 1
            return
        self._renamed[key] = [len(self.losses), 1]
        # The message gets its count at the end; a placeholder keeps the place in source order.
        self.losses.append(Loss(self._location(speech), ""))

    def _location(self, node: object) -> Location:
        span = getattr(node, "span", None)
        return Location(span.path, span.line, span.col) if span else Location(self.play.meta.source)

    # -- drama blocks

    def blocks(self, blocks: tuple[m.DramaBlock, ...]) -> tuple[m.DramaBlock, ...]:
        out: list[m.DramaBlock] = []
        for block in blocks:
            for new in self.block(block):
                if isinstance(new, m.Prose) and out and isinstance(out[-1], m.Prose):
                    out[-1] = m.Prose(out[-1].blocks + new.blocks, out[-1].span)
                else:
                    out.append(new)
        return tuple(out)

    def block(self, block: m.DramaBlock) -> list[m.DramaBlock]:
        if isinstance(block, m.Speech):
            return [self.speech(block)]
        if isinstance(block, m.StageDirection):
            inlines = self.inlines(block.inlines, "action")
            return [dataclasses.replace(block, inlines=inlines, placement="block")] if inlines else []
        if isinstance(block, m.Note):
            return [self.note(block)]
        if isinstance(block, m.Prose):
            return self.prose(block)
        raise TypeError(f"unknown block {type(block).__name__}")

    def speech(self, speech: m.Speech) -> m.Speech:
        label = self.label(speech)
        delivery = self.direction(speech.delivery) if speech.delivery else None
        paragraphs = []
        for block in speech.paragraphs:
            for paragraph in self.paragraphs(block, "dialogue"):
                inlines = self.inlines(paragraph.inlines, "dialogue")
                if inlines:
                    paragraphs.append(dataclasses.replace(paragraph, inlines=inlines))
        if (
            delivery is None
            and paragraphs
            and paragraphs[0].kind != "lyric"
            and isinstance(paragraphs[0].inlines[0], m.StageDirection)
        ):
            # The reader takes a parenthetical right under the cue for the delivery.
            first = paragraphs[0]
            delivery, rest = cast(m.StageDirection, first.inlines[0]), _edges(first.inlines[1:])
            paragraphs[0:1] = [dataclasses.replace(first, inlines=rest)] if rest else []
        return dataclasses.replace(speech, label=label, delivery=delivery, paragraphs=tuple(paragraphs))

    def label(self, speech: m.Speech) -> str:
        """The label the speech's cue reads back as: its speakers' display names where the
        cast is declared (fountain_cues.py), else its own."""
        wanted = display_label(speech, self.cast) if self.cast_declared else speech.label
        if wanted != speech.label:
            self.renamed(speech, wanted)
        label = said_label(wanted, self.cast)
        if label != wanted:
            self.lose(speech, f"the label {speech.label!r} reads back from its cue as {label!r}")
        return label

    def direction(self, direction: m.StageDirection) -> m.StageDirection:
        return dataclasses.replace(direction, inlines=self.inlines(direction.inlines, "parenthetical"))

    def note(self, note: m.Note) -> m.Note:
        if note.kind == "cut":
            return note
        blocks = []
        for block in note.blocks:
            for paragraph in self.paragraphs(block, "note"):
                inlines = self.inlines(paragraph.inlines, "note")
                if inlines:
                    blocks.append(m.Paragraph(inlines, paragraph.span))
        kind = note.kind
        if kind in ("todo", "comment"):
            kind = "todo" if blocks and NOTE_START.match(m.plain_text(blocks[0])) else "comment"
        return dataclasses.replace(note, kind=kind, blocks=tuple(blocks))

    def prose(self, prose: m.Prose) -> list[m.DramaBlock]:
        out: list[m.DramaBlock] = []
        for block in prose.blocks:
            if isinstance(block, m.ThematicBreak):
                if block.kind != "page":
                    self.lose(block, "a horizontal rule is written as a page break (===)")
                out.append(m.Prose((dataclasses.replace(block, kind="page"),), block.span))
                continue
            if isinstance(block, m.Paragraph) and block.kind == "lyric":
                out.append(
                    m.Prose(
                        (dataclasses.replace(block, inlines=self.inlines(block.inlines, "action")),),
                        block.span,
                    )
                )
                continue
            self.lose(block, "prose is written as action: it reads back as a stage direction")
            for paragraph in self.paragraphs(block, "action"):
                inlines = self.inlines(personas(paragraph.inlines, self.cast), "action")
                if inlines:
                    out.append(m.StageDirection(inlines, "block", paragraph.span))
        return out

    # -- prose blocks, flattened to paragraphs

    def paragraphs(self, block: m.Block, context: str) -> list[m.Paragraph]:
        if isinstance(block, m.Paragraph):
            return [block]
        if isinstance(block, m.Heading):
            self.lose(block, "a heading inside a speech, note or prose is written as a paragraph")
            return [m.Paragraph(block.inlines, block.span)]
        if isinstance(block, m.BlockQuote):
            self.lose(block, "a block quotation is written as plain paragraphs")
            return [p for inner in block.blocks for p in self.paragraphs(inner, context)]
        if isinstance(block, m.ListBlock):
            self.lose(block, "a list is written as paragraphs opening with '- ' or '1. '")
            out = []
            for index, item in enumerate(block.items):
                marker = f"{block.start + index}. " if block.ordered else "- "
                inner = [p for b in item for p in self.paragraphs(b, context)]
                if inner:
                    inner[0] = dataclasses.replace(
                        inner[0], inlines=(m.Text(marker, inner[0].span), *inner[0].inlines)
                    )
                else:
                    inner = [m.Paragraph((m.Text(marker.strip(), block.span),), block.span)]
                out += inner
            return out
        if isinstance(block, m.CodeBlock):
            self.lose(block, "a code block is written as plain lines")
            inlines: list[m.Inline] = []
            for index, line in enumerate(block.text.split("\n")):
                if index:
                    inlines.append(m.LineBreak(block.span))
                inlines.append(m.Text(line, block.span))
            return [m.Paragraph(tuple(inlines), block.span)]
        if isinstance(block, m.ThematicBreak):
            self.lose(block, "a horizontal rule inside a speech or note is dropped")
            return []
        raise TypeError(f"unknown block {type(block).__name__}")

    # -- inlines

    def inlines(self, nodes: tuple[m.Inline, ...], context: str) -> tuple[m.Inline, ...]:
        flat = self._flatten(nodes, context)
        lines = _split_lines(flat)
        if context in ("dialogue", "note"):
            lines = [line for line in lines if line]  # an empty line would end the paragraph
        lines = [_spaced(_emphasis(line)) for line in lines]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        out: list[m.Inline] = []
        for index, line in enumerate(lines):
            if index:
                out.append(m.LineBreak(None))
            out.extend(line)
        return _merge(out)

    def _flatten(self, nodes: Iterable[m.Inline], context: str) -> list[m.Inline]:
        out: list[m.Inline] = []
        for node in nodes:
            if isinstance(node, m.SoftBreak):
                out.append(m.Text(" ", node.span))
            elif isinstance(node, m.LineBreak):
                out.append(m.Text(" ", node.span) if context == "parenthetical" else node)
            elif isinstance(node, m.Link):
                self.lose(node, f"a link's target is dropped ({node.url}); its words are kept")
                out += self._flatten(node.children, context)
            elif isinstance(node, m.Image):
                self.lose(node, f"an image is dropped ({node.url})")
            elif isinstance(node, m.Code):
                self.lose(node, "inline code is written as plain text")
                out.append(m.Text(node.text, node.span))
            elif isinstance(node, m.Strikeout):
                self.lose(node, "strikeout is written as plain text")
                out += self._flatten(node.children, context)
            elif isinstance(node, m.StageDirection):
                if context == "dialogue":
                    out.append(dataclasses.replace(node, inlines=self.inlines(node.inlines, "parenthetical")))
                else:
                    self.lose(node, "a direction outside dialogue is written as bracketed text")
                    out += [
                        m.Text("[", node.span),
                        *self._flatten(node.inlines, context),
                        m.Text("]", node.span),
                    ]
            elif isinstance(node, m.InlineNote):
                if context == "note":
                    out += [
                        m.Text("[", node.span),
                        *self._flatten(node.inlines, context),
                        m.Text("]", node.span),
                    ]
                else:
                    inlines = self.inlines(node.inlines, "note")
                    kind = "todo" if NOTE_START.match(m.plain_text(inlines)) else "comment"
                    out.append(dataclasses.replace(node, kind=kind, inlines=inlines))
            elif isinstance(node, (m.Emph, m.Strong, m.Underline, m.PersonaRef)):
                out.append(dataclasses.replace(node, children=tuple(self._flatten(node.children, context))))
            else:
                out.append(node)
        return out


def _split_lines(nodes: list[m.Inline]) -> list[list[m.Inline]]:
    """Lines of inlines; an emphasis holding a line break is split into one per line."""
    lines: list[list[m.Inline]] = [[]]
    for node in nodes:
        if isinstance(node, m.LineBreak):
            lines.append([])
        elif isinstance(node, (m.Emph, m.Strong, m.Underline, m.PersonaRef)) and any(
            isinstance(n, m.LineBreak) for n in m.walk(node.children)
        ):
            parts = _split_lines(list(node.children))
            for index, part in enumerate(parts):
                if index:
                    lines.append([])
                if part:
                    lines[-1].append(dataclasses.replace(node, children=tuple(part)))
        else:
            lines[-1].append(node)
    return lines


def _emphasis(nodes: list[m.Inline], inside: tuple[type, ...] = ()) -> list[m.Inline]:
    """Emphasis as Fountain writes it: never empty, never opening or closing on a space,
    never inside the same emphasis, and two in a row of one kind as one."""
    out: list[m.Inline] = []
    for node in nodes:
        if isinstance(node, (m.Emph, m.Strong, m.Underline, m.PersonaRef)):
            kind = m.Strong if isinstance(node, m.PersonaRef) else type(node)
            children = _emphasis(list(node.children), inside + (kind,))
            if kind in inside:
                out += children
                continue
            lead, children, trail = _outer_spaces(children)
            out += lead
            if children:
                if out and type(out[-1]) is type(node) and not isinstance(node, m.PersonaRef):
                    out[-1] = dataclasses.replace(out[-1], children=_merge(list(out[-1].children) + children))
                else:
                    out.append(dataclasses.replace(node, children=_merge(children)))
            out += trail
        else:
            out.append(node)
    return out


def _outer_spaces(children: list[m.Inline]) -> tuple[list[m.Inline], list[m.Inline], list[m.Inline]]:
    children = list(_merge(children))
    lead: list[m.Inline] = []
    trail: list[m.Inline] = []
    if children and isinstance(children[0], m.Text) and children[0].text[:1].isspace():
        text = children[0].text
        lead = [m.Text(text[: len(text) - len(text.lstrip())], children[0].span)]
        children[0] = m.Text(text.lstrip(), children[0].span)
    if children and isinstance(children[-1], m.Text) and children[-1].text[-1:].isspace():
        text = children[-1].text
        trail = [m.Text(text[len(text.rstrip()) :], children[-1].span)]
        children[-1] = m.Text(text.rstrip(), children[-1].span)
    children = [c for c in children if not (isinstance(c, m.Text) and not c.text)]
    return lead, children, trail


def _spaced(line: list[m.Inline]) -> list[m.Inline]:
    """Spacing as the reader gives it: none at the line's ends; one space on each side of a
    parenthetical, none after an opening bracket or before closing punctuation."""
    segments: list[list[m.Inline]] = [[]]
    directions: list[m.StageDirection] = []
    for node in line:
        if isinstance(node, m.StageDirection):
            directions.append(node)
            segments.append([])
        else:
            segments[-1].append(node)
    segments = [list(_edges(tuple(segment))) for segment in segments]
    out: list[m.Inline] = []
    for index, segment in enumerate(segments):
        if index:
            direction = directions[index - 1]
            before = m.plain_text(tuple(out))[-1:]
            if out and not (before in OPENING and before):
                out.append(m.Text(" ", direction.span))
            out.append(direction)
            after = m.plain_text(tuple(segment))[:1]
            if segment and not (after and after in CLOSING):
                out.append(m.Text(" ", direction.span))
        out.extend(segment)
    return list(_merge(out))


def _edges(nodes: tuple[m.Inline, ...]) -> tuple[m.Inline, ...]:
    """Without spaces at either end."""
    out = list(_merge(list(nodes)))
    if out and isinstance(out[0], m.Text):
        out[0] = m.Text(out[0].text.lstrip(), out[0].span)
    if out and isinstance(out[-1], m.Text):
        out[-1] = m.Text(out[-1].text.rstrip(), out[-1].span)
    return tuple(node for node in out if not (isinstance(node, m.Text) and not node.text))


def _merge(nodes: list[m.Inline]) -> tuple[m.Inline, ...]:
    out: list[m.Inline] = []
    for node in nodes:
        if isinstance(node, m.Text) and out and isinstance(out[-1], m.Text):
            out[-1] = m.Text(out[-1].text + node.text, out[-1].span)
        elif not (isinstance(node, m.Text) and not node.text):
            out.append(node)
    return tuple(out)
