"""Runts: a scene's or a play's last page holding only one or two lines, the next scene or
play starting overleaf. They are found in a print layout (WeasyPrint's box tree, as
pagemap.py reads it) and pulled forward by laying the book out again with the pages before
the runt ended a line or two early, as a typesetter runs a spread short:

- the runt's page is a recto, so the verso before it faces it: that verso alone is
  shortened, by the lines the runt lacks;
- the runt's page is a verso: the spread before it is shortened, both pages by one line
  (each line the verso gives up goes on through the recto), so that spread still ends on
  one baseline;
- the runt is the division's second page: its first page alone is shortened (whatever
  faces it ends another division).

Shortened pages (`{page index: lines}`) become `@page :nth(N)` rules with a deeper foot
margin (page.py). Only the book style is laid out this way: the acting manuscript's pages
are loose sheets.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

RUNT_LINES = 3  # a scene's or play's last page holds at least this many lines
MOST_SHORTENED = 4  # lines a page may give up, over all the layouts


def shortened_pages(document: Any, shortened: dict[int, int]) -> dict[int, int] | None:
    """The pages to shorten (`shortened` and what this layout's runts add), or None when the
    layout has no runt that shortening more can pull forward."""
    pages = document.pages
    wanted = dict(shortened)
    for indexes in division_pages(document):
        last = indexes[-1]
        lines = text_lines(pages[last])
        if len(indexes) < 2 or lines >= RUNT_LINES or indexes[-2] != last - 1:
            continue
        before = last - 1
        if _is_recto(before) and before - 1 in indexes:
            targets = {before - 1: 1, before: 1}
        else:
            targets = {before: RUNT_LINES - lines}
        for index, more in targets.items():
            wanted[index] = min(MOST_SHORTENED, wanted.get(index, 0) + more)
    return wanted if wanted != shortened else None


def _is_recto(index: int) -> bool:
    return index % 2 == 0  # the first page (index 0) is a recto


def division_pages(document: Any) -> list[list[int]]:
    """For each division of each play (each `section.division`), the indexes of the pages
    it has boxes on, in order."""
    found: dict[int, list[int]] = {}
    for index, page in enumerate(document.pages):
        for element in _divisions_on(page._page_box.children[0]):
            pages = found.setdefault(id(element), [])
            if not pages or pages[-1] != index:
                pages.append(index)
    return list(found.values())


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
    """The lines of text in a page's text block (its footnotes and margins left out)."""
    from weasyprint.formatting_structure import boxes

    count = 0
    stack = [page._page_box.children[0]]  # the root box; [1] is the footnote area
    while stack:
        box = stack.pop()
        if isinstance(box, boxes.LineBox):
            count += any(isinstance(child, boxes.TextBox) and child.text.strip()
                         for child in box.descendants())
            continue
        stack.extend(getattr(box, "children", ()))
    return count
