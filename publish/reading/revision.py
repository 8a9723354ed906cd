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
from publish.reading.characters import text_characters, xml_characters
from publish.reading.fountain import is_fountain, read_fountain
from publish.reading.limits import check_play_limits
from publish.reading.normalize import normalize
from publish.reading.pandoc import parse_markdown
from publish.reading.source import MAX_MANUSCRIPT_BYTES, manuscript_text, too_large


def check_revision(root: Path, ref: str) -> str:
    """The full commit id REF names; an InputError when it names none."""
    if ref.startswith("-"):
        raise InputError(f"--since {ref!r}: not a git revision")
    result = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if result.returncode != 0:
        raise InputError(f"--since {ref!r}: not a commit of the git repository at {root}")
    return result.stdout.decode().strip()


def play_at(root: Path, commit: str, current: m.Play) -> m.Play | None:
    """The play's manuscript as it was at `commit`; None when the file did not exist then.
    The old text passes every check the current one does (size, encoding, nesting, the
    limits), read with the same bound; its unrepresentable characters become U+FFFD (it is
    history: the proof shows it, nothing can fix it)."""
    source = current.meta.source
    shown = f"{source}@{commit[:10]}"
    data = _old_bytes(root, f"{commit}:./{source}", shown)
    if data is None:
        return None  # not in that revision: every speech of the play is new
    text = manuscript_text(data, shown)
    if is_fountain(source):
        play = read_fountain(text_characters(text, source)[0], source, current.cast,
                             current.meta.title)[0]
        check_play_limits(play, shown)
        return play
    try:
        ast = parse_markdown(text, source)
        xml_characters(ast, source)
        play, _ = normalize(ast, source, current.cast, current.meta.title)
    except RecursionError as exc:  # a safety net behind source.check_nesting
        raise InputError("the old revision is nested too deeply to read", Location(shown)) from exc
    check_play_limits(play, shown)
    return play


def _old_bytes(root: Path, spec: str, shown: str) -> bytes | None:
    """The blob `spec` names, read with the manuscript's size limit: its size is asked of
    git first, and no more than the limit is read from `git cat-file` in any case."""
    size = _git(root, "cat-file", "-s", spec)
    if size.returncode != 0:
        return None
    if int(size.stdout.strip() or 0) > MAX_MANUSCRIPT_BYTES:
        raise too_large(int(size.stdout.strip()), shown)
    try:
        process = subprocess.Popen(["git", "-C", str(root), "cat-file", "blob", spec],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError as exc:
        raise InputError(f"cannot run git: {exc}", Location(str(root))) from exc
    with process:
        assert process.stdout is not None
        data = process.stdout.read(MAX_MANUSCRIPT_BYTES + 1)
        if len(data) > MAX_MANUSCRIPT_BYTES:
            process.kill()
            raise too_large(len(data), shown)
    return data if process.returncode == 0 else None


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False,
                              timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"cannot run git: {exc}", Location(str(root))) from exc
