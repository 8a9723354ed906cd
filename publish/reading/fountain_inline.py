"""Fountain's inline syntax, both ways: one line of text <-> model inlines.

Reading (`parse_line`): `*italic*`, `**bold**`, `***bold italic***`, `_underline_`, and a
backslash escaping any ASCII punctuation (`\\*`, `\\_`, `\\(`, `\\\\`). An emphasis opens
on a delimiter followed by a non-space and closes on the same delimiter preceded by a
non-space, in the same line; an opener that never closes is kept as text. A run of three
asterisks opens bold and italic (in either nesting, whichever closes); longer runs are text.
Notes (`[[...]]`), cut out of the text before lines are parsed, come back here as the
placeholder character `NOTE_MARK`, which `notes` maps to the note.

Writing (`write_line`): the inverse, escaping only what the reader would take for markup.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable

from publish import model as m

NOTE_MARK = "\ufffc"  # where a `[[note]]` stood in a line
ESCAPABLE = frozenset(string.punctuation)

Locate = Callable[[int], m.Span]


class _Item:
    """An entry of the doubly linked list a line is parsed into: a finished inline, or a
    run of delimiters (`*`, `**`, `***`, `_`) waiting to be matched."""

    __slots__ = ("node", "char", "count", "at", "can_open", "can_close", "prev", "next")

    def __init__(
        self,
        node: m.Inline | None,
        char: str = "",
        count: int = 0,
        at: int = 0,
        can_open: bool = False,
        can_close: bool = False,
    ):
        self.node = node
        self.char, self.count, self.at = char, count, at
        self.can_open, self.can_close = can_open, can_close
        self.prev: _Item | None = None
        self.next: _Item | None = None


def parse_line(
    text: str, start: int, locate: Locate, notes: dict[int, m.InlineNote] | None = None
) -> list[m.Inline]:
    """The inlines of one line of Fountain (no newline in `text`); `start` is the line's
    index in the cleaned text, through which `locate` finds each node's position.

    Delimiters are matched as CommonMark does (a stack of openers; each closer takes the
    nearest opener of its character), in one pass: a line of ten thousand asterisks costs no
    more than ten thousand letters. Both `***` takes one first, so `***x***` is bold around
    italic, as the writer writes it."""
    head = _tokens(text, start, locate, notes or {})
    _match(head, start, locate)
    return _finish(head, start, locate)


def _tokens(text: str, start: int, locate: Locate, notes: dict[int, m.InlineNote]) -> _Item:
    head = tail = _Item(None)  # a sentinel before the first entry
    buffer: list[str] = []
    buffer_at = 0

    def append(item: _Item) -> None:
        nonlocal tail
        item.prev, tail.next = tail, item
        tail = item

    def flush() -> None:
        if buffer:
            append(_Item(m.Text("".join(buffer), locate(start + buffer_at))))
            buffer.clear()

    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in ESCAPABLE:
            buffer_at = buffer_at if buffer else i
            buffer.append(text[i + 1])
            i += 2
        elif char == NOTE_MARK and start + i in notes:
            flush()
            append(_Item(notes[start + i]))
            i += 1
        elif char in "*_":
            run = _run_length(text, i)
            usable = run <= 3 if char == "*" else run == 1
            flush()
            append(
                _Item(None, char, run, i, usable and _can_open(text, i + run), usable and _can_close(text, i))
            )
            i += run
        else:
            buffer_at = buffer_at if buffer else i
            buffer.append(char)
            i += 1
    flush()
    return head


def _match(head: _Item, start: int, locate: Locate) -> None:
    """Pair closers with openers, replacing each pair and what it holds by one node."""
    openers: list[_Item] = []
    item = head.next
    while item is not None:
        if item.node is not None or not item.can_close:
            if item.node is None and item.can_open:
                openers.append(item)
            item = item.next
            continue
        index = next((k for k in range(len(openers) - 1, -1, -1) if openers[k].char == item.char), None)
        if index is None:
            if item.can_open:
                openers.append(item)
            item = item.next
            continue
        opener = openers[index]
        del openers[index + 1 :]  # delimiters inside the pair stay text
        use = (
            1
            if item.char == "_"
            or min(opener.count, item.count) == 1
            or (opener.count >= 3 and item.count >= 3)
            else 2
        )
        children: list[_Item] = []
        inside = opener.next
        while inside is not item:
            assert inside is not None  # the closer follows its opener in the list
            children.append(inside)
            inside = inside.next
        kind = m.Underline if item.char == "_" else (m.Strong if use == 2 else m.Emph)
        at = opener.at + opener.count - use
        node = _Item(kind(_finish_items(children, start, locate), locate(start + at)))
        node.prev, node.next = opener, item
        opener.next, item.prev = node, node
        opener.count -= use
        item.count -= use
        item.at += use
        if opener.count == 0:
            _unlink(opener)
            openers.pop()
        if item.count == 0:
            following = item.next
            _unlink(item)
            item = following


def _unlink(item: _Item) -> None:
    if item.prev is not None:
        item.prev.next = item.next
    if item.next is not None:
        item.next.prev = item.prev


def _finish(head: _Item, start: int, locate: Locate) -> list[m.Inline]:
    items = []
    item = head.next
    while item is not None:
        items.append(item)
        item = item.next
    return list(_finish_items(items, start, locate))


def _finish_items(items: list[_Item], start: int, locate: Locate) -> tuple[m.Inline, ...]:
    """Nodes in order, unmatched delimiters as text, neighbouring texts joined."""
    out: list[m.Inline] = []
    for item in items:
        node = item.node if item.node is not None else m.Text(item.char * item.count, locate(start + item.at))
        if isinstance(node, m.Text) and out and isinstance(out[-1], m.Text):
            out[-1] = m.Text(out[-1].text + node.text, out[-1].span)
        else:
            out.append(node)
    return tuple(out)


def _run_length(text: str, i: int) -> int:
    end = i
    while end < len(text) and text[end] == text[i]:
        end += 1
    return end - i


def _can_open(text: str, after: int) -> bool:
    return after < len(text) and not text[after].isspace()


def _can_close(text: str, i: int) -> bool:
    return i > 0 and not text[i - 1].isspace()


# ---------------------------------------------------------------- writing


def write_line(nodes: tuple[m.Inline, ...] | list[m.Inline], note: Callable[[m.InlineNote], str]) -> str:
    """One line of Fountain for inlines holding no line break, escaped so that `parse_line`
    reads the same inlines back: first with the fewest escapes, else escaping every
    delimiter (a `*` inside a word, next to an emphasis, ...). `note` writes a note."""
    notes = [node for node in m.walk(tuple(nodes)) if isinstance(node, m.InlineNote)]
    escape_all = False
    for escape_all in (False, True):
        probe = "".join(_write(node, None, escape_all) for node in nodes)
        marks = [index for index, char in enumerate(probe) if char == NOTE_MARK]
        if _same(parse_line(probe, 0, _nowhere, dict(zip(marks, notes, strict=False))), nodes):
            break
    return "".join(_write(node, note, escape_all) for node in nodes)


def _write(node: m.Inline, note: Callable[[m.InlineNote], str] | None, escape_all: bool) -> str:
    if isinstance(node, m.Text):
        return escape_text(node.text, escape_all)
    if isinstance(node, m.InlineNote):
        return note(node) if note else NOTE_MARK
    children = "".join(_write(child, note, escape_all) for child in getattr(node, "children", ()))
    if isinstance(node, (m.Strong, m.PersonaRef)):
        return f"**{children}**"
    if isinstance(node, m.Emph):
        return f"*{children}*"
    if isinstance(node, m.Underline):
        return f"_{children}_"
    raise TypeError(f"Fountain cannot write {type(node).__name__} in a line")


def escape_text(text: str, escape_all: bool = False) -> str:
    """Backslashes always, and what would open a boneyard (`/*`), close one (`*/`) or open or
    close a note (`[[`, `]]`); `*` and `_` only with `escape_all`."""
    out = []
    for index, char in enumerate(text):
        before = text[index - 1] if index else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        if char == "\\":
            out.append("\\\\")
        elif char == "*" and (escape_all or before == "/" or after == "/"):
            out.append("\\*")
        elif char == "_" and escape_all:
            out.append("\\_")
        elif (char == "[" and after == "[") or (char == "]" and after == "]"):
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def _nowhere(index: int) -> m.Span:
    return m.Span("", 1, index + 1)


def _same(parsed: list[m.Inline], wanted: Iterable[m.Inline]) -> bool:
    return bool(m.strip_spans(merged(tuple(parsed))) == m.strip_spans(merged(tuple(wanted))))


def merged(nodes: tuple[m.Inline, ...]) -> tuple[m.Inline, ...]:
    """Adjacent texts as one, persona references as the bold they are written as."""
    out: list[m.Inline] = []
    for node in nodes:
        if isinstance(node, m.Text) and out and isinstance(out[-1], m.Text):
            out[-1] = m.Text(out[-1].text + node.text, out[-1].span)
        elif isinstance(node, m.PersonaRef):
            out.append(m.Strong(merged(node.children), node.span))
        elif isinstance(node, (m.Emph, m.Strong, m.Underline)):
            out.append(type(node)(merged(node.children), node.span))
        else:
            out.append(node)
    return tuple(out)
