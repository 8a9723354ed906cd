"""book.yaml's print settings and the book keys the print edition adds (isbn, edition, draft),
and the page geometry generated from them. Fast: no layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish import config as c
from publish.model.errors import ConfigError
from publish.render import page


def project(tmp_path: Path, yaml_text: str) -> Path:
    (tmp_path / "play.md").write_text("## A Play\n\n**A**: Hello.\n", encoding="utf-8")
    (tmp_path / "book.yaml").write_text(yaml_text, encoding="utf-8")
    return tmp_path


def load(tmp_path: Path, yaml_text: str) -> c.Config:
    return c.load(project(tmp_path, yaml_text))


BOOK = "books:\n  b:\n    title: T\n    manuscripts: [play.md]\n"


def test_print_defaults_when_nothing_is_said(tmp_path):
    book = load(tmp_path, BOOK).books[0]
    assert book.print == c.PrintConfig("5.5x8.5in", "pod", "book")
    assert (book.isbn, book.edition, book.draft) == ("", "", False)


def test_book_print_settings_merge_over_defaults_key_by_key(tmp_path):
    config = load(tmp_path, "defaults:\n  print: {trim: 6x9in, profile: press}\n"
                            + BOOK + "    print: {profile: screen}\n")
    assert config.books[0].print == c.PrintConfig("6x9in", "screen", "book")
    assert config.print_defaults == c.PrintConfig("6x9in", "press", "book")


def test_manuscript_style_defaults_to_letter_unless_trim_given(tmp_path):
    assert load(tmp_path, BOOK + "    print: {style: manuscript}\n").books[0].print.trim == "letter"
    both = load(tmp_path, BOOK + "    print: {style: manuscript, trim: a5}\n").books[0].print
    assert both.trim == "A5"  # trim names match without regard to case


def test_unknown_print_key_is_an_error_with_position_and_suggestion(tmp_path):
    with pytest.raises(ConfigError) as error:
        load(tmp_path, BOOK + "    print:\n      trmi: 6x9in\n")
    assert str(error.value) == ("book.yaml:6:7: error: unknown key 'trmi' in books.b.print; "
                                "did you mean 'trim'?")


def test_unknown_trim_names_the_choices_and_a_near_miss(tmp_path):
    with pytest.raises(ConfigError) as error:
        load(tmp_path, BOOK + "    print: {trim: 6x9}\n")
    message = str(error.value)
    assert message.startswith("book.yaml:5:19: error: books.b.print.trim must be one of")
    assert "did you mean '6x9in'?" in message


def test_unknown_profile_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="profile must be one of pod, press, screen"):
        load(tmp_path, "defaults:\n  print: {profile: web}\n" + BOOK)


def test_pdf_variant_is_none_unless_chosen_and_merges_like_the_other_print_keys(tmp_path):
    assert load(tmp_path, BOOK).books[0].print.pdf_variant is None
    explicit = load(tmp_path, BOOK + "    print: {pdf_variant: none}\n").books[0].print
    assert explicit.pdf_variant == "none" and explicit.standard("pdf/x-1a") is None
    config = load(tmp_path, "defaults:\n  print: {pdf_variant: PDF/A-3b}\n" + BOOK
                  + "    print: {trim: 6x9in}\n")
    assert config.books[0].print == c.PrintConfig("6x9in", "pod", "book", "pdf/a-3b")
    assert config.books[0].print.with_profile("press").pdf_variant == "pdf/a-3b"
    ua = load(tmp_path, BOOK + "    print: {pdf_variant: pdf/ua-1}\n").books[0].print
    assert ua.pdf_variant == "pdf/ua-1"


def test_unknown_pdf_variant_names_the_choices_and_a_near_miss(tmp_path):
    with pytest.raises(ConfigError) as error:
        load(tmp_path, BOOK + "    print:\n      pdf_variant: pdf/a-3\n")
    assert str(error.value) == (
        "book.yaml:6:20: error: books.b.print.pdf_variant must be one of none, pdf/a-3b, "
        "pdf/ua-1, pdf/x-1a, pdf/x-3, pdf/x-4, pdf/x-5g, not 'pdf/a-3'; did you mean 'pdf/a-3b'?")
    with pytest.raises(ConfigError, match="unknown key 'pdf_varaint'.*did you mean 'pdf_variant'"):
        load(tmp_path, BOOK + "    print: {pdf_varaint: pdf/ua-1}\n")


def test_isbn_check_digit_is_verified_and_the_written_form_kept(tmp_path):
    good = load(tmp_path, BOOK + "    isbn: 978-0-306-40615-7\n    edition: First edition\n")
    assert (good.books[0].isbn, good.books[0].edition) == ("978-0-306-40615-7", "First edition")
    assert load(tmp_path, BOOK + "    isbn: 0-306-40615-2\n").books[0].isbn == "0-306-40615-2"
    with pytest.raises(ConfigError, match=r"book.yaml:5:11: .*not a valid ISBN"):
        load(tmp_path, BOOK + "    isbn: 978-0-306-40615-8\n")


def test_isbn_in_defaults_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="ISBN belongs to one book"):
        load(tmp_path, "defaults:\n  isbn: 978-0-306-40615-7\n" + BOOK)


def test_draft_must_be_a_boolean(tmp_path):
    assert load(tmp_path, BOOK + "    draft: true\n").books[0].draft is True
    with pytest.raises(ConfigError, match="draft must be true or false"):
        load(tmp_path, BOOK + "    draft: maybe\n")


def test_the_project_book_yaml_marks_drafts_as_a_draft():
    config = c.load(Path(__file__).resolve().parents[1])
    assert {b.id: b.draft for b in config.books} == {"collected": False, "drafts": True}


# ---------------------------------------------------------------- page geometry


@pytest.mark.parametrize("pages, gutter", [(1, 0.375), (150, 0.375), (151, 0.5), (300, 0.5),
                                           (301, 0.625), (500, 0.625), (501, 0.75), (2000, 0.75)])
def test_gutter_grows_with_page_count(pages, gutter):
    assert page.gutter_for(pages) == gutter


def test_page_css_for_pod_sets_size_bleed_and_mirrored_margins():
    css = page.page_css(c.PrintConfig("6x9in", "pod", "book"), 0.5)
    assert "size: 6in 9in; bleed: 0.125in; marks: none;" in css
    assert "@page :left { margin-left: 0.65in; margin-right: 0.5in; }" in css
    assert "@page :right { margin-left: 0.5in; margin-right: 0.65in; }" in css


def test_page_css_press_has_crop_marks_and_screen_no_bleed():
    assert "marks: crop" in page.page_css(c.PrintConfig("A5", "press", "book"), 0.375)
    assert "bleed: 0in; marks: none" in page.page_css(c.PrintConfig("letter", "screen", "book"), 0.375)


def test_manuscript_pages_are_one_sided():
    css = page.page_css(c.PrintConfig("letter", "screen", "manuscript"), 0.75)
    assert ":left" not in css and "1.5in" in css
