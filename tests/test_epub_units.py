"""Small pieces of the EPUB renderer, without building a book."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from publish import model as m
from publish.config import load
from publish.model.errors import ConfigError
from publish.render.cover import generated_cover
from publish.render.epub_markup import EpubMarkup, possessives_inside, speech_row
from publish.render.pagemap import assign


def test_possessive_moves_inside_the_persona():
    ref = m.PersonaRef("doomimir", (m.Text("Doomimir"),))
    fixed = possessives_inside((ref, m.Text("'s hat falls.")))
    html = EpubMarkup().inlines(fixed)
    assert html == '<b epub:type="z3998:persona">Doomimir’s</b> hat falls.'


def test_apostrophe_that_is_not_a_possessive_stays_outside():
    ref = m.PersonaRef("simplicia", (m.Text("Simplicia"),))
    assert possessives_inside((ref, m.Text("' said")))[1] == m.Text("' said")


def test_speech_of_several_paragraphs_has_only_blocks_in_its_cell():
    speech = m.Speech(("a",), "A", m.StageDirection((m.Text("softly"),)),
                      (m.Paragraph((m.Text("One."),)), m.Paragraph((m.Text("Two."),))))
    row = speech_row(speech, EpubMarkup())
    assert '<td>\n<p><i epub:type="z3998:stage-direction">softly</i> One.</p>\n<p>Two.</p>\n</td>' in row


def test_pages_without_a_start_share_the_next_point_and_front_matter_goes_first():
    span = lambda line: m.Span("p.md", line, 1)  # noqa: E731
    keys = [span(1), span(2)]
    pages = [set(), {"play-1"}, {"pm-0"}, set(), {"pm-1"}]
    positions = {"play-1": 10, "pm-0": 20, "pm-1": 30}
    result = assign(pages, keys, positions, "play-1")
    assert result.front == [1]
    assert result.at_id == {"play-1": [2]}
    assert result.before_text == {span(1): [3], span(2): [4, 5]}


def test_generated_cover_is_deterministic_png():
    first = generated_cover("A Title", "A Subtitle", "An Author")
    assert first.startswith(b"\x89PNG") and first == generated_cover("A Title", "A Subtitle", "An Author")


def project(tmp_path: Path, book_extra: str) -> Path:
    (tmp_path / "play.md").write_text("## Play\n\n**A**: Hello.\n", encoding="utf-8")
    (tmp_path / "book.yaml").write_text(textwrap.dedent("""\
        books:
          one:
            title: One
            manuscripts: [play.md]
        """) + textwrap.indent(book_extra, "    "), encoding="utf-8")
    return tmp_path


def test_subjects_are_read_as_a_list(tmp_path):
    config = load(project(tmp_path, "subjects: [Drama, Dialogues]\n"))
    assert config.books[0].subjects == ("Drama", "Dialogues")


def test_subjects_must_be_a_list_with_its_position(tmp_path):
    with pytest.raises(ConfigError) as error:
        load(project(tmp_path, "subjects: Drama\n"))
    assert "subjects must be a list" in str(error.value)
    assert error.value.location.line == 5


def test_cover_must_exist_and_be_an_image(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load(project(tmp_path, "cover: art/cover.png\n"))
    with pytest.raises(ConfigError, match="PNG or JPEG"):
        load(project(tmp_path, "cover: play.md\n"))


def test_page_map_marks_are_attributes_no_stylesheet_reads(tmp_path):
    """The print PDF is laid out from the marked HTML: the marks must not change its layout,
    so the marked HTML is the plain one plus `data-pm` attributes, and no style reads them."""
    import re

    from publish.build import outputs
    from publish.build.assemble import assemble
    from publish.reading.files import ProjectFiles
    from publish.render.html import Stamp
    from publish.render.markup import Markup
    from publish.render.pagemap import MarkedMarkup
    from publish.support.paths import STYLES_DIR

    root = Path(__file__).resolve().parents[1]
    config = load(root)
    job = assemble(config, config.book("drafts"))
    files, stamp = ProjectFiles(root), Stamp("abc", "2024-01-01")
    marked = MarkedMarkup(link_footnotes=True)
    plain = outputs._book_html(job, files, stamp, markup=Markup(link_footnotes=True))
    html = outputs._book_html(job, files, stamp, markup=marked)
    assert html.count(" data-pm=") == len(marked.blocks_runs) > 100
    assert re.sub(r' data-pm="\d+"', "", html) == plain
    assert not any("data-pm" in sheet.read_text() for sheet in STYLES_DIR.glob("*.css"))
