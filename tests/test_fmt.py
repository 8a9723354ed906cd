"""Issue 3: `publish fmt` is lossless (model(fmt(x)) == model(x)) and idempotent
(fmt(fmt(x)) == fmt(x)) on every seed and corpus file and on generated plays."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from conftest import FIXTURE_FILES, MANUSCRIPT_FILES, author_files
from publish import model as m
from publish.reading.fmt import format_play
from publish.reading.normalize import normalize
from publish.reading.pandoc import parse_markdown

# The repository's fixtures and manuscripts always; the author's files where ../shared is.
FILES = FIXTURE_FILES + MANUSCRIPT_FILES + author_files()


def _play(text: str) -> m.Play:
    return normalize(parse_markdown(text, "x.md"), "x.md")[0]


def _assert_fmt_properties(text: str) -> str:
    original = _play(text)
    once = format_play(original)
    reparsed = _play(once)
    assert m.strip_spans(reparsed) == m.strip_spans(original), "fmt lost or changed something"
    assert format_play(reparsed) == once, "fmt is not idempotent"
    return once


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_fmt_is_lossless_and_idempotent_on_every_real_file(path: Path) -> None:
    _assert_fmt_properties(path.read_text(encoding="utf-8"))


def test_fmt_keeps_wording_quotes_and_line_breaks() -> None:
    text = ("## Title\n\n**Simplicia**: \"Straight\" and ‘curly’ quotes...\nsecond line\n"
            "stays — naïve\n\n[_**Doomimir** enters._]\n")
    once = _assert_fmt_properties(text)
    assert "\"Straight\" and ‘curly’ quotes...\nsecond line\nstays — naïve" in once
    assert "_[**Doomimir** enters.]_" in once  # the canonical direction form


def test_plain_dialect_is_rewritten_in_the_markdown_dialect() -> None:
    plain = "A Title\n\nAlice: Hello. [waving] Hi.\n\nBob: [gruffly] Hello.\n\nAlice: Bye.\n\nBob: Bye.\n"
    once = _assert_fmt_properties(plain)
    assert once.startswith("## A Title\n\n**Alice**: Hello. _[waving]_ Hi.\n\n**Bob**: _[gruffly]_ Hello.")


# ---------------------------------------------------------------- the command


def _run(args, cwd):
    return subprocess.run([sys.executable, "-m", "publish", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_fmt_check_changes_nothing_and_lists_files(tmp_path: Path) -> None:
    messy = tmp_path / "messy.md"
    messy.write_text("## T\n\n**A**:  [_x_] hi\n\n**B**: yo\n", encoding="utf-8")
    clean = tmp_path / "clean.md"
    clean.write_text("## T\n\n**A**: _[x]_ hi\n\n**B**: yo\n", encoding="utf-8")
    before = messy.read_bytes()
    result = _run(["fmt", "--check", "messy.md", "clean.md"], tmp_path)
    assert result.returncode == 1
    assert result.stdout.split() == ["would", "reformat", "messy.md"]
    assert messy.read_bytes() == before
    assert _run(["fmt", "messy.md"], tmp_path).returncode == 0
    assert messy.read_text(encoding="utf-8") == clean.read_text(encoding="utf-8")
    assert _run(["fmt", "--check", "messy.md", "clean.md"], tmp_path).returncode == 0


# ---------------------------------------------------------------- properties

NAMES = st.sampled_from(["Simplicia", "Doomimir", "Mail Carrier"])
WORDS = st.sampled_from([
    "hello", "world", "naïve", "—", "...", "…", "\"quoted\"", "it's", "$5", "*", "_", "a_b",
    "`tick`", "<tag>", "&amp;", "#", "[...]", "(x)", "⟺", "α–β", "1.", "-", "+", "~~", "\\",
])


@st.composite
def inline_text(draw, min_size=1):
    words = draw(st.lists(WORDS, min_size=min_size, max_size=8))
    text = " ".join(words)
    if draw(st.booleans()):
        text += f" _{draw(WORDS.filter(lambda w: w.isalpha()))}_"
    if draw(st.booleans()):
        text += " [a link](https://example.com/x)"
    return text


@st.composite
def speech(draw):
    label = draw(NAMES)
    delivery = f"_[{draw(inline_text())}]_ " if draw(st.booleans()) else ""
    body = draw(inline_text()) if draw(st.integers(0, 4)) else ""
    inline = f" _[A beat.]_ {draw(inline_text())}" if draw(st.booleans()) else ""
    cont = f"\n\n{draw(inline_text())}" if draw(st.booleans()) else ""
    return f"**{label}**: {delivery}{body}{inline}{cont}"


@st.composite
def block(draw):
    kind = draw(st.sampled_from(["speech", "speech", "direction", "note", "list", "quote", "scene"]))
    if kind == "speech":
        return draw(speech())
    if kind == "direction":
        return f"_[**{draw(NAMES)}** {draw(inline_text())}]_"
    if kind == "note":
        items = "\n".join(f" * {draw(inline_text())}" for _ in range(draw(st.integers(1, 3))))
        return f"[TODO— {draw(inline_text())}\n{items}\n]"
    if kind == "list":
        return "\n".join(f" * {draw(inline_text())}" for _ in range(draw(st.integers(1, 3))))
    if kind == "quote":
        return f"> {draw(inline_text())}"
    return f"### Scene {draw(st.integers(0, 9))}: {draw(inline_text())}"


@st.composite
def play_text(draw):
    blocks = draw(st.lists(block(), min_size=1, max_size=8))
    return "## A Play: Generated\n\n" + "\n\n".join(blocks) + "\n"


@given(play_text())
def test_fmt_properties_on_generated_plays(text: str) -> None:
    _assert_fmt_properties(text)


@given(play_text())
def test_json_round_trip_on_generated_plays(text: str) -> None:
    play = _play(text)
    assert m.from_json(m.to_json(play)) == play
