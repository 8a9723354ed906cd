"""In-process probes for the benchmark (run with the project's interpreter, in a project):
  phases.py parse            seconds to parse + normalize every book (no cache), as JSON
  phases.py html BOOK DIR    write BOOK's print and proof HTML to DIR (for WeasyPrint alone)
"""

import json
import sys
import time
from pathlib import Path

from publish import model as m
from publish.build import outputs
from publish.build.assemble import assemble, assemble_books
from publish.build.stamp import build_stamp
from publish.build.workers import default_workers
from publish.config import load
from publish.reading.files import ProjectFiles
from publish.render import page


def parse_seconds(root: Path) -> float:
    config = load(root)
    start = time.perf_counter()
    # No cache: every manuscript of every book through pandoc and normalize, in parallel
    # processes, as `publish all` does cold (without the renderer it loads meanwhile).
    assemble_books(config, list(config.books), workers=default_workers())
    return time.perf_counter() - start


def write_html(root: Path, book_id: str, folder: Path, pages: int) -> None:
    """The HTML our workers lay out: print (with the gutter its page count calls for) and
    the proof of its longest play (the proof is laid out play by play)."""
    config = load(root)
    job = assemble(config, config.book(book_id))
    files = ProjectFiles(root)
    stamp, _ = build_stamp(root, list(job.manuscripts.values()))
    settings = job.settings
    geometry = page.page_css(settings, page.gutter_for(pages))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "print.html").write_text(
        outputs._book_html(job, files, stamp, style=settings.style, geometry=geometry),
        encoding="utf-8")
    longest = max(range(len(job.book.plays)), key=lambda i: len(m.plain_text(job.book.plays[i])))
    (folder / "proof.html").write_text(outputs.proof_play_html(job, files, stamp, longest),
                                       encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1] == "parse":
        print(json.dumps({"seconds": parse_seconds(Path.cwd())}))
    else:
        write_html(Path.cwd(), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))
