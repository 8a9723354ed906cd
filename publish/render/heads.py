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
"""

from __future__ import annotations

from dataclasses import dataclass

from publish import model as m


@dataclass(frozen=True)
class PlayHeads:
    verso: str  # on every verso of the play
    rectos: tuple[str, ...]  # on the rectos of each division (play.body), in order
    pages: tuple[str, ...]  # the proof's one head, per division
    opening: str  # the rectos' and the proof's head before the first division


def play_heads(book: m.BookMeta, play: m.Play, division_heads: list[str]) -> PlayHeads:
    """The heads of `play`'s pages; `division_heads`: each division's heading as a head
    would say it (its title, else its label, else "")."""
    title = play.meta.title
    if len(play.body) > 1 or any(division.title for division in play.body):
        rectos = tuple(head or title for head in division_heads)
        pages = tuple(f"{title} \u00b7 {recto}" if recto != title else title for recto in rectos)
        return PlayHeads(title, rectos, pages, title)
    verso = book.title if book.title != title else book.author
    same = tuple(title for _ in play.body)
    return PlayHeads(verso, same, same, title)
