"""Every character drawn has a glyph: checked before rendering, and shown as a labelled
placeholder where it has none.

Before a book is rendered, every character its manuscripts and metadata draw is looked up
in the character maps (fontTools' `cmap`) of the fonts of its stack (render/fonts.py). A
character that no font of the stack has is diagnostic M501 at its first place in the source,
naming the character and its code point: an error in a release book (the PDF and EPUB are
not written), a warning in a draft book and for text only the proof shows (editorial notes).
Where the outputs are still made (drafts, proofs), `mark_missing` replaces the character in
the markup with a boxed label (`U+1F34B`), never a blank box.

What needs no glyph: controls, format characters (joiners, soft hyphen, bidi marks),
variation selectors, and spaces (HarfBuzz draws any Unicode space with the font's own, but
for the visible Ogham space mark). A family covers what any of its faces covers: a letter the
italic lacks is drawn from the roman of the same family (render/fonts.py).

The character set of a play is made once per check, in one walk of its model; the slower
search for where a character stands runs only for the characters no font has. Character
maps are kept per font file digest (in memory, and between runs in a scratch folder).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from publish import model as m
from publish.model.diagnostics import Diagnostic, Severity
from publish.model.errors import Location, PublishError
from publish.reading.source import read_manuscript
from publish.render.fonts import FontStack
from publish.support.digests import digest, file_digest
from publish.support.scratch import private_folder, write_file
from publish.support.versions import installed_version

CODE = "M501"
# Default-ignorable code points that are not format characters (Unicode's
# DerivedCoreProperties): fillers and the combining grapheme joiner, drawn as nothing.
IGNORABLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u3164\uffa0")
VISIBLE_SPACES = frozenset("\u1680")  # a space separator with a visible glyph


def needs_glyph(char: str) -> bool:
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Zl", "Zp", "Cs") or char in IGNORABLE:
        return False
    if category == "Zs":
        return char in VISIBLE_SPACES
    code = ord(char)
    return not (0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF)


def code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


# ---------------------------------------------------------------- character maps


def cmap(path: Path) -> frozenset[int]:
    """The code points a font file has glyphs for, by the file's content: read once per
    process, and kept for the next ones in this user's scratch folder (support/scratch.py),
    whatever the project: `publish check` keeps no build cache."""
    stat = path.stat()
    key = digest("cmap", _font_digest(path, stat.st_size, stat.st_mtime_ns),
                 installed_version("fonttools") or "")
    found = _CMAPS.get(key)
    if found is None:
        kept = private_folder() / f"cmap-{key[:32]}.json"
        try:
            found = frozenset(json.loads(kept.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            found = _read_cmap(path)
            write_file(kept, json.dumps(sorted(found)))
        _CMAPS[key] = found
    return found


def _read_cmap(path: Path) -> frozenset[int]:
    # Imported here, for start-up: with the maps kept, a build never loads it.
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap() or {})


_CMAPS: dict[str, frozenset[int]] = {}


@lru_cache(maxsize=256)
def _font_digest(path: Path, size: int, mtime_ns: int) -> str:
    return file_digest(path)


@dataclass(frozen=True)
class Coverage:
    """Which characters the fonts of a stack draw."""

    code_points: frozenset[int]

    @classmethod
    def of(cls, stack: FontStack) -> Coverage:
        return cls(frozenset().union(*(cmap(path) for path in stack.files())))

    def missing(self, characters: set[str] | frozenset[str]) -> set[str]:
        return {c for c in characters if ord(c) not in self.code_points and needs_glyph(c)}


# ---------------------------------------------------------------- what a play draws


@dataclass
class _Texts:
    """A play's drawn text, in source order: (text, the node's span) pairs, and which of
    them only the proof draws (inside editorial notes)."""

    parts: list[tuple[str, m.Span | None]]
    in_notes: list[str]
    from_config: list[str]  # title and cast from book.yaml


def _play_texts(play: m.Play, uppercased: bool) -> _Texts:
    parts: list[tuple[str, m.Span | None]] = []
    in_notes: list[str] = []
    for node in m.walk(play):
        strings = _strings(node, uppercased)
        if strings:
            span = getattr(node, "span", None)
            parts.extend((text, span) for text in strings)
        if isinstance(node, (m.Note, m.InlineNote)):
            in_notes.extend(text for inner in m.walk(node) for text in _strings(inner, uppercased))
    meta = play.meta
    titles = [meta.title, meta.subtitle] + ([meta.title.upper()] if uppercased else [])
    if meta.title_in_text:  # the manuscript's first heading or line
        parts[:0] = [(title, m.Span(meta.source, 1, 1)) for title in titles]
        from_config = []
    else:
        from_config = titles
    for member in play.cast:
        from_config += [member.name, member.description]
    if uppercased:
        from_config += [member.name.upper() for member in play.cast]
    return _Texts(parts, in_notes, from_config)


def _strings(node: Any, uppercased: bool) -> tuple[str, ...]:
    """The text a node draws itself (not its children's)."""
    kind = type(node)
    if kind is m.Text or kind is m.Code or kind is m.CodeBlock:
        return (node.text,)
    if kind is m.Speech:
        return (node.label, node.label.upper()) if uppercased else (node.label,)
    if kind is m.Division:
        return tuple(part for part in (node.number, node.title) if part)
    if kind is m.Link or kind is m.Image:
        return (node.url,)  # a link's URL is printed in a footnote; a missing image's in its box
    return ()


# ---------------------------------------------------------------- diagnostics


class Sources:
    """Where to find a character's place: the manuscript's text (as the model's positions
    count it) and book.yaml's, read only when a character is missing; and where the book
    stands in book.yaml."""

    def __init__(self, manuscript: Path | None = None, config: Path | None = None,
                 config_path: str = "book.yaml", book: Location | None = None) -> None:
        self._manuscript = manuscript
        self._config = config
        self.config_path = config_path
        self.book = book

    @cached_property
    def manuscript(self) -> str:
        if self._manuscript is None:
            return ""
        try:
            return read_manuscript(self._manuscript)
        except PublishError:  # reported where it was read first
            return ""

    @cached_property
    def config(self) -> str:
        try:
            return self._config.read_text(encoding="utf-8-sig") if self._config else ""
        except (OSError, UnicodeDecodeError):
            return ""


def check_play(play: m.Play, coverage: Coverage, release: bool, sources: Sources,
               uppercased: bool = False) -> list[Diagnostic]:
    """M501 for each character of the play that no font of the stack has, at its first place."""
    texts = _play_texts(play, uppercased)
    drawn = "".join(text for text, _ in texts.parts)
    configured = "".join(texts.from_config)
    missing = coverage.missing(set(drawn) | set(configured))
    if not missing:
        return []
    notes = "".join(texts.in_notes)
    diagnostics = []
    for char in sorted(missing):
        count = drawn.count(char) + configured.count(char)
        only_in_proof = count == notes.count(char)
        severity = Severity.ERROR if release and not only_in_proof else Severity.WARNING
        location = _place(char, texts, play, sources)
        diagnostics.append(missing_glyph(char, count, location, severity,
                                         "in an editorial note (only the proof shows it)"
                                         if only_in_proof else ""))
    return diagnostics


def check_metadata(meta: m.BookMeta, coverage: Coverage, release: bool,
                   sources: Sources) -> list[Diagnostic]:
    """M501 for the book's own text: title page, copyright page, running heads."""
    texts = [meta.title, meta.subtitle, meta.author, meta.publisher, meta.rights, meta.edition,
             meta.isbn, meta.date]
    drawn = "".join(texts)
    severity = Severity.ERROR if release else Severity.WARNING
    return [missing_glyph(char, drawn.count(char), _config_place(char, sources), severity,
                          "in the book's metadata")
            for char in sorted(coverage.missing(set(drawn)))]


def missing_glyph(char: str, count: int, location: Location, severity: Severity,
                  where: str = "") -> Diagnostic:
    name = unicodedata.name(char, "")
    label = f"{code_point(char)} {name}" if name and not name.endswith(f"{ord(char):04X}") \
        else code_point(char)
    times = f", {count} times" if count > 1 else ""
    context = f" {where}" if where else ""
    return Diagnostic(
        severity, CODE, f"no font has '{char}' ({label}){context}{times}",
        location,
        f"add a font that has it to `fonts:` in book.yaml (OTF/TTF with its licence beside "
        f"it; see docs/fonts.md)"
        f"{'' if severity is Severity.ERROR else '; it is shown as a box labelled ' + code_point(char)}")


def _place(char: str, texts: _Texts, play: m.Play, sources: Sources) -> Location:
    """The character's first place: in the manuscript where a node holding it starts (the
    exact column found in the source text from there), else in book.yaml."""
    for text, span in texts.parts:
        if char not in text or span is None:
            continue
        return _in_source(char, sources.manuscript, span) or Location(span.path, span.line, span.col)
    if any(char in text for text in texts.from_config):
        return _config_place(char, sources)
    return Location(play.meta.source)


def _in_source(char: str, source: str, span: m.Span) -> Location | None:
    """The first `char` in `source` at or after `span`'s place, as path:line:col."""
    if not source:
        return None
    lines = source.split("\n")
    if not 1 <= span.line <= len(lines):
        return None
    start = sum(len(line) + 1 for line in lines[:span.line - 1]) + max(0, span.col - 1)
    found = source.find(char, start)
    if found < 0:  # a capital the manuscript style makes: where its small letter stands
        found = next((offset for offset in range(start, len(source))
                      if char in source[offset].upper() and char != source[offset]), -1)
    if found < 0:
        return None
    return _location(span.path, source, found)


def _config_place(char: str, sources: Sources) -> Location:
    found = sources.config.find(char) if sources.config else -1
    if found >= 0:
        return _location(sources.config_path, sources.config, found)
    return sources.book or Location(sources.config_path)


def _location(path: str, text: str, offset: int) -> Location:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Location(path, line, col)


# ---------------------------------------------------------------- placeholders

PLACEHOLDER_CLASS = "missing-glyph"
_TEXT_RUN = re.compile(r">([^<>]+)<")


def mark_missing(markup: str, coverage: Coverage) -> str:
    """The document with each character no font has, in its text (after `<body`), replaced
    by a box labelled with its code point; the head (styles, title) is left as it is."""
    head, separator, body = markup.partition("<body")
    if not separator:
        return markup
    missing = coverage.missing(set(body))
    if not missing:
        return markup
    pattern = re.compile("[" + "".join(re.escape(c) for c in sorted(missing)) + "]")

    def placeholder(match: re.Match[str]) -> str:
        char = match.group(0)
        label = code_point(char)
        return f'<span class="{PLACEHOLDER_CLASS}" title="no font has {label}">{label}</span>'

    def run(match: re.Match[str]) -> str:
        return ">" + pattern.sub(placeholder, match.group(1)) + "<"

    return head + separator + _TEXT_RUN.sub(run, body)
