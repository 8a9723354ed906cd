"""The command line, run as users run it (`python -m publish ...` in a subprocess) on small
temporary projects: outputs, JSON, diagnostics, and one clear line for every bad input."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import REPO_ROOT, cli_env, run_cli

# Exit statuses documented in publish/errors.py.
EXIT_OK, EXIT_CHECK, EXIT_USAGE, EXIT_CONFIG, EXIT_INPUT = 0, 1, 2, 3, 4
DIAGNOSTIC = re.compile(r"^.+:\d+:\d+: (error|warning|info)\[M\d{3}\]: .+$")

PLAY = """\
## The Doorbell: A Scene

### Scene 1: The Porch

_[A porch. **Simplicia** rings the doorbell.]_

**Doomimir**: _[opening the door]_ Well? What do you want?

**Simplicia**: To talk. [A beat.] About [our last conversation](https://example.org/talk).

**Doomimir**: Go away.
"""

CAST_YAML = """\
plays:
  manuscript/play.md:
    cast:
      - id: simplicia
        name: Simplicia Optimistovna
        aliases: [Simplicia]
      - id: doomimir
        name: Doomimir Doomovitch
        aliases: [Doomimir]
books:
  porch:
    title: The Porch Book
    author: Jane Doe
    date: "2024-01-01"
    manuscripts:
      - manuscript/play.md
"""


def make_project(root: Path, play: str = PLAY, config: str = CAST_YAML) -> Path:
    (root / "manuscript").mkdir(parents=True, exist_ok=True)
    (root / "manuscript" / "play.md").write_text(play, encoding="utf-8")
    (root / "book.yaml").write_text(config, encoding="utf-8")
    return root


def no_config_above(path: Path) -> None:
    """Guard for tests that need a file outside any project."""
    for folder in (path, *path.parents):
        assert not (folder / "book.yaml").exists(), f"unexpected {folder / 'book.yaml'}"


def files_in(folder: Path) -> list[str]:
    """Every file under `folder` (hidden work folders included), relative, sorted."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def assert_one_clear_error(result: subprocess.CompletedProcess, status: int, *expected: str) -> str:
    """The failure is one line on stderr, with the documented status and no traceback."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    context = f"status {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.stderr, context
    assert result.returncode == status, context
    assert len(lines) == 1, f"expected one line on stderr\n{context}"
    for part in expected:
        assert part in lines[0], f"{part!r} not in {lines[0]!r}"
    return lines[0]


# ---------------------------------------------------------------- building


def test_all_writes_three_files_per_book(tmp_path):
    project = make_project(tmp_path / "project")
    result = run_cli("all", cwd=project)
    assert result.returncode == EXIT_OK, result.stderr
    dist = project / "dist"
    # the three outputs, and no partial file left behind
    assert files_in(dist) == ["porch-proof.pdf", "porch.epub", "porch.pdf"]
    for pdf in ("porch.pdf", "porch-proof.pdf"):
        data = (dist / pdf).read_bytes()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), pdf
    with zipfile.ZipFile(dist / "porch.epub") as epub:
        assert epub.namelist()[0] == "mimetype"
        assert epub.read("mimetype") == b"application/epub+zip"
        assert epub.testzip() is None
    # the closing summary names each file (relative to where publish ran)
    for name in ("porch.pdf", "porch.epub", "porch-proof.pdf"):
        assert f"dist/{name}" in result.stdout, f"{name} missing from the summary:\n{result.stdout}"


@pytest.mark.parametrize("command", ["epub", "pdf"])
def test_output_of_a_file_outside_any_project(tmp_path, command):
    """`publish epub some/play.md -o OUTDIR` (a relative path, no book.yaml anywhere)."""
    loose = tmp_path / "loose" / "some"
    loose.mkdir(parents=True)
    no_config_above(loose)
    (loose / "play.md").write_text(PLAY, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(command, "some/play.md", "-o", str(out), cwd=tmp_path / "loose")
    assert result.returncode == EXIT_OK, result.stderr
    assert "Traceback" not in result.stderr
    assert files_in(out) == [f"play.{command}"]
    assert not (tmp_path / "loose" / "dist").exists()
    if command == "epub":
        with zipfile.ZipFile(out / "play.epub") as epub:
            text = " ".join(epub.read(n).decode("utf-8") for n in epub.namelist()
                            if n.endswith(".xhtml"))
        assert "The Doorbell" in text and "Go away." in text
    else:
        assert (out / "play.pdf").read_bytes().startswith(b"%PDF-")


def test_ast_prints_the_play_as_json(tmp_path):
    project = make_project(tmp_path / "project")
    result = run_cli("ast", "manuscript/play.md", cwd=project)
    assert result.returncode == EXIT_OK, result.stderr
    data = json.loads(result.stdout)
    assert data["type"] == "play"
    assert data["meta"]["title"] == "The Doorbell"
    assert data["meta"]["source"] == "manuscript/play.md"
    assert [c["id"] for c in data["cast"]] == ["simplicia", "doomimir"]
    (division,) = data["body"]
    assert (division["type"], division["number"], division["title"]) == ("division", "1", "The Porch")
    assert [b["type"] for b in division["blocks"]] == ["stage_direction", "speech", "speech", "speech"]
    assert division["blocks"][1]["delivery"]["type"] == "stage_direction"
    assert division["blocks"][1]["span"] == {"path": "manuscript/play.md", "line": 7, "col": 1}


def test_ast_of_a_seed_matches_the_library(tmp_path):
    """`publish ast` prints exactly the model the library builds (here for seed 002, in its
    canonical form in manuscript/drafts)."""
    from publish import model as m
    from publish.build.assemble import read_play
    from publish.config import PlayConfig
    seed = REPO_ROOT / "manuscript/drafts/llm-successes.md"
    copy = tmp_path / "seed.md"
    copy.write_bytes(seed.read_bytes())
    result = run_cli("ast", "seed.md", cwd=tmp_path)
    assert result.returncode == EXIT_OK, result.stderr
    play, _ = read_play(tmp_path, copy, "seed.md", PlayConfig("seed.md", None, ()))
    assert m.from_json(json.loads(result.stdout)) == play


# ---------------------------------------------------------------- check


CHECK_PLAY = """\
## Checks

**Simplicia**: Hello.

**Doomimir**:

**Nobody**: Who?

[TODO: fix this scene]
"""


def test_check_prints_diagnostic_lines(tmp_path):
    project = make_project(tmp_path / "project", CHECK_PLAY)
    result = run_cli("check", "-v", "manuscript/play.md", cwd=project)
    assert result.returncode == EXIT_OK, f"warnings only: status 0\n{result.stdout}{result.stderr}"
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    # Diagnostics are one per line; an indented line may follow one as its hint.
    diagnostics = [line for line in lines if not line[:1].isspace()]
    bad = [line for line in diagnostics if not DIAGNOSTIC.match(line)]
    assert not bad, f"lines not in the path:line:col: severity[CODE]: message form: {bad}"
    found = {(re.search(r"\[(M\d{3})\]", line).group(1), line.split(":")[1]) for line in diagnostics}
    assert {("M102", "5"), ("M101", "7"), ("M201", "9")} <= found, lines
    assert all(line.startswith("manuscript/play.md:") for line in diagnostics)


def test_check_lists_diagnostics_in_line_order(tmp_path):
    """The normalizer sorts its diagnostics by position; image checks (M301) must not be
    appended after them out of order."""
    project = make_project(tmp_path / "project", (
        "## Order\n\n![a figure](missing.png)\n\n**Doomimir**:\n\n**Simplicia**: Hi.\n"))
    result = run_cli("check", "manuscript/play.md", cwd=project)
    assert "Traceback" not in result.stderr
    found = [(int(line.split(":")[1]), re.search(r"\[(M\d{3})\]", line).group(1))
             for line in result.stdout.splitlines() if DIAGNOSTIC.match(line)]
    assert sorted(found) == [(3, "M301"), (5, "M102")], result.stdout
    assert found == sorted(found), f"diagnostics out of line order:\n{result.stdout}"


def test_check_strict_fails_on_warnings(tmp_path):
    project = make_project(tmp_path / "project", CHECK_PLAY)
    result = run_cli("check", "--strict", "manuscript/play.md", cwd=project)
    assert result.returncode == EXIT_CHECK, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_check_clean_file_prints_nothing(tmp_path):
    project = make_project(tmp_path / "project")
    result = run_cli("check", "manuscript/play.md", cwd=project)
    assert result.returncode == EXIT_OK
    assert [line for line in result.stdout.splitlines() if DIAGNOSTIC.match(line)] == [], result.stdout


# ---------------------------------------------------------------- bad input


def test_missing_manuscript_on_the_command_line(tmp_path):
    project = make_project(tmp_path / "project")
    result = run_cli("pdf", "manuscript/nope.md", cwd=project)
    assert_one_clear_error(result, EXIT_INPUT, "nope.md")
    assert not (project / "dist").exists()


def test_malformed_yaml_names_line_and_column(tmp_path):
    project = make_project(tmp_path / "project", config=(
        "books:\n"
        "  porch:\n"
        "    title: The Porch Book\n"
        "   manuscripts: [manuscript/play.md]\n"))
    result = run_cli("all", cwd=project)
    line = assert_one_clear_error(result, EXIT_CONFIG, "book.yaml:4:4:")
    assert "YAML" in line


def test_unclosed_yaml_names_a_position(tmp_path):
    project = make_project(tmp_path / "project", config="books: [porch, drafts\n")
    line = assert_one_clear_error(run_cli("all", cwd=project), EXIT_CONFIG)
    assert re.match(r"^book\.yaml:\d+:\d+: error: ", line), line


def test_book_naming_a_missing_manuscript(tmp_path):
    project = make_project(tmp_path / "project", config=CAST_YAML + "      - manuscript/missing.md\n")
    line = assert_one_clear_error(run_cli("all", cwd=project), EXIT_CONFIG, "manuscript/missing.md")
    # the position of the list entry naming it: line 17 (the last line), column 9
    assert line.startswith("book.yaml:17:9: error:"), line
    assert not (project / "dist").exists()


def test_non_utf8_manuscript(tmp_path):
    project = make_project(tmp_path / "project")
    data = PLAY.encode("utf-8").replace(b"Go away.", b"Go away, caf\xe9.")
    (project / "manuscript" / "play.md").write_bytes(data)
    line_number = data[:data.index(b"\xe9")].count(b"\n") + 1
    column = len(data.split(b"\n")[line_number - 1].split(b"\xe9")[0].decode("utf-8")) + 1
    result = run_cli("all", cwd=project)
    assert_one_clear_error(result, EXIT_INPUT, f"manuscript/play.md:{line_number}:{column}:", "UTF-8")
    assert not (project / "dist").exists()


def test_no_project_and_no_files(tmp_path):
    no_config_above(tmp_path)
    assert_one_clear_error(run_cli("all", cwd=tmp_path), EXIT_CONFIG, "book.yaml")


def test_unknown_option_is_a_usage_error(tmp_path):
    project = make_project(tmp_path / "project")
    result = run_cli("all", "--no-such-option", cwd=project)
    assert result.returncode == EXIT_USAGE
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- failed builds keep old files


def test_failed_build_leaves_previous_output(tmp_path):
    project = make_project(tmp_path / "project")
    first = run_cli("pdf", cwd=project)
    assert first.returncode == EXIT_OK, first.stderr
    target = project / "dist" / "porch.pdf"
    before = target.read_bytes()

    # 1. a manuscript that cannot be read
    (project / "manuscript" / "play.md").write_bytes(PLAY.encode("utf-8") + b"\xff\xfe broken\n")
    assert_one_clear_error(run_cli("pdf", cwd=project), EXIT_INPUT)
    assert target.read_bytes() == before

    # 2. a manuscript with warnings, built with --strict
    (project / "manuscript" / "play.md").write_text(PLAY + "\n**Nobody**:\n", encoding="utf-8")
    result = run_cli("pdf", "--strict", cwd=project)
    assert result.returncode == EXIT_CHECK, result.stderr
    assert "Traceback" not in result.stderr
    assert target.read_bytes() == before
    assert files_in(project / "dist") == ["porch.pdf"], "partial files left in dist/"


def test_killed_build_leaves_previous_output(tmp_path):
    """Killed while writing (the temporary file exists): the old PDF is untouched."""
    long_play = PLAY + "\n".join(
        f"\n**{'Simplicia' if i % 2 else 'Doomimir'}**: {'Words and more words. ' * 30}"
        for i in range(60))  # long enough that writing the PDF takes a visible moment
    project = make_project(tmp_path / "project")
    assert run_cli("pdf", cwd=project).returncode == EXIT_OK
    dist = project / "dist"
    before = (dist / "porch.pdf").read_bytes()
    (project / "manuscript" / "play.md").write_text(long_play, encoding="utf-8")

    process = subprocess.Popen([sys.executable, "-m", "publish", "pdf"], cwd=project, env=cli_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        # wait until the build has started writing: a partial file beside the output
        while files_in(dist) == ["porch.pdf"] and process.poll() is None:
            assert time.monotonic() < deadline, "the build never started writing"
            time.sleep(0.005)
        assert process.poll() is None, "the build finished before it could be interrupted"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert (dist / "porch.pdf").read_bytes() == before
