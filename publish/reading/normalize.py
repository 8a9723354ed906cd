"""Pandoc AST -> drama model: the block-level pass over one manuscript.

The recognizers (speaker tags, brackets, directions) live in `recognize.py`; this module walks
the blocks in order and decides where speeches, directions, notes, prose and scenes begin and
end:

- the first heading is the play's title; every later heading opens a division (scene);
- a speech runs on over following paragraphs, lists and quotations until the next speaker,
  block direction, note, heading or rule;
- a letter (a header block of `**Key**: value` lines, letters.py) runs on over what follows
  it until the same, or the next letter: inside the speech that was open, else as prose;
- a `[TODO ...]` note runs until its closing bracket, across paragraphs and lists; text after
  the bracket in the same paragraph is kept as a paragraph of its own.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from publish import model as m
from publish.model.diagnostics import Diagnostic, Severity
from publish.model.numbering import block_numbers
from publish.reading.atoms import (
    Atom,
    PBlock,
    atoms_text,
    bracket_balance,
    first_position,
    flatten,
    rebuild,
    split_blocks_at_close,
    strip_blank_edges,
    unwrap_blocks,
)
from publish.reading.brackets import bracket_pairs, classify, only_directions
from publish.reading.letters import OpenLetter, letter_paragraph, speech_then_header
from publish.reading.pandoc_ast import PandocAst
from publish.reading.recognize import (
    DIVISION_HEADING,
    Cast,
    Context,
    direction,
    drama_inlines,
    infer_cast,
    plain_dialect_names,
    prose_block,
    slug,
    speaker_tag,
)
from publish.reading.speakers import opens_note, speech_labels


def normalize(ast: PandocAst, path: str, cast: tuple[m.CastMember, ...] = (),
              title: str | None = None) -> tuple[m.Play, list[Diagnostic]]:
    """One manuscript's pandoc AST as a Play, with the diagnostics met on the way."""
    blocks = unwrap_blocks(ast["blocks"])
    plain_names = plain_dialect_names(blocks, cast)
    declared = Cast(cast, True)
    labels, speakers = speech_labels(blocks, plain_names,
                                     lambda label: bool(cast) and declared.resolve(label) is not None)
    cast_model = declared if cast else Cast(infer_cast(labels), False)
    ctx = Context(path, cast_model, plain_names, speakers=speakers)

    title_level = blocks[0].c[0] if blocks and blocks[0].t == "Header" else None
    heading_title, blocks = _take_title(blocks)
    if heading_title is None:
        title_level = None
    main_title, subtitle = _split_title(title or heading_title or _title_from_path(path))
    title_in_text = heading_title is not None
    walker = _Walker(ctx)
    for block in blocks:
        walker.feed(block)
    front, body = walker.finish()
    front = _numbered(front)
    body = tuple(dataclasses.replace(d, blocks=_numbered(d.blocks)) for d in body)
    _check_heading_levels(blocks, title_level, ctx)
    _check_speakers(front, body, cast_model, ctx)
    meta = m.PlayMeta(main_title, subtitle, path, title_in_text)
    return (m.Play(meta, cast_model.members, front, body, m.Span(path, 1, 1)),
            sorted(ctx.diagnostics, key=Diagnostic.sort_key))


def _numbered(blocks: tuple[m.DramaBlock, ...]) -> tuple[m.DramaBlock, ...]:
    """Speeches carry their reference number (one scheme for ast and proof: numbering.py)."""
    return tuple(dataclasses.replace(block, number=number)
                 if isinstance(block, m.Speech) and number is not None else block
                 for block, number in zip(blocks, block_numbers(blocks), strict=True))


def _title_from_path(path: str) -> str:
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return re.sub(r"[_-]+", " ", stem).strip().capitalize()


def _split_title(title: str) -> tuple[str, str]:
    """`Shoggoths: Another Debate in One Act` -> title and subtitle."""
    main, sep, rest = title.partition(": ")
    return (main.strip(), rest.strip()) if sep else (title.strip(), "")


def _take_title(blocks: list[PBlock]) -> tuple[str | None, list[PBlock]]:
    if blocks and blocks[0].t == "Header":
        text = atoms_text(flatten(blocks[0].c[2])).strip()
        if text and not DIVISION_HEADING.match(text):
            return text, blocks[1:]
    if blocks and blocks[0].t == "Para" and not any(b.t == "Header" for b in blocks):
        # The plain dialect: the first line of the file, alone in its paragraph, is the title.
        atoms = blocks[0].atoms()
        text = atoms_text(atoms).strip()
        if (text and len(text) <= 120 and not any(a.kind in ("soft", "hard") or a.marks for a in atoms)
                and text[0] != "[" and text[-1] not in ".?!:;,—" and ": " not in text[:40]):
            return text, blocks[1:]
    return None, blocks


def _check_heading_levels(blocks: list[PBlock], title_level: int | None, ctx: Context) -> None:
    """Scenes sit one level below the title, and no level is skipped."""
    previous = title_level
    for block in blocks:
        if block.t != "Header":
            continue
        level = block.c[0]
        if title_level is not None and level <= title_level:
            ctx.report(Severity.WARNING, "M401",
                       f"heading level {level} is not below the title's level {title_level}", block.span,
                       f"use {'#' * (title_level + 1)} for scenes under a {'#' * title_level} title")
        elif previous is not None and level > previous + 1:
            ctx.report(Severity.WARNING, "M401", f"heading level jumps from {previous} to {level}",
                       block.span, f"use {'#' * (previous + 1)}")
        previous = level


def _check_speakers(front: tuple[m.DramaBlock, ...], body: tuple[m.Division, ...], cast: Cast,
                    ctx: Context) -> None:
    """Declared characters who never speak; the same speaker twice in a row."""
    spoken: set[str] = set()
    for blocks in [front] + [division.blocks for division in body]:
        previous: m.Speech | None = None
        for block in blocks:
            if isinstance(block, m.Speech):
                spoken.update(block.speakers)
                if previous is not None and previous.speakers == block.speakers:
                    ctx.report(Severity.INFO, "M104", f"{block.label} speaks twice in a row", block.span,
                               "join the two speeches, or put a direction between them")
                previous = block
            elif isinstance(block, m.StageDirection):
                previous = None
    if cast.declared:
        for member in cast.members:
            if member.id not in spoken:
                ctx.report(Severity.INFO, "M103", f"{member.name} ({member.id}) never speaks",
                           m.Span(ctx.path, 1, 1), "fine for a non-speaking role; else check the labels")


def parse_division_heading(text: str) -> tuple[str, str | None, str | None]:
    match = DIVISION_HEADING.match(text)
    if match:
        return match.group("kind").lower(), match.group("number"), (match.group("title") or None)
    return "scene", None, text or None


@dataclass
class _OpenSpeech:
    speakers: tuple[str, ...]
    label: str
    delivery: m.StageDirection | None
    paragraphs: list[m.Block]
    span: m.Span | None

    def close(self) -> m.Speech:
        return m.Speech(self.speakers, self.label, self.delivery, tuple(self.paragraphs), self.span)


@dataclass
class _OpenNote:
    blocks: list[m.Block]
    span: m.Span | None
    depth: int


@dataclass
class _Walker:
    """A small state machine over the blocks of one manuscript."""

    ctx: Context
    front: list[m.DramaBlock] = field(default_factory=list)
    divisions: list[m.Division] = field(default_factory=list)
    current: list[m.DramaBlock] | None = None  # blocks of the open division
    division_head: tuple[str, str | None, str | None, m.Span | None] | None = None
    speech: _OpenSpeech | None = None
    letter: OpenLetter | None = None  # in the open speech, or else in the prose
    note: _OpenNote | None = None
    prose: list[m.Block] = field(default_factory=list)
    prose_span: m.Span | None = None

    # -- output

    def _target(self) -> list[m.DramaBlock]:
        return self.current if self.current is not None else self.front

    def _emit(self, node: m.DramaBlock) -> None:
        self._flush_prose()
        self._target().append(node)

    def _close_letter(self) -> None:
        if self.letter is not None:
            letter = self.letter.close()
            self.letter = None
            if self.speech is not None:
                self.speech.paragraphs.append(letter)
            else:
                self._add_prose(letter)

    def _close_speech(self) -> None:
        self._close_letter()
        if self.speech is not None:
            speech = self.speech.close()
            self.speech = None
            if not speech.paragraphs and speech.delivery is None:
                self.ctx.report(Severity.WARNING, "M102",
                                f"empty speech for {speech.label}", speech.span,
                                "write the speech, or delete the placeholder")
            self._target().append(speech)

    def _flush_prose(self) -> None:
        if self.prose:
            self._target().append(m.Prose(tuple(self.prose), self.prose_span))
            self.prose, self.prose_span = [], None

    def _add_prose(self, block: m.Block) -> None:
        if not self.prose:
            self.prose_span = block.span
        self.prose.append(block)

    def _close_division(self) -> None:
        self._close_speech()
        self._flush_prose()
        if self.current is not None:
            assert self.division_head is not None  # set with `current`, by feed
            kind, number, title, span = self.division_head
            self.divisions.append(m.Division(kind, number, title, tuple(self.current), span))
        self.current = None

    def finish(self) -> tuple[tuple[m.DramaBlock, ...], tuple[m.Division, ...]]:
        if self.note is not None:
            self.ctx.report(Severity.WARNING, "M202",
                            "editorial note never closes with ']'; it runs to the end of the file",
                            self.note.span)
            self._finish_note(self.note)
        self._close_division()
        if not self.divisions:
            # A play without scene headings is one untitled division.
            body = tuple(self.front)
            span = body[0].span if body else None
            return (), (m.Division("scene", None, None, body, span),)
        return tuple(self.front), tuple(self.divisions)

    # -- input

    def feed(self, block: PBlock) -> None:
        if self.note is not None:
            self._continue_note(self.note, block)
            return
        if block.t == "Header":
            self._close_division()
            text = atoms_text(flatten(block.c[2])).strip()
            kind, number, title = parse_division_heading(text)
            self.division_head = (kind, number, title, block.span)
            self.current = []
            return
        if block.t == "HorizontalRule":
            self._close_speech()
            self._add_prose(m.ThematicBreak(block.span))
            return
        if block.t in ("Para", "Plain"):
            # A paragraph cut from a note's last list item has no position of its own.
            span = block.span or first_position(block.c)
            self._paragraph(block.atoms(), span)
            return
        converted = prose_block(block)
        if self.letter is not None:
            self.letter.blocks.append(converted)
        elif self.speech is not None:
            self.speech.paragraphs.append(converted)
        else:
            self._add_prose(converted)

    def _paragraph(self, atoms: list[Atom], span: m.Span | None) -> None:
        atoms = strip_blank_edges(atoms)
        if not atoms:
            return
        if opens_note(atoms):
            self._start_note(atoms, span)
            return
        if self._letter_paragraph(atoms, span):
            return
        tag = speaker_tag(atoms, self.ctx.plain_names)
        if tag is not None:
            reads = speech_then_header(atoms, self.ctx.speaks)
            if reads is not None:  # the speech, then the letter it reads, in one paragraph
                tag = speaker_tag(reads[0], self.ctx.plain_names) or tag
            self._start_speech(tag[0], tag[1], span, tag[2])
            if reads is not None:
                self.letter = OpenLetter.opened_by(reads[1], reads[1][0][2] or span)
            return
        if self.letter is not None and not only_directions(atoms):
            # A letter is quoted matter: its brackets are the writer's text.
            self.letter.blocks.append(m.Paragraph(rebuild(atoms), span))
            return
        inlines = drama_inlines(atoms, self.ctx)
        if _only_directions(inlines):
            self._close_speech()
            for node in inlines:
                if isinstance(node, m.StageDirection):
                    self._emit(m.StageDirection(node.inlines, "block", node.span))
                elif isinstance(node, m.InlineNote):
                    self._emit(m.Note(node.kind, (m.Paragraph(node.inlines, node.span),), node.span))
            return
        if self.speech is not None:
            self.speech.paragraphs.append(m.Paragraph(inlines, span))
        else:
            self._add_prose(m.Paragraph(inlines, span))

    def _letter_paragraph(self, atoms: list[Atom], span: m.Span | None) -> bool:
        """Open a letter, or add fields to the open one, if the paragraph does that."""
        found = letter_paragraph(atoms, self.letter, self.ctx.speaks)
        if found is None:
            return False
        action, fields = found
        if action == "open":
            self._close_letter()
            self.letter = OpenLetter.opened_by(fields, span)
        elif self.letter is not None:
            self.letter.add_fields(fields, span)
        return True

    def _start_speech(self, labels: list[str], rest: list[Atom], span: m.Span | None,
                      written: str) -> None:
        self._close_speech()
        self._flush_prose()
        speakers = []
        for label in labels:
            cast_id = self.ctx.cast.resolve(label)
            if cast_id is None:
                if self.ctx.cast.declared:
                    self.ctx.report(Severity.WARNING, "M101",
                                    f"unknown speaker {label!r} (not in the cast)", span,
                                    self.ctx.cast.suggest(label))
                cast_id = slug(label)
            speakers.append(cast_id)
        delivery = None
        if rest and rest[0].kind == "text" and rest[0].text == "[":
            # Decided in the whole paragraph: `[T]he` is glued to its word, not a delivery.
            close, kind = classify(rest).get(0, (0, ""))
            if kind == "direction":
                delivery = direction(rest[:close + 1], self.ctx, "inline")
                rest = strip_blank_edges(rest[close + 1:])
        label = written
        paragraphs: list[m.Block] = []
        if rest:
            paragraphs.append(m.Paragraph(drama_inlines(rest, self.ctx), rest[0].span))
        self.speech = _OpenSpeech(tuple(speakers), label, delivery, paragraphs, span)

    # -- notes

    def _start_note(self, atoms: list[Atom], span: m.Span | None) -> None:
        self._close_speech()
        self._flush_prose()
        self.ctx.report(Severity.WARNING, "M201", "unresolved TODO: " + _note_excerpt(atoms), span,
                        "resolve the note before a release; proofs show it, releases drop it")
        note = self.note = _OpenNote([], span, 0)
        self._note_paragraph(note, atoms, span)

    def _note_paragraph(self, note: _OpenNote, atoms: list[Atom], span: m.Span | None) -> None:
        """Add a paragraph to the open note; close it if its bracket closes here."""
        depth = note.depth
        for index, atom in enumerate(atoms):
            if atom.kind != "text" or atom.text not in ("[", "]") or atom.escaped:
                continue
            depth += 1 if atom.text == "[" else -1
            if depth == 0:
                inside = atoms[:index]
                if not note.blocks and inside and inside[0].text == "[":
                    inside = inside[1:]
                self._add_note_atoms(note, strip_blank_edges(inside), span)
                self._finish_note(note)
                remainder = strip_blank_edges(atoms[index + 1:])
                if remainder:
                    self._paragraph(remainder, remainder[0].span)
                return
        note.depth = depth
        inside = atoms[1:] if not note.blocks and atoms and atoms[0].text == "[" else atoms
        self._add_note_atoms(note, strip_blank_edges(inside), span)

    def _add_note_atoms(self, note: _OpenNote, atoms: list[Atom], span: m.Span | None) -> None:
        if atoms:
            note.blocks.append(m.Paragraph(rebuild(atoms), span))

    def _continue_note(self, note: _OpenNote, block: PBlock) -> None:
        if block.t in ("Para", "Plain"):
            self._note_paragraph(note, strip_blank_edges(block.atoms()), block.span)
            return
        balance = bracket_balance(block.c)
        if note.depth + balance > 0:
            note.blocks.append(prose_block(block))
            note.depth += balance
            return
        before, after, _, found = split_blocks_at_close([{"t": block.t, "c": block.c}], note.depth)
        if not found:  # cannot happen when the balance says it closes; keep everything
            before, after = [{"t": block.t, "c": block.c}], []
        # `]` written under a list joins its last item (and so does any line after it): the
        # note ends at the bracket, and what follows is read as if the note was not there.
        for part in unwrap_blocks(before, block.span):
            note.blocks.append(prose_block(part))
        self._finish_note(note)
        for part in unwrap_blocks(after):
            self.feed(part)

    def _finish_note(self, note: _OpenNote) -> None:
        self.note = None
        self._target().append(m.Note("todo", tuple(note.blocks), note.span))


def _note_excerpt(atoms: list[Atom]) -> str:
    """The note's own words, for the diagnostic: up to its closing bracket if it has one."""
    close = bracket_pairs(atoms).get(0)
    text = " ".join(atoms_text(atoms[1:close] if close else atoms[1:]).split())
    return text if len(text) <= 60 else text[:59] + "…"


def _only_directions(inlines: tuple[m.Inline, ...]) -> bool:
    has_direction = False
    for node in inlines:
        if isinstance(node, (m.StageDirection, m.InlineNote)):
            has_direction = has_direction or isinstance(node, m.StageDirection)
            continue
        if isinstance(node, m.Text) and not node.text.strip():
            continue
        if isinstance(node, m.SoftBreak):
            continue
        return False
    return has_direction
