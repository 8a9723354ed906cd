"""Reference numbers editors can quote: speeches numbered within each scene.

The scheme (documented in the README): every speech gets a number, counting from 1 in each
division (scene, act or untitled stretch) and again in the play's front and back matter.
Stage directions, notes and prose are not counted, so adding a direction never renumbers the
speeches. A speech is quoted as its scene and number ("Scene 2, 14").

One function decides the numbers; the normalizer stores them on each Speech (`number`), so
the proof and `publish ast` read the same numbers and can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable

from publish import model as m


def numbers(types: Iterable[str]) -> list[int | None]:
    """The speech number of each block of one division, given the blocks' type names;
    None for blocks that are not speeches."""
    result: list[int | None] = []
    count = 0
    for type_name in types:
        if type_name == m.Speech.TYPE:
            count += 1
            result.append(count)
        else:
            result.append(None)
    return result


def block_numbers(blocks: tuple[m.DramaBlock, ...]) -> list[int | None]:
    return numbers(block.TYPE for block in blocks)
