"""A build in several processes writes the same bytes as a build in one (issue 24): the
print PDF, the proof and the EPUB of a play of several scenes with footnotes on many pages
and a contents page, built with `workers=2` (its print layout, proof and EPUB in processes of
their own, at once) and with `workers=1` (all in this process, one after another)."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf

from print_support import long_play, small_project
from publish.build.assemble import assemble
from publish.build.plan import build
from publish.config import load

ALL = ("pdf", "epub", "proof")


def built(root: Path, workers: int) -> dict[str, bytes]:
    config = load(root)
    job = assemble(config, config.books[0])
    outdir = root / f"dist-{workers}"
    build(job, ALL, outdir, workers=workers)
    return {path.name: path.read_bytes() for path in sorted(outdir.iterdir())}


def test_a_parallel_build_writes_the_bytes_of_a_one_process_build(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = small_project(tmp_path, long_play(seed=24, scenes=7))
    one, two = built(root, 1), built(root, 2)
    assert sorted(one) == ["small-proof.pdf", "small.epub", "small.pdf"]
    reader = pypdf.PdfReader(io.BytesIO(one["small.pdf"]))
    assert len(reader.pages) > 12 and len(reader.outline) >= 1  # several spreads, an outline
    notes = [page for page in reader.pages if "https://example.org" in page.extract_text()]
    assert len(notes) >= 4  # footnotes on many pages
    for name in one:
        assert one[name] == two[name], name


def test_outside_git_the_build_date_is_the_manuscripts_and_an_unchanged_build_is_cached(tmp_path, monkeypatch):
    """With no SOURCE_DATE_EPOCH and no commit, the date is the newest manuscript's
    modification: the same files give the same stamp, and the second build is copied from
    the cache (the clock's date changed every second and missed it every time)."""
    import os

    from publish.build.cache import Cache
    from publish.build.stamp import build_stamp

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = small_project(tmp_path, "## P\n\n**A**: One.\n")
    os.utime(root / "play.md", (1_600_000_000, 1_600_000_000))
    stamp, when = build_stamp(root, [root / "play.md"])
    assert (stamp.commit, stamp.date, int(when.timestamp())) == ("no-git", "2020-09-13", 1_600_000_000)
    config = load(root)
    job = assemble(config, config.books[0])
    cache = Cache.for_project(root, enabled=True)
    first = build(job, ("pdf",), root / "dist", cache=cache)
    second = build(job, ("pdf",), root / "dist", cache=cache)
    assert [artifact.reused for artifact in first] == [False]
    assert [artifact.reused for artifact in second] == [True]
