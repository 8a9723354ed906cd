"""Which of a paragraph's literal brackets `publish fmt` must write escaped.

A bracket the model holds as text (`[...]`, `learn[ing]`, `"it [the model] learns"`, or one
the author escaped, `\\[like this]`) must come back as text. The formatter writes the
paragraph's words as they are, so it asks the normalizer's own rule (brackets.py) which pairs
would be read as stage directions or notes once written, and escapes exactly those.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from publish import model as m
from publish.reading.atoms import Atom
from publish.reading.brackets import classify


@dataclass(frozen=True)
class Escaped(m.Text):
    """Not read from a manuscript: Markdown the formatter writes as it is (`\\[`), standing
    where the model's text would, so that the formatter's other rules see the character
    written first (a backslash)."""


Origin = tuple[int, int]  # (id of a Text node, offset of a bracket in its text)


def protect_brackets(inlines: tuple[m.Inline, ...]) -> tuple[m.Inline, ...]:
    """The inlines of a paragraph of drama, each literal `[` that the rule would read as a
    direction or note split out as `Escaped("\\\\[")`."""
    atoms: list[Atom] = []
    origins: dict[int, Origin] = {}
    _atoms(inlines, atoms, origins)
    kinds = classify(atoms)
    wanted: set[Origin] = set()
    index = 0
    while index < len(atoms):
        close, kind = kinds.get(index, (None, ""))
        if close is None:
            index += 1
            continue
        if kind != "literal" and index in origins:
            wanted.add(origins[index])
        index = close + 1  # what a pair holds is read with it, as the normalizer does
    return _rewritten(inlines, wanted) if wanted else inlines


def _atoms(inlines: tuple[m.Inline, ...], atoms: list[Atom], origins: dict[int, Origin]) -> None:
    """The atoms the normalizer would see for these inlines (marks do not matter to the
    rule); `origins` maps the index of each bracket of a Text to where it stands."""
    for node in inlines:
        if isinstance(node, m.Text):
            offset = 0
            for piece in _pieces(node.text):
                if piece in ("[", "]"):
                    origins[len(atoms)] = (id(node), offset)
                atoms.append(Atom("text", piece))
                offset += len(piece)
        elif isinstance(node, m.SoftBreak):
            atoms.append(Atom("soft", "\n"))
        elif isinstance(node, m.LineBreak):
            atoms.append(Atom("hard", "\n"))
        elif isinstance(node, (m.StageDirection, m.InlineNote)):
            atoms.append(Atom("text", "["))
            _atoms(node.inlines, atoms, origins)
            atoms.append(Atom("text", "]"))
        elif isinstance(node, (m.Emph, m.Strong, m.Strikeout, m.PersonaRef)):
            _atoms(node.children, atoms, origins)
        elif isinstance(node, m.Code):
            atoms.append(Atom("code", node.text))
        elif isinstance(node, (m.Link, m.Image)):
            atoms.append(Atom(type(node).TYPE))


def _pieces(text: str) -> list[str]:
    pieces, start = [], 0
    for index, char in enumerate(text):
        if char in "[]":
            if index > start:
                pieces.append(text[start:index])
            pieces.append(char)
            start = index + 1
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def escape_all_brackets(inlines: tuple[m.Inline, ...]) -> tuple[m.Inline, ...]:
    """The inlines with every bracket of their words escaped (a link's text that holds an
    unpaired one)."""
    wanted = {(id(node), offset) for node in m.walk(inlines) if isinstance(node, m.Text)
              for offset, char in enumerate(node.text) if char in "[]"}
    return _rewritten(inlines, wanted) if wanted else inlines


def _rewritten(inlines: tuple[m.Inline, ...], wanted: set[Origin]) -> tuple[m.Inline, ...]:
    out: list[m.Inline] = []
    for node in inlines:
        if isinstance(node, m.Text):
            offsets = sorted(offset for node_id, offset in wanted if node_id == id(node))
            last = 0
            for offset in offsets:
                if offset > last:
                    out.append(m.Text(node.text[last:offset], node.span))
                out.append(Escaped("\\" + node.text[offset]))
                last = offset + 1
            if last < len(node.text) or not offsets:
                out.append(m.Text(node.text[last:], node.span) if offsets else node)
        elif isinstance(node, (m.Emph, m.Strong, m.Strikeout, m.PersonaRef, m.Link)):
            out.append(dataclasses.replace(node, children=_rewritten(node.children, wanted)))
        elif isinstance(node, m.Image):
            out.append(dataclasses.replace(node, alt=_rewritten(node.alt, wanted)))
        else:
            out.append(node)
    return tuple(out)
