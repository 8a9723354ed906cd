"""What one manuscript (and book.yaml) may hold: limits far above any real play that keep a
build's time and memory proportional to its size.

Each guards against a cost that grows faster than the text: past it the build stops at once
with a message naming the place (reading/limits.py for manuscripts, config/ for book.yaml),
rather than running for minutes. The author's longest file is 36 kB, with at most 61
speeches, 4 headings, titles of 85 characters, names of 30, 10 square brackets and 20
emphasis marks in a paragraph; Hamlet has some 1,100 speeches in 20 scenes. README.md
("Limits") lists them for users.
"""

from __future__ import annotations

# A title (a play's, a subtitle, a scene's; a book's in book.yaml) is set on title pages,
# running heads and the contents: each copy is laid out again.
MAX_TITLE_CHARS = 300
# A speaker's label or a cast member's name, id or alias: set in every speech, the dramatis
# personae (a table, whose column widths WeasyPrint measures word by word) and the proof's
# cast table.
MAX_NAME_CHARS = 100
# Scenes, acts and other divisions of one manuscript: each opens a page and a line of the
# contents, with its page number.
MAX_DIVISIONS = 1_000
# Speeches in one manuscript: a speech is a block of its own in every output; 100,000 short
# ones took WeasyPrint gigabytes.
MAX_SPEECHES = 10_000
# Square brackets and emphasis marks in one paragraph. pandoc's CommonMark reader, at each
# emphasis mark (a run of `*`, `_` or `~`), looks back over the paragraph's square brackets
# before it: `_[` 50,000 times did not finish in two minutes, `[` 100,000 times alone takes a
# second. Each mark counts the brackets before it in its paragraph; their sum is limited
# (the author's paragraphs reach 200; this one costs pandoc about 0.03 s).
MAX_BRACKETS_BEFORE_EMPHASIS = 50_000
