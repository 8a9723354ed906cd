"""Manuscripts to books: each manuscript read, parsed (one pandoc process) and normalized,
several at once, or found in the cache; then assembled into the books that hold them.
"""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeAlias

from publish import model as m
from publish.build.cache import Cache
from publish.build.glyphs import check_glyphs
from publish.build.jobs import BookJob
from publish.build.keys import play_key
from publish.build.workers import parallel_map
from publish.config import BOOK_NAMESPACE, BookConfig, Config, PlayConfig, PrintConfig
from publish.model.diagnostics import DRAFT_WARNINGS, Diagnostic, Severity
from publish.model.errors import ConfigError, InputError, Location
from publish.reading.characters import invalid_references, text_characters, xml_characters
from publish.reading.check import check_images
from publish.reading.files import ProjectFiles
from publish.reading.fountain import is_fountain, read_fountain
from publish.reading.limits import check_play_limits
from publish.reading.normalize import normalize
from publish.reading.pandoc import parse_markdown
from publish.reading.source import read_manuscript
from publish.support.collector import collector_paused, made_frozen

# A manuscript parsed and normalized: its play and what normalizing it found.
Parsed: TypeAlias = tuple[m.Play, list[Diagnostic]]


def read_play(root: Path, path: Path, shown: str, play_config: PlayConfig,
              release: bool = True, cache: Cache | None = None) -> tuple[m.Play, list[Diagnostic]]:
    """Read, parse (one pandoc process) and normalize one manuscript, then check its images
    (a missing image is an error in a release book, a warning in a draft)."""
    play, diagnostics, _ = _read_play(root, path, shown, play_config, release, cache)
    return play, diagnostics


def _read_play(root: Path, path: Path, shown: str, play_config: PlayConfig, release: bool,
               cache: Cache | None, parsed: Parsed | None = None) -> tuple[m.Play, list[Diagnostic], str]:
    """read_play, also returning the play's cache key. The parsed play comes from the cache
    when the same bytes were parsed with the same cast and pandoc (or was `parsed` already
    by a parsing process); images are checked every time, since they are files of their own
    that may appear or vanish."""
    key = play_key(path, shown, play_config) if cache else ""
    cached = cache.load("model", key, shown) if cache and parsed is None else None
    if cached is None:
        play, found = parsed or _parse_only(path, shown, play_config)
        if cache:
            cache.store("model", key, (play, found))
    else:
        play, found = cached
    if cache:
        cache.note("model", shown, cached is not None)
    diagnostics = _for_book(list(found), release) + check_images(play, path, ProjectFiles(root), release)
    return play, sorted(diagnostics, key=Diagnostic.sort_key), key


def book_meta(config: BookConfig) -> m.BookMeta:
    """The model's metadata of a book: each of its fields, taken by name from the config."""
    return m.BookMeta(**{f.name: getattr(config, f.name) for f in dataclasses.fields(m.BookMeta)})


def assemble(config: Config, book_config: BookConfig, cache: Cache | None = None,
             workers: int = 1, parsed: dict[str, Parsed] | None = None) -> BookJob:
    """The book's model: each manuscript parsed (`workers` at once), found in the cache, or
    taken from `parsed` (what `assemble_books` parsed for every book at once)."""
    plays, diagnostics, manuscripts, keys = [], [], {}, {}
    if parsed is None:
        parsed = _parse_in_parallel(config, book_config.manuscripts, cache, workers)
    for rel_path in book_config.manuscripts:
        path = config.root / rel_path
        play, found, keys[rel_path] = _read_play(config.root, path, rel_path, config.play(rel_path),
                                                 not book_config.draft, cache, parsed.get(rel_path))
        plays.append(play)
        diagnostics += found
        manuscripts[rel_path] = path
    book = m.Book(book_meta(book_config), tuple(plays))
    job = BookJob(book_config.id, book_config, book, config.root, manuscripts, diagnostics,
                  book_config.print, keys, book_config.fonts, _languages(config, book_config.manuscripts))
    job.diagnostics = in_play_order(job, diagnostics + check_glyphs(job, not book_config.draft))
    return job


def in_play_order(job: BookJob, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics play by play, in the book's order, then those of book.yaml."""
    order = {play.meta.source: index for index, play in enumerate(job.book.plays)}
    return sorted(diagnostics, key=lambda d: (order.get(d.location.path, len(order)), d.sort_key()))


def _languages(config: Config, rel_paths: Iterable[str]) -> dict[str, str]:
    """The plays' own languages, where book.yaml gives one."""
    return {p: config.play(p).language for p in rel_paths if config.play(p).language}


def assemble_books(config: Config, book_configs: list[BookConfig], cache: Cache | None = None,
                   workers: int = 1, meanwhile: Callable[[], None] | None = None) -> list[BookJob]:
    """Every book's model, the manuscripts of all of them parsed at once (each once, however
    many books hold it). `meanwhile` runs in this process while other processes parse: the
    CLI loads the renderer then, so the render processes it forks have it already. It runs
    only when there is parsing to do, which an unchanged rebuild has not."""
    paths = tuple(dict.fromkeys(p for book in book_configs for p in book.manuscripts))
    # The plays come back pickled and are then walked (their images): large trees, made
    # and read without cycles, that collections would only scan again and again.
    with made_frozen():
        parsed = _parse_in_parallel(config, paths, cache, workers, meanwhile)
        return [assemble(config, book, cache, parsed=parsed) for book in book_configs]


def _parse_in_parallel(config: Config, rel_paths: tuple[str, ...], cache: Cache | None,
                       workers: int, meanwhile: Callable[[], None] | None = None
                       ) -> dict[str, Parsed]:
    """Parse the manuscripts the cache lacks in `workers` processes: normalizing is Python
    and takes a core per file; pandoc too runs once per file, several at once."""
    todo = [p for p in dict.fromkeys(rel_paths)
            if not (cache and cache.has("model", play_key(config.root / p, p, config.play(p))))]
    if workers <= 1 or len(todo) <= 1:
        return {}
    # Longest first, so that no process starts a long manuscript when the others are done.
    todo.sort(key=lambda p: -_size(config.root / p))
    args = [(config.root / p, p, config.play(p)) for p in todo]
    with collector_paused():  # the plays come back pickled: large trees to unpickle
        return dict(zip(todo, parallel_map(_parse_only, args, workers, meanwhile), strict=True))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # read_manuscript reports it


def _parse_only(path: Path, shown: str, play_config: PlayConfig) -> Parsed:
    text = read_manuscript(path, shown)
    try:
        with collector_paused():
            if is_fountain(shown):  # Fountain (issue 27): the same model, its own reader
                text, unrepresentable = text_characters(text, shown)  # M502, as U+FFFD
                play, found = read_fountain(text, shown, play_config.cast, play_config.title)
            else:
                ast = parse_markdown(text, shown)
                # M502: replaced by U+FFFD in `ast`; references pandoc itself replaced.
                unrepresentable = invalid_references(text, shown) + xml_characters(ast, shown)
                play, found = normalize(ast, shown, play_config.cast, play_config.title)
    except RecursionError as exc:  # a safety net behind source.check_nesting
        raise InputError("the manuscript is nested too deeply to read", Location(shown)) from exc
    check_play_limits(play, shown)
    return play, found + unrepresentable


def _for_book(diagnostics: list[Diagnostic], release: bool) -> list[Diagnostic]:
    """A character no output may hold (M502) fails a release book; a draft shows U+FFFD."""
    if release:
        return diagnostics
    return [dataclasses.replace(d, severity=Severity.WARNING)
            if d.code in DRAFT_WARNINGS and d.severity is Severity.ERROR else d for d in diagnostics]


def assemble_part(config: Config, book_config: BookConfig, files: tuple[str, ...],
                  cache: Cache | None = None) -> BookJob:
    """Only some plays of a book, with the book's metadata (`--book NAME FILES`): a proof of
    one play without reading or laying out the others. Written as `<book>-<play>...`."""
    wanted = [os.path.relpath(Path(f).resolve(), config.root.resolve()) for f in files]
    for rel_path in wanted:
        if rel_path not in book_config.manuscripts:
            raise ConfigError(f"{rel_path!r} is not a manuscript of book {book_config.id!r}")
    part = dataclasses.replace(
        book_config, manuscripts=tuple(p for p in book_config.manuscripts if p in wanted))
    job = assemble(config, part, cache)
    job.id = "-".join([book_config.id, *(part_name(book_config, p) for p in part.manuscripts)])
    return job


def part_name(book_config: BookConfig, rel_path: str) -> str:
    """What names a manuscript's part of the book (`<book>-<part>-proof.pdf`): its file name
    without suffix, or, when another manuscript of the book has the same one (`a/play.md`
    and `b/play.md`), its path (`a-play`): two parts never share an output."""
    stem = Path(rel_path).stem
    same = [p for p in book_config.manuscripts if Path(p).stem.casefold() == stem.casefold()]
    if len(same) <= 1:
        return stem
    return "-".join(Path(rel_path).with_suffix("").parts)


def assemble_file(path: Path, config: Config | None, cache: Cache | None = None,
                  draft: bool | None = None) -> BookJob:
    """A one-play book from any Markdown file, in or out of book.yaml. `draft` says whether
    it is a draft (a missing or remote image is a warning and shows as a placeholder) or a
    release (it is an error); None decides from book.yaml, as the CLI does."""
    root = (config.root if config and path.resolve().is_relative_to(config.root.resolve())
            else path.parent.resolve())
    shown = _shown(path, root)
    play_config = config.play(shown) if config else PlayConfig(shown, None, ())
    # A file of a draft book stays a draft (images may be missing); any other is a release.
    books_with_file = [book for book in config.books if shown in book.manuscripts] if config else []
    release = not books_with_file or not all(book.draft for book in books_with_file)
    if draft is not None:
        release = not draft
    play, diagnostics, key = _read_play(root, path, shown, play_config, release, cache)
    defaults = next(iter(config.books), None) if config else None
    title = play.meta.title
    meta = m.BookMeta(
        id=path.stem, title=title, subtitle=play.meta.subtitle,
        author=defaults.author if defaults else "", language=defaults.language if defaults else "en",
        date=defaults.date if defaults else "", rights=defaults.rights if defaults else "",
        identifier=_file_identifier(path.stem), publisher=defaults.publisher if defaults else "")
    settings = config.print_defaults if config else PrintConfig()
    # The fonts of the book holding the file (or of the first book, as for the metadata).
    fonts = (books_with_file[0] if books_with_file else defaults).fonts if defaults else ()
    languages = {shown: play_config.language} if play_config.language else {}
    job = BookJob(path.stem, None, m.Book(meta, (play,)), root, {shown: path}, diagnostics,
                  settings, {shown: key}, fonts, languages)
    job.diagnostics = in_play_order(job, diagnostics + check_glyphs(job, release))
    return job


def _shown(path: Path, root: Path) -> str:
    """The file as named from the root: by the path given (a link is named as itself, not
    as what it points to), else by where it resolves."""
    given = os.path.relpath(os.path.abspath(path), root.resolve())
    return given if not given.startswith("..") else os.path.relpath(path.resolve(), root.resolve())


def _file_identifier(stem: str) -> str:
    return f"urn:uuid:{uuid.uuid5(BOOK_NAMESPACE, 'file:' + stem)}"
