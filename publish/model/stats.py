"""Who speaks how much, and where: the numbers behind the proof's cast table and
`publish stats`.

Words are the spoken words of a speech: its paragraphs without stage directions or editorial
notes. A speech by two speakers at once counts, with all its words, for each of them.
A character appears in a scene when they speak in it or a stage direction names them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from publish import model as m

WORD = re.compile(r"[\w’'-]+")  # a word: letters/digits with inner apostrophes or hyphens


@dataclass(frozen=True)
class CharacterStats:
    id: str
    name: str
    speeches: int
    words: int
    speech_share: float  # of all speeches in the play (0..1)
    word_share: float  # of all spoken words in the play (0..1)
    scenes: tuple[bool, ...]  # one flag per division of the play body


@dataclass(frozen=True)
class CastStats:
    characters: tuple[CharacterStats, ...]
    scene_labels: tuple[str, ...]  # one per division: its number, title or position
    speeches: int
    words: int


def spoken_words(speech: m.Speech) -> int:
    """The number of words a speech says aloud (directions and notes left out)."""
    return sum(len(WORD.findall(text)) for text in _spoken_texts(speech.paragraphs))


def _spoken_texts(node: object) -> Iterator[str]:
    if isinstance(node, tuple):
        for child in node:
            yield from _spoken_texts(child)
    elif isinstance(node, (m.StageDirection, m.InlineNote, m.Note)):
        return
    elif isinstance(node, (m.Text, m.Code)):
        yield node.text
    elif hasattr(node, "__dataclass_fields__"):
        for name in node.__dataclass_fields__:
            if name != "span":
                yield from _spoken_texts(getattr(node, name))


def _named_in(block: m.DramaBlock) -> set[str]:
    """Cast ids a block brings on stage: its speakers and the characters its directions name."""
    ids = set(block.speakers) if isinstance(block, m.Speech) else set()
    if isinstance(block, (m.Speech, m.StageDirection)):
        ids |= {node.id for node in m.walk(block) if isinstance(node, m.PersonaRef) and node.id}
    return ids


def scene_label(division: m.Division, index: int) -> str:
    return division.number or (division.title or "")[:12] or str(index + 1)


def cast_stats(play: m.Play) -> CastStats:
    speeches: dict[str, int] = {}
    words: dict[str, int] = {}
    present: dict[str, set[int]] = {}
    total_speeches = total_words = 0
    for index, division in enumerate(play.body):
        for block in division.blocks:
            for cast_id in _named_in(block):
                present.setdefault(cast_id, set()).add(index)
            if isinstance(block, m.Speech):
                count = spoken_words(block)
                total_speeches += 1
                total_words += count
                for cast_id in block.speakers:
                    speeches[cast_id] = speeches.get(cast_id, 0) + 1
                    words[cast_id] = words.get(cast_id, 0) + count
    names = {member.id: member.name for member in play.cast}
    order = [member.id for member in play.cast]
    order += sorted((set(speeches) | set(present)) - set(order))  # speakers not in the cast
    rows = []
    for cast_id in order:
        n_speeches, n_words = speeches.get(cast_id, 0), words.get(cast_id, 0)
        rows.append(CharacterStats(
            cast_id, names.get(cast_id, cast_id), n_speeches, n_words,
            n_speeches / total_speeches if total_speeches else 0.0,
            n_words / total_words if total_words else 0.0,
            tuple(i in present.get(cast_id, ()) for i in range(len(play.body)))))
    labels = tuple(scene_label(d, i) for i, d in enumerate(play.body))
    return CastStats(tuple(rows), labels, total_speeches, total_words)


def play_stats_json(play: m.Play) -> dict[str, Any]:
    """`publish stats --json` for one play: its totals, its scenes, and per character the
    counts, shares (0..1, rounded to 4 places) and the labels of the scenes they appear in."""
    stats = cast_stats(play)
    return {
        "title": play.meta.title,
        "source": play.meta.source,
        "speeches": stats.speeches,
        "words": stats.words,
        "scenes": list(stats.scene_labels),
        "characters": [
            {"id": row.id, "name": row.name, "speeches": row.speeches, "words": row.words,
             "speech_share": round(row.speech_share, 4), "word_share": round(row.word_share, 4),
             "scenes": [label for label, here in zip(stats.scene_labels, row.scenes, strict=True) if here]}
            for row in stats.characters],
    }
