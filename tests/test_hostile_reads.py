"""Issue 20, classes 3, 7 and 8 (inputs): every input is read with a bound, only regular files
are accepted, nothing blocks, and no encoding problem is a traceback.

- a device (/dev/zero), a FIFO or a folder as a manuscript (on the command line or in
  book.yaml), as book.yaml, as a cover or an image: a message, quickly, nothing read;
- the size is checked before the read and during it (at most limit + 1 bytes read);
- `publish watch` goes on when a FIFO appears beside the manuscripts;
- `--since` reads the old revision with the same limits (size, nesting) as the current one;
- UTF-16 with a lone surrogate or an odd trailing byte is located, not a traceback.
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import pytest

from conftest import run_cli
from test_hostile import assert_clean_failure, project

FAST = 30  # seconds: a refusal reads nothing, so it never waits on the input


# ---------------------------------------------------------------- devices, FIFOs, folders


def test_a_device_on_the_command_line_is_refused_unread(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = run_cli("check", "/dev/zero", cwd=root, timeout=FAST)
    assert_clean_failure(result, 4, r"zero: error: is a device, not a manuscript file")


@pytest.mark.parametrize("command", ["check", "ast", "pdf", "fmt"])
def test_a_fifo_manuscript_never_blocks(tmp_path: Path, command: str) -> None:
    root = project(tmp_path)
    os.mkfifo(root / "pipe.md")
    result = run_cli(command, "pipe.md", cwd=root, timeout=FAST)
    assert_clean_failure(result, 4, r"pipe\.md: error: is a FIFO \(named pipe\), not a manuscript file")


def test_a_fifo_listed_in_book_yaml_is_a_config_error(tmp_path: Path) -> None:
    root = project(tmp_path, book_yaml="books:\n  b:\n    title: B\n    manuscripts: [pipe.md]\n")
    os.mkfifo(root / "pipe.md")
    result = run_cli("check", cwd=root, timeout=FAST)
    assert_clean_failure(result, 3, r"book\.yaml:4:19: error: manuscript 'pipe\.md' is a FIFO \(named pipe\)")


def test_a_folder_listed_in_book_yaml_is_a_config_error(tmp_path: Path) -> None:
    root = project(tmp_path, book_yaml="books:\n  b:\n    title: B\n    manuscripts: [folder.md]\n")
    (root / "folder.md").mkdir()
    assert_clean_failure(run_cli("check", cwd=root, timeout=FAST), 3,
                         r"manuscript 'folder\.md' is a folder, not a file")


def test_a_manuscript_linked_to_a_device_is_refused(tmp_path: Path) -> None:
    """A link inside the project to /dev/zero: its target is outside, so book.yaml refuses
    it; given on the command line, it is refused as a device, never read."""
    root = project(tmp_path)
    os.symlink("/dev/zero", root / "zero.md")
    result = run_cli("check", "zero.md", cwd=root, timeout=FAST)
    assert_clean_failure(result, 4, r"zero\.md: error: is a device")


def test_watch_goes_on_past_a_fifo(tmp_path: Path) -> None:
    """A FIFO named like a manuscript appears beside a running `publish watch`: that change
    fails with a message at once, and the next save is rebuilt."""
    from publish.commands.watch import Failed, Rebuilt, Session, rebuilds

    root = project(tmp_path)
    os.mkfifo(root / "pipe.md")
    session = Session(root, root / "dist", None, [], 1)
    changes = [[(1, str(root / "pipe.md"))], [(2, str(root / "play.md"))]]
    events: list = []
    worker = threading.Thread(target=lambda: events.extend(rebuilds(session, changes)), daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "watch blocked on the FIFO"
    assert isinstance(events[0], Failed) and "FIFO" in str(events[0].error)
    assert isinstance(events[1], Rebuilt), events[1]


# ---------------------------------------------------------------- sizes


def test_size_is_bounded_during_the_read(tmp_path: Path, monkeypatch) -> None:
    """A file larger than its status said (it grew, or the status lied): no more than the
    limit and one byte is read, and it is refused."""
    from publish.support import safe_io

    big = tmp_path / "big.md"
    big.write_bytes(b"x" * 10_000)
    real_fstat = os.fstat
    small = os.stat_result((0o100644, 0, 0, 1, 0, 0, 10, 0, 0, 0))
    monkeypatch.setattr(safe_io.os, "stat", lambda path: small)
    monkeypatch.setattr(safe_io.os, "fstat",
                        lambda fd: os.stat_result((*real_fstat(fd)[:6], 10, 0, 0, 0)))
    reads = []
    real_read = os.read
    monkeypatch.setattr(safe_io.os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    with pytest.raises(safe_io.TooLarge):
        safe_io.read_regular(big, 100)
    assert sum(reads) <= 101


def test_a_sparse_manuscript_is_refused_before_it_is_read(tmp_path: Path) -> None:
    root = project(tmp_path)
    with open(root / "play.md", "wb") as handle:
        handle.truncate(2 * 1024 ** 3)  # 2 GB, all holes
    result = run_cli("check", cwd=root, timeout=FAST)
    assert_clean_failure(result, 4, r"play\.md: error: manuscript is 2048 MB; the limit is 5 MB")


def test_an_oversized_book_yaml_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path)
    with open(root / "book.yaml", "ab") as handle:
        handle.truncate(64 * 1024 ** 2)
    assert_clean_failure(run_cli("check", cwd=root, timeout=FAST), 3,
                         r"book\.yaml: error: book\.yaml is \d+ bytes")


# ---------------------------------------------------------------- --since


def git_project(tmp_path: Path, old: bytes) -> Path:
    """A project whose play.md at HEAD~ holds `old`, and now a small play."""
    root = project(tmp_path, old)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "old"]):
        subprocess.run(git + command, cwd=root, check=True, capture_output=True)
    (root / "play.md").write_text("## T\n\n**Simplicia**: Hi.\n", encoding="utf-8")
    subprocess.run(git + ["commit", "-qam", "new"], cwd=root, check=True, capture_output=True)
    return root


def test_since_refuses_a_deeply_nested_old_revision(tmp_path: Path) -> None:
    root = git_project(tmp_path, (">" * 10_000 + " x\n").encode())
    result = run_cli("proof", "--since", "HEAD~1", cwd=root, timeout=120)
    assert_clean_failure(result, 4,
                         r"play\.md@[0-9a-f]{10}:1:1: error: block quotes or lists nested \d+ deep")


def test_since_refuses_an_oversized_old_revision(tmp_path: Path) -> None:
    root = git_project(tmp_path, b"**Simplicia**: " + b"word " * (2 * 1024 * 1024))
    result = run_cli("proof", "--since", "HEAD~1", cwd=root, timeout=120)
    assert_clean_failure(result, 4, r"play\.md@[0-9a-f]{10}: error: manuscript is 10 MB; the limit is 5 MB")


def test_since_applies_the_other_limits_to_the_old_revision(tmp_path: Path) -> None:
    root = git_project(tmp_path, ("**Simplicia**: " + "_[" * 50_000 + "\n").encode())
    result = run_cli("proof", "--since", "HEAD~1", cwd=root, timeout=120)
    assert_clean_failure(
        result, 4, r"play\.md@[0-9a-f]{10}:1:1: error: this paragraph mixes too many square brackets")


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize("data, where", [
    ("## T\n\n**Simplicia**: Hi.\n".encode("utf-16-le")[:-2] + b"\x00\xd8" + "x\n".encode("utf-16-le"),
     r"3:19"),
    ("## T\n\n**Simplicia**: Hi.\n".encode("utf-16-le") + b"x", r"4:1"),
], ids=["lone-surrogate", "odd-byte"])
def test_broken_utf16_is_located(tmp_path: Path, data: bytes, where: str) -> None:
    root = project(tmp_path, b"\xff\xfe" + data)
    result = run_cli("check", cwd=root, timeout=FAST)
    assert_clean_failure(result, 4, rf"play\.md:{where}: error: not valid UTF-16")
