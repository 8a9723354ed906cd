"""`publish fmt` on files: read, parse, normalize, format, write back atomically if changed."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from publish import model as m
from publish.config import Config
from publish.reading.fountain import is_fountain, read_fountain
from publish.reading.fountain_write import write_fountain
from publish.reading.normalize import normalize
from publish.reading.pandoc import parse_markdown
from publish.reading.reformat import reformat
from publish.reading.source import read_manuscript


@dataclass(frozen=True)
class FormatResult:
    path: Path
    shown: str
    changed: bool


def format_text(text: str, shown: str, cast: tuple[m.CastMember, ...] = ()) -> str:
    """The canonical form of one manuscript's text, with the same model: the parts the
    formatter cannot write canonically kept as written (reading/reformat.py). The cast
    matters for the plain dialect; the title override of book.yaml does not (the file keeps
    its own heading). A Fountain file stays Fountain: its canonical form is what
    `publish export --to fountain` writes."""
    if is_fountain(shown):
        return write_fountain(read_fountain(text, shown, cast)[0])
    return reformat(text, lambda source: normalize(parse_markdown(source, shown), shown, cast)[0])


def format_files(paths: list[Path], config: Config | None, write: bool) -> list[FormatResult]:
    results = []
    for path in paths:
        shown = _shown(path, config)
        cast = config.play(shown).cast if config else ()
        original = read_manuscript(path, shown)
        formatted = format_text(original, shown, cast)
        changed = formatted != path.read_text(encoding="utf-8-sig") if path.exists() else True
        if changed and write:
            _write_atomically(path, formatted)
        results.append(FormatResult(path, shown, changed))
    return results


def _shown(path: Path, config: Config | None) -> str:
    if config and path.resolve().is_relative_to(config.root.resolve()):
        return os.path.relpath(path.resolve(), config.root.resolve())
    return str(path)


def _write_atomically(path: Path, text: str) -> None:
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
        stream.write(text)
    os.chmod(name, path.stat().st_mode & 0o777 if path.exists() else 0o644)
    os.replace(name, path)
