"""A folder of this user's own outside any project, kept between runs: what is costly to make
and the same for every project (fontconfig's cache of our fonts, fonts' character maps).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def private_folder() -> Path:
    """`publish/fonts` in this user's cache folder (`$XDG_CACHE_HOME`, else `~/.cache`), made
    with only this user allowed to write in it: a build leaves nothing in the temporary
    folder. If it is someone else's (or cannot be made), a new one for this process."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        folder = base / "publish" / "fonts"
        folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
        if stat.S_ISDIR(info.st_mode) and info.st_uid == uid and not info.st_mode & 0o022:
            return folder
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        pass
    return Path(tempfile.mkdtemp(prefix="publish-fonts-"))


def write_file(path: Path, text: str) -> None:
    """Write `text` to `path` whole or not at all: other processes may read it meanwhile."""
    handle, name = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
