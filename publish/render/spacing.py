"""How loose a laid-out book's justified lines are: the widest space between words of any
line, as a share of its type size (the em), read from WeasyPrint's box tree (as pagemap.py
does). The build reports the loosest line of each print PDF (`publish … --verbose`), and the
tests hold it under a threshold.

A justified line's spaces are the face's own space (EB Garamond's: 0.2 em in the roman,
0.25 em in the italic), plus `word-spacing`, plus what WeasyPrint adds to every space of the
line to fill the measure (`justification_spacing`). A line holding a single word, or a
paragraph's last line, is not stretched and is not counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class LooseLine:
    space: float  # the widest space between two of its words, in ems of its type
    page: int  # 1-based page number
    text: str  # the line's text


def justified_lines(document: Any) -> Iterator[tuple[int, Any, float]]:
    """(page number, line box, widest space in ems) for every line of the text block that
    WeasyPrint stretched to the measure (footnotes and margin boxes left out)."""
    from weasyprint.formatting_structure import boxes

    for number, page in enumerate(document.pages, 1):
        stack = [page._page_box.children[0]]  # the root box; [1] is the footnote area
        while stack:
            box = stack.pop()
            if isinstance(box, boxes.LineBox):
                widest = widest_space(box)
                if widest is not None:
                    yield number, box, widest
                continue
            stack.extend(getattr(box, "children", ()))


def loosest_line(document: Any) -> LooseLine | None:
    """The justified line with the widest space between words, if any line was justified."""
    from weasyprint.formatting_structure import boxes

    loosest: LooseLine | None = None
    for number, line, widest in justified_lines(document):
        if loosest is None or widest > loosest.space:
            text = "".join(box.text for box in line.descendants() if isinstance(box, boxes.TextBox))
            loosest = LooseLine(round(widest, 4), number, " ".join(text.split()))
    return loosest


def widest_space(line: Any) -> float | None:
    """The widest space of a stretched line box, in ems, or None if it was not stretched."""
    from weasyprint.formatting_structure import boxes

    widest: float | None = None
    for box in line.descendants():
        if not isinstance(box, boxes.TextBox) or not getattr(box, "justification_spacing", 0):
            continue
        if not (box.text.count(" ") + box.text.count("\u00a0")):
            continue
        size = box.style["font_size"]
        own = space_advance(box.style["font_style"] != "normal") * size
        space = (own + box.style["word_spacing"] + box.justification_spacing) / size
        widest = space if widest is None else max(widest, space)
    return widest


@lru_cache(maxsize=2)
def space_advance(italic: bool) -> float:
    """The width of the book face's space, in ems (from the font file)."""
    from fontTools.ttLib import TTFont

    from publish.render.assets import FONT_FACES, FONTS_DIR

    filename = next(name for family, style, name in FONT_FACES
                    if family.startswith("EB Garamond") and (style == "italic") == italic)
    font = TTFont(FONTS_DIR / filename, lazy=True)
    width: int = font["hmtx"][font.getBestCmap()[ord(" ")]][0]
    units_per_em: int = font["head"].unitsPerEm
    return width / units_per_em
