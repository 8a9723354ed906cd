"""The build stamp: which commit (with `+dirty`) and which date a build is of.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from publish.model.errors import UsageError
from publish.reading.revision import check_revision
from publish.render.html import Stamp


def build_stamp(root: Path, sources: list[Path]) -> tuple[Stamp, dt.datetime]:
    """The commit (with +dirty) and the build date: SOURCE_DATE_EPOCH, else the last commit
    touching the sources, else their newest modification (outside git, or never committed:
    the same files give the same date, so the same bytes and cache keys; the clock gave a
    new date each second, and no build of a project outside git was ever found in the
    cache), else now."""
    commit = _git(root, "rev-parse", "--short", "HEAD") or "no-git"
    if commit != "no-git" and _git(root, "status", "--porcelain", "--", *map(str, sources)):
        commit += "+dirty"
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        when = epoch_date(epoch)
        if when is None:
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a build date: it must be a whole "
                             f"number of seconds since 1970-01-01, from 0 to {LAST_EPOCH} (9999-12-31)")
    else:
        # A commit dated outside what a book can carry (git accepts odd dates) is not used.
        when = epoch_date(_git(root, "log", "-1", "--format=%ct", "--", *map(str, sources)))
        if when is None:  # outside git, or the sources never committed
            when = _newest_modification(sources)
    when = when or dt.datetime.now(dt.UTC).replace(microsecond=0)
    return Stamp(commit, when.strftime("%Y-%m-%d")), when


def _newest_modification(sources: list[Path]) -> dt.datetime | None:
    """The newest modification of `sources` as a build date (None when none can be read)."""
    times = []
    for source in sources:
        try:
            times.append(int(source.stat().st_mtime))
        except OSError:
            continue
    return epoch_date(str(max(times))) if times else None


# The last second a date of four-digit year can name: PDF, EPUB and Python's dates end there.
LAST_EPOCH = 253402300799


def epoch_date(text: str) -> dt.datetime | None:
    """The UTC date of a `SOURCE_DATE_EPOCH`-style value (seconds since 1970, as a whole
    number), or None when it is not one or is outside 1970-9999."""
    text = text.strip()
    if not text.isascii() or not text.isdigit() or int(text) > LAST_EPOCH:
        return None
    return dt.datetime.fromtimestamp(int(text), dt.UTC)


def _git(root: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                                check=False, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def since_commit(root: Path, since: str) -> str:
    return check_revision(root, since)
