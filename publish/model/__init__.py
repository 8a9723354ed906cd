"""The drama model: what every output trusts.

Frozen dataclasses with tuple children. Every node has a `type` name (stable: tools outside the
project read the JSON of `publish ast`) and a source `span`. The model never renders and never
does I/O; `to_json`/`from_json` are generic over the dataclasses below.

Book > Play > Division > Speech | StageDirection | Note | Prose

The package is the domain core: this module (the nodes), `schema` (their JSON Schema),
`diagnostics` and `errors` (what every stage reports), and pure queries on a model: `stats`
(who speaks how much), `diff` (two versions of a play, speech by speech), `numbering` (speech
reference numbers).

May import: publish.support (and the standard library); nothing that reads, renders or builds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple, TypeAlias


def optional(default: Any) -> Any:
    """A field that `to_json` writes only when it differs from its default: the attributes
    only some sources can set (Fountain's lyrics, page breaks, cue extensions...) leave the
    JSON of every other play, and the goldens, as they were."""
    return dataclasses.field(default=default, metadata={"optional": True})


class Span(NamedTuple):
    """Where a node starts in its source: 1-based line and column.

    A named tuple rather than a frozen dataclass like the nodes: every word of a manuscript
    gets one while parsing, and a tuple is made in half the time. Code that walks trees
    must test for it before testing for a tuple of children."""

    path: str
    line: int
    col: int


# ---------------------------------------------------------------- inlines


@dataclass(frozen=True)
class Text:
    TYPE: ClassVar[str] = "text"
    text: str
    span: Span | None = None


@dataclass(frozen=True)
class SoftBreak:
    """A line break inside a paragraph of the source; renders as a space."""

    TYPE: ClassVar[str] = "soft_break"
    span: Span | None = None


@dataclass(frozen=True)
class LineBreak:
    TYPE: ClassVar[str] = "line_break"
    span: Span | None = None


@dataclass(frozen=True)
class Emph:
    TYPE: ClassVar[str] = "emph"
    children: tuple[Inline, ...]
    span: Span | None = None


@dataclass(frozen=True)
class Strong:
    TYPE: ClassVar[str] = "strong"
    children: tuple[Inline, ...]
    span: Span | None = None


@dataclass(frozen=True)
class Underline:
    """Fountain's `_underline_` (Markdown has no underline)."""

    TYPE: ClassVar[str] = "underline"
    children: tuple[Inline, ...]
    span: Span | None = None


@dataclass(frozen=True)
class Strikeout:
    TYPE: ClassVar[str] = "strikeout"
    children: tuple[Inline, ...]
    span: Span | None = None


@dataclass(frozen=True)
class Code:
    TYPE: ClassVar[str] = "code"
    text: str
    span: Span | None = None


@dataclass(frozen=True)
class Link:
    TYPE: ClassVar[str] = "link"
    children: tuple[Inline, ...]
    url: str
    title: str = ""
    span: Span | None = None


@dataclass(frozen=True)
class Image:
    TYPE: ClassVar[str] = "image"
    alt: tuple[Inline, ...]
    url: str
    title: str = ""
    span: Span | None = None


@dataclass(frozen=True)
class PersonaRef:
    """A character named inside a stage direction; `id` is a cast id or None if unknown."""

    TYPE: ClassVar[str] = "persona_ref"
    id: str | None
    children: tuple[Inline, ...]
    span: Span | None = None


@dataclass(frozen=True)
class StageDirection:
    """`[A beat.]`: block (a paragraph of its own) or inline (inside a speech).

    `kind` says what a block direction is beyond an ordinary one (Fountain): "transition"
    (`CUT TO:`, `> BLACKOUT.`) or "centered" (`> THE END <`)."""

    TYPE: ClassVar[str] = "stage_direction"
    inlines: tuple[Inline, ...]
    placement: str = "inline"  # "block" | "inline"
    span: Span | None = None
    kind: str = optional("")  # "" | "transition" | "centered"


@dataclass(frozen=True)
class InlineNote:
    """An editorial `[TODO ...]` inside a paragraph; shown in proofs only."""

    TYPE: ClassVar[str] = "inline_note"
    kind: str
    inlines: tuple[Inline, ...]
    span: Span | None = None


Inline: TypeAlias = (
    Text | SoftBreak | LineBreak | Emph | Strong | Strikeout | Code | Link | Image | PersonaRef
    | StageDirection | InlineNote | Underline
)

# ---------------------------------------------------------------- prose blocks


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; `kind` "lyric" for sung lines (Fountain's `~`), set apart by renderers."""

    TYPE: ClassVar[str] = "paragraph"
    inlines: tuple[Inline, ...]
    span: Span | None = None
    kind: str = optional("")  # "" | "lyric"


@dataclass(frozen=True)
class Heading:
    TYPE: ClassVar[str] = "heading"
    level: int
    inlines: tuple[Inline, ...]
    span: Span | None = None


@dataclass(frozen=True)
class BlockQuote:
    TYPE: ClassVar[str] = "block_quote"
    blocks: tuple[Block, ...]
    span: Span | None = None


@dataclass(frozen=True)
class ListBlock:
    TYPE: ClassVar[str] = "list"
    ordered: bool
    items: tuple[tuple[Block, ...], ...]
    start: int = 1
    span: Span | None = None


@dataclass(frozen=True)
class CodeBlock:
    TYPE: ClassVar[str] = "code_block"
    text: str
    span: Span | None = None


@dataclass(frozen=True)
class ThematicBreak:
    """A rule (`---`); `kind` "page" for a page break (Fountain's `===`)."""

    TYPE: ClassVar[str] = "thematic_break"
    span: Span | None = None
    kind: str = optional("")  # "" | "page"


@dataclass(frozen=True)
class HeaderField:
    """One `**Key**: value` line of a letter's header block (`From`, `Subject` ...)."""

    TYPE: ClassVar[str] = "header_field"
    key: str
    value: tuple[Inline, ...]
    span: Span | None = None


@dataclass(frozen=True)
class FieldList:
    """Fields written inside a letter's body (an `**Attachment**:` line after the text)."""

    TYPE: ClassVar[str] = "field_list"
    fields: tuple[HeaderField, ...]
    span: Span | None = None


@dataclass(frozen=True)
class Letter:
    """A letter, email or form: its header fields, then its body. Quoted matter: where it
    stands, in a speech or between speeches, it is the document, not dialogue."""

    TYPE: ClassVar[str] = "letter"
    headers: tuple[HeaderField, ...]
    blocks: tuple[Block, ...]
    span: Span | None = None


Block: TypeAlias = (
    Paragraph | Heading | BlockQuote | ListBlock | CodeBlock | ThematicBreak | Letter | FieldList
)

# ---------------------------------------------------------------- drama


@dataclass(frozen=True)
class Speech:
    """A speaker's turn: `speakers` are cast ids, `label` what the manuscript wrote."""

    TYPE: ClassVar[str] = "speech"
    speakers: tuple[str, ...]
    label: str
    delivery: StageDirection | None
    paragraphs: tuple[Block, ...]
    span: Span | None = None
    # The reference number editors quote: 1, 2, ... within each division (model/numbering.py).
    number: int | None = None
    # Fountain: the cue's extension as written (`(V.O.)`, `(CONT'D)`), shown after the label.
    extension: str = optional("")
    # Fountain's dual dialogue (`^`): spoken at the same time as the speech before it.
    simultaneous: bool = optional(False)


@dataclass(frozen=True)
class Note:
    """An editorial note (`[TODO ...]`), possibly several paragraphs and lists long.

    Fountain adds two kinds: "synopsis" (`= ...`, shown in proofs like other notes) and
    "cut" (the boneyard `/* ... */`: its raw text in one code block, never rendered)."""

    TYPE: ClassVar[str] = "note"
    kind: str  # "todo" | "comment" | "synopsis" | "cut"
    blocks: tuple[Block, ...]
    span: Span | None = None


@dataclass(frozen=True)
class Prose:
    """Anything that is not drama: kept, never lost."""

    TYPE: ClassVar[str] = "prose"
    blocks: tuple[Block, ...]
    span: Span | None = None


DramaBlock: TypeAlias = Speech | StageDirection | Note | Prose


@dataclass(frozen=True)
class Division:
    """A scene (or act, or untitled stretch of a play)."""

    TYPE: ClassVar[str] = "division"
    kind: str  # "scene" | "act" | "section"
    number: str | None
    title: str | None
    blocks: tuple[DramaBlock, ...]
    span: Span | None = None


@dataclass(frozen=True)
class CastMember:
    TYPE: ClassVar[str] = "cast_member"
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class MetaField:
    """One entry of a Fountain title page other than its title (`Author: ...`)."""

    TYPE: ClassVar[str] = "meta_field"
    key: str
    value: str  # lines joined by "\n"


@dataclass(frozen=True)
class PlayMeta:
    TYPE: ClassVar[str] = "play_meta"
    title: str
    subtitle: str = ""
    source: str = ""
    # True when the manuscript itself names the play (a heading, or the first line of a plain
    # file); `publish fmt` writes a title heading only then.
    title_in_text: bool = False
    # A Fountain title page's other keys (Credit, Author, Draft date, Contact...), in order.
    title_page: tuple[MetaField, ...] = optional(())


@dataclass(frozen=True)
class Play:
    TYPE: ClassVar[str] = "play"
    meta: PlayMeta
    cast: tuple[CastMember, ...]
    front: tuple[DramaBlock, ...]
    body: tuple[Division, ...]
    span: Span | None = None


@dataclass(frozen=True)
class BookMeta:
    TYPE: ClassVar[str] = "book_meta"
    id: str
    title: str
    subtitle: str = ""
    author: str = ""
    language: str = "en"
    date: str = ""
    rights: str = ""
    identifier: str = ""
    publisher: str = ""
    edition: str = ""  # e.g. "First edition"; printed on the copyright page
    isbn: str = ""  # as written in book.yaml, hyphens included; on the copyright page
    description: str = ""  # a sentence or two about the book: the PDF's Subject
    subjects: tuple[str, ...] = ()  # the PDF's Keywords


@dataclass(frozen=True)
class Book:
    TYPE: ClassVar[str] = "book"
    meta: BookMeta
    plays: tuple[Play, ...]


# ---------------------------------------------------------------- JSON

# Every node class: what `publish ast` writes, `walk` yields and `from_json` makes.
Node: TypeAlias = (Inline | Block | DramaBlock | Division | CastMember | PlayMeta | Play | BookMeta | Book
                  | MetaField | HeaderField)

NODE_TYPES: dict[str, type[Node]] = {
    cls.TYPE: cls
    for cls in (
        Text, SoftBreak, LineBreak, Emph, Strong, Strikeout, Code, Link, Image, PersonaRef,
        StageDirection, InlineNote, Paragraph, Heading, BlockQuote, ListBlock, CodeBlock,
        ThematicBreak, HeaderField, FieldList, Letter, Speech, Note, Prose, Division, CastMember,
        PlayMeta, Play, BookMeta, Book, Underline, MetaField,
    )
}
NODE_CLASSES: tuple[type[Node], ...] = tuple(NODE_TYPES.values())


def to_json(node: Any) -> Any:
    """A node as plain JSON data: objects carry `type`; spans become `"path:line:col"`-like dicts."""
    if isinstance(node, Span):
        return {"path": node.path, "line": node.line, "col": node.col}
    if isinstance(node, tuple):
        return [to_json(child) for child in node]
    if isinstance(node, NODE_CLASSES):
        data: dict[str, Any] = {"type": node.TYPE}
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if f.metadata.get("optional") and value == f.default:
                continue
            data[f.name] = to_json(value)
        return data
    return node


def from_json(data: Any) -> Any:
    """The inverse of `to_json`."""
    if isinstance(data, list):
        return tuple(from_json(item) for item in data)
    if isinstance(data, dict):
        if "type" not in data:
            return Span(data["path"], data["line"], data["col"])
        cls = NODE_TYPES[data["type"]]
        kwargs = {k: from_json(v) for k, v in data.items() if k != "type"}
        return cls(**kwargs)
    return data


def strip_spans(node: Any) -> Any:
    """The same tree without source positions: for comparing models of different sources."""
    if isinstance(node, Span):
        return None
    if isinstance(node, tuple):
        return tuple(strip_spans(child) for child in node)
    if isinstance(node, NODE_CLASSES):
        fields: dict[str, Any] = {}
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            fields[f.name] = None if f.name == "span" else strip_spans(value)
        return type(node)(**fields)  # every field given: dataclasses.replace, for any node class
    return node


def walk(node: Any) -> Iterator[Node]:
    """Every node of a tree, depth first, parents before children.

    Iterative, with each node class's child fields listed once: building a book walks every
    play (its images, its size), and a generator per level with `dataclasses.fields` per
    node made that the slowest part of assembling a long book."""
    stack = [node]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is tuple:
            stack.extend(reversed(item))
            continue
        names = _CHILD_FIELDS.get(kind)
        if names is None:
            continue  # words, numbers, positions: not nodes
        yield item
        stack.extend([getattr(item, name) for name in reversed(names)])


# The fields of each node class that may hold nodes (its position never does). Every node
# class is in NODE_TYPES, as from_json already needs.
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls) if f.name != "span")
    for cls in NODE_TYPES.values()
}


def plain_text(node: Any) -> str:
    """The words of a tree, markup dropped (soft breaks become spaces)."""
    parts: list[str] = []
    for item in walk(node):
        if isinstance(item, Text):
            parts.append(item.text)
        elif isinstance(item, HeaderField):
            parts.append(f" {item.key}: ")
        elif isinstance(item, (SoftBreak, LineBreak)):
            parts.append(" ")
        elif isinstance(item, Code):
            parts.append(item.text)
    return "".join(parts)
