"""`publish fmt` on any Markdown: the canonical form wherever it keeps the model, the author's
own text wherever it would not.

The formatter writes each part of a play (its title, each scene heading, each speech,
direction, note or stretch of prose) from the model (fmt.py). Markdown has constructs it
cannot write back in the canonical dialect without changing what they mean (raw HTML spans,
exotic link forms, entities in odd places): rather than change the play, the output is read
again, and the first part whose model differs is copied from the source byte for byte, its
lines as they were, until the output's model is the input's (up to source positions). If no
such mixture keeps the model, the file is left exactly as it was.

The output depends on the model and on the source text of the parts copied, which are copied
again unchanged on a second run: `fmt(fmt(x)) == fmt(x)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from publish import model as m
from publish.reading.fmt import join_chunks, play_chunks

Parse = Callable[[str], m.Play]


@dataclass
class _Part:
    """A run of consecutive parts of the play that start on lines of their own."""

    items: list[int]  # indexes into the play's parts
    start: int | None  # offset in the source of its first line; None: not found


def reformat(text: str, parse: Parse) -> str:
    """The canonical form of `text` (a manuscript that `parse` reads into a play), with the
    parts it would change copied from `text`; `text` itself if nothing else keeps the model."""
    play = parse(text)
    chunks = play_chunks(play)
    wanted = _items(play)
    parts = _parts(play, text)
    copied: set[int] = set()
    sources = _sources(parts, text)
    for _ in range(len(parts) + 1):
        output = _assemble(parts, chunks, sources, copied)
        reparsed = parse(output)
        if m.strip_spans(reparsed) == m.strip_spans(play):
            return output
        found = _items(reparsed)
        index = next((i for i, (a, b) in enumerate(zip(wanted, found, strict=False)) if a != b),
                     min(len(wanted), len(found)))
        culprit = _culprit(parts, index, copied)
        if culprit is None:
            break
        copied.add(culprit)
    return text


def _items(play: m.Play) -> list[Any]:
    """The play's parts in the order of `play_chunks`, without positions, for comparing."""
    stripped = m.strip_spans(play)
    items: list[Any] = []
    if play.meta.title_in_text:
        items.append(("title", stripped.meta.title, stripped.meta.subtitle))
    items.extend(stripped.front)
    for division in stripped.body:
        items.append(("heading", division.kind, division.number, division.title))
        items.extend(division.blocks)
    items.append(("cast", stripped.cast))
    return items


def _spans(play: m.Play) -> list[m.Span | None]:
    """Where each part starts (the title at the top), in the order of `_items`."""
    spans: list[m.Span | None] = []
    if play.meta.title_in_text:
        spans.append(m.Span(play.meta.source, 1, 1))
    spans.extend(block.span for block in play.front)
    for division in play.body:
        spans.append(division.span)
        spans.extend(block.span for block in division.blocks)
    return spans


def _parts(play: m.Play, text: str) -> list[_Part]:
    """The play's parts grouped by where they start: a part that does not start a line of its
    own (the words after a note's `]`) goes with the one before it."""
    line_starts = [0, *(match.end() for match in re.finditer("\n", text))]
    parts: list[_Part] = []
    for index, span in enumerate(_spans(play)):
        start = None
        if span is not None and 0 < span.line <= len(line_starts):
            line_start = line_starts[span.line - 1]
            offset = line_start + span.col - 1
            if not text[line_start:offset].strip(" \t"):
                start = line_start
        if parts and (start is None or parts[-1].start is None or start <= parts[-1].start):
            parts[-1].items.append(index)
        else:
            parts.append(_Part([index], start))
    return parts


def _sources(parts: list[_Part], text: str) -> list[str | None]:
    """Each part's lines in the source, up to the next part, trailing blank lines dropped."""
    sources: list[str | None] = []
    for number, part in enumerate(parts):
        if part.start is None:
            sources.append(None)
            continue
        following = [p.start for p in parts[number + 1:] if p.start is not None]
        end = following[0] if following else len(text)
        sources.append(re.sub(r"(\n[ \t]*)+\Z", "", text[part.start:end]).lstrip("\n"))
    return sources


def _assemble(parts: list[_Part], chunks: list[str], sources: list[str | None], copied: set[int]) -> str:
    pieces = []
    for number, part in enumerate(parts):
        if number in copied:
            pieces.append(sources[number] or "")
        else:
            pieces.append("\n\n".join(chunks[i] for i in part.items if i < len(chunks) and chunks[i]))
    return join_chunks(pieces)


def _culprit(parts: list[_Part], index: int, copied: set[int]) -> int | None:
    """The part to copy from the source next: the one holding the first part that differs,
    else (it is copied already) the one before it, which may have swallowed it, else the one
    after it."""
    holding = next((number for number, part in enumerate(parts) if index in part.items), len(parts) - 1)
    for candidate in (holding, holding - 1, holding + 1):
        if 0 <= candidate < len(parts) and candidate not in copied and parts[candidate].start is not None:
            return candidate
    return None
