"""The proof of the default `drafts` book, built once per session in a git copy of the
project with an uncommitted change (so the stamp says +dirty): notes, stamp, summary page,
speech numbers, cast table; and the release editions without notes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from proof_support import (
    EPOCH_DATE,
    REPO_ROOT,
    body_letters,
    cli,
    epub_letters,
    git,
    letters,
    margin_numbers,
    page_texts,
)
from publish import model as m
from publish.reading.normalize import normalize
from publish.reading.pandoc import parse_markdown


@pytest.fixture(scope="session")
def drafts_project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("proof-project")
    shutil.copy2(REPO_ROOT / "book.yaml", root / "book.yaml")
    shutil.copytree(REPO_ROOT / "manuscript", root / "manuscript")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "manuscripts")
    with (root / "manuscript/drafts/evolution-notes.md").open("a", encoding="utf-8") as f:
        f.write("\n**Simplicia**: One more line, not yet committed.\n")
    result = cli("all", "--book", "drafts", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="session")
def proof_pdf(drafts_project) -> Path:
    return drafts_project / "dist/drafts-proof.pdf"


def seed_notes(manuscript: str) -> list[str]:
    """The opening words of every editorial note of a manuscript (seeds 000 and 002 in their
    canonical form), as letters."""
    path = REPO_ROOT / "manuscript" / "drafts" / manuscript
    play, _ = normalize(parse_markdown(path.read_text(encoding="utf-8"), path.name), path.name)
    notes = [n for n in m.walk(play) if isinstance(n, (m.Note, m.InlineNote))]
    phrases = [letters(m.plain_text(n))[:30] for n in notes]
    assert phrases, f"{manuscript} has no notes: the test would prove nothing"
    return phrases


@pytest.mark.parametrize("seed", ["shoggoths-draft.md", "llm-successes.md"])
def test_seed_notes_in_proof_only(drafts_project, proof_pdf, seed):
    proof = body_letters(proof_pdf)
    release_pdf = body_letters(drafts_project / "dist/drafts.pdf")
    release_epub = epub_letters(drafts_project / "dist/drafts.epub")
    for phrase in seed_notes(seed):
        assert phrase in proof
        assert phrase not in release_pdf
        assert phrase not in release_epub


def test_stamp_on_every_page(drafts_project, proof_pdf):
    commit = git(drafts_project, "rev-parse", "--short", "HEAD")
    stamp = f"drafts · {commit}+dirty · {EPOCH_DATE}"
    pages = page_texts(proof_pdf)
    assert len(pages) > 20
    for number, text in enumerate(pages, 1):
        assert stamp in text, f"page {number} has no stamp"
        # letter-spaced in the margin, so text extraction may split it ("DR AFT")
        assert "DRAFT" in text.replace(" ", ""), f"page {number} is not marked DRAFT"


def page_labels(pdf_path: Path) -> list[str]:
    import pypdf
    return list(pypdf.PdfReader(pdf_path).page_labels)


def test_summary_lists_diagnostics_with_their_pages(proof_pdf):
    pages = page_texts(proof_pdf)
    labels = page_labels(proof_pdf)
    summary = pages[0] + pages[1]
    assert "Proof summary" in pages[0] or "PROOF SUMMARY" in pages[0].upper()
    for code, words in (("M102", "empty speech for Simplicia"),
                        ("M301", "gpt-4_corrigibility.png")):
        row = next(line for line in summary.splitlines() if code in line)
        folio = re.search(r"(\d+-\d+)$", row).group(1)
        page = labels.index(folio)
        assert words in pages[page], f"{code} is not on page {folio}, as the summary says"
    assert summary.count("M201") >= 17  # every note of the three drafts


def test_folios_number_each_play_and_match_the_page_labels(proof_pdf):
    """The front is numbered i, ii...; play 2's pages 2-1, 2-2... The folio printed at the
    bottom right of every page is the page label a PDF viewer shows and goes to."""
    import pdfplumber
    labels = page_labels(proof_pdf)
    front = [label for label in labels if "-" not in label]
    assert front == ["i", "ii", "iii", "iv", "v"][:len(front)] and front
    plays = labels[len(front):]
    for play in (1, 2, 3):
        mine = [label for label in plays if label.startswith(f"{play}-")]
        assert mine == [f"{play}-{n}" for n in range(1, len(mine) + 1)] and mine
    assert len(plays) == sum(1 for label in plays if re.fullmatch(r"[123]-\d+", label))
    with pdfplumber.open(proof_pdf) as pdf:
        for page, label in zip(pdf.pages, labels, strict=True):
            words = page.extract_words()
            bottom_right = max((w for w in words if w["top"] > page.height - 80),
                               key=lambda w: w["x1"])
            assert bottom_right["text"] == label


def test_summary_and_contents_link_to_the_pages_they_name(proof_pdf):
    """Every link of the summary and the contents goes to the page whose folio it shows,
    and to the element's place on it; none is left pointing outside the proof."""
    import pdfplumber
    import pypdf
    reader = pypdf.PdfReader(proof_pdf)
    labels = list(reader.page_labels)
    checked = 0
    with pdfplumber.open(proof_pdf) as pdf:
        words = [page.extract_words() for page in pdf.pages[:5]]
    for number, page in enumerate(reader.pages[:5]):
        height = float(page.mediabox.height)
        for reference in page.get("/Annots") or []:
            link = reference.get_object()
            assert "/A" not in link, f"a link on page {labels[number]} leaves the proof"
            target = reader.get_page_number(link["/Dest"][0])
            x0 = min(float(link["/Rect"][0]), float(link["/Rect"][2]))
            y0, y1 = sorted((float(link["/Rect"][1]), float(link["/Rect"][3])))
            # The last word of the link's line, right of it: the row's folio (summary), or
            # the entry's, after its leader (contents).
            line = [w for w in words[number] if w["x1"] > x0
                    and height - y1 <= (w["top"] + w["bottom"]) / 2 <= height - y0]
            assert max(line, key=lambda w: w["x1"])["text"] == labels[target]
            assert 0 < float(link["/Dest"][3]) <= float(reader.pages[target].mediabox.height)
            checked += 1
    assert checked >= 2 * 30  # two link boxes per entry: 26 summary rows, 6 contents entries


def test_speech_numbers_match_publish_ast(drafts_project, proof_pdf):
    expected = []
    for source in ("shoggoths-draft", "llm-successes", "evolution-notes"):
        result = cli("ast", f"manuscript/drafts/{source}.md", cwd=drafts_project)
        play = json.loads(result.stdout)
        for division in play["body"]:
            expected += [(b["number"], b["label"]) for b in division["blocks"]
                         if b["type"] == "speech"]
    found = margin_numbers(proof_pdf)
    assert [n for n, _ in found] == [n for n, _ in expected]
    assert [label.lower() for _, label in found] == [label.split()[0].lower() for _, label in expected]


def test_cast_table_per_play(proof_pdf):
    text = "\n".join(page_texts(proof_pdf))
    assert text.upper().count("CAST TABLE") == 3
    assert re.search(r"Simplicia Optimistovna Dobraya \d+ \d+% \d+ \d+%", text)


def test_one_play_of_a_book_is_proofed_alone(drafts_project):
    result = cli("proof", "--book", "drafts", "manuscript/drafts/llm-successes.md", cwd=drafts_project)
    assert result.returncode == 0, result.stderr
    text = "\n".join(page_texts(drafts_project / "dist/drafts-llm-successes-proof.pdf"))
    assert "Alignment Implications of Deep Learning Successes" in text
    assert "Shoggoths" not in text and "Evolution Analogy" not in text
    assert "drafts · " in text  # the book's stamp and metadata, not a one-play book's
