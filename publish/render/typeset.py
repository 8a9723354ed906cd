"""Typesetting rules applied to the print markup (the print edition and the proof), as rules
on the HTML the renderers write, never as fixes of particular passages:

- A footnote call goes after the punctuation that closes the phrase it follows
  (`essay,⁴³`, not `essay⁴³,`): a link's URL footnote is moved past the closing
  punctuation that follows the link (`, . ; : ! ? ) ] ” ’ …`), unless that punctuation is
  part of a word (the apostrophe of `Yudkowsky’s`). Never past a dash (CMOS 14.26).
- A title (book, play, scene, contents entry) never leaves one word alone on its last line:
  its last two words are tied with a no-break space, whatever their length.
- A character the book face lacks (drawn from a fallback font, whose ascent and descent
  are larger) is set in a span that takes no height (print.css `.symbol`), so that its
  line keeps the baseline grid.

Each function takes and returns HTML made by `markup.py`/`html.py`: text with inline tags,
whose footnote spans hold a URL and no tags.
"""

from __future__ import annotations

import re
from functools import lru_cache

NO_BREAK_SPACE = "\u00a0"
# Closing punctuation a footnote call goes after.
CLOSING = ",.;:!?)]\u201d\u2019\u2026"
_FOOTNOTE = r'<span class="footnote[^"]*">[^<]*</span>'
# The footnote, the closing tags after it (a link inside emphasis), then a run of closing
# marks not followed by a letter (an apostrophe inside a word is not closing).
_CALL_BEFORE_PUNCTUATION = re.compile(
    rf"({_FOOTNOTE})((?:</[a-z]+>)*)([{re.escape(CLOSING)}]+)(?![\w\u00a0-\u024f])")
_TAG = re.compile(r"(<[^>]*>)")


def calls_after_punctuation(html: str) -> str:
    """Each footnote (a link's URL) moved after the closing punctuation that follows it."""
    return _CALL_BEFORE_PUNCTUATION.sub(lambda found: found[2] + found[3] + found[1], html)


def tie_last_words(html: str) -> str:
    """The breaking spaces between the last two words of `html`'s text made one no-break
    space. Text inside footnotes (floated to the foot) does not count."""
    parts = _TAG.split(html)
    visible = _visible_characters(parts)
    run = _last_breaking_run(visible)
    if run is None:
        return html
    # From the run's end back, so that offsets earlier in a part stay valid.
    for position in reversed(run):
        part, offset = visible[position][0], visible[position][1]
        tie = NO_BREAK_SPACE if position == run[0] else ""
        parts[part] = parts[part][:offset] + tie + parts[part][offset + 1:]
    return "".join(parts)


def _visible_characters(parts: list[str]) -> list[tuple[int, int, str]]:
    """(index of the part, offset in it, character) of each character of the text that stays
    in the line: not in tags, not in a footnote. Odd parts are tags."""
    found: list[tuple[int, int, str]] = []
    in_footnote = False
    for index, part in enumerate(parts):
        if index % 2:
            if part.startswith('<span class="footnote'):
                in_footnote = True
            elif in_footnote and part == "</span>":
                in_footnote = False
            continue
        if not in_footnote:
            found.extend((index, offset, char) for offset, char in enumerate(part))
    return found


def _last_breaking_run(visible: list[tuple[int, int, str]]) -> list[int] | None:
    """The positions in `visible` of the run of breaking spaces before the last word, or
    None when the text has fewer than two words."""
    end = len(visible)
    while end and visible[end - 1][2].isspace():
        end -= 1
    last = end - 1
    while last >= 0 and not _breaks(visible[last][2]):
        last -= 1
    first = last
    while first > 0 and _breaks(visible[first - 1][2]):
        first -= 1
    if last < 0 or not any(not char.isspace() for _, _, char in visible[:first]):
        return None
    return list(range(first, last + 1))


def _breaks(char: str) -> bool:
    """A space where a line may break (a no-break space is not one)."""
    return char.isspace() and char != NO_BREAK_SPACE


def symbols_set_apart(html: str) -> str:
    """Each run of characters the book face lacks (in its roman or its italic) wrapped in
    `<span class="symbol">`, which print.css sets with no height: drawn from a fallback
    font with a taller ascent and descent, it would make its line taller than the grid's
    and push every line after it off the grid. Only text is touched, never tags."""
    lacking = _lacking_book_face()
    parts = _TAG.split(html)
    for index in range(0, len(parts), 2):
        parts[index] = lacking.sub(r'<span class="symbol">\g<0></span>', parts[index])
    return "".join(parts)


@lru_cache(maxsize=1)
def _lacking_book_face() -> re.Pattern[str]:
    """A pattern matching runs of characters outside both faces of the book font (spaces,
    line ends and the characters of entities never count)."""
    from fontTools.ttLib import TTFont

    from publish.render.assets import FONT_FACES, FONTS_DIR

    covered: set[int] | None = None
    for family, _, filename in FONT_FACES:
        if family.startswith("EB Garamond"):
            cmap = set(TTFont(FONTS_DIR / filename, lazy=True).getBestCmap())
            covered = cmap if covered is None else covered & cmap
    points = sorted((covered or set()) | {ord(char) for char in " \t\n\u00a0&;#"})
    return re.compile("[^" + "".join(_range_class(low, high) for low, high in _ranges(points)) + "]+")


def _ranges(points: list[int]) -> list[tuple[int, int]]:
    """Consecutive code points as (first, last) runs."""
    found: list[tuple[int, int]] = []
    for point in points:
        if found and point == found[-1][1] + 1:
            found[-1] = (found[-1][0], point)
        else:
            found.append((point, point))
    return found


def _range_class(low: int, high: int) -> str:
    return re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}"
