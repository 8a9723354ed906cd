"""Plays as they were at an earlier git revision, for the proof's change bars (`--since REF`).

Each manuscript's text at REF is read with `git show REF:./path` (relative to the project
root), decoded and normalized exactly like the current text. The old version is read with the
current play's cast, so a speaker keeps the same id in both versions and only real changes
show.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from publish import model as m
from publish.model.errors import InputError, Location
from publish.reading.fountain import is_fountain, read_fountain
from publish.reading.normalize import normalize
from publish.reading.pandoc import parse_markdown
from publish.reading.source import decode


def check_revision(root: Path, ref: str) -> str:
    """The full commit id REF names; an InputError when it names none."""
    if ref.startswith("-"):
        raise InputError(f"--since {ref!r}: not a git revision")
    result = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if result.returncode != 0:
        raise InputError(f"--since {ref!r}: not a commit of the git repository at {root}")
    return result.stdout.decode().strip()


def play_at(root: Path, commit: str, current: m.Play) -> m.Play | None:
    """The play's manuscript as it was at `commit`; None when the file did not exist then."""
    source = current.meta.source
    result = _git(root, "show", f"{commit}:./{source}")
    if result.returncode != 0:
        return None  # not in that revision: every speech of the play is new
    text = decode(result.stdout, f"{source}@{commit[:10]}")
    if is_fountain(source):
        return read_fountain(text, source, current.cast, current.meta.title)[0]
    ast = parse_markdown(text, source)
    play, _ = normalize(ast, source, current.cast, current.meta.title)
    return play


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False,
                              timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"cannot run git: {exc}", Location(str(root))) from exc
