"""Issue 8: nothing lost on failure, reproducible releases, no network and nothing read from
outside the project.

- a build killed with SIGKILL in the middle of rendering leaves every previous dist/ file
  byte-identical and no partial file under an output's name; the next build cleans up;
- two `publish all` at once both finish with valid outputs;
- two builds with the same SOURCE_DATE_EPOCH give byte-identical PDF, proof and EPUB;
- a build with the network unreachable (a new network namespace) and references to files
  outside the project succeeds, and its outputs hold none of that content.
"""

from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import cli_env, run_cli
from test_hostile import SECRET, output_texts, project

OUTPUT_GLOBS = ("*.pdf", "*.epub")


def children(pid: int) -> list[int]:
    """The processes `pid` started (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    """Running, or stopped; a zombie (dead, not yet reaped) is not alive."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def digests(dist: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for pattern in OUTPUT_GLOBS for path in sorted(dist.glob(pattern))}


@pytest.fixture
def default_project(tmp_path: Path, repo_root: Path) -> Path:
    root = tmp_path / "default"
    root.mkdir()
    shutil.copy2(repo_root / "book.yaml", root / "book.yaml")
    shutil.copytree(repo_root / "manuscript", root / "manuscript")
    return root


def test_kill_9_mid_render_leaves_previous_outputs_intact(default_project: Path) -> None:
    assert run_cli("all", "--book", "drafts", cwd=default_project, timeout=300).returncode == 0
    dist = default_project / "dist"
    before = digests(dist)
    assert len(before) == 3
    # Change the manuscript so the next build would write different bytes, then kill it as
    # soon as it has started writing a partial output.
    play = default_project / "manuscript" / "drafts" / "llm-successes.md"
    play.write_text(play.read_text(encoding="utf-8") + "\n**Doomer**: One more line.\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "publish", "all", "--book", "drafts"],
                               cwd=default_project, env=cli_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    partial = dist / ".publish-partial"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (partial.is_dir() and any(partial.iterdir())):
        time.sleep(0.01)
    render_processes = children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    # Its render processes end with it: none may finish an output into dist/ afterwards, or
    # linger waiting for work.
    assert render_processes, "the build had not started its render processes"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(pid) for pid in render_processes):
        time.sleep(0.05)
    assert not [pid for pid in render_processes if alive(pid)], "render processes outlived the build"
    assert digests(dist) == before, "a killed build changed a finished output"
    visible = sorted(p.name for p in dist.iterdir() if not p.name.startswith("."))
    assert visible == sorted(before), f"a partial file appeared in dist/: {visible}"
    # The next build removes what the killed one left behind and finishes.
    assert run_cli("all", "--book", "drafts", cwd=default_project, timeout=300).returncode == 0
    assert not partial.exists(), "the partial folder outlived the build that emptied it"
    assert digests(dist) != before


def test_a_successful_build_leaves_only_its_outputs(built_dist: Path, tmp_path: Path,
                                                    repo_root: Path) -> None:
    """No `.publish-partial/` (or anything else) beside the outputs, in dist/ and in `-o DIR`."""
    assert sorted(p.name for p in built_dist.iterdir()) == sorted(
        f"{book}{suffix}" for book in ("collected", "drafts")
        for suffix in (".pdf", ".epub", "-proof.pdf"))
    out = tmp_path / "out"
    fixture = repo_root / "tests" / "fixtures" / "plain.txt"
    result = run_cli("all", str(fixture), "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["plain-proof.pdf", "plain.epub", "plain.pdf"]


def test_failed_build_keeps_previous_outputs(tmp_path: Path) -> None:
    root = project(tmp_path, "## T\n\n**Simplicia**: Hi.\n")
    assert run_cli("all", cwd=root).returncode == 0
    before = digests(root / "dist")
    (root / "play.md").write_text("## T\n\n**Simplicia**: Hi.\n\n![x](missing.png)\n", encoding="utf-8")
    result = run_cli("all", cwd=root)
    assert result.returncode == 1 and "M301" in result.stderr
    assert digests(root / "dist") == before


def test_two_builds_at_once_both_finish(default_project: Path) -> None:
    commands = [subprocess.Popen([sys.executable, "-m", "publish", "all", "--book", "collected"],
                                 cwd=default_project, env=cli_env(), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for process in commands:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
    from pypdf import PdfReader
    dist = default_project / "dist"
    for pdf in dist.glob("*.pdf"):
        assert len(PdfReader(pdf).pages) > 4
    import zipfile
    with zipfile.ZipFile(dist / "collected.epub") as epub:
        assert epub.testzip() is None


def test_same_sources_and_epoch_give_identical_bytes(built_dist: Path, project_copy: Path,
                                                     tmp_path: Path) -> None:
    """A second build of the session's project (same sources, same SOURCE_DATE_EPOCH) gives
    the same bytes for every output: PDF, proof PDF and EPUB of both books."""
    result = run_cli("all", "-o", str(tmp_path), cwd=project_copy, timeout=300)
    assert result.returncode == 0, result.stderr
    assert len(digests(built_dist)) == 6
    assert digests(tmp_path) == digests(built_dist)


def test_no_network_and_nothing_from_outside_the_project(tmp_path: Path) -> None:
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        pytest.fail("unshare -n is needed to take the network away from the build")
    (tmp_path / "outside.png").write_bytes((tmp_path / "secret.txt").read_bytes()
                                           if (tmp_path / "secret.txt").exists() else SECRET.encode())
    text = ("## T\n\n**Simplicia**: Look. [link](http://example.com/x)\n\n"
            "![remote](https://example.com/x.png)\n\n![outside](../outside.png)\n\n"
            "![passwd](file:///etc/passwd)\n\n<img src=\"file:///etc/passwd\">\n")
    root = project(tmp_path, text, draft=True)
    result = subprocess.run(["unshare", "-n", sys.executable, "-m", "publish", "all"], cwd=root,
                            env=cli_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    texts = output_texts(root / "dist")
    assert SECRET not in texts and "root:x:0:0" not in texts


def test_without_source_date_epoch_the_last_commit_dates_the_build(tmp_path: Path) -> None:
    """No SOURCE_DATE_EPOCH: the date is the last commit's touching the sources, so two builds
    of one commit, a second apart, give the same bytes (fonts included: fontTools stamps
    its subsets with the current time unless told otherwise)."""
    root = project(tmp_path, "## T\n\n**Simplicia**: Hi.\n\n**Doomimir**: Hello.\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(git + ["init", "-q"], cwd=root, check=True)
    subprocess.run(git + ["add", "."], cwd=root, check=True)
    subprocess.run(git + ["commit", "-qm", "first"], cwd=root, check=True,
                   env={**cli_env(), "GIT_COMMITTER_DATE": "2024-01-17T12:00:00Z",
                        "GIT_AUTHOR_DATE": "2024-01-17T12:00:00Z"})
    env = {key: value for key, value in cli_env().items() if key != "SOURCE_DATE_EPOCH"}
    outputs = []
    for folder in ("one", "two"):
        result = subprocess.run([sys.executable, "-m", "publish", "all", "--no-cache", "-o", folder],
                                cwd=root, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        outputs.append(digests(root / folder))
        time.sleep(1.1)
    assert len(outputs[0]) == 3 and outputs[0] == outputs[1]
    assert "2024-01-17" in output_texts(root / "one")
