"""Issue 20: random hostile project trees and random damage to `.cache/`, for `make fuzz`.

`make test` runs a few derandomized examples of each; `make fuzz` (HYPOTHESIS_PROFILE=fuzz)
runs many more. Whatever is put where outputs, partial files, caches and manuscripts go
(links out of the project, dangling links, FIFOs, folders, files, garbage), and whatever is
done to the cache's entries between two builds:

- only the project's own errors come out: a documented exit status, no traceback, no hang;
- nothing outside the project is read into an output, written, or deleted;
- dist/ holds only sound outputs (a PDF that opens, an EPUB that is a whole zip), and after
  cache damage exactly the bytes of a build without the cache.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import run_cli
from test_hostile import SECRET, project

FUZZING = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
# Each example is a whole build (2-4 s): a handful in `make test`, hundreds in `make fuzz`.
EXAMPLES = 300 if FUZZING else 3
STATUSES = {0, 1, 3, 4, 6}  # ok, manuscript errors, config, input, output (model/errors.py)

# Where a hostile tree puts things: the places a build reads or writes.
SPOTS = ("dist", "dist/.publish-partial", "dist/b.pdf", "dist/b.epub", "dist/b-proof.pdf",
         ".cache", ".cache/pdf", ".cache/model", "play.md", "book.yaml")
THINGS = ("nothing", "file", "folder", "link-out-folder", "link-out-file", "dangling-link", "fifo")

MANUSCRIPT = "## T\n\n**Simplicia**: Hi there.\n\n_[A beat.]_\n\n**Doomimir**: Hello.\n"


def outside_state(outside: Path) -> dict[str, bytes]:
    return {str(p.relative_to(outside)): p.read_bytes() for p in sorted(outside.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def place(root: Path, outside: Path, spot: str, thing: str) -> None:
    """Put `thing` at `root/spot`, replacing what is there."""
    target = root / spot
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.is_dir():
        shutil.rmtree(target)
    if thing == "nothing":
        return
    if target.parent.is_symlink() or (target.parent.exists() and not target.parent.is_dir()):
        return  # its folder is itself something hostile: nothing can go in it
    target.parent.mkdir(parents=True, exist_ok=True)
    if thing == "file":
        target.write_bytes(b"garbage \x00\xff" * 7)
    elif thing == "folder":
        target.mkdir()
        (target / "12345-keep").write_bytes(b"inside")
    elif thing == "link-out-folder":
        target.symlink_to(outside / "folder", target_is_directory=True)
    elif thing == "link-out-file":
        target.symlink_to(outside / "secret.txt")
    elif thing == "dangling-link":
        target.symlink_to(outside / "nowhere" / "at-all")
    elif thing == "fifo":
        os.mkfifo(target)


def written(dist: Path) -> dict[str, bytes]:
    """The regular files in dist/ (a real folder), by name."""
    if dist.is_symlink() or not dist.is_dir():
        return {}
    return {path.name: path.read_bytes() for path in dist.iterdir()
            if path.is_file() and not path.is_symlink()}


def assert_sound(dist: Path, before: dict[str, bytes]) -> None:
    """Every output the build wrote in dist/ is whole: a PDF that opens with pages, an EPUB
    zip that tests. (What the tree put there and the build left alone is the user's.)"""
    import pikepdf
    for name, data in written(dist).items():
        if before.get(name) == data:
            continue
        path = dist / name
        if path.suffix == ".pdf":
            with pikepdf.open(path) as pdf:
                assert len(pdf.pages) > 0, path
        elif path.suffix == ".epub":
            with zipfile.ZipFile(path) as archive:
                assert archive.testzip() is None, path
                assert archive.namelist()[0] == "mimetype", path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@settings(max_examples=EXAMPLES, deadline=None, derandomize=not FUZZING,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(tree=st.dictionaries(st.sampled_from(SPOTS), st.sampled_from(THINGS), min_size=1, max_size=4),
       prebuild=st.booleans())
def test_a_random_hostile_tree_gives_only_the_project_s_errors(tmp_path_factory, tree: dict[str, str],
                                                                prebuild: bool) -> None:
    base = tmp_path_factory.mktemp("tree")
    root = project(base, MANUSCRIPT)
    outside = base / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "folder" / "12345-victim").write_bytes(b"must survive")
    (outside / "folder" / "99999999-victim.pdf").write_bytes(b"must survive too")
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    if prebuild:
        assert run_cli("all", cwd=root).returncode == 0
    # A FIFO at an output's place would be opened by nothing but a build: the order matters
    # only for folders, which come first so a file can go inside one.
    for spot, thing in sorted(tree.items(), key=lambda item: item[0].count("/")):
        place(root, outside, spot, thing)
    before = outside_state(outside)
    in_dist = written(root / "dist")
    result = run_cli("all", cwd=root, timeout=180)
    said = result.stdout + result.stderr
    assert "Traceback" not in said, said
    assert result.returncode in STATUSES, (result.returncode, said)
    assert result.returncode == 0 or "error" in said.lower(), said
    assert outside_state(outside) == before, "something outside the project changed"
    assert_sound(root / "dist", in_dist)
    for name, data in written(root / "dist").items():
        assert SECRET.encode() not in data, f"{name} holds the secret"


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A project built with its cache, and the digests of its outputs built without one."""
    base = tmp_path_factory.mktemp("fuzz-cache")
    root = project(base, MANUSCRIPT)
    assert run_cli("all", "--no-cache", "-o", str(base / "fresh"), cwd=root).returncode == 0
    assert run_cli("all", cwd=root).returncode == 0
    return root, digests(base / "fresh")


def digests(dist: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(dist.iterdir())}


DAMAGE = ("truncate", "flip", "empty", "garbage", "swap", "delete-meta", "link-out", "folder")


def damage(entry: Path, how: str, pick: random.Random, others: list[Path], outside: Path) -> None:
    data = entry.read_bytes() if entry.is_file() else b""
    if how == "truncate":
        entry.write_bytes(data[:pick.randrange(max(len(data), 1))])
    elif how == "flip" and data:
        at = pick.randrange(len(data))
        entry.write_bytes(data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:])
    elif how == "empty":
        entry.write_bytes(b"")
    elif how == "garbage":
        entry.write_bytes(pick.randbytes(pick.randrange(1, 4096)))
    elif how == "swap" and others:
        other = pick.choice(others)
        if other != entry and other.is_file():
            entry.write_bytes(other.read_bytes())
    elif how == "delete-meta":
        entry.with_suffix(".json").unlink(missing_ok=True)
    elif how == "link-out":
        entry.unlink()
        entry.symlink_to(outside / "secret.txt")
    elif how == "folder":
        entry.unlink()
        entry.mkdir()


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not FUZZING,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1),
       hows=st.lists(st.sampled_from(DAMAGE), min_size=1, max_size=6))
def test_random_cache_damage_never_reaches_dist(built_once, tmp_path_factory, seed: int,
                                                hows: list[str]) -> None:
    source, fresh = built_once
    base = tmp_path_factory.mktemp("damaged")
    root = base / "project"
    shutil.copytree(source, root, symlinks=True)
    shutil.rmtree(root / "dist")
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    pick = random.Random(seed)
    entries = sorted(p for p in (root / ".cache").rglob("*") if p.is_file())
    assert entries, "the first build kept nothing in its cache"
    for how in hows:
        damage(pick.choice(entries), how, pick, entries, outside)
    before = outside_state(outside)
    result = run_cli("all", "-v", cwd=root, timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    assert digests(root / "dist") == fresh, "dist/ differs from a build without the cache"
    assert outside_state(outside) == before
