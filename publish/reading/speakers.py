"""Who speaks: the labels of a manuscript's speeches, read with its letters.

A paragraph opening with a bold tag is a speech, except in a letter, where a paragraph of
fields whose key names no character is part of the letter (`**Attachment**: …` after an
email's body). What names a character is the cast's names and aliases, and any label that
opens a speech outside a letter somewhere in the play. That set and the letters' extents
depend on each other; reading the blocks again with the labels found so far settles both
in a few rounds, since each round can only find more speeches (letters.py).
"""

from __future__ import annotations

from collections.abc import Callable

from publish.reading.atoms import Atom, PBlock, atoms_text, strip_blank_edges
from publish.reading.brackets import NOTE_START, only_directions
from publish.reading.letters import OpenLetter, letter_paragraph, speech_then_header
from publish.reading.recognize import speaker_tag


def speech_labels(blocks: list[PBlock], plain_names: frozenset[str],
                  is_character: Callable[[str], bool]) -> tuple[list[str], frozenset[str]]:
    """(labels of the speeches in order of first appearance, every label that opens a speech);
    `is_character(label)`: the label names a member of a declared cast."""
    known: frozenset[str] = frozenset()
    while True:
        labels, letters = _labels(blocks, plain_names, _speaks_with(is_character, known))
        if set(labels) <= known or not letters:
            # No letter: more characters would change nothing (they only end letters).
            return labels, known | set(labels)
        known = known | set(labels)


def _speaks_with(is_character: Callable[[str], bool], known: frozenset[str]) -> Callable[[str], bool]:
    """Whether a label names a character: declared, or found opening a speech so far."""
    return lambda label: is_character(label) or label in known


def _labels(blocks: list[PBlock], plain_names: frozenset[str],
            speaks: Callable[[str], bool]) -> tuple[list[str], bool]:
    """The labels of the speeches, and whether any letter was met."""
    labels: list[str] = []
    letters = False
    letter: OpenLetter | None = None
    for block in blocks:
        if block.t in ("Header", "HorizontalRule"):
            letter = None
        if block.t not in ("Para", "Plain"):
            continue
        atoms = block.atoms()
        found = letter_paragraph(atoms, letter, speaks)
        if found is not None:
            if found[0] == "open":
                letter, letters = OpenLetter.opened_by(found[1], block.span), True
            continue
        tag = speaker_tag(atoms, plain_names)
        if tag is not None:
            labels.extend(name for name in tag[0] if name not in labels)
            reads = speech_then_header(atoms, speaks)
            letter = OpenLetter.opened_by(reads[1], block.span) if reads else None
            letters = letters or reads is not None
        elif letter is not None and (opens_note(atoms) or only_directions(atoms)):
            letter = None
    return labels, letters


def opens_note(atoms: list[Atom]) -> bool:
    """A paragraph opening with `[TODO`: an editorial note, which may run over paragraphs."""
    atoms = strip_blank_edges(atoms)
    return (len(atoms) > 1 and atoms[0].kind == "text" and atoms[0].text == "[" and not atoms[0].escaped
            and bool(NOTE_START.match(atoms_text(atoms[1:4]))))
