"""The only caller of pandoc: one process per manuscript, JSON AST, source positions added.

pypandoc (the `pypandoc-binary` wheel) supplies the pandoc binary; we run it directly with
`subprocess` because `pypandoc.convert_text` starts three pandoc processes per call (a version
and format check first), which costs about twice the parse itself.
"""

from __future__ import annotations

import json
import subprocess
from functools import lru_cache

from publish.errors import Location, ToolError
from publish.positions import locate

# CommonMark (pandoc's `commonmark` reader: about 6x faster than its `markdown` reader) with
# strikeout and lettered or roman list markers, and nothing that would rewrite the author's
# text: no smart quotes (`publish fmt` keeps straight quotes and `--` as written; renderers do
# the typography), no `$` math, no raw HTML (kept as literal text, never passed to an output).
# No `+sourcepos`: positions.py finds them in the text, in a fraction of the time (see there).
READER = "commonmark-raw_html+strikeout+fancy_lists"

MINIMUM_VERSION = (3, 0)


@lru_cache(maxsize=1)
def pandoc_path() -> str:
    try:
        import pypandoc
    except ImportError as exc:  # pragma: no cover - installation problem
        raise ToolError("pypandoc is not installed; run `make all`") from exc
    try:
        return pypandoc.get_pandoc_path()
    except OSError as exc:
        raise ToolError("pandoc not found; install the pypandoc-binary package") from exc


# A larger allocation area for pandoc's garbage collector, so that a manuscript is read with
# few or no collections: 50 ms instead of 75 ms (default) for the longest corpus play, the
# same output. Used when the binary accepts RTS options, as pypandoc-binary's does.
RTS_OPTIONS = ("+RTS", "-A32m", "-RTS")


@lru_cache(maxsize=1)
def _probe() -> tuple[tuple[int, ...], tuple[str, ...]]:
    """(pandoc's version, the RTS options it accepts): one `pandoc --version` per process."""
    for options in (RTS_OPTIONS, ()):
        result = subprocess.run([pandoc_path(), *options, "--version"], capture_output=True,
                                text=True, check=False)
        if result.returncode == 0:
            break
    first_line = result.stdout.splitlines()[0] if result.stdout else ""
    try:
        return tuple(int(part) for part in first_line.split()[1].split(".")), options
    except (IndexError, ValueError) as exc:
        raise ToolError(f"cannot read pandoc's version from {first_line!r}") from exc


def pandoc_version() -> tuple[int, ...]:
    return _probe()[0]


def parse_markdown(text: str, path: str) -> dict:
    """Parse one manuscript's text into pandoc's JSON AST (a dict), every block and inline
    with its position in `text` (positions.py)."""
    if pandoc_version() < MINIMUM_VERSION:
        raise ToolError(f"pandoc {'.'.join(map(str, pandoc_version()))} is too old; need 3.0+")
    try:
        result = subprocess.run(
            [pandoc_path(), *_probe()[1], "--from", READER, "--to", "json"],
            input=text.encode("utf-8"),
            capture_output=True,
            check=False,
            timeout=120,
        )
    except subprocess.TimeoutExpired as exc:
        raise ToolError("pandoc took longer than 120 s", Location(path)) from exc
    if result.returncode != 0:
        stderr = result.stderr.decode("utf-8", "replace").strip()
        raise ToolError(f"pandoc failed: {stderr.splitlines()[-1] if stderr else 'no message'}",
                        Location(path), details=stderr)
    ast = json.loads(result.stdout)
    locate(ast["blocks"], text, path)
    return ast
