"""Runts: a scene's or a play's last page holding only one or two lines, the next scene or
play starting overleaf. They are found as the print layout makes its pages (WeasyPrint's
box tree, as pagemap.py reads it) and pulled forward by making the pages again from those
before the runt, ended a line or two early, as a typesetter runs a spread short:

- the runt's page is a recto, so the verso before it faces it: that verso alone is
  shortened, by the lines the runt lacks;
- the runt's page is a verso: the spread before it is shortened, both pages by one line
  (each line the verso gives up goes on through the recto), so that spread still ends on
  one baseline;
- the runt is the division's second page: its first page alone is shortened (whatever
  faces it ends another division).

A shortened page (`{page index: lines}`) gets a foot margin deeper by whole lines
(render/weasy/page_making.py), so its last line still sits on the grid. Only the book style
is laid out this way: the acting manuscript's pages are loose sheets.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

RUNT_LINES = 3  # a scene's or play's last page holds at least this many lines
MOST_SHORTENED = 4  # lines a page may give up, over all the tries


class RuntPuller:
    """The rule, asked as the layout makes each page (render/weasy/page_making.py): given
    the pages made so far, which pages to shorten so that the page before the one just
    made is not a runt (or the page just made, when it is the last)."""

    def __init__(self, first_recto: bool = True) -> None:
        self.tries: dict[int, int] = {}  # runt page index -> times pulled at
        # Whether the layout's first page is a recto: a part of the print edition laid out on
        # its own (render/print_parts.py) may begin on a verso.
        self.first_recto = first_recto

    def shorten(self, made: list[Any], index: int, last: bool,
                shortened: dict[int, int]) -> dict[int, int]:
        """{page index: lines} for the pages to shorten (their new totals), or {} when
        no runt shows, or shortening more cannot pull it forward."""
        runt = index if last else index - 1
        if runt < 1:
            return {}
        division = _ending_division(made, runt, None if last else made[index])
        if division is None or division not in _divisions_on(made[runt - 1].children[0]):
            return {}
        lines = text_lines(made[runt])
        if lines >= RUNT_LINES or self.tries.get(runt, 0) >= RUNT_TRIES:
            return {}
        before = runt - 1
        if self._is_recto(before) and before >= 1 and division in _divisions_on(made[before - 1].children[0]):
            targets = {before - 1: 1, before: 1}
        else:
            targets = {before: RUNT_LINES - lines}
        wanted = {page: min(MOST_SHORTENED, shortened.get(page, 0) + more)
                  for page, more in targets.items()}
        wanted = {page: total for page, total in wanted.items() if total != shortened.get(page, 0)}
        if wanted:
            self.tries[runt] = self.tries.get(runt, 0) + 1
        return wanted

    def _is_recto(self, index: int) -> bool:
        return index % 2 == (0 if self.first_recto else 1)


# Times a runt is pulled at, at most: a try that still leaves one shortens the same pages
# more (up to MOST_SHORTENED lines each).
RUNT_TRIES = 2


def _ending_division(made: list[Any], index: int, following: Any) -> Any:
    """The division whose last page is `made[index]` (it is not on the `following` page),
    or None."""
    on_page = list(_divisions_on(made[index].children[0]))
    if not on_page:
        return None
    division = on_page[-1]
    if following is not None and division in _divisions_on(following.children[0]):
        return None
    return division


def _divisions_on(box: Any) -> Iterator[Any]:
    """The division elements with a box on this page, found without entering lines."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.LineBox):
        return
    element = getattr(box, "element", None)
    if element is not None and box.element_tag == "section" and \
            "division" in (element.get("class") or "").split():
        yield element
        return  # divisions do not nest
    for child in getattr(box, "children", ()):
        yield from _divisions_on(child)


def text_lines(page: Any) -> int:
    """The lines of text in a page's text block (its footnotes and margins left out):
    `page` a WeasyPrint PageBox, or a laid-out document's page."""
    from weasyprint.formatting_structure import boxes

    count = 0
    page_box = getattr(page, "_page_box", page)
    stack = [page_box.children[0]]  # the root box; [1] is the footnote area
    while stack:
        box = stack.pop()
        if isinstance(box, boxes.LineBox):
            count += any(isinstance(child, boxes.TextBox) and child.text.strip()
                         for child in box.descendants())
            continue
        stack.extend(getattr(box, "children", ()))
    return count
