"""Characters no output may hold (support/xmlchars.py), found in manuscripts.

An EPUB is XML: a control character in it (typed, pasted, or written as a character reference
such as `&#1;` that pandoc decodes) makes the whole book unreadable to a reading system
(epubcheck calls it fatal).

`xml_characters` finds them in pandoc's AST, where whatever pandoc decoded from a character
reference already is, and where every word has its place (positions.py): one diagnostic,
M502, per string holding them, at `path:line:col`, and each such character replaced by
U+FFFD (the replacement character, shown as a box with a question mark) in the AST, so no
output ever holds it. M502 is an error in a release book (nothing is written), a warning
in a draft (which shows the U+FFFD); `publish fmt` keeps the file as it is.
book.yaml's texts are checked by config/ (an error there).
"""

from __future__ import annotations

import re
from typing import Any

from publish import model as m
from publish.model.diagnostics import Diagnostic, Severity
from publish.model.errors import Location
from publish.reading.atoms import char_span
from publish.support.xmlchars import INVALID, REPLACEMENT, describe

# Diagnostics of one manuscript past which the rest are only counted: a binary file pasted
# into a manuscript would otherwise print thousands.
MAX_REPORTED = 20


def xml_characters(ast: dict[str, Any], shown: str) -> list[Diagnostic]:
    """M502 for each string of pandoc's AST holding a character no output may hold, each
    such character replaced by U+FFFD in place. Severity ERROR: a draft book makes it a
    warning (build/assemble.py)."""
    found: list[tuple[str, m.Span | None]] = []
    _walk(ast.get("blocks", []), None, found)
    diagnostics = []
    for char, span in found[:MAX_REPORTED]:
        location = Location(span.path, span.line, span.col) if span else Location(shown)
        diagnostics.append(Diagnostic(
            Severity.ERROR, "M502", f"character {describe(char)} cannot be in a book (XML forbids it)",
            location, "delete it (or retype the text around it); it shows as \ufffd until then"))
    if len(found) > MAX_REPORTED:
        first = diagnostics[-1].location
        diagnostics.append(Diagnostic(Severity.ERROR, "M502",
                                      f"{len(found) - MAX_REPORTED} more strings with such characters",
                                      first))
    return diagnostics


# A numeric character reference, as CommonMark reads one (up to 7 decimal or 6 hex digits).
REFERENCE = re.compile(r"&#(?:([0-9]{1,7})|[xX]([0-9a-fA-F]{1,6}));")
CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+).*?(?<!`)\1(?!`)")


def invalid_references(text: str, shown: str) -> list[Diagnostic]:
    """M502 for each numeric character reference naming no character an output may hold:
    pandoc itself turns `&#0;`, a surrogate (`&#xD800;`) or a number past U+10FFFF into
    U+FFFD, so the AST alone would not show that the author wrote something else. A
    reference inside code (a span or a fenced block) is text, shown as written."""
    diagnostics: list[Diagnostic] = []
    fence = ""
    for number, line in enumerate(text.split("\n"), start=1):
        opening = CODE_FENCE.match(line)
        if opening and (not fence or opening.group(1).startswith(fence)):
            fence = "" if fence else opening.group(1)[0] * 3
            continue
        if fence or "&#" not in line:
            continue
        code = [span.span() for span in CODE_SPAN.finditer(line)]
        for reference in REFERENCE.finditer(line):
            if any(start <= reference.start() < end for start, end in code):
                continue
            decimal, hexadecimal = reference.groups()
            point = int(decimal) if decimal else int(hexadecimal, 16)
            if point == 0 or point > 0x10FFFF or INVALID.match(chr(point)):
                shown_point = f"U+{point:04X}"
                diagnostics.append(Diagnostic(
                    Severity.ERROR, "M502",
                    f"character {shown_point} cannot be in a book (XML forbids it); it is "
                    f"written {reference.group()}", Location(shown, number, reference.start() + 1),
                    "delete it; it shows as \ufffd until then"))
                if len(diagnostics) >= MAX_REPORTED:
                    return diagnostics
    return diagnostics


def text_characters(text: str, shown: str) -> tuple[str, list[Diagnostic]]:
    """For a manuscript read without pandoc (Fountain): M502 for each line holding a character
    no output may hold, at the character's place, and the text with each replaced by U+FFFD."""
    diagnostics: list[Diagnostic] = []
    if INVALID.search(text) is None:
        return text, diagnostics
    for number, line in enumerate(text.split("\n"), start=1):
        found = INVALID.search(line)
        if found is not None and len(diagnostics) < MAX_REPORTED:
            diagnostics.append(Diagnostic(
                Severity.ERROR, "M502", f"character {describe(found.group())} cannot be in a book "
                "(XML forbids it)", Location(shown, number, found.start() + 1),
                "delete it (or retype the text around it); it shows as \ufffd until then"))
    return INVALID.sub(REPLACEMENT, text), diagnostics


def _walk(node: Any, span: m.Span | None, found: list[tuple[str, m.Span | None]]) -> None:
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


def _fix_word(node: dict[str, Any], word: str, span: m.Span | None,
              found: list[tuple[str, m.Span | None]]) -> str | None:
    match = INVALID.search(word)
    if match is None:
        return None
    found.append((match.group(), char_span(node, match.start(), span)))
    return INVALID.sub(REPLACEMENT, word)


def _fix(text: str, span: m.Span | None, found: list[tuple[str, m.Span | None]]) -> str | None:
    match = INVALID.search(text)
    if match is None:
        return None
    found.append((match.group(), span))
    return INVALID.sub(REPLACEMENT, text)
