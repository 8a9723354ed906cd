"""Golden files: the drama model of each of the author's seed documents, as `publish ast` JSON.

The model is parsed with the seed's file name as its displayed path, so the goldens hold no
absolute paths. Run `pytest tests/test_golden.py --update-golden` to rewrite them after an
intended change, then read the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SEEDS_DIR, SHARED_PRESENT, check_golden, needs_shared
from publish import model as m
from publish.build.assemble import read_play
from publish.config import PlayConfig

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
# The author's seeds where ../shared is beside the checkout; tests/test_fixtures.py holds the
# same goldens for the repository's own fixtures, which every clone has.
SEEDS = sorted(SEEDS_DIR.glob("*.txt")) if SHARED_PRESENT else []
SEED_IDS = [seed.stem for seed in SEEDS]


def parse_seed(seed: Path) -> m.Play:
    play, _ = read_play(seed.parent, seed, seed.name, PlayConfig(seed.name, None, ()))
    return play


def model_json(play: m.Play) -> str:
    return json.dumps(m.to_json(play), indent=1, ensure_ascii=False) + "\n"


@needs_shared
def test_there_are_four_seeds():
    assert len(SEEDS) == 4, f"expected the author's four seeds in {SEEDS_DIR}, found {SEED_IDS}"


@needs_shared
@pytest.mark.parametrize("seed", SEEDS, ids=SEED_IDS)
def test_model_matches_golden(seed: Path, update_golden: bool):
    check_golden(seed.name, model_json(parse_seed(seed)), GOLDEN_DIR / f"{seed.stem}.json", update_golden)


@needs_shared
@pytest.mark.parametrize("seed", SEEDS, ids=SEED_IDS)
def test_json_round_trip(seed: Path):
    play = parse_seed(seed)
    data = m.to_json(play)
    assert m.from_json(data) == play
    # and through text, as `publish ast` consumers read it
    assert m.from_json(json.loads(json.dumps(data, ensure_ascii=False))) == play


def test_issue_type_names_exist():
    names = {"book", "play", "division", "speech", "stage_direction", "note", "prose"}
    missing = names - set(m.NODE_TYPES)
    assert not missing, f"node types missing from the model: {sorted(missing)}"
    # each name belongs to the class the issue means
    assert m.NODE_TYPES["speech"] is m.Speech
    assert m.NODE_TYPES["stage_direction"] is m.StageDirection
    assert m.NODE_TYPES["note"] is m.Note
    assert m.NODE_TYPES["division"] is m.Division


def test_book_round_trip(default_books):
    """A whole Book (meta + plays) survives to_json/from_json, and its JSON is typed."""
    for book in default_books.values():
        data = m.to_json(book)
        assert data["type"] == "book"
        assert [p["type"] for p in data["plays"]] == ["play"] * len(book.plays)
        assert m.from_json(data) == book


# ------------------------------------------------------------ what the goldens must say
# The goldens are compared byte for byte above; these pin down, independently of them, the
# facts a reader checked by hand, so a golden regenerated from a broken normalizer fails here.


def _speeches(play: m.Play):
    return [n for n in m.walk(play) if isinstance(n, m.Speech)]


def _seed(prefix: str) -> Path:
    (seed,) = [s for s in SEEDS if s.name.startswith(prefix)]
    return seed


@needs_shared
def test_seed_002_joint_speakers():
    play = parse_seed(_seed("002_"))
    joint = [s for s in _speeches(play) if len(s.speakers) > 1]
    assert [(s.speakers, s.label) for s in joint] == [(("simplicia", "doomer"), "Simplicia and Doomer")]
    assert joint[0].delivery is not None
    assert m.plain_text(joint[0].delivery) == "turning to the audience, in unison"


@needs_shared
def test_seed_000_shape():
    play = parse_seed(_seed("000_"))
    assert (play.meta.title, play.meta.subtitle) == (
        "And All the Shoggoths Merely Players", "Another Debate in One Act")
    assert [(d.kind, d.number, d.title) for d in play.body] == [
        ("scene", "0", "Prologue"), ("scene", "1", "The Drunk Actress"),
        ("scene", "2", "Uses of the Evolution Analogy")]
    blocks = [n for n in m.walk(play) if isinstance(n, m.StageDirection) and n.placement == "block"]
    assert [m.plain_text(b)[:30] for b in blocks] == [
        "Setting: a suburban house, in ", "Simplicia enters stage left. S",
        "Simplicia beams and gives the ", "Later, inside the house. Doomi"]
    deliveries = [m.plain_text(s.delivery) for s in _speeches(play) if s.delivery]
    assert deliveries[:3] == ["muttering as he goes to the door", "disturbed by his appearance",
                              "insulted"]
    assert "scoffing" in deliveries and "unfazed" in deliveries
    notes = [n for n in m.walk(play) if isinstance(n, m.Note)]
    assert len(notes) == 5
    # the first note is a paragraph and a six-item bullet list, closed by `]` on its own line
    assert [type(b) for b in notes[0].blocks] == [m.Paragraph, m.ListBlock]
    assert len(notes[0].blocks[1].items) == 6
    assert "]" not in m.plain_text(notes[0])
    # links stay links, never directions
    links = [n for n in m.walk(play) if isinstance(n, m.Link)]
    assert "our last conversation" in [m.plain_text(link.children) for link in links]
    assert not any("lesswrong" in m.plain_text(d) or "our last conversation" in m.plain_text(d)
                   for d in m.walk(play) if isinstance(d, m.StageDirection))


@needs_shared
def test_seed_003_literal_ellipsis_and_notes():
    play = parse_seed(_seed("003_"))
    speech = [s for s in _speeches(play) if s.delivery and m.plain_text(s.delivery) == "despairing"]
    assert len(speech) == 1
    assert m.plain_text(speech[0].paragraphs).endswith("How do I show you that [...]")
    notes = [n for n in m.walk(play) if isinstance(n, m.Note)]
    assert len(notes) == 7
    assert all(n.kind == "todo" for n in notes)
