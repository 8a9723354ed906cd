"""Issue 5: epubcheck finds no fatal error, no error and no warning in the one-play EPUB built
from every seed and every corpus file (what `publish epub FILE` writes).

The author's 44 files (../shared/seeds/*, ../shared/corpus/*/*.md) are read where they are,
never copied. They are built through the library in this one process (`assemble_file`, then
one `build_all` rendering two at a time), and all the EPUBs are checked in ONE JVM by
tests/epubcheck_many.java (through epubcheck_support.py), which drives epubcheck's Java API
(`EpubCheck(file, report)`) with a report that prints every message and the counts per EPUB:
a JVM and epubcheck's schemas cost seconds to start, once rather than 44 times.

Drafts: a file is built as a release (as `publish epub FILE` does for a file outside any
book), unless its only errors are images it cannot ship (M301 missing: the llm-successes
files and seed 002 name images kept in ../shared/corpus/images, not beside them; M302 remote:
imgur links). Those files are built as drafts (`assemble_file(..., draft=True)`, what
`draft: true` on a book does), whose EPUB shows a placeholder for the image, so every file still
yields an EPUB to check. Which files become drafts is checked against an independent scan of
their image references, so a file cannot slip into draft mode for any other reason.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import SHARED_DIR, author_files, needs_shared
from epubcheck_support import check_epubs, describe
from publish.build.assemble import assemble_file
from publish.build.plan import build_all
from publish.model.diagnostics import Severity

SHARED = SHARED_DIR
FILES = author_files()
# The whole module reads the author's files; tests/test_epub_build.py builds the repository's
# own fixtures, so a clone without ../shared still checks an EPUB of every convention.
pytestmark = needs_shared
IMAGE_CODES = {"M301", "M302"}  # missing, remote
IMAGE_REF = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
CONTROL = "control-broken"  # an EPUB made invalid on purpose: the checker must see it


def test_the_corpus_is_there():
    assert len(FILES) == 44, f"expected the 4 seeds and 40 corpus files in {SHARED}, found {len(FILES)}"


@dataclass
class Corpus:
    epubs: dict[str, Path]  # file stem -> EPUB
    drafted: set[str] = field(default_factory=set)  # stems built as drafts


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """One EPUB per file; those whose only errors are unshippable images are drafts."""
    outdir = tmp_path_factory.mktemp("corpus-epubs")
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    try:
        jobs, drafted = [], set()
        for path in FILES:
            job = assemble_file(path, None)
            errors = {d.code for d in job.diagnostics if d.severity == Severity.ERROR}
            if errors and errors <= IMAGE_CODES:
                job = assemble_file(path, None, draft=True)
                drafted.add(path.stem)
            jobs.append(job)
        artifacts = build_all(jobs, ("epub",), outdir, workers=2)
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return Corpus({job.id: arts[0].path for job, arts in zip(jobs, artifacts, strict=True)}, drafted)


def _has_unshippable_image(path: Path) -> bool:
    """A remote image, or one not found beside the file: independent of publish's checks."""
    for url in IMAGE_REF.findall(path.read_text(encoding="utf-8")):
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url) or not (path.parent / url).is_file():
            return True
    return False


def test_every_file_yields_an_epub_and_only_image_problems_make_drafts(corpus):
    assert sorted(corpus.epubs) == sorted(p.stem for p in FILES)
    assert all(epub.is_file() and epub.stat().st_size > 0 for epub in corpus.epubs.values())
    expected = {p.stem for p in FILES if _has_unshippable_image(p)}
    assert corpus.drafted == expected


def _broken_copy(epub: Path, target: Path) -> Path:
    """`epub` less its first play: the package still lists it (epubcheck RSC-001)."""
    with zipfile.ZipFile(epub) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            if not info.filename.endswith("play-1.xhtml"):
                copy.writestr(info, source.read(info.filename))
    return target


@pytest.fixture(scope="module")
def epubcheck_results(corpus, tmp_path_factory) -> dict[str, dict]:
    """epubcheck's report for each EPUB (and the broken control), from one JVM."""
    epubs = dict(corpus.epubs)
    first = next(iter(epubs.values()))
    epubs[CONTROL] = _broken_copy(first, tmp_path_factory.mktemp("control") / f"{CONTROL}.epub")
    return check_epubs(epubs)


def test_the_checker_reports_errors(epubcheck_results):
    """The one-JVM checker is not blind: an EPUB missing a listed file has errors."""
    report = epubcheck_results[CONTROL]
    assert report["checker"]["nFatal"] + report["checker"]["nError"] > 0, describe(report)
    assert any(m["ID"] == "RSC-001" for m in report["messages"]), describe(report)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_epubcheck_finds_nothing(epubcheck_results, path):
    report = epubcheck_results[path.stem]
    checker = report["checker"]
    counts = (checker["nFatal"], checker["nError"], checker["nWarning"])
    assert counts == (0, 0, 0), (
        f"{path.name}: {counts[0]} fatal, {counts[1]} errors, {counts[2]} warnings\n" + describe(report))
