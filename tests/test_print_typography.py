"""The print edition's typography measured (issue 23): footnote calls, titles, the contents,
running heads, tabular figures, the build identifier.

Read from the print PDFs of the default books (the session's build) and of a generated long
play (conftest `long_play`), or from WeasyPrint's boxes of the same layouts where the PDF
keeps no trace of what is measured (which element a line belongs to). Positions are from each
page's TrimBox, in points.
"""

from __future__ import annotations

import re
from collections import Counter

import pdfplumber
import pytest

from print_support import (
    DESCENT,
    baseline,
    body_lines,
    build_small,
    element_lines,
    ends_division,
    folio_text,
    head_text,
    lowest_baseline,
    main_size,
    page_kinds,
    play_start_pages,
    small_project,
    text_of,
)
from publish.render import page as geometry
from publish.render.typeset import CLOSING, calls_after_punctuation, tie_last_words


@pytest.fixture(scope="module")
def print_pdfs(books, long_play) -> dict:
    """{name: pdfplumber pages} of the default books' print PDFs and the long play's."""
    return {name: built.pages() for name, built in [*books.items(), ("long play", long_play)]}


@pytest.fixture(scope="module")
def documents(laid_out_books, long_play) -> dict:
    """{name: WeasyPrint document} of the same books."""
    return {**laid_out_books, "long play": long_play.document}


# ---------------------------------------------------------------- footnote calls


def calls_in(line) -> list[dict]:
    """The characters of a body line set as footnote calls: digits well under its size."""
    size = main_size(line)
    return [char for char in line["chars"] if char["text"].isdigit() and char["size"] < 0.8 * size]


def test_footnote_calls_are_raised_figures_two_thirds_of_the_text_in_its_face(print_pdfs):
    """Drafts page 11 set them at 4.9 pt in 11 pt text (0.65 em of the note's 7.5 pt)."""
    checked = 0
    for name, pages in print_pdfs.items():
        for page in pages:
            for line in body_lines(page):
                size, line_baseline = main_size(line), baseline(page, line)
                for call in calls_in(line):
                    assert 0.6 <= call["size"] / size <= 0.7, (name, call["text"], call["size"], size)
                    call_baseline = call["bottom"] - page.trimbox[1] - DESCENT * call["size"]
                    assert 0.2 * size <= line_baseline - call_baseline <= 0.5 * size, (name, call)
                    assert call["fontname"].split("+")[-1].startswith("EB-Garamond"), call["fontname"]
                    checked += 1
    assert checked > 20


def test_a_call_follows_the_punctuation_that_closes_its_phrase(print_pdfs):
    """`essay,⁴³`, never `essay⁴³,`: no call is followed by closing punctuation."""
    found, checked = [], 0
    for name, pages in print_pdfs.items():
        for number, page in enumerate(pages, 1):
            for line in body_lines(page):
                chars = line["chars"]
                calls = {id(char) for char in calls_in(line)}
                for char, following in zip(chars, chars[1:], strict=False):
                    if id(char) in calls and id(following) not in calls:
                        checked += 1
                        if following["text"] in CLOSING:
                            found.append((name, number, following["text"]))
    assert found == [] and checked > 20


@pytest.mark.parametrize("mark", list(CLOSING))
def test_the_call_moves_past_any_closing_punctuation_and_closing_tags(mark):
    note = '<span class="footnote url">https://example.org/a</span>'
    assert calls_after_punctuation(f'<a href="x">essay</a>{note}{mark} and') == \
        f'<a href="x">essay</a>{mark}{note} and'
    # Out of an emphasis holding the link, past a run of marks (a quotation closing).
    assert calls_after_punctuation(f"<em><a>essay</a>{note}</em>{mark}\u201d then") == \
        f"<em><a>essay</a></em>{mark}\u201d{note} then"


@pytest.mark.parametrize("following", ["\u2019s point", "\u2014 and then", " and", "s"])
def test_a_call_stays_before_what_does_not_close_a_phrase(following):
    """An apostrophe that goes on into a word (`Yudkowsky’s`), a dash, a space, a letter."""
    note = '<span class="footnote url">https://example.org/a</span>'
    html = f"<a>Yudkowsky</a>{note}{following}"
    assert calls_after_punctuation(html) == html


def test_notes_at_the_foot_are_numbered_in_the_calls_figures(documents):
    """The call and the note's number: lining figures of the text face, roman, not the
    font's superiors."""
    from weasyprint.formatting_structure import boxes
    styles: dict[str, list] = {"call": [], "marker": []}
    for document in documents.values():
        for page in document.pages:
            for box in page._page_box.descendants():
                tag = box.element_tag or ""
                kind = "call" if tag.endswith("::footnote-call") else \
                    "marker" if tag.endswith("::footnote-marker") else None
                if kind and isinstance(box, boxes.InlineBox):
                    styles[kind].append(box.style)
    assert styles["call"] and len(styles["marker"]) == len(styles["call"])
    for style in styles["call"] + styles["marker"]:
        assert "lining-nums" in (style["font_variant_numeric"] or ())
        assert style["font_variant_position"] == "normal"
        assert style["font_style"] == "normal"


# ---------------------------------------------------------------- titles


def words_of(text: str) -> list[str]:
    return re.findall(r"[^ \n\u00a0]+", text)


@pytest.mark.parametrize("title", [
    "Merely Players", "And All the Shoggoths Merely Players", "A B", "Scene: The Long Title Of It",
    "x", "Two\u00a0tied words", "Ends with a <em>word</em>", "Spaced  out  ",
])
def test_a_title_ties_its_last_two_words(title):
    tied = tie_last_words(title)
    visible = re.sub(r"<[^>]+>", "", tied)
    assert words_of(visible.replace("\u00a0", " ")) == words_of(re.sub(r"<[^>]+>", "", title).replace("\u00a0", " "))
    if len(visible.split()) >= 2:
        assert re.search(r"\S\u00a0\S+\s*$", visible), visible  # no breaking space before the last word


TITLE_CLASSES = {"book-title", "play-title", "scene-title", "toc-play", "toc-scene"}


def test_no_title_line_holds_a_single_word(documents):
    """Play titles, scene titles, the title page and the contents (drafts: "…Merely /
    Players"). A contents entry's line is counted without its leader and page number."""
    checked, broken = 0, 0
    for name, document in documents.items():
        for element, lines in element_lines(document):
            classes = set((element.get("class") or "").split())
            if not classes & TITLE_CLASSES:
                continue
            texts = [re.sub(r"[ .]*\d*$", "", text_of(line)).strip() for line in lines]
            if len(words_of(" ".join(texts))) < 2:
                continue
            checked += 1
            broken += len([text for text in texts if text]) > 1
            assert all(len(words_of(text)) >= 2 for text in texts if text), (name, texts)
    assert checked >= 10 and broken >= 2  # titles that do break were measured


# ---------------------------------------------------------------- the contents and tables


def contents_lines(pages) -> list[dict]:
    """The lines of the contents page that end in a page number."""
    contents = next(page for page in pages
                    if any(line["text"] == "Contents" for line in page.extract_text_lines()))
    return [line for line in contents.extract_text_lines() if re.search(r"\.\s*\d+$", line["text"])]


def number_chars(line) -> list[dict]:
    """The characters of the page number at the end of a contents line."""
    chars = line["chars"]
    end = len(chars)
    while end and chars[end - 1]["text"].isdigit():
        end -= 1
    return chars[end:]


@pytest.mark.parametrize("book", ["collected", "drafts"])
def test_contents_numbers_form_a_column_of_lining_tabular_figures(books, book):
    lines = contents_lines(books[book].pages())
    assert len(lines) >= (5 if book == "drafts" else 1)
    numbers = [number_chars(line) for line in lines]
    rights = [chars[-1]["x1"] for chars in numbers]
    assert max(rights) - min(rights) < 0.3, rights
    widths = {round(char["x1"] - char["x0"], 2) for chars in numbers for char in chars}
    sizes = {round(char["size"], 1) for chars in numbers for char in chars}
    assert len(widths) == 1 and len(sizes) == 1, (widths, sizes)  # tabular: one width


def test_contents_leader_dots_line_up_from_entry_to_entry(books):
    """Every dot of every entry's leader on one grid of x positions (a play's entry and a
    scene's, set smaller, alike)."""
    lines = contents_lines(books["drafts"].pages())
    leaders = []
    for line in lines:
        chars = line["chars"][:len(line["chars"]) - len(number_chars(line))]
        dots = []
        for char in reversed(chars):  # the leader: the run of dots and spaces before the number
            if char["text"] not in ". ":
                break
            if char["text"] == ".":
                dots.append(char)
        leaders.append(dots[:-1])  # its leftmost dot may be an entry's own full stop
    pitches = {round(b["x0"] - a["x0"], 2) for dots in leaders for a, b in zip(dots[1:], dots, strict=False)}
    assert len(pitches) == 1, pitches
    pitch = abs(pitches.pop())
    reference = leaders[0][0]["x0"]
    for dots in leaders:
        for dot in dots:
            drift = (dot["x0"] - reference) % pitch
            assert min(drift, pitch - drift) < 0.3, (dot["x0"], reference, pitch)


def test_the_proofs_tables_are_set_in_tabular_figures(built_dist):
    """The summary's page numbers and the cast table's counts: every digit one width."""
    pages = pdfplumber.open(built_dist / "drafts-proof.pdf").pages
    digits = []
    for line in pages[0].extract_text_lines():
        found = re.search(r" (\d+-\d+)$", line["text"])  # an entry's page: 2-14
        if found:
            digits += [char for char in line["chars"][-len(found.group(1)):] if char["text"].isdigit()]
    assert len(digits) > 10 and {"1", "2"} <= {char["text"] for char in digits}
    assert len({round(char["x1"] - char["x0"], 2) for char in digits}) == 1
    cast = next(page for page in pages if "Cast table" in (page.extract_text() or ""))
    counts = [char for char in cast.chars if char["text"].isdigit() and abs(char["size"] - 8.5) < 0.05]
    assert len(counts) > 10
    assert len({round(char["x1"] - char["x0"], 2) for char in counts}) == 1


# ---------------------------------------------------------------- the build identifier


def copyright_text(path) -> str:
    return pdfplumber.open(path).pages[3].extract_text()


@pytest.mark.parametrize("extra, shown", [
    ("", False),  # a release: no build on its copyright page
    ("    draft: true\n", True),  # a book of drafts names its build
    ("    build_id: true\n", True),  # asked for
    ("    draft: true\n    build_id: false\n", False),
])
def test_the_build_identifier_on_the_copyright_page_is_a_book_option(tmp_path, extra, shown):
    path = build_small(small_project(tmp_path, "## P\n\n**A**: Hi.\n", extra))
    assert ("Build " in copyright_text(path)) is shown


def test_a_build_identifier_in_defaults_is_inherited_and_a_book_overrides_it(tmp_path):
    from publish.config import load
    root = small_project(tmp_path, "## P\n\n**A**: Hi.\n")
    text = (root / "book.yaml").read_text(encoding="utf-8")
    (root / "book.yaml").write_text("defaults:\n  build_id: true\n" + text, encoding="utf-8")
    assert load(root).books[0].shows_build_id()
    assert "Build " in copyright_text(build_small(root))
    (root / "book.yaml").write_text("defaults:\n  build_id: true\n" + text + "    build_id: false\n",
                                    encoding="utf-8")
    assert not load(root).books[0].shows_build_id()


def test_a_build_identifier_that_is_not_true_or_false_is_an_error_at_its_place(tmp_path):
    from publish.config import load
    from publish.model.errors import ConfigError
    small_project(tmp_path, "## P\n\n**A**: Hi.\n", "    build_id: sometimes\n")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path)
    assert "build_id must be true or false" in str(caught.value) and ":5:" in str(caught.value)


# ---------------------------------------------------------------- running heads


def heads_by_side(pages, start: int, end: int) -> dict[str, set[str]]:
    """{"verso": heads, "recto": heads} of the 1-based pages start..end-1."""
    heads: dict[str, set[str]] = {"verso": set(), "recto": set()}
    for number in range(start, end):
        head = " ".join(head_text(pages[number - 1]).split()).lower()
        if head:
            heads["recto" if number % 2 else "verso"].add(head)
    return heads


def test_a_play_of_one_untitled_scene_does_not_repeat_its_title_on_both_sides(books):
    """Collected: its play has no scene headings. Versos carried its title in small caps
    and rectos the same title in italics; now versos carry the author (the book is named
    after the play) and rectos the title."""
    built = books["collected"]
    pages = built.pages()
    start = play_start_pages(pages, built.job.book)[0]
    heads = heads_by_side(pages, start + 1, len(pages) + 1)
    assert heads["recto"] == {built.job.book.meta.title.lower()}
    assert heads["verso"] == {built.job.book.meta.author.lower()}


def test_a_play_of_one_untitled_scene_in_a_collection_has_the_book_on_its_versos(books):
    built = books["drafts"]
    pages = built.pages()
    book = built.job.book
    starts = play_start_pages(pages, book)
    single = [index for index, play in enumerate(book.plays)
              if len(play.body) == 1 and not play.body[0].title]
    assert single  # the drafts book has such a play
    for index in single:
        end = starts[index + 1] if index + 1 < len(starts) else len(pages) + 1
        heads = heads_by_side(pages, starts[index] + 1, end)
        assert heads["verso"] == {book.meta.title.lower()}
        assert heads["recto"] == {book.plays[index].meta.title.lower()}


def test_the_proof_has_one_head_in_one_face_on_every_page_of_a_scene(built_dist):
    """Printed one-sided: the same head on left and right pages of a play of one scene (it
    was the play's title in small caps on the left, in italics on the right)."""
    heads = []
    for page in pdfplumber.open(built_dist / "collected-proof.pdf").pages:
        chars = [char for char in page.chars if char["top"] - page.trimbox[1] < 50
                 and char["x0"] > 120]  # the head, not DRAFT at the top left
        if chars:
            heads.append(("".join(char["text"] for char in chars).lower(),
                          {char["fontname"].split("+")[-1] for char in chars}))
    assert len(heads) >= 6
    assert len({text for text, _ in heads}) == 1, heads
    assert len(set().union(*(fonts for _, fonts in heads))) == 1


# ---------------------------------------------------------------- justification measured

# The loosest justified line allowed: its widest space between two words, in ems of its type
# (EB Garamond's own space is 0.2 em). Before issue 23 the collected book's loosest line
# measured 0.66 em; hyphenating with less room left (print.css) brings it to 0.61.
LOOSEST_SPACE = 0.62


def test_the_loosest_justified_line_of_each_book_is_under_the_threshold(documents):
    from publish.render.spacing import justified_lines
    for name, document in documents.items():
        spaces = [widest for _, _, widest in justified_lines(document)]
        assert len(spaces) > 100, name
        assert max(spaces) < LOOSEST_SPACE, (name, max(spaces))


def test_verbose_build_summary_reports_the_loosest_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from print_support import long_play as play
    from publish.cli import main
    small_project(tmp_path, play(seed=3, scenes=1))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    result = CliRunner().invoke(main, ["pdf", "-v", "--no-cache"])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "small.pdf" in line)
    found = re.search(r"(\d\.\d\d) em", row)
    assert "loosest line" in result.output and found
    assert 0.2 < float(found.group(1)) < LOOSEST_SPACE
    quiet = CliRunner().invoke(main, ["pdf", "--no-cache"])
    assert quiet.exit_code == 0 and "loosest" not in quiet.output and " em" not in quiet.output


# ---------------------------------------------------------------- the grid and page depth

BODY = 11.0  # the text's size in points


def line_pitch(pages) -> float:
    """The most common distance between two baselines of running text in a row."""
    gaps: Counter = Counter()
    for page in pages:
        lines = [line for line in body_lines(page) if abs(main_size(line) - BODY) < 0.1]
        for above, below in zip(lines, lines[1:], strict=False):
            gaps[round(baseline(page, below) - baseline(page, above), 1)] += 1
    return gaps.most_common(1)[0][0]


def test_the_text_is_set_on_the_leading_page_py_makes_the_text_block_from(print_pdfs):
    for pages in print_pdfs.values():
        assert line_pitch(pages) == geometry.BOOK_LINE


def test_every_line_of_running_text_sits_on_the_baseline_grid(print_pdfs):
    """Every space between speeches, directions, headings, lists, quotations and figures
    is a whole number of lines, and no line is taller than the others (a symbol from the
    fallback font made its line taller)."""
    for name, pages in print_pdfs.items():
        pitch, origin, off = line_pitch(pages), None, []
        for number, page in enumerate(pages, 1):
            if not folio_text(page):
                continue  # front matter and openers are not set on the grid
            for line in body_lines(page):
                if abs(main_size(line) - BODY) >= 0.1:
                    continue
                place = baseline(page, line)
                origin = place if origin is None else origin
                drift = (place - origin) % pitch
                if min(drift, pitch - drift) > 0.5:
                    off.append((number, line["text"][:30], round(drift, 2)))
        assert off == [], (name, off[:5], len(off))


def test_facing_full_pages_end_on_the_same_baseline(print_pdfs):
    """A spread whose pages are both full (no room for another line) ends on one baseline,
    whether a page ends in text or in footnotes."""
    checked = 0
    for name, pages in print_pdfs.items():
        pitch = line_pitch(pages)
        kinds = page_kinds(pages)
        lowest = [lowest_baseline(page) if kind.has_folio else None for page, kind in zip(pages, kinds, strict=True)]
        deepest = max(value for value in lowest if value is not None)
        full = [value is not None and deepest - value < pitch - 0.5 for value in lowest]
        for verso in range(1, len(pages) - 1, 2):  # 0-based: index 1 is page 2, a verso
            recto = verso + 1
            if full[verso] and full[recto] and not ends_division(kinds, verso):
                assert lowest[verso] == pytest.approx(lowest[recto], abs=0.5), (name, verso + 1)
                checked += 1
    assert checked >= 8


# ---------------------------------------------------------------- runts


def test_no_scene_or_play_ends_with_a_page_of_one_or_two_lines(print_pdfs):
    """Its lines are pulled forward onto it by ending the pages before it early (the
    drafts book's second play ended with one line on page 19)."""
    runts, checked = [], 0
    for name, pages in print_pdfs.items():
        kinds = page_kinds(pages)
        for index, kind in enumerate(kinds):
            if kind.has_folio and not kind.starts_division and ends_division(kinds, index):
                checked += 1
                if len(kind.lines) < 3:
                    runts.append((name, kind.number, len(kind.lines)))
    assert runts == [] and checked >= 8


def _scenes_of(lengths: list[int]) -> str:
    """A play whose scenes hold `lengths` one-line speeches: their last pages hold every
    count of lines from one up, on rectos and versos."""
    scenes = []
    for number, length in enumerate(lengths, 1):
        speeches = "\n\n".join(f"**A**: Line {index} of scene {number}." for index in range(length))
        scenes.append(f"### Scene {number}\n\n{speeches}\n")
    return "## Runts\n\n" + "\n".join(scenes)


def _runts_in(pages) -> list[tuple[int, int]]:
    kinds = page_kinds(pages)
    return [(kind.number, len(kind.lines)) for index, kind in enumerate(kinds)
            if kind.has_folio and not kind.starts_division and ends_division(kinds, index)
            and len(kind.lines) < 3]


RUNT_LENGTHS = [31, 33, 62, 36, 64, 35, 30, 65, 34, 97, 98, 64]  # runts on rectos and versos, the last page too


def test_runts_are_pulled_forward_as_the_pages_are_made_by_whole_lines(tmp_path, monkeypatch):
    """Scenes whose last pages would hold one or two lines, on rectos and on versos: laid
    out, none does, and every line (of the shortened pages too) stays on the grid. Without
    the rule, the same play has runts of both kinds: the input does exercise it."""
    from publish.render import pdf

    (tmp_path / "pulled").mkdir()
    pulled = pdfplumber.open(build_small(small_project(tmp_path / "pulled", _scenes_of(RUNT_LENGTHS)))).pages
    assert _runts_in(pulled) == []
    for number, page in enumerate(pulled, 1):
        if not folio_text(page):
            continue  # front matter and openers are not set on the grid
        lines = [line for line in body_lines(page) if abs(main_size(line) - BODY) < 0.1]
        places = [baseline(page, line) for line in lines]
        assert all(abs(round((b - places[0]) / geometry.BOOK_LINE) * geometry.BOOK_LINE - (b - places[0])) < 0.5
                   for b in places), number

    layout = pdf.layout
    monkeypatch.setattr(pdf, "layout", lambda *args, **kwargs: layout(*args, **{**kwargs, "pull_runts": False}))
    (tmp_path / "plain").mkdir()
    plain = pdfplumber.open(build_small(small_project(tmp_path / "plain", _scenes_of(RUNT_LENGTHS)))).pages
    runts = _runts_in(plain)
    assert {number % 2 for number, _ in runts} == {0, 1} and {lines for _, lines in runts} >= {1, 2}, runts


# ---------------------------------------------------------------- hyphens

HYPHEN = "\u2010"  # WeasyPrint's hyphenate character, added where it breaks a word


def test_no_word_is_hyphenated_from_a_recto_to_the_next_verso(print_pdfs):
    found, checked = [], 0
    for name, pages in print_pdfs.items():
        kinds = page_kinds(pages)
        for index, kind in enumerate(kinds):
            if kind.number % 2 and kind.lines and not ends_division(kinds, index):
                checked += 1
                if kind.lines[-1]["text"].endswith(HYPHEN):
                    found.append((name, kind.number, kind.lines[-1]["text"][-20:]))
    assert found == [] and checked >= 10


def test_never_more_than_two_hyphenated_line_ends_in_a_row(print_pdfs):
    ladders, hyphenated = [], 0
    for name, pages in print_pdfs.items():
        kinds = page_kinds(pages)
        run = 0
        for kind in kinds:
            if not kind.has_folio:
                continue
            if kind.starts_division:
                run = 0
            for line in kind.lines:
                ends = line["text"].endswith(HYPHEN)
                run = run + 1 if ends else 0
                hyphenated += ends
                if run > 2:
                    ladders.append((name, kind.number, line["text"][-20:]))
    assert ladders == [] and hyphenated > 50  # the books do hyphenate


# ---------------------------------------------------------------- paragraphs' last lines


def single_word_endings(document) -> tuple[int, list[str]]:
    """(paragraphs of two lines or more, the last words of those whose last line holds one
    word, or a hyphenated word's end); a piece of a URL (which breaks anywhere) is not a word."""
    paragraphs, single = 0, []
    for _, lines in element_lines(document):
        if len(lines) < 2:
            continue
        paragraphs += 1
        last = words_of(text_of(lines[-1]))
        whole = words_of(" ".join(text_of(line) for line in lines[-2:]))
        in_url = any(re.search(r"[/#=_]", word) for word in whole[-2:])
        if len(last) == 1 and not in_url:
            single.append(last[0])
    return paragraphs, single


def test_paragraphs_rarely_end_with_a_word_alone(documents):
    """A one-word last line is avoided by bringing a word down from the line above when
    that line stays tight enough (render/weasy/line_breaking.py)."""
    for name, document in documents.items():
        paragraphs, single = single_word_endings(document)
        assert paragraphs > 50, name
        assert len(single) <= paragraphs // 15, (name, paragraphs, single)
