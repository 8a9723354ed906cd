"""Fountain's block structure, for the reader (fountain.py) and the writer: notes and
boneyards cut out of the text (they may span lines and blank lines; every other character
keeps its place in the original through `Source.origin`), lines and paragraphs, the title
page, what each paragraph is (tested in Fountain's order), and character cues with the
labels they give.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from publish import model as m
from publish.model.diagnostics import Severity
from publish.reading.fountain_inline import NOTE_MARK, parse_line
from publish.reading.normalize import parse_division_heading
from publish.reading.recognize import Cast, Context, _first_name

SLUGLINE = re.compile(r"^(?:INT\.?/EXT|INT/EXT|I/E|INT|EXT|EST)[. ]", re.IGNORECASE)
SCENE_NUMBER = re.compile(r"\s*#([\w.-]+)#\s*$")
TITLE_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9 _'-]*):(.*)$")
CENTERED = re.compile(r"^\s*>\s*(.*?)\s*<\s*$")
PAGE_BREAK = re.compile(r"^\s*={3,}\s*$")
JOINER = re.compile(r"(, and |, | and | & )", re.IGNORECASE)


# ---------------------------------------------------------------- cutting out notes and boneyards


@dataclass
class Source:
    """The text with boneyards removed and each note replaced by NOTE_MARK; `origin` maps
    each of its characters to its offset in the original."""

    path: str
    original: str
    text: str
    origin: list[int]
    line_starts: list[int]
    notes: dict[int, tuple[str, int]] = field(default_factory=dict)  # index -> (raw, offset)
    cuts: list[tuple[int, str, int]] = field(default_factory=list)  # (index, raw, offset)

    def at_offset(self, offset: int) -> m.Span:
        line = bisect.bisect_right(self.line_starts, offset)
        return m.Span(self.path, line, offset - self.line_starts[line - 1] + 1)

    def at(self, index: int) -> m.Span:
        offset = self.origin[index] if index < len(self.origin) else len(self.original)
        return self.at_offset(offset)


def clean(text: str, path: str, ctx: Context) -> Source:
    starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
    out: list[str] = []
    origin: list[int] = []
    source = Source(path, text, "", origin, starts)
    closers = _Closers(text)
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out += text[i:i + 2]
            origin += (i, i + 1)
            i += 2
            continue
        pair = text[i:i + 2]
        if pair in ("/*", "[["):
            end = closers.after(pair, i + 2)
            if end >= 0:
                if pair == "/*":
                    source.cuts.append((len(out), text[i + 2:end], i))
                else:
                    source.notes[len(out)] = (text[i + 2:end], i + 2)
                    out.append(NOTE_MARK)
                    origin.append(i)
                i = end + 2
                continue
            if closers.report(pair):  # the first only: no later one closes either
                code, what = ("M205", "boneyard '/*' is never closed with '*/'") if pair == "/*" \
                    else ("M204", "note '[[' is never closed with ']]'")
                ctx.report(Severity.WARNING, code, f"{what}; kept as text", source.at_offset(i),
                           "close it, or escape the first character with a backslash")
        out.append(text[i])
        origin.append(i)
        i += 1
    source.text = "".join(out)
    return source


class _Closers:
    """Where `*/` and unescaped `]]` stand, found in one pass: each opener finds its closer
    by bisection, so a line of a thousand `[[` costs no more than a thousand letters."""

    def __init__(self, text: str):
        self.ends: dict[str, list[int]] = {"/*": [], "[[": []}
        i = 0
        while i < len(text) - 1:
            if text[i] == "\\":
                i += 2
                continue
            if text[i] == "*" and text[i + 1] == "/":
                self.ends["/*"].append(i)
            elif text[i] == "]" and text[i + 1] == "]":
                self.ends["[["].append(i)
            i += 1
        self.reported: set[str] = set()

    def after(self, opener: str, start: int) -> int:
        """The first closer at or after `start`, or -1."""
        ends = self.ends[opener]
        index = bisect.bisect_left(ends, start)
        return ends[index] if index < len(ends) else -1

    def report(self, opener: str) -> bool:
        first = opener not in self.reported
        self.reported.add(opener)
        return first


@dataclass
class Line:
    start: int  # index in the cleaned text
    text: str

    @property
    def blank(self) -> bool:
        """Blank lines end an element; a line of two or more spaces keeps dialogue going."""
        return not self.text.strip() and self.text.count(" ") < 2


def split_paragraphs(source: Source) -> list[list[Line]]:
    """Runs of non-blank lines. A line that held only a boneyard is dropped altogether, so
    that cutting lines out of dialogue does not split it."""
    cut_at = {index for index, _, _ in source.cuts}
    paragraphs: list[list[Line]] = []
    current: list[Line] = []
    position = 0
    for raw in source.text.split("\n"):
        line = Line(position, raw)
        end = position + len(raw)
        emptied = not raw.strip() and any(position <= i <= end for i in cut_at)
        position = end + 1
        if emptied:
            continue
        if line.blank:
            if current:
                paragraphs.append(current)
            current = []
        else:
            current.append(line)
    if current:
        paragraphs.append(current)
    # Lines of spaces opening a paragraph belong to nothing; at its end they may (dialogue).
    return [p[p.index(trimmed(p)[0]):] for p in paragraphs if trimmed(p)]


def trimmed(lines: list[Line]) -> list[Line]:
    start, end = 0, len(lines)
    while start < end and not lines[start].text.strip():
        start += 1
    while end > start and not lines[end - 1].text.strip():
        end -= 1
    return lines[start:end]


# ---------------------------------------------------------------- title page


def is_title_page(lines: list[Line]) -> bool:
    if not TITLE_KEY.match(lines[0].text):
        return False
    return all(TITLE_KEY.match(line.text) or line.text.startswith(("\t", "   ")) for line in lines)


def title_page_entries(lines: list[Line]) -> list[tuple[str, str]]:
    entries: list[tuple[str, list[str]]] = []
    for line in lines:
        match = TITLE_KEY.match(line.text)
        if match and not line.text.startswith(("\t", "   ")):
            value = match.group(2).strip()
            entries.append((match.group(1).strip(), [value] if value else []))
        elif entries:
            entries[-1][1].append(line.text.strip())
    return [(key, "\n".join(values)) for key, values in entries]


def _no_place(index: int) -> m.Span:
    """A place for text that is only read for its words (a title page value)."""
    return m.Span("", 1, index + 1)


def plain(value: str) -> str:
    """A title page value's words, emphasis and escapes dropped, lines kept."""
    return "\n".join(m.plain_text(tuple(parse_line(line, 0, _no_place)))
                     for line in value.split("\n"))


# ---------------------------------------------------------------- classifying paragraphs


@dataclass
class Cue:
    name: str  # as written, without `@`, extension or `^`
    forced: bool
    extension: str
    dual: bool
    span: m.Span

    def parts(self) -> list[str]:
        """Names and the joiners between them (`A`, ` AND `, `B`)."""
        return JOINER.split(self.name)


@dataclass
class Element:
    kind: str
    lines: list[Line]
    cue: Cue | None = None

    @property
    def start(self) -> int:
        return self.lines[0].start if self.lines else 0

    def labels(self, cast: Cast | None) -> list[str]:
        """The names a cue gives, as labels: upper-case names take the cast's spelling
        (or, with no cast declared, capitals only at the start of words)."""
        assert self.cue is not None
        parts = cue_parts(self.cue.name, cast or Cast((), False))
        return [part if self.cue.forced else spelling(part, cast) for part in parts[::2]]


def classify(whole: list[Line], source: Source, ctx: Context) -> Element:
    """What a paragraph is, tested in Fountain's order. Lines of spaces at its end matter
    only under a cue (dialogue with nothing said yet: an empty speech)."""
    lines = trimmed(whole)
    first = lines[0].text.strip()
    if all(not line.text.replace(NOTE_MARK, "").strip() for line in lines):
        return Element("notes", lines)
    if first.startswith("!"):
        return Element("action", [Line(lines[0].start + lines[0].text.index("!") + 1,
                                         lines[0].text.split("!", 1)[1])] + lines[1:])
    if len(lines) == 1 and PAGE_BREAK.match(first):
        return Element("page_break", lines)
    if first.startswith("#") and all(line.text.strip().startswith(("#", "=")) for line in lines):
        return Element("section", lines)
    if all(line.text.strip().startswith("=") for line in lines):
        return Element("synopsis", lines)
    if len(lines) == 1 and (SLUGLINE.match(first) or re.match(r"^\.[^.]", first)):
        return Element("heading", lines)
    if all(CENTERED.match(line.text) for line in lines):
        return Element("centered", lines)
    if len(lines) == 1 and (first.startswith(">") or (first.isupper() and first.endswith("TO:"))):
        return Element("transition", lines)
    if all(line.text.strip().startswith("~") for line in lines):
        return Element("lyrics", lines)
    cue = read_cue(lines[0], source)
    if cue is not None and (len(whole) > 1 or _lone_cue(cue, ctx)):
        return Element("dialogue", whole, cue)
    return Element("action", lines)


def read_cue(line: Line, source: Source) -> Cue | None:
    raw = line.text
    if raw.endswith("  "):
        return None
    text = raw.replace(NOTE_MARK, "").strip()
    forced = text.startswith("@") and len(text) > 1
    if forced:
        text = text[1:]
    dual = text.endswith("^")
    if dual:
        text = text[:-1].rstrip()
    name, paren, rest = text.partition("(")
    extension = (paren + rest).strip()
    name = name.strip()
    if not name or (extension and not extension.endswith(")")):
        return None
    if not forced and not (name.isupper() and any(char.isalpha() for char in name)):
        return None
    offset = len(raw) - len(raw.lstrip()) + (1 if forced else 0)
    return Cue(name, forced, extension, dual, source.at(line.start + offset))


def cue_parts(name: str, cast: Cast) -> list[str]:
    """A cue's names and the joiners between them: `A AND B` is two speakers unless the
    declared cast has a character of that whole name."""
    whole = cast.resolve(name) if cast.declared else None
    return [name] if whole is not None or not JOINER.search(name) else JOINER.split(name)


def cue_label(name: str, cast: Cast, forced: bool = False) -> str:
    """The label a cue's name gives (what `_Builder._resolve` gives), joiners in lower case;
    a name forced with `@` is its own spelling."""
    return "".join(part.lower() if index % 2 else
                   part if forced else spelling(part, cast if cast.declared else None)
                   for index, part in enumerate(cue_parts(name, cast)))


def cue_names(name: str, cast: Cast, forced: bool = False) -> list[tuple[str, str | None]]:
    """Each name of a cue, as a label and the cast id it resolves to (None: not in the cast)."""
    return [(part if forced else spelling(part, cast if cast.declared else None), cast.resolve(part))
            for part in cue_parts(name, cast)[::2]]


def _lone_cue(cue: Cue, ctx: Context) -> bool:
    """A cue with no dialogue under it is an empty speech (M102) when it cannot be action:
    forced, with an extension or `^`, or naming a declared character."""
    return cue.forced or bool(cue.extension) or cue.dual or \
        (ctx.cast.declared and ctx.cast.resolve(cue.name) is not None)


def spelling(name: str, cast: Cast | None) -> str:
    """The label an upper-case cue stands for: the spelling of the cast name it matches (a
    member's name, alias, first name or id), else capitals only at the start of words.
    A cue forced with `@` is its own spelling."""
    if not _all_caps(name):
        return name
    wanted = name.casefold()
    if cast is not None:
        for member in cast.members:
            for spelt in (member.name, *member.aliases, _first_name(member.name), member.id):
                if spelt and spelt.casefold() == wanted:
                    return spelt
    return " ".join("-".join(_capitalized(part) for part in word.split("-")) for word in name.split(" "))


def _all_caps(text: str) -> bool:
    return text == text.upper() and any(char.isalpha() for char in text)


def _capitalized(word: str) -> str:
    word = word[:1] + word[1:].lower()
    if len(word) > 2 and word[1] in "'’":  # O'Brien, D'Arcy
        word = word[:2] + word[2].upper() + word[3:]
    return word


def read_heading(line: str) -> tuple[str, str | None, str | None] | None:
    """A section (`# Act II`) or scene heading (`INT. HOUSE #1#`, `.Scene 2: Title`) as a
    division's kind, number and title, read like a Markdown heading; None for other lines."""
    text = line.replace(NOTE_MARK, "").strip()
    if text.startswith("#"):
        return parse_division_heading(plain(text.lstrip("#").strip()).strip())
    if not (SLUGLINE.match(text) or re.match(r"^\.[^.]", text)):
        return None
    text = text[1:] if text.startswith(".") else text
    number = None
    match = SCENE_NUMBER.search(text)
    if match:
        number, text = match.group(1), text[:match.start()]
    kind, parsed, title = parse_division_heading(plain(text).strip())
    return kind, number or parsed, title


def with_cuts(elements: list[Element], source: Source) -> list[Element | tuple[int, str, int]]:
    """The elements with each boneyard placed before the element it was cut from (or the
    next one): block-level, where the writer writes it back."""
    ordered: list[Element | tuple[int, str, int]] = []
    cuts = list(source.cuts)
    for element in elements:
        end = element.lines[-1].start + len(element.lines[-1].text)
        while cuts and cuts[0][0] <= end:
            ordered.append(cuts.pop(0))
        ordered.append(element)
    return ordered + cuts
