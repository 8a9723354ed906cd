"""Where a build writes, checked before anything is rendered.

- The output folder. Inside the project (the default `dist/`, or `-o DIR` inside it) no part
  of its path from the project's root down may be a symbolic link or a file: a link there,
  committed by a contributor, would send the outputs (and the clean-up of stale partial
  files) to any folder of the machine. A folder outside the project is used as the user
  named it: they asked for it. Either way nothing in it is written or removed through a link
  (support/atomic.py).
- The outputs' names. Each is free or a regular file (a link or folder in an output's place
  is refused), and no two outputs of one build share a name: on a case-insensitive disk
  `B.pdf` and `b.pdf` are one file too, so names are compared case-folded.

A problem is an `OutputError` (exit status 6) naming the path; so is an output the system
refuses to write (a read-only folder, a full disk).
"""

from __future__ import annotations

import errno
import os
import unicodedata
from pathlib import Path

from publish.model.errors import OutputError
from publish.support.atomic import PARTIAL_DIR, check_target
from publish.support.safe_io import LinkInTheWay, check_not_link, make_folders


def prepare_folder(outdir: Path, root: Path) -> None:
    """Make the output folder, refusing a link or file in its path inside the project."""
    folder, project = Path(os.path.abspath(outdir)), Path(os.path.abspath(root))
    try:
        if folder.is_relative_to(project):
            make_folders(project, folder.relative_to(project).parts)
        else:
            folder.mkdir(parents=True, exist_ok=True)
        check_not_link(folder / PARTIAL_DIR)
    except FileExistsError as exc:
        raise OutputError(f"cannot make the output folder {_shown(folder)}: a file is in the way") from exc
    except OSError as exc:
        raise output_error(exc) from exc


def check_targets(targets: list[tuple[str, Path]]) -> None:
    """(what, path) for every output of the build: refuse two with one name, or a link or
    folder in an output's place, before anything is rendered."""
    seen: dict[str, tuple[str, Path]] = {}
    for what, target in targets:
        name = unicodedata.normalize("NFC", str(Path(os.path.abspath(target)))).casefold()
        if name in seen:
            first, path = seen[name]
            raise OutputError(
                f"{first} and {what} would both be written to {_shown(path)}; build them "
                "separately or rename one (output names are compared ignoring case)")
        seen[name] = (what, target)
        try:
            check_target(target)
        except OSError as exc:
            raise output_error(exc) from exc


WRITE_ERRORS = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
                errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
                errno.EPERM: "not permitted", errno.EFBIG: "the file is too large for the disk",
                errno.ENOTDIR: "a file is where a folder should be",
                errno.EISDIR: "a folder is where a file should be"}


def output_error(exc: OSError) -> OutputError:
    """The project's error for an output that could not be written."""
    if isinstance(exc, LinkInTheWay):
        return OutputError(f"{_shown(exc.filename)} is {exc.kind} where {exc.expected} belongs; "
                           "remove it (publish never writes through a link or over a folder)")
    reason = WRITE_ERRORS.get(exc.errno or 0, exc.strerror or str(exc))
    where = f" {_shown(_output_name(exc.filename))}" if exc.filename else " the outputs"
    return OutputError(f"cannot write{where}: {reason}")


def _output_name(filename: str | bytes | os.PathLike[str]) -> str:
    """The output a partial file stands for (`dist/.publish-partial/123-b.pdf` is `dist/b.pdf`)."""
    path = Path(os.fsdecode(filename))
    if path.parent.name == PARTIAL_DIR:
        name = path.name.split("-", 1)[-1] if path.name.split("-", 1)[0].isdigit() else path.name
        return str(path.parent.parent / name.removesuffix(".raw"))
    return str(path)


def _shown(path: str | bytes | os.PathLike[str]) -> str:
    """A path relative to the current folder when inside it, else as it is."""
    text = os.fsdecode(path)
    relative = os.path.relpath(text) if os.path.isabs(text) else text
    return text if relative.startswith("..") else relative
