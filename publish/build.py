"""The orchestrator. Reads like its phases: load config -> parse + normalize each manuscript
(one pandoc process per file) -> check -> render each output -> write it atomically.

The library never prints: progress goes to an optional callback; problems are raised as
`PublishError`s or returned as diagnostics.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from publish import model as m
from publish.atomic import clean_stale
from publish.cache import Cache, code_identity, copy_out, digest, file_digest, pandoc_identity, render_identity
from publish.collector import collector_paused, made_frozen
from publish.check import check_images
from publish.config import BookConfig, Config, PlayConfig, PrintConfig
from publish.diagnostics import Diagnostic, fails
from publish.errors import CheckFailed, ConfigError, InputError, Location
from publish.normalize import normalize
from publish.pandoc import parse_markdown
from publish.render.assets import STYLES_DIR, ProjectFiles
from publish.render.html import Stamp
from publish.source import read_manuscript
from publish.workers import parallel_map, run_tasks

if TYPE_CHECKING:
    from publish.render.proof_parts import ProofPart

OUTPUTS = ("pdf", "epub", "proof")
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Artifact:
    kind: str
    path: Path
    pages: int | None
    size: int
    reused: bool = False  # copied from the build cache, not rendered
    rebuilt_parts: tuple[str, ...] = ()  # the play sources whose parts were rendered anew
    # The print PDF's layout: where each print page begins, handed on to the EPUB's page-list.
    page_map: object = field(default=None, repr=False, compare=False)
    # A play's proof, laid out (render/proof_parts.ProofPart), handed on to the proof's front.
    part: object = field(default=None, repr=False, compare=False)


@dataclass
class BookJob:
    """A book ready to render: its model, where its manuscripts are, what was found."""

    id: str
    config: BookConfig | None
    book: m.Book
    root: Path
    manuscripts: dict[str, Path]  # play.meta.source -> file
    diagnostics: list[Diagnostic] = field(default_factory=list)
    settings: PrintConfig = PrintConfig()  # the print PDF's trim, profile and house style
    keys: dict[str, str] = field(default_factory=dict)  # play source -> its cache key


# ---------------------------------------------------------------- parsing


def read_play(root: Path, path: Path, shown: str, play_config: PlayConfig,
              release: bool = True, cache: Cache | None = None) -> tuple[m.Play, list[Diagnostic]]:
    """Read, parse (one pandoc process) and normalize one manuscript, then check its images
    (a missing image is an error in a release book, a warning in a draft)."""
    play, diagnostics, _ = _read_play(root, path, shown, play_config, release, cache)
    return play, diagnostics


def _read_play(root: Path, path: Path, shown: str, play_config: PlayConfig, release: bool,
               cache: Cache | None, parsed: tuple | None = None) -> tuple[m.Play, list[Diagnostic], str]:
    """read_play, also returning the play's cache key. The parsed play comes from the cache
    when the same bytes were parsed with the same cast and pandoc (or was `parsed` already
    by a parsing process); images are checked every time, since they are files of their own
    that may appear or vanish."""
    key = _play_key(path, shown, play_config) if cache else ""
    cached = cache.load("model", key) if cache and parsed is None else None
    if cached is None:
        play, found = parsed or _parse_only(path, shown, play_config)
        if cache:
            cache.store("model", key, (play, found))
    else:
        play, found = cached
    if cache:
        cache.note("model", shown, cached is not None)
    diagnostics = list(found) + check_images(play, path, ProjectFiles(root), release)
    return play, sorted(diagnostics, key=Diagnostic.sort_key), key


def _play_key(path: Path, shown: str, play_config: PlayConfig) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        data = b""  # read_manuscript reports the problem; a missing file is never cached
    return digest("model", code_identity(), pandoc_identity(), shown, repr(play_config), data)


def book_meta(config: BookConfig) -> m.BookMeta:
    return m.BookMeta(config.id, config.title, config.subtitle, config.author, config.language,
                      config.date, config.rights, config.identifier, config.publisher,
                      config.edition, config.isbn, config.description, config.subjects)


def assemble(config: Config, book_config: BookConfig, cache: Cache | None = None,
             workers: int = 1, parsed: dict | None = None) -> BookJob:
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
    return BookJob(book_config.id, book_config, book, config.root, manuscripts, diagnostics,
                   book_config.print, keys)


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
                       ) -> dict[str, tuple[m.Play, list[Diagnostic]]]:
    """Parse the manuscripts the cache lacks in `workers` processes: normalizing is Python
    and takes a core per file; pandoc too runs once per file, several at once."""
    todo = [p for p in dict.fromkeys(rel_paths)
            if not (cache and cache.has("model", _play_key(config.root / p, p, config.play(p))))]
    if workers <= 1 or len(todo) <= 1:
        return {}
    # Longest first, so that no process starts a long manuscript when the others are done.
    todo.sort(key=lambda p: -_size(config.root / p))
    args = [(config.root / p, p, config.play(p)) for p in todo]
    with collector_paused():  # the plays come back pickled: large trees to unpickle
        return dict(zip(todo, parallel_map(_parse_only, args, workers, meanwhile)))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # read_manuscript reports it


def _parse_only(path: Path, shown: str, play_config: PlayConfig) -> tuple[m.Play, list[Diagnostic]]:
    text = read_manuscript(path, shown)
    try:
        with collector_paused():
            return normalize(parse_markdown(text, shown), shown, play_config.cast, play_config.title)
    except RecursionError as exc:  # a safety net behind source.check_nesting
        raise InputError("the manuscript is nested too deeply to read", Location(shown)) from exc


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
    job.id = "-".join([book_config.id, *(Path(p).stem for p in part.manuscripts)])
    return job


def assemble_file(path: Path, config: Config | None, cache: Cache | None = None,
                  draft: bool | None = None) -> BookJob:
    """A one-play book from any Markdown file, in or out of book.yaml. `draft` says whether
    it is a draft (a missing or remote image is a warning and shows as a placeholder) or a
    release (it is an error); None decides from book.yaml, as the CLI does."""
    root = config.root if config and path.resolve().is_relative_to(config.root.resolve()) else path.parent.resolve()
    shown = os.path.relpath(path.resolve(), root.resolve())
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
    return BookJob(path.stem, None, m.Book(meta, (play,)), root, {shown: path}, diagnostics,
                   settings, {shown: key})


def _file_identifier(stem: str) -> str:
    import uuid
    from publish.config import BOOK_NAMESPACE
    return f"urn:uuid:{uuid.uuid5(BOOK_NAMESPACE, 'file:' + stem)}"


# ---------------------------------------------------------------- build identity


def build_stamp(root: Path, sources: list[Path]) -> tuple[Stamp, dt.datetime]:
    """The commit (with +dirty) and the build date: SOURCE_DATE_EPOCH, else the last commit
    touching the sources, else now."""
    commit = _git(root, "rev-parse", "--short", "HEAD") or "no-git"
    if commit != "no-git" and _git(root, "status", "--porcelain", "--", *map(str, sources)):
        commit += "+dirty"
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        epoch = _git(root, "log", "-1", "--format=%ct", "--", *map(str, sources))
    when = (dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch and epoch.isdigit()
            else dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
    return Stamp(commit, when.strftime("%Y-%m-%d")), when


def _git(root: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                                check=False, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


# ---------------------------------------------------------------- rendering


def build(job: BookJob, outputs: tuple[str, ...], outdir: Path, strict: bool = False,
          progress: Progress | None = None, since: str | None = None,
          profile: str | None = None, cache: Cache | None = None,
          workers: int = 1) -> list[Artifact]:
    """Render the requested outputs of one book into `outdir`, each written atomically.
    `since` (a git revision) adds change bars to the proof; `profile` (pod, press, screen)
    overrides the book's print profile for the print PDF."""
    return build_all([job], outputs, outdir, strict, progress, since, profile, cache, workers)[0]


def build_all(jobs: list[BookJob], outputs: tuple[str, ...], outdir: Path, strict: bool = False,
              progress: Progress | None = None, since: str | None = None,
              profile: str | None = None, cache: Cache | None = None,
              workers: int = 1) -> list[list[Artifact]]:
    """Every output of every book: what the cache holds is copied out, the rest is rendered
    by up to `workers` processes at once. Returns each book's artifacts, in `outputs` order.
    No book is rendered when any of them fails its checks."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    notify = progress or (lambda message: None)
    release = [kind for kind in outputs if kind != "proof"]
    for job in jobs:
        if release and fails(job.diagnostics, strict):
            raise CheckFailed(f"{job.id}: the manuscripts have problems (see above); nothing was written")
    outdir.mkdir(parents=True, exist_ok=True)
    clean_stale(outdir)
    tasks = [task for job in jobs for task in _tasks(job, outputs, outdir, since, profile, cache)]
    done: dict[int, Artifact] = {}
    for index, task in enumerate(tasks):
        reused = _reuse(task, cache)
        if reused:
            notify(f"{task.job.id}: {task.kind} (unchanged)")
            done[index] = reused
    todo = [index for index in range(len(tasks)) if index not in done]
    renders, waits = _render_plan([tasks[i] for i in todo], cache)
    rendered = run_tasks(renders, workers, notify, waits)
    for position, index in enumerate(todo):
        artifact = rendered[position]
        if artifact.kind == "proof":  # the plays whose parts were laid out anew
            artifact = dataclasses.replace(artifact, rebuilt_parts=tuple(
                renders[p].job.book.plays[renders[p].play].meta.source for p in waits.get(position, ())))
        done[index] = artifact
    per_job = len(outputs)
    return [[done[j * per_job + k] for k in range(per_job)] for j in range(len(jobs))]


def _render_plan(tasks: list["RenderTask"], cache: Cache | None) -> tuple[list["RenderTask"], dict[int, list[int]]]:
    """The tasks to render, and which waits for which ({position: [positions]}): `tasks`
    first, in order, then the proof parts they need that the cache does not hold.

    - A proof is laid out in parts (render/proof.py): each play's, kept in the cache on its
      own, then the front with the summary, which gives each part's pages, and the merge.
    - An EPUB takes its page-list from the print PDF's layout, rendered in this build, unless
      the cache holds that layout's page map. Waiting costs little (the EPUB is the quickest
      output) and saves laying the print edition out a second time."""
    renders = list(tasks)
    waits: dict[int, list[int]] = {}
    for position, task in enumerate(tasks):
        if task.kind == "proof":
            parts = [task.part_task(index) for index in range(len(task.job.book.plays))]
            reused = [_reuse_part(part, cache) for part in parts]
            missing = [part for part, found in zip(parts, reused) if found is None]
            renders[position] = dataclasses.replace(task, parts=tuple(reused))
            if missing:
                waits[position] = list(range(len(renders), len(renders) + len(missing)))
                renders.extend(missing)
        elif task.kind == "epub":
            if cache and task.layout_key and cache.has("pagemap", task.layout_key):
                continue
            pdfs = [p for p, other in enumerate(tasks) if other.kind == "pdf" and other.job is task.job]
            if pdfs:
                waits[position] = pdfs[:1]
    return renders, waits


@dataclass(frozen=True)
class RenderTask:
    """One output of one book, with everything a render process needs (it is pickled)."""

    job: BookJob
    kind: str
    target: Path
    settings: PrintConfig
    stamp: Stamp
    modified: dt.datetime
    since: str | None
    key: str  # the output's cache key
    cache_folder: Path | None
    layout_key: str = ""  # the print layout's key, under which the EPUB keeps its page map
    page_map: object = None  # for the EPUB: the print PDF's page map, when rendered before it
    text_size: int = 0  # the text laid out, in model nodes: what its layout costs
    play: int = -1  # a proof part: the index of its play
    # The proof: each play's laid-out part (ProofPart), None for those still to lay out.
    parts: tuple = ()
    since_commit: str = ""  # the commit `since` names

    def given(self, prerequisites: list[Artifact]) -> "RenderTask":
        """This task, with what the tasks it waited for made: the print PDF's page map (an
        EPUB), the parts still missing, in play order (a proof)."""
        if self.kind == "proof":
            laid_out = iter(artifact.part for artifact in prerequisites)
            return dataclasses.replace(self, parts=tuple(part if part is not None else next(laid_out)
                                                          for part in self.parts))
        return dataclasses.replace(self, page_map=prerequisites[0].page_map)

    def part_task(self, index: int) -> "RenderTask":
        """The task laying out the proof of play `index` of this (proof) task's book."""
        play = self.job.book.plays[index]
        key = part_key(self, index) if self.cache_folder else ""
        return dataclasses.replace(self, kind="proof-part", play=index, key=key,
                                   text_size=len(play.meta.title) + _text_size(play))

    def label(self) -> str:
        """What the progress display calls it: `drafts: proof` or `drafts: proof, play 2`."""
        if self.kind == "proof-part":
            return f"{self.job.id}: proof, play {self.play + 1}"
        return f"{self.job.id}: {self.kind}"

    def lays_out(self) -> bool:
        """Whether this render lays a document out with WeasyPrint: the PDFs and the proof's
        parts and front do, and the EPUB when it has no page map from the print PDF."""
        return self.kind != "epub" or self.page_map is None

    def weight(self) -> int:
        """Rough cost, to start the longest renders first: the text laid out (an EPUB and a
        proof's front lay out much less than their book's text)."""
        return self.text_size // 10 if self.kind in ("epub", "proof") else self.text_size


def _text_size(play: m.Play) -> int:
    return sum(1 for _ in m.walk(play))


def _tasks(job: BookJob, outputs: tuple[str, ...], outdir: Path, since: str | None,
           profile: str | None, cache: Cache | None) -> list[RenderTask]:
    stamp, modified = build_stamp(job.root, list(job.manuscripts.values()))
    settings = job.settings.with_profile(profile)
    since_commit = _since_commit(job.root, since) if since else ""
    folder = cache.folder if cache else None
    # Walks of the whole model, once per book rather than once per output: a long book's
    # model takes a while to walk.
    images = image_identities(job) if folder else []
    layout = layout_key(job, stamp, modified, settings, images) if folder else ""
    size = sum(len(p.meta.title) + _text_size(p) for p in job.book.plays)
    tasks = []
    for kind in outputs:
        if kind not in OUTPUTS:
            raise ValueError(f"unknown output {kind!r}; expected one of {OUTPUTS}")
        target = outdir / (f"{job.id}-proof.pdf" if kind == "proof" else f"{job.id}.{kind}")
        key = output_key(job, kind, stamp, modified, settings, since_commit, images) if folder else ""
        tasks.append(RenderTask(job, kind, target, settings, stamp, modified, since, key, folder,
                                layout, text_size=size, since_commit=since_commit))
    return tasks


def _since_commit(root: Path, since: str) -> str:
    from publish.revision import check_revision
    return check_revision(root, since)


def output_key(job: BookJob, kind: str, stamp: Stamp, modified: dt.datetime,
               settings: PrintConfig, since_commit: str, images: list[str] | None = None) -> str:
    """Everything an output depends on: code, libraries, styles and fonts; the book's
    config and metadata; each play (by its manuscript's key); its images' bytes; the build
    stamp; and per kind, the print settings or the proof's diagnostics and --since commit.
    `images`: `image_identities(job)`, when the caller has it already."""
    parts = [render_identity(STYLES_DIR, kind), kind, job.id, repr(_config_for_key(job.config)),
             repr(job.book.meta), stamp.text(), modified.isoformat()]
    if kind == "pdf":
        parts.append(repr(settings))
    if kind == "proof":
        parts += [since_commit, repr(job.diagnostics)]
    parts += [job.keys.get(play.meta.source, "") for play in job.book.plays]
    parts += image_identities(job) if images is None else images
    return digest(*parts)


def part_key(task: "RenderTask", index: int) -> str:
    """Everything the proof of play `index` depends on: the proof's inputs, less the other
    plays (and their images and diagnostics), plus the play's place in the book (its
    folios are numbered by it)."""
    job, play = task.job, task.job.book.plays[index]
    mine = [d for d in job.diagnostics if d.location.path == play.meta.source]
    return digest(render_identity(STYLES_DIR, "proof"), "proof-part", str(index), job.id,
                  repr(_config_for_key(job.config)), repr(job.book.meta), task.stamp.text(),
                  task.modified.isoformat(), task.since_commit, repr(mine),
                  job.keys.get(play.meta.source, ""), *image_identities(job, (play,)))


def layout_key(job: BookJob, stamp: Stamp, modified: dt.datetime, settings: PrintConfig,
               images: list[str] | None = None) -> str:
    """The print layout's identity, the same for the PDF and the EPUB task of a book: the
    PDF's inputs less the profile (bleed and marks sit outside the trim, so no page break
    moves with them)."""
    return digest("layout", output_key(job, "pdf", stamp, modified,
                                       dataclasses.replace(settings, profile="screen"), "", images))


def _config_for_key(config: BookConfig | None) -> BookConfig | None:
    """The book's config without its place in book.yaml: moving a book in the file, or
    adding a comment above it, changes no output."""
    return dataclasses.replace(config, location=None) if config else None


def image_identities(job: BookJob, plays: tuple[m.Play, ...] | None = None) -> list[str]:
    """Each image the plays show, with the digest of the file it resolves to (or 'none')."""
    files = ProjectFiles(job.root)
    found = []
    for play in job.book.plays if plays is None else plays:
        manuscript = job.manuscripts.get(play.meta.source, job.root)
        for node in m.walk(play):
            if isinstance(node, m.Image):
                local = files.image(node.url, manuscript)
                found.append(f"{node.url}={file_digest(local) if local else 'none'}")
    return found


def _reuse(task: RenderTask, cache: Cache | None) -> Artifact | None:
    """The cached output copied to its target, when the cache holds it."""
    entry = cache.file(task.kind, task.key) if cache and task.key else None
    if cache:
        cache.note(task.kind, task.job.id, entry is not None)
    if entry is None:
        return None
    stored, info = entry
    copy_out(stored, task.target)
    return Artifact(task.kind, task.target, info.get("pages"), task.target.stat().st_size,
                    reused=True)


def _reuse_part(task: RenderTask, cache: Cache | None) -> ProofPart | None:
    """A play's proof part from the cache, when it holds it."""
    entry = cache.file(task.kind, task.key) if cache and task.key else None
    if cache:
        cache.note(task.kind, task.label(), entry is not None)
    if entry is None:
        return None
    from publish.render.proof_parts import ProofPart
    stored, info = entry
    anchors = {name: tuple(place) for name, place in info["anchors"].items()}
    return ProofPart(task.play, stored.read_bytes(), info["pages"], anchors, info["bookmarks"],
                     tuple(info["changes"]))


def run_task(task: RenderTask) -> Artifact:
    """Render one output, or one part of one (in this process or a render process), and
    keep it in the cache."""
    cache = Cache(task.cache_folder)
    files = ProjectFiles(task.job.root)
    if task.kind == "proof-part":
        from publish.outputs import render_proof_part
        part = render_proof_part(task.job, files, task.stamp, task.modified, task.play,
                                 task.since_commit)
        if task.key:
            cache.keep_bytes(task.kind, task.key, part.pdf, {"pages": part.pages, "anchors": part.anchors,
                                                             "bookmarks": part.bookmarks,
                                                             "changes": part.changes})
        return Artifact(task.kind, task.target, part.pages, len(part.pdf), part=part)
    from publish.outputs import render
    artifact = render(task.kind, task.job, files, task.stamp, task.modified, task.target,
                      task.settings, task.since, cache, task.layout_key, task.page_map, task.parts)
    if task.key:
        cache.keep_file(task.kind, task.key, task.target, {"pages": artifact.pages})
    return artifact


