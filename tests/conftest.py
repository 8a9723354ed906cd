"""Shared fixtures: where the project and the author's documents are, and one build of the
default books per test session (building takes a few seconds; every PDF/EPUB test reuses it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests: CI runs a fixed, derandomized sample so main stays reproducible; `make fuzz`
# sets HYPOTHESIS_PROFILE=fuzz for a long random run.
settings.register_profile("ci", max_examples=30, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=3000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
SEEDS_DIR = SHARED_DIR / "seeds"
BUILD_EPOCH = "1700000000"

# The author's documents sit beside the checkout in this project's CI, but not in a fresh clone,
# a fork or on GitHub's runner. Tests that read them skip there, all with this one reason; the
# repository's own fixtures (tests/fixtures/) keep every stage tested without them.
SHARED_PRESENT = (SEEDS_DIR.is_dir() and any(SEEDS_DIR.glob("*.txt"))
                  and (SHARED_DIR / "corpus").is_dir())
SHARED_REASON = "../shared (the author's seeds and corpus) is not beside the checkout"
needs_shared = pytest.mark.skipif(not SHARED_PRESENT, reason=SHARED_REASON)

FIXTURES_DIR = REPO_ROOT / "tests" / "fixtures"
# Written here, synthetic, covering every convention of docs/manuscript-format.md.
FIXTURE_FILES = sorted(p for p in FIXTURES_DIR.glob("*") if p.suffix in (".md", ".txt")
                       and p.name != "README.md")
# The project's own manuscripts (manuscript/), part of every clone.
MANUSCRIPT_FILES = sorted((REPO_ROOT / "manuscript").rglob("*.md"))


def author_files() -> list[Path]:
    """The author's seeds and corpus files, or none where ../shared is absent."""
    if not SHARED_PRESENT:
        return []
    return sorted(SEEDS_DIR.glob("*")) + sorted((SHARED_DIR / "corpus").glob("*/*.md"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", default=False,
        help="Rewrite tests/golden/*.json from the current model instead of comparing.")
    parser.addoption(
        "--update-screenshots", action="store_true", default=False,
        help="Copy the browser tests' screenshots of an EPUB chapter into docs/images/.")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def check_golden(name: str, actual: str, golden: Path, update: bool) -> None:
    """Compare `actual` with the golden file (or rewrite it with --update-golden), pointing at
    the first differing line rather than dumping thousands of lines."""
    if update:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.is_file(), f"{golden} is missing; run pytest with --update-golden once"
    a_lines, e_lines = actual.splitlines(), golden.read_text(encoding="utf-8").splitlines()
    for number, (a, e) in enumerate(zip(a_lines, e_lines, strict=False), start=1):
        if a != e:
            context = "\n".join(a_lines[max(0, number - 15):number + 5])
            pytest.fail(f"{name}: model differs from {golden.name} at line {number}:\n"
                        f"  golden: {e}\n  actual: {a}\nactual context:\n{context}")
    assert len(a_lines) == len(e_lines), f"{name}: model has {len(a_lines)} lines, golden {len(e_lines)}"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED_PRESENT:
        pytest.skip(SHARED_REASON)
    return SHARED_DIR


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    seeds = shared_dir / "seeds"
    assert sorted(seeds.glob("*.txt")), f"no seeds in {seeds}"
    return seeds


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for running the CLI: reproducible dates, no colour, no pager."""
    env = dict(os.environ)
    env.update({"SOURCE_DATE_EPOCH": BUILD_EPOCH, "NO_COLOR": "1", "COLUMNS": "200"})
    env.pop("PUBLISH_VERBOSE", None)
    env.update(extra)
    return env


def run_cli(*args: str, cwd: Path, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    """`python -m publish ARGS` in `cwd`, text output captured."""
    return subprocess.run([sys.executable, "-m", "publish", *args], cwd=cwd, env=cli_env(**env),
                          capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="session")
def project_copy(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Path:
    """A copy of the default project (book.yaml + manuscript/); styles come from the package."""
    root = tmp_path_factory.mktemp("project")
    shutil.copy2(repo_root / "book.yaml", root / "book.yaml")
    shutil.copytree(repo_root / "manuscript", root / "manuscript")
    return root


@pytest.fixture(scope="session")
def built_dist(project_copy: Path) -> Path:
    """`publish all` run once on the copy of the default project; returns its dist/ folder."""
    result = run_cli("all", cwd=project_copy, timeout=300)
    assert result.returncode == 0, (
        f"`publish all` failed with status {result.returncode}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    dist = project_copy / "dist"
    assert dist.is_dir(), f"`publish all` wrote no dist/ folder\nstdout:\n{result.stdout}"
    return dist


@pytest.fixture(scope="session")
def default_config(project_copy: Path):
    """The parsed book.yaml of the copied default project."""
    from publish.config import load
    return load(project_copy)


@pytest.fixture(scope="session")
def default_books(default_config):
    """{book id: Book model} for the copied default project (parsed once, no rendering)."""
    from publish.build.assemble import assemble
    return {book.id: assemble(default_config, book).book for book in default_config.books}


@pytest.fixture(scope="session")
def one_play_epub(project_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`publish epub manuscript/shoggoths.md`: a one-play book from a file."""
    out = tmp_path_factory.mktemp("one-play")
    result = run_cli("epub", "manuscript/shoggoths.md", "-o", str(out), cwd=project_copy)
    assert result.returncode == 0, result.stderr
    return out / "shoggoths.epub"


@pytest.fixture(scope="session")
def epubcheck_reports(built_dist: Path, one_play_epub: Path) -> dict[str, dict]:
    """epubcheck's report for each EPUB ("collected", "drafts", "one-play"), run once per
    session for every test that needs it, all three in one JVM (tests/epubcheck_many.java),
    shaped like epubcheck's --json reports (counts in "checker", a list of "messages")."""
    from epubcheck_support import check_epubs
    return check_epubs({"collected": built_dist / "collected.epub",
                        "drafts": built_dist / "drafts.epub", "one-play": one_play_epub})


@pytest.fixture(scope="session")
def books(built_dist: Path, default_config) -> dict:
    """{book id: Built(job, path)}: the print PDFs of `built_dist` with the job that made
    each (its model and config), for the print tests to read back without building again."""
    from print_support import Built
    from publish.build.assemble import assemble
    return {book.id: Built(assemble(default_config, book), built_dist / f"{book.id}.pdf")
            for book in default_config.books}


@pytest.fixture(scope="session")
def laid_out_books(default_config) -> dict:
    """{book id: WeasyPrint document}: the default books laid out as their print PDFs are,
    once per session, for the tests that read WeasyPrint's boxes."""
    from publish.build.assemble import assemble
    from publish.build.outputs import print_layout
    from publish.build.stamp import build_stamp
    from publish.reading.files import ProjectFiles

    documents = {}
    for book_config in default_config.books:
        job = assemble(default_config, book_config)
        stamp, _ = build_stamp(job.root, list(job.manuscripts.values()))
        # print_layout returns the WeasyPrint document last, whatever it returns with it.
        documents[book_config.id] = print_layout(job, ProjectFiles(job.root), stamp, job.settings)[-1]
    return documents


@pytest.fixture(scope="session")
def long_play(tmp_path_factory: pytest.TempPathFactory):
    """A generated play of six scenes (print_support.long_play), built as its print PDF and
    laid out: a LaidOut with its job, PDF path and WeasyPrint document."""
    from print_support import lay_out_long_play
    return lay_out_long_play(tmp_path_factory.mktemp("long-play"))
