"""`publish stats`: counts per character and scene presence, as JSON and as tables."""

from __future__ import annotations

import json

import pytest

from cli_support import ANSI, make_project, run_cli


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("stats") / "project")


def stats_json(project, *args):
    result = run_cli("stats", *args, "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_json_counts_speeches_words_and_scenes(project):
    [play] = stats_json(project, "manuscript/clean.md")["plays"]
    assert play["title"] == "A Clean Play"
    assert play["source"] == "manuscript/clean.md"
    assert play["scenes"] == ["1", "2"]
    assert (play["speeches"], play["words"]) == (3, 9)
    ann, bo = play["characters"]
    # "Good morning, good morning, good morning." + "Good night." = 8 words in 2 speeches.
    assert ann == {"id": "ann", "name": "Ann Lee", "speeches": 2, "words": 8,
                   "speech_share": 0.6667, "word_share": 0.8889, "scenes": ["1", "2"]}
    assert bo == {"id": "bo", "name": "Bo", "speeches": 1, "words": 1,
                  "speech_share": 0.3333, "word_share": 0.1111, "scenes": ["1"]}


def test_a_book_name_means_its_plays(project):
    plays = stats_json(project, "working")["plays"]
    assert [p["source"] for p in plays] == ["manuscript/rough.md"]
    # An unknown speaker is counted too, after the cast.
    assert [c["id"] for c in plays[0]["characters"]] == ["ann", "bo", "cy"]


def test_default_is_every_play_of_the_project(project):
    plays = stats_json(project)["plays"]
    assert [p["source"] for p in plays] == ["manuscript/clean.md", "manuscript/rough.md"]


def test_terminal_tables(project):
    result = run_cli("stats", "finished", cwd=project)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("A Clean Play") and "manuscript/clean.md" in lines[0]
    ann = next(line for line in lines if line.startswith("Ann Lee") and "%" in line)
    assert [cell.strip() for cell in ann.split("│")] == ["Ann Lee", "2", "66.7%", "8", "88.9%"]
    # The presence table: Bo appears in scene 1 only.
    bo = [line for line in lines if line.startswith("Bo ")][-1]
    assert [cell.strip() for cell in bo.split("│")] == ["Bo", "●", "·"]
    assert not ANSI.search(result.stdout)


def test_missing_file_is_an_input_error(project):
    result = run_cli("stats", "manuscript/nothing.md", cwd=project)
    assert result.returncode == 4
    assert "nothing.md" in result.stderr


def test_files_outside_a_project(tmp_path):
    play = tmp_path / "lonely.md"
    play.write_text("## Alone\n\n**Ann**: Just me.\n", encoding="utf-8")
    [stats] = stats_json(tmp_path, str(play))["plays"]
    assert stats["characters"][0]["words"] == 2
