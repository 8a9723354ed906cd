"""The command line: argument parsing, exit statuses, progress display. The only module that
prints.

Exit statuses: 0 success; 1 manuscripts have errors (or warnings with --strict); 2 usage
error; 3 configuration error; 4 input error; 5 tool error; 130 interrupted.

Each command imports the stages it uses inside its body: a command loads only what it runs
(`publish check` never loads the renderers, `publish all -q` never loads rich), since every
build waits for this process's start-up.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import click

from publish import __version__, model as m
from publish.model.diagnostics import Diagnostic, Severity, fails
from publish.model.errors import ConfigError, InputError, PublishError

if TYPE_CHECKING:  # imported where used: each command loads only what it needs
    from rich.console import Console

    from publish.build.cache import Cache
    from publish.build.jobs import BookJob
    from publish.commands.watch import Failed, Rebuilt
    from publish.config import Config

# A click command's function, as its option decorators take and give it back.
Command = TypeVar("Command", bound=Callable[..., Any])

# Colours and styles only on a terminal (rich's detection), and never with NO_COLOR set: rich
# alone would drop the colours but keep bold and italic, which NO_COLOR users do not want
# either, so the colour system is switched off altogether.
_COLOURS = None if os.environ.get("NO_COLOR") else "auto"


class _Console:
    """A rich Console, made when first used: `publish all -q` prints nothing, and importing
    rich would only delay the build, whose first steps all wait for this process."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console
            self._console = Console(**self._options)
        return getattr(self._console, name)


stdout = _Console(highlight=False, soft_wrap=True, color_system=_COLOURS)
stderr = _Console(stderr=True, highlight=False, soft_wrap=True, color_system=_COLOURS)


@overload
def _project(required: Literal[True]) -> Config: ...
@overload
def _project(required: bool) -> Config | None: ...
def _project(required: bool) -> Config | None:
    from publish.config import find_root, load
    root = find_root(Path.cwd())
    if root is None:
        if required:
            raise ConfigError("no book.yaml here or in any parent folder; run publish from a project")
        return None
    return load(root)


def _books(files: tuple[str, ...], book: str | None) -> list[BookJob]:
    """The books to build: from FILES (one-play books) or from book.yaml."""
    return _jobs_and_cache(files, book, use_cache=False)[0]


def _jobs_and_cache(files: tuple[str, ...], book: str | None, use_cache: bool, workers: int = 1,
                    meanwhile: Callable[[], None] | None = None) -> tuple[list[BookJob], Cache | None]:
    """The books to build and the project's build cache (disabled without `use_cache`;
    None outside a project); manuscripts are parsed by `workers` processes, while this one
    runs `meanwhile`."""
    from publish.build.assemble import assemble_books, assemble_file, assemble_part
    from publish.build.cache import Cache
    config = _project(required=not files or bool(book))
    cache = Cache.for_project(config.root, use_cache) if config else None
    if files and book:
        assert config is not None  # required with --book
        jobs = [assemble_part(config, config.book(book), files, cache)]
    elif files:
        jobs = [assemble_file(Path(f), config, cache) for f in files]
    else:
        assert config is not None  # required without FILES
        books = [config.book(book)] if book else list(config.books)
        jobs = assemble_books(config, books, cache, workers, meanwhile)
    return jobs, cache


def _load_pdf_renderer() -> None:
    from publish.render.weasy import load_weasyprint
    load_weasyprint()  # for its side effect: loaded once here, then forked


def _report(diagnostics: list[Diagnostic], verbose: bool, console: _Console = stderr,
            quiet: bool = False, strict: bool = False) -> None:
    """Print diagnostics; info ones only with --verbose, and with --quiet only those that
    fail the build (errors, and warnings under --strict)."""
    for diagnostic in diagnostics:
        if diagnostic.severity is Severity.INFO and not verbose:
            continue
        if quiet and not fails([diagnostic], strict):
            continue
        style = {"error": "bold red", "warning": "yellow", "info": "dim"}[diagnostic.severity.value]
        console.print(diagnostic.format(), style=style, markup=False)


def _run(action: Callable[[], None], verbose: bool = False) -> None:
    """Run a command body; turn project errors into one line and an exit status. A tool's
    own error output (pandoc's, WeasyPrint's) is shown with --verbose or PUBLISH_VERBOSE=1."""
    try:
        action()
    except PublishError as error:
        stderr.print(str(error), style="bold red", markup=False)
        details = getattr(error, "details", "")
        if details and (verbose or os.environ.get("PUBLISH_VERBOSE")):
            stderr.print(details, markup=False)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        stderr.print("interrupted")
        sys.exit(130)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="publish")
def main() -> None:
    """Turn plays written in Markdown into a print PDF, an EPUB 3 and a proof PDF.

    \b
    Examples:
      publish all                        build every book of book.yaml into dist/
      publish new "A Play" -c Ann -c Bo  start a play and its cast
      publish watch manuscript/x.md      rebuild its proof on every save
      publish stats collected            who speaks how much, and where
      publish COMMAND --help             each command's options, with an example

    \b
    Exit statuses: 0 success; 1 the manuscripts fail the build; 2 usage error
    (publish check: errors found); 3 book.yaml error; 4 input error; 5 tool error;
    130 interrupted. Colours only on a terminal, never with NO_COLOR set.
    """


def _since_option(proof: bool) -> Callable[[Command], Command]:
    """`--since REF` for the commands that build a proof; the others do not take it."""
    if proof:
        return click.option("--since", "since", metavar="REF", default=None,
                            help="Mark in the proof what changed since this git revision.")
    return lambda command: command


def _jobs_option(command: Command) -> Command:
    return click.option(
        "-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
        help="At most N processes at once for parsing and rendering (default: one per CPU)."
    )(command)


def _build_command(name: str, outputs: tuple[str, ...], summary: str) -> click.Command:
    @click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
    @_since_option("proof" in outputs)
    @click.option("--book", "book", metavar="NAME", help="Build only this book of book.yaml.")
    @click.option("-o", "--output", "outdir", type=click.Path(file_okay=False), default=None,
                  help="Folder for the outputs (default: dist/ of the project).")
    @click.option("--strict", is_flag=True,
                  help="Warnings (TODOs, unknown speakers, empty speeches...) fail the print PDF "
                       "and EPUB too; a proof always builds, showing them.")
    @click.option("-q", "--quiet", is_flag=True,
                  help="Print only what fails the build; no summary.")
    @click.option("-v", "--verbose", is_flag=True,
                  help="Also print info diagnostics (M103, M104) and tools' error output.")
    @_jobs_option
    @_profile_option(outputs)
    @click.option("--no-cache", is_flag=True, help="Render everything; neither read nor fill .cache/.")
    def command(files: tuple[str, ...], book: str | None, outdir: str | None, strict: bool,
                quiet: bool, verbose: bool, jobs: int | None, no_cache: bool,
                since: str | None = None, profile: str | None = None) -> None:
        def action() -> None:
            from publish.build.plan import build_all
            from publish.build.workers import default_workers
            processes = jobs or default_workers()
            # Loading WeasyPrint is slow: done while other processes parse, it is loaded
            # once, before the render processes are forked, instead of once in each of them.
            # Every output needs it when something was parsed (the EPUB's page-list comes
            # from the print layout, which an edited manuscript changes).
            books, cache = _jobs_and_cache(files, book, not no_cache, processes, _load_pdf_renderer)
            target = Path(outdir) if outdir else books[0].root / "dist"
            release = any(kind != "proof" for kind in outputs)
            failing = release and any(fails(job.diagnostics, strict) for job in books)
            # When the build will be refused, --quiet still shows what fails it.
            _report(_unique(books), verbose, quiet=quiet, strict=strict if failing else False)
            with (stderr.status("building", spinner="dots") if not quiet
                  else contextlib.nullcontext()) as status:
                results = build_all(books, outputs, target, strict, since=since, profile=profile,
                                    cache=cache, workers=processes,
                                    progress=status.update if status is not None else None)
                if name == "all":  # the print cover of each book that declares a printer
                    from publish.build.covers import build_covers
                    results = build_covers(books, results, target, profile, cache)
            if verbose and cache is not None:
                _report_cache(cache)
            rows = [(a.path, a.pages, a.size, _warnings(job.diagnostics))
                    for job, artifacts in zip(books, results, strict=True) for a in artifacts]
            if not quiet:
                from publish.commands.tables import build_summary
                # --verbose: how loose each print PDF's loosest justified line is.
                loosest = [a.loosest_space for artifacts in results for a in artifacts] \
                    if verbose else None
                stdout.print(build_summary(rows, loosest))
        _run(action, verbose)

    example = "" if name == "all" else " manuscript/shoggoths.md -o out/"
    second = ("--book drafts --since HEAD~3" if name == "proof"
              else "--strict --book collected")
    command.__doc__ = f"""{summary}

    \b
    FILES: manuscripts to build as one-play books (default: the books of book.yaml);
    with --book, only those plays of that book.
    Every book is checked before anything is written: if one fails, no file is written.
    A table of what was written (file, pages, size, warnings) closes the run.

    \b
    Examples:
      publish {name}{example}
      publish {name} {second}
    """
    return main.command(name)(command)


def _report_cache(cache: Cache) -> None:
    """--verbose: the cache entries found damaged (discarded and made again) and those the
    disk would not keep."""
    for kind, name, why in cache.discarded:
        stderr.print(f"cache: discarded a damaged {kind} entry ({name}): {why}; made again",
                     style="yellow", markup=False)
    for kind, why in cache.not_kept:
        stderr.print(f"cache: a {kind} entry was not kept: {why}", style="dim", markup=False)


def _unique(books: list[BookJob]) -> list[Diagnostic]:
    """The diagnostics of all books, a manuscript in two books reported once."""
    return list(dict.fromkeys(d for job in books for d in job.diagnostics))


def _warnings(diagnostics: list[Diagnostic]) -> int:
    return sum(d.severity is Severity.WARNING for d in diagnostics)


def _profile_option(outputs: tuple[str, ...]) -> Callable[[Command], Command]:
    """--profile only where a print PDF is built (pdf, all)."""
    if "pdf" not in outputs:
        return lambda command: command
    from publish.config import PROFILES
    return click.option("--profile", type=click.Choice(PROFILES),
                        help="Print profile of the PDF (default: book.yaml's print.profile, else pod).")


_build_command("all", ("pdf", "epub", "proof"), "Build the print PDF, the EPUB and the proof PDF.")
_build_command("pdf", ("pdf",), "Build the print-ready PDF.")
_build_command("epub", ("epub",), "Build the EPUB 3.")
_build_command("proof", ("proof",), "Build the proofreading PDF (notes shown, pages stamped).")


@main.command("cover")
@click.option("--book", "book", metavar="NAME", help="Only this book of book.yaml.")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False), default=None,
              help="Folder for the outputs (default: dist/ of the project).")
@click.option("--profile", type=click.Choice(("pod", "press", "screen")),
              help="Print profile of the interior whose pages the cover wraps.")
@click.option("-q", "--quiet", is_flag=True, help="Print only what fails; no summary.")
def cover_command(book: str | None, outdir: str | None, profile: str | None, quiet: bool) -> None:
    """Build the print cover: back, spine and front as one sheet, dist/<book>-cover.pdf.

    Sized for the interior's page count and the printer's paper (`printer:` in book.yaml),
    so the print PDF is built first (from the cache when nothing changed). Without --book,
    every book that names a printer.

    \b
    Examples:
      publish cover
      publish cover --book collected
    """
    def action() -> None:
        from publish.build.covers import build_cover, require_printer
        from publish.build.outputs import job_printer
        from publish.build.plan import build_all
        books, cache = _jobs_and_cache((), book, True)
        if book:
            require_printer(books[0])
        books = [job for job in books if job_printer(job) is not None]
        if not books:
            raise ConfigError("no book in book.yaml names a printer: add `printer: kdp` (or "
                              "ingramspark, lulu, custom) to a book to make its cover")
        _report(_unique(books), verbose=False, quiet=True)
        target = Path(outdir) if outdir else books[0].root / "dist"
        interiors = build_all(books, ("pdf",), target, profile=profile, cache=cache)
        rows = []
        for job, (interior,) in zip(books, interiors, strict=True):
            assert interior.pages is not None
            settings = job.settings.with_profile(profile)
            made = build_cover(job, settings, interior.pages, target, cache)
            rows += [(interior.path, interior.pages, interior.size, _warnings(job.diagnostics)),
                     (made.path, made.pages, made.size, 0)]
        if not quiet:
            from publish.commands.tables import build_summary
            stdout.print(build_summary(rows))
    _run(action)


@main.command("preflight")
@click.option("--book", "book", metavar="NAME", help="Only this book of book.yaml.")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False), default=None,
              help="Where the built files are (default: dist/ of the project).")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
def preflight_command(book: str | None, outdir: str | None, strict: bool) -> None:
    """Check the built interior and cover against the printer's rules.

    Each finding names the file, the page and what to change, with a code (P101...: the
    README lists them). Books that name no printer are checked against the generic rules
    (their interior only). Build first: `publish all` (or `publish cover`).

    \b
    Exit status: 0 clean, 1 warnings under --strict, 2 errors.

    \b
    Examples:
      publish preflight --book collected
      publish all && publish preflight
    """
    def action() -> None:
        from publish.commands.preflight import preflight
        books, _ = _jobs_and_cache((), book, False)
        target = Path(outdir) if outdir else books[0].root / "dist"
        findings: list[Diagnostic] = []
        for job in books:
            findings += preflight(job, target)
        _report(findings, verbose=True, console=stdout)
        if any(d.severity is Severity.ERROR for d in findings):
            sys.exit(2)
        if fails(findings, strict):
            sys.exit(1)
        if not findings:
            stdout.print(f"preflight: {len(books)} book{'s' if len(books) > 1 else ''}, "
                         "no findings", markup=False)
    _run(action)


@main.command("ast")
@click.argument("file", type=click.Path(dir_okay=False))
def ast_command(file: str) -> None:
    """Print the drama model of a manuscript as JSON.

    \b
    Example:
      publish ast manuscript/shoggoths.md > shoggoths.json
    """
    def action() -> None:
        from publish.build.assemble import assemble_file
        job = assemble_file(Path(file), _project(required=False))
        click.echo(json.dumps(m.to_json(job.book.plays[0]), ensure_ascii=False, indent=1))
    _run(action)


@main.command("schema")
@click.argument("what", type=click.Choice(["book", "model"]))
@click.option("--doc", is_flag=True,
              help="The reference page in Markdown rather than the JSON Schema (book only).")
def schema_command(what: str, doc: bool) -> None:
    """Print the JSON Schema of book.yaml (`book`) or of `publish ast`'s model (`model`).

    \b
    Examples:
      publish schema book > schema/book.schema.json
      publish schema book --doc > docs/book-yaml.md
    """
    def action() -> None:
        if what == "model":
            from publish.model.schema import model_schema
            click.echo(json.dumps(model_schema(), indent=2))
            return
        from publish.config.schema import book_yaml_reference, book_yaml_schema
        click.echo(book_yaml_reference() if doc else json.dumps(book_yaml_schema(), indent=2))
    _run(action)


@main.command("export")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--to", "to", type=click.Choice(["fountain"]), required=True,
              help="The format to write (Fountain, the screenwriting tools' plain text).")
@click.option("--book", "book", metavar="NAME", help="Export the plays of this book of book.yaml.")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False), default=None,
              help="Folder for the files (default: dist/ of the project).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def export_command(files: tuple[str, ...], to: str, book: str | None, outdir: str | None,
                   quiet: bool) -> None:
    """Write plays as Fountain files, one <manuscript>.fountain per play.

    Every speech, direction, note and scene is written, with the cast's display names
    (book.yaml's name) as cues, or the labels where the cast is not declared. What Fountain
    cannot say (links, images, lists, prose outside speeches, labels that became display
    names...) is listed as path:line:col: messages; the files are written all the same.

    \b
    Examples:
      publish export --to fountain manuscript/shoggoths.md -o out/
      publish export --to fountain --book collected
    """
    def action() -> None:
        from publish.commands.export import export_fountain
        jobs = _books(files, book)
        plays = list({play.meta.source: play for job in jobs for play in job.book.plays}.values())
        target = Path(outdir) if outdir else jobs[0].root / "dist"
        for item in export_fountain(plays, target, _declared_casts(plays)):
            if not quiet:
                for loss in item.losses:
                    stderr.print(f"{loss.location}: cannot say in Fountain: {loss.message}", markup=False)
                count = len(item.losses)
                said = f", {count} message{'' if count == 1 else 's'}" if count else ""
                stdout.print(f"wrote {item.path} (from {item.source}{said})", markup=False)
    _run(action)


def _declared_casts(plays: list[m.Play]) -> frozenset[str]:
    """The sources of the plays whose cast book.yaml declares (the others were inferred
    from their labels): the book.yaml entry each was read with."""
    config = _project(required=False)
    if config is None:
        return frozenset()
    return frozenset(play.meta.source for play in plays if config.play(play.meta.source).cast)


@main.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--book", "book", metavar="NAME", help="Check only this book of book.yaml.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("-v", "--verbose", is_flag=True, help="Also list info diagnostics (M103, M104).")
def check_command(files: tuple[str, ...], book: str | None, strict: bool, verbose: bool) -> None:
    """Print diagnostics as path:line:col: severity[CODE]: message.

    \b
    Exit status: 0 clean (notes and warnings allowed), 1 warnings under --strict, 2 errors.

    \b
    Examples:
      publish check manuscript/drafts/*.md
      publish check --strict --book collected
    """
    def action() -> None:
        diagnostics: list[Diagnostic] = []
        for job in _books(files, book):
            diagnostics += job.diagnostics
        # A manuscript in two books is reported once.
        diagnostics = list(dict.fromkeys(diagnostics))
        _report(diagnostics, verbose=verbose, console=stdout)
        # check's own statuses (issue 3): 2 when there are errors, 1 for warnings under --strict.
        if any(d.severity is Severity.ERROR for d in diagnostics):
            sys.exit(2)
        if fails(diagnostics, strict):
            sys.exit(1)
    _run(action)


@main.command("fmt")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--check", "check_only", is_flag=True,
              help="Change nothing; exit 1 listing the files that would change.")
def fmt_command(files: tuple[str, ...], check_only: bool) -> None:
    """Rewrite manuscripts in the canonical Markdown form.

    Idempotent and lossless: the model of the file does not change.

    \b
    FILES: manuscripts to format (default: every manuscript of book.yaml).
    Example:
      publish fmt --check
      publish fmt manuscript/drafts/llm-successes.md
    """
    def action() -> None:
        from publish.commands.format_files import format_files
        config = _project(required=not files)
        paths = [Path(f) for f in files]
        if not files:
            assert config is not None  # required without FILES
            paths = [config.root / rel for book in config.books for rel in book.manuscripts]
        results = format_files(list(dict.fromkeys(paths)), config, write=not check_only)
        changed = [result for result in results if result.changed]
        for result in changed:
            verb = "would reformat" if check_only else "reformatted"
            stdout.print(f"{verb} {result.shown}", markup=False)
        if check_only and changed:
            sys.exit(1)
    _run(action)


@main.command("stats")
@click.argument("targets", nargs=-1, metavar="[BOOK | FILES...]")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def stats_command(targets: tuple[str, ...], as_json: bool) -> None:
    """Who speaks how much, and in which scenes.

    Speeches and words per character with their share, and a scene-by-character table.

    \b
    BOOK: a book of book.yaml; FILES: manuscripts (default: every play of book.yaml).
    Words are spoken words: stage directions and notes are not counted; a speech by
    two speakers counts for each. A dot marks a scene where a character speaks or a
    stage direction names them.

    \b
    Examples:
      publish stats collected
      publish stats manuscript/shoggoths.md --json
    """
    def action() -> None:
        from publish.model.stats import cast_stats, play_stats_json
        plays = _plays(targets)
        if as_json:
            click.echo(json.dumps({"plays": [play_stats_json(play) for play in plays]},
                                  ensure_ascii=False, indent=1))
            return
        from publish.commands.tables import play_stats
        for play in plays:
            stdout.print(play_stats(play.meta.title, play.meta.source, cast_stats(play)))
    _run(action)


def _plays(targets: tuple[str, ...]) -> list[m.Play]:
    """The plays `publish stats` counts: each target is a book of book.yaml or a manuscript;
    a play in two books is counted once."""
    from publish.build.assemble import assemble, assemble_file
    config = _project(required=not targets)
    declared = list(config.books) if config else []
    books = {book.id for book in declared}
    jobs = []
    for target in targets or tuple(sorted(books, key=[b.id for b in declared].index)):
        if config and target in books and not Path(target).is_file():
            jobs.append(assemble(config, config.book(target)))
        else:
            jobs.append(assemble_file(Path(target), config))
    plays = {play.meta.source: play for job in jobs for play in job.book.plays}
    return list(plays.values())


@main.command("watch")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, exists=True))
@click.option("--book", "book", metavar="NAME",
              help="Lay the plays out as part of this book (default: the first book listing each).")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False), default=None,
              help="Folder for the proofs (default: dist/ of the project).")
@click.option("-q", "--quiet", is_flag=True, help="Print only failures.")
@click.option("-v", "--verbose", is_flag=True, help="Also print info diagnostics.")
@_jobs_option
def watch_command(files: tuple[str, ...], book: str | None, outdir: str | None, quiet: bool,
                  verbose: bool, jobs: int | None) -> None:
    """Rebuild the proof of the play being edited on every save.

    The proof is rebuilt when the manuscript, book.yaml or a style changes.

    \b
    The play being edited is the manuscript saved last (or FILES, built once at the start).
    Only that play is read and laid out: dist/<book>-<play>-proof.pdf. Stop with Ctrl-C.

    \b
    Example:
      publish watch manuscript/shoggoths.md
    """
    def action() -> None:
        import logging

        from watchfiles import watch

        from publish.commands.watch import Session, rebuilds, watched_paths
        # watchfiles logs its own "stopping watch" on Ctrl-C; the CLI speaks for itself.
        logging.getLogger("watchfiles").setLevel(logging.ERROR)
        root = _project(required=True).root
        current = [_inside(root, Path(f)) for f in files]
        session = Session(root, Path(outdir) if outdir else root / "dist", book, current, jobs)
        if not quiet:
            stderr.print(f"watching {root} (Ctrl-C stops)", markup=False)
        changes = watch(*watched_paths(session), raise_interrupt=False)
        try:
            for event in rebuilds(session, changes):
                _print_rebuild(event, quiet, verbose)
        except KeyboardInterrupt:
            # Ctrl-C is how watching ends, even mid-rebuild (outputs are written atomically,
            # so the last good proof stays): a success, not an interruption.
            pass
    _run(action, verbose)


def _inside(root: Path, path: Path) -> str:
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise InputError(f"{path} is outside the project {root}; watch works inside a project")
    return resolved.relative_to(root.resolve()).as_posix()


def _print_rebuild(event: Rebuilt | Failed, quiet: bool, verbose: bool) -> None:
    from publish.commands.tables import shown_path
    from publish.commands.watch import Failed
    if isinstance(event, Failed):
        stderr.print(f"{event.manuscript}: {event.error}", style="bold red", markup=False)
        return
    _report(event.diagnostics, verbose, quiet=quiet)
    if quiet:
        return
    for artifact in event.artifacts:
        warnings = _warnings(event.diagnostics)
        stdout.print(f"rebuilt {shown_path(artifact.path)} ({artifact.pages} pages, "
                     f"{event.seconds:.1f} s, "
                     f"{warnings} warning{'' if warnings == 1 else 's'})", markup=False)


@main.command("new")
@click.argument("title")
@click.option("-c", "--cast", "cast", multiple=True, metavar="NAME",
              help="A character of the play (repeat for each); added to its cast in book.yaml.")
@click.option("--book", "book", metavar="NAME",
              help="Add the play to this book (default: the first draft book, else the first).")
def new_command(title: str, cast: tuple[str, ...], book: str | None) -> None:
    """Start a new play, with its cast in book.yaml.

    Writes manuscript/<title>.md with its title and a first scene, in the canonical
    form, and adds its cast to book.yaml.

    \b
    book.yaml is edited line by line (your comments stay): the play and its cast are
    added under plays:, the manuscript at the end of the book's manuscripts:.

    \b
    Example:
      publish new "The Alignment Tax" --cast Simplicia --cast Doomimir
    """
    def action() -> None:
        from publish.commands.project import new_play
        created = new_play(_project(required=True).root, title, list(cast), book)
        names = ", ".join(member.name for member in created.cast) or "none yet"
        stdout.print(f"created {created.shown} (book {created.book}; cast: {names})", markup=False)
        stdout.print(f"next: publish watch {created.shown}", markup=False, style="dim")
    _run(action)


@main.command("clean")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing.")
def clean_command(quiet: bool) -> None:
    """Remove what builds wrote.

    Removes the files in dist/ (not dist/.gitkeep) and the build cache .cache/.

    \b
    Example:
      publish clean
    """
    def action() -> None:
        from publish.commands.project import clean
        root = _project(required=True).root
        removed = clean(root)
        if quiet:
            return
        for path in removed:
            stdout.print(f"removed {os.path.relpath(path, root)}", markup=False)
        if not removed:
            stdout.print("nothing to remove", markup=False)
    _run(action)
