"""Recognizers of the manuscript conventions (see GUIDE.md section 2), used by normalize.py.

- the first heading is the play's title; later headings (`### Scene 1: ...`) open divisions;
- a paragraph opening with `**Name**:` (or `**A** and **B**:`, or `Name:` in the plain
  dialect) is a speech, which runs on over following paragraphs until the next speaker,
  block direction, note, heading or rule; a paragraph of `**Key**: value` lines joined by
  hard breaks is a letter's header block instead (letters.py);
- `[ ... ]` is a stage direction (block when it is a paragraph of its own; a direction
  opening a speech is its delivery) by the rule of brackets.py; editorial `[TODO ...]`
  notes may span paragraphs and lists until the closing `]`;
- everything else is prose, kept as written.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from publish import model as m
from publish.model.diagnostics import Diagnostic, Severity
from publish.model.errors import Location
from publish.reading.atoms import (
    Atom,
    PBlock,
    atoms_text,
    flatten,
    rebuild,
    shifted,
    strip_blank_edges,
    unwrap_blocks,
    without_mark,
)
from publish.reading.brackets import classify
from publish.reading.letters import header_fields, quoted_blocks

DIVISION_HEADING = re.compile(
    r"^(?P<kind>scene|act|part)\s+(?P<number>[\w.]+)\s*(?:[:.—–-]\s*(?P<title>.*))?$",
    re.IGNORECASE)
PLAIN_TAG = re.compile(r"^(?P<name>[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2}"
                       r"(?: and [A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2})*):\s")
MAX_LABEL_CHARS = 60
JOINERS = (" and ", ", ", ", and ", " & ")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "speaker"


@dataclass
class Cast:
    """Resolves speaker labels and names in directions to cast ids."""

    members: tuple[m.CastMember, ...]
    declared: bool

    def resolve(self, label: str) -> str | None:
        wanted = label.strip().casefold()
        for member in self.members:
            names = (member.id, member.name, *member.aliases)
            if any(wanted == name.casefold() for name in names):
                return member.id
            # "Doomimir" names "Doomimir Doomovitch"
            if wanted and wanted == _first_name(member.name).casefold():
                return member.id
        return None

    def suggest(self, label: str) -> str:
        """A did-you-mean hint for an unknown label, against names, aliases and ids."""
        names = {n for member in self.members for n in (member.id, member.name, *member.aliases)}
        close = difflib.get_close_matches(label, sorted(names), n=1, cutoff=0.6)
        if close:
            return f"did you mean {close[0]!r}? Or add {label!r} to the cast's aliases in book.yaml"
        return f"add {label!r} to the play's cast in book.yaml (as a member or an alias)"

    def name_pattern(self) -> re.Pattern[str] | None:
        names = {n for member in self.members for n in (member.name, *member.aliases) if n}
        names |= {_first_name(member.name) for member in self.members}
        names.discard("")
        if not names:
            return None
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        return re.compile(rf"(?<![\w])({alternatives})(?![\w])")


ARTICLES = {"a", "an", "the"}


def _first_name(name: str) -> str:
    """The short form of a display name ("Doomimir Doomovitch" -> "Doomimir"), or "" when
    the name has none ("A Mail Carrier" is not called "A")."""
    words = name.split()
    if len(words) < 2 or words[0].casefold() in ARTICLES or len(words[0]) < 3:
        return ""
    return words[0]


@dataclass
class Context:
    path: str
    cast: Cast
    plain_names: frozenset[str] = frozenset()
    diagnostics: list[Diagnostic] = field(default_factory=list)
    speakers: frozenset[str] = frozenset()  # every label that opens a speech (speakers.py)

    def speaks(self, label: str) -> bool:
        """Whether a label names a character: a cast member, or a speaker of the play."""
        return label in self.speakers or self.cast.resolve(label) is not None

    def report(self, severity: Severity, code: str, message: str, span: m.Span | None,
               hint: str = "") -> None:
        location = Location(self.path, span.line, span.col) if span else Location(self.path)
        self.diagnostics.append(Diagnostic(severity, code, message, location, hint))


# ---------------------------------------------------------------- cast


def infer_cast(labels: list[str]) -> tuple[m.CastMember, ...]:
    members: dict[str, m.CastMember] = {}
    for label in labels:
        members.setdefault(slug(label), m.CastMember(slug(label), label))
    return tuple(members.values())


def plain_dialect_names(blocks: list[PBlock], cast: tuple[m.CastMember, ...]) -> frozenset[str]:
    """Speaker names of the plain dialect (`Name: text`): the declared cast, or names that
    open two or more paragraphs, in files that never use the `**Name**:` form."""
    openers: dict[str, int] = {}
    for block in blocks:
        if block.t not in ("Para", "Plain"):
            continue
        atoms = block.atoms()
        if header_fields(atoms, 2):
            continue  # a letter's header block is not the Markdown dialect's speech
        if speaker_tag(atoms, frozenset()):
            return frozenset()  # the Markdown dialect: no guessing
        match = PLAIN_TAG.match(atoms_text(atoms))
        if match and not any(a.marks for a in atoms[:1]):
            for name in match.group("name").split(" and "):
                openers[name] = openers.get(name, 0) + 1
    declared = {n for member in cast for n in (member.name, *member.aliases)}
    inferred = {name for name, count in openers.items() if count >= 2}
    return frozenset((declared & set(openers)) | inferred)


# ---------------------------------------------------------------- speaker tags


def speaker_tag(atoms: list[Atom], plain_names: frozenset[str]) -> tuple[list[str], list[Atom], str] | None:
    """(labels, rest, written) if the paragraph opens with a speaker tag, else None; `written`
    is the tag as the author wrote it (`A, B and C`)."""
    atoms = strip_blank_edges(atoms) if atoms else atoms
    tag = _bold_tag(atoms)
    if tag is None and plain_names:
        tag = _plain_tag(atoms, plain_names)
    return tag


def _bold_tag(atoms: list[Atom]) -> tuple[list[str], list[Atom], str] | None:
    labels: list[str] = []
    written = ""
    index = 0
    while index < len(atoms):
        end = index
        while end < len(atoms) and "strong" in atoms[end].marks and atoms[end].kind in ("text", "space"):
            end += 1
        if end == index:
            return None
        name = atoms_text(atoms[index:end]).strip()
        if name.endswith(":"):  # **Name:**
            labels.append(name[:-1].strip())
            return _checked(labels, atoms[end:], written + labels[-1])
        labels.append(name)
        written += name
        if end < len(atoms) and atoms[end].kind == "text" and atoms[end].text.startswith(":"):
            rest = atoms[end].text[1:]
            tail = atoms[end + 1:]
            if rest:
                first = atoms[end]
                tail = [Atom("text", rest, first.marks, shifted(first.span, 1))] + tail
            return _checked(labels, tail, written)
        # `**A** and **B**:` or `**A**, **B** and **C**:`
        next_strong = end
        while next_strong < len(atoms) and "strong" not in atoms[next_strong].marks:
            next_strong += 1
        joiner = atoms_text(atoms[end:next_strong])
        if next_strong == len(atoms) or joiner not in JOINERS:
            return None
        written += joiner
        index = next_strong
    return None


def _checked(labels: list[str], rest: list[Atom], written: str) -> tuple[list[str], list[Atom], str] | None:
    if not labels or any(not label or len(label) > MAX_LABEL_CHARS for label in labels):
        return None
    return labels, strip_blank_edges(rest), written


def _plain_tag(atoms: list[Atom], plain_names: frozenset[str]) -> tuple[list[str], list[Atom], str] | None:
    if not atoms or atoms[0].marks:
        return None
    text = atoms_text(atoms)
    match = PLAIN_TAG.match(text + " ") if text.rstrip().endswith(":") else PLAIN_TAG.match(text)
    if not match:
        return None
    names = match.group("name").split(" and ")
    if not all(name in plain_names for name in names):
        return None
    # drop the characters of "Name:" from the leading text atoms
    to_drop = len(match.group("name")) + 1
    rest: list[Atom] = []
    for atom in atoms:
        if to_drop <= 0:
            rest.append(atom)
            continue
        taken = len(atom.text) if atom.kind in ("text", "space") else 0
        if taken > to_drop:
            rest.append(Atom(atom.kind, atom.text[to_drop:], atom.marks, shifted(atom.span, to_drop)))
        to_drop -= taken
    return names, strip_blank_edges(rest), match.group("name")


# ---------------------------------------------------------------- brackets


def drama_inlines(atoms: list[Atom], ctx: Context) -> tuple[m.Inline, ...]:
    """Inlines of a drama paragraph: bracketed spans become directions or inline notes, by
    the rule of brackets.py."""
    result: list[m.Inline] = []
    pending: list[Atom] = []
    index = 0
    kinds = classify(atoms)
    reported_unclosed = False
    while index < len(atoms):
        atom = atoms[index]
        close, kind = kinds.get(index, (None, ""))
        if close is None:
            if atom.escaped:
                pass  # written `\[`: text, as the author asked
            elif atom.kind == "text" and atom.text == "[" and not reported_unclosed:
                reported_unclosed = True  # one report per paragraph, not one per bracket
                ctx.report(Severity.WARNING, "M202", "'[' is never closed; kept as text", atom.span,
                           "close the stage direction with ']', or escape a literal bracket as '\\['")
            elif atom.kind == "text" and atom.text == "]":
                ctx.report(Severity.WARNING, "M203", "']' closes nothing; kept as text", atom.span,
                           "remove it, or open the direction with '['")
            pending.append(atom)
            index += 1
            continue
        content = atoms[index + 1:close]
        if kind == "literal":
            pending.extend(atoms[index:close + 1])
        else:
            result.extend(rebuild(pending))
            pending = []
            if kind == "note":
                result.append(m.InlineNote("todo", rebuild(content), atom.span))
            else:
                result.append(direction(atoms[index:close + 1], ctx, "inline"))
        index = close + 1
    result.extend(rebuild(pending))
    return tuple(result)


def direction(bracketed: list[Atom], ctx: Context, placement: str) -> m.StageDirection:
    """A stage direction from `[ ... ]` atoms: italic as a whole, bold names as personas."""
    content = bracketed[1:-1]
    if "emph" in bracketed[0].marks or all("emph" in a.marks for a in content if not a.is_blank):
        content = without_mark(content, "emph")
    content = _mark_plain_names(content, ctx)

    def persona(children: tuple[m.Inline, ...], span: m.Span | None,
                group: Sequence[Atom]) -> m.PersonaRef:
        name = atoms_text(group).strip()
        return m.PersonaRef(ctx.cast.resolve(name), children, span)

    return m.StageDirection(rebuild(content, persona), placement, bracketed[0].span)


def _mark_plain_names(content: list[Atom], ctx: Context) -> list[Atom]:
    """Cast names written without bold inside a direction are persona references too."""
    pattern = ctx.cast.name_pattern()
    if pattern is None:
        return content
    result: list[Atom] = []
    for atom in content:
        if atom.kind != "text" or "strong" in atom.marks:
            result.append(atom)
            continue
        position = 0
        for match in pattern.finditer(atom.text):
            if match.start() > position:
                result.append(Atom("text", atom.text[position:match.start()], atom.marks,
                                   shifted(atom.span, position)))
            result.append(Atom("text", match.group(0), atom.marks + ("strong",),
                               shifted(atom.span, match.start())))
            position = match.end()
        if position < len(atom.text):
            result.append(Atom("text", atom.text[position:], atom.marks, shifted(atom.span, position)))
    return result


# ---------------------------------------------------------------- blocks


def prose_block(block: PBlock) -> m.Block:
    """A pandoc block kept as prose: no directions are looked for inside it."""
    if block.t in ("Para", "Plain"):
        return m.Paragraph(rebuild(strip_blank_edges(block.atoms())), block.span)
    if block.t == "Header":
        return m.Heading(block.c[0], rebuild(flatten(block.c[2])), block.span)
    if block.t == "BlockQuote":
        return m.BlockQuote(quoted_blocks(unwrap_blocks(block.c, block.span), prose_block), block.span)
    if block.t in ("BulletList", "OrderedList"):
        ordered = block.t == "OrderedList"
        items = block.c[1] if ordered else block.c
        start = block.c[0][0] if ordered else 1
        return m.ListBlock(ordered, tuple(
            quoted_blocks(unwrap_blocks(item, block.span), prose_block) for item in items
        ), start, block.span)
    if block.t == "CodeBlock":
        return m.CodeBlock(block.c[1], block.span)
    if block.t == "RawBlock":
        return m.CodeBlock(block.c[1], block.span)
    if block.t == "HorizontalRule":
        return m.ThematicBreak(block.span)
    if block.t == "LineBlock":
        inlines: list[m.Inline] = []
        for line in block.c:
            if inlines:
                inlines.append(m.LineBreak(block.span))
            inlines.extend(rebuild(flatten(line)))
        return m.Paragraph(tuple(inlines), block.span)
    # Tables, figures, definition lists: keep their words as a paragraph.
    words = _stringify(block.c)
    return m.Paragraph((m.Text(words, block.span),), block.span)


def _stringify(content: object) -> str:
    if isinstance(content, dict):
        if content.get("t") == "Str":
            word: str = content["c"]
            return word
        if content.get("t") in ("Space", "SoftBreak", "LineBreak"):
            return " "
        return _stringify(content.get("c", []))
    if isinstance(content, list):
        return "".join(_stringify(item) for item in content)
    return ""

