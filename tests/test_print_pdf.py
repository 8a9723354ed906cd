"""The print PDF as a printer and a reader see it: page boxes per profile, the gutter, fonts,
front matter, running heads, page breaks, footnotes, images, the manuscript house style.

The default books are built once for the module (about 6 s); the rest use small temporary
projects. Positions are measured from each page's TrimBox, in points (72 per inch).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from fontTools.ttLib import TTFont

from publish import build as b
from publish import model as m
from publish import outputs
from publish.config import load
from publish.errors import CheckFailed
from publish.render import page as geometry
from publish.render.assets import FONTS_DIR
from publish.render.html import division_heading

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
TRIM = (396.0, 612.0)  # 5.5in x 8.5in
TOP_MARGIN, BOTTOM_MARGIN = 54.0, 61.2  # 0.75in, 0.85in: the book style at 5.5x8.5in
BODY_SIZE = 9.4  # body 11pt, scene labels 9.5pt; footnotes 7.5pt, running heads 9pt (in the margin)


@dataclass
class Built:
    job: b.BookJob
    path: Path

    def pages(self):
        return pdfplumber.open(self.path).pages


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Built]:
    out = tmp_path_factory.mktemp("dist")
    config = load(ROOT)
    built = {}
    for book_config in config.books:
        job = b.assemble(config, book_config)
        b.build(job, ("pdf",), out)
        built[book_config.id] = Built(job, out / f"{book_config.id}.pdf")
    return built


def small_project(tmp_path: Path, text: str, book_extra: str = "", name: str = "play.md") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "book.yaml").write_text(
        f"books:\n  small:\n    title: Small\n    manuscripts: [{name}]\n{book_extra}", encoding="utf-8")
    return tmp_path


def build_small(root: Path, profile: str | None = None) -> Path:
    config = load(root)
    job = b.assemble(config, config.books[0])
    b.build(job, ("pdf",), root / "dist", profile=profile)
    return root / "dist" / "small.pdf"


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
    contents = next(p for p in pages if any(l["text"] == "Contents" for l in p.extract_text_lines()))
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


# ---------------------------------------------------------------- page boxes and gutter


def boxes(path: Path, index: int = -1) -> tuple[list[float], ...]:
    pdf_page = pypdf.PdfReader(path).pages[index]
    return tuple([float(v) for v in box] for box in (pdf_page.mediabox, pdf_page.trimbox, pdf_page.bleedbox))


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
    path = build_small(small_project(tmp_path, "## P\n\n**A**: Hi.\n", "    print: {profile: screen, trim: 6x9in}\n"))
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
    assert min(min(l["x0"] for l in body_lines(p)) for p in rectos) == pytest.approx(gutter, abs=0.5)
    assert max(max(l["x1"] for l in body_lines(p)) for p in versos) == pytest.approx(TRIM[0] - gutter, abs=0.5)


def test_a_longer_book_is_laid_out_again_with_a_wider_gutter(monkeypatch, tmp_path):
    """The page count decides the gutter; a wider gutter is laid out until the count agrees."""
    from publish.render import pdf

    laid_out = []

    class Document:
        def __init__(self, pages):
            self.pages = [None] * pages

    def fake_layout(html, base_dir, files):
        gutter = float(re.search(r":right \{ margin-left: ([\d.]+)in", html).group(1))
        laid_out.append(gutter)
        return Document({0.375: 149 + 2, 0.5: 302, 0.625: 310}[gutter])

    monkeypatch.setattr(pdf, "layout", fake_layout)
    monkeypatch.setattr(pdf, "write", lambda document, target, bleed_box=None: len(document.pages))
    monkeypatch.setattr(outputs, "_page_map", lambda *args: None)  # the fake pages hold no boxes
    root = small_project(tmp_path, "## P\n\n**A**: Hi.\n")
    job = b.assemble(load(root), load(root).books[0])
    assert b.build(job, ("pdf",), tmp_path / "out")[0].pages == 310
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
    return bool(descriptor) and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))


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
    roman, italic, stix = cmap("EBGaramond12-Regular.otf"), cmap("EBGaramond12-Italic.otf"), cmap("STIX-Regular.otf")
    files = manuscript_texts()
    assert len(files) > 10
    used = set().union(*(set(p.read_text(encoding="utf-8")) for p in files))
    missing = sorted(ch for ch in used if not ch.isspace() and not (
        (ord(ch) in roman or ord(ch) in stix) and (ord(ch) in italic or ord(ch) in stix)))
    assert missing == []


def test_speaker_labels_are_small_caps_and_block_directions_italic(books):
    pages = books["drafts"].pages()
    speaker_lines = [l for p in pages for l in body_lines(p) if re.match(r"^(Doomimir|Simplicia)\. ", l["text"])]
    assert len(speaker_lines) > 30
    for line in speaker_lines:
        label = line["text"].split(".")[0]
        # Roman, never italic; that the glyphs are the small caps (smcp/c2sc) is measured
        # against the font's own advances in test_pdf.test_speakers_are_set_in_small_caps.
        assert all(c["fontname"].split("+")[1] == "EB-Garamond-Vendored"
                   for c in line["chars"][:len(label)]), line["text"]
    setting = next(l for p in pages for l in body_lines(p) if l["text"].startswith("Setting: a suburban"))
    assert {c["fontname"].split("+")[1] for c in setting["chars"] if c["text"].strip()} == {"EB-Garamond-Vendored-Italic"}


# ---------------------------------------------------------------- front matter and contents


def test_front_matter_sequence(books):
    pages = books["collected"].pages()
    texts = [" ".join(page.extract_text().split()) for page in pages[:6]]
    assert texts[0] == "And All the Shoggoths Merely Players"  # half-title, recto
    assert texts[1] == ""
    assert texts[2].startswith("And All the Shoggoths Merely Players")  # title page, recto
    assert "Zack M. Davis" in texts[2]
    assert "© 2024 Zack M. Davis" in texts[3] and "Build " in texts[3]  # copyright, its verso
    assert texts[4].startswith("Contents")  # contents, recto
    assert all(not folio_text(page) and not head_text(page) for page in pages[:6])


def test_copyright_page_shows_edition_and_isbn_when_given(tmp_path):
    extra = "    isbn: 978-0-306-40615-7\n    edition: Second edition\n    date: '2025-01-02'\n"
    pages = pdfplumber.open(build_small(small_project(tmp_path, "## P\n\n**A**: Hi.\n", extra))).pages
    assert "Second edition, 2025" in pages[3].extract_text()
    assert "ISBN 978-0-306-40615-7" in pages[3].extract_text()


def test_contents_page_numbers_are_where_plays_and_scenes_start(books):
    built = books["drafts"]
    pages = built.pages()
    entries = dict(contents_entries(pages))
    starts = play_start_pages(pages, built.job.book)
    assert len(starts) == 3
    for play, start in zip(built.job.book.plays, starts):
        assert entries[play.meta.title] == start
        assert start % 2 == 1  # a recto
    first_play = built.job.book.plays[0]
    checked = 0
    for division in first_play.body:
        label, title = division_heading(division)
        number = entries[f"{label}: {title}"]
        first_lines = [l["text"] for l in body_lines(pages[number - 1])[:2]]
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


def test_link_urls_are_footnotes_on_the_page_of_their_link(books):
    built = books["drafts"]
    urls = [node.url for play in built.job.book.plays for node in m.walk(play)
            if isinstance(node, m.Link) and node.url.startswith("http")]
    assert urls
    small = "".join(c["text"] for page in built.pages() for c in page.chars if is_footnote(c))
    for url in urls:
        assert url in small, url
    # Each footnote sits below the text block's last line on its page.
    for page in built.pages():
        notes = [c for c in page.chars if is_footnote(c)]
        lines = body_lines(page)
        if notes and lines:
            assert min(c["top"] for c in notes) > lines[-1]["bottom"]


def is_footnote(char) -> bool:
    return abs(char["size"] - 7.5) < 0.05  # footnotes are set at 7.5pt, nothing else is


# ---------------------------------------------------------------- images


IMAGE_PLAY = "## P\n\n**A**: Look.\n\n![a chart of things](chart.png)\n"


def test_missing_image_fails_a_release_book_naming_the_place(tmp_path):
    job = b.assemble(load(small_project(tmp_path, IMAGE_PLAY)), load(tmp_path).books[0])
    assert [str(d.location) + " " + d.severity.value + " " + d.code for d in job.diagnostics] == \
        ["play.md:5:1 error M301"]
    with pytest.raises(CheckFailed):
        b.build(job, ("pdf",), tmp_path / "dist")
    assert not (tmp_path / "dist" / "small.pdf").exists()


def test_remote_image_fails_a_release_book(tmp_path):
    root = small_project(tmp_path, "## P\n\n![x](https://i.imgur.com/x.png)\n")
    codes = [(d.code, d.severity.value) for d in b.assemble(load(root), load(root).books[0]).diagnostics]
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
    folios = [l["text"] for p in pages for l in p.extract_text_lines()
              if re.fullmatch(r"\d+-\d+", l["text"]) and relative_top(p, l) < 72]
    assert folios[:4] == ["1-1", "2-1", "2-2", "2-3"]
    alice_page = next(p for p in pages if "(quietly)" in p.extract_text())
    alice = next(l for l in alice_page.extract_text_lines() if l["text"] == "ALICE")
    text_centre = (1.5 * 72 + 612 - 72) / 2
    assert (alice["x0"] + alice["x1"]) / 2 == pytest.approx(text_centre, abs=1)
    assert "(quietly)" in alice_page.extract_text() and "(She goes.)" in alice_page.extract_text()


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
