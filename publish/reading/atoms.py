"""Pandoc's JSON AST, flattened into atoms the normalizer can scan.

Blocks and inlines arrive with their source positions in `node["pos"]` (positions.py);
`unwrap_blocks` pairs each block with its own. Inlines are then flattened into a list of
`Atom`s, each carrying the marks (emph, strong, strikeout) it sits under. Brackets are split
into atoms of their own, so a stage direction is simply the atoms between a `[` and its
matching `]`, whether it was written `_[scoffing]_`, `[_scoffing_]` or
`[A beat.]`. `rebuild` turns atoms back into nested model inlines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from publish import model as m
from publish.reading.pandoc_ast import PandocNode

_TEXT_KINDS = frozenset(("text", "space"))
MARK_NODES = {"Emph": "emph", "Strong": "strong", "Strikeout": "strike", "Underline": "emph"}


@dataclass(slots=True)  # one per word and space: slots make them faster to create
class Atom:
    kind: str  # text | space | soft | hard | code | link | image
    text: str = ""
    marks: tuple[str, ...] = ()
    span: m.Span | None = None
    url: str = ""
    title: str = ""
    children: Sequence[Atom] = ()  # link text, image alt
    escaped: bool = False  # a bracket written `\[` or `&#91;`: text, never a direction

    @property
    def is_blank(self) -> bool:
        return self.kind in ("space", "soft") or (self.kind == "text" and not self.text.strip())


@dataclass
class PBlock:
    """A pandoc block with its wrapper removed and its position kept."""

    t: str
    c: Any
    span: m.Span | None
    _atoms: list[Atom] | None = None

    def atoms(self) -> list[Atom]:
        """A paragraph's inlines flattened, once: the cast is inferred from the same
        paragraphs the normalizer then walks."""
        if self._atoms is None:
            self._atoms = flatten(self.c)
        return self._atoms


def unwrap_blocks(blocks: list[PandocNode], span: m.Span | None = None) -> list[PBlock]:
    """Pandoc blocks paired with their positions (`span` for those that have none: a part
    of a block cut at a note's bracket starts where its first inline does)."""
    return [PBlock(block["t"], block.get("c"), block.get("pos") or span) for block in blocks]


# ---------------------------------------------------------------- flattening


def _split_brackets(node: PandocNode, marks: tuple[str, ...], span: m.Span | None) -> list[Atom]:
    text = node["c"]
    escaped = node.get("escaped", ())
    atoms = []
    offset = 0
    for piece in re.split(r"([\[\]])", text):
        if not piece:
            continue
        atom = Atom("text", piece, marks, char_span(node, offset, span))
        if piece in ("[", "]") and offset in escaped:
            atom.escaped = True
        atoms.append(atom)
        offset += len(piece)
    return atoms


def char_span(node: PandocNode, index: int, span: m.Span | None) -> m.Span | None:
    """Where character `index` of a located word (`Str`) stands: `span` moved along the
    line, or its own place when the word was written with escapes (positions.py)."""
    char_pos = node.get("char_pos")
    if char_pos is not None:
        return char_pos[min(index, len(char_pos) - 1)] if char_pos else span
    return shifted(span, index)


def flatten(inlines: list[PandocNode], marks: tuple[str, ...] = (), span: m.Span | None = None) -> list[Atom]:
    """Pandoc inlines as a flat list of atoms, marks recording emphasis nesting (outer first).
    Each atom has its node's position, or else `span`, its container's (soft breaks)."""
    atoms: list[Atom] = []
    for node in inlines:
        kind: str = node["t"]
        content: Any = node.get("c")
        own: m.Span | None = node.get("pos") or span
        if kind == "Str":
            if "[" in content or "]" in content:
                atoms.extend(_split_brackets(node, marks, own))
            elif content:  # most words: no bracket to split at
                atoms.append(Atom("text", content, marks, own))
        elif kind == "Space":
            atoms.append(Atom("space", " ", marks, own))
        elif kind == "SoftBreak":
            atoms.append(Atom("soft", "\n", marks, span))
        elif kind == "LineBreak":
            atoms.append(Atom("hard", "\n", marks, own))
        elif kind in MARK_NODES:
            atoms.extend(flatten(content, marks + (MARK_NODES[kind],), own))
        elif kind == "Code":
            atoms.append(Atom("code", content[1], marks, own))
        elif kind in ("Link", "Image"):
            _, children, (url, title) = content
            atoms.append(Atom(kind.lower(), "", marks, own, url, title, flatten(children, (), own)))
        elif kind in ("Quoted",):
            quote = '"' if content[0]["t"] == "DoubleQuote" else "'"
            atoms.append(Atom("text", quote, marks, own))
            atoms.extend(flatten(content[1], marks, own))
            atoms.append(Atom("text", quote, marks, own))
        elif kind in ("RawInline", "Math"):
            atoms.append(Atom("text", content[1], marks, own))
        else:  # Span, Superscript, Subscript, SmallCaps, Cite, Note: keep the words
            children = content[-1] if isinstance(content, list) else []
            if isinstance(children, list) and children and isinstance(children[0], dict):
                atoms.extend(flatten(children, marks, own))
    return atoms


def first_position(inlines: list[PandocNode]) -> m.Span | None:
    """Where the first inline with a known position starts (soft breaks have none)."""
    for node in inlines:
        position: m.Span | None = node.get("pos")
        if position:
            return position
    return None


def shifted(span: m.Span | None, characters: int) -> m.Span | None:
    """`span` moved `characters` along its line: where the rest of a word starts once its
    first characters are taken away (a word never spans two lines)."""
    if span is None or characters == 0:
        return span
    return m.Span(span.path, span.line, span.col + characters)


def atoms_text(atoms: Sequence[Atom]) -> str:
    parts = []
    for atom in atoms:
        if atom.kind in ("link", "image"):
            parts.append(atoms_text(atom.children))
        else:
            parts.append(atom.text)
    return "".join(parts)


def strip_blank_edges(atoms: list[Atom]) -> list[Atom]:
    start, end = 0, len(atoms)
    while start < end and atoms[start].kind in ("space", "soft", "hard"):
        start += 1
    while end > start and atoms[end - 1].kind in ("space", "soft", "hard"):
        end -= 1
    return atoms[start:end]


def without_mark(atoms: list[Atom], mark: str) -> list[Atom]:
    """The atoms with the outermost occurrence of one mark removed (a direction is italic as
    a whole; an emphasis nested inside it stays, and is set roman)."""
    result = []
    for atom in atoms:
        marks = atom.marks
        if mark in marks:
            index = marks.index(mark)
            marks = marks[:index] + marks[index + 1:]
        result.append(Atom(atom.kind, atom.text, marks, atom.span, atom.url, atom.title, atom.children))
    return result


# ---------------------------------------------------------------- rebuilding

# Makes the node for a run of bold atoms: (its inlines rebuilt, its position, the atoms).
StrongBuilder = Callable[[tuple[m.Inline, ...], m.Span | None, Sequence[Atom]], m.Inline]


def rebuild(atoms: Sequence[Atom], strong_builder: StrongBuilder | None = None) -> tuple[m.Inline, ...]:
    """Atoms back into nested inlines: consecutive atoms sharing an outer mark form one node.

    `strong_builder(children, span, atoms)` may replace Strong nodes (inside stage
    directions, bold names become persona references).
    """
    result: list[m.Inline] = []
    index = 0
    while index < len(atoms):
        atom = atoms[index]
        if not atom.marks and atom.kind in _TEXT_KINDS:
            # A run of unmarked words and spaces is one Text, made at once: joined, not
            # concatenated pair by pair (long speeches made that quadratic).
            end = index + 1
            while end < len(atoms) and not atoms[end].marks and atoms[end].kind in _TEXT_KINDS:
                end += 1
            text = atom.text if end == index + 1 else "".join([a.text for a in atoms[index:end]])
            result.append(m.Text(text, atom.span))
            index = end
            continue
        if not atom.marks:
            result.append(_leaf(atom))
            index += 1
            continue
        outer = atom.marks[0]
        end = index
        while end < len(atoms) and atoms[end].marks[:1] == (outer,):
            end += 1
        group = atoms[index:end]
        inner = [Atom(a.kind, a.text, a.marks[1:], a.span, a.url, a.title, a.children) for a in group]
        children = rebuild(inner, strong_builder)
        if outer == "strong" and strong_builder is not None:
            result.append(strong_builder(children, group[0].span, group))
        elif outer == "strong":
            result.append(m.Strong(children, group[0].span))
        elif outer == "strike":
            result.append(m.Strikeout(children, group[0].span))
        else:
            result.append(m.Emph(children, group[0].span))
        index = end
    return tuple(_merge_text(result))


def _leaf(atom: Atom) -> m.Inline:
    if atom.kind in _TEXT_KINDS:
        return m.Text(atom.text, atom.span)
    if atom.kind == "soft":
        return m.SoftBreak(atom.span)
    if atom.kind == "hard":
        return m.LineBreak(atom.span)
    if atom.kind == "code":
        return m.Code(atom.text, atom.span)
    if atom.kind == "link":
        return m.Link(rebuild(atom.children), atom.url, atom.title, atom.span)
    if atom.kind == "image":
        return m.Image(rebuild(atom.children), atom.url, atom.title, atom.span)
    raise ValueError(f"unknown atom kind {atom.kind}")


def _merge_text(inlines: list[m.Inline]) -> list[m.Inline]:
    """Adjacent Text nodes become one, keeping the first one's span."""
    merged: list[m.Inline] = []
    run: list[m.Text] = []
    for node in inlines:
        if isinstance(node, m.Text):
            run.append(node)
            continue
        if run:
            merged.append(_joined(run))
            run = []
        merged.append(node)
    if run:
        merged.append(_joined(run))
    return merged


def _joined(texts: list[m.Text]) -> m.Text:
    if len(texts) == 1:
        return texts[0]
    return m.Text("".join([t.text for t in texts]), texts[0].span)


# ---------------------------------------------------------------- cutting at a bracket

# (before, after, depth, found): pandoc nodes cut at a closing bracket, and the depth reached.
Cut: TypeAlias = tuple[list[PandocNode], list[PandocNode], int, bool]


def _children_slot(node: PandocNode) -> tuple[list[PandocNode] | None, int | None]:
    """An inline node's child inlines and where they sit: (children, None) when they are its
    content, (children, index) when they are at that index of its content, (None, None)."""
    kind: str = node["t"]
    content: Any = node.get("c")
    if kind in ("Emph", "Strong", "Strikeout", "Underline", "SmallCaps", "Superscript", "Subscript"):
        return content, None
    if kind in ("Span", "Quoted"):
        return content[1], 1
    return None, None


def cut_inlines_at_close(inlines: list[PandocNode], depth: int) -> Cut:
    """Split pandoc inlines at the `]` that brings `depth` to 0 (the `]` itself dropped).

    Returns (before, after, depth, found). Links and images are skipped: their brackets are
    syntax, not text. Containers (emphasis) are split in two, both halves keeping the
    container's position; a word is cut in two, each piece with its own.
    """
    before: list[PandocNode] = []
    for index, node in enumerate(inlines):
        kind = node["t"]
        if kind == "Str":
            text = node["c"]
            for position, char in enumerate(text):
                depth += 1 if char == "[" else -1 if char == "]" else 0
                if char == "]" and depth == 0:
                    if text[:position]:
                        before.append(_word_piece(node, 0, position))
                    after = [_word_piece(node, position + 1, len(text))] if text[position + 1:] else []
                    return before, after + list(inlines[index + 1:]), 0, True
            before.append(node)
            continue
        children, slot = _children_slot(node)
        if children is None:
            before.append(node)
            continue
        inner_before, inner_after, depth, found = cut_inlines_at_close(children, depth)
        if not found:
            before.append(node)
            continue
        before.append(_with_children(node, slot, inner_before))
        return before, [_with_children(node, slot, inner_after)] + list(inlines[index + 1:]), 0, True
    return before, [], depth, False


def _word_piece(node: PandocNode, start: int, end: int) -> PandocNode:
    """Characters start:end of a located word, as a word of its own with its position."""
    piece = {"t": "Str", "c": node["c"][start:end], "pos": char_span(node, start, node.get("pos"))}
    if node.get("char_pos") is not None:
        piece["char_pos"] = node["char_pos"][start:end]
    escaped = [index - start for index in node.get("escaped", ()) if start <= index < end]
    if escaped:
        piece["escaped"] = escaped
    return piece


def _with_children(node: PandocNode, slot: int | None, children: list[PandocNode]) -> PandocNode:
    if slot is None:
        return {"t": node["t"], "c": children, "pos": node.get("pos")}
    content = list(node["c"])
    content[slot] = children
    return {"t": node["t"], "c": content, "pos": node.get("pos")}


def split_blocks_at_close(blocks: list[PandocNode], depth: int) -> Cut:
    """Split pandoc blocks at the `]` that brings `depth` to 0, wherever it stands: in a
    paragraph, a list item or a quotation. Returns (before, after, depth, found); a list cut
    in an item keeps the items before it, and the items after it start a list of their own
    among `after`, so what follows a note's bracket is read as if the note had not been there.
    """
    for index, block in enumerate(blocks):
        before, after, depth, found = _split_block(block, depth)
        if found:
            return blocks[:index] + before, after + blocks[index + 1:], 0, True
    return blocks, [], depth, False


def _split_block(block: PandocNode, depth: int) -> Cut:
    kind = block["t"]
    if kind in ("Para", "Plain"):
        before, after, depth, found = cut_inlines_at_close(block["c"], depth)
        if not found:
            return [block], [], depth, False
        # The part before the bracket starts where the block does; the part after it, at its
        # own first inline (normalize asks first_position).
        return ([{"t": kind, "c": before, "pos": block.get("pos")}] if not _blank(before) else [],
                [{"t": "Para", "c": after}] if not _blank(after) else [], 0, True)
    if kind == "BlockQuote":
        before, after, depth, found = split_blocks_at_close(block["c"], depth)
        if not found:
            return [block], [], depth, False
        kept = [{"t": kind, "c": before, "pos": block.get("pos")}] if before else []
        return kept, [{"t": kind, "c": after}] if after else [], 0, True
    if kind in ("BulletList", "OrderedList"):
        items = block["c"] if kind == "BulletList" else block["c"][1]
        for index, item in enumerate(items):
            before, after, depth, found = split_blocks_at_close(item, depth)
            if not found:
                continue
            kept = items[:index] + ([before] if before else [])
            rest = items[index + 1:]
            make = (lambda its: {"t": kind, "c": its}) if kind == "BulletList" \
                else (lambda its: {"t": kind, "c": [block["c"][0], its]})
            before_list = [{**make(kept), "pos": block.get("pos")}] if kept else []
            return (before_list, after + ([make(rest)] if rest else []), 0, True)
        return [block], [], depth, False
    return [block], [], depth + bracket_balance(block), False


def _blank(inlines: list[PandocNode]) -> bool:
    """True when pandoc inlines hold no text (spaces and breaks only)."""
    return all(node["t"] in ("Space", "SoftBreak", "LineBreak") for node in inlines)


def bracket_balance(content: object) -> int:
    """Opening minus closing brackets in the text of pandoc content (links excluded)."""
    if isinstance(content, dict):
        if content.get("t") == "Str":
            word: str = content["c"]
            return word.count("[") - word.count("]")
        if content.get("t") in ("Link", "Image", "Code", "CodeBlock"):
            return 0
        return bracket_balance(content.get("c", []))
    if isinstance(content, list):
        return sum(bracket_balance(item) for item in content)
    return 0
