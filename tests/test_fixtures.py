"""The repository's own fixtures (tests/fixtures/): golden models, and the facts a reader checked
by hand, for every manuscript convention of docs/manuscript-format.md.

These run in every clone, with or without the author's files in ../shared, so that the
normalizer's behaviour on each convention is pinned down without the corpus. Run
`pytest tests/test_fixtures.py --update-golden` to rewrite the goldens after an intended
change, then read the diff.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from conftest import FIXTURE_FILES, FIXTURES_DIR, check_golden
from publish import model as m
from publish.build.assemble import read_play
from publish.config import load

GOLDEN_DIR = Path(__file__).resolve().parent / "golden" / "fixtures"


@cache
def parse_fixture(name: str) -> m.Play:
    """The fixture's model with its cast from tests/fixtures/book.yaml, its name as its path."""
    config = load(FIXTURES_DIR)
    play, _ = read_play(FIXTURES_DIR, FIXTURES_DIR / name, name, config.play(name))
    return play


def model_json(play: m.Play) -> str:
    return json.dumps(m.to_json(play), indent=1, ensure_ascii=False) + "\n"


def test_the_fixtures_are_there():
    assert [p.name for p in FIXTURE_FILES] == ["conventions.md", "plain.txt", "renamed.md"]


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_model_matches_golden(path: Path, update_golden: bool):
    check_golden(path.name, model_json(parse_fixture(path.name)), GOLDEN_DIR / f"{path.stem}.json",
                 update_golden)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_json_round_trip(path: Path):
    play = parse_fixture(path.name)
    assert m.from_json(json.loads(json.dumps(m.to_json(play), ensure_ascii=False))) == play


# ------------------------------------------------------------ what the goldens must say
# Independent of the goldens: a golden regenerated from a broken normalizer fails here.


def _speeches(play: m.Play) -> list[m.Speech]:
    return [n for n in m.walk(play) if isinstance(n, m.Speech)]


def _blocks(play: m.Play, kind: type) -> list:
    return [b for d in play.body for b in d.blocks if isinstance(b, kind)]


def test_title_and_scenes():
    play = parse_fixture("conventions.md")
    assert (play.meta.title, play.meta.subtitle) == ("The Lemon Orchard", "A Test Play in Two Scenes")
    assert [(d.kind, d.number, d.title) for d in play.body] == [
        ("scene", "1", "The Crate"), ("scene", "2", "After")]


def test_every_block_direction_form():
    play = parse_fixture("conventions.md")
    blocks = [b for b in _blocks(play, m.StageDirection) if b.placement == "block"]
    assert [m.plain_text(b) for b in blocks] == [
        "Setting: an orchard at dusk. Quince sits on an upturned crate.",
        "Marmalade enters stage left. She carries a basket.",
        "Marmalade sets the basket down.",
        "A beat.",
        "Later. Marm has gone; Medlar sweeps."]
    # bold names inside a direction are persona references to the cast
    refs = [n.id for n in m.walk(blocks[0]) if isinstance(n, m.PersonaRef)]
    assert refs == ["quince"]


def test_speech_forms_deliveries_and_joint_speakers():
    play = parse_fixture("conventions.md")
    speeches = _speeches(play)
    assert [(s.speakers, s.label) for s in speeches] == [
        (("quince",), "Quince"), (("marmalade",), "Marmalade"), (("marmalade",), "Marmalade"),
        (("quince", "marmalade"), "Quince and Marmalade"),
        (("quince", "marmalade", "medlar"), "Quince, Marmalade and Medlar"),
        (("medlar",), "Medlar"), (("quince",), "Quince"),
        (("marmalade",), "Marm"), (("medlar",), "Medlar")]
    deliveries = [m.plain_text(s.delivery) if s.delivery else None for s in speeches]
    assert deliveries == ["without looking up", "setting the crate down", None,
                          "turning to the audience, in unison", "together", None, None, "off", None]
    assert speeches[5].paragraphs == ()  # the empty placeholder speech is kept


def test_a_speech_runs_over_paragraphs_lists_and_quotations():
    play = parse_fixture("conventions.md")
    second = _speeches(play)[1]
    kinds = [type(p).__name__ for p in second.paragraphs]
    assert kinds == ["Paragraph", "ListBlock", "BlockQuote"]
    assert "α–β pruning, or A ⟺ B" in m.plain_text(_speeches(play)[0])


def test_inline_directions_and_notes():
    play = parse_fixture("conventions.md")
    speeches = _speeches(play)
    deliveries = {id(s.delivery) for s in speeches if s.delivery}
    inline = [m.plain_text(n) for n in m.walk(play) if isinstance(n, m.StageDirection)
              and n.placement == "inline" and id(n) not in deliveries]
    assert inline == ["A beat.", "Marmalade laughs; Quince glares at her."]
    inline_notes = [m.plain_text(n) for n in m.walk(speeches[6]) if isinstance(n, m.InlineNote)]
    assert inline_notes == ["TODO: cut this line?"]
    notes = [n for n in m.walk(play) if isinstance(n, m.Note)]
    assert len(notes) == 2
    # the first note spans a paragraph and a list, closed by `]` on its own line
    assert [type(b) for b in notes[0].blocks] == [m.Paragraph, m.ListBlock]
    assert "]" not in m.plain_text(notes[0])
    assert notes[0] in play.front


def test_things_that_are_not_directions():
    play = parse_fixture("conventions.md")
    third = m.plain_text(_speeches(play)[2])
    for kept in ("[...]", "[…]", "[1]", "[^2]", "[sic]"):
        assert kept in third, kept
    directions = " ".join(m.plain_text(n) for n in m.walk(play) if isinstance(n, m.StageDirection))
    assert "essay" not in directions and "sic" not in directions
    links = [n.url for n in m.walk(play) if isinstance(n, m.Link)]
    assert "https://example.com/essay" in links


def test_images_code_and_prose_are_kept():
    play = parse_fixture("conventions.md")
    images = [n.url for n in m.walk(play) if isinstance(n, m.Image)]
    assert images == ["images/chart.png", "https://example.com/remote-chart.png"]
    code = [n.text for n in m.walk(play) if isinstance(n, m.CodeBlock)]
    assert code == ["code block: **not a speaker**: [not a direction]"]
    assert [m.plain_text(p) for p in _blocks(play, m.Prose)] == [
        "A closing paragraph of prose after the rule."]


def test_plain_dialect():
    play = parse_fixture("plain.txt")
    assert play.meta.title == "The Orchard in Plain Words"
    speeches = _speeches(play)
    assert [s.speakers for s in speeches] == [("quince",), ("marmalade",), ("quince",),
                                              ("marmalade",), ("quince",)]
    assert [m.plain_text(s.delivery) if s.delivery else None for s in speeches] == [
        "opening the gate", None, None, None, "sighing"]
    assert len(speeches[3].paragraphs) == 2
    blocks = [b for b in _blocks(play, m.StageDirection) if b.placement == "block"]
    assert len(blocks) == 2


def test_renamed_characters_resolve_through_aliases():
    play = parse_fixture("renamed.md")
    assert [(s.label, s.speakers) for s in _speeches(play)] == [
        ("Quincy", ("quince",)), ("Marm", ("marmalade",)),
        ("Quince", ("quince",)), ("Marmalade", ("marmalade",))]
    refs = [n.id for n in m.walk(play) if isinstance(n, m.PersonaRef)]
    assert "quince" in refs
