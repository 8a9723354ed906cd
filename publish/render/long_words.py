"""Break opportunities in words too long for any line, so laying them out costs their length.

WeasyPrint fits a line by laying out the rest of its paragraph from that line on, unless it
finds a place to break within a line's worth of text; in a word with no such place it lays
out the whole rest of the word, line after line, and hyphenates the whole rest again for
each line: time that grows with the square of the word's length (a 3,000-letter title took
a minute, a 10,000-letter name half an hour). No word of a real manuscript is that long
(the author's longest token is a 144-character URL, which breaks at its slashes), so a run of
more than LONG_RUN characters with no space, slash, hyphen or entity in it is given a
zero-width space every EVERY characters: a place to break, invisible where it does not
break. Only the print and proof PDFs' text is changed (reading systems break long words
themselves); the EPUB and the model keep the word as written.
"""

from __future__ import annotations

import re

LONG_RUN = 150
EVERY = 25
ZERO_WIDTH_SPACE = "\u200b"
_TEXT = re.compile(rf">([^<]{{{LONG_RUN + 1},}})<")  # an element's text (escaped: no `<`)
_RUN = re.compile(rf"[^\s/\-&;<>\u200b]{{{LONG_RUN + 1},}}")


def breakable(html: str) -> str:
    """`html` with a zero-width space every EVERY characters of each overlong word of its
    body's text (attributes and the head are left alone)."""
    head, separator, body = html.partition("</head>")
    if not separator:
        head, body = "", html
    return head + separator + _TEXT.sub(_in_text, body)


def _in_text(match: re.Match[str]) -> str:
    return ">" + _RUN.sub(_split, match.group(1)) + "<"


def _split(match: re.Match[str]) -> str:
    word = match.group()
    return ZERO_WIDTH_SPACE.join(word[i:i + EVERY] for i in range(0, len(word), EVERY))
