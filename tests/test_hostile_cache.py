"""Issue 20, class 2: every cache entry is verified before use.

Each kind of damage to `.cache/` between two builds (truncated, altered, swapped between
books or kinds, replaced by garbage, a crafted pickle, a link out of the project, metadata
that lies) must end the same way: the entry is discarded and made again (listed with
`--verbose`), the build succeeds, dist/ holds the same bytes as a build without the cache,
and nothing is read from or written outside the project.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from pathlib import Path

import pytest

from conftest import run_cli
from test_hostile import SECRET, project

TWO_BOOKS = ("plays:\n  play.md:\n    cast:\n      - {id: simplicia, name: Simplicia}\n"
             "books:\n  b:\n    title: B\n    manuscripts: [play.md]\n"
             "  c:\n    title: C\n    manuscripts: [other.md]\n")


def digests(dist: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(dist.iterdir())}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A two-book project built once with its cache, and the digests of a build without it."""
    base = tmp_path_factory.mktemp("cache-damage")
    root = project(base, "## T\n\n**Simplicia**: Hi there.\n\n_[A beat.]_\n", book_yaml=TWO_BOOKS)
    (root / "other.md").write_text("## Other\n\n**Simplicia**: Another play.\n", encoding="utf-8")
    assert run_cli("all", "--no-cache", "-o", str(base / "fresh"), cwd=root).returncode == 0
    assert run_cli("all", cwd=root).returncode == 0
    return root, digests(base / "fresh")


@pytest.fixture
def copy(built, tmp_path) -> tuple[Path, dict[str, str]]:
    root, fresh = built
    shutil.copytree(root, tmp_path / "project", symlinks=True)
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    shutil.rmtree(tmp_path / "project" / "dist")
    return tmp_path / "project", fresh


def entries(root: Path, kind: str) -> list[Path]:
    return sorted(p for p in (root / ".cache" / kind).glob("*/*") if p.suffix != ".json")


# Entries read only when an output is rendered: its cached copy is removed so it renders.
READ_BY = {"proof-part": "proof", "pagemap": "epub", "chapter": "epub"}


def damage(root: Path, kind: str, change) -> None:
    """`change(entry)` for each entry of `kind`; and the output that reads them not cached."""
    for entry in entries(root, kind):
        change(entry)
    if kind in READ_BY:
        shutil.rmtree(root / ".cache" / READ_BY[kind])


def rebuild(root: Path) -> tuple[int, str]:
    result = run_cli("all", "-v", cwd=root)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stderr


def assert_healed(root: Path, fresh: dict[str, str], kind: str) -> None:
    status, stderr = rebuild(root)
    assert status == 0, stderr
    assert f"discarded a damaged {kind} entry" in stderr, stderr
    assert digests(root / "dist") == fresh, "dist/ differs from a build without the cache"
    status, stderr = rebuild(root)  # made again and kept: found sound now
    assert status == 0 and "discarded" not in stderr, stderr
    assert digests(root / "dist") == fresh


@pytest.mark.parametrize("kind", ["pdf", "epub", "proof", "proof-part"])
def test_truncated_file_entry_is_discarded(copy, kind: str) -> None:
    root, fresh = copy
    damage(root, kind, lambda entry: entry.write_bytes(entry.read_bytes()[:1000]))
    assert_healed(root, fresh, kind)


@pytest.mark.parametrize("kind", ["pdf", "epub"])
def test_entries_swapped_between_books_are_caught(copy, kind: str) -> None:
    """Book c's entry (file and metadata, both consistent with each other) under b's key."""
    root, fresh = copy
    first, second = entries(root, kind)
    for suffix in ("", ".json"):
        a, b = Path(f"{first}{suffix}"), Path(f"{second}{suffix}")
        data_a, data_b = a.read_bytes(), b.read_bytes()
        a.write_bytes(data_b)
        b.write_bytes(data_a)
    assert_healed(root, fresh, kind)


def test_an_entry_of_another_kind_under_a_key_is_caught(copy) -> None:
    """The print PDF (sound, with its own metadata) put where the proof is kept."""
    root, fresh = copy
    pdf, proof = entries(root, "pdf")[0], entries(root, "proof")[0]
    shutil.copy(pdf, proof)
    shutil.copy(f"{pdf}.json", f"{proof}.json")
    assert_healed(root, fresh, "proof")


def test_metadata_that_matches_a_broken_pdf_is_caught(copy) -> None:
    """A file rewritten with its digest and size recorded to match: the PDF's structure is
    checked too (its cross-reference must lead to its objects)."""
    root, fresh = copy
    entry = entries(root, "pdf")[0]
    data = entry.read_bytes().replace(b" 0 obj", b" 0 jbo")
    entry.write_bytes(data)
    info = json.loads(Path(f"{entry}.json").read_text())
    info.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    Path(f"{entry}.json").write_text(json.dumps(info))
    assert_healed(root, fresh, "pdf")


def test_metadata_with_wrong_types_is_caught(copy) -> None:
    root, fresh = copy

    def retype(entry: Path) -> None:
        info = json.loads(Path(f"{entry}.json").read_text())
        info["anchors"] = "not a mapping"
        Path(f"{entry}.json").write_text(json.dumps(info))
    damage(root, "proof-part", retype)
    assert_healed(root, fresh, "proof-part")


@pytest.mark.parametrize("kind", ["model", "pagemap", "chapter"])
def test_garbage_object_entry_is_discarded(copy, kind: str) -> None:
    """A model is read by the build itself; a page map and the chapters by the EPUB's render
    (whose cached EPUBs are removed here, so that it renders and reads them)."""
    root, fresh = copy
    damage(root, kind, lambda entry: entry.write_bytes(b"garbage"))
    status, stderr = rebuild(root)
    assert status == 0, stderr
    assert f"discarded a damaged {kind} entry" in stderr, stderr
    assert digests(root / "dist") == fresh


def _sealed(key: str, value) -> bytes:
    """An object entry written as the cache writes one: header with key and digest."""
    payload = pickle.dumps(value)
    return f"publish-cache 1 {key} {hashlib.sha256(payload).hexdigest()}\n".encode() + payload


class _Runs:
    """Unpickling this runs a command: what a crafted cache entry would do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_crafted_pickle_never_runs(copy, tmp_path) -> None:
    """An entry with a right header and digest whose pickle calls os.system: refused by the
    unpickler (only the model's own types are built), discarded, made again."""
    root, fresh = copy
    marker = tmp_path / "pwned"
    for entry in entries(root, "model"):
        entry.write_bytes(_sealed(entry.name, _Runs(marker)))
    assert_healed(root, fresh, "model")
    assert not marker.exists(), "a cache entry ran code"


def test_an_object_of_the_wrong_type_is_discarded(copy) -> None:
    root, fresh = copy
    for entry in entries(root, "model"):
        entry.write_bytes(_sealed(entry.name, ("not a play", [])))
    assert_healed(root, fresh, "model")


def test_object_entries_swapped_are_caught(copy) -> None:
    root, fresh = copy
    first, second = entries(root, "model")
    data_a, data_b = first.read_bytes(), second.read_bytes()
    first.write_bytes(data_b)
    second.write_bytes(data_a)
    assert_healed(root, fresh, "model")


def test_links_in_the_cache_are_never_followed(copy, tmp_path) -> None:
    """An entry that is a link to a file outside (here a sound PDF of another project) is not
    read; a link where a kind's folder belongs is removed, not written through."""
    root, fresh = copy
    outside = tmp_path / "outside"
    outside.mkdir()
    stolen = outside / "stolen.pdf"
    stolen.write_bytes(entries(root, "pdf")[0].read_bytes())
    for entry in entries(root, "pdf"):
        entry.unlink()
        os.symlink(stolen, entry)
    shutil.rmtree(root / ".cache" / "epub")
    os.symlink(outside, root / ".cache" / "epub")
    status, stderr = rebuild(root)
    assert status == 0, stderr
    assert digests(root / "dist") == fresh
    assert sorted(p.name for p in outside.iterdir()) == ["stolen.pdf"], "written through a link"
    assert not (root / ".cache" / "epub").is_symlink()


def test_damaged_cache_never_reaches_dist(copy) -> None:
    """Whatever the damage, the summary's page counts are those of the files written."""
    root, fresh = copy
    for kind in ("pdf", "proof"):
        for entry in entries(root, kind):
            entry.write_bytes(entry.read_bytes()[:-200])
    result = run_cli("all", cwd=root)
    assert result.returncode == 0, result.stderr
    from pypdf import PdfReader
    for pdf in (root / "dist").glob("*.pdf"):
        pages = len(PdfReader(pdf).pages)
        assert f"dist/{pdf.name}" in result.stdout
        line = next(row for row in result.stdout.splitlines() if f"dist/{pdf.name} " in row)
        assert f" {pages} " in line, (line, pages)
