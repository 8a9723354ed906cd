"""The limits of model/limits.py applied to a manuscript: on its text before pandoc reads it
(brackets before emphasis marks in a paragraph; a first count of scenes and speeches, so a
manuscript far over is refused at once rather than after a minute of parsing), then on
its model (titles, names, and the exact counts). Each is an InputError (exit status 4) at
the place it is passed. The current text and an old revision's (`--since`) pass the same.
"""

from __future__ import annotations

import re

from publish import model as m
from publish.model.errors import InputError, Location
from publish.model.limits import (
    MAX_BRACKETS_BEFORE_EMPHASIS,
    MAX_DIVISIONS,
    MAX_NAME_CHARS,
    MAX_SPEECHES,
    MAX_TITLE_CHARS,
)

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
# A line that opens a block of its own: a list item, a quotation, a heading.
_BLOCK_START = re.compile(r"[ \t]*(?:>|[-+*][ \t]|\d{1,9}[.)][ \t]|#{1,6}(?:[ \t]|$))")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_MARKS = re.compile(r"(?<!\\)[\[\]]|[*_~]+")  # a bracket escaped with `\` is a letter
# A paragraph opening with a bold speaker tag: `**Name**:`, `**Name:**`, `**A** and **B**:`.
_SPEECH_TAG = re.compile(r"\*\*[^*\n]{1,200}?(?::\*\*|\*\*[ \t]*:|\*\*[^:\n]{0,200}?\*\*[ \t]*:)")


def check_text_limits(text: str, shown: str) -> None:
    """Refuse a paragraph whose emphasis marks have too many brackets before them, and a
    manuscript whose scene headings or speech tags alone pass the limits, naming the line."""
    counts = _Counts(shown)
    fence = ""
    for number, line in enumerate(text.split("\n"), start=1):
        if fence:
            if line.strip().startswith(fence):
                fence = ""
            continue
        opening = _FENCE.match(line)
        if opening:  # a code block: its brackets are not parsed
            fence = opening.group(1)
            counts.new_block(number)
            continue
        counts.line(number, line)


class _Counts:
    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.brackets = self.cost = self.headings = self.speeches = 0
        self.block_line = 1
        self.after_blank = True

    def new_block(self, number: int) -> None:
        self.brackets = self.cost = 0
        self.block_line = number
        self.after_blank = True

    def line(self, number: int, line: str) -> None:
        blank = not line.strip()
        if blank or _BLOCK_START.match(line):
            self.new_block(number + 1 if blank else number)
        if _HEADING.match(line):
            self.headings += 1
            if self.headings > MAX_DIVISIONS + 1:  # the first heading is the play's title
                raise self.error(number, f"more than {MAX_DIVISIONS} scenes (headings); "
                                         f"the limit is {MAX_DIVISIONS} a manuscript: split it")
        if self.after_blank and line.startswith("**") and _SPEECH_TAG.match(line):
            self.speeches += 1
            if self.speeches > MAX_SPEECHES:
                raise self.error(number, f"more than {MAX_SPEECHES} speeches; the limit is "
                                         f"{MAX_SPEECHES} a manuscript: split it")
        self.after_blank = blank
        self._marks(line)

    def _marks(self, line: str) -> None:
        """Each emphasis mark costs the brackets before it in the paragraph."""
        if not ("*" in line or "_" in line or "~" in line):
            self.brackets += (line.count("[") + line.count("]")
                              - line.count("\\[") - line.count("\\]"))
            return
        for mark in _MARKS.finditer(line):
            if mark.group() in "[]":
                self.brackets += 1
            else:
                self.cost += self.brackets
                if self.cost > MAX_BRACKETS_BEFORE_EMPHASIS:
                    break
        if self.cost > MAX_BRACKETS_BEFORE_EMPHASIS:
            raise self.error(self.block_line, (
                "this paragraph mixes too many square brackets with emphasis marks (*, _, ~) "
                "after them for pandoc to read it in time: each mark counts the brackets before "
                f"it, {self.cost} in all; the limit is {MAX_BRACKETS_BEFORE_EMPHASIS} (split "
                "the paragraph, or write the brackets as \\[ and \\])"))

    def error(self, line: int, message: str) -> InputError:
        return InputError(message, Location(self.shown, line, 1))


def check_play_limits(play: m.Play, shown: str) -> None:
    """Refuse a title, scene title or speaker's name over its length, and more divisions or
    speeches than the limits, at the node's place."""
    start = _where(play.span, shown)
    for what, value in (("title", play.meta.title), ("subtitle", play.meta.subtitle)):
        _length(value, MAX_TITLE_CHARS, f"the play's {what}", start)
    if len(play.body) > MAX_DIVISIONS:
        raise InputError(f"{len(play.body)} scenes; the limit is {MAX_DIVISIONS} a manuscript: split it",
                         _where(play.body[MAX_DIVISIONS].span, shown))
    for division in play.body:
        _length(division.title or "", MAX_TITLE_CHARS, "a scene's title", _where(division.span, shown))
    speeches = 0
    for node in m.walk(play):
        if isinstance(node, m.Speech):
            speeches += 1
            where = _where(node.span, shown)
            if speeches > MAX_SPEECHES:
                raise InputError(f"more than {MAX_SPEECHES} speeches; the limit is "
                                 f"{MAX_SPEECHES} a manuscript: split it", where)
            _length(node.label, MAX_NAME_CHARS, "a speaker's name", where)
    for member in play.cast:
        _length(member.name, MAX_NAME_CHARS, "a character's name", start)


def _length(value: str, limit: int, what: str, where: Location) -> None:
    if len(value) > limit:
        raise InputError(f"{what} is {len(value)} characters long; the limit is {limit}", where)


def _where(span: m.Span | None, shown: str) -> Location:
    return Location(span.path, span.line, span.col) if span else Location(shown, 1, 1)
