"""Characters no output may hold (support/xmlchars.py), found in manuscripts.

An EPUB is XML: a control character in it (typed, pasted, or written as a character reference
such as `&#1;` that pandoc decodes) makes the whole book unreadable to a reading system
(epubcheck calls it fatal).

`xml_characters` finds them in pandoc's AST, where whatever pandoc decoded from a character
reference already is, and where every word has its place (positions.py): one diagnostic,
M501, per string holding them, at `path:line:col`, and each such character replaced by
U+FFFD (the replacement character, shown as a box with a question mark) in the AST, so no
output ever holds it. M501 is an error in a release book (nothing is written), a warning
in a draft (which shows the U+FFFD); `publish fmt` keeps the file as it is.
book.yaml's texts are checked by config/ (an error there).
"""

from __future__ import annotations

from publish import model as m
from publish.model.diagnostics import Diagnostic, Severity
from publish.model.errors import Location
from publish.reading.atoms import char_span
from publish.support.xmlchars import INVALID, REPLACEMENT, describe

# Diagnostics of one manuscript past which the rest are only counted: a binary file pasted
# into a manuscript would otherwise print thousands.
MAX_REPORTED = 20


def xml_characters(ast: dict, shown: str) -> list[Diagnostic]:
    """M501 for each string of pandoc's AST holding a character no output may hold, each
    such character replaced by U+FFFD in place. Severity ERROR: a draft book makes it a
    warning (build/assemble.py)."""
    found: list[tuple[str, m.Span | None]] = []
    _walk(ast.get("blocks", []), None, found)
    diagnostics = []
    for char, span in found[:MAX_REPORTED]:
        location = Location(span.path, span.line, span.col) if span else Location(shown)
        diagnostics.append(Diagnostic(
            Severity.ERROR, "M501", f"character {describe(char)} cannot be in a book (XML forbids it)",
            location, "delete it (or retype the text around it); it shows as \ufffd until then"))
    if len(found) > MAX_REPORTED:
        first = diagnostics[-1].location
        diagnostics.append(Diagnostic(Severity.ERROR, "M501",
                                      f"{len(found) - MAX_REPORTED} more strings with such characters",
                                      first))
    return diagnostics


def _walk(node, span: m.Span | None, found: list) -> None:
    """Depth first through pandoc's JSON, iterative (a long manuscript is a deep, wide tree),
    each string checked with the position of the nearest located node."""
    stack = [(node, span)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            here = item.get("pos", where)
            content = item.get("c")
            if item.get("t") == "Str" and isinstance(content, str):
                fixed = _fix_word(item, content, here, found)
                if fixed is not None:
                    item["c"] = fixed
                continue
            if isinstance(content, str):
                fixed = _fix(content, here, found)
                if fixed is not None:
                    item["c"] = fixed
            elif content is not None:
                stack.append((content, here))
        elif isinstance(item, list):
            for index, child in enumerate(item):
                if isinstance(child, str):
                    fixed = _fix(child, where, found)
                    if fixed is not None:
                        item[index] = fixed
                else:
                    stack.append((child, where))


def _fix_word(node: dict, word: str, span: m.Span | None, found: list) -> str | None:
    match = INVALID.search(word)
    if match is None:
        return None
    found.append((match.group(), char_span(node, match.start(), span)))
    return INVALID.sub(REPLACEMENT, word)


def _fix(text: str, span: m.Span | None, found: list) -> str | None:
    match = INVALID.search(text)
    if match is None:
        return None
    found.append((match.group(), span))
    return INVALID.sub(REPLACEMENT, text)
