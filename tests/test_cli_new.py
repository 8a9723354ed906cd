"""`publish new`: a manuscript in the canonical form that passes `publish check --strict` and
`publish fmt --check`, and its cast in book.yaml, added without losing the author's comments;
and the line-by-line book.yaml editor on the layouts authors write."""

from __future__ import annotations

import pytest
import yaml

from cli_support import BOOK_YAML, copy_default_project, make_project, run_cli
from publish.commands.project import slugify
from publish.config.yaml_edit import add_play
from publish.model import CastMember
from publish.model.errors import ConfigError

CAST = [CastMember("ann", "Ann"), CastMember("bo-peep", "Bo Peep")]


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "project")


def test_new_play_passes_check_and_fmt(project):
    result = run_cli("new", "Naïve Questions: A Dialogue", "--cast", "Ann", "-c", "Bo Peep",
                     cwd=project)
    assert result.returncode == 0, result.stderr
    path = "manuscript/naive-questions-a-dialogue.md"
    assert path in result.stdout
    text = (project / path).read_text(encoding="utf-8")
    assert text == ("## Naïve Questions: A Dialogue\n\n### Scene 1\n\n"
                    "_[**Ann** and **Bo Peep** enter.]_\n")
    check = run_cli("check", "--strict", path, cwd=project)
    assert (check.returncode, check.stdout) == (0, ""), check.stdout
    fmt = run_cli("fmt", "--check", path, cwd=project)
    assert (fmt.returncode, fmt.stdout) == (0, ""), fmt.stdout
    # The whole project still loads, and the play is in the draft book with its cast.
    assert run_cli("check", "--book", "working", cwd=project).returncode == 0
    config = yaml.safe_load((project / "book.yaml").read_text(encoding="utf-8"))
    assert config["books"]["working"]["manuscripts"][-1] == path
    assert config["plays"][path]["cast"] == [{"id": "ann", "name": "Ann"},
                                             {"id": "bo-peep", "name": "Bo Peep"}]


def test_new_play_keeps_every_line_of_book_yaml(project):
    assert run_cli("new", "Second Thoughts", "--book", "finished", cwd=project).returncode == 0
    after = (project / "book.yaml").read_text(encoding="utf-8")
    remaining = iter(after.splitlines())
    for line in BOOK_YAML.splitlines():  # every old line, in order, edited only where needed
        if "manuscripts: [" in line:  # lengthened: its comment may move closer
            line = " ".join(line.replace("]", ", manuscript/second-thoughts.md]").split())
            assert line in (" ".join(other.split()) for other in remaining), line
            continue
        assert line in remaining, line
    assert yaml.safe_load(after)["plays"]["manuscript/second-thoughts.md"] == {"cast": []}


def test_new_play_without_cast_passes_check(project):
    assert run_cli("new", "Empty Stage", cwd=project).returncode == 0
    text = (project / "manuscript/empty-stage.md").read_text(encoding="utf-8")
    assert text == "## Empty Stage\n\n### Scene 1\n\n_[Lights up.]_\n"
    assert run_cli("check", "--strict", "manuscript/empty-stage.md", cwd=project).returncode == 0


def test_new_play_in_the_default_project_keeps_anchors(tmp_path):
    root = copy_default_project(tmp_path / "default")
    before = yaml.safe_load((root / "book.yaml").read_text(encoding="utf-8"))
    result = run_cli("new", "Third Debate", "-c", "Simplicia", cwd=root)
    assert result.returncode == 0, result.stderr
    text = (root / "book.yaml").read_text(encoding="utf-8")
    assert "cast: &shoggoths-cast" in text and "cast: *shoggoths-cast" in text
    assert "# Working drafts: a missing image" in text
    after = yaml.safe_load(text)
    assert after["plays"]["manuscript/drafts/shoggoths-draft.md"] == \
        before["plays"]["manuscript/drafts/shoggoths-draft.md"]
    assert after["books"]["drafts"]["manuscripts"][-1] == "manuscript/third-debate.md"
    assert after["books"]["collected"] == before["books"]["collected"]


@pytest.mark.parametrize("args, status", [
    (("Clean",), 4),                 # manuscript/clean.md exists already
    (("!!!",), 4),                   # nothing to name a file after
    (("Fine", "--book", "nope"), 3),
    (("Fine", "-c", "Ann", "-c", "ann"), 4),  # two cast members, one id
])
def test_new_refuses_and_changes_nothing(project, args, status):
    before = (project / "book.yaml").read_text(encoding="utf-8")
    files = sorted((project / "manuscript").iterdir())
    result = run_cli("new", *args, cwd=project)
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    assert (project / "book.yaml").read_text(encoding="utf-8") == before
    assert sorted((project / "manuscript").iterdir()) == files


def test_slugify():
    assert slugify("Naïve Questions: A Dialogue") == "naive-questions-a-dialogue"
    assert slugify("  Æsthetic — Part 2 ") == "aesthetic-part-2"


# ---------------------------------------------------------------- the book.yaml editor


def added(text: str, book: str = "b") -> dict:
    return yaml.safe_load(add_play(text, "manuscript/new.md", CAST, book))


def test_editor_appends_to_block_lists_and_plays():
    text = "plays:\n  a.md:\n    title: A\n\nbooks:\n  b:\n    title: B\n    manuscripts:\n      - a.md\n"
    data = added(text)
    assert data["books"]["b"]["manuscripts"] == ["a.md", "manuscript/new.md"]
    assert data["plays"]["manuscript/new.md"]["cast"][1] == {"id": "bo-peep", "name": "Bo Peep"}


def test_editor_opens_a_plays_section_when_there_is_none():
    text = "books:\n  b:\n    title: B\n    manuscripts: []\n"
    data = added(text)
    assert data["books"]["b"]["manuscripts"] == ["manuscript/new.md"]
    assert list(data["plays"]) == ["manuscript/new.md"]


def test_editor_handles_empty_plays_and_sequences_at_key_indent():
    text = ("plays: {}\nbooks:\n  b:\n    title: B\n    manuscripts:\n    - a.md\n"
            "  c:\n    title: C\n    manuscripts: [c.md]\n")
    data = added(text)
    assert data["books"]["b"]["manuscripts"] == ["a.md", "manuscript/new.md"]
    assert data["books"]["c"]["manuscripts"] == ["c.md"]


def test_editor_keeps_crlf():
    text = "books:\r\n  b:\r\n    title: B\r\n    manuscripts: [a.md]\r\n"
    result = add_play(text, "manuscript/new.md", CAST, "b")
    assert "\n" not in result.replace("\r\n", "")


def test_editor_quotes_what_yaml_would_misread():
    cast = [CastMember("yes", "yes"), CastMember("colon", "Dr: Who"), CastMember("n", "#1")]
    text = "books:\n  b:\n    title: B\n    manuscripts: [a.md]\n"
    data = yaml.safe_load(add_play(text, "manuscript/new.md", cast, "b"))
    assert [m["name"] for m in data["plays"]["manuscript/new.md"]["cast"]] == \
        ["yes", "Dr: Who", "#1"]


def test_editor_edits_flow_style_too():
    data = added("plays: {a.md: {}}\nbooks:\n  b: {title: B, manuscripts: [a.md]}\n")
    assert data["plays"]["a.md"] == {}
    assert data["books"]["b"] == {"title": "B", "manuscripts": ["a.md", "manuscript/new.md"]}


def test_editor_refuses_layouts_it_cannot_edit_safely():
    with pytest.raises(ConfigError):
        add_play("books:\n  b:\n    title: B\n", "manuscript/new.md", CAST, "b")
    with pytest.raises(ConfigError):
        add_play("books:\n  b:\n    title: B\n    manuscripts: a.md\n", "manuscript/new.md", CAST, "b")
    with pytest.raises(ConfigError):
        add_play("plays: [a.md]\nbooks:\n  b:\n    manuscripts: [a.md]\n", "manuscript/new.md", CAST, "b")


def test_editor_adds_only_the_new_lines_to_the_default_book_yaml(repo_root):
    """Round-tripped with the file's own indentation: every old byte stays, and the play's
    four lines and the manuscript's one are added."""
    import difflib
    text = (repo_root / "book.yaml").read_text(encoding="utf-8")
    result = add_play(text, "manuscript/new.md", CAST[:1], "drafts")
    changes = [line for line in difflib.ndiff(text.splitlines(), result.splitlines())
               if line[:1] in "+-"]
    assert changes == ["+   manuscript/new.md:", "+     cast:", "+       - id: ann",
                       "+         name: Ann", "+       - manuscript/new.md"]
