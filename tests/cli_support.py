"""Helpers for the CLI tests (test_cli_*.py): running `publish` as a user does, on small
temporary projects, piped or on a pseudo-terminal."""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1700000000"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Variables that change how rich decides on colour; the tests set what they need.
COLOUR_VARIABLES = ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLORTERM")

BOOK_YAML = """\
# A small project for the CLI tests. This comment must survive `publish new`.
defaults:
  author: Test Author
  language: en

plays:
  manuscript/clean.md:
    cast:
      - id: ann
        name: Ann Lee
        aliases: [Ann]
      - id: bo
        name: Bo
  manuscript/rough.md:
    cast:
      - id: ann
        name: Ann
      - id: bo
        name: Bo

books:
  finished:
    title: A Finished Play
    manuscripts: [manuscript/clean.md]   # flow style, with a comment
  working:
    title: Working Drafts
    draft: true
    manuscripts:
      - manuscript/rough.md
"""

CLEAN_PLAY = """\
## A Clean Play

### Scene 1: Morning

_[**Ann** enters.]_

**Ann**: Good morning, good morning, good morning.

**Bo**: Morning.

### Scene 2: Evening

**Ann**: Good night.
"""

ROUGH_PLAY = """\
## A Rough Play

### Scene 1

**Ann**: Hello.

**Bo**:

**Cy**: Who am I?

[TODO: finish this scene]

![a chart](missing-chart.png)
"""


def make_project(root: Path) -> Path:
    """Two books: `finished` (clean under --strict) and `working` (a draft with an empty
    speech, an unknown speaker, a TODO and a missing image)."""
    (root / "manuscript").mkdir(parents=True)
    (root / "book.yaml").write_text(BOOK_YAML, encoding="utf-8")
    (root / "manuscript/clean.md").write_text(CLEAN_PLAY, encoding="utf-8")
    (root / "manuscript/rough.md").write_text(ROUGH_PLAY, encoding="utf-8")
    return root


def copy_default_project(root: Path) -> Path:
    """The repository's own book.yaml and manuscripts (the default books)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO_ROOT / "book.yaml", root / "book.yaml")
    shutil.copytree(REPO_ROOT / "manuscript", root / "manuscript")
    return root


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in COLOUR_VARIABLES}
    env.update({"SOURCE_DATE_EPOCH": EPOCH, "COLUMNS": "200", "TERM": "xterm-256color"})
    env.update(extra)
    return env


def run_cli(*args: str, cwd: Path, timeout: float = 300, **env: str) -> subprocess.CompletedProcess:
    """`publish ARGS` in `cwd`, output piped (not a terminal)."""
    return subprocess.run([sys.executable, "-m", "publish", *args], cwd=cwd,
                          env=environment(**env), capture_output=True, text=True,
                          timeout=timeout, check=False)


def run_on_terminal(*args: str, cwd: Path, timeout: float = 120, **env: str) -> tuple[int, str]:
    """`publish ARGS` with stdout and stderr on a pseudo-terminal, as in an author's shell;
    returns the exit status and everything it wrote, escape codes included."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "publish", *args], cwd=cwd,
                               env=environment(**env), stdin=subprocess.DEVNULL,
                               stdout=terminal, stderr=terminal)
    os.close(terminal)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.2)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                data = os.read(controller, 65536)
            except OSError:  # the terminal closed: the process has ended
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(controller)
    status = process.wait(timeout=max(1.0, deadline - time.monotonic()))
    return status, b"".join(chunks).decode("utf-8", "replace")
