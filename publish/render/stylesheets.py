"""Stylesheets joined into one file in the order CSS requires.

CSS allows `@charset` only as the first bytes of a file, `@import` only before every other
rule, and `@namespace` only after those and before the rest; anywhere else a browser ignores
them, and with an ignored `@namespace` every rule using its prefix (all of epub.css's
`epub|type` rules). So a stylesheet made of parts (the generated `@font-face` rules, then
`styles/epub.css`) must not be a plain concatenation: `join_stylesheets` moves each part's
leading `@import` and `@namespace` rules to the top of the result, imports first, and drops
`@charset` (the joined file is written as UTF-8, the only encoding an EPUB's CSS may use).
Everything else, comments included, is kept byte for byte in the parts' order.
"""

from __future__ import annotations

import re
from typing import Any

import tinycss2

_PRELUDE_ORDER = {"charset": 0, "import": 1, "namespace": 2}
_NEWLINES = re.compile(r"\r\n?|\f")  # what tinycss2 counts as one line break


def join_stylesheets(*sheets: str) -> str:
    """One stylesheet from `sheets` in order, their prelude rules hoisted to the top."""
    preludes: list[tuple[int, str]] = []
    bodies: list[str] = []
    for sheet in sheets:
        rules, body = split_prelude(sheet)
        preludes.extend(rules)
        bodies.append(body.strip("\n"))
    hoisted = [text for rank, text in sorted(preludes, key=lambda item: item[0]) if rank > 0]
    return "\n".join(part for part in (*hoisted, *bodies) if part) + "\n"


def split_prelude(sheet: str) -> tuple[list[tuple[int, str]], str]:
    """The sheet's leading `@charset`/`@import`/`@namespace` rules (each with its rank in the
    required order, the comments before it kept with it) and the rest of the sheet."""
    text = _NEWLINES.sub("\n", sheet)
    line_starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def offset(node: Any) -> int:
        return int(line_starts[node.source_line - 1] + node.source_column - 1)

    nodes = tinycss2.parse_stylesheet(text, skip_comments=False, skip_whitespace=False)
    rules: list[tuple[int, str]] = []
    start = 0
    for index, node in enumerate(nodes):
        if node.type in ("whitespace", "comment"):
            continue
        keyword = node.lower_at_keyword if node.type == "at-rule" else ""
        if keyword not in _PRELUDE_ORDER:
            break
        # A rule ends where the next node begins (its own serialization may differ in length).
        end = offset(nodes[index + 1]) if index + 1 < len(nodes) else len(text)
        rules.append((_PRELUDE_ORDER[keyword], text[start:end].strip("\n")))
        start = end
    return rules, text[start:]
