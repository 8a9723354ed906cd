"""The print edition's lines as WeasyPrint laid them out: widows and orphans, words broken
only at a hyphen (URLs excepted), nothing wider than the text block.

Read from WeasyPrint's own layout (its page boxes), where a paragraph is one element however
many pages its lines fall on; the PDF keeps no trace of which line belongs to which. The
default books are laid out once for the module (about 1.5 s), with the print PDF's code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import pytest

from print_support import small_project
from publish.build.assemble import assemble
from publish.build.outputs import print_layout
from publish.build.stamp import build_stamp
from publish.reading.files import ProjectFiles

HYPHEN = "\u2010"  # WeasyPrint's default hyphenate-character, added where it breaks a word
URL = re.compile(r"(https?://|www\.)\S+")


@pytest.fixture(scope="module")
def laid_out(laid_out_books) -> dict:
    """{book id: WeasyPrint document}: the default books laid out as their print PDFs are
    (once per session: conftest)."""
    return laid_out_books


def layout_small(root: Path):
    from publish.config import load
    config = load(root)
    job = assemble(config, config.books[0])
    stamp, _ = build_stamp(job.root, list(job.manuscripts.values()))
    return print_layout(job, ProjectFiles(job.root), stamp, job.settings)[-1]


# ---------------------------------------------------------------- walking WeasyPrint's boxes


def descendants(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from descendants(child)


def paragraph_lines(document) -> dict[int, list[tuple[int, object]]]:
    """{id of an element: [(page index, line box), ...]} for every element whose own lines
    (not its children's) are in the text block, in reading order, across pages."""
    from weasyprint.formatting_structure import boxes
    lines = defaultdict(list)
    for index, page in enumerate(document.pages):
        text_block = page._page_box.children[0]  # the root box; [1] is the footnote area
        for box in descendants(text_block):
            if isinstance(box, boxes.BlockContainerBox) and box.element is not None:
                for child in box.children:
                    if isinstance(child, boxes.LineBox):
                        lines[id(box.element)].append((index, child))
    return lines


def line_text(line) -> str:
    """The line's own text: generated content (a speaker's full stop, footnote calls) left
    out, so it can be found in the source."""
    from weasyprint.formatting_structure import boxes
    return "".join(box.text for box in line.descendants()
                   if isinstance(box, boxes.TextBox) and "::" not in box.element_tag)


def element_of(line):
    return next(box.element for box in line.descendants() if box.element is not None)


def source_text(element) -> str:
    """The element's text as written, spaces collapsed; footnotes (floated away) left out."""
    parts = []

    def visit(node):
        if "footnote" not in (node.get("class") or "").split():
            parts.append(node.text or "")
            for child in node:
                visit(child)
        parts.append(node.tail or "")
    parts.append(element.text or "")
    for child in element:
        visit(child)
    return " ".join("".join(parts).split())


# ---------------------------------------------------------------- widows and orphans


def split_paragraphs(document) -> list[list[int]]:
    """For each element whose lines fall on more than one page, its line count per page."""
    split = []
    for lines in paragraph_lines(document).values():
        pages = [page for page, _ in lines]
        if len(set(pages)) > 1:
            split.append([pages.count(page) for page in sorted(set(pages))])
    return split


def test_split_paragraphs_leave_two_lines_or_more_on_each_page(laid_out):
    checked = 0
    for book_id, document in laid_out.items():
        for counts in split_paragraphs(document):
            assert counts[0] >= 2, (book_id, "orphan", counts)
            assert counts[-1] >= 2, (book_id, "widow", counts)
            checked += 1
    assert checked >= 5  # the books do split paragraphs across pages: the rule is exercised


# ---------------------------------------------------------------- where lines break


def line_breaks(document):
    """(text before, text after, the source text of their element) for each pair of lines
    that follow each other in one element, on one page or over a page break."""
    for lines in paragraph_lines(document).values():
        source = source_text(element_of(lines[0][1]))
        for (_, before), (_, after) in pairwise(lines):
            yield line_text(before), line_text(after), source


def classify_break(before: str, after: str, source: str) -> str:
    """'hyphen' (WeasyPrint hyphenated a word), 'space', 'url' (inside a URL, where no hyphen
    may be added), 'mid-word' (a word cut with no hyphen) or 'other' (at punctuation)."""
    if before.endswith(HYPHEN):
        return "hyphen"
    if not (before[-1:].isalnum() and after[:1].isalnum()):
        return "other"
    tail, head = before.split()[-1] if before.split() else before, after.split()[0]
    if f"{tail} {head}" in source:
        return "space"
    token = next((t for t in source.split() if f"{tail}{head}" in t), "")
    return "url" if URL.search(token) else "mid-word"


def test_running_text_breaks_words_only_at_a_hyphen(laid_out):
    kinds = defaultdict(list)
    for document in laid_out.values():
        for before, after, source in line_breaks(document):
            kinds[classify_break(before, after, source)].append((before[-25:], after[:25]))
    assert kinds["mid-word"] == []
    assert len(kinds["hyphen"]) > 50 and len(kinds["space"]) > 300  # both books hyphenate


LONG_URL = "https://example.org/" + "x" * 90  # no break opportunity: wider than any measure
LONG_TEXT = ("Incomprehensibilities notwithstanding, institutionalisation and "
             "counterrevolutionaries characterise uncharacteristically interdisciplinary "
             "conversations. ") * 3


def test_a_long_url_breaks_inside_the_text_block_and_words_still_hyphenate(tmp_path):
    """A bare URL wider than the measure, in prose, a speech and a list, and a link's URL in
    its footnote, are broken (anywhere: a URL takes no added hyphen) rather than set into the
    margin; the words around them hyphenate."""
    text = (f"## P\n\nA note before the play: {LONG_URL} and {LONG_TEXT}\n\n----------\n\n"
            f"**A**: See {LONG_URL} then {LONG_TEXT}\n\n- {LONG_URL} {LONG_TEXT}\n\n"
            f"**B**: A [link]({LONG_URL}y).\n")
    document = layout_small(small_project(tmp_path, text))
    kinds = defaultdict(int)
    for before, after, source in line_breaks(document):
        kinds[classify_break(before, after, source)] += 1
    assert kinds["mid-word"] == 0 and kinds["url"] >= 3 and kinds["hyphen"] >= 3
    assert overflowing_lines(document) == []


def overflowing_lines(document) -> list[str]:
    """Text set outside the page's text block, left or right, in the text or the footnotes
    (a footnote number hung in the margin came within 0.2in of the spine)."""
    from weasyprint.formatting_structure import boxes
    found = []
    for page in document.pages:
        box = page._page_box
        left, right = box.content_box_x(), box.content_box_x() + box.width
        for area in box.children:  # the root box, then the footnote area if any
            for child in descendants(area):
                if isinstance(child, boxes.TextBox) and (
                        child.position_x < left - 0.5 or child.position_x + child.width > right + 0.5):
                    found.append(child.text)
    return found


def test_no_line_of_the_default_books_reaches_past_the_text_block(laid_out):
    for document in laid_out.values():
        assert overflowing_lines(document) == []


def test_the_weasyprint_fixes_refuse_a_weasyprint_they_were_not_written_for(monkeypatch):
    """publish/render/weasy/patches.py replaces a few lines of WeasyPrint 70's own code; on
    code without those lines it must say so, not patch blindly or silently do nothing."""
    from weasyprint.layout import block

    from publish.render.weasy import patches as weasyprint_fixes

    def _linebox_layout(context, box):  # another WeasyPrint's, without the condition
        return None

    monkeypatch.setattr(block, "_linebox_layout", _linebox_layout)
    with pytest.raises(weasyprint_fixes.WeasyPrintFixError,
                       match=r"_linebox_layout changed; review publish/render/weasy/patches.py"):
        weasyprint_fixes.apply()
