"""The command line with the build cache: commands that render nothing never import
WeasyPrint (its import alone costs about a second), a rebuild with nothing changed renders
nothing, and --no-cache / --jobs are accepted."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from proof_support import EPOCH, REPO_ROOT

# Runs the CLI in this interpreter, then reports whether WeasyPrint was imported.
PROBE = """
import sys
from publish.cli import main
sys.argv = ["publish", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nweasyprint imported: %s\\n" % ("weasyprint" in sys.modules))
sys.stderr.write("rich imported: %s\\n" % ("rich" in sys.modules))
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cache-cli")
    shutil.copy2(REPO_ROOT / "book.yaml", root / "book.yaml")
    shutil.copytree(REPO_ROOT / "manuscript", root / "manuscript")
    return root


def probe(root: Path, *args: str) -> tuple[bool, subprocess.CompletedProcess]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-c", PROBE, *args],
                            cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert "weasyprint imported:" in result.stderr, result.stderr
    return "weasyprint imported: True" in result.stderr, result


@pytest.mark.parametrize("args", [("check",), ("ast", "manuscript/shoggoths.md"),
                                  ("fmt", "--check")])
def test_commands_that_do_not_render_do_not_import_weasyprint(project, args):
    imported, result = probe(project, *args)
    assert not imported, f"publish {' '.join(args)} imported weasyprint"


def test_the_probe_sees_an_import(project):
    """The probe itself can fail: a build that renders does import WeasyPrint."""
    imported, result = probe(project, "pdf", "--book", "collected", "--no-cache", "-j", "1")
    assert imported, result.stderr


def test_unchanged_rebuild_renders_nothing_and_imports_no_renderer(project):
    imported, first = probe(project, "all", "--jobs", "1")  # renders here, so imports
    assert first.returncode == 0 and imported, first.stderr
    outputs = sorted(p for p in (project / "dist").iterdir() if p.is_file() and not p.name.startswith("."))
    before = {path.name: path.read_bytes() for path in outputs}
    imported, second = probe(project, "all")
    assert second.returncode == 0, second.stderr
    assert not imported, "nothing changed, yet something was rendered"
    assert {path.name: path.read_bytes() for path in outputs} == before
    # both close with the summary of the six outputs
    for result in (first, second):
        assert all(f"dist/{path.name}" in result.stdout for path in outputs), result.stdout
    assert len(outputs) == 6


def test_a_quiet_build_does_not_import_rich(project):
    """rich is loaded for what it prints: a quiet build (CI, the benchmark) prints nothing
    and its start-up, which every step of the build waits for, need not load it."""
    _, quiet = probe(project, "pdf", "--book", "collected", "-q", "--no-cache", "-j", "1")
    assert quiet.returncode == 0 and "rich imported: False" in quiet.stderr, quiet.stderr
    _, summary = probe(project, "pdf", "--book", "collected")
    assert summary.returncode == 0 and "rich imported: True" in summary.stderr, summary.stderr
    assert "dist/collected.pdf" in summary.stdout


def test_no_cache_renders_again(project):
    probe(project, "pdf", "--book", "collected")
    imported, _ = probe(project, "pdf", "--book", "collected")
    assert not imported  # cached now
    imported, result = probe(project, "pdf", "--book", "collected", "--no-cache")
    assert result.returncode == 0 and imported, result.stderr


def test_parallel_renders_write_the_same_bytes_as_serial_ones(project):
    _, serial = probe(project, "all", "--no-cache", "-j", "1", "-o", "serial")
    _, parallel = probe(project, "all", "--no-cache", "-j", "2", "-o", "parallel")
    assert serial.returncode == parallel.returncode == 0, serial.stderr + parallel.stderr
    names = sorted(p.name for p in (project / "serial").iterdir() if not p.name.startswith("."))
    assert len(names) == 6
    assert names == sorted(p.name for p in (project / "parallel").iterdir() if not p.name.startswith("."))
    for name in names:
        assert (project / "serial" / name).read_bytes() == (project / "parallel" / name).read_bytes()
