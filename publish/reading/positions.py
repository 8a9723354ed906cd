"""Source positions for pandoc's AST, found by reading the manuscript alongside it.

Pandoc can record positions itself (`+sourcepos`), but it does so by wrapping every word in a
`Span` and every block in a `Div`: six times the JSON, twice pandoc's time, and most of
normalize's time spent unwrapping. Pandoc's words come in the order they stand in the source,
nearly all of them verbatim, so one forward scan finds them. `locate` sets `node["pos"]` (an
`m.Span`: 1-based line and column, in characters) on each block and inline, in place:

- a word (`Str`) where it starts; a space, line break, emphasis, link, image or code span
  where its own syntax starts (the space itself, `*`, `[`, `![`, the backtick);
- a paragraph where its first inline starts; a heading at its `#`; a list at its first
  marker, a block quote at its first `>`; a code block or rule at its first character.
  Soft line breaks get none (they belong to the line before and after alike).

A word written with a backslash escape (`\\[`) or an entity (`&amp;`) is not verbatim: it is
matched character by character, and keeps each character's place in `node["char_pos"]`, so
that a word cut at a bracket gives each piece its own position, and the indexes of the
characters so written in `node["escaped"]` (an escaped bracket is never a stage direction).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from publish import model as m
from publish.reading.pandoc_ast import PandocNode

_SPACE = re.compile(r"[ \t\n]")
_LINK_OPEN = re.compile(r"!?\[|<")
# Between two words the source holds only syntax: spaces, delimiters, brackets, quote and
# list markers. A letter there means the fast match skipped the word's real, escaped place.
_WORD_CHARACTER = re.compile(r"[^\W\d_]")
_NON_SPACE = re.compile(r"\S")
_QUOTED_NON_SPACE = re.compile(r"[^\s>]")
_ENTITY = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_new_tuple = tuple.__new__
NEAR = 2000  # characters after the last word matched in which the next one is looked for first


def locate(blocks: list[PandocNode], text: str, path: str) -> None:
    """Give the blocks and inlines of pandoc's AST of `text` their positions, in place."""
    _Scan(text, path).blocks(blocks, quoted=False)


class _Scan:
    def __init__(self, text: str, path: str):
        self.text = text
        self.path = path
        self.cursor = 0  # everything before it has been matched
        self.line_starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def span(self, offset: int) -> m.Span:
        line = bisect_right(self.line_starts, offset)
        return m.Span(self.path, line, offset - self.line_starts[line - 1] + 1)

    # ------------------------------------------------------------ blocks

    def blocks(self, blocks: list[PandocNode], quoted: bool) -> int | None:
        """Locate each block; returns the offset of the first (None if none is found)."""
        first = None
        for block in blocks:
            offset = self.block(block, quoted)
            if offset is not None:
                block["pos"] = self.span(offset)
                if first is None:
                    first = offset
        return first

    def block(self, block: PandocNode, quoted: bool) -> int | None:
        kind: str = block["t"]
        content: Any = block.get("c")
        if kind in ("Para", "Plain"):
            return self.inlines(content)
        if kind == "Header":
            start = self.inlines(content[2])
            return self._line_indent(start) if start is not None else self._marked_line("#")
        if kind == "BlockQuote":
            marker = self._block_start(quoted)  # if its first line is a bare `>`
            start = self.blocks(content, quoted=True)
            return self._marker_before(start, ">") if start is not None else marker
        if kind in ("BulletList", "OrderedList"):
            marker = self._block_start(quoted)  # if its first item is empty
            items = content if kind == "BulletList" else content[1]
            first = [self.blocks(item, quoted) for item in items][0] if items else None
            return self._list_marker_before(first) if first is not None else marker
        if kind == "CodeBlock":
            return self._code_block(content[1], quoted)
        if kind == "RawBlock":  # HTML, kept as text: its lines as written
            start = self._block_start(quoted)
            self.cursor = min(start + len(content[1].rstrip("\n")), len(self.text))
            return start
        if kind == "HorizontalRule":
            start = self._block_start(quoted)
            self.cursor = self._line_end(start)
            return start
        return None  # tables, definition lists, line blocks: not in the reader's syntax

    def _block_start(self, quoted: bool) -> int:
        """The first character of a block without inlines: on the next line, past any `>`."""
        line = self._line_end(self.cursor) + 1 if self.cursor else 0
        found = (_QUOTED_NON_SPACE if quoted else _NON_SPACE).search(self.text, min(line, len(self.text)))
        return found.start() if found else len(self.text)

    def _code_block(self, code: str, quoted: bool) -> int:
        start = self._block_start(quoted)
        fence = self.text[start:start + 3]
        if fence in ("```", "~~~"):
            # Past the code and its closing fence (to the end, if it is never closed).
            closing = re.compile(r"^[ \t>]*" + re.escape(fence), re.M)
            found = closing.search(self.text, self._line_end(start) + 1 + len(code))
            self.cursor = self._line_end(found.start()) if found else len(self.text)
        else:
            end = start
            for _ in range(code.count("\n")):
                end = self._line_end(end) + 1
            self.cursor = self._line_end(end)
        return start

    def _marked_line(self, mark: str) -> int | None:
        found = re.compile(r"^ {0,3}(" + re.escape(mark) + ")", re.M).search(self.text, self.cursor)
        if not found:
            return None
        self.cursor = self._line_end(found.start(1))
        return found.start(1)

    def _line_end(self, offset: int) -> int:
        end = self.text.find("\n", offset)
        return end if end >= 0 else len(self.text)

    def _line_indent(self, offset: int) -> int:
        """The first non-blank character of the line `offset` is on."""
        start = self.text.rfind("\n", 0, offset) + 1
        while start < offset and self.text[start] in " \t":
            start += 1
        return start

    def _marker_before(self, offset: int, marker: str) -> int:
        before = self._skip_blanks_back(offset)
        return before - 1 if before > 0 and self.text[before - 1] == marker else offset

    def _list_marker_before(self, offset: int) -> int:
        """The marker of the list item whose content starts at `offset`: `-`, `+`, `*`, or
        a number or letter followed by `.` or `)` (and opened by `(`)."""
        text, before = self.text, self._skip_blanks_back(offset)
        if before > 0 and text[before - 1] in "-+*":
            return before - 1
        if before > 0 and text[before - 1] in ".)":
            start = before - 1
            while start > 0 and text[start - 1].isalnum():
                start -= 1
            if start > 0 and text[start - 1] == "(":
                start -= 1
            return start
        return offset

    def _skip_blanks_back(self, offset: int) -> int:
        while offset > 0 and self.text[offset - 1] in " \t":
            offset -= 1
        return offset

    # ------------------------------------------------------------ inlines

    def inlines(self, inlines: list[PandocNode]) -> int | None:
        """Locate each inline; returns the offset of the first that has a position. Words
        and spaces, nine inlines in ten, are handled here rather than in `inline`, and the
        line last found is kept: a line holds several words, so most need no search for it."""
        first = None
        text, line_starts, path = self.text, self.line_starts, self.path
        line, line_start, next_start = 0, 0, -1  # the line `line` spans [line_start, next_start)
        for node in inlines:
            kind = node["t"]
            offset: int | None
            if kind == "Str":
                offset = self._word(node)
            elif kind == "Space":
                offset = self.cursor
                if offset < len(text) and text[offset] in " \t\n":  # right after a word
                    self.cursor = offset + 1
                else:
                    offset = self._space()
            elif kind == "SoftBreak":
                continue
            else:
                offset = self.inline(node)
            if offset is None:
                continue
            if not line_start <= offset < next_start:
                line = bisect_right(line_starts, offset)
                line_start = line_starts[line - 1]
                next_start = line_starts[line] if line < len(line_starts) else len(text) + 1
            # tuple.__new__ makes a Span in half the time its constructor takes.
            node["pos"] = _new_tuple(m.Span, (path, line, offset - line_start + 1))
            if first is None:
                first = offset
        return first

    def inline(self, node: PandocNode) -> int | None:
        kind: str = node["t"]
        content: Any = node.get("c")
        if kind == "LineBreak":
            return self._line_break()
        if kind in ("Emph", "Strong", "Strikeout", "Underline"):
            return self._emphasis(kind, content)
        if kind in ("Link", "Image"):
            return self._link(content[1])
        if kind == "Code":
            return self._code()
        children = content[-1] if isinstance(content, list) and content else None
        if isinstance(children, list) and children and isinstance(children[0], dict):
            return self.inlines(children)  # inlines the reader does not produce: their words
        return None

    def _space(self) -> int | None:
        found = _SPACE.search(self.text, self.cursor)
        if not found:
            return None
        self.cursor = found.end()
        return found.start()

    def _word(self, node: PandocNode) -> int:
        """Where a word starts: found verbatim near the cursor, else as written with escapes
        or entities near it, else verbatim further on. Searches stay near the cursor (the
        syntax between two words is short; link destinations and code blocks are skipped
        explicitly): a word searched through the whole rest of the text, word after word,
        made the time quadratic in the text's length."""
        word, text, cursor = node["c"], self.text, self.cursor
        near = cursor + len(word) + NEAR
        start = text.find(word, cursor, near)
        verbatim = (start >= 0 and (start == cursor or not _WORD_CHARACTER.search(text, cursor, start))
                    and not (start > 0 and text[start - 1] == "\\" and word[0] in _ASCII_PUNCTUATION))
        if verbatim:
            self.cursor = start + len(word)
            return start
        found = _escaped_pattern(word).search(text, cursor, near)
        if found:
            node["char_pos"] = [self.span(found.start(group)) for group in range(1, len(word) + 1)]
            # Characters written escaped (`\\[`) or as an entity (`&#91;`): the author asked
            # for them as text, which matters for brackets (never a stage direction).
            escaped = [group - 1 for group in range(1, len(word) + 1)
                       if found.end(group) - found.start(group) > 1]
            if escaped:
                node["escaped"] = escaped
            self.cursor = found.end()
            return found.start()
        start = text.find(word, near - len(word))  # after a long gap (blank lines)
        if start < 0:  # not in the source as written: keep the place reached
            return cursor
        self.cursor = start + len(word)
        return start

    def _emphasis(self, kind: str, children: list[PandocNode]) -> int | None:
        """Emphasis starts at its opening delimiter: the one to two characters before its
        first child (searching forward could meet the closing delimiter of the last one)."""
        first = self.inlines(children)
        if first is None:
            return None
        width = 2 if kind == "Strong" else 1
        if kind == "Strikeout" and self.text.startswith("~~", first - 2):
            width = 2
        start = first - width
        return start if start >= 0 and all(c in "*_~" for c in self.text[start:first]) else first

    def _line_break(self) -> int:
        """A hard break: its trailing spaces or backslash, before the end of the line."""
        end = self._line_end(self.cursor)
        start = end
        while start > self.cursor and self.text[start - 1] == " ":
            start -= 1
        if start > self.cursor and self.text[start - 1] == "\\":
            start -= 1
        self.cursor = min(end + 1, len(self.text))
        return start

    def _link(self, children: list[PandocNode]) -> int:
        found = _LINK_OPEN.search(self.text, self.cursor)
        start = found.start() if found else self.cursor
        self.cursor = found.end() if found else self.cursor
        self.inlines(children)
        if self.text.startswith("<", start):  # an autolink: `<https://...>`
            close = self.text.find(">", self.cursor)
            self.cursor = close + 1 if close >= 0 else self.cursor
        else:
            self._skip_destination()
        return start

    def _skip_destination(self) -> None:
        """Past the `](url "title")` or `][label]` that closes a link's text."""
        text = self.text
        close = text.find("]", self.cursor)
        if close < 0:
            return
        self.cursor = close + 1
        if text.startswith("(", self.cursor):
            depth, index = 0, self.cursor
            while index < len(text):
                depth += {"(": 1, ")": -1}.get(text[index], 0)
                index += 2 if text[index] == "\\" else 1
                if depth == 0:
                    break
            self.cursor = index
        elif text.startswith("[", self.cursor):
            end = text.find("]", self.cursor)
            self.cursor = end + 1 if end >= 0 else self.cursor

    def _code(self) -> int:
        text = self.text
        start = text.find("`", self.cursor)
        if start < 0:
            return self.cursor
        ticks = start
        while ticks < len(text) and text[ticks] == "`":
            ticks += 1
        fence = text[start:ticks]
        # The span closes at the next run of as many backticks (CommonMark's rule).
        closing = re.compile(r"(?<!`)" + fence + r"(?!`)").search(text, ticks)
        self.cursor = closing.end() if closing else ticks
        return start


def _escaped_pattern(word: str) -> re.Pattern[str]:
    """`word` as the source may write it: any character as an entity, punctuation also
    escaped with a backslash; one group per character."""
    parts = []
    for character in word:
        literal = re.escape(character)
        if character in _ASCII_PUNCTUATION:
            literal = r"\\?" + literal
        parts.append(f"({literal}|{_ENTITY})")
    return re.compile("".join(parts))
