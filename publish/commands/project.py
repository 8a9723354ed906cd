"""Project housekeeping: `publish new` starts a play, `publish clean` removes what builds
wrote. Returns what it did; the CLI reports it."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from publish import model as m
from publish.config import CONFIG_NAME, Config, load
from publish.config.yaml_edit import add_play
from publish.model.errors import InputError
from publish.reading.fmt import format_play

MANUSCRIPT_DIR = "manuscript"
KEEP = ".gitkeep"  # dist/ is in git through this file
LIGATURES = str.maketrans({"Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "ß": "ss", "Ø": "O",
                           "ø": "o", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Þ": "Th", "þ": "th"})


@dataclass(frozen=True)
class NewPlay:
    path: Path
    shown: str  # relative to the project root, as book.yaml names it
    book: str
    cast: tuple[m.CastMember, ...]


def slugify(text: str) -> str:
    """'Naïve Questions: A Dialogue' -> 'naive-questions-a-dialogue' (ASCII, for file names
    and cast ids)."""
    # Letters NFKD does not split into a base letter and an accent, spelt out.
    spelt = text.translate(LIGATURES)
    ascii_text = unicodedata.normalize("NFKD", spelt).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def cast_members(names: list[str]) -> tuple[m.CastMember, ...]:
    members, seen = [], set()
    for name in names:
        member_id = slugify(name)
        if not member_id:
            raise InputError(f"cast name {name!r} has no letters or digits to make an id from")
        if member_id in seen:
            raise InputError(f"two cast members would have the id {member_id!r}")
        seen.add(member_id)
        members.append(m.CastMember(member_id, name.strip()))
    return tuple(members)


def default_book(config: Config) -> str:
    """Where a new play goes when --book is not given: the first draft book, since a new play
    is a draft; else the first book."""
    drafts = [book.id for book in config.books if book.draft]
    return (drafts or [config.books[0].id])[0]


def manuscript_text(title: str, source: str, cast: tuple[m.CastMember, ...]) -> str:
    """The new play in canonical form, written by the formatter itself so that `publish fmt`
    leaves it as it is: its title, and a first scene in which the cast enters."""
    if cast:
        inlines: list[m.Inline] = []
        for index, member in enumerate(cast):
            if index:
                inlines.append(m.Text(" and " if index == len(cast) - 1 else ", "))
            inlines.append(m.PersonaRef(member.id, (m.Text(member.name),)))
        inlines.append(m.Text(" enter." if len(cast) > 1 else " enters."))
    else:
        inlines = [m.Text("Lights up.")]
    opening = m.StageDirection(tuple(inlines), "block")
    scene = m.Division("scene", "1", None, (opening,))
    play = m.Play(m.PlayMeta(title, "", source, title_in_text=True), cast, (), (scene,))
    return format_play(play)


def new_play(root: Path, title: str, names: list[str], book_id: str | None) -> NewPlay:
    """Write manuscript/<slug>.md and add it, with its cast, to book.yaml. Either both
    happen or neither: a book.yaml that no longer loads is put back."""
    config = load(root)
    book = config.book(book_id).id if book_id else default_book(config)
    slug = slugify(title)
    if not slug:
        raise InputError(f"title {title!r} has no letters or digits to name a file after")
    shown = f"{MANUSCRIPT_DIR}/{slug}.md"
    path = root / shown
    if path.exists() or shown in config.plays:
        raise InputError(f"{shown} already exists; choose another title")
    cast = cast_members(names)
    yaml_path = root / CONFIG_NAME
    old_yaml = yaml_path.read_text(encoding="utf-8-sig")
    new_yaml = add_play(old_yaml, shown, list(cast), book)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(path, manuscript_text(title, shown, cast))
    try:
        _write(yaml_path, new_yaml)
        load(root)
    except Exception:
        _write(yaml_path, old_yaml)
        path.unlink(missing_ok=True)
        raise
    return NewPlay(path, shown, book, cast)


def clean(root: Path) -> list[Path]:
    """Remove the build outputs in dist/ (keeping dist/.gitkeep) and the build cache .cache/.
    Only inside the project; symbolic links are removed, never followed."""
    removed = []
    dist = root / "dist"
    if dist.is_dir() and not dist.is_symlink():
        for entry in sorted(dist.iterdir()):
            if entry.name == KEEP:
                continue
            _remove(entry)
            removed.append(entry)
    cache = root / ".cache"
    if cache.exists() or cache.is_symlink():
        _remove(cache)
        removed.append(cache)
    return removed


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _write(path: Path, text: str) -> None:
    """Write beside the target and rename, so an interrupted write leaves the old file."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
        stream.write(text)
    os.chmod(name, 0o644)
    os.replace(name, path)

