"""What a pair of square brackets is: a stage direction, an editorial note, or text.

The rule (docs/manuscript-format.md, "What is a stage direction"), applied to the atoms of one
paragraph of drama (a speech, or a paragraph between speeches); block quotations, lists and
letters are quoted matter, where no bracket is a direction:

1. `[TODO …]` is an editorial note, wherever it stands.
2. A bracket is text when it is written escaped (`\\[`, `&#91;`), or when what it holds is not
   words: no letter at all (`[...]`, `[…]`, `[1]`, `[12–14]`, `[00:12:31]`), a footnote mark
   (`[^2]`), or an editorial mark, which says what the quoter did to the text (`[sic]`,
   `[redacted]`, `[emphasis added]`, `[my emphasis]`, `[citation needed]`, `[name omitted]`),
   or an editor's note (`[Editor’s note: …]`, `[Ed.: …]`): see EDITORIAL.
3. A bracket is text when it is glued to a word: a letter or digit right before `[` or right
   after `]` (literal `*` and `_` between them do not count: `learn*[ing]*`), `’s` after it,
   or link syntax around it (`![`, `](`, `][`).
4. A bracket is text inside quotation marks (`"…"`, `“…”`, `‘…’`) open at its `[`: the
   quoter's insertion in what someone else said (`"it [the model] learns"`).
5. Every other bracket is a stage direction.

The same function decides for the normalizer (atoms from pandoc) and for `publish fmt` (atoms
from the model), so that the formatter escapes exactly the brackets that would otherwise be
read as directions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from publish.reading.atoms import Atom, atoms_text

NOTE_START = re.compile(r"^\s*TODO\b", re.IGNORECASE)
# An editorial mark: `sic`, or at most three words ending in one that says what was done to the
# text (or what it lacks). Words that describe an action on stage never end this way.
EDITORIAL = re.compile(
    r"^\s*(?:sic!?|(?:[\w’'-]+\s+){0,2}(?:added|omitted|removed|redacted|deleted|elided|altered|"
    r"changed|supplied|mine|original|needed|illegible|translated)"
    # ... or whose alteration it is: `[my emphasis]`, `[the translator’s ellipsis]`
    r"|(?:the\s+)?(?:my|our|his|her|their|[\w-]+[’']s)\s+(?:emphasis|italics|bold|underlining|"
    r"translation|paraphrase|ellipsis|brackets|correction|gloss)"
    r")\s*[.!]?\s*$"
    # ... or an editor's note, whatever it goes on to say: `[Editor’s note: …]`, `[Ed.: …]`
    r"|^\s*(?:(?:[\w-]+[’']s\s+)?note|ed|eds|trans|tr)\s*[.:]",
    re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_TRANSPARENT = "*_"  # literal emphasis characters between a word and a bracket
_APOSTROPHES = "'’"


def bracket_pairs(atoms: Sequence[Atom]) -> dict[int, int]:
    """Every matched `[` index mapped to its `]` index, in one pass (a stack), so a line of
    ten thousand brackets costs no more than ten thousand words."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for index, atom in enumerate(atoms):
        if atom.kind != "text":
            continue
        if atom.text == "[":
            stack.append(index)
        elif atom.text == "]" and stack:
            pairs[stack.pop()] = index
    return pairs


def content_kind(text: str) -> str | None:
    """"note" or "literal" when the words inside a bracket decide alone (rules 1 and 2)."""
    if NOTE_START.match(text):
        return "note"
    if not _LETTER.search(text) or text.lstrip().startswith("^") or EDITORIAL.match(text):
        return "literal"
    return None


def classify(atoms: Sequence[Atom]) -> dict[int, tuple[int, str]]:
    """Every matched bracket of a paragraph: `[` index -> (`]` index, kind), kind being
    "direction", "note" or "literal"."""
    pairs = bracket_pairs(atoms)
    if not pairs:
        return {}
    quoted = quoted_at(atoms)
    result = {}
    for open_index, close_index in pairs.items():
        result[open_index] = (close_index, kind_of(atoms, open_index, close_index, quoted))
    return result


def kind_of(atoms: Sequence[Atom], open_index: int, close_index: int, quoted: Sequence[bool]) -> str:
    if atoms[open_index].escaped:
        return "literal"
    decided = content_kind(atoms_text(list(atoms[open_index + 1:close_index])))
    if decided:
        return decided
    if glued_before(atoms, open_index) or glued_after(atoms, close_index) or quoted[open_index]:
        return "literal"
    return "direction"


def glued_before(atoms: Sequence[Atom], index: int) -> bool:
    """A word, or image or reference syntax, right before the `[` at `index`."""
    if index == 0:
        return False
    previous = atoms[index - 1]
    if previous.kind != "text":
        return previous.kind in ("link", "image", "code")
    if previous.text.endswith(("!", "]")):
        return True
    for atom in reversed(atoms[:index]):
        if atom.kind != "text":
            return atom.kind in ("link", "image", "code")
        stripped = atom.text.rstrip(_TRANSPARENT)
        if stripped:
            return stripped[-1].isalnum()
    return False


def glued_after(atoms: Sequence[Atom], index: int) -> bool:
    """A word, an `’s`, or link syntax right after the `]` at `index`."""
    if index + 1 >= len(atoms):
        return False
    following = atoms[index + 1]
    if following.kind != "text":
        return following.kind in ("link", "image", "code")
    if following.text.startswith(("(", "[")):
        return True
    text = "".join(atom.text if atom.kind == "text" else " " if atom.is_blank or atom.kind == "hard"
                   else "\0" for atom in atoms[index + 1:index + 4]).lstrip(_TRANSPARENT)
    if not text:
        return False
    if text[0] == "\0":
        return True
    return text[0].isalnum() or (text[0] in _APOSTROPHES and text[1:2].isalpha())


def quoted_at(atoms: Sequence[Atom]) -> list[bool]:
    """For each atom, whether quotation marks are open where it starts. Straight double
    quotes alternate; curly ones open and close; a single curly quote opens with `‘` and
    closes at a `’` that is not inside a word (`don’t` closes nothing)."""
    flags: list[bool] = []
    straight, curly, single = False, 0, 0
    for atom in atoms:
        flags.append(straight or curly > 0 or single > 0)
        if atom.kind != "text":
            continue
        text = atom.text
        for position, char in enumerate(text):
            if char == '"':
                straight = not straight
            elif char == "“":
                curly += 1
            elif char == "”":
                curly = max(0, curly - 1)
            elif char == "‘":
                single += 1
            elif char == "’" and single and not text[position + 1:position + 2].isalpha():
                single -= 1
    return flags


def only_directions(atoms: Sequence[Atom]) -> bool:
    """A paragraph made of stage directions (and notes) only, with at least one direction:
    a block direction."""
    kinds = classify(atoms)
    has_direction, index = False, 0
    while index < len(atoms):
        close, kind = kinds.get(index, (None, ""))
        if close is not None and kind in ("direction", "note"):
            has_direction = has_direction or kind == "direction"
            index = close + 1
        elif atoms[index].is_blank:
            index += 1
        else:
            return False
    return has_direction
