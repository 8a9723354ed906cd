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
    EPOCH_DATE, REPO_ROOT, SEEDS_DIR, body_letters, cli, epub_letters, git, letters,
    margin_numbers, page_texts,
)
from publish import model as m
from publish.normalize import normalize
from publish.pandoc import parse_markdown


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


def seed_notes(seed_prefix: str) -> list[str]:
    """The opening words of every editorial note of a seed, as letters."""
    path = next(SEEDS_DIR.glob(f"{seed_prefix}_*.txt"))
    play, _ = normalize(parse_markdown(path.read_text(encoding="utf-8"), path.name), path.name)
    notes = [n for n in m.walk(play) if isinstance(n, (m.Note, m.InlineNote))]
    phrases = [letters(m.plain_text(n))[:30] for n in notes]
    assert phrases, f"seed {seed_prefix} has no notes: the test would prove nothing"
    return phrases


@pytest.mark.parametrize("seed", ["000", "002"])
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


def test_summary_lists_diagnostics_with_their_pages(proof_pdf):
    pages = page_texts(proof_pdf)
    summary = pages[0] + pages[1]
    assert "Proof summary" in pages[0] or "PROOF SUMMARY" in pages[0].upper()
    for code, words in (("M102", "empty speech for Simplicia"),
                        ("M301", "gpt-4_corrigibility.png")):
        row = next(line for line in summary.splitlines() if code in line)
        page = int(re.search(r"(\d+)$", row).group(1))
        assert words in pages[page - 1], f"{code} is not on page {page}, as the summary says"
    assert summary.count("M201") >= 17  # every note of the three drafts


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
