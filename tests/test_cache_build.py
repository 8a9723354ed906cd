"""The build cache (.cache/): what a build reuses and what it renders again, observed through
the artifacts the library returns (`reused`, `rebuilt_parts`) and the cache's events, never
through timing. A changed input, style, font or config is always rebuilt; an unchanged one
never is; cached or not, the bytes are the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from proof_support import EPOCH, REPO_ROOT
from publish.build import keys
from publish.build.assemble import assemble
from publish.build.cache import Cache, render_identity
from publish.build.jobs import Artifact, BookJob
from publish.build.plan import build
from publish.config import load
from publish.reading import files
from publish.render import assets

ALL = ("pdf", "epub", "proof")
EDITED = "manuscript/drafts/llm-successes.md"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """The default project (its three-play `drafts` book) in a temporary folder."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy2(REPO_ROOT / "book.yaml", root / "book.yaml")
    shutil.copytree(REPO_ROOT / "manuscript", root / "manuscript")
    return root


def drafts(root: Path, cache: Cache) -> tuple[BookJob, list[Artifact]]:
    config = load(root)
    job = assemble(config, config.book("drafts"), cache)
    return job, build(job, ALL, root / "dist", cache=cache)


def edit_book_yaml(root: Path, old: str, new: str) -> None:
    config_file = root / "book.yaml"
    text = config_file.read_text(encoding="utf-8")
    assert old in text, old
    config_file.write_text(text.replace(old, new), encoding="utf-8")


def reused(artifacts: list[Artifact]) -> dict[str, bool]:
    return {a.kind: a.reused for a in artifacts}


def test_second_build_reuses_every_output_with_the_same_bytes(project):
    _, first = drafts(project, Cache.for_project(project))
    assert reused(first) == {"pdf": False, "epub": False, "proof": False}
    before = {a.kind: a.path.read_bytes() for a in first}

    cache = Cache.for_project(project)
    _, second = drafts(project, cache)
    assert reused(second) == {"pdf": True, "epub": True, "proof": True}
    assert {a.kind: a.path.read_bytes() for a in second} == before
    assert [hit for kind, _, hit in cache.events if kind == "model"] == [True, True, True]
    assert [a.pages for a in second] == [a.pages for a in first]


def test_cached_outputs_equal_uncached_ones(project, tmp_path):
    drafts(project, Cache.for_project(project))
    _, cached = drafts(project, Cache.for_project(project))
    config = load(project)
    job = assemble(config, config.book("drafts"))
    fresh = build(job, ALL, tmp_path / "fresh")  # no cache at all
    assert all(a.reused for a in cached) and not any(a.reused for a in fresh)
    for old, new in zip(cached, fresh, strict=True):
        assert old.path.read_bytes() == new.path.read_bytes(), old.kind


def test_editing_one_play_rebuilds_only_what_depends_on_it(project):
    drafts(project, Cache.for_project(project))
    with (project / EDITED).open("a", encoding="utf-8") as f:
        f.write("\n**Simplicia**: A line added after the first build.\n")

    cache = Cache.for_project(project)
    job, artifacts = drafts(project, cache)
    models = {name: hit for kind, name, hit in cache.events if kind == "model"}
    assert models == {"manuscript/drafts/shoggoths-draft.md": True, EDITED: False,
                      "manuscript/drafts/evolution-notes.md": True}
    # The print PDF is laid out whole (page numbers run through the book); the EPUB renders
    # the edited play's chapter, and a later one only if its print page breaks moved; the
    # first play's chapter is kept. The proof lays out the edited play's part only (its
    # front, which lists every play's notes, is laid out again and the parts merged).
    assert reused(artifacts) == {"pdf": False, "epub": False, "proof": False}
    epub_parts = set(next(a for a in artifacts if a.kind == "epub").rebuilt_parts)
    assert EDITED in epub_parts
    assert "manuscript/drafts/shoggoths-draft.md" not in epub_parts
    assert len(job.book.plays) == 3
    parts = {name: hit for kind, name, hit in cache.events if kind == "proof-part"}
    assert parts == {"drafts: proof, play 1": True, "drafts: proof, play 2": False,
                     "drafts: proof, play 3": True}
    assert next(a for a in artifacts if a.kind == "proof").rebuilt_parts == (EDITED,)


def test_proof_from_kept_parts_equals_one_built_from_scratch(project, tmp_path):
    """A proof merged from two cached parts and one laid out again is exactly the proof a
    build without any cache makes: pages, folios, summary, links and all."""
    drafts(project, Cache.for_project(project))
    with (project / EDITED).open("a", encoding="utf-8") as f:
        f.write("\n**Simplicia**: A line added after the first build.\n")
    _, artifacts = drafts(project, Cache.for_project(project))
    proof = next(a for a in artifacts if a.kind == "proof")
    assert proof.rebuilt_parts == (EDITED,)
    config = load(project)
    fresh = build(assemble(config, config.book("drafts")), ("proof",), tmp_path / "fresh",
                    cache=Cache.for_project(project, enabled=False))[0]
    assert fresh.rebuilt_parts == tuple(config.book("drafts").manuscripts)
    assert proof.path.read_bytes() == fresh.path.read_bytes()


@pytest.mark.parametrize("added_lines", [1, 60])
def test_epub_with_kept_chapters_equals_one_built_from_scratch(project, tmp_path, added_lines):
    """Kept chapters are exactly what rendering them again would give, whether or not the
    edit moved the next play's print page breaks (60 lines move them: that chapter is then
    rendered again)."""
    drafts(project, Cache.for_project(project))
    with (project / EDITED).open("a", encoding="utf-8") as f:
        for n in range(added_lines):
            f.write(f"\n**Simplicia**: Line {n} added after the first build, long enough to fill a line.\n")
    _, artifacts = drafts(project, Cache.for_project(project))
    epub_file = next(a for a in artifacts if a.kind == "epub")
    config = load(project)
    fresh = build(assemble(config, config.book("drafts")), ("epub",), tmp_path / "fresh",
                    cache=Cache.for_project(project, enabled=False))[0]
    assert epub_file.path.read_bytes() == fresh.path.read_bytes()
    later = "manuscript/drafts/evolution-notes.md" in epub_file.rebuilt_parts
    assert later == (added_lines > 1)


def test_edited_chapter_is_in_the_rebuilt_epub(project):
    import zipfile
    drafts(project, Cache.for_project(project))
    with (project / EDITED).open("a", encoding="utf-8") as f:
        f.write("\n**Simplicia**: Zyzzyva quillwort.\n")
    _, artifacts = drafts(project, Cache.for_project(project))
    book = next(a for a in artifacts if a.kind == "epub").path
    with zipfile.ZipFile(book) as archive:
        assert "Zyzzyva quillwort" in archive.read("EPUB/play-2.xhtml").decode("utf-8")
        assert "Zyzzyva" not in archive.read("EPUB/play-1.xhtml").decode("utf-8")


def test_book_config_change_rebuilds_outputs_but_not_parsing(project):
    drafts(project, Cache.for_project(project))
    edit_book_yaml(project, "title: Drafts and Working Notes", "title: Drafts, Renamed")
    cache = Cache.for_project(project)
    _, artifacts = drafts(project, cache)
    assert reused(artifacts) == {"pdf": False, "epub": False, "proof": False}
    assert all(hit for kind, _, hit in cache.events if kind == "model")


def test_cast_change_reparses_that_play(project):
    drafts(project, Cache.for_project(project))
    edit_book_yaml(project, "an optimist about deep learning", "an optimist, still")
    cache = Cache.for_project(project)
    drafts(project, cache)
    models = {name: hit for kind, name, hit in cache.events if kind == "model"}
    assert models[EDITED] is False
    assert models["manuscript/drafts/shoggoths-draft.md"] is True


def test_comment_in_book_yaml_rebuilds_nothing(project):
    drafts(project, Cache.for_project(project))
    config_file = project / "book.yaml"
    config_file.write_text("# a comment that moves every line down\n"
                           + config_file.read_text(encoding="utf-8"), encoding="utf-8")
    _, artifacts = drafts(project, Cache.for_project(project))
    assert reused(artifacts) == {"pdf": True, "epub": True, "proof": True}


def test_different_profile_is_a_different_pdf(project):
    config = load(project)
    job = assemble(config, config.book("collected"), Cache.for_project(project))
    cache = Cache.for_project(project)
    build(job, ("pdf",), project / "dist", cache=cache)
    assert not build(job, ("pdf",), project / "dist", cache=cache, profile="screen")[0].reused
    assert build(job, ("pdf",), project / "dist", cache=cache, profile="screen")[0].reused
    assert build(job, ("pdf",), project / "dist", cache=cache)[0].reused


def test_another_pdf_variant_is_a_different_pdf(project):
    """The variant is part of the book's print settings, so of the PDF's key."""
    def build_pdf() -> Artifact:
        config = load(project)
        job = assemble(config, config.book("collected"), Cache.for_project(project))
        return build(job, ("pdf",), project / "dist", cache=Cache.for_project(project))[0]

    build_pdf()
    edit_book_yaml(project, "    style: book\n", "    style: book\n    pdf_variant: pdf/a-3b\n")
    variant = build_pdf()
    assert not variant.reused
    assert "/OutputIntents" in _catalog(variant.path)  # PDF/A's: rendered anew, not copied
    assert build_pdf().reused


def _catalog(path: Path) -> set[str]:
    from pypdf import PdfReader
    return set(PdfReader(path).trailer["/Root"])


def test_another_stamp_date_is_rebuilt(project, monkeypatch):
    drafts(project, Cache.for_project(project))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400 * 3))
    _, artifacts = drafts(project, Cache.for_project(project))
    assert reused(artifacts) == {"pdf": False, "epub": False, "proof": False}


@pytest.fixture
def styles_copy(tmp_path, monkeypatch) -> Path:
    """The styles and fonts in a folder of the test's own, used by the build and its keys."""
    styles = tmp_path / "styles"
    shutil.copytree(assets.STYLES_DIR, styles)
    monkeypatch.setattr(keys, "STYLES_DIR", styles)
    monkeypatch.setattr(files, "STYLES_DIR", styles)
    monkeypatch.setattr(assets, "STYLES_DIR", styles)
    monkeypatch.setattr(assets, "FONTS_DIR", styles / "fonts")  # render/fonts.py reads it
    render_identity.cache_clear()
    yield styles
    render_identity.cache_clear()


@pytest.mark.parametrize("sheet, expected", [
    ("print.css", {"pdf": False, "epub": True, "proof": False}),  # the proof loads print.css too
    ("epub.css", {"pdf": True, "epub": False, "proof": True}),
])
def test_a_style_change_rebuilds_exactly_the_outputs_that_read_it(project, styles_copy, sheet, expected):
    drafts(project, Cache.for_project(project))
    render_identity.cache_clear()
    with (styles_copy / sheet).open("a", encoding="utf-8") as f:
        f.write("\n.speaker { letter-spacing: 0.02em; }\n")
    _, artifacts = drafts(project, Cache.for_project(project))
    assert reused(artifacts) == expected


def test_font_change_rebuilds_everything(project, styles_copy):
    drafts(project, Cache.for_project(project))
    render_identity.cache_clear()
    font = styles_copy / "fonts" / "STIX-Regular.otf"
    font.write_bytes(font.read_bytes())  # same bytes: still reused
    _, same = drafts(project, Cache.for_project(project))
    assert all(a.reused for a in same)
    render_identity.cache_clear()
    (styles_copy / "fonts" / "OFL.txt").write_text("another licence text\n", encoding="utf-8")
    _, artifacts = drafts(project, Cache.for_project(project))
    assert reused(artifacts) == {"pdf": False, "epub": False, "proof": False}


def test_changed_image_is_rebuilt(project):
    image = project / "manuscript/drafts/gpt-4_corrigibility.png"
    drafts(project, Cache.for_project(project))  # the image is missing: a placeholder
    shutil.copyfile(REPO_ROOT / "tests/fixtures/images/chart.png", image)
    _, artifacts = drafts(project, Cache.for_project(project))
    assert reused(artifacts) == {"pdf": False, "epub": False, "proof": False}


def test_disabled_cache_neither_reads_nor_writes(project):
    drafts(project, Cache.for_project(project, enabled=False))
    assert not (project / ".cache").exists()
    _, artifacts = drafts(project, Cache.for_project(project, enabled=False))
    assert not any(a.reused for a in artifacts)


def test_damaged_entry_is_rendered_again(project):
    _, first = drafts(project, Cache.for_project(project))
    for entry in (project / ".cache").rglob("*"):
        if entry.is_file() and entry.parent.parent.name == "model":
            entry.write_bytes(b"not a pickle")
    cache = Cache.for_project(project)
    _, second = drafts(project, cache)
    assert [hit for kind, _, hit in cache.events if kind == "model"] == [False, False, False]
    assert [a.path.read_bytes() for a in second] == [a.path.read_bytes() for a in first]


# ---------------------------------------------------------------- one print layout per book


def count_print_layouts(monkeypatch) -> list[str]:
    """Record each layout of print HTML (the proof's body is told apart by its class)."""
    from publish.render import pdf
    calls: list[str] = []
    layout = pdf.layout

    def counting(html, base_dir, files, **options):
        calls.append("proof" if '<body class="proof' in html else "print")
        return layout(html, base_dir, files, **options)

    monkeypatch.setattr(pdf, "layout", counting)
    return calls


@pytest.mark.parametrize("cached", [True, False])
def test_pdf_and_epub_of_a_book_share_one_print_layout(project, monkeypatch, cached):
    """The EPUB's page-list comes from the print PDF's own layout, with or without the cache."""
    calls = count_print_layouts(monkeypatch)
    config = load(project)
    job = assemble(config, config.book("collected"))
    cache = Cache.for_project(project, enabled=cached)
    artifacts = build(job, ALL, project / "dist", cache=cache)  # one process: calls are seen
    assert sorted(calls) == ["print", "proof", "proof"]  # the proof: its one play, its front
    assert all(not a.reused for a in artifacts)


def test_epub_alone_reads_the_page_map_the_pdf_left_in_the_cache(project, monkeypatch):
    config = load(project)
    job = assemble(config, config.book("collected"))
    build(job, ("pdf",), project / "dist", cache=Cache.for_project(project))
    calls = count_print_layouts(monkeypatch)
    build(job, ("epub",), project / "dist", cache=Cache.for_project(project))
    assert calls == []
    # Without the cache, the EPUB lays the print edition out for its page-list itself.
    build(job, ("epub",), project / "out", cache=Cache.for_project(project, enabled=False))
    assert calls == ["print"]


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_reports_pages_laid_out(project, workers):
    """The progress display hears of each page WeasyPrint lays out, from any render process."""
    config = load(project)
    job = assemble(config, config.book("collected"))
    heard: list[str] = []
    artifacts = build(job, ("pdf", "proof"), project / "dist", progress=heard.append,
                        workers=workers)
    pages = {a.kind: a.pages for a in artifacts}
    furthest: dict[str, int] = {}  # task label -> the furthest page heard
    for message in heard:
        label, _, laid_out = message.rpartition(", ")
        if laid_out.endswith(" pages laid out"):
            furthest[label] = max(furthest.get(label, 0), int(laid_out.split()[0]))
    assert furthest["collected: pdf"] == pages["pdf"]  # the last page was heard
    # The proof: its play's part, then its front (the summary and front matter).
    assert set(furthest) == {"collected: pdf", "collected: proof, play 1", "collected: proof"}
    assert furthest["collected: proof, play 1"] + furthest["collected: proof"] == pages["proof"]
