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


# ---------------------------------------------------------------- typography (issue 23)

DESCENT = 0.29  # EB Garamond's descent in ems (both faces): a char's box ends this far below its baseline


def main_size(line) -> float:
    """The size most of a line's drawn characters are set in."""
    from collections import Counter
    sizes = Counter(round(char["size"], 1) for char in line["chars"] if char["text"].strip())
    return sizes.most_common(1)[0][0]


def baseline(page, line) -> float:
    """A text line's baseline, from the trim's top: that of its characters of the main size
    in the book face."""
    size = main_size(line)
    chars = [char for char in line["chars"] if abs(char["size"] - size) < 0.05
             and "EB-Garamond" in char["fontname"]] or line["chars"]
    return max(char["bottom"] for char in chars) - page.trimbox[1] - DESCENT * size


def descendants(box):
    """A WeasyPrint box and every box under it, in order."""
    yield box
    for child in getattr(box, "children", ()):
        yield from descendants(child)


def text_of(box) -> str:
    """A box's text as drawn: generated content (a speaker's full stop, calls) included."""
    from weasyprint.formatting_structure import boxes as wboxes
    return "".join(child.text for child in descendants(box) if isinstance(child, wboxes.TextBox))


def element_lines(document) -> list[tuple[object, list]]:
    """(element, its own line boxes in reading order, across pages) for every element of a
    WeasyPrint document whose block holds lines."""
    from weasyprint.formatting_structure import boxes as wboxes
    found: dict[int, tuple[object, list]] = {}
    for page in document.pages:
        for box in descendants(page._page_box):
            if isinstance(box, wboxes.BlockContainerBox) and box.element is not None:
                for child in box.children:
                    if isinstance(child, wboxes.LineBox):
                        found.setdefault(id(box.element), (box.element, []))[1].append(child)
    return list(found.values())


# ---------------------------------------------------------------- a generated long play

# Words of every length, long ones that hyphenate among them, so that lines break in every
# way: at spaces, at hyphens, before long words that do not fit.
LONG_PLAY_WORDS = ["the", "of", "and", "a", "to", "in", "is", "you", "that", "it", "was", "for", "on", "are", "as", "with", "they", "at", "be", "this", "have", "from", "or", "one", "had", "by", "word", "but", "not", "what", "all", "were", "we", "when", "your", "can", "said", "there", "use", "each", "which", "she", "do", "how", "their", "if", "will", "up", "other", "about", "out", "many", "then", "them", "these", "so", "some", "would", "make", "like", "into", "time", "has", "look", "two", "more", "write", "see", "number", "way", "could", "people", "than", "first", "water", "been", "call", "who", "its", "now", "find", "long", "down", "day", "did", "get", "come", "made", "may", "part", "over", "new", "sound", "take", "only", "little", "work", "know", "place", "year", "live", "back", "give", "most", "very", "after", "thing", "our", "just", "name", "good", "sentence", "man", "think", "say", "great", "where", "help", "through", "much", "before", "line", "right", "too", "mean", "old", "any", "same", "tell", "boy", "follow", "came", "want", "show", "also", "around", "form", "three", "small", "set", "put", "end", "does", "another", "well", "large", "must", "big", "even", "such", "because", "turn", "here", "why", "ask", "went", "men", "read", "need", "understanding", "responsibility", "extraordinary", "interpretability", "circumstances", "misunderstanding", "characteristically", "institutional", "representation", "generalization", "optimization", "consideration", "fundamentally", "overwhelming", "philosophical", "approximately", "nevertheless", "correspondence", "acknowledgement", "simultaneously", "superintelligence", "uncomfortable", "possibilities", "reinforcement"]
LONG_PLAY_TITLE = "The Interpretation of Ordinary Conversations Between Optimists and Doomers"


def long_play(seed: int = 10, scenes: int = 6) -> str:
    """A play of several scenes of random length (so that scenes end anywhere on a page):
    speeches of one to eight sentences, some with a delivery, a link (followed by closing
    punctuation, in running text and in a quotation) or a symbol from the fallback font,
    block directions, and a scene of prose
    with a list and a quotation. Its title and some scene titles are long enough to break."""
    import random
    rng = random.Random(seed)
    links = 0

    def sentence() -> str:
        nonlocal links
        words = [rng.choice(LONG_PLAY_WORDS) for _ in range(rng.randint(4, 18))]
        text = " ".join(words).capitalize()
        roll = rng.random()
        if roll < 0.08:
            links += 1
            text += f" [in the essay](https://example.org/essays/{links}/{'-'.join(words[:3])})"
        elif roll < 0.1:
            text += " \u27fa " + rng.choice(LONG_PLAY_WORDS)  # a symbol the book face lacks
        return text + rng.choice([".", ".", ",", "?", "!", ";"])

    lines = [f"## {LONG_PLAY_TITLE}\n"]
    for scene in range(1, scenes + 1):
        title = (": A Long Conversation About Understanding Institutional Responsibility"
                 if scene % 3 == 0 else f": Part {scene}")
        lines.append(f"### Scene {scene}{title}\n")
        for index in range(rng.randint(8, 36)):
            who = ("Alice", "Bob", "Carol")[index % 3]
            delivery = "_[quietly]_ " if rng.random() < 0.15 else ""
            speech = " ".join(sentence() for _ in range(rng.choice([1, 1, 2, 3, 5, 8])))
            lines.append(f"**{who}**: {delivery}{speech}\n")
            if rng.random() < 0.1:
                lines.append(f"_[{sentence()}]_\n")
        if scene == scenes - 1:
            lines.append("Notes between the speeches, as prose.\n")
            lines.append("\n".join(f"- {sentence()}" for _ in range(4)) + "\n")
            lines.append(f"> {sentence()} {sentence()} See [the note](https://example.org/q).\n")
    return "\n".join(lines)


@dataclass
class LaidOut(Built):
    """A book built as its print PDF (at `path`) and laid out as it is (`document`, for
    the tests that read WeasyPrint's boxes)."""

    document: object = None


def lay_out_long_play(folder: Path) -> LaidOut:
    """The generated long play (`long_play`) in a project of its own, built and laid out."""
    return lay_out_project(small_project(folder, long_play()))


def lay_out_project(root: Path) -> LaidOut:
    """A small_project's book built as its print PDF and laid out as it is."""
    from publish.build.outputs import print_layout
    from publish.build.stamp import build_stamp
    from publish.reading.files import ProjectFiles

    path = build_small(root)
    config = load(root)
    job = assemble(config, config.books[0])
    stamp, _ = build_stamp(job.root, list(job.manuscripts.values()))
    return LaidOut(job, path, print_layout(job, ProjectFiles(job.root), stamp, job.settings)[-1])


# ---------------------------------------------------------------- baselines and page turns


def lowest_baseline(page) -> float | None:
    """The last baseline of a page's text block: its last line of text or of footnotes."""
    lines = [line for line in page.extract_text_lines()
             if TOP_MARGIN - 2 <= relative_top(page, line) <= TRIM[1] - BOTTOM_MARGIN]
    return max((baseline(page, line) for line in lines), default=None)


@dataclass
class PageKind:
    number: int  # 1-based
    lines: list  # body lines (text block, not footnotes)
    starts_division: bool  # a scene's (or a play's first division's) first page
    has_folio: bool


def page_kinds(pages) -> list[PageKind]:
    """What each page is: a division starts on a page with a folio and no running head
    (print.css drops the head there); openers and front matter have no folio."""
    return [PageKind(number, body_lines(page), bool(folio_text(page)) and not head_text(page),
                     bool(folio_text(page))) for number, page in enumerate(pages, 1)]


def ends_division(kinds: list[PageKind], index: int) -> bool:
    """Whether the page at `index` is the last of its scene or play: what follows is a new
    division, an opener, a blank page or the end of the book."""
    following = kinds[index + 1] if index + 1 < len(kinds) else None
    return following is None or following.starts_division or not following.has_folio
