"""The build stamp: which commit (with `+dirty`) and which date a build is of.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from publish.reading.revision import check_revision
from publish.render.html import Stamp


def build_stamp(root: Path, sources: list[Path]) -> tuple[Stamp, dt.datetime]:
    """The commit (with +dirty) and the build date: SOURCE_DATE_EPOCH, else the last commit
    touching the sources, else now."""
    commit = _git(root, "rev-parse", "--short", "HEAD") or "no-git"
    if commit != "no-git" and _git(root, "status", "--porcelain", "--", *map(str, sources)):
        commit += "+dirty"
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        epoch = _git(root, "log", "-1", "--format=%ct", "--", *map(str, sources))
    when = (dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch and epoch.isdigit()
            else dt.datetime.now(dt.UTC).replace(microsecond=0))
    return Stamp(commit, when.strftime("%Y-%m-%d")), when


def _git(root: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                                check=False, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def since_commit(root: Path, since: str) -> str:
    return check_revision(root, since)
