"""The speech-level diff (publish/diff.py) on small models."""

from __future__ import annotations

from publish import model as m
from publish.model.diff import diff_play, word_diff
from publish.reading.normalize import normalize
from publish.reading.pandoc import parse_markdown

CAST = (m.CastMember("ann", "Ann"), m.CastMember("bob", "Bob"))
BASE = """## Play

### Scene 1

_[**Ann** enters.]_

**Ann**: Good morning, Bob. The weather is fine today.

**Bob**: Is it? I had not noticed the weather at all.

**Ann**: You never notice anything.

### Scene 2

**Ann**: Good night.

**Bob**: Sleep well, Ann.
"""


def play(text: str) -> m.Play:
    return normalize(parse_markdown(text, "p.md"), "p.md", CAST)[0]


def speeches(p: m.Play) -> list[m.Speech]:
    return [b for d in p.body for b in d.blocks if isinstance(b, m.Speech)]


def marked(diff, p: m.Play) -> dict[str, str]:
    return {m.plain_text(s.paragraphs): diff.status(s) for s in speeches(p) if diff.status(s)}


def test_identical_plays_have_no_changes():
    diff = diff_play(play(BASE), play(BASE))
    assert not diff.added and not diff.changed and not diff.removed_before
    assert not diff.removed_at_end


def test_a_reworded_speech_is_changed_not_added():
    old, new = play(BASE), play(BASE.replace("noticed the weather", "noticed the rain"))
    diff = diff_play(old, new)
    assert marked(diff, new) == {"Is it? I had not noticed the rain at all.": "changed"}
    bob = speeches(new)[1]
    assert m.plain_text(diff.old(bob).paragraphs) == "Is it? I had not noticed the weather at all."


def test_added_and_removed_speeches_stand_where_they_were():
    new_text = (BASE.replace("**Ann**: You never notice anything.\n\n", "")
                .replace("**Bob**: Sleep well, Ann.\n", "**Bob**: Sleep well, Ann.\n\n**Ann**: And you.\n"))
    new = play(new_text)
    diff = diff_play(play(BASE), new)
    assert marked(diff, new) == {"And you.": "added"}
    # The removed speech ended scene 1: it is listed before the next unit, scene 2's first.
    first_of_scene_2 = new.body[1].blocks[0]
    assert [m.plain_text(u.paragraphs) for u in diff.removed(first_of_scene_2)] == [
        "You never notice anything."]


def test_removed_at_the_end_and_changed_directions():
    old = play(BASE)
    new = play(BASE.replace("**Bob**: Sleep well, Ann.\n", "").replace("enters.", "enters, late."))
    diff = diff_play(old, new)
    direction = new.body[0].blocks[0]
    assert diff.status(direction) == "changed"
    assert [m.plain_text(u.paragraphs) for u in diff.removed_at_end] == ["Sleep well, Ann."]


def test_a_speech_given_to_another_speaker_is_changed():
    new = play(BASE.replace("**Ann**: Good night.", "**Bob**: Good night."))
    diff = diff_play(play(BASE), new)
    assert marked(diff, new) == {"Good night.": "changed"}
    assert diff.old(speeches(new)[3]).label == "Ann"


def test_a_different_speech_by_the_same_speaker_is_added_and_the_old_removed():
    new = play(BASE.replace("**Ann**: Good night.", "**Ann**: Where is the cat?"))
    diff = diff_play(play(BASE), new)
    assert marked(diff, new) == {"Where is the cat?": "added"}
    assert [m.plain_text(u.paragraphs) for u in diff.removed(speeches(new)[3])] == ["Good night."]


def test_a_play_new_since_the_revision_is_all_added():
    new = play(BASE)
    diff = diff_play(None, new)
    assert all(diff.status(s) == "added" for s in speeches(new))


def test_word_diff_reports_new_words_and_the_old_ones_they_replace():
    old, new = ["I", "had", "not", "noticed", "the", "weather"], ["I", "had", "noticed", "the", "rain"]
    assert word_diff(old, new) == [("delete", 2, 2, ["not"]), ("replace", 4, 5, ["weather"])]
