"""Helpers for the proof tests (test_proof_*.py): running the CLI, reading PDF text, making
small git projects. Kept apart from conftest.py, which belongs to the main suite."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"
EPOCH = "1700000000"  # 2023-11-14
EPOCH_DATE = "2023-11-14"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "publish", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", "-C", str(root), *args], env=env, capture_output=True,
                          text=True, check=True).stdout.strip()


def letters(text: str) -> str:
    """Only letters and digits, lower case: survives hyphenation, line breaks, curly quotes."""
    return re.sub(r"[\W_]+", "", text).lower()


def page_texts(pdf_path: Path) -> list[str]:
    import pdfplumber
    with pdfplumber.open(pdf_path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def body_letters(pdf_path: Path, margin: float = 60) -> str:
    """The letters of every page's body (running heads and stamps cropped off), in order."""
    import pdfplumber
    parts = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            # With bleed, the page box starts off the origin (pdfplumber's bbox): crop inside it.
            x0, top, x1, bottom = page.bbox
            body = page.crop((x0, top + margin, x1, bottom - margin))
            parts.append(letters(body.extract_text() or ""))
    return "".join(parts)


def epub_letters(epub_path: Path) -> str:
    import zipfile
    with zipfile.ZipFile(epub_path) as epub:
        texts = [epub.read(n).decode("utf-8") for n in epub.namelist() if n.endswith(".xhtml")]
    return letters(re.sub(r"<[^>]+>", " ", " ".join(texts)))


def margin_numbers(pdf_path: Path, text_left: float = 62) -> list[tuple[int, str]]:
    """(number, first word of its line) for every number set in the left margin: the
    speech numbers and the speaker labels they stand beside, in reading order."""
    import pdfplumber
    found = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            words = page.extract_words()
            for word in words:
                if word["x1"] < text_left and word["text"].isdigit():
                    line = sorted((w for w in words if abs(w["top"] - word["top"]) < 4
                                   and w["x0"] > text_left), key=lambda w: w["x0"])
                    found.append((int(word["text"]), line[0]["text"].rstrip(".") if line else ""))
    return found
