"""Issue 20, classes 1, 6 and 8 (outputs): nothing outside the project is ever written or
deleted, output names are unique per build, and an output that cannot be written is a
message and exit status 6 (OutputError), never a traceback, with nothing half-written left.

- clean-up and output paths never follow a link out of the project: `dist/.publish-partial`,
  `dist/` itself, an output's name, `.cache/`, an entry of the partial folder;
- a link, folder or file where a folder or output belongs is refused, naming it;
- `-o DIR` outside the project is used as given, but links inside it redirect nothing;
- two outputs of one build with one name (two FILES with the same stem, books `b` and
  `b-proof`, names differing only in case) are refused before anything renders;
- a read-only folder, a full disk (a small tmpfs), `-o /proc/sys`: a message, exit 6.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import cli_env, run_cli
from test_hostile import SECRET, assert_clean_failure, project

DEAD_PID = "999999999"  # no process has this id: what the stale clean-up removes


def outside(tmp_path: Path) -> Path:
    """A folder outside the project with files a stale clean-up would take for its own."""
    folder = tmp_path / "outside"
    folder.mkdir()
    for name in (f"{DEAD_PID}-b.pdf", "12-notes.txt", "keep.txt"):
        (folder / name).write_text(SECRET, encoding="utf-8")
    return folder


def untouched(folder: Path) -> bool:
    return sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{DEAD_PID}-b.pdf", "12-notes.txt", "keep.txt"]) and all(
        p.read_text(encoding="utf-8") == SECRET for p in folder.iterdir())


# ---------------------------------------------------------------- links where folders belong


def test_partial_folder_as_a_link_deletes_nothing_outside(tmp_path: Path) -> None:
    root = project(tmp_path)
    target = outside(tmp_path)
    (root / "dist").mkdir()
    os.symlink(target, root / "dist" / ".publish-partial")
    result = run_cli("pdf", cwd=root)
    assert_clean_failure(result, 6, r"dist/\.publish-partial is a symbolic link where a folder belongs")
    assert untouched(target)
    assert not (root / "dist" / "b.pdf").exists()


@pytest.mark.parametrize("command", ["pdf", "epub", "proof", "all"])
def test_dist_as_a_link_out_of_the_project_is_refused(tmp_path: Path, command: str) -> None:
    root = project(tmp_path)
    target = outside(tmp_path)
    os.symlink(target, root / "dist")
    assert_clean_failure(run_cli(command, cwd=root), 6, r"dist is a symbolic link where a folder belongs")
    assert untouched(target)


def test_dist_as_a_file_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "dist").write_text("not a folder", encoding="utf-8")
    assert_clean_failure(run_cli("pdf", cwd=root), 6, r"dist is a file where a folder belongs")
    assert (root / "dist").read_text(encoding="utf-8") == "not a folder"


def test_output_folder_inside_the_project_through_a_link_is_refused(tmp_path: Path) -> None:
    """`-o out/books` where `out` (committed to the repository) is a link out of the project."""
    root = project(tmp_path)
    target = outside(tmp_path)
    os.symlink(target, root / "out")
    assert_clean_failure(run_cli("pdf", "-o", "out/books", cwd=root), 6,
                         r"out is a symbolic link where a folder belongs")
    assert untouched(target)


@pytest.mark.parametrize("kind", ["link", "folder"])
def test_an_output_name_held_by_a_link_or_folder_is_refused(tmp_path: Path, kind: str) -> None:
    root = project(tmp_path)
    target = outside(tmp_path)
    (root / "dist").mkdir()
    if kind == "link":
        os.symlink(target / "keep.txt", root / "dist" / "b.pdf")
    else:
        (root / "dist" / "b.pdf").mkdir()
    result = run_cli("all", cwd=root)
    assert_clean_failure(result, 6, r"dist/b\.pdf is a (symbolic link|folder) where an output file belongs")
    assert untouched(target)
    assert not (root / "dist" / "b.epub").exists(), "nothing is written when one output is refused"


def test_a_link_in_the_partial_folder_is_removed_not_followed(tmp_path: Path) -> None:
    """A stale partial file that is a link (to a file outside) is removed as a link: the
    file it points to keeps its content."""
    root = project(tmp_path)
    target = outside(tmp_path)
    partial = root / "dist" / ".publish-partial"
    partial.mkdir(parents=True)
    os.symlink(target / f"{DEAD_PID}-b.pdf", partial / f"{DEAD_PID}-b.pdf")
    (partial / f"{DEAD_PID}-folder").mkdir()  # a folder is never a partial file: left alone
    result = run_cli("pdf", cwd=root)
    assert result.returncode == 0, result.stderr
    assert untouched(target)
    assert not (partial / f"{DEAD_PID}-b.pdf").is_symlink()
    assert (partial / f"{DEAD_PID}-folder").is_dir()


def test_cache_folder_as_a_link_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path)
    target = outside(tmp_path)
    os.symlink(target, root / ".cache")
    assert_clean_failure(run_cli("pdf", cwd=root), 6, r"\.cache is a symbolic link where the build cache")
    assert untouched(target)
    assert run_cli("pdf", "--no-cache", cwd=root).returncode == 0  # as the message says
    assert untouched(target)


def test_explicit_output_folder_outside_is_used_but_its_links_are_not_followed(tmp_path: Path) -> None:
    root = project(tmp_path)
    target = outside(tmp_path)
    out = tmp_path / "elsewhere"
    assert run_cli("pdf", "-o", str(out), cwd=root).returncode == 0  # the user asked for it
    assert (out / "b.pdf").is_file()
    shutil.rmtree(out)
    out.mkdir()
    os.symlink(target, out / ".publish-partial")
    assert_clean_failure(run_cli("pdf", "-o", str(out), cwd=root), 6, r"\.publish-partial is a symbolic link")
    assert untouched(target)


# ---------------------------------------------------------------- unique output names


def test_two_files_with_one_stem_are_refused_before_anything_renders(tmp_path: Path) -> None:
    root = project(tmp_path)
    for folder in ("a", "b"):
        (root / folder).mkdir()
        (root / folder / "play.md").write_text(f"## {folder}\n\n**Simplicia**: Hi.\n", encoding="utf-8")
    result = run_cli("pdf", "a/play.md", "b/play.md", cwd=root)
    assert_clean_failure(
        result, 6, r"a/play\.md and the pdf of b/play\.md would both be written to dist/play\.pdf")
    assert not (root / "dist" / "play.pdf").exists()


def test_names_differing_only_in_case_are_one_output(tmp_path: Path) -> None:
    """On a case-insensitive disk (macOS, Windows) `Play.pdf` and `play.pdf` are one file."""
    root = project(tmp_path)
    (root / "Play.md").write_text("## A\n\n**Simplicia**: Hi.\n", encoding="utf-8")
    (root / "x").mkdir()
    (root / "x" / "play.md").write_text("## B\n\n**Simplicia**: Hi.\n", encoding="utf-8")
    assert_clean_failure(run_cli("proof", "Play.md", "x/play.md", cwd=root), 6, r"would both be written")


def test_a_book_named_like_another_books_proof_is_refused(tmp_path: Path) -> None:
    book_yaml = ("books:\n  b:\n    title: B\n    manuscripts: [play.md]\n"
                 "  b-proof:\n    title: C\n    manuscripts: [play.md]\n")
    root = project(tmp_path, book_yaml=book_yaml)
    result = run_cli("all", cwd=root)
    assert_clean_failure(result, 6, r"the proof of book 'b' and the pdf of book 'b-proof' would both "
                                    r"be written to dist/b-proof\.pdf")
    assert not (root / "dist").exists() or not list((root / "dist").iterdir())


def test_plays_with_one_stem_have_their_own_part_proofs(tmp_path: Path) -> None:
    """`--book b a/play.md` and `--book b b/play.md` (what `publish watch` builds) write
    two files, not one twice."""
    book_yaml = "books:\n  b:\n    title: B\n    manuscripts: [a/play.md, b/play.md]\n"
    root = project(tmp_path, book_yaml=book_yaml)
    for folder in ("a", "b"):
        (root / folder).mkdir()
        (root / folder / "play.md").write_text(f"## {folder}\n\n**Simplicia**: Hi.\n", encoding="utf-8")
    for folder in ("a", "b"):
        result = run_cli("proof", "--book", "b", f"{folder}/play.md", cwd=root)
        assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (root / "dist").iterdir()) == ["b-a-play-proof.pdf", "b-b-play-proof.pdf"]


# ---------------------------------------------------------------- folders that refuse writes


def in_mount_namespace(root: Path, mount: str, options: str, *args: str, then: str = "",
                       read_only: bool = False) -> subprocess.CompletedProcess:
    """`publish ARGS` in `root` with a fresh tmpfs (`options`) mounted on `root/mount`, seen by
    this command only (a user and mount namespace: no root needed where they are allowed);
    `then`, a shell command run after it (its status is publish's)."""
    if subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode != 0:
        pytest.skip("unprivileged mount namespaces (unshare -rm) are not allowed here")
    (root / mount).mkdir(exist_ok=True)
    script = (f"mount -t tmpfs -o {options} tmpfs {mount} && "
              + (f"mount -o remount,ro {mount} && " if read_only else "")
              + f"{{ {sys.executable} -m publish {' '.join(args)}; status=$?; "
              + f"{then or 'true'}; exit $status; }}")
    return subprocess.run(["unshare", "-rm", "sh", "-c", script], cwd=root, env=cli_env(),
                          capture_output=True, text=True, timeout=300)


def test_read_only_dist_is_a_message(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = in_mount_namespace(root, "dist", "size=1m", "pdf", read_only=True)
    assert_clean_failure(result, 6, r"cannot write dist\S*: the file system is read-only")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_full_disk_is_a_message_and_leaves_no_partial_file(tmp_path: Path, jobs: str) -> None:
    """A 100 kB dist/: the proof does not fit. pikepdf used to end the render process (qpdf's
    uncaught exception) and leave its temporary file, which no later build removed."""
    root = project(tmp_path, "## T\n\n" + "".join(f"**Simplicia**: Line {n}.\n\n" for n in range(40)))
    result = in_mount_namespace(root, "dist", "size=100k", "all", "--no-cache", "-j", jobs,
                                then="ls -A dist >&2; echo listed >&2")
    assert_clean_failure(result, 6, r"cannot write .*the disk is full")
    assert "terminate called" not in result.stderr and "BrokenProcessPool" not in result.stderr
    listing = result.stderr.split("listed")[0].splitlines()
    assert ".publish-partial" not in listing, "a partial file was left behind"
    assert not [name for name in listing if name.startswith(".pikepdf")]


def test_full_project_disk_is_a_message(tmp_path: Path) -> None:
    """The whole project on a disk that fills up: the cache is written only when it can be
    (it is an optimization), the outputs' failure is the message; no broken process pool."""
    lines = "".join(f"**Simplicia**: Line {n}.\n\n" for n in range(40))
    seed = project(tmp_path / "seed", "## T\n\n" + lines)
    if subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode != 0:
        pytest.skip("unprivileged mount namespaces (unshare -rm) are not allowed here")
    (tmp_path / "disk").mkdir()
    script = (f"mount -t tmpfs -o size=120k tmpfs disk && cp {seed}/play.md {seed}/book.yaml disk/ "
              f"&& cd disk && exec {sys.executable} -m publish all -j 2")
    result = subprocess.run(["unshare", "-rm", "sh", "-c", script], cwd=tmp_path, env=cli_env(),
                            capture_output=True, text=True, timeout=300)
    assert_clean_failure(result, 6, r"the disk is full")
    assert "BrokenProcessPool" not in result.stderr and "terminate called" not in result.stderr


def test_output_folder_the_system_refuses(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert_clean_failure(run_cli("pdf", "-o", "/proc/sys", cwd=root), 6, r"cannot (write|make)")


def test_writes_refused_by_the_system_are_output_errors(tmp_path: Path, monkeypatch) -> None:
    """The library's side of it, with no mount needed: a full disk while an output is being
    renamed into place is an OutputError, and no partial file is left."""
    from publish.build.assemble import assemble
    from publish.build.plan import build
    from publish.config import load
    from publish.model.errors import OutputError
    from publish.support import atomic

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = project(tmp_path)
    config = load(root)
    job = assemble(config, config.book("b"))

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(args[0]))

    monkeypatch.setattr(atomic.os, "replace", full)
    with pytest.raises(OutputError, match=r"cannot write .*b\.pdf: the disk is full"):
        build(job, ("pdf",), root / "dist")
    assert not list((root / "dist").rglob("*.pdf"))
    assert not (root / "dist" / ".publish-partial").exists()
