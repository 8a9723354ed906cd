"""Speech numbering (publish/numbering.py), the cast table's numbers (publish/stats.py) and
the `proof:` key of book.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish import model as m
from publish.config import load
from publish.model.errors import ConfigError
from publish.model.numbering import numbers
from publish.model.stats import cast_stats
from publish.reading.normalize import normalize
from publish.reading.pandoc import parse_markdown

PLAY = """## Play

### Scene 1

_[**Ann** enters.]_

**Ann**: One two three.

**Bob**: Four _[aside]_ five.

**Ann** and **Bob**: Six.

### Scene 2

_[**Bob** sleeps.]_

**Ann**: Seven eight.
"""


def play() -> m.Play:
    cast = (m.CastMember("ann", "Ann"), m.CastMember("bob", "Bob"), m.CastMember("cy", "Cy"))
    return normalize(parse_markdown(PLAY, "p.md"), "p.md", cast)[0]


def test_numbers_count_speeches_only():
    assert numbers(["stage_direction", "speech", "note", "speech", "prose", "speech"]) == [
        None, 1, None, 2, None, 3]


def test_ast_numbers_restart_per_scene():
    data = m.to_json(play())
    got = [[b.get("number") for b in d["blocks"]] for d in data["body"]]
    assert got == [[None, 1, 2, 3], [None, 1]]


def test_cast_stats_words_shares_and_scenes():
    stats = cast_stats(play())
    rows = {c.id: c for c in stats.characters}
    assert (stats.speeches, stats.words) == (4, 8)  # "aside" is a direction, not spoken
    assert (rows["ann"].speeches, rows["ann"].words) == (3, 6)
    assert (rows["bob"].speeches, rows["bob"].words) == (2, 3)
    assert rows["ann"].speech_share == pytest.approx(0.75)
    assert rows["bob"].scenes == (True, True)  # speaks in 1, named in a direction in 2
    assert rows["cy"].scenes == (False, False) and rows["cy"].words == 0


def project(tmp_path: Path, proof_yaml: str) -> Path:
    (tmp_path / "p.md").write_text(PLAY, encoding="utf-8")
    (tmp_path / "book.yaml").write_text(
        f"defaults:\n  author: A\n{proof_yaml}books:\n  b:\n    title: T\n"
        "    manuscripts: [p.md]\n", encoding="utf-8")
    return tmp_path


def test_proof_paper_defaults_to_a4_and_inherits(tmp_path):
    assert load(project(tmp_path, "")).books[0].proof.paper == "a4"
    assert load(project(tmp_path, "  proof:\n    paper: Letter\n")).books[0].proof.paper == "letter"


def test_proof_paper_is_validated_with_its_position(tmp_path):
    with pytest.raises(ConfigError) as error:
        load(project(tmp_path, "  proof:\n    paper: a5\n"))
    assert str(error.value).startswith("book.yaml:4:12: error: defaults.proof.paper must be one of")
    with pytest.raises(ConfigError, match="unknown key 'papr'"):
        load(project(tmp_path, "  proof:\n    papr: a4\n"))
