"""Helpers for the print PDF tests (test_print_*.py): small projects, the default books as
built once per session, and reading pages back (text block lines, heads, folios, footnotes).

Positions are measured from each page's TrimBox, in points (72 per inch).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pypdf

from publish import model as m
from publish.build.assemble import assemble
from publish.build.jobs import BookJob
from publish.build.plan import build
from publish.config import load

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
TRIM = (396.0, 612.0)  # 5.5in x 8.5in
TOP_MARGIN, BOTTOM_MARGIN = 54.0, 61.2  # 0.75in, 0.85in: the book style at 5.5x8.5in
BODY_SIZE = 9.4  # body 11pt, scene labels 9.5pt; footnotes 7.5pt, running heads 9pt (in the margin)
FOOTNOTE_SIZE = 7.5  # print.css: nothing else is set at this size
CALL_LARGEST = 7.3  # a footnote call is 0.65em: 7.15pt in 11pt text, 6.5pt in a 10pt quotation


@dataclass
class Built:
    job: BookJob
    path: Path

    def pages(self):
        return pdfplumber.open(self.path).pages


def small_project(tmp_path: Path, text: str, book_extra: str = "", name: str = "play.md") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "book.yaml").write_text(
        f"books:\n  small:\n    title: Small\n    manuscripts: [{name}]\n{book_extra}", encoding="utf-8")
    return tmp_path


def build_small(root: Path, profile: str | None = None) -> Path:
    config = load(root)
    job = assemble(config, config.books[0])
    build(job, ("pdf",), root / "dist", profile=profile)
    return root / "dist" / "small.pdf"


def boxes(path: Path, index: int = -1) -> tuple[list[float], ...]:
    pdf_page = pypdf.PdfReader(path).pages[index]
    return tuple([float(v) for v in box] for box in (pdf_page.mediabox, pdf_page.trimbox, pdf_page.bleedbox))


# ---------------------------------------------------------------- reading pages


def relative_top(page, line) -> float:
    return line["top"] - page.trimbox[1]


def body_lines(page) -> list[dict]:
    """Text lines of the text block: not the running head or folio, not footnotes."""
    lines = []
    for line in page.extract_text_lines():
        top = relative_top(page, line)
        if top < TOP_MARGIN - 2 or top > TRIM[1] - BOTTOM_MARGIN:
            continue
        if max(char["size"] for char in line["chars"]) < BODY_SIZE:
            continue
        lines.append(line)
    return lines


def head_text(page) -> str:
    return " ".join(line["text"] for line in page.extract_text_lines()
                    if relative_top(page, line) < TOP_MARGIN - 10)


def folio_text(page) -> str:
    return " ".join(line["text"] for line in page.extract_text_lines()
                    if relative_top(page, line) > TRIM[1] - BOTTOM_MARGIN + 5)


def contents_entries(pages) -> list[tuple[str, int]]:
    """(title, page number) from the contents page's leader lines."""
    contents = next(p for p in pages if any(line["text"] == "Contents" for line in p.extract_text_lines()))
    entries = []
    for line in contents.extract_text_lines():
        found = re.match(r"^(.*?)[ .]*\.\s*(\d+)$", line["text"])
        if found:
            entries.append((found.group(1).strip(), int(found.group(2))))
    return entries


def play_start_pages(pages, book: m.Book) -> list[int]:
    """1-based pages whose large type (over 18pt: a play's title) is a play's title."""
    large = [" ".join("".join(c["text"] for c in page.chars if c["size"] > 18).split()) for page in pages]
    large = ["".join(text.split()) for text in large]
    starts = []
    for play in book.plays:
        title = "".join(play.meta.title.split())
        starts.append(next(number for number, text in enumerate(large, 1) if text == title))
    return starts


# ---------------------------------------------------------------- footnotes


def is_footnote(char) -> bool:
    return abs(char["size"] - FOOTNOTE_SIZE) < 0.05


def footnote_calls(page) -> list[int]:
    """The numbers of the footnote calls on a page, in reading order: runs of digits set
    smaller than any text but the calls (superscripts at 0.65em)."""
    calls, run = [], ""
    for char in page.chars:
        if char["text"].isdigit() and char["size"] < CALL_LARGEST:
            run += char["text"]
            continue
        if run:
            calls.append(int(run))
            run = ""
    return calls + ([int(run)] if run else [])


def footnote_notes(page) -> list[tuple[int, str]]:
    """(number, text) of each footnote at a page's foot: the lines set at the footnote size,
    a note starting at its marker `N. ` and running on over the lines that follow it."""
    notes: list[tuple[int, str]] = []
    for line in page.extract_text_lines():
        if not all(is_footnote(c) for c in line["chars"] if c["text"].strip()):
            continue
        start = re.match(r"^(\d+)\. (.*)$", line["text"])
        if start:
            notes.append((int(start.group(1)), start.group(2)))
        elif notes:
            notes[-1] = (notes[-1][0], notes[-1][1] + line["text"])
    return notes


def footnote_pages(pages) -> tuple[dict[int, int], dict[int, int], dict[int, str]]:
    """({call: 1-based page}, {note: 1-based page}, {note: its text}) over a whole PDF;
    a number seen twice keeps its first page, so a duplicate shows as a mismatch elsewhere."""
    calls, notes, texts = {}, {}, {}
    for number, page in enumerate(pages, 1):
        for call in footnote_calls(page):
            calls.setdefault(call, number)
        for note, text in footnote_notes(page):
            notes.setdefault(note, number)
            texts.setdefault(note, text)
    return calls, notes, texts
