"""File access with two guarantees the rest of the package builds on:

- **Bounded reads of regular files only.** `read_regular` looks at what a path is before it
  opens it (a FIFO is never opened, so nothing blocks; a device such as /dev/zero is never
  read), checks the size on the file's own status, and then reads at most `limit + 1` bytes,
  so a file that grows while it is read is still refused rather than read whole.
- **No link followed out of a folder we write in.** `open_folder` enters each part of a path
  below a trusted base with `O_NOFOLLOW`, and the files in it are opened relative to that
  folder, again without following links: a symbolic link planted where a folder or an output
  belongs (committed to a repository, say) is reported, never written through or emptied.

Everything here raises `OSError` subclasses; the layers above turn them into the project's
own errors with the file's name (support/ knows nothing of those).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

_CHUNK = 1 << 20
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def kind_of(mode: int) -> str:
    """What a file is, in words, from its `st_mode`."""
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


class NotRegularFile(OSError):
    """The path is a folder, FIFO, device or socket (or, where links are not followed, a
    symbolic link): nothing is read from it."""

    def __init__(self, path: Path | str, kind: str):
        super().__init__(errno.EINVAL, f"is {kind}, not a regular file", str(path))
        self.kind = kind


class TooLarge(OSError):
    """The file is larger than the limit it is read with; `size` is what was seen (at least
    `limit + 1` when it grew during the read)."""

    def __init__(self, path: Path | str, size: int, limit: int):
        super().__init__(errno.EFBIG, f"is {size} bytes; the limit is {limit}", str(path))
        self.size = size
        self.limit = limit


class LinkInTheWay(OSError):
    """A symbolic link, file or other non-folder stands where a folder must be, or a link or
    folder where a file will be written."""

    def __init__(self, path: Path | str, kind: str, expected: str):
        super().__init__(errno.ENOTDIR, f"is {kind} where {expected} belongs", str(path))
        self.kind = kind
        self.expected = expected


def read_regular(path: Path, limit: int, follow_links: bool = True) -> bytes:
    """The bytes of the regular file at `path`, refusing anything else and anything larger
    than `limit` bytes. With `follow_links=False` a link at `path` itself is refused too."""
    status = os.stat(path) if follow_links else os.lstat(path)
    if not stat.S_ISREG(status.st_mode):
        raise NotRegularFile(path, kind_of(status.st_mode))
    if status.st_size > limit:
        raise TooLarge(path, status.st_size, limit)
    flags = os.O_RDONLY | _NONBLOCK | _CLOEXEC | (0 if follow_links else _NOFOLLOW)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotRegularFile(path, "a symbolic link") from exc
        raise
    return _read_open(descriptor, path, limit)


def read_in(folder: int, name: str, limit: int) -> bytes:
    """As `read_regular` for `name` in the open folder `folder`, never following a link."""
    try:
        descriptor = os.open(name, os.O_RDONLY | _NONBLOCK | _CLOEXEC | _NOFOLLOW, dir_fd=folder)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotRegularFile(name, "a symbolic link") from exc
        raise
    return _read_open(descriptor, name, limit)


def _read_open(descriptor: int, shown: Path | str, limit: int) -> bytes:
    """Read at most `limit + 1` bytes of an open descriptor, checking again (on the open
    file) that it is a regular file within the limit: the path may have changed since."""
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotRegularFile(shown, kind_of(status.st_mode))
        if status.st_size > limit:
            raise TooLarge(shown, status.st_size, limit)
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(descriptor, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(descriptor)
    if total > limit:
        raise TooLarge(shown, total, limit)
    return b"".join(chunks)


def check_not_link(path: Path, expected: str = "a folder") -> bool:
    """Whether a folder exists at `path`: True for a real folder, False when nothing is
    there; `LinkInTheWay` for a link, file or anything else."""
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return False
    if not stat.S_ISDIR(status.st_mode):
        raise LinkInTheWay(path, kind_of(status.st_mode), expected)
    return True


def make_folders(base: Path, parts: Sequence[str]) -> Path:
    """base/parts..., each part made when missing and refused when it is a link or not a
    folder (`base` itself is trusted as given)."""
    descriptor = open_folder(base, parts, create=True)
    os.close(descriptor)
    return base.joinpath(*parts)


def open_folder(base: Path, parts: Sequence[str], create: bool = False) -> int:
    """An open descriptor of base/parts..., each part entered without following a link (and
    made, with `create`, when missing). `LinkInTheWay` names the part that is a link or not
    a folder; FileNotFoundError when a part is missing and not to be made."""
    descriptor = os.open(base, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    shown = Path(base)
    try:
        for part in parts:
            shown = shown / part
            inner = _enter(descriptor, part, shown, create)
            os.close(descriptor)
            descriptor = inner
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def _enter(folder: int, part: str, shown: Path, create: bool) -> int:
    flags = os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC
    for _ in range(100):  # another process may remove an empty folder we just made
        try:
            return os.open(part, flags, dir_fd=folder)
        except FileNotFoundError:
            if not create:
                raise
            try:
                os.mkdir(part, 0o777, dir_fd=folder)
            except FileExistsError:
                pass
            except OSError as exc:  # named in full: a descriptor-relative name says little
                raise OSError(exc.errno, exc.strerror, str(shown)) from exc
        except OSError as exc:
            if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
                raise OSError(exc.errno, exc.strerror, str(shown)) from exc
            status = os.stat(part, dir_fd=folder, follow_symlinks=False)
            raise LinkInTheWay(shown, kind_of(status.st_mode), "a folder") from exc
    raise FileNotFoundError(errno.ENOENT, "keeps disappearing", str(shown))


def entries(folder: int) -> Iterator[tuple[str, int]]:
    """(name, st_mode) of each entry of an open folder, links not followed."""
    for name in os.listdir(folder):
        try:
            yield name, os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode
        except FileNotFoundError:
            continue


def write_in(folder: int, name: str, data: bytes, mode: int = 0o644) -> None:
    """Write `data` as `name` in the open folder `folder`, atomically: a temporary file made
    there (never through a link) and renamed over `name`. A link at `name` is replaced, not
    followed; a folder at `name` is refused."""
    temporary = f".{name}.{os.getpid()}.tmp"
    _remove_in(folder, temporary)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC,
                         mode, dir_fd=folder)
    try:
        os.fchmod(descriptor, mode)  # whatever the umask: outputs are readable by all
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        _remove_in(folder, temporary)
        raise


def remove_in(folder: int, name: str) -> None:
    """Remove the file or link `name` of an open folder (a link is removed, never followed);
    a folder there is left alone."""
    _remove_in(folder, name)


def _remove_in(folder: int, name: str) -> None:
    try:
        os.unlink(name, dir_fd=folder)
    except (FileNotFoundError, IsADirectoryError):
        pass
    except OSError as exc:
        if exc.errno not in (errno.EISDIR, errno.EPERM):
            raise
