"""Issue 27: a Fountain stage play built like any other: print PDF, EPUB (epubcheck-clean) and
proof, from a project whose book.yaml lists a `.fountain` manuscript; and each Fountain
element's markup."""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pytest

from conftest import REPO_ROOT, run_cli
from epubcheck_support import check_epubs, describe
from publish import model as m
from publish.render.html import render_drama
from publish.render.markup import Markup

FOUNTAIN_DIR = REPO_ROOT / "tests" / "fixtures" / "fountain"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fountain-project")
    for name in ("book.yaml", "stage-play.fountain", "elements.fountain"):
        shutil.copy2(FOUNTAIN_DIR / name, root / name)
    result = run_cli("all", "-q", "--no-cache", cwd=root, timeout=300)
    assert result.returncode == 0, result.stderr
    return root / "dist"


def _text(pdf: Path) -> str:
    with pdfplumber.open(pdf) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


def test_print_pdf_of_a_fountain_stage_play(built: Path) -> None:
    text = _text(built / "stage-play.pdf")
    for words in ("The Lemon Orchard", "A Stage Play in Fountain", "You’re late.", "CURTAIN.",
                  "Lemons, lemons, everywhere,", "BLACKOUT.", "(O.S.)"):
        assert words in text, words
    assert "cut this line" not in text  # notes are proof-only


def test_cut_material_is_never_rendered_and_notes_only_in_the_proof(built: Path) -> None:
    for name in ("elements.pdf", "elements-proof.pdf"):
        assert "never happened" not in _text(built / name)
    assert "give Medlar a line" in _text(built / "elements-proof.pdf")
    assert "give Medlar a line" not in _text(built / "elements.pdf")


def test_page_break_starts_a_new_page(built: Path) -> None:
    with pdfplumber.open(built / "elements.pdf") as document:
        pages = [page.extract_text() or "" for page in document.pages]
    end = next(i for i, page in enumerate(pages) if "THE END" in page)
    assert "I say nothing" not in pages[end] and "I say nothing" in pages[end + 1]


def test_epubs_of_fountain_plays_pass_epubcheck(built: Path) -> None:
    reports = check_epubs({name: built / f"{name}.epub" for name in ("stage-play", "elements")})
    for name, report in reports.items():
        counts = report["checker"]
        assert (counts["nFatal"], counts["nError"], counts["nWarning"]) == (0, 0, 0), \
            f"{name}: {describe(report)}"


def test_markup_of_each_fountain_element() -> None:
    markup = Markup(show_notes=True)
    span = m.Span("x.fountain", 1, 1)
    transition = m.StageDirection((m.Text("CUT TO:"),), "block", span, "transition")
    assert '<p class="direction transition"' in render_drama(transition, markup)
    centred = m.StageDirection((m.Text("THE END"),), "block", span, "centered")
    assert '<p class="direction centered"' in render_drama(centred, markup)
    cut = m.Note("cut", (m.CodeBlock("QUINCE\nGone.", span),), span)
    assert render_drama(cut, markup) == ""  # not even in a proof
    speech = m.Speech(("quince",), "Quince", None, (m.Paragraph((m.Text("la"),), span, "lyric"),), span,
                      1, "(V.O.)", True)
    html = render_drama(speech, markup)
    assert 'class="speech simultaneous"' in html
    assert '>Quince <span class="cue-extension">(V.O.)</span></span>' in html
    assert '<p class="speech-cont lyric">la</p>' in html
    prose = m.Prose((m.ThematicBreak(span, "page"), m.Paragraph((m.Underline((m.Text("u"),)),), span)), span)
    assert '<hr class="page-break"/>' in render_drama(prose, markup)
    assert "<u>u</u>" in render_drama(prose, markup)
