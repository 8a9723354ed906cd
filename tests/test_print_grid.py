"""Every line of a scene on the baseline grid whatever the scene holds, and titles set in
balanced lines (issue 23), measured on a generated play of what breaks a grid: images of
every proportion (alone, as figures, among words, in quotations and in letters), letters of
three to six header fields (one quoted in a list item), code, headings in prose, lists,
nested quotations, missing images, block directions, and play and scene titles of every
length (some with a link, so a footnote, in them).

Positions are read from the print PDF (pdfplumber), titles' lines from WeasyPrint's boxes.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from print_support import (
    baseline,
    body_lines,
    element_lines,
    folio_text,
    lay_out_project,
    main_size,
    small_project,
    text_of,
)
from publish.build.assemble import assemble
from publish.build.stamp import build_stamp
from publish.config import load
from publish.reading.files import ProjectFiles
from publish.render import page as geometry
from publish.render.weasy.blocks import padding_to_grid

WORDS = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "seven", "extraordinary", "institutional", "correspondents", "deliberate", "about", "responsibility"]
# Width x height in pixels: panoramas, portraits, squares, a sliver, an icon.
IMAGES = [(1200, 317), (300, 900), (500, 500), (777, 431), (1600, 90), (40, 13), (640, 481)]
FIELDS = ["From", "To", "Cc", "Date", "Subject", "Reply-To"]


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def title(rng: random.Random) -> str:
    return " ".join(word.capitalize() for word in words(rng, rng.randint(2, 16)).split())


def grid_play(folder: Path, seed: int = 23, scenes: int = 7) -> str:
    """The play's Markdown; its images are written into `folder`."""
    from PIL import Image

    rng = random.Random(seed)
    for index, size in enumerate(IMAGES):
        Image.new("RGB", size, (180, 110 + 15 * index, 60)).save(folder / f"image-{index}.png")
    parts = [f"## {title(rng)} And Then [A Link](https://example.org/play) And A Last Word\n"]
    for scene in range(1, scenes + 1):
        link = f" [And A Link](https://example.org/scene/{scene})" if scene % 3 == 0 else ""
        parts.append(f"### Scene {scene}: {title(rng)}{link}\n")
        for index in range(rng.randint(10, 18)):
            link = f" [{words(rng, 2)}](https://example.org/{scene}/{index})," if index % 4 == 1 else ""
            parts.append(f"**{('Alice', 'Bob')[index % 2]}**: {words(rng, rng.randint(5, 60))}{link}"
                         f" {words(rng, 3)}.\n")
            roll = rng.random()
            image = f"image-{rng.randrange(len(IMAGES))}.png"
            if roll < 0.12:
                parts.append(f"![{words(rng, rng.randint(0, 20))}]({image})\n")
            elif roll < 0.18:
                parts.append(f"**Bob**: Look: ![a picture]({image}) and {words(rng, 12)}.\n")
            elif roll < 0.3:
                fields = FIELDS[:rng.randint(3, 6)]
                headers = "  \n".join(f"**{key}**: {words(rng, rng.randint(1, 9))}" for key in fields)
                body = "\n\n".join(words(rng, rng.randint(8, 50)) for _ in range(rng.randint(1, 3)))
                parts.append(f"{headers}\n\n{body}\n\n-----\n")
            elif roll < 0.36:
                parts.append("```\n" + "\n".join(words(rng, rng.randint(2, 14))
                                                  for _ in range(rng.randint(1, 4))) + "\n```\n")
            elif roll < 0.42:
                parts.append(f"#### {title(rng)}\n\n{words(rng, 30)}.\n\n---\n")
            elif roll < 0.5:
                parts.append("\n".join(f"- {words(rng, rng.randint(3, 30))}" for _ in range(3)) + "\n")
            elif roll < 0.56:
                parts.append(f"> {words(rng, rng.randint(10, 60))}.\n")
            elif roll < 0.6:
                parts.append("![nowhere](missing-image.png)\n")
            elif roll < 0.7:
                parts.append(f"[{words(rng, rng.randint(3, 30)).capitalize()}.]\n")
            elif roll < 0.74:  # a letter quoted in a list item, an image in it
                parts.append(f"- {words(rng, 6)}:\n\n  **From**: {words(rng, 2)}  \n  **To**: {words(rng, 2)}"
                             f"  \n  **Date**: {words(rng, 3)}\n\n  {words(rng, 20)} ![a picture]({image})"
                             f" {words(rng, 10)}.\n")
            elif roll < 0.78:  # an image and a nested quotation with a link in a quotation
                parts.append(f"> {words(rng, 8)}:\n>\n> ![{words(rng, 4)}]({image})\n>\n"
                             f"> > {words(rng, 12)} [a link](https://example.org/{index}).\n")
    return "\n".join(parts)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """(print PDF pages, WeasyPrint document) of the generated play, a draft (its missing
    images are placeholders)."""
    folder = tmp_path_factory.mktemp("grid-play")
    laid_out = lay_out_project(small_project(folder, grid_play(folder), "    draft: true\n"))
    return laid_out.pages(), laid_out.document


def test_every_line_of_every_scene_sits_on_the_grid(built):
    """Running text, quotations, letters' bodies, headings in prose: every line of the text
    block from 10 to 12pt sits a whole number of 15pt lines below the book's first line of
    running text (the same place on every page), whatever came before it on its page. (A
    line's baseline within its 15pt line moves with its size by less than the 0.5pt allowed
    here; 9.5pt scene labels and smaller type are out of the measure.)"""
    pages, _ = built
    off, origin, lines, images = [], None, 0, 0
    for number, page in enumerate(pages, 1):
        if not folio_text(page):
            continue  # front matter and openers are not set on the grid
        images += len(page.images)
        for line in body_lines(page):
            if not 9.9 <= main_size(line) <= 12.1:
                continue
            lines += 1
            place = baseline(page, line)
            origin = place if origin is None and abs(main_size(line) - 11) < 0.1 else origin
            drift = (place - (origin or place)) % geometry.BOOK_LINE
            if min(drift, geometry.BOOK_LINE - drift) > 0.5:
                off.append((number, line["text"][:30], round(drift, 2)))
    # The play really holds what the grid must survive.
    assert images >= 10 and lines >= 500
    assert not off, (len(off), off[:8])


TITLES = {"play-title", "scene-title", "book-title"}


def title_lines(document) -> list[tuple[str, list[float], list[str]]]:
    """(class, width of each line, text of each line) of every title that wraps."""
    found = []
    for element, lines in element_lines(document):
        classes = set((element.get("class") or "").split()) & TITLES
        if classes and len(lines) > 1:
            widths = [sum(child.width for child in line.children) for line in lines]
            found.append((classes.pop(), widths, [text_of(line).strip() for line in lines]))
    return found


TITLE_FACES = {"play-title": (21.0, "normal"), "scene-title": (12.0, "italic"), "book-title": (24.0, "normal")}


def test_titles_that_wrap_are_set_in_balanced_lines(built):
    """Balanced: set in the narrowest width that keeps the title's number of lines, so no
    line's last word could move down without making the next line wider than the widest
    (not "An Extraordinarily Long Scene Title That Goes On And On / Across Lines"), and no
    line is under three fifths of the widest (long words can leave no better break)."""
    from publish.render.measure import text_width

    _, document = built
    wrapped = title_lines(document)
    assert len(wrapped) >= 4  # titles that do wrap were measured, scenes' and the play's
    for kind, widths, texts in wrapped:
        size, style = TITLE_FACES[kind]
        widest = max(widths) * 0.75  # CSS px to points
        assert min(widths) >= 0.6 * max(widths), (kind, texts)
        assert all(len(text.split()) >= 2 for text in texts), (kind, texts)
        for upper, lower in zip(texts, texts[1:], strict=False):
            last = upper.split()[-1]
            moved = text_width(f"{last} {lower}", size, style)
            assert moved > widest - 1, (kind, texts, round(moved), round(widest))


@pytest.mark.parametrize(("height", "line", "padding"), [
    (20.0, 20.0, 0.0), (40.0, 20.0, 0.0), (39.995, 20.0, 0.0), (40.005, 20.0, 0.0),
    (41.0, 20.0, 19.0), (1.0, 20.0, 19.0), (0.0, 20.0, 0.0), (59.5, 20.0, 0.5),
])
def test_a_block_is_padded_by_what_it_lacks_to_whole_lines(height, line, padding):
    assert padding_to_grid(height, line) == pytest.approx(padding)


def test_every_running_head_is_one_line_within_the_text_block(built):
    """The play's title (21 words) and scene titles too long for a head are cut to fit on
    one line of the head's margin box (render/heads.py); a margin box would wrap them over
    the text."""
    pages, _ = built
    heads = 0
    for number, page in enumerate(pages, 1):
        top = page.trimbox[1]
        lines = [line for line in page.extract_text_lines() if line["top"] - top < 50]
        if not lines:
            continue
        heads += 1
        assert len(lines) == 1, (number, [line["text"] for line in lines])
        left, right = page.trimbox[0], page.trimbox[2]
        assert left + 36 < lines[0]["x0"] and lines[0]["x1"] < right - 36, (number, lines[0]["text"])
    assert heads >= 20


def test_a_contents_entry_that_wraps_ends_in_its_words_leader_and_number(built):
    """Entries long enough to wrap keep clear of the page numbers' column; the leader and
    number follow the entry's last words, never on a line of dots of their own, and every
    number ends at the same x."""
    pages, _ = built
    contents = next(page for page in pages if any(line["text"] == "Contents" for line in page.extract_text_lines()))
    lines = contents.extract_text_lines()
    numbered = [line for line in lines if re.search(r"\.\s*\d+$", line["text"])]
    assert len(numbered) >= 8  # the play and its scenes
    wrapped = [line for line in lines if line not in numbered and line["text"] != "Contents"]
    assert len(wrapped) >= 2  # entries that do wrap were measured
    for line in numbered:
        assert re.search(r"[A-Za-z]", line["text"].rstrip("0123456789. ")), line["text"]
    assert max(line["x1"] for line in numbered) - min(line["x1"] for line in numbered) < 0.5


def grid_boxes(document) -> int:
    """How many laid-out boxes declare the grid (blocks.declared_grid)."""
    from print_support import descendants
    from publish.render.weasy.blocks import declared_grid
    return sum(declared_grid(box.style) is not None
               for page in document.pages for box in descendants(page._page_box))


def test_only_the_book_style_pads_blocks_to_its_grid(tmp_path):
    """The proof (11.5pt on 17.25pt lines) and the acting manuscript (12pt on 18pt) load
    print.css first and set their own leading: none of their blocks is padded to the book's
    15pt lines (the proof ran 30 pages to 33 when they were)."""
    from publish.build.outputs import _book_html, proof_play_html
    from publish.render import pdf

    root = small_project(tmp_path, "## P\n\n### Scene 1\n\n**A**: One.\n\n**B**: Two.\n\n> Three.\n")
    config = load(root)
    job = assemble(config, config.books[0])
    files = ProjectFiles(root)
    stamp, _ = build_stamp(root, list(job.manuscripts.values()))
    book = pdf.layout(_book_html(job, files, stamp, style="book"), root, files)
    manuscript = pdf.layout(_book_html(job, files, stamp, style="manuscript"), root, files)
    proof = pdf.layout(proof_play_html(job, files, stamp, 0), root, files)
    assert grid_boxes(book) >= 4
    assert grid_boxes(manuscript) == 0 and grid_boxes(proof) == 0


@pytest.mark.parametrize("title", [
    "And All the Shoggoths Merely Players",
    "A Play: With Everything In It Including A Very Long Title That Must Wrap Somewhere",
    "Responsibility Extraordinary Institutional Correspondents Deliberate About Everything Again",
    "Supercalifragilisticexpialidocious" * 4,
])
def test_a_head_is_cut_to_its_line_at_a_subtitle_or_a_word(title):
    from publish.render.heads import HEAD_WIDTH, PROOF_HEAD_WIDTH, proof_head, recto_head, verso_head
    from publish.render.measure import text_width

    verso, recto, proof = verso_head(title), recto_head(title), proof_head(title)
    assert text_width(verso, 9, small_caps=True, letter_spacing=0.08) <= HEAD_WIDTH
    assert text_width(recto, 9, "italic") <= HEAD_WIDTH
    assert text_width(proof, 9, "italic") <= PROOF_HEAD_WIDTH
    for head in (verso, recto, proof):
        kept = head.removesuffix("\u2026")
        assert title.startswith(kept) and kept  # a beginning of the title, never empty
        assert head == title or head.endswith("\u2026") or title[len(head):].startswith(":")
    assert len(proof) >= len(recto)  # the proof's wider measure keeps more
    if text_width(title, 9, "italic") <= HEAD_WIDTH:
        assert recto == title


def test_every_footnote_call_is_two_thirds_of_the_text_it_is_in(built):
    """In running text, quotations, captions and letters alike, each call is 60 to 70% of the
    size of the line it stands in. (A link in a title is kept as its words: no call.)"""
    pages, _ = built
    ratios = []
    for number, page in enumerate(pages, 1):
        for line in page.extract_text_lines():
            size = main_size(line)
            for char in line["chars"]:
                if char["text"].isdigit() and char["size"] < 0.8 * size and size >= 8:
                    ratios.append((number, round(size, 1), round(char["size"] / size, 2)))
    assert len(ratios) >= 20 and len({size for _, size, _ in ratios}) >= 2  # in text of two sizes
    assert [entry for entry in ratios if not 0.6 <= entry[2] <= 0.7] == []
