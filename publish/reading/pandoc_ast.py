"""Pandoc's JSON AST as the reading stage holds it: the dicts and lists of `json.loads`.

A node is `{"t": kind, "c": content}`. The shape of its content depends on its kind (a string
for `Str`, a list of inlines for `Emph`, `[attributes, inlines, [url, title]]` for `Link`, no
content for `Space`...), as pandoc-types defines it, so the content is typed `Any` and read by
its kind. positions.py adds `"pos"` (an `m.Span`) to blocks and inlines, and `"char_pos"` (a
Span per character) to words written with escapes.
"""

from __future__ import annotations

from typing import Any, TypeAlias

PandocNode: TypeAlias = dict[str, Any]
# A whole document: {"pandoc-api-version": [1, 23, ...], "meta": {...}, "blocks": [...]}.
PandocAst: TypeAlias = dict[str, Any]
