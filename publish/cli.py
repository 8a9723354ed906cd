"""The command line: argument parsing, exit statuses, progress display. The only module that
prints.

Exit statuses: 0 success; 1 manuscripts have errors (or warnings with --strict); 2 usage
error; 3 configuration error; 4 input error; 5 tool error; 130 interrupted.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.console import Console

from publish import __version__
from publish import model as m
from publish.diagnostics import Diagnostic, Severity, fails
from publish.errors import ConfigError, PublishError

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def _project(required: bool):
    from publish.config import find_root, load
    root = find_root(Path.cwd())
    if root is None:
        if required:
            raise ConfigError("no book.yaml here or in any parent folder; run publish from a project")
        return None
    return load(root)


def _jobs(files: tuple[str, ...], book: str | None):
    """The books to build: from FILES (one-play books) or from book.yaml."""
    return _jobs_and_cache(files, book, use_cache=False)[0]


def _jobs_and_cache(files: tuple[str, ...], book: str | None, use_cache: bool, workers: int = 1):
    """The books to build and the project's build cache (disabled without `use_cache`;
    None outside a project); manuscripts are parsed by `workers` processes."""
    from publish.build import assemble, assemble_file, assemble_part
    from publish.cache import Cache
    config = _project(required=not files or bool(book))
    cache = Cache.for_project(config.root, use_cache) if config else None
    if files and book:
        jobs = [assemble_part(config, config.book(book), files, cache)]
    elif files:
        jobs = [assemble_file(Path(f), config, cache) for f in files]
    else:
        books = [config.book(book)] if book else list(config.books)
        jobs = [assemble(config, b, cache, workers) for b in books]
    return jobs, cache


def _report(diagnostics: list[Diagnostic], verbose: bool, console: Console = stderr) -> None:
    for diagnostic in diagnostics:
        if diagnostic.severity is Severity.INFO and not verbose:
            continue
        style = {"error": "bold red", "warning": "yellow", "info": "dim"}[diagnostic.severity.value]
        console.print(diagnostic.format(), style=style, markup=False)


def _run(action) -> None:
    """Run a command body; turn project errors into one line and an exit status."""
    try:
        action()
    except PublishError as error:
        stderr.print(str(error), style="bold red", markup=False)
        details = getattr(error, "details", "")
        if details and os.environ.get("PUBLISH_VERBOSE"):
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
    Example:
      publish all            build every book of book.yaml into dist/
    """
    if os.environ.get("NO_COLOR"):
        stdout.no_color = stderr.no_color = True


def _since_option(proof: bool):
    """`--since REF` for the commands that build a proof; the others do not take it."""
    if proof:
        return click.option("--since", "since", metavar="REF", default=None,
                            help="Mark in the proof what changed since this git revision.")
    return lambda command: command


def _build_command(name: str, outputs: tuple[str, ...], summary: str):
    @click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
    @_since_option("proof" in outputs)
    @click.option("--book", "book", help="Build only this book of book.yaml.")
    @click.option("-o", "--output", "outdir", type=click.Path(file_okay=False), default=None,
                  help="Folder for the outputs (default: dist/ of the project).")
    @click.option("--strict", is_flag=True, help="Warnings fail the build too.")
    @click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
    @click.option("-v", "--verbose", is_flag=True, help="Also print notes (M201) and details.")
    @_profile_option(outputs)
    @click.option("-j", "--jobs", "workers", type=click.IntRange(min=1), default=None,
                  help="Render processes (default: one per CPU).")
    @click.option("--no-cache", is_flag=True, help="Render everything; neither read nor fill .cache/.")
    def command(files, book, outdir, strict, quiet, verbose, workers, no_cache, since=None,
                profile=None):
        def action():
            from publish.build import build_all
            from publish.workers import default_workers
            processes = workers or default_workers()
            jobs, cache = _jobs_and_cache(files, book, not no_cache, processes)
            target = Path(outdir) if outdir else jobs[0].root / "dist"
            if not quiet:
                for job in jobs:
                    _report(job.diagnostics, verbose)
            with stderr.status("building", spinner="dots") if not quiet else _null() as status:
                results = build_all(jobs, outputs, target, strict, since=since, profile=profile,
                                    cache=cache, workers=processes,
                                    progress=status.update if not quiet else None)
            for artifacts in results:
                for artifact in artifacts:
                    if not quiet:
                        pages = f"{artifact.pages} pages, " if artifact.pages else ""
                        stdout.print(f"wrote {artifact.path} ({pages}{artifact.size // 1024} kB)",
                                     markup=False)
        _run(action)

    command.__doc__ = f"""{summary}

    \b
    FILES: manuscripts to build as one-play books (default: the books of book.yaml);
    with --book, only those plays of that book.
    Example:
      publish {name} {'manuscript/shoggoths.md -o out/' if name != 'all' else ''}
    """
    return main.command(name)(command)


def _profile_option(outputs: tuple[str, ...]):
    """--profile only where a print PDF is built (pdf, all)."""
    if "pdf" not in outputs:
        return lambda command: command
    from publish.config import PROFILES
    return click.option("--profile", type=click.Choice(PROFILES),
                        help="Print profile of the PDF (default: book.yaml's print.profile, else pod).")


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_build_command("all", ("pdf", "epub", "proof"), "Build the print PDF, the EPUB and the proof PDF.")
_build_command("pdf", ("pdf",), "Build the print-ready PDF.")
_build_command("epub", ("epub",), "Build the EPUB 3.")
_build_command("proof", ("proof",), "Build the proofreading PDF (notes shown, pages stamped).")


@main.command("ast")
@click.argument("file", type=click.Path(dir_okay=False))
def ast_command(file: str) -> None:
    """Print the drama model of a manuscript as JSON.

    \b
    Example:
      publish ast manuscript/shoggoths.md > shoggoths.json
    """
    def action():
        from publish.build import assemble_file
        job = assemble_file(Path(file), _project(required=False))
        click.echo(json.dumps(m.to_json(job.book.plays[0]), ensure_ascii=False, indent=1))
    _run(action)


@main.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("-v", "--verbose", is_flag=True, help="Also list editorial notes (M201).")
def check_command(files: tuple[str, ...], strict: bool, verbose: bool) -> None:
    """Print diagnostics as path:line:col: severity[CODE]: message.

    \b
    Exit status: 0 clean (notes and warnings allowed), 1 warnings under --strict, 2 errors.

    \b
    Example:
      publish check manuscript/drafts/*.md
    """
    def action():
        diagnostics: list[Diagnostic] = []
        for job in _jobs(files, None):
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
    """Rewrite manuscripts in the canonical Markdown dialect (idempotent, lossless).

    \b
    FILES: manuscripts to format (default: every manuscript of book.yaml).
    Example:
      publish fmt --check
      publish fmt manuscript/drafts/llm-successes.md
    """
    def action():
        from publish.format_files import format_files
        config = _project(required=not files)
        paths = [Path(f) for f in files] if files else [
            config.root / rel for book in config.books for rel in book.manuscripts]
        results = format_files(list(dict.fromkeys(paths)), config, write=not check_only)
        changed = [result for result in results if result.changed]
        for result in changed:
            verb = "would reformat" if check_only else "reformatted"
            stdout.print(f"{verb} {result.shown}", markup=False)
        if check_only and changed:
            sys.exit(1)
    _run(action)
