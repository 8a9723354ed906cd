"""What the print PDF says about itself: document information and XMP (title, author,
language, subject, keywords, dates of the build), the outline of plays and scenes, and the
markers of the standards `print: {pdf_variant: …}` writes it to (PDF/A-3b, PDF/UA-1).

veraPDF, the reference validator for both, is a Java application distributed neither on
PyPI, nor in Debian, nor on npm (the registries this project installs from), so these tests
check the markers a validator starts from, not full conformance.
"""

from __future__ import annotations

import re
import subprocess

import pypdf

from print_support import build_small, contents_entries, play_start_pages, small_project

EPOCH, EPOCH_PDF_DATE = "1700000000", "D:20231114"  # 2023-11-14 (UTC)
META = ("    author: Jane Q. Doe\n    language: en-GB\n"
        "    description: Two dialogues about shoggoths, with notes.\n"
        "    subjects: [Drama, Artificial intelligence]\n")
PLAY = "## A Play\n\n### Scene 1: One\n\n**A**: Hello.\n\n### Scene 2: Two\n\n**B**: Goodbye.\n"


def catalog(reader: pypdf.PdfReader):
    return reader.trailer["/Root"]


def xmp(reader: pypdf.PdfReader) -> str:
    return catalog(reader)["/Metadata"].get_object().get_data().decode("utf-8")


def test_document_information_from_book_yaml_and_the_build_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    reader = pypdf.PdfReader(build_small(small_project(tmp_path, PLAY, META)))
    info = reader.metadata
    assert (info["/Title"], info["/Author"]) == ("Small", "Jane Q. Doe")
    assert info["/Subject"] == "Two dialogues about shoggoths, with notes."
    assert info["/Keywords"] == "Drama, Artificial intelligence"
    assert info["/CreationDate"] == info["/ModDate"] == EPOCH_PDF_DATE
    assert catalog(reader)["/Lang"] == "en-GB"


def test_without_source_date_epoch_the_dates_are_the_last_commits(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = small_project(tmp_path, PLAY)
    date = {"GIT_AUTHOR_DATE": "2021-03-04T05:06:07Z", "GIT_COMMITTER_DATE": "2021-03-04T05:06:07Z"}
    for command in (["init", "-q"], ["add", "."], ["-c", "user.name=T", "-c", "user.email=t@example.org",
                                                   "commit", "-q", "-m", "play"]):
        subprocess.run(["git", "-C", str(root), *command], check=True, env={**date, "PATH": "/usr/bin:/bin"})
    info = pypdf.PdfReader(build_small(root)).metadata
    assert info["/CreationDate"] == info["/ModDate"] == "D:20210304"


def outline(reader: pypdf.PdfReader, items=None, level: int = 1) -> list[tuple[int, str, int]]:
    """(level, title, 1-based page) of every bookmark, depth first."""
    entries = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            entries += outline(reader, item, level + 1)
        else:
            entries.append((level, item.title, reader.get_destination_page_number(item) + 1))
    return entries


def test_outline_is_the_plays_and_their_scenes_at_their_pages(books):
    built = books["drafts"]
    pages = built.pages()
    contents = dict(contents_entries(pages))
    expected = []
    for play, start in zip(built.job.book.plays, play_start_pages(pages, built.job.book), strict=True):
        expected.append((1, play.meta.title, start))
        for division in play.body:
            label = ": ".join(part for part in (f"{division.kind.capitalize()} {division.number}"
                                                if division.number else "", division.title or "") if part)
            if label:
                expected.append((2, label, contents[label]))
    assert sum(1 for level, _, _ in expected if level == 2) >= 3
    # Nothing of the front matter (book title, contents, "Characters") clutters it.
    assert outline(pypdf.PdfReader(built.path)) == expected


def test_plain_pdf_claims_no_standard(books):
    root = catalog(pypdf.PdfReader(books["collected"].path))
    assert not {"/Metadata", "/OutputIntents", "/StructTreeRoot"} & set(root)


def test_pdf_a_3b_has_its_identification_an_output_intent_and_matching_xmp(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    path = build_small(small_project(tmp_path, PLAY, META + "    print: {pdf_variant: pdf/a-3b}\n"))
    reader = pypdf.PdfReader(path)
    assert path.read_bytes().startswith(b"%PDF-1.7")
    metadata = xmp(reader)
    assert re.search(r'pdfaid:part="3"', metadata) and re.search(r'pdfaid:conformance="B"', metadata)
    intent = catalog(reader)["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1" and "/DestOutputProfile" in intent
    assert "/ID" in reader.trailer
    # PDF/A: the document information and the XMP say the same.
    for value in ("Small", "Jane Q. Doe", "Two dialogues about shoggoths, with notes.",
                  "Drama, Artificial intelligence", "2023-11-14"):
        assert value in metadata
    assert reader.metadata["/CreationDate"] == EPOCH_PDF_DATE


def test_pdf_ua_1_is_tagged_with_its_language_and_title_shown(tmp_path):
    path = build_small(small_project(tmp_path, PLAY, META + "    print: {pdf_variant: pdf/ua-1}\n"))
    reader = pypdf.PdfReader(path)
    root = catalog(reader)
    assert 'pdfuaid:part="1"' in xmp(reader)
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert "<dc:title>" in xmp(reader) and reader.metadata["/Title"] == "Small"
