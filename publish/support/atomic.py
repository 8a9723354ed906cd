"""Writing outputs so that nothing is lost: a file appears under its name complete or not at all.

Each output is written into a hidden folder beside it (`.publish-partial/`, same filesystem, so
the final rename is atomic), named after the writing process. A build that fails removes its
partial file; a build that is killed (`kill -9`) cannot, so the next build removes partial
files whose process is gone. The previous output under the real name is untouched until the
rename, and two builds running at once never share a partial file. The hidden folder is
removed as soon as it is empty, so a successful build leaves nothing behind but its outputs.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from types import TracebackType

PARTIAL_DIR = ".publish-partial"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """Dead but not yet reaped (its parent, a killed build, cannot reap it, and in a container
    whatever adopts it may not): it will never finish its file. Linux only (/proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[:1] == ["Z"]


def clean_stale(folder: Path) -> list[Path]:
    """Remove partial files left by killed builds; returns what was removed."""
    partial = folder / PARTIAL_DIR
    removed: list[Path] = []
    if not partial.is_dir():
        return removed
    for entry in partial.iterdir():
        pid_text = entry.name.split("-", 1)[0]
        if pid_text.isdigit() and not _alive(int(pid_text)):
            entry.unlink(missing_ok=True)
            removed.append(entry)
    _remove_if_empty(partial)
    return removed


def _remove_if_empty(partial: Path) -> None:
    """Remove the partial folder unless another writer still has a file in it."""
    with contextlib.suppress(OSError):  # not empty (another output being written), or already gone
        partial.rmdir()


class atomic_output:
    """`with atomic_output(target) as temporary:` write to `temporary`; on success it is
    renamed to `target`, on an exception it is removed and `target` stays as it was."""

    def __init__(self, target: Path):
        self.target = target

    def __enter__(self) -> Path:
        self.partial = self.target.parent / PARTIAL_DIR
        self.temporary = self.partial / f"{os.getpid()}-{self.target.name}"
        # Another writer that just finished may remove the folder between our mkdir and our
        # file's creation (it removes it once empty): make both again until the file exists.
        for _ in range(100):
            self.partial.mkdir(parents=True, exist_ok=True)
            try:
                self.temporary.write_bytes(b"")  # exists from the start, as mkstemp's file did
                break
            except FileNotFoundError:
                continue
        return self.temporary

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            os.chmod(self.temporary, 0o644)
            os.replace(self.temporary, self.target)
        else:
            self.temporary.unlink(missing_ok=True)
        _remove_if_empty(self.partial)
