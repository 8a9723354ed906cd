"""Issue 27: `publish export --to fountain`, and the round trips it promises.

Markdown -> model -> Fountain -> model gives the same model up to source positions and what
Fountain cannot say (`fountain_view`, which lists it): over the repository's fixtures and
manuscripts with their casts, and over every seed and corpus file where ../shared exists.
Speakers come back as the same cast ids; where the cast is declared, the labels come back
as the cast's display names, the cues. Fountain -> model -> Fountain -> model is exact up to
those labels. The command itself on temporary projects."""

from __future__ import annotations

import dataclasses
import re
from functools import cache
from pathlib import Path

import pytest

from conftest import FIXTURE_FILES, MANUSCRIPT_FILES, REPO_ROOT, author_files, needs_shared, run_cli
from publish import model as m
from publish.build.assemble import read_play
from publish.config import PlayConfig, load
from publish.reading.fountain import read_fountain
from publish.reading.fountain_view import fountain_view
from publish.reading.fountain_write import write_fountain
from publish.reading.normalize import normalize
from publish.reading.pandoc import parse_markdown

FOUNTAIN_DIR = REPO_ROOT / "tests" / "fixtures" / "fountain"


@cache  # shared with test_fountain_interop.py: each file is parsed once
def _project_play(path: Path) -> m.Play:
    """The play as its project reads it: with its cast and title from book.yaml."""
    root, shown = _in_project(path)
    config = load(root)
    play, _ = read_play(root, path, shown, config.play(shown))
    return play


def _project_declares(path: Path) -> bool:
    """Whether the project's book.yaml declares the play's cast (else it is inferred)."""
    root, shown = _in_project(path)
    return bool(load(root).play(shown).cast)


def _in_project(path: Path) -> tuple[Path, str]:
    root = path.parent if (path.parent / "book.yaml").is_file() else REPO_ROOT
    return root, path.relative_to(root).as_posix()


@cache
def _bare_play(path: Path) -> m.Play:
    play, _ = read_play(path.parent, path, path.name, PlayConfig(path.name, None, ()))
    return play


def round_trip(play: m.Play, declared: bool) -> tuple[m.Play, m.Play, list, str]:
    """(what Fountain can say of the play, the model read back from the Fountain written,
    the messages, the Fountain text). Read back with the same cast (if `declared`) and title."""
    view, losses = fountain_view(play, cast_declared=declared)
    text = write_fountain(view)
    back, _ = read_fountain(text, play.meta.source, play.cast if declared else (), None)
    if back.meta.title != play.meta.title and not play.meta.title_in_text:
        back = dataclasses.replace(back, meta=dataclasses.replace(back.meta, title=play.meta.title,
                                                                  subtitle=play.meta.subtitle))
    return view, back, losses, text


def _speeches(play: m.Play) -> list[m.Speech]:
    return [n for n in m.walk(play) if isinstance(n, m.Speech)]


def _characters(node) -> str:
    """The characters of the words (images, which Fountain drops, left out), for checking
    that no word is lost."""
    parts: list[str] = []

    def visit(item) -> None:
        if isinstance(item, (m.Image, m.Span)):
            return
        if isinstance(item, (m.Text, m.Code)):
            parts.append(item.text)
        elif isinstance(item, tuple):
            for child in item:
                visit(child)
        elif dataclasses.is_dataclass(item):
            for field in dataclasses.fields(item):
                visit(getattr(item, field.name))

    visit(node)
    return "".join("".join(parts).split())


def _is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(char in it for char in small)


JOINER = re.compile(r"(, and |, | and | & )")


def display_label(speech: m.Speech, play: m.Play, declared: bool) -> str:
    """The label a speech comes back with: with a declared cast, each speaker's display name
    (a speaker the cast lacks keeps its name), joined as the label joins them."""
    if not declared:
        return speech.label
    names = {member.id: member.name for member in play.cast}
    parts = JOINER.split(speech.label) if len(speech.speakers) > 1 else [speech.label]
    assert len(parts[::2]) == len(speech.speakers), speech.label
    for index, speaker in enumerate(speech.speakers):
        parts[2 * index] = names.get(speaker, parts[2 * index])
    return "".join(parts)


def assert_round_trip(play: m.Play, declared: bool) -> None:
    view, back, losses, text = round_trip(play, declared)
    assert m.strip_spans(back) == m.strip_spans(view), "Fountain did not read back as written"
    # What the view changed is only what Fountain cannot say: every speech, with the same
    # speakers (by id) and the display names as labels, every scene, every note, and no
    # word lost.
    assert [s.speakers for s in _speeches(back)] == [s.speakers for s in _speeches(play)]
    assert [s.label for s in _speeches(back)] == [display_label(s, play, declared) for s in _speeches(play)]
    assert [(d.kind, d.number, d.title) for d in back.body] == [(d.kind, d.number, d.title) for d in play.body]
    notes = lambda p: [n.kind for n in m.walk(p) if isinstance(n, (m.Note, m.InlineNote))]  # noqa: E731
    assert notes(back) == notes(play)
    for original, read in zip(_speeches(play), _speeches(back), strict=False):
        assert _is_subsequence(_characters(original), _characters(read)), original.span
    if not [loss for loss in losses if not _renamed(loss)]:
        assert m.strip_spans(view) == _without_soft_breaks(_relabelled(play, declared), declared)


def _renamed(loss) -> bool:
    return loss.message.startswith("cues are the cast's display names: ")


def _relabelled(play: m.Play, declared: bool) -> m.Play:
    """The play with each speech's label what it comes back as (`display_label`)."""
    def relabel(blocks: tuple[m.DramaBlock, ...]) -> tuple[m.DramaBlock, ...]:
        return tuple(dataclasses.replace(block, label=display_label(block, play, declared))
                     if isinstance(block, m.Speech) else block for block in blocks)
    body = tuple(dataclasses.replace(division, blocks=relabel(division.blocks)) for division in play.body)
    return dataclasses.replace(play, front=relabel(play.front), body=body)


def _without_soft_breaks(play: m.Play, declared: bool) -> m.Play:
    return m.strip_spans(fountain_view(play, cast_declared=declared)[0])


@pytest.mark.parametrize("path", FIXTURE_FILES + MANUSCRIPT_FILES,
                         ids=[p.name for p in FIXTURE_FILES + MANUSCRIPT_FILES])
def test_markdown_fountain_markdown_round_trip_with_the_cast(path: Path) -> None:
    assert_round_trip(_project_play(path), _project_declares(path))


@pytest.mark.parametrize("path", FIXTURE_FILES + MANUSCRIPT_FILES,
                         ids=[p.name for p in FIXTURE_FILES + MANUSCRIPT_FILES])
def test_round_trip_without_a_cast(path: Path) -> None:
    assert_round_trip(_bare_play(path), False)


AUTHOR_FILES = author_files()


@needs_shared
@pytest.mark.parametrize("path", AUTHOR_FILES, ids=[p.name for p in AUTHOR_FILES])
def test_round_trip_over_the_authors_files(path: Path) -> None:
    assert_round_trip(_bare_play(path), False)


@needs_shared
def test_round_trip_over_the_corpus_with_the_shoggoths_cast() -> None:
    """The first and last drafts with the declared cast (the cues' spellings come from it)."""
    config = load(REPO_ROOT)
    cast = config.play("manuscript/shoggoths.md").cast
    drafts = sorted((REPO_ROOT.parent / "shared" / "corpus" / "shoggoths").glob("*.md"))
    for path in (drafts[0], drafts[-1]):
        play, _ = read_play(path.parent, path, path.name, PlayConfig(path.name, None, cast))
        assert_round_trip(play, True)


@pytest.mark.parametrize("name", ["elements.fountain", "stage-play.fountain"])
def test_fountain_round_trip_is_exact(name: str) -> None:
    """Exact up to the labels, which become the display names where the cast is declared
    (stage-play's): nothing else is listed. Written as it reads (`publish fmt`), exact."""
    play = _project_play(FOUNTAIN_DIR / name)
    declared = _project_declares(FOUNTAIN_DIR / name)
    view, losses = fountain_view(play, cast_declared=declared)
    assert all(_renamed(loss) for loss in losses) and bool(losses) == declared
    assert m.strip_spans(view) == m.strip_spans(_relabelled(play, declared))
    back = _project_play_from_text(write_fountain(view), name)
    assert m.strip_spans(back) == m.strip_spans(view)
    again = _project_play_from_text(write_fountain(play), name)
    assert m.strip_spans(again) == m.strip_spans(play)


def _project_play_from_text(text: str, name: str) -> m.Play:
    config = load(FOUNTAIN_DIR)
    play_config = config.play(name)
    return read_fountain(text, name, play_config.cast, play_config.title)[0]


def test_display_names_the_upper_case_cue_cannot_restore_are_forced() -> None:
    cast = (m.CastMember("quince", "Quince of the Orchard", ("Quince",), "x"),)
    text = "## T\n\n**Quince of the Orchard**: One.\n\n**Quince**: Two.\n\n**QUINCE**: Three.\n"
    play, _ = normalize(parse_markdown(text, "t.md"), "t.md", cast)
    view, losses = fountain_view(play, cast_declared=True)
    fountain = write_fountain(view)
    # Upper case would read back as 'Quince Of The Orchard' without the cast, as 'Quince' with it.
    for line in ("One.", "Two.", "Three."):
        assert f"\n@Quince of the Orchard\n{line}" in fountain
    assert [loss.message.split(" (")[0] for loss in losses] == [
        "cues are the cast's display names: the label 'Quince' is written as 'Quince of the Orchard'",
        "cues are the cast's display names: the label 'QUINCE' is written as 'Quince of the Orchard'",
    ]
    assert_round_trip(play, True)


def test_labels_the_upper_case_cue_cannot_restore_are_forced_where_the_cast_is_inferred() -> None:
    text = "## T\n\n**Quince**: One.\n\n**Marmalade**: Two.\n\n**QUINCE**: Three.\n"
    play, _ = normalize(parse_markdown(text, "t.md"), "t.md")
    view, losses = fountain_view(play, cast_declared=False)
    fountain = write_fountain(view)
    # Upper case would read back as 'Quince', the name of the character inferred first.
    assert "\nQUINCE\nOne." in fountain and "\n@QUINCE\nThree." in fountain
    assert losses == []
    assert_round_trip(play, False)


def test_what_fountain_cannot_say_is_listed_with_positions() -> None:
    play = _project_play(REPO_ROOT / "tests" / "fixtures" / "conventions.md")
    _, losses = fountain_view(play, cast_declared=True)
    said = [(str(loss.location), loss.message.split(" ")[1]) for loss in losses]
    assert ("conventions.md:33:23", "link's") in said
    assert ("conventions.md:51:1", "image") in said
    assert any(message == "list" for _, message in said)
    assert all(loss.location.line for loss in losses)


# ---------------------------------------------------------------- the command


def test_export_command_writes_fountain_and_lists_messages(tmp_path: Path) -> None:
    result = run_cli("export", "--to", "fountain", str(REPO_ROOT / "tests" / "fixtures" / "conventions.md"),
                     "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = tmp_path / "out" / "conventions.fountain"
    assert written.is_file()
    assert "cannot say in Fountain: a link's target is dropped (https://example.com/essay)" in result.stderr
    assert "conventions.md:33:23:" in result.stderr
    text = written.read_text(encoding="utf-8")
    # Outside a project no cast is declared: the cues are the labels.
    assert "QUINCE AND MARMALADE\n(turning to the audience, in unison)\nWe're hosed." in text
    assert not list((tmp_path / "out").glob(".publish-partial*"))


def test_export_command_in_a_project_cues_the_display_names(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    for name in ("book.yaml", "conventions.md", "plain.txt", "renamed.md"):
        (project / name).write_bytes((REPO_ROOT / "tests" / "fixtures" / name).read_bytes())
    result = run_cli("export", "--to", "fountain", "conventions.md", "-o", "out", cwd=project)
    assert result.returncode == 0, result.stderr
    text = (project / "out" / "conventions.fountain").read_text(encoding="utf-8")
    assert "QUINCE ORCHARDSON AND MARMALADE\n(turning to the audience, in unison)\nWe're hosed." in text
    assert ("cannot say in Fountain: cues are the cast's display names: the label 'Quince' is written as "
            "'Quince Orchardson' (") in result.stderr


def test_export_book_of_a_project(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    for name in ("book.yaml", "stage-play.fountain", "elements.fountain"):
        (project / name).write_bytes((FOUNTAIN_DIR / name).read_bytes())
    result = run_cli("export", "--to", "fountain", "--book", "stage-play", cwd=project)
    assert result.returncode == 0, result.stderr
    written = project / "dist" / "stage-play.fountain"
    # A Fountain play says everything in Fountain: only the labels, now display names, are listed.
    assert result.stderr.splitlines() == [
        "stage-play.fountain:10:1: cannot say in Fountain: cues are the cast's display names: the label "
        "'Quince' is written as 'Quince Orchardson' (4 speeches, the first here)",
        "stage-play.fountain:14:1: cannot say in Fountain: cues are the cast's display names: the label "
        "'Marm' is written as 'Marmalade' (1 speech, the first here)",
        "stage-play.fountain:20:1: cannot say in Fountain: cues are the cast's display names: the label "
        "'Quince and Marmalade' is written as 'Quince Orchardson and Marmalade' (1 speech, the first here)",
    ]
    again = read_fountain(written.read_text(encoding="utf-8"), "stage-play.fountain",
                          load(project).play("stage-play.fountain").cast)[0]
    play = _project_play(FOUNTAIN_DIR / "stage-play.fountain")
    assert m.strip_spans(again) == m.strip_spans(_relabelled(play, True))


def test_export_needs_a_format(tmp_path: Path) -> None:
    result = run_cli("export", "x.md", cwd=tmp_path)
    assert result.returncode == 2 and "--to" in result.stderr


def test_fmt_keeps_a_fountain_file_fountain(tmp_path: Path) -> None:
    messy = tmp_path / "messy.fountain"
    messy.write_text("Title: T\n\n\nQUINCE\n(quietly)\n   Hello.\n\n\n", encoding="utf-8")
    assert run_cli("fmt", "messy.fountain", cwd=tmp_path).returncode == 0
    once = messy.read_text(encoding="utf-8")
    assert once == "Title: T\n\nQUINCE\n(quietly)\nHello.\n"
    assert run_cli("fmt", "--check", "messy.fountain", cwd=tmp_path).returncode == 0
