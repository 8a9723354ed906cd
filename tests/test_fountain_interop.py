"""Issue 27: the Fountain `publish export` writes is Fountain to other tools too.

- screenplain (a Python Fountain parser, pinned in the test extras) finds the same number of
  dialogue blocks per character as our model has speeches per character;
- afterwriting (npm; `make test` installs it into .tools/) turns it into a PDF without errors.
  Where Node or afterwriting is absent the test skips, saying so.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from screenplain.parsers import fountain as screenplain
from screenplain.types import Dialog, DualDialog

from conftest import FIXTURE_FILES, MANUSCRIPT_FILES, REPO_ROOT, author_files, needs_shared
from publish import model as m
from publish.reading.fountain_scan import cue_parts
from publish.reading.fountain_view import fountain_view
from publish.reading.fountain_write import write_fountain
from publish.reading.recognize import Cast, slug
from test_fountain_export import FOUNTAIN_DIR, _bare_play, _project_declares, _project_play

FOUNTAIN_FIXTURES = sorted(FOUNTAIN_DIR.glob("*.fountain"))
ALL = FIXTURE_FILES + MANUSCRIPT_FILES + FOUNTAIN_FIXTURES


def _exported(play: m.Play, declared: bool) -> str:
    return write_fountain(fountain_view(play, cast_declared=declared)[0])


def _our_counts(play: m.Play) -> Counter:
    return Counter(speaker for node in m.walk(play) if isinstance(node, m.Speech) for speaker in node.speakers)


def _their_counts(text: str, play: m.Play) -> Counter:
    """screenplain's dialogue blocks, each cue mapped to characters the way a reader of the
    Fountain file would: its names (`A AND B` is two), through the play's cast."""
    cast = Cast(play.cast, True)
    counts: Counter = Counter()
    for paragraph in screenplain.parse(io.StringIO(text)):
        dialogs = [paragraph.left, paragraph.right] if isinstance(paragraph, DualDialog) else \
            [paragraph] if isinstance(paragraph, Dialog) else []
        for dialog in dialogs:
            name = str(dialog.character).split("(")[0].strip()
            for part in cue_parts(name, cast)[::2]:
                counts[cast.resolve(part) or slug(part)] += 1
    return counts


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_screenplain_counts_the_same_dialogue(path: Path) -> None:
    play = _project_play(path)
    assert _their_counts(_exported(play, _project_declares(path)), play) == _our_counts(play)


@needs_shared
@pytest.mark.parametrize("path", author_files(), ids=[p.name for p in author_files()])
def test_screenplain_counts_the_same_dialogue_in_the_authors_files(path: Path) -> None:
    play = _bare_play(path)
    assert _their_counts(_exported(play, False), play) == _our_counts(play)


def _afterwriting() -> str | None:
    local = REPO_ROOT / ".tools" / "node_modules" / ".bin" / "afterwriting"
    found = os.environ.get("AFTERWRITING") or (str(local) if local.is_file() else shutil.which("afterwriting"))
    return found if found and shutil.which("node") else None


@pytest.mark.skipif(_afterwriting() is None,
                    reason="afterwriting (npm) or Node is not installed; make test installs it into .tools/")
@pytest.mark.parametrize("path", [FOUNTAIN_DIR / "stage-play.fountain", FOUNTAIN_DIR / "elements.fountain",
                                  REPO_ROOT / "tests" / "fixtures" / "conventions.md"],
                         ids=lambda p: p.name)
def test_afterwriting_makes_a_pdf(path: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader
    play = _project_play(path)
    view, _ = fountain_view(play, cast_declared=_project_declares(path))
    source = tmp_path / "play.fountain"
    source.write_text(write_fountain(view), encoding="utf-8")
    pdf = tmp_path / "play.pdf"
    result = subprocess.run([_afterwriting(), "--source", str(source), "--pdf", str(pdf), "--overwrite"],
                            capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in (result.stdout + result.stderr).lower(), result.stdout + result.stderr
    reader = PdfReader(str(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    first = next(node for node in m.walk(view) if isinstance(node, m.Speech))
    assert first.label.upper() in text.upper(), "the first speaker's cue is not in afterwriting's PDF"
    assert len(reader.pages) >= 1
