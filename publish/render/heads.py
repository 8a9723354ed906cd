"""What the running heads of a play say. html.py writes them into the document's styles as
named strings (`verso-head`, `recto-head`, `page-head`), which print.css and proof.css show.

The rule: a spread names the larger unit on its verso and the smaller on its recto, and never
the same thing twice.

- A play whose scenes say something of their own (more than one scene, or a scene with a
  title): the play's title on versos; on rectos the scene's title, or its label
  ("Scene 2") when it has none.
- A play of one untitled scene: the play's title moves to the rectos, and versos carry the
  book's title, or the author's name when the book is named after the play.
- The proof, printed one-sided, has one head on every page: the play's title, followed by
  the scene's when the rectos name scenes.

A head is one line: a margin box wraps what is too long for it over the text, and cannot cut
it. One wider than HEAD_WIDTH, measured in the face print.css sets it in, loses its subtitle
(what follows a colon or dash) or, failing that, its last words for an ellipsis.
"""

from __future__ import annotations

from dataclasses import dataclass

from publish import model as m
from publish.render.measure import shortened, text_width

# The widest a head may be, in points: the narrowest text block of a trim we set (5.5in
# less its margins, about 4.1in) with room to spare on each side; the proof's, on A4 or
# Letter less its wide margin for notes (about 5.2in).
HEAD_WIDTH = 252.0
PROOF_HEAD_WIDTH = 340.0
# print.css: versos' heads in 9pt small capitals spaced 0.08em, rectos' (and the proof's)
# in 9pt italic.
HEAD_SIZE = 9.0
VERSO_SPACING = 0.08


def verso_head(text: str) -> str:
    return shortened(text, lambda head: text_width(head, HEAD_SIZE, small_caps=True,
                                                   letter_spacing=VERSO_SPACING) <= HEAD_WIDTH)


def recto_head(text: str, width: float = HEAD_WIDTH) -> str:
    return shortened(text, lambda head: text_width(head, HEAD_SIZE, "italic") <= width)


def proof_head(text: str) -> str:
    return recto_head(text, PROOF_HEAD_WIDTH)


@dataclass(frozen=True)
class PlayHeads:
    verso: str  # on every verso of the play
    rectos: tuple[str, ...]  # on the rectos of each division (play.body), in order
    pages: tuple[str, ...]  # the proof's one head, per division
    opening: str  # the rectos' and the proof's head before the first division


def play_heads(book: m.BookMeta, play: m.Play, division_heads: list[str]) -> PlayHeads:
    """The heads of `play`'s pages; `division_heads`: each division's heading as a head
    would say it (its title, else its label, else "")."""
    heads = _play_heads(book, play, division_heads)
    return PlayHeads(verso_head(heads.verso), tuple(map(recto_head, heads.rectos)),
                     tuple(map(proof_head, heads.pages)), recto_head(heads.opening))


def _play_heads(book: m.BookMeta, play: m.Play, division_heads: list[str]) -> PlayHeads:
    """The heads in full, before they are fitted to a line."""
    title = play.meta.title
    if len(play.body) > 1 or any(division.title for division in play.body):
        rectos = tuple(head or title for head in division_heads)
        pages = tuple(f"{title} \u00b7 {recto}" if recto != title else title for recto in rectos)
        return PlayHeads(title, rectos, pages, title)
    verso = book.title if book.title != title else book.author
    same = tuple(title for _ in play.body)
    return PlayHeads(verso, same, same, title)
