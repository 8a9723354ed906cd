"""Writing outputs so that nothing is lost: a file appears under its name complete or not at all.

Each output is written into a hidden folder beside it (`.publish-partial/`, same filesystem, so
the final rename is atomic), named after the writing process. A build that fails removes its
partial file; a build that is killed (`kill -9`) cannot, so the next build removes partial
files whose process is gone. The previous output under the real name is untouched until the
rename, and two builds running at once never share a partial file. The hidden folder is
removed as soon as it is empty, so a successful build leaves nothing behind but its outputs.

Nothing is written or removed through a link: a `.publish-partial` that is a symbolic link
(or a file) is refused (`LinkInTheWay`), its entries are removed as what they are (a link
itself, never what it points to; a folder not at all), the temporary file is created anew
(`O_EXCL`, no link followed), and an output's name held by a link or folder is refused
before anything is renamed over it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from types import TracebackType

from publish.support.safe_io import LinkInTheWay, entries, kind_of, open_folder, remove_in

PARTIAL_DIR = ".publish-partial"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


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
    """Remove partial files left by killed builds; returns what was removed. `LinkInTheWay`
    when the partial folder is a link or not a folder: nothing in it is touched."""
    partial = folder / PARTIAL_DIR
    removed: list[Path] = []
    try:
        descriptor = open_folder(folder, [PARTIAL_DIR])
    except FileNotFoundError:
        return removed
    try:
        for name, mode in entries(descriptor):
            pid_text = name.split("-", 1)[0]
            if stat.S_ISDIR(mode) or not pid_text.isdigit() or _alive(int(pid_text)):
                continue  # a folder is never a partial file of ours; a live build's is its own
            remove_in(descriptor, name)
            removed.append(partial / name)
    finally:
        os.close(descriptor)
    _remove_if_empty(partial)
    return removed


def check_target(target: Path) -> None:
    """`LinkInTheWay` unless `target` is free or a regular file: an output is never renamed
    over a folder, nor written in place of a link (which a reader would take for it)."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise LinkInTheWay(target, kind_of(mode), "an output file")


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
        check_target(self.target)
        self.partial = self.target.parent / PARTIAL_DIR
        name = f"{os.getpid()}-{self.target.name}"
        self.temporary = self.partial / name
        # Another writer that just finished may remove the folder between our mkdir and our
        # file's creation (it removes it once empty): make both again until the file exists.
        for _ in range(100):
            descriptor = open_folder(self.target.parent, [PARTIAL_DIR], create=True)
            try:
                remove_in(descriptor, name)  # one left by a dead process of the same id
                created = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW,
                                  0o644, dir_fd=descriptor)
                os.fchmod(created, 0o644)
                os.close(created)
                break
            except FileNotFoundError:
                continue
            except OSError as exc:  # named in full: a descriptor-relative name says little
                raise OSError(exc.errno, exc.strerror, str(self.temporary)) from exc
            finally:
                os.close(descriptor)
        return self.temporary

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if exc_type is None:
                check_target(self.target)
                os.chmod(self.temporary, 0o644)  # a writer may have made the file anew
                os.replace(self.temporary, self.target)
            else:
                self._discard()
        except BaseException:
            self._discard()  # a failed rename (a full disk, a folder put there) leaves nothing
            raise
        finally:
            _remove_if_empty(self.partial)

    def _discard(self) -> None:
        try:
            descriptor = open_folder(self.target.parent, [PARTIAL_DIR])
        except OSError:
            return
        try:
            remove_in(descriptor, self.temporary.name)
        finally:
            os.close(descriptor)
