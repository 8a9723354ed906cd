"""Fountain (https://fountain.io) -> drama model: the same Play a Markdown manuscript gives.

The rules, written down in docs/manuscript-format.md ("Fountain"):

- the title page (`Key: value` lines at the very top) gives the play's title (`Title`) and
  keeps its other keys (Credit, Author, Draft date, Contact ...) in `meta.title_page`;
- scene headings (`INT.`, `EXT.`, `EST.`, `INT./EXT.`, `I/E`, or forced with `.`) and
  sections (`#`) open divisions, read like Markdown headings (`Act II`, `Scene 3: Title`);
- a character cue (an upper-case line, or forced with `@`, with extensions such as `(V.O.)`
  and `^` for dual dialogue) over dialogue lines is a speech; its names are resolved through
  the cast like Markdown labels (id, name, first word, alias; upper-case cues case-blind);
- the first parenthetical is the speech's delivery, later ones are inline directions;
- action is a block stage direction (bold names and cast names inside are persona refs);
  transitions and centred text are block directions of that kind; lyrics (`~`) are lyric
  paragraphs; `===` is a page break; `= ...` a synopsis note;
- notes `[[...]]` are editorial notes (proofs only), the boneyard `/* ... */` is kept as a
  "cut" note that nothing renders.

Boneyards and notes are cut out of the text first (fountain_scan.py: they may span lines and blank lines);
every other character keeps its place in the original through `Source.origin`, so that
every node has its line and column.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from publish import model as m
from publish.model.diagnostics import Diagnostic, Severity
from publish.model.numbering import block_numbers
from publish.reading.brackets import NOTE_START
from publish.reading.fountain_inline import NOTE_MARK, parse_line
from publish.reading.fountain_scan import (
    CENTERED,
    Cue,
    Element,
    Line,
    Source,
    classify,
    clean,
    cue_label,
    cue_names,
    is_title_page,
    plain,
    read_heading,
    split_paragraphs,
    title_page_entries,
    with_cuts,
)
from publish.reading.normalize import _check_speakers, _split_title, _title_from_path
from publish.reading.recognize import Cast, Context, infer_cast, slug

SUFFIXES = (".fountain",)
OPENING = "([{“‘"  # a parenthetical after these joins without a space
CLOSING = ".,;:!?…)]}”’"  # and before these


def is_fountain(path: str) -> bool:
    return str(path).lower().endswith(SUFFIXES)


def read_fountain(
    text: str, path: str, cast: tuple[m.CastMember, ...] = (), title: str | None = None
) -> tuple[m.Play, list[Diagnostic]]:
    """One Fountain manuscript as a Play, with the diagnostics met on the way."""
    ctx = Context(path, Cast(cast, bool(cast)))
    source = clean(text, path, ctx)
    paragraphs = split_paragraphs(source)
    title_page: list[tuple[str, str]] = []
    if paragraphs and is_title_page(paragraphs[0]):
        title_page = title_page_entries(paragraphs.pop(0))
    elements = [classify(p, source, ctx) for p in paragraphs]
    if not cast:
        labels = [label for e in elements if e.kind == "dialogue" for label in e.labels(None)]
        ctx.cast = Cast(infer_cast(list(dict.fromkeys(labels))), False)
    builder = _Builder(ctx, source)
    for element in with_cuts(elements, source):
        builder.add(element)
    front, body = builder.finish()
    front = _numbered(front)
    body = tuple(dataclasses.replace(d, blocks=_numbered(d.blocks)) for d in body)
    _check_speakers(front, body, ctx.cast, ctx)
    meta = _meta(title_page, title, path)
    return (
        m.Play(meta, ctx.cast.members, front, body, m.Span(path, 1, 1)),
        sorted(ctx.diagnostics, key=Diagnostic.sort_key),
    )


def _meta(title_page: list[tuple[str, str]], title: str | None, path: str) -> m.PlayMeta:
    written = next((value for key, value in title_page if key.lower() == "title"), None)
    fields = tuple(m.MetaField(key, value) for key, value in title_page if key.lower() != "title")
    heading = plain(written) if written is not None else None
    lines = heading.split("\n") if heading else []
    if len(lines) > 1:
        main, subtitle = lines[0].strip(), " ".join(line.strip() for line in lines[1:])
    else:
        main, subtitle = _split_title(title or heading or _title_from_path(path))
    if title:
        main, subtitle = _split_title(title)
    return m.PlayMeta(main, subtitle, path, bool(heading), fields)


# ---------------------------------------------------------------- building the model


def _numbered(blocks: tuple[m.DramaBlock, ...]) -> tuple[m.DramaBlock, ...]:
    # Only speeches get a number (block_numbers gives None for every other block).
    return tuple(
        dataclasses.replace(block, number=number) if isinstance(block, m.Speech) and number is not None
        else block
        for block, number in zip(blocks, block_numbers(blocks), strict=True)
    )


@dataclass
class _Builder:
    ctx: Context
    source: Source
    front: list[m.DramaBlock] = field(default_factory=list)
    divisions: list[m.Division] = field(default_factory=list)
    current: list[m.DramaBlock] | None = None
    head: tuple[str, str | None, str | None, m.Span] | None = None

    def _target(self) -> list[m.DramaBlock]:
        return self.current if self.current is not None else self.front

    def _emit(self, block: m.DramaBlock) -> None:
        target = self._target()
        if isinstance(block, m.Prose) and target and isinstance(target[-1], m.Prose):
            target[-1] = m.Prose(target[-1].blocks + block.blocks, target[-1].span)
        else:
            target.append(block)

    def _open_heading(self, line: Line) -> None:
        heading = read_heading(line.text)
        assert heading is not None  # the scanner classed the line as a heading
        self._open_division(*heading, self._span(line))

    def _open_division(self, kind: str, number: str | None, title: str | None, span: m.Span) -> None:
        self._close_division()
        self.head = (kind, number, title, span)
        self.current = []

    def _close_division(self) -> None:
        if self.current is not None and self.head is not None:
            kind, number, title, span = self.head
            self.divisions.append(m.Division(kind, number, title, tuple(self.current), span))
        self.current = None

    def finish(self) -> tuple[tuple[m.DramaBlock, ...], tuple[m.Division, ...]]:
        self._close_division()
        if not self.divisions:
            body = tuple(self.front)
            return (), (m.Division("scene", None, None, body, body[0].span if body else None),)
        return tuple(self.front), tuple(self.divisions)

    # -- elements

    def add(self, element: Element | tuple[int, str, int]) -> None:
        if isinstance(element, tuple):
            index, raw, offset = element
            span = self.source.at_offset(offset)
            self._emit(m.Note("cut", (m.CodeBlock(raw, span),), span))
            return
        getattr(self, "_" + element.kind)(element)

    def _notes(self, element: Element) -> None:
        for line in element.lines:
            for index, char in enumerate(line.text):
                if char == NOTE_MARK and line.start + index in self.source.notes:
                    self._emit(self._block_note(line.start + index))

    def _loose_notes(self, line: Line) -> None:
        """Notes written on a cue, heading or other one-line element: block notes."""
        self._notes(Element("notes", [line]))

    def _action(self, element: Element, kind: str = "") -> None:
        inlines = self._lines(element.lines)
        if inlines:
            self._emit(m.StageDirection(self._personas(inlines), "block", self._span(element.lines[0]), kind))

    def _centered(self, element: Element) -> None:
        lines = []
        for line in element.lines:
            match = CENTERED.match(line.text)
            assert match is not None  # the scanner made this element of centred lines only
            lines.append(Line(line.start + match.start(1), match.group(1)))
        self._action(Element("centered", lines), "centered")

    def _transition(self, element: Element) -> None:
        line = element.lines[0]
        text = line.text.strip()
        start = line.start + line.text.index(text[0])
        if text.startswith(">"):
            rest = text[1:]
            start, text = start + 1 + len(rest) - len(rest.lstrip()), rest.strip()
        self._action(Element("transition", [Line(start, text)]), "transition")

    def _page_break(self, element: Element) -> None:
        self._emit(
            m.Prose((m.ThematicBreak(self._span(element.lines[0]), "page"),), self._span(element.lines[0]))
        )

    def _lyrics(self, element: Element) -> None:
        paragraph = self._lyric_paragraph(element.lines)
        self._emit(m.Prose((paragraph,), paragraph.span))

    def _lyric_paragraph(self, lines: list[Line]) -> m.Paragraph:
        stripped = []
        for line in lines:
            tilde = line.text.index("~")
            rest = line.text[tilde + 1 :]
            stripped.append(Line(line.start + tilde + 1 + len(rest) - len(rest.lstrip()), rest.strip()))
        return m.Paragraph(self._lines(stripped), self._span(lines[0]), "lyric")

    def _synopsis(self, element: Element) -> None:
        lines = []
        for line in element.lines:
            equals = line.text.index("=")
            rest = line.text[equals + 1 :]
            lines.append(Line(line.start + equals + 1 + len(rest) - len(rest.lstrip()), rest.strip()))
        span = self._span(element.lines[0])
        inlines = self._lines(lines)
        self._emit(m.Note("synopsis", (m.Paragraph(inlines, span),) if inlines else (), span))

    def _section(self, element: Element) -> None:
        for line in element.lines:
            if line.text.strip().startswith("#"):
                self._open_heading(line)
                self._loose_notes(line)
            else:
                self._synopsis(Element("synopsis", [line]))

    def _heading(self, element: Element) -> None:
        line = element.lines[0]
        self._open_heading(line)
        self._loose_notes(line)

    # -- dialogue

    def _dialogue(self, element: Element) -> None:
        cue = element.cue
        assert cue is not None
        self._loose_notes(element.lines[0])
        ids, label = self._resolve(cue)
        delivery, paragraphs = _Dialogue(self).read(element.lines[1:])
        target = self._target()
        simultaneous = cue.dual and bool(target) and isinstance(target[-1], m.Speech)
        speech = m.Speech(
            tuple(ids), label, delivery, tuple(paragraphs), cue.span, None, cue.extension, simultaneous
        )
        if not paragraphs and delivery is None:
            self.ctx.report(
                Severity.WARNING,
                "M102",
                f"empty speech for {label}",
                cue.span,
                "write the dialogue under the cue, or delete the cue",
            )
        self._emit(speech)

    def _resolve(self, cue: Cue) -> tuple[list[str], str]:
        cast = self.ctx.cast
        ids = []
        for spelt, found in cue_names(cue.name, cast, cue.forced):
            if found is None and cast.declared:
                self.ctx.report(
                    Severity.WARNING,
                    "M101",
                    f"unknown speaker {spelt!r} (not in the cast)",
                    cue.span,
                    cast.suggest(spelt),
                )
            ids.append(found or slug(spelt))
        return ids, cue_label(cue.name, cast, cue.forced)

    # -- inlines

    def _span(self, line: Line) -> m.Span:
        return self.source.at(line.start + len(line.text) - len(line.text.lstrip()))

    def _lines(self, lines: list[Line]) -> tuple[m.Inline, ...]:
        """Lines as inlines joined by line breaks (Fountain keeps every line break)."""
        out: list[m.Inline] = []
        for index, line in enumerate(lines):
            if index:
                out.append(m.LineBreak(self.source.at(line.start)))
            out.extend(self.line(line))
        return tuple(out)

    def line(self, line: Line) -> list[m.Inline]:
        text = line.text.strip()
        start = line.start + (line.text.index(text) if text else 0)
        return parse_line(text, start, self.source.at, self._inline_notes(start, text))

    def _inline_notes(self, start: int, text: str) -> dict[int, m.InlineNote]:
        notes = {}
        for index, char in enumerate(text):
            if char == NOTE_MARK and start + index in self.source.notes:
                notes[start + index] = self._inline_note(start + index)
        return notes

    def _note_lines(self, index: int) -> tuple[str, list[list[_RawLine]]]:
        raw, offset = self.source.notes[index]
        paragraphs: list[list[_RawLine]] = [[]]
        position = offset
        for text in raw.split("\n"):
            if text.strip():
                paragraphs[-1].append(_RawLine(position + len(text) - len(text.lstrip()), text.strip()))
            elif paragraphs[-1]:
                paragraphs.append([])
            position += len(text) + 1
        kind = "todo" if NOTE_START.match(raw) else "comment"
        excerpt = " ".join(raw.split())
        self.ctx.report(
            Severity.WARNING,
            "M201",
            ("unresolved TODO: " if kind == "todo" else "editorial note: ")
            + (excerpt if len(excerpt) <= 60 else excerpt[:59] + "…"),
            self.source.at_offset(offset - 2),
            "resolve the note before a release; proofs show it, releases drop it",
        )
        return kind, [p for p in paragraphs if p]

    def _raw_inlines(self, lines: list[_RawLine]) -> tuple[m.Inline, ...]:
        out: list[m.Inline] = []
        for index, line in enumerate(lines):
            if index:
                out.append(m.LineBreak(self.source.at_offset(line.offset)))
            out.extend(parse_line(line.text, line.offset, self.source.at_offset))
        return tuple(out)

    def _inline_note(self, index: int) -> m.InlineNote:
        kind, paragraphs = self._note_lines(index)
        lines = [line for paragraph in paragraphs for line in paragraph]
        return m.InlineNote(kind, self._raw_inlines(lines), self.source.at(index))

    def _block_note(self, index: int) -> m.Note:
        kind, paragraphs = self._note_lines(index)
        blocks = tuple(
            m.Paragraph(self._raw_inlines(p), self.source.at_offset(p[0].offset)) for p in paragraphs
        )
        return m.Note(kind, blocks, self.source.at(index))

    def direction(self, lines: list[Line], span: m.Span) -> m.StageDirection:
        """A parenthetical: its lines run together (a parenthetical is wrapped, not broken)."""
        out: list[m.Inline] = []
        for index, line in enumerate(lines):
            if index:
                out.append(m.Text(" ", self.source.at(line.start)))
            out.extend(self.line(line))
        return m.StageDirection(self._personas(_joined(out)), "inline", span)

    def _personas(self, inlines: Iterable[m.Inline]) -> tuple[m.Inline, ...]:
        return personas(inlines, self.ctx.cast)


def personas(inlines: Iterable[m.Inline], cast: Cast) -> tuple[m.Inline, ...]:
    """As in Markdown directions: bold is a persona reference, and so is a cast name."""
    pattern = cast.name_pattern()
    out: list[m.Inline] = []
    for node in inlines:
        if isinstance(node, m.Strong):
            out.append(m.PersonaRef(cast.resolve(m.plain_text(node).strip()), node.children, node.span))
        elif isinstance(node, (m.Emph, m.Underline)):
            out.append(type(node)(personas(node.children, cast), node.span))
        elif isinstance(node, m.Text) and pattern is not None:
            out.extend(_split_names(node, pattern, cast))
        else:
            out.append(node)
    return tuple(out)


@dataclass
class _RawLine:
    offset: int  # in the original text
    text: str


def _split_names(node: m.Text, pattern: re.Pattern[str], cast: Cast) -> list[m.Inline]:
    out: list[m.Inline] = []
    position = 0
    for match in pattern.finditer(node.text):
        if match.start() > position:
            out.append(m.Text(node.text[position : match.start()], _moved(node.span, position)))
        span = _moved(node.span, match.start())
        out.append(m.PersonaRef(cast.resolve(match.group(0)), (m.Text(match.group(0), span),), span))
        position = match.end()
    if position < len(node.text):
        out.append(m.Text(node.text[position:], _moved(node.span, position)))
    return out


def _moved(span: m.Span | None, by: int) -> m.Span | None:
    return span._replace(col=span.col + by) if span is not None else None


def _joined(nodes: list[m.Inline]) -> tuple[m.Inline, ...]:
    out: list[m.Inline] = []
    for node in nodes:
        if isinstance(node, m.Text) and out and isinstance(out[-1], m.Text):
            out[-1] = m.Text(out[-1].text + node.text, out[-1].span)
        else:
            out.append(node)
    return tuple(out)


class _Dialogue:
    """The lines under a cue: parentheticals, dialogue lines, lyric lines, and lines of
    spaces between paragraphs."""

    def __init__(self, builder: _Builder):
        self.builder = builder
        self.delivery: m.StageDirection | None = None
        self.paragraphs: list[m.Paragraph] = []
        self.parts: list[tuple[str, Any, m.Span | None]] = []  # ("text"|"direction"|"lyric", ...)

    def read(self, lines: list[Line]) -> tuple[m.StageDirection | None, list[m.Paragraph]]:
        index = 0
        while index < len(lines):
            line = lines[index]
            text = line.text.strip()
            if not text:
                self._close()
                index += 1
                continue
            if text.startswith("("):
                end = next((j for j in range(index, len(lines)) if lines[j].text.strip().endswith(")")), None)
                if end is not None:
                    self._parenthetical(lines[index : end + 1])
                    index = end + 1
                    continue
            kind = "lyric" if text.startswith("~") else "text"
            if self.parts and (self.parts[-1][0] == "lyric") != (kind == "lyric"):
                self._close()
            span = self.builder._span(line)
            if kind == "lyric":
                self.parts.append(("lyric", line, span))
            else:
                self.parts.append(("text", self.builder.line(line), span))
            index += 1
        self._close()
        return self.delivery, self.paragraphs

    def _parenthetical(self, lines: list[Line]) -> None:
        first, _last = lines[0], lines[-1]
        opening = first.start + first.text.index("(")
        inner = [Line(opening + 1, first.text[first.text.index("(") + 1 :])] + lines[1:]
        closing = inner[-1].text.rindex(")")
        inner[-1] = Line(inner[-1].start, inner[-1].text[:closing])
        direction = self.builder.direction(
            [line for line in inner if line.text.strip()], self.builder.source.at(opening)
        )
        if self.delivery is None and not self.paragraphs and not self.parts:
            self.delivery = direction
        else:
            if self.parts and self.parts[-1][0] == "lyric":
                self._close()
            self.parts.append(("direction", direction, direction.span))

    def _close(self) -> None:
        if not self.parts:
            return
        if self.parts[0][0] == "lyric":
            lines = [part[1] for part in self.parts]
            self.paragraphs.append(self.builder._lyric_paragraph(lines))
        else:
            self.paragraphs.append(m.Paragraph(_join_parts(self.parts), self.parts[0][2]))
        self.parts = []


def _join_parts(parts: list[tuple[str, Any, m.Span | None]]) -> tuple[m.Inline, ...]:
    """Dialogue lines joined by line breaks; a parenthetical joined to its neighbours by a
    space, except after an opening bracket or quote and before closing punctuation."""
    out: list[m.Inline] = []
    previous = None
    for kind, value, span in parts:
        nodes: list[m.Inline] = [value] if kind == "direction" else list(value)
        if previous is not None:
            if kind == "text" and previous == "text":
                out.append(m.LineBreak(span))
            else:
                before = m.plain_text(tuple(out))[-1:]
                after = m.plain_text(tuple(nodes))[:1]
                if not (before and before in OPENING) and not (after and after in CLOSING and kind == "text"):
                    out.append(m.Text(" ", span))
        out.extend(nodes)
        previous = kind
    return _joined(out)
