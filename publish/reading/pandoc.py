"""The only caller of pandoc: one process per manuscript, JSON AST, source positions added.

pypandoc (the `pypandoc-binary` wheel) supplies the pandoc binary; we run it directly with
`subprocess` because `pypandoc.convert_text` starts three pandoc processes per call (a version
and format check first), which costs about twice the parse itself.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
from functools import lru_cache
from pathlib import Path

from publish.model.errors import Location, ToolError
from publish.reading.pandoc_ast import PandocAst
from publish.reading.positions import locate

# CommonMark (pandoc's `commonmark` reader, much faster than its `markdown` reader) with
# strikeout and lettered or roman list markers, and nothing that would rewrite the author's
# text: no smart quotes (`publish fmt` keeps straight quotes and `--` as written; renderers do
# the typography), no `$` math, no raw HTML (kept as literal text, never passed to an output).
# No `+sourcepos`: positions.py finds them in the text, in a fraction of the time (see there).
READER = "commonmark-raw_html+strikeout+fancy_lists"

# pandoc 3.0's AST (pandoc-types 1.23, with figures) and later: read from the JSON itself, so
# that no `pandoc --version` (slow: the binary is large) runs before the first parse.
MINIMUM_API = (1, 23)


@lru_cache(maxsize=1)
def pandoc_path() -> str:
    """The pandoc to run: `PYPANDOC_PANDOC` if set, else the binary the pypandoc-binary wheel
    ships, found where the wheel puts it, else whichever pandoc pypandoc finds. pypandoc is
    not asked first (it runs `pandoc --version` on every candidate to pick the newest), and
    a build always uses the pandoc it was installed with, whatever else is on PATH."""
    chosen = os.environ.get("PYPANDOC_PANDOC")
    if chosen:
        return chosen
    spec = importlib.util.find_spec("pypandoc")
    if spec is None:  # pragma: no cover - installation problem
        raise ToolError("pypandoc is not installed; run `make all`")
    for folder in spec.submodule_search_locations or ():
        bundled = Path(folder) / "files" / ("pandoc.exe" if os.name == "nt" else "pandoc")
        if bundled.is_file() and os.access(bundled, os.X_OK):
            return str(bundled)
    import pypandoc
    try:
        return str(pypandoc.get_pandoc_path())
    except OSError as exc:
        raise ToolError("pandoc not found; install the pypandoc-binary package") from exc


# Memory for pandoc's runtime (GHC's RTS options), sized to the manuscript. Half of pandoc's
# time went to the kernel mapping memory in: pypandoc-binary's pandoc is built to take a 64 MB
# heap up front (-with-rtsopts=-H64m), and a fixed 32 MB allocation area was too small for
# the longest plays (a collection) and far too large for short ones. An allocation area of
# 1.4 MB per kB of Markdown reads a manuscript with at most one collection; -H1m drops the
# 64 MB (BENCHMARKS.md has the measurements). The output is the same. A pandoc built without
# -rtsopts refuses RTS
# options, and is run without them for the rest of the process (_rts_accepted).
RTS_MB_PER_KB = 1.4
RTS_MIN_MB, RTS_MAX_MB = 8, 128
_rts_accepted = True


def rts_options(size: int) -> list[str]:
    """The RTS options for a manuscript of `size` characters."""
    if not _rts_accepted:
        return []
    megabytes = min(RTS_MAX_MB, max(RTS_MIN_MB, math.ceil(size / 1024 * RTS_MB_PER_KB)))
    return ["+RTS", f"-A{megabytes}m", "-H1m", "-RTS"]


def pandoc_command(size: int) -> list[str]:
    """pandoc, with the RTS options it accepts, for a manuscript of `size` characters."""
    return [pandoc_path(), *rts_options(size)]


def parse_markdown(text: str, path: str) -> PandocAst:
    """Parse one manuscript's text into pandoc's JSON AST (a dict), every block and inline
    with its position in `text` (positions.py)."""
    result = _run_reader(text, path)
    ast: PandocAst = json.loads(result.stdout)
    api = tuple(ast.get("pandoc-api-version", ()))[:2]
    if api < MINIMUM_API:
        raise ToolError(f"pandoc is too old (its AST is version {'.'.join(map(str, api))}); "
                        "need pandoc 3.0+")
    locate(ast["blocks"], text, path)
    return ast


def _run_reader(text: str, path: str) -> subprocess.CompletedProcess[bytes]:
    global _rts_accepted
    try:
        result = subprocess.run([*pandoc_command(len(text)), "--from", READER, "--to", "json"],
                                input=text.encode("utf-8"), capture_output=True, check=False,
                                timeout=120)
    except subprocess.TimeoutExpired as exc:
        raise ToolError("pandoc took longer than 120 s", Location(path)) from exc
    if result.returncode != 0 and _rts_accepted and b"RTS option" in result.stderr:
        _rts_accepted = False  # "Most RTS options are disabled. Link with -rtsopts ..."
        return _run_reader(text, path)
    if result.returncode != 0:
        stderr = result.stderr.decode("utf-8", "replace").strip()
        raise ToolError(f"pandoc failed: {stderr.splitlines()[-1] if stderr else 'no message'}",
                        Location(path), details=stderr)
    return result
