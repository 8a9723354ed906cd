"""Letters and forms: header blocks of `**Key**: value` lines, and the letters they open.

The rule (docs/manuscript-format.md, "Letters and forms"):

- A **field line** is a line that opens with a bold key and a colon, `**Key**: value` or
  `**Key:** value`: one key (no `and`), with a letter in it, of at most MAX_KEY_CHARS.
- A **header block** is a paragraph of two or more lines joined by hard line breaks (two
  spaces or a backslash at the end of a line), whose first line is a field line and in which
  at least two lines are; a line that is not a field line continues the value above it.
  One `**Key**: value` line alone is a speech, as it always was, and so is a paragraph whose
  first key names a character; a speech that runs on, after a hard break, into a header
  block reads the letter that block opens.
- A header block opens a **letter**: its fields, then the blocks that follow, until a rule,
  a heading, a note, a paragraph of stage directions only, a speech (a paragraph whose tag
  names a character: a cast member, or a label that opens a speech outside any letter) or
  the next letter. Inside a letter, a paragraph of field lines is part of it (`**Attachment**:
  [file.pdf](…)` after the body), unless it is one line whose key names a character (a
  speech), or its first key is the letter's own first key (`**From**` … `**From**`: the next
  letter of a thread).
- Inside a block quotation or a list item there are no speeches: a letter there runs to the
  end of the quotation or item, or to a rule, heading or the next header block.

A letter is quoted matter, like a block quotation: its brackets are text, never stage
directions. It sits where it was written: in the speech that was running (a speaker reading
an email), or between speeches (in the play's prose).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from publish import model as m
from publish.reading.atoms import Atom, PBlock, atoms_text, rebuild, shifted, strip_blank_edges

MAX_KEY_CHARS = 60
_LETTER = re.compile(r"[^\W\d_]")

Field = tuple[str, list[Atom], m.Span | None]  # key, value atoms, where the line starts


def field_tag(line: list[Atom]) -> tuple[str, list[Atom]] | None:
    """(key, value atoms) when a line opens with `**Key**:` or `**Key:**`, else None."""
    end = 0
    while end < len(line) and "strong" in line[end].marks and line[end].kind in ("text", "space"):
        end += 1
    if end == 0:
        return None
    key = atoms_text(line[:end]).strip()
    if key.endswith(":"):
        key, rest = key[:-1].strip(), line[end:]
    elif end < len(line) and line[end].kind == "text" and line[end].text.startswith(":"):
        colon = line[end]
        tail = [Atom("text", colon.text[1:], colon.marks, shifted(colon.span, 1))] if colon.text[1:] else []
        rest = tail + line[end + 1:]
    else:
        return None
    if not key or len(key) > MAX_KEY_CHARS or not _LETTER.search(key) or ":" in key or "[" in key:
        return None
    return key, strip_blank_edges(rest)


def _lines(atoms: list[Atom]) -> list[list[Atom]]:
    lines: list[list[Atom]] = [[]]
    for atom in atoms:
        if atom.kind == "hard" and not atom.marks:
            lines.append([])
        else:
            lines[-1].append(atom)
    return lines


def header_fields(atoms: list[Atom], minimum: int) -> list[Field] | None:
    """The fields of a paragraph made of field lines (and lines continuing them), when it
    opens with one and holds at least `minimum`; else None."""
    atoms = strip_blank_edges(atoms)
    if not atoms or "strong" not in atoms[0].marks:
        return None  # the common case, a paragraph of dialogue: decided at once
    if minimum > 1 and not any(atom.kind == "hard" for atom in atoms):
        return None  # a speech on one line
    lines = _lines(atoms)
    if len(lines) < minimum:
        return None
    fields: list[Field] = []
    for line in lines:
        line = strip_blank_edges(line)
        tag = field_tag(line)
        if tag is not None:
            fields.append((tag[0], tag[1], line[0].span if line else None))
        elif fields and line:
            key, value, span = fields[-1]
            fields[-1] = (key, [*value, Atom("hard", "\n"), *line], span)
        else:
            return None
    return fields if len(fields) >= minimum else None


def header_field(found: Field) -> m.HeaderField:
    key, value, span = found
    return m.HeaderField(key, rebuild(value), span)


@dataclass
class OpenLetter:
    """A letter being read: its header fields, and the blocks of its body so far."""

    headers: tuple[m.HeaderField, ...]
    span: m.Span | None
    blocks: list[m.Block] = field(default_factory=list)

    @classmethod
    def opened_by(cls, fields: list[Field], span: m.Span | None) -> OpenLetter:
        return cls(tuple(header_field(found) for found in fields), span)

    def add_fields(self, fields: list[Field], span: m.Span | None) -> None:
        self.blocks.append(m.FieldList(tuple(header_field(found) for found in fields), span))

    def close(self) -> m.Letter:
        return m.Letter(self.headers, tuple(self.blocks), self.span)


def letter_paragraph(atoms: list[Atom], letter: OpenLetter | None,
                     speaks: Callable[[str], bool]) -> tuple[str, list[Field]] | None:
    """What a paragraph is to letters: ("open", fields) when it opens one (a header block,
    or inside a letter a paragraph of fields whose first key is the letter's own first key:
    the next email of a thread), ("fields", fields) when it adds fields to the open letter,
    None when it is neither. `speaks(key)` says whether a key names a character: a paragraph
    whose first key does is a speech, wherever it stands."""
    fields = header_fields(atoms, 1 if letter else 2)
    if not fields or speaks(fields[0][0]):
        return None
    if letter is None:
        return "open", fields
    if letter.headers and fields[0][0].casefold() == letter.headers[0].key.casefold():
        return "open", fields
    return "fields", fields


def speech_then_header(atoms: list[Atom], speaks: Callable[[str], bool],
                       ) -> tuple[list[Atom], list[Field]] | None:
    """A speech whose paragraph goes on, after a hard break, into a header block (`**ZMD**: He
    wrote:` then `**From**: …` lines): (the speech's atoms, the fields of the letter it reads)."""
    for index, atom in enumerate(atoms):
        if atom.kind == "hard" and not atom.marks:
            fields = header_fields(atoms[index + 1:], 2)
            if fields and not speaks(fields[0][0]):
                return atoms[:index], fields
    return None


def quoted_blocks(blocks: list[PBlock], convert: Callable[[PBlock], m.Block]) -> tuple[m.Block, ...]:
    """The blocks of a block quotation or list item, `convert`ed, with their letters: there
    are no speeches here, so a letter runs to the end, a rule, a heading or the next one."""
    result: list[m.Block] = []
    letter: OpenLetter | None = None
    for block in blocks:
        if block.t in ("Para", "Plain"):
            found = letter_paragraph(block.atoms(), letter, lambda key: False)
            if found and found[0] == "open":
                if letter is not None:
                    result.append(letter.close())
                letter = OpenLetter.opened_by(found[1], block.span)
                continue
            if found and letter is not None:
                letter.add_fields(found[1], block.span)
                continue
        if block.t in ("Header", "HorizontalRule") and letter is not None:
            result.append(letter.close())
            letter = None
        converted = convert(block)
        if letter is not None:
            letter.blocks.append(converted)
        else:
            result.append(converted)
    if letter is not None:
        result.append(letter.close())
    return tuple(result)
