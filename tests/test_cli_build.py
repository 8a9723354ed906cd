"""The CLI's conventions on the build commands, on a small temporary project: exit statuses,
--strict listing every reason, --quiet, --jobs, the closing summary, colours only on a terminal
and never with NO_COLOR, --help with an example on every command."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from cli_support import (
    ANSI,
    REPO_ROOT as REPO,
    copy_default_project,
    make_project,
    run_cli,
    run_on_terminal,
)
from publish import __version__
from publish.build.plan import build

COMMANDS = ("all", "pdf", "epub", "proof", "ast", "check", "fmt", "stats", "watch", "new", "clean",
            "schema", "cover", "preflight", "export")


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "project")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """`publish all --book finished`, once: the summary and the files."""
    root = make_project(tmp_path_factory.mktemp("built") / "project")
    result = run_cli("all", "--book", "finished", "--jobs", "2", cwd=root)
    return root, result


def test_version():
    result = run_cli("--version", cwd=REPO)
    assert result.returncode == 0
    assert result.stdout.strip() == f"publish, version {__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = run_cli(command, "--help", cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert re.search(r"Examples?:\n\s+publish " + command, result.stdout), result.stdout


def test_the_group_help_lists_every_command():
    result = run_cli("--help", cwd=REPO)
    listed = re.findall(r"^  (\w+)  ", result.stdout.split("Commands:")[1], re.M)
    assert sorted(listed) == sorted(COMMANDS)


def test_build_writes_and_closes_with_a_summary(built):
    root, result = built
    assert result.returncode == 0, result.stderr
    for name, pages in (("finished.pdf", True), ("finished.epub", False),
                        ("finished-proof.pdf", True)):
        assert (root / "dist" / name).is_file()
        row = next(line for line in result.stdout.splitlines() if f"dist/{name} " in line)
        cells = [cell.strip() for cell in re.split(r"[│┃]", row)]
        # file, pages, size, warnings
        assert cells[1].isdigit() == pages, row
        assert re.fullmatch(r"\d+ kB", cells[2]), row
        assert cells[3] == "0", row
    assert "warnings" in result.stdout


def test_summary_counts_warnings_of_a_draft_book(project):
    result = run_cli("proof", "--book", "working", cwd=project)
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "working-proof.pdf" in line)
    assert row.rstrip().endswith("4")


def test_quiet_prints_nothing_on_success(project):
    result = run_cli("proof", "--book", "finished", "--quiet", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")
    assert (project / "dist/finished-proof.pdf").is_file()


def test_strict_fails_listing_every_reason_and_writes_nothing(project):
    result = run_cli("all", "--strict", cwd=project)
    assert result.returncode == 1
    for code in ("M101", "M102", "M201", "M301"):
        assert re.search(rf"manuscript/rough.md:\d+:\d+: warning\[{code}\]", result.stderr)
    assert "working: 4 warnings (M101, M102, M201, M301)" in result.stderr
    assert "finished:" not in result.stderr  # the clean book is not a reason
    # Checked before anything is written: not even the clean book was built.
    assert not (project / "dist").exists() or not any((project / "dist").iterdir())


def test_strict_quiet_still_says_why(project):
    result = run_cli("pdf", "--strict", "--quiet", "--book", "working", cwd=project)
    assert result.returncode == 1
    assert "warning[M102]" in result.stderr and "working: 4 warnings" in result.stderr


def test_strict_passes_on_a_clean_book(project):
    result = run_cli("epub", "--strict", "--book", "finished", cwd=project)
    assert result.returncode == 0, result.stderr


def test_strict_fails_on_the_default_drafts_with_every_reason(tmp_path):
    """The issue's release rule on the real drafts: every diagnostic `publish check` reports
    as a warning is listed, and the summary names each code."""
    root = copy_default_project(tmp_path / "default")
    result = run_cli("all", "--strict", cwd=root)
    assert result.returncode == 1
    check = run_cli("check", "--book", "drafts", cwd=root)
    warnings = [line for line in check.stdout.splitlines() if ": warning[" in line]
    assert warnings, "the drafts have no warnings: the test would prove nothing"
    for line in warnings:
        assert line in result.stderr
    codes = sorted(set(re.findall(r"warning\[(M\d+)\]", "\n".join(warnings))))
    summary = next(line for line in result.stderr.splitlines() if line.startswith("  drafts: "))
    for code in codes:
        assert code in summary
    assert "collected:" not in result.stderr
    assert not (root / "dist").exists()


@pytest.mark.parametrize("jobs", ["0", "-1", "many"])
def test_jobs_must_be_a_positive_number(project, jobs):
    result = run_cli("proof", "--jobs", jobs, cwd=project)
    assert result.returncode == 2
    assert "--jobs" in result.stderr


def test_jobs_reaches_build():
    # --jobs N becomes build's `workers`: the number of render processes
    assert "workers" in inspect.signature(build).parameters
    with pytest.raises(ValueError):
        build(None, ("proof",), Path("unused"), workers=0)


@pytest.mark.parametrize("args, status, message", [
    (("proof", "--book", "nope"), 3, "no book named 'nope'"),
    (("proof", "manuscript/missing.md"), 4, "missing.md"),
    (("frobnicate",), 2, "No such command"),
    (("proof", "--no-such-option"), 2, "No such option"),
])
def test_exit_statuses(project, args, status, message):
    result = run_cli(*args, cwd=project)
    assert result.returncode == status, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_no_project_is_a_configuration_error(tmp_path):
    result = run_cli("all", cwd=tmp_path)
    assert result.returncode == 3
    assert "no book.yaml" in result.stderr


def test_broken_book_yaml_is_a_configuration_error(project):
    (project / "book.yaml").write_text("books:\n  x:\n    titel: X\n", encoding="utf-8")
    result = run_cli("all", cwd=project)
    assert result.returncode == 3
    assert "book.yaml:3:5" in result.stderr and "did you mean 'title'" in result.stderr


def test_colours_on_a_terminal(project):
    status, output = run_on_terminal("check", cwd=project)
    assert status == 0
    assert ANSI.search(output), output  # else the NO_COLOR tests below prove nothing


def test_no_colours_with_no_color(project):
    status, output = run_on_terminal("check", cwd=project, NO_COLOR="1")
    assert status == 0
    assert "warning[M102]" in output
    assert not ANSI.search(output), output


def test_no_colours_when_piped(project):
    result = run_cli("check", cwd=project)
    assert "warning[M102]" in result.stdout
    assert not ANSI.search(result.stdout + result.stderr)


def test_no_colours_in_the_summary_with_no_color(project):
    status, output = run_on_terminal("proof", "--book", "finished", cwd=project, NO_COLOR="1")
    assert status == 0, output
    assert "finished-proof.pdf" in output
    assert not ANSI.search(output), output



@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_build_leaves_nothing_in_the_temporary_directory(project, tmp_path, jobs):
    """WeasyPrint copies the fonts into a `weasyprint-*` folder per FontConfiguration; the
    build keeps one per process and must remove it as each process ends, render processes
    (which end with os._exit) and a main process that rendered itself (`--jobs 1`) alike."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    result = run_cli("all", "--jobs", jobs, "--quiet", cwd=project, TMPDIR=str(temporary))
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")
    assert (project / "dist/working-proof.pdf").is_file()
    assert sorted(p.name for p in temporary.iterdir()) == []
