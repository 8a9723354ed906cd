"""The print PDF as a printer and a reader see it: page boxes per profile, the gutter, fonts,
front matter, running heads, page breaks, footnotes, images, the manuscript house style.

The default books are those the session builds once (conftest `books`); the rest use small
temporary projects. Positions are measured from each page's TrimBox, in points (72 per inch).
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from fontTools.ttLib import TTFont

from print_support import (
    SHARED,
    TRIM,
    body_lines,
    boxes,
    build_small,
    contents_entries,
    folio_text,
    footnote_pages,
    head_text,
    is_footnote,
    play_start_pages,
    relative_top,
    small_project,
)
from publish import model as m
from publish.build import outputs
from publish.build.assemble import assemble
from publish.build.plan import build
from publish.config import load
from publish.model.errors import CheckFailed
from publish.render import page as geometry
from publish.render.assets import FONTS_DIR
from publish.render.html import division_heading

# ---------------------------------------------------------------- page boxes and gutter


def test_pod_profile_has_an_eighth_inch_bleed_on_every_page(books):
    reader = pypdf.PdfReader(books["collected"].path)
    for pdf_page in reader.pages:
        assert [float(v) for v in pdf_page.trimbox] == [0, 0, *TRIM]
        assert [float(v) for v in pdf_page.mediabox] == [-9, -9, TRIM[0] + 9, TRIM[1] + 9]
        assert [float(v) for v in pdf_page.bleedbox] == [float(v) for v in pdf_page.mediabox]


def test_press_profile_has_crop_marks_outside_an_eighth_inch_bleed_box(tmp_path):
    path = build_small(small_project(tmp_path, "## P\n\n**A**: Hi.\n"), profile="press")
    media, trim, bleed = boxes(path)
    assert trim == [0, 0, *TRIM]
    assert media == [-18, -18, TRIM[0] + 18, TRIM[1] + 18]
    assert bleed == [-9, -9, TRIM[0] + 9, TRIM[1] + 9]
    assert len(pdfplumber.open(path).pages[-1].lines) == 8  # two marks at each corner


def test_screen_profile_is_the_trim_size_only(tmp_path):
    path = build_small(small_project(tmp_path, "## P\n\n**A**: Hi.\n",
                                     "    print: {profile: screen, trim: 6x9in}\n"))
    media, trim, bleed = boxes(path)
    assert media == trim == bleed == [0, 0, 432, 648]


def test_inside_margin_is_the_gutter_for_a_short_book(books):
    pages = books["collected"].pages()
    rectos, versos = [], []
    for number, page in enumerate(pages, 1):
        lines = body_lines(page)
        if number > 8 and lines:
            (rectos if number % 2 else versos).append(page)
    # The leftmost text of a recto is at the gutter; the rightmost of a verso is too.
    gutter = geometry.gutter_for(len(pages)) * 72
    assert min(min(line["x0"] for line in body_lines(p)) for p in rectos) == pytest.approx(gutter, abs=0.5)
    assert (max(max(line["x1"] for line in body_lines(p)) for p in versos)
            == pytest.approx(TRIM[0] - gutter, abs=0.5))


def test_a_longer_book_is_laid_out_again_with_a_wider_gutter(monkeypatch, tmp_path):
    """The page count decides the gutter; a wider gutter is laid out until the count agrees."""
    from publish.render import pdf, spacing

    laid_out = []

    class Document:
        def __init__(self, pages):
            self.pages = [None] * pages

    def fake_layout(html, base_dir, files, pull_runts=False):
        gutter = float(re.search(r":right \{ margin-left: ([\d.]+)in", html).group(1))
        laid_out.append(gutter)
        return Document({0.375: 149 + 2, 0.5: 302, 0.625: 310}[gutter])

    monkeypatch.setattr(pdf, "layout", fake_layout)
    monkeypatch.setattr(pdf, "write", lambda document, target, **options: len(document.pages))
    # The fake pages hold no boxes: no page map, no lines to measure.
    monkeypatch.setattr(outputs, "_page_map", lambda *args: None)
    monkeypatch.setattr(spacing, "loosest_line", lambda document: None)
    root = small_project(tmp_path, "## P\n\n**A**: Hi.\n")
    job = assemble(load(root), load(root).books[0])
    assert build(job, ("pdf",), tmp_path / "out")[0].pages == 310
    assert laid_out == [0.375, 0.5, 0.625]


# ---------------------------------------------------------------- fonts


def pdf_fonts(path: Path) -> dict[str, dict]:
    fonts = {}
    for pdf_page in pypdf.PdfReader(path).pages:
        for font in pdf_page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    return fonts


def is_embedded(font) -> bool:
    descendants = font.get("/DescendantFonts")
    font = descendants[0].get_object() if descendants else font
    descriptor = font.get("/FontDescriptor")
    return bool(descriptor) and any(k in descriptor.get_object()
                                    for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def check_fonts(path: Path) -> None:
    fonts = pdf_fonts(path)
    assert fonts
    for name, font in fonts.items():
        assert font["/Subtype"] != "/Type3", name
        assert is_embedded(font), f"{name} is not embedded"
        # Only the vendored faces: anything else is a system fallback standing in for a glyph
        # our fonts lack, which would differ from machine to machine.
        assert re.match(r"^/[A-Z]{6}\+(EB-Garamond|STIX-Fallback)", name), name
        # A synthesized slant means a glyph missing from the italic was taken from the roman.
        assert "Oblique" not in name, name


def test_default_books_use_only_embedded_vendored_fonts(books):
    for built in books.values():
        check_fonts(built.path)


# Symbols EB Garamond lacks in both faces (from the corpus, and a few more of the same kind).
SYMBOLS = "≈ ≅ ⟺ ─ ► ∴"


def test_symbols_the_book_face_lacks_come_from_stix(tmp_path):
    text = f"## Symbols\n\n**A**: Is it {SYMBOLS}? naïve preëxisting æsthetic α–β.\n\n_[{SYMBOLS} aside]_\n"
    path = build_small(small_project(tmp_path, text))
    check_fonts(path)
    chars = [c for p in pdfplumber.open(path).pages for c in p.chars]
    for symbol in SYMBOLS.split():
        drawn = [c["fontname"] for c in chars if c["text"] == symbol]
        assert len(drawn) == 2, symbol  # once upright in the speech, once in the direction
        assert all("STIX" in name for name in drawn), (symbol, drawn)
    assert {"ï", "ë", "æ", "α"} <= {c["text"] for c in chars}


def manuscript_texts() -> list[Path]:
    files = [p for p in SHARED.rglob("*") if p.suffix in (".md", ".txt") and p.is_file()]
    return [p for p in files if "seeds" in p.parts or "corpus" in p.parts]


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (the author's files) is not beside the checkout")
def test_every_character_of_every_manuscript_has_a_glyph_in_a_vendored_font():
    """Upright text needs the roman or STIX; italic text the italic or STIX (the fallback)."""
    def cmap(name):
        return set(TTFont(FONTS_DIR / name).getBestCmap())
    roman, italic = cmap("EBGaramond12-Regular.otf"), cmap("EBGaramond12-Italic.otf")
    stix = cmap("STIX-Regular.otf")
    files = manuscript_texts()
    assert len(files) > 10
    used = set().union(*(set(p.read_text(encoding="utf-8")) for p in files))
    missing = sorted(ch for ch in used if not ch.isspace() and not (
        (ord(ch) in roman or ord(ch) in stix) and (ord(ch) in italic or ord(ch) in stix)))
    assert missing == []


def test_speaker_labels_are_small_caps_and_block_directions_italic(books):
    pages = books["drafts"].pages()
    speaker_lines = [line for p in pages for line in body_lines(p)
                     if re.match(r"^(Doomimir|Simplicia)\. ", line["text"])]
    assert len(speaker_lines) > 30
    for line in speaker_lines:
        label = line["text"].split(".")[0]
        # Roman, never italic; that the glyphs are the small caps (smcp/c2sc) is measured
        # against the font's own advances in test_pdf.test_speakers_are_set_in_small_caps.
        assert all(c["fontname"].split("+")[1] == "EB-Garamond-Vendored"
                   for c in line["chars"][:len(label)]), line["text"]
    setting = next(line for p in pages for line in body_lines(p)
                   if line["text"].startswith("Setting: a suburban"))
    fonts = {c["fontname"].split("+")[1] for c in setting["chars"] if c["text"].strip()}
    assert fonts == {"EB-Garamond-Vendored-Italic"}


# ---------------------------------------------------------------- front matter and contents


def test_front_matter_sequence(books):
    pages = books["collected"].pages()
    texts = [" ".join(page.extract_text().split()) for page in pages[:6]]
    assert texts[0] == "And All the Shoggoths Merely Players"  # half-title, recto
    assert texts[1] == ""
    assert texts[2].startswith("And All the Shoggoths Merely Players")  # title page, recto
    assert "Zack M. Davis" in texts[2]
    assert "© 2024 Zack M. Davis" in texts[3]  # copyright, its verso
    assert "Build " not in texts[3]  # a release names no build (book.yaml's `build_id`)
    assert texts[4].startswith("Contents")  # contents, recto
    assert all(not folio_text(page) and not head_text(page) for page in pages[:6])


def test_copyright_page_shows_edition_and_isbn_when_given(tmp_path):
    extra = "    isbn: 978-0-306-40615-7\n    edition: Second edition\n    date: '2025-01-02'\n"
    pages = pdfplumber.open(build_small(small_project(tmp_path, "## P\n\n**A**: Hi.\n", extra))).pages
    assert "Second edition, 2025" in pages[3].extract_text()
    assert "ISBN 978-0-306-40615-7" in pages[3].extract_text()


@pytest.mark.parametrize("trim", ["5.5x8.5in", "6x9in", "A5", "letter"])
def test_copyright_block_and_imprint_sit_at_the_foot_of_their_pages(tmp_path, trim):
    """As in a trade book: the copyright block ends on the last line of the verso's text
    block, and the publisher's imprint at the foot of the title page, whatever the trim."""
    from publish.config import TRIMS
    extra = f"    publisher: Small Press\n    print: {{trim: {trim}}}\n"
    pages = pdfplumber.open(build_small(small_project(tmp_path, "## P\n\n**A**: Hi.\n", extra))).pages
    foot = TRIMS[trim][1] * 72 - geometry.BOOK_MARGINS[trim].bottom * 72
    title, copyright_page = pages[2], pages[3]
    copyright_lines = [line for line in copyright_page.extract_text_lines()]
    assert copyright_lines[-1]["text"] == "Set in EB Garamond."  # a release: no build line
    assert foot - 12 < relative_top(copyright_page, copyright_lines[-1]) + 8.5 <= foot + 1
    assert copyright_lines[0]["top"] > copyright_page.trimbox[1] + TRIMS[trim][1] * 72 / 2  # low
    assert copyright_lines[0]["text"] == "Small."  # no author, no rights: no bare "©"
    imprint = title.extract_text_lines()[-1]
    assert imprint["text"].lower() == "small press"
    assert foot - 12 < relative_top(title, imprint) + 9 <= foot + 1


def test_contents_page_numbers_are_where_plays_and_scenes_start(books):
    built = books["drafts"]
    pages = built.pages()
    entries = dict(contents_entries(pages))
    starts = play_start_pages(pages, built.job.book)
    assert len(starts) == 3
    for play, start in zip(built.job.book.plays, starts, strict=True):
        assert entries[play.meta.title] == start
        assert start % 2 == 1  # a recto
    first_play = built.job.book.plays[0]
    checked = 0
    for division in first_play.body:
        label, title = division_heading(division)
        number = entries[f"{label}: {title}"]
        first_lines = [line["text"] for line in body_lines(pages[number - 1])[:2]]
        assert first_lines == [label, title]
        # A scene's first page keeps its folio but has no running head.
        assert head_text(pages[number - 1]) == "" and folio_text(pages[number - 1]) == str(number)
        checked += 1
    assert checked >= 2


# ---------------------------------------------------------------- heads, folios, page breaks


def test_opening_pages_have_no_running_head_or_folio(books):
    for built in books.values():
        pages = built.pages()
        for start in play_start_pages(pages, built.job.book):
            assert head_text(pages[start - 1]) == "" and folio_text(pages[start - 1]) == ""


def test_running_heads_play_on_versos_scene_on_rectos(books):
    built = books["drafts"]
    pages = built.pages()
    play = built.job.book.plays[0]
    scene_titles = {division_heading(d)[1] for d in play.body}
    start, end = play_start_pages(pages, built.job.book)[:2]
    heads = {"verso": set(), "recto": set()}
    for number in range(start + 1, end):
        head = head_text(pages[number - 1])
        if head:
            heads["recto" if number % 2 else "verso"].add(head)
            assert folio_text(pages[number - 1]) == str(number)
    assert heads["verso"] == {play.meta.title}
    assert heads["recto"] and heads["recto"] <= scene_titles


def drama_labels(book: m.Book) -> tuple[set[str], set[str]]:
    speakers, headings = set(), set()
    for play in book.plays:
        for node in m.walk(play):
            if isinstance(node, m.Speech):
                speakers.add(node.label.lower())
        for division in play.body:
            headings.update(part for part in division_heading(division) if part)
    return speakers, headings


def test_no_page_ends_with_a_bare_speaker_name_or_a_scene_heading(books):
    """In the book style a scene opens a page and a speaker's name runs into the speech
    (kept with it by orphans), so only a placeholder speech, a name alone, could end a page:
    the fixtures below exercise the rules themselves."""
    checked = 0
    for built in books.values():
        speakers, headings = drama_labels(built.job.book)
        for number, page in enumerate(built.pages(), 1):
            lines = body_lines(page)
            if not lines:
                continue
            last = lines[-1]["text"].strip()
            assert last.rstrip(".").lower() not in speakers, (built.job.id, number, last)
            assert last not in headings, (built.job.id, number, last)
            checked += 1
    assert checked > 30


def speeches_play(seed: int, speeches: int, empty: float, scenes: int = 1) -> str:
    """Speeches of 3 to 50 words, a share of them empty placeholders (a name, no words),
    some opening with a delivery, some followed by a block direction: page breaks fall
    after every kind of line."""
    import random
    rng = random.Random(seed)
    words = [
        "the", "of", "and", "a", "to", "in", "is", "you", "that", "it", "he", "was", "for", "on",
        "are", "as", "with", "his", "they", "at", "be", "this", "have", "from", "or", "one", "had",
        "by", "word", "but", "not", "what", "all", "were", "we", "when", "your", "can", "said"
    ]
    lines = ["## Speakers at the Foot\n"]
    for scene in range(1, scenes + 1):
        lines.append(f"### Scene {scene}: Part {scene}\n")
        for index in range(speeches):
            who = ("Alice", "Bob", "Carol")[index % 3]
            text = " ".join(rng.choice(words) for _ in range(rng.choice([3, 8, 15, 25, 40, 50])))
            delivery = "_[quietly]_ " if rng.random() < 0.2 else ""
            lines.append(f"**{who}**:\n" if rng.random() < empty
                         else f"**{who}**: {delivery}{text.capitalize()}.\n")
            if rng.random() < 0.1:
                lines.append("_[" + " ".join(rng.choice(words) for _ in range(12)) + ".]_\n")
    return "\n".join(lines)


def test_a_placeholder_speech_never_ends_a_page_the_play_goes_on_after(tmp_path):
    """An empty speech is its speaker's name alone. Without `.speech.empty { break-after:
    avoid }` this play ended a page with one."""
    path = build_small(small_project(tmp_path, speeches_play(5, 160, empty=0.3), "    draft: true\n"))
    pages = pdfplumber.open(path).pages
    ends = [(number, body_lines(page)[-1]["text"]) for number, page in enumerate(pages[:-1], 1)
            if body_lines(page) and head_text(pages[number])]  # the play goes on overleaf
    assert len(ends) > 8
    assert [(n, text) for n, text in ends if text.rstrip(".") in ("Alice", "Bob", "Carol")] == []


def test_manuscript_style_never_ends_a_page_with_a_name_or_its_delivery(tmp_path):
    """The acting manuscript sets each name on a line of its own, the delivery under it:
    the classic name alone at the foot of a page. Without the manuscript style's
    `break-after: avoid` on both, this play ended pages so."""
    path = build_small(small_project(tmp_path, speeches_play(3, 45, empty=0, scenes=3),
                                     "    print: {style: manuscript}\n"))
    pages = pdfplumber.open(path).pages
    checked = 0
    for number, (page, following) in enumerate(pairwise(pages), 1):
        folio, next_folio = manuscript_folio(page), manuscript_folio(following)
        if not (folio and next_folio and folio.split("-")[0] == next_folio.split("-")[0]):
            continue  # only pages whose scene goes on overleaf
        lines = [line["text"] for line in page.extract_text_lines() if relative_top(page, line) > 72]
        assert lines[-1] not in ("ALICE", "BOB", "CAROL"), (number, lines[-1])
        assert not (lines[-1] == "(quietly)" and lines[-2] in ("ALICE", "BOB", "CAROL")), number
        checked += 1
    assert checked > 8


def manuscript_folio(page) -> str:
    return next((line["text"] for line in page.extract_text_lines()
                 if re.fullmatch(r"\d+-\d+", line["text"]) and relative_top(page, line) < 72), "")


def check_footnotes_beside_their_calls(pages, urls: list[str]) -> None:
    """Every link's URL is a footnote, numbered in order, on the page of its call, below the
    text block; no call without its note, no note without its call."""
    calls, notes, texts = footnote_pages(pages)
    assert sorted(calls) == list(range(1, len(urls) + 1)), "calls numbered 1..n, each once"
    # {number: (page of the call, page of the note)} for each note away from its call
    assert {n: (calls[n], notes.get(n)) for n in calls if notes.get(n) != calls[n]} == {}
    assert [texts[number] for number in sorted(texts)] == urls
    for page in pages:
        notes_here = [c for c in page.chars if is_footnote(c)]
        lines = body_lines(page)
        if notes_here and lines:
            assert min(c["top"] for c in notes_here) > lines[-1]["bottom"]


def link_urls(book: m.Book) -> list[str]:
    return [node.url for play in book.plays for node in m.walk(play)
            if isinstance(node, m.Link) and node.url.startswith("http")]


def test_link_urls_are_footnotes_on_the_page_of_their_link(books):
    """The drafts book: WeasyPrint 70 put note 1 a page after its call (the orphan-line
    branch fixed in publish/render/weasy/patches.py)."""
    built = books["drafts"]
    urls = link_urls(built.job.book)
    assert len(urls) > 10
    check_footnotes_beside_their_calls(built.pages(), urls)


def many_links_play(seed: int = 2, speeches: int = 80) -> str:
    """Speeches of 1 to 8 sentences, about a third with a link to a long URL: several links to
    a paragraph, links in every position of a page, notes of one and two lines. With this
    seed, WeasyPrint 70 alone separated five notes from their calls, by both causes."""
    import random
    rng = random.Random(seed)
    words = [
        "the", "of", "and", "a", "to", "in", "is", "you", "that", "it", "he", "was", "for", "on",
        "are", "as", "with", "his", "they", "at", "be", "this", "have", "from", "or", "one", "had",
        "by", "word", "but", "not", "what", "all", "were", "we", "when", "your", "can", "said",
        "there", "use", "an", "each", "which", "she", "do", "how", "their", "if", "will", "up",
        "other", "about", "out", "many", "then", "them", "these", "so", "some", "her", "would",
        "make", "like", "him", "into", "time", "has", "look", "two", "more", "write", "go", "see",
        "number", "no", "way", "could", "people", "my", "than", "first", "water", "been", "call",
        "who", "oil", "its", "now", "find", "long", "down", "day", "did", "get", "come", "made",
        "may", "part"
    ]
    lines, links = ["## Links Everywhere\n"], 0
    for _ in range(speeches):
        sentences = []
        for _ in range(rng.choice([1, 2, 4, 6, 8])):
            sentence = " ".join(rng.choice(words) for _ in range(rng.randint(5, 14)))
            if rng.random() < 0.3:
                links += 1
                slug = "-".join(rng.choice(words) for _ in range(rng.randint(2, 14)))
                sentence += f" [source {links}](https://www.example.org/posts/{links}/{slug})"
            sentences.append(sentence.capitalize() + ".")
        lines.append(f"**{rng.choice(['Alice', 'Bob'])}**: " + " ".join(sentences) + "\n")
    return "\n".join(lines)


def test_many_links_each_note_on_the_page_of_its_call(tmp_path):
    root = small_project(tmp_path, many_links_play())
    path = build_small(root)
    book = assemble(load(root), load(root).books[0]).book
    urls = link_urls(book)
    assert len(urls) > 80
    pages = pdfplumber.open(path).pages
    check_footnotes_beside_their_calls(pages, urls)
    # Links at the page foot, not only mid-page: some page's last body line holds a call.
    assert any(footnote_calls_in(body_lines(page)[-1]) for page in pages if body_lines(page))


def footnote_calls_in(line) -> bool:
    return any(c["text"].isdigit() and c["size"] < 7.3 for c in line["chars"])


def test_a_speech_or_paragraph_opening_with_a_quotation_opens_it(tmp_path):
    """Quotes are curled by what precedes them; a block's text starts afresh, so a quote
    opening a speech after one that ends in a letter is an opening quote (it was ”)."""
    text = ('## P\n\n**A**: It ends here\n\n**B**: "Hello," she said.\n\nA line ending in a word\n\n'
            '"Quoted" at the start.\n\n**A**: _[aside]_ "After a delivery," and \'single\' ones.\n')
    words = pdfplumber.open(build_small(small_project(tmp_path, text))).pages[-1].extract_text()
    for expected in ("B. \u201cHello,\u201d she said.", "\u201cQuoted\u201d at the start.",
                     "[aside] \u201cAfter a delivery,\u201d and \u2018single\u2019 ones."):
        assert expected in words


# ---------------------------------------------------------------- images


IMAGE_PLAY = "## P\n\n**A**: Look.\n\n![a chart of things](chart.png)\n"


def test_missing_image_fails_a_release_book_naming_the_place(tmp_path):
    job = assemble(load(small_project(tmp_path, IMAGE_PLAY)), load(tmp_path).books[0])
    assert [str(d.location) + " " + d.severity.value + " " + d.code for d in job.diagnostics] == \
        ["play.md:5:1 error M301"]
    with pytest.raises(CheckFailed):
        build(job, ("pdf",), tmp_path / "dist")
    assert not (tmp_path / "dist" / "small.pdf").exists()


def test_remote_image_fails_a_release_book(tmp_path):
    root = small_project(tmp_path, "## P\n\n![x](https://i.imgur.com/x.png)\n")
    codes = [(d.code, d.severity.value) for d in assemble(load(root), load(root).books[0]).diagnostics]
    assert codes == [("M302", "error")]


def test_missing_image_in_a_draft_book_is_a_visible_placeholder(tmp_path):
    path = build_small(small_project(tmp_path, IMAGE_PLAY, "    draft: true\n"))
    text = pdfplumber.open(path).pages[-1].extract_text()
    assert "[missing image: chart.png]" in text


def test_local_image_fits_the_text_block_with_its_alt_text_as_caption(tmp_path):
    from PIL import Image
    Image.new("RGB", (3000, 600), "gray").save(tmp_path / "chart.png")  # far wider than a page
    path = build_small(small_project(tmp_path, IMAGE_PLAY))
    pages = pdfplumber.open(path).pages
    page = pages[-1]
    assert len(page.images) == 1
    image = page.images[0]
    gutter, outside = geometry.gutter_for(len(pages)) * 72, 0.6 * 72
    left, right = (outside, TRIM[0] - gutter) if len(pages) % 2 == 0 else (gutter, TRIM[0] - outside)
    # 3000px wide: scaled down to exactly the text block's width.
    assert (image["x0"], image["x1"]) == (pytest.approx(left, abs=0.5), pytest.approx(right, abs=0.5))
    assert "a chart of things" in page.extract_text()


# ---------------------------------------------------------------- the manuscript house style


def test_manuscript_style_numbers_pages_by_scene_and_centres_names_in_capitals(tmp_path):
    text = ("## P\n\n### Scene 1: One\n\n**Alice**: _[quietly]_ Hello.\n\n_[She goes.]_\n\n"
            "### Scene 2: Two\n\n" + "**Bob**: Words and more words.\n\n" * 40)
    path = build_small(small_project(tmp_path, text, "    print: {style: manuscript}\n"))
    media, trim, _ = boxes(path)
    assert trim == [0, 0, 612, 792]  # letter, the manuscript style's own trim
    pages = pdfplumber.open(path).pages
    folios = [line["text"] for p in pages for line in p.extract_text_lines()
              if re.fullmatch(r"\d+-\d+", line["text"]) and relative_top(p, line) < 72]
    assert folios[:4] == ["1-1", "2-1", "2-2", "2-3"]
    alice_page = next(p for p in pages if "(quietly)" in p.extract_text())
    alice = next(line for line in alice_page.extract_text_lines() if line["text"] == "ALICE")
    text_centre = (1.5 * 72 + 612 - 72) / 2
    assert (alice["x0"] + alice["x1"]) / 2 == pytest.approx(text_centre, abs=1)
    assert "(quietly)" in alice_page.extract_text() and "(She goes.)" in alice_page.extract_text()


def manuscript_folios(path: Path) -> list[str]:
    return [line["text"] for p in pdfplumber.open(path).pages for line in p.extract_text_lines()
            if re.fullmatch(r"\d+-\d+", line["text"]) and relative_top(p, line) < 72]


def test_manuscript_page_numbers_carry_the_scene_numbers_of_the_manuscript(tmp_path):
    """Scene 0 is 0, not the first scene counted; a scene without a number (the epilogue,
    the fourth division) takes its place in the play; the second play starts again."""
    first = ("## P\n\n### Scene 0: Prologue\n\n**A**: Before.\n\n### Scene 1: One\n\n**A**: Hi.\n\n"
             "### Scene 2: Two\n\n" + "**B**: Words and more words.\n\n" * 40 +
             "### Epilogue\n\n**A**: After.\n")
    (tmp_path / "second.md").write_text("## Q\n\n### Scene 7: Late\n\n**A**: Hello.\n", encoding="utf-8")
    root = small_project(tmp_path, first, "    print: {style: manuscript}\n")
    (root / "book.yaml").write_text((root / "book.yaml").read_text(encoding="utf-8").replace(
        "manuscripts: [play.md]", "manuscripts: [play.md, second.md]"), encoding="utf-8")
    assert manuscript_folios(build_small(root)) == ["0-1", "1-1", "2-1", "2-2", "2-3", "2-4", "4-1", "7-1"]


# ---------------------------------------------------------------- the command line


def test_profile_option_overrides_book_yaml(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from publish.cli import main
    small_project(tmp_path, "## P\n\n**A**: Hi.\n", "    print: {profile: press}\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["pdf", "--profile", "screen", "-q"])
    assert result.exit_code == 0, result.output
    media, trim, _ = boxes(tmp_path / "dist" / "small.pdf")
    assert media == trim == [0, 0, *TRIM]
